"""Apply a merge plan to the master: the planned cells, appended rows, log, history and state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sync.cells import CellRef
from sync.errors import XlsyncError
from sync.keys import normalise_partner, normalise_ref
from sync.merge.placement import Placer, Spot
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
MASTER_CELL = LOG_HEADER.index("Master cell")
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
    placed: Placement | None = None,
) -> Any:
    """The writer's Edits for a plan: every planned cell, nothing else of the data sheet.
    `placed`: where the new rows go (at the end of the table when not given)."""
    from sync.write.patch import NewSheet

    placed = placed or at_the_end(plan, register)
    edits = row_edits(plan, register, placed)
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
    if placed.moves:  # a cell an earlier merge logged, where it is once rows go in above it
        for row in log:
            row[MASTER_CELL] = _followed(row[MASTER_CELL], placed)
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
                str(placed.moved(change.cell)),
            ]
        )
    for cell, added in zip(placed.cells, plan.added, strict=True):
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


@dataclass(slots=True)
class Placement:
    """Where a plan's new rows go: the writer's blocks, the cell of each new record once
    written, the rows inserted per sheet, and a line for each row not put where it belongs."""

    blocks: list[Any] = field(default_factory=list)  # AppendRows | InsertRows
    cells: list[CellRef] = field(default_factory=list)  # per plan.added record
    moves: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # sheet -> (before, n)
    notes: list[str] = field(default_factory=list)

    shifts: dict[str, Any] = field(default_factory=dict)  # Shift per sheet, made once

    def moved(self, cell: CellRef) -> CellRef:
        """A master cell as it was read, where it is once the new rows are in."""
        if not self.moves:  # nearly always: each changed cell of a large merge asks
            return cell
        from sync.write.insert import Shift

        key = cell.sheet.casefold()
        if key not in self.moves:
            return cell
        shift = self.shifts.get(key)
        if shift is None:
            shift = self.shifts[key] = Shift(self.moves[key])
        return CellRef(cell.sheet, shift(cell.row), cell.col)


def at_the_end(plan: MergePlan, register: Register, rows: list[int] | None = None) -> Placement:
    """The new rows below the table's last row, each styled like the last record: all of
    them (with each record's cell), or the sheet rows `rows` of new_rows() (cells left to
    the caller)."""
    from sync.write.patch import AppendRows

    placed = Placement()
    if not plan.added:
        return placed
    built, at = new_rows(plan.added, register)
    keep = list(range(len(built))) if rows is None else rows
    style_row = register.rows[-1] if register.rows else register.header_row
    start = register.last_row + 1
    placed.blocks.append(
        AppendRows(register.sheet, start, style_row, [_written(built[i]) for i in keep])
    )
    if rows is None:
        col = register.columns[register.kind.record_field]
        placed.cells = [CellRef(register.sheet, start + n, col) for n in at]
    return placed


def _written(row: dict[int, Any]) -> dict[int, Any]:
    return {col: cell_value(v) for col, v in row.items()}


def place_rows(
    plan: MergePlan, register: Register, pkg: Any, skip: Sequence[str] = ()
) -> Placement:
    """Where each new row goes in the master read as `register` (its package `pkg`): at the
    end of its own section, else of its partner's rows when those are together, else at
    the end of the table. A row that belongs inside the table is inserted there when every
    thing that names the cells below can be moved with them (insertion_blocker); when not,
    it goes at the end of the table and a note says where it belongs, and why."""
    from sync.write.patch import AppendRows, InsertRows

    if not plan.added:
        return Placement()
    built, at = new_rows(plan.added, register)
    first = {row: n for n, row in reversed(list(enumerate(at)))}  # sheet row -> its first record
    where, spots = _targets(plan, register, pkg, first)
    blocked = _blockers(where, pkg, skip)
    ends = [row for row, (how, s, _, _) in where.items() if how == "end" or blocked.get(s)]
    at_end = set(ends)

    placed = at_the_end(plan, register, ends) if ends else Placement()
    groups: dict[Target, list[int]] = {}
    for row, target in where.items():
        if row not in at_end:
            groups.setdefault(target, []).append(row)
    for (how, sheet, before, style_row), rows in groups.items():
        make = InsertRows if how == "insert" else AppendRows
        placed.blocks.append(make(sheet, before, style_row, [_written(built[r]) for r in rows]))
        if how == "insert":
            placed.moves.setdefault(sheet.casefold(), []).append((before, len(rows)))
    written = _cells_written(placed, register, ends, groups)
    placed.cells = [written[row] for row in at]
    placed.notes += _not_where_they_belong(plan, spots, blocked, ends, first, placed)
    return placed


# where one new sheet row goes: ("end", sheet, 0, 0), the end of the table as always, or
# ("append"|"insert", sheet, the row it goes in at, the row whose formatting it takes)
Target = tuple[str, str, int, int]


def _targets(
    plan: MergePlan, register: Register, pkg: Any, first: dict[int, int]
) -> tuple[dict[int, Target], dict[int, Spot]]:
    """Each new sheet row's Target, and the Spot it belongs at where it has one."""
    from sync.write.insert import last_value_row

    keyed = bool(register.kind.partner_field) and register.kind.partner_field in register.columns
    placer = Placer(register, keyed)
    where: dict[int, Target] = {}
    spots: dict[int, Spot] = {}
    filled: dict[str, int] = {}  # per sheet, its last row holding a value

    def filled_to(sheet: str) -> int:
        # asked only of a sheet other than the table's first: finding it reads every row of
        # the sheet (0.7 s of a 100,000-row master's merge when it was asked of every sheet)
        if sheet not in filled:
            filled[sheet] = max(placer.sheet_end(sheet), last_value_row(pkg, sheet))
        return filled[sheet]

    for row, n in sorted(first.items()):
        added = plan.added[n]
        spot = placer.spot(added.values, added.partner)
        if spot is not None:
            spots[row] = spot
        if spot is None or (spot.sheet == register.sheet and spot.after >= register.last_row):
            where[row] = ("end", register.sheet, 0, 0)
            continue
        below = spot.after + 1
        if spot.sheet != register.sheet and spot.after >= filled_to(spot.sheet):
            where[row] = ("append", spot.sheet, below, spot.style_row)
        else:
            where[row] = ("insert", spot.sheet, below, spot.style_row)
    return where, spots


