"""Issue returns: one workbook per partner with its rows, locked where partners must not edit."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from sync.cells import column_letter
from sync.errors import XlsyncError
from sync.keys import normalise_partner
from sync.merge.three_way import same
from sync.merge.wide import period_groups
from sync.model import Register
from sync.periods import ordered_periods, same_period
from sync.read.open import Book, open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.state import (
    BASE_SHEET,
    ISSUED_FROM,
    STATE_SHEET,
    blob_rows,
    key_meta,
    master_identity,
    read_issued_base,
    sheet_blob,
    state_rows_issued,
)
from sync.tables import to_table
from sync.write.atomic import backup
from sync.write.heights import DEFAULT_COL_WIDTH, DEFAULT_FONT_PT, DEFAULT_ROW_HEIGHT, text_height
from sync.write.newbook import save_new_workbook

DUE_COLOUR = "FFF2CC"  # the cells of the period a partner must fill
SPARE_ROWS = 25  # unlocked rows under the table, where a partner may add a recommendation
_DUE_FILL = PatternFill("solid", fgColor=DUE_COLOUR)
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")  # the coordinator's cells, and the past
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True, slots=True)
class IssuedReturn:
    partner: str
    path: Path
    records: int
    id: str
    backup: Path | None = None  # where a filled-in return it replaced (--force) was kept


class IssueResult(list[IssuedReturn]):
    """The returns an issue wrote, one per partner, in the order issued."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "returns": [
                {
                    "partner": i.partner,
                    "path": str(i.path),
                    "records": i.records,
                    "id": i.id,
                    "backup": None if i.backup is None else str(i.backup),
                }
                for i in self
            ]
        }

    def exit_code(self) -> int:
        """0: a return that cannot be written stops the run with an error instead."""
        return 0


def issue_returns(
    master_path: str | Path,
    out_dir: str | Path,
    partners: Sequence[str] = (),
    deadline: date | None = None,
    password: str | None = None,
    schema: str | Path | None = None,
    today: date | None = None,
    force: bool = False,
) -> IssueResult:
    """Write one return per partner (all by default) into `out_dir`.

    A return already there that a partner has filled in (or any other workbook of that
    name) is never overwritten: the run is refused before anything is written, unless
    `force`, which replaces it and keeps a backup beside it.
    """
    master_path = Path(master_path)
    book = open_book(master_path)
    register = read_register(master_path, schema=recognise_kind(book, schema), book=book)
    if register.kind.partner_field not in register.columns:
        raise XlsyncError(
            "the master has no Partner column, so there is no one to issue returns to", master_path
        )
    table = to_table(register, keyed=True)
    known = sorted({r.partner for r in table.records if r.partner}, key=str.lower)
    wanted = list(partners) or known
    chosen = []
    for name in wanted:
        match = next((p for p in known if normalise_partner(p) == normalise_partner(name)), None)
        if match is None:
            raise XlsyncError(
                f"no partner called {name!r} in the master; partners: {', '.join(known)}",
                master_path,
            )
        chosen.append(match)
    layout = _layout(register)
    styles = _master_styles(master_path, register, layout)
    out = Path(out_dir)
    targets = {partner: out / f"{_safe_name(partner)}.xlsx" for partner in chosen}
    filled = {p: path for p, path in targets.items() if _filled_in(path, register)}
    if filled and not force:
        partner, path = next(iter(filled.items()))
        raise XlsyncError(_filled_reason(path, partner), path)
    sent = {
        partner: [
            r for r in table.records if normalise_partner(r.partner) == normalise_partner(partner)
        ]
        for partner in chosen
    }
    master_id = _record_issue(master_path, book, register, sent, force)
    out.mkdir(parents=True, exist_ok=True)
    issued = IssueResult()
    for partner in chosen:
        path = targets[partner]
        saved = backup(path) if partner in filled else None
        records = sent[partner]
        ident = str(uuid.uuid4())
        wb = _build_return(
            register,
            partner,
            records,
            styles,
            deadline,
            password,
            ident,
            master_path,
            today or date.today(),
            master_id=master_id,
            layout=layout,
        )
        save_new_workbook(wb, path)
        issued.append(IssuedReturn(partner, path, len(records), ident, saved))
    return issued


