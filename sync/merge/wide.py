"""Wide layouts on write: each period's values go into its column group, or are refused."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sync.keys import key_of, normalise_partner, normalise_ref, record_labels
from sync.merge.plan import AddedRow, MergePlan, RejectedEdit, ReturnOutcome
from sync.model import Register

# period (normalised) -> (its heading as written, field -> column)
Groups = dict[str, tuple[str, dict[str, int]]]


def period_groups(register: Register) -> Groups:
    """A wide register's column groups, one per period heading; empty when every field
    has one column of its own."""
    period = register.kind.role("period")
    if not register.cells or period is None or period not in register.frame.columns:
        return {}
    headings = register.frame[period].tolist()
    groups: Groups = {}
    for (index, name), (_row, col) in register.cells.items():
        heading = headings[index]
        _, group = groups.setdefault(normalise_ref(heading), (str(heading), {}))
        if name != period:  # the period's cell is the heading itself: never written
            group.setdefault(name, col)
    return groups


def refuse_unplaceable(plan: MergePlan, register: Register, keyed: bool) -> None:
    """Take out of `plan.added` every record a wide `register` has no place for (no column
    group for its period, or none for one of its values there), as a rejected edit naming
    the record and its period: a value is never written into another period's cells."""
    groups = period_groups(register)
    period = register.kind.role("period")
    if not groups or period is None:
        return
    spread = {name for _, group in groups.values() for name in group}
    _refuse_cellless(plan, register, spread)
    kept: list[AddedRow] = []
    for added in plan.added:
        heading = added.values.get(period)
        group = groups.get(normalise_ref(heading))
        if group is not None and all(n in group[1] for n in spread.intersection(added.values)):
            kept.append(added)
            continue
        what = "no column group" if group is None else "no column for all its values"
        plan.rejected_edits.append(
            RejectedEdit(
                added.partner,
                added.ref,
                period,
                f"({what} for {heading} in {register.sheet!r})",
                heading,
                added.source,
            )
        )
        agreed = plan.agreed.get(normalise_partner(added.partner))
        if agreed:  # not written, so not agreed: the next return offers it again
            agreed.pop(key_of(register.kind, added.values, added.partner, keyed), None)
        outcome = _outcome_of(plan.returns, added)
        if outcome is not None:
            outcome.added -= 1
            outcome.rejected_edits += 1
            outcome.status = "partial"
            outcome.reason = (
                f"{outcome.rejected_edits} record(s) have a period with no place in "
                f"{register.sheet!r}: not added"
            )
    plan.added = kept


def _refuse_cellless(plan: MergePlan, register: Register, spread: set[str]) -> None:
    """Refuse each change of a spread field whose period's group has no column for it: the
    record's row in the field's first column is another period's cell."""
    # each own cell of a spread field, with the record it belongs to: a change whose record
    # has no cell of its own for the field was given the row's cell of another period
    kind = register.kind
    frame = register.frame
    labels = record_labels(
        kind,
        {n: frame[n].tolist() for n in kind.identity if n in frame.columns},
        len(register),
    )
    own = {
        (register.sheet_of(index), at, name): normalise_ref(labels[index])
        for (index, name), at in register.cells.items()
        if name in spread
    }
    kept = []
    for change in plan.changes:
        cell = change.cell
        whose = own.get((cell.sheet, (cell.row, cell.col), change.field))
        if change.field not in spread or whose == normalise_ref(change.ref):
            kept.append(change)
            continue
        plan.rejected_edits.append(
            RejectedEdit(
                change.partner,
                change.ref,
                change.field,
                f"(no {change.field} column for this period in {register.sheet!r})",
                change.new,
                change.source,
            )
        )
        for outcome in plan.returns:
            if normalise_partner(outcome.partner) == normalise_partner(change.partner):
                outcome.updated -= 1
                outcome.rejected_edits += 1
                outcome.status = "partial"
                outcome.reason = f"a value has no column in {register.sheet!r}: not written"
                break
    plan.changes = kept


def _outcome_of(outcomes: Sequence[ReturnOutcome], added: AddedRow) -> ReturnOutcome | None:
    """The outcome of the return (or push) an added record came from."""
    name = added.source.split("!", 1)[0]
    who = normalise_partner(added.partner)
    mine = [o for o in outcomes if normalise_partner(o.partner) == who]
    return next((o for o in mine if Path(o.path).name == name), mine[0] if mine else None)


def new_rows(
    added: Sequence[AddedRow], register: Register
) -> tuple[list[dict[int, Any]], list[int]]:
    """The sheet rows that add `added` below `register`'s table, as column -> value, and the
    row (index into them) of each record. One row a record; in a wide layout one row for the
    records that differ only by period, each period's values in its column group."""
    groups = period_groups(register)
    period = register.kind.role("period")
    if not groups or period is None:
        rows = [
            {col: a.values[name] for name, col in register.columns.items() if name in a.values}
            for a in added
        ]
        return rows, list(range(len(rows)))
    spread = {name for _, group in groups.values() for name in group}
    rows = []
    at: list[int] = []
    by_key: dict[str, int] = {}
    for a in added:
        # the key without its period: the records of one sheet row
        key = key_of(register.kind, {**a.values, period: None}, a.partner)
        index = by_key.setdefault(key, len(rows))
        if index == len(rows):
            rows.append({})
        _, group = groups[normalise_ref(a.values.get(period))]  # refuse_unplaceable kept it
        for name, value in a.values.items():
            if name == period:
                continue
            col = group.get(name) if name in spread else register.columns.get(name)
            if col is not None:
                rows[index][col] = value
        at.append(index)
    return rows, at