def _blockers(where: dict[int, Target], pkg: Any, skip: Sequence[str]) -> dict[str, str | None]:
    """Per sheet rows are to be inserted in, why they cannot be (None: they can)."""
    from sync.write.insert import insertion_blocker

    blocked: dict[str, str | None] = {}
    for sheet in {s for how, s, _, _ in where.values() if how == "insert"}:
        tops = sorted({r for how, s, r, _ in where.values() if how == "insert" and s == sheet})
        blocked[sheet] = insertion_blocker(pkg, sheet, tops, skip)
    return blocked


def _cells_written(
    placed: Placement, register: Register, ends: list[int], groups: dict[Target, list[int]]
) -> dict[int, CellRef]:
    """Each new sheet row's record cell once written: its place in its block, the block
    moved by the rows inserted above it."""
    from sync.write.insert import moved

    col = register.columns[register.kind.record_field]
    written: dict[int, CellRef] = {
        row: placed.moved(CellRef(register.sheet, register.last_row + 1 + k, col))
        for k, row in enumerate(ends)
    }
    for (how, sheet, before, _), rows in groups.items():
        shifts = placed.moves.get(sheet.casefold(), [])
        start = (
            moved(before, [(b, c) for b, c in shifts if b < before])
            if how == "insert"
            else placed.moved(CellRef(sheet, before, col)).row
        )
        written.update({row: CellRef(sheet, start + k, col) for k, row in enumerate(rows)})
    return written


