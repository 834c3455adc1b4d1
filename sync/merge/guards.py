"""The mistakes a merge refuses: a return as the master, a return from another master,
--partner against the return, two returns from one partner, duplicate refs, a refused value
blamed on the master. Pure: the merge workflow gives what it read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sync.cells import CellRef
from sync.errors import WriteRefused, XlsyncError
from sync.findings import Finding, make_finding
from sync.keys import normalise_partner
from sync.kinds import Kind
from sync.merge.plan import MergePlan, RejectedRow, ReturnInput, ReturnOutcome
from sync.model import Register
from sync.partners import match_partner
from sync.state import ISSUED_FROM
from sync.tables import Table

Meta = Mapping[str, Any]


def refuse_return_as_master(issued: Meta | None, master_path: Path) -> None:
    """A workbook xlsync issued as a return is not a master (`merge RETURN MASTER`)."""
    if issued is None:
        return
    to = f" to {issued['partner']}" if issued.get("partner") else ""
    raise XlsyncError(
        f"is a return xlsync issued{to}, not a master; name the master first, then the "
        "returns: xlsync merge MASTER RETURN",
        master_path,
    )


def refuse_other_master(
    issued: Meta | None, master_id: str | None, master_path: Path, return_path: Path
) -> None:
    """A return carries the identity of the master it was issued from; merged into any other
    it would put one council's rows into another's register. Returns and masters from before
    identities carry none, and merge as they did; a master without one is taken at its name."""
    theirs = issued.get(ISSUED_FROM) if issued else None
    if not theirs or theirs == master_id:
        return
    came = str((issued or {}).get("master") or "another master")
    if master_id is None and came == master_path.name:
        # the master it came from, rebuilt or restored from before its first issue gave it
        # an identity: the name it was issued from is all there is to go by
        return
    if came == master_path.name:
        came = f"another master also called {came}"
    raise XlsyncError(
        f"was issued from {came}, not from {master_path.name}; a return merges only into "
        "the master it was issued from",
        return_path,
    )


def refuse_other_partner(
    given: str | None,
    issued: Meta | None,
    named: frozenset[str] | None,
    return_path: Path,
    partners: Sequence[str],
) -> None:
    """--partner naming someone other than the partner the return says it is from (the one
    it was issued to, or the one name in its partner column)."""
    if not given:
        return
    says = issued.get("partner") if issued else None
    if not says and named is not None and len(named) == 1:
        (says,) = named
    if not says:
        return
    if _who(given, partners) != _who(str(says), partners):
        raise XlsyncError(
            f"--partner {given!r} contradicts the return, which is from {says}; "
            "it was not merged (leave --partner out, or give the right return)",
            return_path,
        )


def _who(name: str, partners: Sequence[str]) -> str:
    return normalise_partner(match_partner(name, partners) or name)


def duplicate_findings(table: Table, findings: Sequence[Finding], kind: Kind) -> list[Finding]:
    """An error for each row whose key another row of the return also has, where validation
    flagged only the later ones: with --accept-valid-rows every copy is rejected, so that the
    first is not merged as though it were the only one."""
    rows_of: dict[str, list[int]] = {}
    for rec in table.records:
        if rec.label:
            rows_of.setdefault(rec.key, []).append(rec.row)
    flagged = {f.row: f for f in findings if f.code == "duplicate-key" and f.row}
    erred = {f.row for f in findings if f.severity == "error" and f.row}
    col = table.columns.get(kind.record_field)
    extra: list[Finding] = []
    for rec in table.records:
        rows = rows_of.get(rec.key, [])
        if len(rows) < 2 or rec.row in erred:
            continue
        other = next((flagged[r] for r in rows if r in flagged), None)
        who = f" for {rec.partner}" if rec.partner else ""
        extra.append(
            make_finding(
                "duplicate-key",
                header=other.column if other else kind.field(kind.record_field).title,
                value=rec.label,
                scope=who,
                other=", ".join(str(r) for r in rows if r != rec.row),
                file=table.path,
                sheet=table.sheet,
                cell=str(CellRef(table.sheet, rec.row, col)).split("!")[-1] if col else "",
                row=rec.row,
                field=kind.record_field,
            )
        )
    return extra


@dataclass(slots=True)
class OnePerPartner:
    """The returns to merge once each partner has one, and what became of the others."""

    inputs: list[ReturnInput] = field(default_factory=list)
    outcomes: list[ReturnOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line each, for stderr


def one_per_partner(
    inputs: Sequence[ReturnInput],
    issued: Mapping[str, Meta | None],
    kind: Kind,
    enforce: bool = True,
) -> OnePerPartner:
    """Two returns from one partner in one run (`Chorley.xlsx`, `Chorley (2).xlsx`): the
    later would silently undo the earlier. Merged is only the one that is clearly the newer
    by what it carries (issued later, or every Last Updated date as late or later); when
    none is, none of them is merged."""
    if not enforce:
        return OnePerPartner(inputs=list(inputs))
    groups: dict[str, list[ReturnInput]] = {}
    for ret in inputs:
        groups.setdefault(normalise_partner(ret.partner), []).append(ret)
    out = OnePerPartner()
    taken: set[int] = set()
    for group in groups.values():
        if len(group) == 1:
            taken.add(id(group[0]))
            continue
        names = ", ".join(_name(r) for r in group)
        newest = [
            (r, why)
            for r in group
            if (why := _newer_than_all(r, [o for o in group if o is not r], issued, kind))
        ]
        if len(newest) == 1:
            (best, why), partner = newest[0], group[0].partner
            taken.add(id(best))
            out.notes.append(
                f"{_name(best)}: taken, not "
                + ", ".join(_name(r) for r in group if r is not best)
                + f" (all from {partner}): {why}"
            )
            for r in group:
                if r is not best:
                    out.outcomes.append(
                        ReturnOutcome(
                            path=r.table.path,
                            partner=r.partner,
                            status="superseded",
                            reason=f"{_name(best)} is newer: {why}",
                        )
                    )
            continue
        out.notes.append(
            f"{names}: {len(group)} returns from {group[0].partner} and none is clearly the "
            "newer, so none was merged; merge the right one on its own"
        )
        for r in group:
            out.outcomes.append(
                ReturnOutcome(
                    path=r.table.path,
                    partner=r.partner,
                    status="rejected",
                    reason=f"another return from {r.partner} in this run ({names}); "
                    "none is clearly the newer",
                )
            )
    out.inputs = [r for r in inputs if id(r) in taken]
    return out


def _name(ret: ReturnInput) -> str:
    return Path(ret.table.path).name


def _newer_than_all(
    ret: ReturnInput, others: Sequence[ReturnInput], issued: Mapping[str, Meta | None], kind: Kind
) -> str:
    """Why `ret` is clearly newer than each of `others`, or "" when it is not."""
    reasons = []
    for other in others:
        why = _newer(ret, other, issued, kind)
        if not why:
            return ""
        reasons.append(why)
    return reasons[0] if len(set(reasons)) == 1 else "; ".join(sorted(set(reasons)))


def _newer(a: ReturnInput, b: ReturnInput, issued: Mapping[str, Meta | None], kind: Kind) -> str:
    ma, mb = issued.get(a.table.path) or {}, issued.get(b.table.path) or {}
    da, db = ma.get("issued"), mb.get("issued")
    if ma.get("id") != mb.get("id") and isinstance(da, date) and isinstance(db, date):
        if da > db:
            return f"it was issued later ({da:%d/%m/%Y}, the other {db:%d/%m/%Y})"
        if da < db:
            return ""
    updated = kind.role("updated")
    if updated is None:
        return ""
    ua, ub = _dates(a.table, updated), _dates(b.table, updated)
    later = False
    for key in ua.keys() | ub.keys():
        x, y = ua.get(key), ub.get(key)
        if y is not None and (x is None or x < y):
            return ""
        later |= x is not None and (y is None or x > y)
    if not later:
        return ""
    header = kind.field(updated).title
    return f"its {header} dates are as late or later on every row, and later on some"


def _dates(table: Table, name: str) -> dict[str, date]:
    found = {}
    for rec in table.records:
        value = rec.values.get(name)
        if isinstance(value, date):
            found[rec.key] = value
    return found


def set_aside_rejected_rows(
    plan: MergePlan, inputs: Sequence[ReturnInput], master: Table, kind: Kind
) -> None:
    """With --accept-valid-rows: each row not merged for its errors is listed with them,
    and is not also called missing from the return (the partner sent it)."""
    rejected: set[str] = set()
    for ret in inputs:
        if not ret.bad_rows:
            continue
        for rec in ret.table.records:
            if rec.row not in ret.bad_rows or not rec.label:
                continue
            rejected.add(rec.key)
            errors = (f.message for f in ret.findings if f.row == rec.row and f.severity == "error")
            source = ret.table.source(rec, kind.record_field)
            plan.rejected_rows.append(RejectedRow(ret.partner, rec.label, source, (*errors,)))
    if rejected:
        held = {
            (normalise_partner(r.partner), r.label) for r in master.records if r.key in rejected
        }
        plan.missing = [
            m for m in plan.missing if (normalise_partner(m.partner), m.ref) not in held
        ]


def refusal_at_source(
    exc: WriteRefused, plan: MergePlan, master_paths: Sequence[Path], master: Register
) -> XlsyncError:
    """A value the writer refused, named where it came from: the return and its cell, never
    the master's cell it was going to."""
    if exc.cell is None or exc.path is None:
        return exc
    if not any(exc.path.resolve() == p.resolve() for p in master_paths):
        return exc
    for change in plan.changes:
        if str(change.cell) == exc.cell:
            return _at(exc, change.source)
    for n, added in enumerate(plan.added):
        for name, col in master.columns.items():
            if str(CellRef(master.sheet, master.last_row + 1 + n, col)) == exc.cell:
                return _at(exc, added.source, name)
    return exc


def _at(exc: WriteRefused, source: str, field_name: str | None = None) -> XlsyncError:
    """`exc` said of `source`, "file!sheet!cell" as a plan cites it."""
    file, _, cell = source.partition("!")
    where = cell if field_name is None else f"{cell}, the row's {field_name}"
    return WriteRefused(exc.message, file, where)
