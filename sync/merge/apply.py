"""Apply a merge plan to the master: the planned cells, appended rows, log, history and state."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sync.cells import CellRef
from sync.keys import normalise_partner, normalise_ref
from sync.merge.plan import HistoryEntry, MergePlan
from sync.merge.three_way import comparable
from sync.merge.wide import new_rows
from sync.model import Register
from sync.state import (
    HISTORY_SHEET,
    LOG_SHEET,
    STATE_SHEET,
    blob_rows_soon,
    identity_meta,
    key_meta,
)

LOG_HEADER = ["When", "Partner", "Ref", "Field", "Old value", "New value", "Source", "Master cell"]
HISTORY_HEADER = ["Date", "Partner", "Ref", "Progress note", "Source", "Merged"]


def _clean_rows(rows: list[list[Any]], header: list[str]) -> list[list[Any]]:
    """Rows of one of our sheets below its header, without the blanks a reader pads with."""
    body = rows[1:] if rows and [str(v) for v in rows[0][: len(header)]] == header else rows
    return [
        list(r[: len(header)]) + [None] * (len(header) - len(r))
        for r in body
        if any(v not in (None, "") for v in r)
    ]


def edits_for(
    plan: MergePlan,
    register: Register,
    existing_log: list[list[Any]],
    existing_history: list[list[Any]],
    state: dict[str, dict[str, dict[str, Any]]],
    now: datetime,
    identity: str | None = None,
) -> Any:
    """The writer's Edits for a plan: every planned cell, nothing else of the data sheet."""
    from sync.write.patch import NewSheet

    edits = row_edits(plan, register)
    stamp = now.replace(microsecond=0)
    # the state first: it compresses on another core while the log and history are built
    merged_state = {p: dict(v) for p, v in state.items()}
    for partner, records in plan.agreed.items():
        merged_state.setdefault(partner, {}).update(records)
    state_rows = blob_rows_soon(
        {"saved": stamp.isoformat(), **key_meta(register.kind), **identity_meta(identity)},
        {"partners": merged_state},
    )
    del merged_state

    log = _clean_rows(existing_log, LOG_HEADER)
    for change in plan.changes:
        log.append(
            [
                stamp,
                change.partner,
                change.ref,
                change.field,
                cell_value(change.old),
                cell_value(change.new),
                change.source,
                str(change.cell),
            ]
        )
    _, at = new_rows(plan.added, register)
    for n, added in zip(at, plan.added, strict=True):
        cell = CellRef(
            register.sheet, register.last_row + 1 + n, register.columns[register.kind.record_field]
        )
        log.append(
            [stamp, added.partner, added.ref, "(new row)", None, added.ref, added.source, str(cell)]
        )
    edits.sheets.append(
        NewSheet(
            LOG_SHEET,
            [LOG_HEADER, *log],
            widths={1: 18, 2: 16, 3: 8, 4: 14, 5: 40, 6: 40, 7: 36, 8: 16},
        )
    )

    history = _clean_rows(existing_history, HISTORY_HEADER)
    for entry in new_history(plan, history):
        history.append([entry.when, entry.partner, entry.ref, entry.text, entry.source, stamp])
    edits.sheets.append(
        NewSheet(
            HISTORY_SHEET,
            [HISTORY_HEADER, *history],
            widths={1: 12, 2: 16, 3: 8, 4: 80, 5: 36, 6: 18},
        )
    )

    edits.sheets.append(NewSheet(STATE_SHEET, state_rows.result(), state="veryHidden"))
    return edits


def new_history(plan: MergePlan, history: list[list[Any]]) -> list[HistoryEntry]:
    """The plan's history entries not yet in `history` (the sheet's rows below its header):
    merging the same return again adds nothing."""
    known = {(normalise_partner(r[1]), normalise_ref(r[2]), comparable(r[3])) for r in history}
    out = []
    for entry in plan.history:
        mark = (normalise_partner(entry.partner), normalise_ref(entry.ref), comparable(entry.text))
        if mark not in known:
            known.add(mark)
            out.append(entry)
    return out


def row_edits(plan: MergePlan, register: Register) -> Any:
    """The writer's Edits for a plan's changed cells and the rows it adds below the table
    (each new row styled like the last record), for a master or a partner's tracker."""
    from sync.write.patch import AppendRows, Edits

    edits = Edits()
    for change in plan.changes:
        if change.cell.row <= register.last_row:  # a row added is written whole, below
            edits.cells[change.cell] = cell_value(change.new)
    if plan.added:
        placed, _ = new_rows(plan.added, register)
        rows = [{col: cell_value(v) for col, v in row.items()} for row in placed]
        style_row = register.rows[-1] if register.rows else register.header_row
        edits.append.append(AppendRows(register.sheet, register.last_row + 1, style_row, rows))
    return edits


def cell_value(value: Any) -> Any:
    """A value as it goes into a cell: dates stay dates, everything else as read."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, date | int | float | str | bool) or value is None:
        return value
    return str(value)


def apply_plan(
    plan: MergePlan,
    register: Register,
    source: Path,
    target: Path,
    *,
    expect_fingerprint: Any,
    existing_log: list[list[Any]],
    existing_history: list[list[Any]],
    state: dict[str, dict[str, dict[str, Any]]],
    now: datetime | None = None,
    force: bool = False,
    identity: str | None = None,
) -> tuple[Path | None, Path | None]:
    """Write the plan into `target` (the master, or --out). A plan that changes nothing writes nothing."""
    from sync.write.patch import patch_workbook, read_source_soon

    if not (
        plan.changes
        or plan.added
        or new_history(plan, _clean_rows(existing_history, HISTORY_HEADER))
    ):
        # a merge that changes nothing writes nothing: a conflict reported again, or a note
        # whose history is already kept, is no change
        return None, None
    # the master is read (and inflated) again for writing on another core, while the
    # edits are made ready here
    source_read = read_source_soon(source)
    edits = edits_for(
        plan, register, existing_log, existing_history, state, now or datetime.now(), identity
    )
    result = patch_workbook(
        source,
        target,
        edits,
        expect_fingerprint=expect_fingerprint,
        force=force,
        source_read=source_read,
    )
    return target, result.backup