def _record_issue(
    master_path: Path, book: Book, register: Register, sent: dict[str, list[Any]], force: bool
) -> str | None:
    """The master's identity, for its returns to carry (a master without one is given one on
    its first issue); and, in its sync state, what each partner is sent, as what they last
    agreed: a copy of the return that comes back without its copy of what was sent then
    merges three-way, and cannot undo the coordinator's edits since. The master is written
    only when its state did not say all this already. A master xlsync cannot write (not
    .xlsx or .xlsm) issues returns without an identity, and they merge as before identities."""
    ident = master_identity(book)
    if register.format not in ("xlsx", "xlsm"):
        return ident
    from sync.write.atomic import fingerprint
    from sync.write.patch import Edits, NewSheet, patch_workbook

    ident = ident or str(uuid.uuid4())
    # what _hide_base stores in each return as the base of its records
    agreed = {
        normalise_partner(partner): {
            r.key: {k: v for k, v in r.values.items() if k != "section"} for r in records
        }
        for partner, records in sent.items()
    }
    rows = state_rows_issued(book, register.kind, ident, agreed)
    if rows is None:
        return ident
    stamp = fingerprint(master_path)
    patch_workbook(
        master_path,
        master_path,
        Edits(sheets=[NewSheet(STATE_SHEET, rows, state="veryHidden")]),
        expect_fingerprint=stamp,
        force=force,
    )
    return ident


def _filled_in(path: Path, register: Register) -> bool:
    """Whether `path` holds anything issuing over it would lose: any file but a return
    xlsync issued that still holds exactly what was sent."""
    if not path.exists():
        return False
    try:
        book = open_book(path)
        base, tampered = read_issued_base(book, register.kind)
        if base is None or tampered is not None:
            return True
        sent = to_table(read_register(path, schema=register.kind, book=book), keyed=True)
    except XlsyncError:
        return True
    now = {rec.key: rec.values for rec in sent.records}
    if set(now) != set(base):
        return True
    return any(
        not same(values.get(name), base[key].get(name))
        for key, values in now.items()
        for name in set(values) | set(base[key])
        if name != "section"
    )


def _filled_reason(path: Path, partner: str) -> str:
    try:
        issued = sheet_blob(open_book(path), BASE_SHEET) is not None
    except XlsyncError:
        issued = False
    what = (
        f"holds {partner}'s return, filled in since it was issued"
        if issued
        else "already exists and is not a return xlsync issued"
    )
    return (
        f"{what}; nothing was issued. Merge it first, issue into another folder (--out), "
        "or replace it with --force (a backup is kept)"
    )


def _safe_name(name: str) -> str:
    return "".join(ch for ch in name if ch not in '<>:"/\\|?*').strip() or "partner"


@dataclass(frozen=True, slots=True)
class _Styles:
    header: dict[int, Any]
    body: dict[int, Any]
    widths: dict[int, float | None]
    header_height: float | None
    # a wide master's period headings, by the first column of their group
    periods: dict[int, Any] = field(default_factory=dict)


def _master_styles(path: Path, register: Register, layout: _Layout) -> _Styles:
    """The master's header and first-row cell styles and column widths, to dress the return."""
    try:
        with warnings.catch_warnings():
            # only styles are read here; nothing of this load is saved
            warnings.simplefilter("ignore")
            wb = load_workbook(path)
    except Exception:  # a master openpyxl cannot style-read still issues, plainly dressed
        return _Styles({}, {}, {}, None)
    ws = wb[register.sheet]
    first = register.rows[0] if register.rows else register.header_row + 1
    used = sorted({column.master for column in layout.columns})
    return _Styles(
        {col: _style_of(ws.cell(register.header_row, col)) for col in used},
        {col: _style_of(ws.cell(first, col)) for col in used},
        {col: _custom_width(ws, col) for col in used},
        ws.row_dimensions[register.header_row].height,
        _period_heading_styles(ws, register),
    )