# a merge bringing many new rows into a register they cannot be inserted in says so for the
# first few by name and counts the rest, rather than a line each
NAMED_ROWS = 3


def _not_where_they_belong(
    plan: MergePlan,
    spots: dict[int, Spot],
    blocked: dict[str, str | None],
    ends: list[int],
    first: dict[int, int],
    placed: Placement,
) -> list[str]:
    """A line for each new row added at the end though it belongs inside the table."""
    late = [row for row in ends if (spot := spots.get(row)) and blocked.get(spot.sheet)]
    notes = []
    for row in late[:NAMED_ROWS]:
        spot = spots[row]
        added = plan.added[first[row]]
        home = (
            f"in the section {spot.section!r}" if spot.section else f"with {added.partner}'s rows"
        )
        notes.append(
            f"{added.partner} {added.ref} belongs {home}, below row {spot.after} of "
            f"{spot.sheet!r}, but was added at the end of the register "
            f"({placed.cells[first[row]]}): rows cannot be inserted there safely, as "
            f"{blocked[spot.sheet]}"
        )
    if len(late) > NAMED_ROWS:
        cells = [placed.cells[first[row]] for row in late[NAMED_ROWS:]]
        notes.append(
            f"{len(cells)} more new rows that belong inside the register were added at its "
            f"end ({cells[0]} to {cells[-1]}), as rows cannot be inserted there safely"
        )
    return notes


def row_edits(plan: MergePlan, register: Register, placed: Placement | None = None) -> Any:
    """The writer's Edits for a plan's changed cells and the rows it adds (`placed`, or
    below the table, each new row styled like the last record), for a master or a
    partner's tracker."""
    from sync.write.patch import AppendRows, Edits, InsertRows

    edits = Edits()
    for change in plan.changes:
        if change.cell.row <= register.last_row:  # a row added is written whole, below
            edits.cells[change.cell] = cell_value(change.new)
    placed = placed or at_the_end(plan, register)
    for block in placed.blocks:
        if isinstance(block, InsertRows):
            edits.insert.append(block)
        elif isinstance(block, AppendRows):
            edits.append.append(block)
    return edits


def _followed(logged: Any, placed: Placement) -> Any:
    """The master cell a log row names, moved as `placed` moves rows; text that names no
    cell stays as it is."""
    try:
        return str(placed.moved(CellRef.parse(str(logged))))
    except ValueError:
        return logged


def _follow_moves(plan: MergePlan, placed: Placement) -> None:
    """The plan's master cells where they are once rows are inserted above them: the merge
    output and the log name the cell as the officer will find it."""
    if not placed.moves:
        return
    plan.changes = [replace(c, cell=placed.moved(c.cell)) for c in plan.changes]
    plan.conflicts = [replace(c, cell=placed.moved(c.cell)) for c in plan.conflicts]
    plan.cleared = [replace(c, cell=placed.moved(c.cell)) for c in plan.cleared]


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
    notes: list[str] | None = None,
) -> tuple[Path | None, Path | None]:
    """Write the plan into `target` (the master, or --out). A plan that changes nothing writes
    nothing. A line for each new row that could not go where it belongs joins `notes`."""
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
    placed = None
    if plan.added:
        # where new rows go depends on what the sheet holds below them: the package is needed
        _, pkg = source_read.result()
        if not isinstance(pkg, XlsyncError):  # else the writer raises it, as it always did
            placed = place_rows(plan, register, pkg, [LOG_SHEET, HISTORY_SHEET, STATE_SHEET])
            if notes is not None:
                notes.extend(placed.notes)
    edits = edits_for(
        plan,
        register,
        existing_log,
        existing_history,
        state,
        now or datetime.now(),
        identity,
        placed,
    )
    if placed is not None:  # the writer is given cells as read; the plan names them as written
        _follow_moves(plan, placed)
    result = patch_workbook(
        source,
        target,
        edits,
        expect_fingerprint=expect_fingerprint,
        force=force,
        source_read=source_read,
    )
    return target, result.backup
