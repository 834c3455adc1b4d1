"""Tables for people: xlsync's results rendered with tabulate."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

CELL_WIDTH = 48  # long progress notes are cut in tables; JSON and workbooks carry them whole


def shorten(value: Any, width: int = CELL_WIDTH) -> str:
    """One line of at most `width` characters."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[list[Any]], headers: list[str]) -> str:
    return tabulate(
        [[shorten(v) for v in row] for row in rows],
        headers=headers,
        tablefmt="simple",
        disable_numparse=True,  # refs such as "17." are text, not numbers to align
    )


def render_register(data: dict[str, Any]) -> str:
    """The `inspect` view: where the table is, how each column was understood, the records."""
    lines = [
        f"{data['path']}",
        f"  kind: {data['schema']}   sheet: {data['sheet']}   header row: {data['header_row']}"
        f"   records: {data['record_count']}",
        "",
        table(
            [[f, c, data["headers"].get(f, "")] for f, c in data["columns"].items()],
            ["field", "column", "header as written"],
        ),
    ]
    if data["ignored"]:
        lines += ["", "ignored columns: " + ", ".join(data["ignored"])]
    if data["sections"]:
        lines += ["", "sections: " + "; ".join(data["sections"])]
    if data["records"]:
        fields = ["_row", *[f for f in data["records"][0] if f != "_row"]]
        lines += [
            "",
            table(
                [[r.get(f) for f in fields] for r in data["records"]],
                ["row" if f == "_row" else f for f in fields],
            ),
        ]
    return "\n".join(lines)


def render_validation(data: dict[str, Any]) -> str:
    """One summary row per file, then every finding with its sheet!cell."""
    summary = [
        [
            f["path"],
            f.get("schema") or "-",
            f.get("sheet") or "-",
            f.get("records", 0),
            f.get("errors", 0),
            f.get("warnings", 0),
            f.get("error") or ("ok" if not f.get("errors") else "errors"),
        ]
        for f in data["files"]
    ]
    lines = [table(summary, ["file", "kind", "sheet", "records", "errors", "warnings", "result"])]
    findings = [
        [
            _name(f["path"]),
            f"{x['sheet']}!{x['cell']}",
            x["severity"],
            x["column"],
            x["value"],
            x["message"],
        ]
        for f in data["files"]
        for x in f["findings"]
    ]
    if findings:
        rows = [[*r[:5], r[5]] for r in findings]
        lines += [
            "",
            tabulate(
                [[shorten(v, 30) for v in r[:5]] + [r[5]] for r in rows],
                headers=["file", "cell", "severity", "column", "value", "message"],
                tablefmt="simple",
                disable_numparse=True,
            ),
        ]
    return "\n".join(lines)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def render_kind(data: dict[str, Any]) -> str:
    """A kind's fields, for `xlsync schema show`."""
    rows = [
        [
            name,
            f["type"] + (" (required)" if f["required"] else ""),
            f["owner"],
            ", ".join(f["aliases"][:6]) + (" …" if len(f["aliases"]) > 6 else ""),
            ", ".join(f["allowed"]),
        ]
        for name, f in data["fields"].items()
    ]
    lines = [
        f"{data['name']}: {data['title']}",
        data["description"],
        f"key: {', '.join(data['key'])}",
        "",
        tabulate(rows, headers=["field", "type", "edited by", "headers", "allowed values"]),
    ]
    if data["rules"]:
        lines += ["", "rules:"] + [f"  {r['rule']}: {r['sentence']}" for r in data["rules"]]
    return "\n".join(lines)