def _custom_width(ws: Any, col: int) -> float | None:
    """A column's width, where the officer set one."""
    dim = ws.column_dimensions.get(column_letter(col))
    return dim.width if dim is not None and dim.customWidth else None


def _period_heading_styles(ws: Any, register: Register) -> dict[int, Any]:
    """A wide master's period headings' styles, by the first column of their group."""
    row = _period_heading_row(register)
    if row is None:
        return {}
    firsts = (min(group.values()) for group in _period_groups(register).values())
    return {col: _style_of(ws.cell(row, col)) for col in firsts}


def _style_of(cell: Any) -> dict[str, Any]:
    return {
        "font": copy(cell.font),
        "fill": copy(cell.fill),
        "border": copy(cell.border),
        "alignment": copy(cell.alignment),
        "number_format": cell.number_format,
    }


def _dress(cell: Any, style: dict[str, Any] | None) -> None:
    if not style:
        return
    cell.font = style["font"]
    cell.fill = style["fill"]
    cell.border = style["border"]
    cell.alignment = style["alignment"]
    if not isinstance(cell.value, date | datetime):
        cell.number_format = style["number_format"]


def _period_groups(register: Register) -> dict[str, dict[str, int]]:
    """A wide master's column groups, as merge writes into them: period heading -> field ->
    the master's column. Empty for a master kept one row per period."""
    return {heading: group for heading, group in period_groups(register).values() if group}


def _period_heading_row(register: Register) -> int | None:
    """The master's row holding a wide layout's period headings."""
    period = register.kind.role("period")
    return next((row for (_i, name), (row, _c) in register.cells.items() if name == period), None)


@dataclass(frozen=True, slots=True)
class _Column:
    """A column of the return: the field it holds, the master's column it is dressed like,
    and in a wide return the period whose column group holds it."""

    name: str
    master: int
    period: str | None = None


@dataclass(frozen=True, slots=True)
class _Layout:
    """What each column of the return holds and which row is its header."""

    columns: list[_Column]
    wide: bool  # periods across: each period's values in a column group under its heading

    @property
    def header_row(self) -> int:
        # the periods' headings sit on the row above the fields' headings
        return 6 if self.wide else 5

    @property
    def top_row(self) -> int:
        return self.header_row - 1 if self.wide else self.header_row

    @property
    def fields(self) -> list[str]:
        """Each field once, in column order."""
        return list(dict.fromkeys(c.name for c in self.columns))


def _layout(register: Register) -> _Layout:
    """The master's own layout: one row per record, or (a wide master, periods across its
    columns) one row per indicator with a column group per period, as the officer keeps it."""
    groups = _period_groups(register)
    if not groups:
        cols = sorted(register.columns.items(), key=lambda kv: kv[1])
        return _Layout([_Column(name, col) for name, col in cols], wide=False)
    spread = {name for group in groups.values() for name in group}
    # the period is named by each group's heading, not held in a column of its own
    own = [
        _Column(name, col)
        for name, col in register.columns.items()
        if name not in spread and name != register.kind.role("period")
    ]
    grouped = [
        _Column(name, col, heading)
        for heading, group in groups.items()
        for name, col in group.items()
    ]
    return _Layout(sorted(own + grouped, key=lambda c: c.master), wide=True)


def _lines(register: Register, records: list[Any], layout: _Layout) -> list[list[Any]]:
    """The records each row of the return holds: one each, or in a wide return every period
    of one row of the master."""
    if not layout.wide:
        return [[rec] for rec in records]
    rows: dict[tuple[str, int], list[Any]] = {}
    for rec in records:
        sheet = register.sheet_of(rec.at) if rec.at >= 0 else register.sheet
        rows.setdefault((sheet, rec.row), []).append(rec)
    return list(rows.values())


def _value_of(column: _Column, line: list[Any], period: str | None) -> Any:
    """The value a column shows for a row: the row's own, or its period's in a wide return."""
    if column.period is None:
        return line[0].values.get(column.name)
    rec = next((r for r in line if same_period(r.values.get(period or ""), column.period)), None)
    return None if rec is None else rec.values.get(column.name)


