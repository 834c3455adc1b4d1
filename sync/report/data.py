"""Plain dicts of xlsync's results, exactly what `--format json` prints."""

from __future__ import annotations

from typing import Any

from sync.kinds import Kind
from sync.model import Register, jsonable


def register_to_dict(register: Register) -> dict[str, Any]:
    """What the reader understood of a workbook: `Register.to_dict`."""
    return register.to_dict()


def kind_to_dict(kind: Kind) -> dict[str, Any]:
    """A workbook kind as `xlsync schema show --format json` prints it."""
    from sync.rules import RULES, rule_sentence

    return {
        "name": kind.name,
        "title": kind.title,
        "description": kind.description,
        "source": kind.source,
        "key": list(kind.key),
        "roles": {**kind.roles, **({"done": list(kind.done)} if kind.done else {})},
        "fields": {
            f.name: {
                "title": f.title,
                "type": f.type,
                "required": f.required,
                "owner": f.owner,
                "aliases": list(f.aliases),
                "allowed": list(f.vocabulary),
                "synonyms": {k: list(v) for k, v in f.vocabulary.items()},
                "history": f.history,
                "example": f.example,
            }
            for f in kind.fields
        },
        "rules": [
            {
                "rule": r.rule,
                "sentence": rule_sentence(r.rule),
                "fields": list(RULES[r.rule].fields(r, kind)),
            }
            for r in kind.rules
        ],
    }


def kinds_summary() -> list[dict[str, Any]]:
    """Every built-in kind, briefly."""
    from sync.kinds import builtin_kinds

    return [
        {"name": k.name, "title": k.title, "key": list(k.key), "fields": list(k.names)}
        for k in builtin_kinds().values()
    ]


def merge_to_dict(
    plan: Any, written: Any = None, backup: Any = None, dry_run: bool = False
) -> dict[str, Any]:
    """A merge plan (and what was written) as `xlsync merge` and `push` print it in JSON."""
    return {
        "master": plan.master,
        "dry_run": dry_run,
        "written": None if written is None else str(written),
        "backup": None if backup is None else str(backup),
        "returns": [
            {
                "path": r.path,
                "partner": r.partner,
                "status": r.status,
                "updated": r.updated,
                "added": r.added,
                "conflicts": r.conflicts,
                "rejected_edits": r.rejected_edits,
                "reason": r.reason,
                "findings": [f.to_dict() for f in r.findings],
            }
            for r in plan.returns
        ],
        "changes": [
            {
                "partner": c.partner,
                "ref": c.ref,
                "field": c.field,
                "old": jsonable(c.old),
                "new": jsonable(c.new),
                "source": c.source,
                "cell": str(c.cell),
            }
            for c in plan.changes
        ],
        "added": [{"partner": a.partner, "ref": a.ref, "source": a.source} for a in plan.added],
        "missing": [{"partner": m.partner, "ref": m.ref} for m in plan.missing],
        "rejected_rows": [
            {"partner": r.partner, "ref": r.ref, "source": r.source, "errors": list(r.errors)}
            for r in plan.rejected_rows
        ],
        "conflicts": [
            {
                "partner": c.partner,
                "ref": c.ref,
                "field": c.field,
                "base": jsonable(c.base),
                "master": jsonable(c.master),
                "return": jsonable(c.theirs),
                "source": c.source,
                "kept": c.kept,
            }
            for c in plan.conflicts
        ],
        "rejected_edits": [
            {
                "partner": r.partner,
                "ref": r.ref,
                "field": r.field,
                "master": jsonable(r.master),
                "return": jsonable(r.theirs),
                "source": r.source,
            }
            for r in plan.rejected_edits
        ],
        "cleared": [
            {
                "partner": c.partner,
                "ref": c.ref,
                "field": c.field,
                "kept": jsonable(c.kept),
                "cell": str(c.cell),
                "source": c.source,
                "message": f"cleared in the return; the master keeps {jsonable(c.kept)}",
            }
            for c in plan.cleared
        ],
        "history": [
            {
                "partner": h.partner,
                "ref": h.ref,
                "when": jsonable(h.when),
                "text": h.text,
                "source": h.source,
            }
            for h in plan.history
        ],
    }