def render_merge(data: dict[str, Any]) -> str:
    """What a merge did (or would do): per return, then each change, addition and problem."""
    lines = [
        table(
            [
                [
                    _name(r["path"]),
                    r["partner"],
                    r["status"],
                    r["updated"],
                    r["added"],
                    r["conflicts"],
                    r["rejected_edits"],
                    r["reason"],
                ]
                for r in data["returns"]
            ],
            [
                "return",
                "partner",
                "status",
                "updated",
                "added",
                "conflicts",
                "rejected edits",
                "note",
            ],
        )
    ]
    sections = [
        (
            "Changes" + (" (dry run: nothing written)" if data["dry_run"] else ""),
            data["changes"],
            ["partner", "ref", "field", "old", "new", "source"],
        ),
        (
            "New rows (added at the end of the register)",
            data["added"],
            ["partner", "ref", "source"],
        ),
        (
            "Conflicts (both sides changed it)",
            data["conflicts"],
            ["partner", "ref", "field", "base", "master", "return", "kept"],
        ),
        (
            "Rejected edits (coordinator-owned fields)",
            data["rejected_edits"],
            ["partner", "ref", "field", "master", "return", "source"],
        ),
        ("Missing from the return (kept in the master)", data["missing"], ["partner", "ref"]),
    ]
    changes = [_added_text(c) for c in data["changes"]]
    sections[0] = (sections[0][0], changes, sections[0][2])
    for title, items, keys in sections:
        if items:
            lines += ["", f"{title}:", table([[i.get(k) for k in keys] for i in items], keys)]
    findings = [
        [_name(r["path"]), f"{f['sheet']}!{f['cell']}", f["severity"], f["message"]]
        for r in data["returns"]
        if r["status"] in ("rejected", "partial")
        for f in r["findings"]
    ]
    if findings:
        lines += [
            "",
            "Findings in rejected returns:",
            tabulate(findings, headers=["file", "cell", "severity", "message"]),
        ]
    if data.get("written"):
        lines += [
            "",
            f"Wrote {data['written']}"
            + (f" (previous copy kept as {data['backup']})" if data.get("backup") else ""),
        ]
    elif not data["dry_run"]:
        lines += ["", "Nothing to change; the master was not written."]
    return "\n".join(lines)


def _added_text(change: dict[str, Any]) -> dict[str, Any]:
    """A change whose new text extends the old shows only what was added ("+ 6 March 2007 …")."""
    old, new = change.get("old"), change.get("new")
    if isinstance(old, str) and isinstance(new, str) and old and new != old and new.startswith(old):
        return {**change, "old": "…" + old[-20:], "new": "+ " + new[len(old) :].strip()}
    return change


def render_status(data: dict[str, Any]) -> str:
    """One row per partner: records by status, RAG, overdue, last merge, return."""
    statuses = ["Not started", "In progress", "Complete", "Closed", "Paused"]
    rows = []
    for p in data["partners"]:
        returned = {None: "", True: "returned", False: "NOT RETURNED"}[p["returned"]]
        if p["returned"] and p["newer_than_merge"]:
            returned += " (not yet merged)"
        rows.append(
            [
                p["partner"],
                p["records"],
                *[p["by_status"].get(s, 0) for s in statuses],
                " ".join(f"{k[0]}:{v}" for k, v in sorted(p["by_rag"].items()) if k != "(blank)"),
                len(p["overdue"]),
                p["last_merged"] or "never",
                returned,
            ]
        )
    lines = [
        table(rows, ["partner", "records", *statuses, "RAG", "overdue", "last merged", "return"])
    ]
    overdue = [[p["partner"], ", ".join(p["overdue"])] for p in data["partners"] if p["overdue"]]
    if overdue:
        lines += [
            "",
            f"Overdue at {data['today']} (target date passed, not complete):",
            table(overdue, ["partner", "refs"]),
        ]
    if data["missing"]:
        when = f" (deadline {data['deadline']})" if data["deadline"] else ""
        lines += ["", f"Not returned{when}: " + ", ".join(data["missing"])]
    if data["unmatched_returns"]:
        lines += [
            "",
            "Files in the returns folder that match no partner: "
            + ", ".join(_name(p) for p in data["unmatched_returns"]),
        ]
    return "\n".join(lines)


def render_diff(data: dict[str, Any]) -> str:
    """Records added and removed, and each changed field with its cells."""
    lines = [f"--- {data['old']}", f"+++ {data['new']}"]
    if data["added"]:
        lines += [
            "",
            "Added:",
            table(
                [[r["partner"], r["ref"], r["cell"]] for r in data["added"]],
                ["partner", "ref", "cell"],
            ),
        ]
    if data["removed"]:
        lines += [
            "",
            "Removed:",
            table(
                [[r["partner"], r["ref"], r["cell"]] for r in data["removed"]],
                ["partner", "ref", "cell"],
            ),
        ]
    if data["changed"]:
        rows = [
            [c["partner"], c["ref"], c["field"], c["old"], c["new"], c["new_cell"]]
            for c in map(_added_text, data["changed"])
        ]
        lines += ["", "Changed:", table(rows, ["partner", "ref", "field", "old", "new", "cell"])]
    if len(lines) == 2:
        lines += ["", "No differences in values."]
    return "\n".join(lines)