def _column_access(kind: Any, layout: _Layout, current: str | None) -> list[bool | None]:
    """Per column, whether the partner fills it now: False for a field that is not theirs
    or an earlier period's group; True for theirs in a kind without periods or in the
    current period's group; None where the row decides (it is the current period's)."""
    access: list[bool | None] = []
    for column in layout.columns:
        if not kind.field(column.name).partner_edits:
            access.append(False)
        elif current is None:
            access.append(True)
        elif column.period is not None:
            access.append(same_period(column.period, current))
        else:
            access.append(None)
    return access


def _is_due(line: list[Any], current: str | None, period: str | None) -> bool:
    """Whether a row holds the period the partner fills now (every row, without periods)."""
    return current is None or any(same_period(r.values.get(period or ""), current) for r in line)


def _build_return(
    register: Register,
    partner: str,
    records: list[Any],
    styles: _Styles,
    deadline: date | None,
    password: str | None,
    ident: str,
    master_path: Path,
    today: date,
    master_id: str | None = None,
    layout: _Layout | None = None,
) -> Workbook:
    kind = register.kind
    layout = layout or _layout(register)
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"
    current = current_period(register)
    _write_titles(ws, register, partner, master_path, today, deadline, layout, current)
    _write_header(ws, register, styles, layout)
    lines = _lines(register, records, layout)
    last = _write_records(ws, register, lines, styles, layout, current)
    width = len(layout.columns)
    _fit_rows(ws, layout.header_row + 1, last, width)
    _print_setup(ws, layout.header_row)
    _open_spare_rows(ws, last, width)
    _validations(
        ws, kind, [c.name for c in layout.columns], layout.header_row + 1, last + SPARE_ROWS
    )
    _lock(ws, layout, last, password)
    _instructions(wb, partner, kind, layout.fields, register, deadline, layout.wide)
    notes = wb["Instructions"]
    _fit_rows(notes, 1, notes.max_row, 2)
    _print_setup(notes, None)
    meta = {
        "partner": partner,
        "issued": today,
        "id": ident,
        "master": master_path.name,
        ISSUED_FROM: master_id,
        "kind": kind.name,
        "deadline": deadline,
        **key_meta(kind),
    }
    _hide_base(wb, meta, records)
    wb.active = 0
    return wb


def _write_titles(
    ws: Any,
    register: Register,
    partner: str,
    master_path: Path,
    today: date,
    deadline: date | None,
    layout: _Layout,
    current: str | None,
) -> None:
    """Who the return is from, what it holds, and what to fill in by when."""
    ws["A1"] = f"Return from {partner}"
    ws["A1"].font = Font(bold=True, size=14)
    issued = today.strftime("%d %B %Y")
    ws["A2"] = f"{register.kind.title}: your rows of {master_path.name}, issued {issued}"
    if current is None:
        what = "Fill in the white columns; see the Instructions sheet."
    elif layout.wide:
        what = f"Fill in the {current} columns, marked yellow; earlier periods are locked."
    else:
        what = f"Fill in the rows for {current}, marked yellow; earlier periods are locked."
    ws["A3"] = (f"Please return by {deadline.strftime('%d %B %Y')}. " if deadline else "") + what


def _write_header(ws: Any, register: Register, styles: _Styles, layout: _Layout) -> None:
    """The fields' headings as the master writes them (and, in a wide return, each period's
    heading over its group), dressed like the master's, at the master's widths."""
    header_row = layout.header_row
    for j, column in enumerate(layout.columns, start=1):
        cell = ws.cell(header_row, j, register.headers[column.name])
        _dress_heading(cell, styles.header.get(column.master), styles)
        width = styles.widths.get(column.master)
        ws.column_dimensions[column_letter(j)].width = width or (
            40 if register.kind.field(column.name).type == "text" else 14
        )
    if styles.header_height:
        ws.row_dimensions[header_row].height = styles.header_height
    if layout.wide:
        _write_period_headings(ws, styles, layout)


def _dress_heading(cell: Any, style: dict[str, Any] | None, styles: _Styles) -> None:
    _dress(cell, style)
    if not styles.header:  # a master read without styles: a plain bold, shaded header
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_period_headings(ws: Any, styles: _Styles, layout: _Layout) -> None:
    """Each period's heading over its column group, merged across it, as in the master."""
    spans: dict[str, list[int]] = {}
    for j, column in enumerate(layout.columns, start=1):
        if column.period is not None:
            spans.setdefault(column.period, []).append(j)
    row = layout.top_row
    for heading, cols in spans.items():
        cell = ws.cell(row, cols[0], heading)
        _dress_heading(cell, styles.periods.get(layout.columns[cols[0] - 1].master), styles)
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        if len(cols) > 1:
            ws.merge_cells(start_row=row, start_column=cols[0], end_row=row, end_column=cols[-1])


def _write_records(
    ws: Any,
    register: Register,
    lines: list[list[Any]],
    styles: _Styles,
    layout: _Layout,
    current: str | None,
) -> int:
    """The partner's records under the header, a section's heading before its first record;
    the last row written."""
    row = layout.header_row
    section = None
    period = register.kind.role("period")
    access = _column_access(register.kind, layout, current)
    for line in lines:
        heading = line[0].values.get("section")
        if "section" not in register.columns and heading and heading != section:
            section = heading
            row += 1
            _write_section(ws, row, section, len(layout.columns))
        row += 1
        due = _is_due(line, current, period)
        for j, column in enumerate(layout.columns, start=1):
            cell = ws.cell(row, j)
            _write_value(cell, _value_of(column, line, period))
            _dress(cell, styles.body.get(column.master))
            _shape(cell)
            opened = access[j - 1]
            _mark_access(cell, due if opened is None else opened, current)
    return row


def _write_section(ws: Any, row: int, section: str, width: int) -> None:
    ws.cell(row, 1, section).font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _write_value(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # a note that looks like a formula stays text


def _shape(cell: Any) -> None:
    """Dates shown as dates; long or multi-line text wrapped."""
    value = cell.value
    if isinstance(value, date | datetime):
        cell.number_format = "dd/mm/yyyy"
    if isinstance(value, str) and ("\n" in value or len(value) > 30):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _mark_access(cell: Any, editable: bool, current: str | None) -> None:
    """A cell the partner fills is unlocked (and yellow, when a period is due); the rest grey."""
    if editable:
        cell.protection = _UNLOCKED
        if current is not None:
            cell.fill = _DUE_FILL
    else:
        cell.fill = _LOCKED_FILL


def _open_spare_rows(ws: Any, last: int, width: int) -> None:
    """Unlocked rows under the table, where a partner may add a record."""
    for extra in range(last + 1, last + 1 + SPARE_ROWS):
        for j in range(1, width + 1):
            ws.cell(extra, j).protection = _UNLOCKED


def _lock(ws: Any, layout: _Layout, last: int, password: str | None) -> None:
    """The header frozen, printed on every page and filtered; the sheet protected, its
    rows and columns still sortable, filterable and resizable."""
    header_row = layout.header_row
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{layout.top_row}:{header_row}"
    ws.protection = SheetProtection(
        sheet=True,
        sort=False,
        autoFilter=False,
        formatColumns=False,
        formatRows=False,
        formatCells=False,
    )
    if password:
        ws.protection.password = password
    ws.auto_filter.ref = f"A{header_row}:{column_letter(len(layout.columns))}{last}"


def _hide_base(wb: Workbook, meta: dict[str, Any], records: list[Any]) -> None:
    """What was sent, in a very hidden sheet: the base a merge tells the partner's changes by."""
    base = {rec.key: {k: v for k, v in rec.values.items() if k != "section"} for rec in records}
    hidden = wb.create_sheet(BASE_SHEET)
    for values in blob_rows(meta, {"records": base}):
        hidden.append(values)
    hidden.sheet_state = "veryHidden"
    hidden.protection = SheetProtection(sheet=True)


def _fit_rows(ws: Any, first: int, last: int, columns: int) -> None:
    """Rows tall enough for their wrapped text, in Excel and LibreOffice alike."""
    for r in range(first, last + 1):
        needed = 0.0
        for j in range(1, columns + 1):
            cell = ws.cell(r, j)
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            width = ws.column_dimensions[column_letter(j)].width or DEFAULT_COL_WIDTH
            size = float(cell.font.sz or DEFAULT_FONT_PT)
            needed = max(needed, text_height(cell.value, width, size, bool(cell.font.b)))
        if needed > DEFAULT_ROW_HEIGHT:
            ws.row_dimensions[r].height = needed


def _print_setup(ws: Any, header_row: int | None) -> None:
    """Landscape, one page wide (as many pages long as it takes), the header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.gridLines = False


def current_period(register: Register) -> str | None:
    """The latest period in the master, for a kind reported by period: the one partners fill."""
    name = register.kind.role("period")
    if name is None or name not in register.frame.columns:
        return None
    periods = ordered_periods(register.frame[name])
    return periods[-1] if periods else None


def _validations(ws: Any, kind: Any, order: list[str], first: int, last: int) -> None:
    for j, name in enumerate(order, start=1):
        f = kind.field(name)
        if not f.partner_edits:
            continue
        ref = f"{column_letter(j)}{first}:{column_letter(j)}{last}"
        if f.vocabulary:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(f.vocabulary) + '"', allow_blank=True
            )
            dv.error = f"Choose one of: {', '.join(f.vocabulary)}"
            dv.errorTitle = f.title
            dv.showErrorMessage = True
        elif f.type in ("integer", "number") and f.min is not None and f.max is not None:
            low, high = (f"{v:g}" for v in (f.min, f.max))
            dv = DataValidation(
                type="whole" if f.type == "integer" else "decimal",
                operator="between",
                formula1=low,
                formula2=high,
                allow_blank=True,
            )
            dv.error = (
                f"Enter a {'whole ' if f.type == 'integer' else ''}number from {low} to {high}"
            )
            dv.errorTitle = f.title
            dv.showErrorMessage = True
        elif f.type == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = "Enter a date, such as 06/03/2007"
            dv.errorTitle = f.title
            dv.showErrorMessage = True
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(ref)


def _period_to_fill(current: str, wide: bool) -> str:
    """Where the period to fill is, in the partner's words: its rows, or its columns."""
    where = "columns" if wide else "rows"
    return (
        f"{current}: its {where} are marked yellow. {where.capitalize()} of earlier periods "
        "are locked; ask the coordinator to correct one."
    )


def _instructions(
    wb: Workbook,
    partner: str,
    kind: Any,
    order: list[str],
    register: Register,
    deadline: date | None,
    wide: bool = False,
) -> None:
    ws = wb.create_sheet("Instructions")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    lines: list[tuple[str, str]] = [
        ("For", partner),
        (
            "Return by",
            deadline.strftime("%d %B %Y") if deadline else "as agreed with the coordinator",
        ),
        (
            "What to do",
            "On the Return sheet, update the white columns for each of your rows. Grey columns are the "
            "coordinator's and are locked. Add any new item in the empty rows under the table.",
        ),
        (
            "Progress notes",
            "Start each new note with its date, e.g. '6 March 2007 The Information Officer is now in "
            "post.' Keep earlier notes: the coordinator keeps them all.",
        ),
        (
            "Please do not",
            "Rename the sheet, delete rows, or change the headings: the return is read back by them.",
        ),
    ]
    editable = [register.headers[n] for n in order if kind.field(n).partner_edits]
    locked = [register.headers[n] for n in order if not kind.field(n).partner_edits]
    lines += [("You fill in", ", ".join(editable)), ("Locked", ", ".join(locked))]
    current = current_period(register)
    if current is not None:
        lines.append(("Period to fill", _period_to_fill(current, wide)))
    for name in order:
        f = kind.field(name)
        if f.vocabulary and f.partner_edits:
            lines.append((f"{register.headers[name]} values", ", ".join(f.vocabulary)))
    ws["A1"] = "Instructions"
    ws["A1"].font = Font(bold=True, size=14)
    for i, (label, text) in enumerate(lines, start=3):
        ws.cell(i, 1, label).font = Font(bold=True)
        ws.cell(i, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
