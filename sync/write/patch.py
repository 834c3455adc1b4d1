"""Write cells, rows, fills, notes and xlsync's own sheets into an existing workbook, losslessly.

The workbook is patched as a zip package: parts that need no change are copied byte for
byte, and in a changed worksheet only the changed cells (and appended rows) are spliced into
the XML text. Text, charts, images, sparklines, x14 extensions, macros... all survive.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from sync.cells import CellRef
from sync.errors import UnreadableFile, WriteRefused, XlsyncError
from sync.write import atomic
from sync.write.book import SheetEntry, Workbook
from sync.write.comments import CommentError, add_notes
from sync.write.formulas import FormulaError, check_array_areas, holds_formula, reanchor_shared
from sync.write.heights import fit_rows, texts_of
from sync.write.insert import Shift, insertion_blocker, moved, shift_reference, shift_sheet
from sync.write.owned import CellXml, inline_text, refuse_sheet_name, render_sheet
from sync.write.package import CT, MACRO_FREE, MAIN_BY_EXTENSION, Package
from sync.write.ranges import grow_reference, grown, parse_area
from sync.write.sheetxml import CellWrite, Content, SheetDoc, SheetError
from sync.write.strings import SharedStrings
from sync.write.styles import Styles
from sync.write.values import (
    MAX_TEXT,
    Value,
    date_serial,
    number_text,
    refuse_date,
    refuse_position,
    refuse_reason,
)
from sync.write.xmltext import Node, apply_edits, escape_attr, retag, set_attr

__all__ = [
    "AppendRows",
    "Edits",
    "InsertRows",
    "NewSheet",
    "PatchResult",
    "Value",
    "patch",
    "patch_workbook",
]

FILL_KINDS = ("error", "warning")
_MACRO_SHEETS = ("xlMacrosheet", "xlIntlMacrosheet")
SHEET_STATES = ("visible", "hidden", "veryHidden")
# Text a spreadsheet would take for a formula if typed in; stored as text with a quote prefix.
FORMULA_LEADS = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class AppendRows:
    """New records added below a table, formatted like `style_row`."""

    sheet: str
    start_row: int  # rows start_row.. must hold no values yet
    style_row: int  # each new cell copies this row's style in its column, and the row's attributes
    rows: Sequence[Mapping[int, Value]]  # column (1-based) -> value


@dataclass(frozen=True, slots=True)
class InsertRows:
    """New records inserted inside a table, above row `before`: every row from `before` down
    moves down with what is attached to it (merged cells, drop-downs, conditional formats,
    the filter, defined names, row heights). Rows are numbered as the sheet has them now,
    `before` and `style_row` included; the new rows are formatted like `style_row`."""

    sheet: str
    before: int
    style_row: int
    rows: Sequence[Mapping[int, Value]]  # column (1-based) -> value


@dataclass(frozen=True, slots=True)
class NewSheet:
    """A sheet xlsync owns (sync log, history, state); rewritten whole, in place if it exists."""

    name: str
    rows: Sequence[Sequence[Value]]  # the first row is the header (bold)
    state: str = "visible"  # "visible" | "hidden" | "veryHidden"
    widths: dict[int, float] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "'Register'!E7"


@dataclass(slots=True)
class Edits:
    """Everything one write changes in a workbook.

    Every cell, fill, note and appended block names its row as the sheet has it now: rows
    inserted above it (`insert`) move it down with the rest of the sheet.
    """

    cells: dict[CellRef, Value] = field(default_factory=dict)
    append: list[AppendRows] = field(default_factory=list)
    insert: list[InsertRows] = field(default_factory=list)
    fills: dict[CellRef, str] = field(default_factory=dict)  # "error" (red) | "warning" (amber)
    comments: dict[CellRef, str] = field(default_factory=dict)  # a note, author "xlsync"
    sheets: list[NewSheet] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PatchResult:
    """What a patch wrote: the parts of the package that changed and the cells written."""

    source: Path
    target: Path
    parts_changed: tuple[str, ...]  # zip entry names changed, added or removed
    parts_kept: int  # entries copied unchanged
    cells_written: tuple[CellRef, ...]  # cells given a value or cleared (appended rows included)
    rows_appended: int
    sheets_written: tuple[str, ...]
    backup: Path | None
    fingerprint: str  # of the file written


def patch(source: str | Path, target: str | Path, cells: Mapping[str, Value]) -> PatchResult:
    """Write values into cells named like "Sheet!B7" (text is always text, never a formula)."""
    edits = Edits()
    for name, value in cells.items():
        try:
            ref = CellRef.parse(name)
        except ValueError as exc:
            raise WriteRefused(str(exc), source) from None
        edits.cells[ref] = value
    return patch_workbook(source, target, edits)


def patch_workbook(
    source: str | Path,
    target: str | Path,
    edits: Edits,
    *,
    expect_fingerprint: str | None = None,
    backup: bool = True,
    force: bool = False,
    lock_timeout: float = atomic.DEFAULT_LOCK_TIMEOUT,
    recalc: bool = True,
    source_read: Future[SourceRead] | None = None,
) -> PatchResult:
    """Apply `edits` to the workbook at `source` and save the result atomically at `target`.

    `source` and `target` may be the same file. Nothing is written when any edit breaks one of
    Excel's limits (WriteRefused), when `source` no longer has `expect_fingerprint` (it changed
    on disk since it was read), or when Excel has `target` open (WorkbookLocked, unless
    `force`). With `recalc`, a workbook holding formulas is marked to recalculate on opening,
    so totals over changed cells are never shown stale. `source_read`, from
    read_source_soon(source), is `source` already being read.
    """
    source, target = Path(source), Path(target)
    _check(edits, source)
    if not target.parent.is_dir():
        raise WriteRefused(f"cannot be saved: the folder {target.parent} does not exist", target)
    atomic.check_not_open(target, force)
    with atomic.lock(target, lock_timeout):
        read_as, pkg = source_read.result() if source_read is not None else _read_source(source)
        if expect_fingerprint is not None and read_as != expect_fingerprint:
            raise WriteRefused(
                "was changed on disk since xlsync read it; nothing was written, run again", source
            )
        if isinstance(pkg, XlsyncError):
            raise pkg
        patcher = _Patcher(pkg, source, recalc)
        patcher.apply(edits)
        patcher.match_extension(target)
        buffer = io.BytesIO()
        pkg.write(buffer)
        payload = buffer.getvalue()
        same_file = target.exists() and source.resolve() == target.resolve()
        saved = atomic.atomic_write(
            target,
            lambda fh: fh.write(payload),
            backup=backup,
            expect=read_as if same_file else None,
        )
    changed = pkg.changed_parts()
    return PatchResult(
        source=source,
        target=target,
        parts_changed=tuple(changed),
        parts_kept=sum(1 for i in pkg.infos if i.filename not in set(changed)),
        cells_written=tuple(patcher.written),
        rows_appended=sum(len(a.rows) for a in edits.append)
        + sum(len(i.rows) for i in edits.insert),
        sheets_written=tuple(s.name for s in edits.sheets),
        backup=saved,
        fingerprint=atomic.fingerprint_bytes(payload),
    )


def _table_columns(root: Node) -> list[Node]:
    columns = root.child("tableColumns")
    return [] if columns is None else columns.all("tableColumn")


def _column_name(text: str) -> str:
    """A header's text as a tableColumn name (ST_Xstring): control characters as _xHHHH_,
    and a literal _xHHHH_ kept literal."""
    text = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)
    return re.sub(r"[\x00-\x1f]", lambda m: f"_x{ord(m.group(0)):04X}_", text)


# A workbook read for patching: the fingerprint of its bytes, and its package or why it has none.
SourceRead = tuple[str, "Package | XlsyncError"]


def read_source_soon(source: str | Path) -> Future[SourceRead]:
    """`source` read for patch_workbook on a background thread: reading, hashing and
    inflating the package mostly let go of the interpreter lock."""
    from sync.parallel import in_background

    return in_background(_read_source, Path(source))


def _read_source(source: Path) -> SourceRead:
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile("file not found", source) from None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror})", source) from None
    read_as = atomic.fingerprint_bytes(raw)
    try:
        return read_as, Package.read(raw, source)
    except XlsyncError as exc:  # raised once the fingerprint is checked: a change comes first
        return read_as, exc


def _check(edits: Edits, path: Path) -> None:
    """Refuse, before anything is read or written, edits Excel could not hold.

    Every value of a large merge passes through here (a sync log and history of thousands of
    rows), so a cell's name is only worked out for the one refused.
    """

    def value_ok(value: object, sheet: str, row: int, col: int) -> None:
        reason = refuse_reason(value)
        if reason:
            raise WriteRefused(reason, path, str(CellRef(sheet, row, col)))

    def position_ok(row: int, col: int, where: str) -> None:
        reason = refuse_position(row, col)
        if reason:
            raise WriteRefused(reason, path, where)

    for ref, value in edits.cells.items():
        position_ok(ref.row, ref.col, str(ref.sheet))
        value_ok(value, ref.sheet, ref.row, ref.col)
    for ref, kind in edits.fills.items():
        position_ok(ref.row, ref.col, str(ref.sheet))
        if kind not in FILL_KINDS:
            raise WriteRefused(f"unknown fill {kind!r} (use 'error' or 'warning')", path, str(ref))
    for ref, text in edits.comments.items():
        position_ok(ref.row, ref.col, str(ref.sheet))
        value_ok(text, ref.sheet, ref.row, ref.col)
    blocks: dict[str, list[tuple[int, int]]] = {}
    for block in edits.append:
        end = block.start_row + len(block.rows) - 1
        position_ok(block.start_row, 1, block.sheet)
        position_ok(max(end, block.start_row), 1, block.sheet)
        position_ok(block.style_row, 1, block.sheet)
        for i, values in enumerate(block.rows):
            for col, value in values.items():
                position_ok(block.start_row + i, col, block.sheet)
                value_ok(value, block.sheet, block.start_row + i, col)
        for lo, hi in blocks.get(block.sheet.casefold(), []):
            if block.start_row <= hi and end >= lo:
                raise WriteRefused(f"two blocks of new rows overlap on sheet {block.sheet}", path)
        blocks.setdefault(block.sheet.casefold(), []).append((block.start_row, end))
    above: set[tuple[str, int]] = set()
    for insert in edits.insert:
        position_ok(insert.before, 1, insert.sheet)
        position_ok(insert.style_row, 1, insert.sheet)
        if (insert.sheet.casefold(), insert.before) in above:
            raise WriteRefused(
                f"two blocks of new rows go above row {insert.before} of sheet {insert.sheet}", path
            )
        above.add((insert.sheet.casefold(), insert.before))
        for i, values in enumerate(insert.rows):
            for col, value in values.items():
                position_ok(insert.before + i, col, insert.sheet)
                value_ok(value, insert.sheet, insert.before + i, col)
    names: set[str] = set()
    for sheet in edits.sheets:
        reason = refuse_sheet_name(sheet.name)
        if reason:
            raise WriteRefused(reason, path)
        if sheet.name.casefold() in names:
            raise WriteRefused(f"sheet {sheet.name!r} is given twice", path)
        names.add(sheet.name.casefold())
        if sheet.state not in SHEET_STATES:
            raise WriteRefused(f"unknown sheet state {sheet.state!r}", path)
        # rows and columns count from 1, so the sheet's far corner bounds every cell
        position_ok(max(len(sheet.rows), 1), max(map(len, sheet.rows), default=1), sheet.name)
        for r, row_values in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row_values, start=1):
                if type(value) is str and len(value) <= MAX_TEXT or value is None:
                    continue  # refuse_reason's answer for nearly every value, without the call
                value_ok(value, sheet.name, r, c)
        for (r, c), _ in sheet.links.items():
            position_ok(r, c, sheet.name)
        for c in sheet.widths:
            position_ok(1, c, sheet.name)


@dataclass(slots=True)
class _SheetPlan:
    """The edits for one existing worksheet, gathered before it is patched."""

    entry: SheetEntry
    cells: dict[tuple[int, int], Value] = field(default_factory=dict)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    appends: list[AppendRows] = field(default_factory=list)
    inserts: list[InsertRows] = field(default_factory=list)

    def moves(self) -> list[tuple[int, int]]:
        """(before, count) of each block inserted, rows as the sheet has them now."""
        return [(i.before, len(i.rows)) for i in self.inserts]


class _Patcher:
    """Applies one Edits to a package read into memory."""

    def __init__(self, pkg: Package, path: Path, recalc: bool) -> None:
        self.pkg = pkg
        self.path = path
        self.recalc = recalc
        self.book = Workbook.load(pkg)
        self.styles = Styles.load(pkg, self.book.part)
        self.strings = SharedStrings.load(pkg, self.book.part)
        self.written: list[CellRef] = []
        self.formula_overwritten = False
        self.values_changed = False

    def refuse(self, message: str, cell: str | None = None) -> WriteRefused:
        return WriteRefused(message, self.path, cell)

    # -- the whole run -----------------------------------------------------------------------

    def apply(self, edits: Edits) -> None:
        plans: dict[str, _SheetPlan] = {}

        def plan_for(sheet: str) -> _SheetPlan:
            entry = self.book.find(sheet)
            if entry is None:
                raise self.refuse(f"has no sheet named {sheet!r}")
            if entry.kind != "worksheet" or entry.part is None or not self.pkg.has(entry.part):
                raise self.refuse(
                    f"sheet {entry.name!r} is a {entry.kind or 'missing part'}, "
                    "not a worksheet xlsync can write cells into"
                )
            return plans.setdefault(entry.name, _SheetPlan(entry))

        owned = {s.name.casefold() for s in edits.sheets}
        for insert in edits.insert:
            if insert.rows:
                plan_for(insert.sheet).inserts.append(insert)
        moves: dict[str, list[tuple[int, int]]] = {}
        for name, plan in plans.items():
            moves[name.casefold()] = plan.moves()
            why = insertion_blocker(
                self.pkg, name, [i.before for i in plan.inserts], [s.name for s in edits.sheets]
            )
            if why is not None:
                raise self.refuse(f"rows cannot be inserted in sheet {name!r}: {why}")

        shifts = {sheet: Shift(pairs) for sheet, pairs in moves.items()}

        def at(sheet: str, row: int) -> int:
            """A row as it is now, where it will be once the new rows are in."""
            shift = shifts.get(sheet.casefold())
            return row if shift is None else shift(row)

        for ref, value in edits.cells.items():
            plan_for(ref.sheet).cells[(at(ref.sheet, ref.row), ref.col)] = value
        for ref, kind in edits.fills.items():
            plan_for(ref.sheet).fills[(at(ref.sheet, ref.row), ref.col)] = kind
        for ref, text in edits.comments.items():
            plan_for(ref.sheet).notes[(at(ref.sheet, ref.row), ref.col)] = text
        for block in edits.append:
            plan_for(block.sheet).appends.append(
                replace(
                    block,
                    start_row=at(block.sheet, block.start_row),
                    style_row=at(block.sheet, block.style_row),
                )
            )
        for name in plans:
            if name.casefold() in owned:
                raise self.refuse(f"sheet {name!r} is both edited and rewritten whole")

        for plan in plans.values():
            self._patch_sheet(plan)
        if self.strings is not None:
            # complete now: xlsync's own sheets hold their text inline
            self.strings.save()
        for sheet in edits.sheets:
            self._write_owned(sheet)
        self._finish()

    def _finish(self) -> None:
        if self.formula_overwritten:
            self._drop_calc_chain()
        if (
            self.recalc
            and self.values_changed
            and not self.book.recalculates()
            and self._has_formulas()
        ):
            self.book.full_calc_on_load()
        self.styles.save()
        if self.book.changed:
            self.pkg.put(self.book.part, self.book.render())

    def match_extension(self, target: Path) -> None:
        """Make the package what `target`'s extension says it is: Excel picks its loader by
        the extension and refuses an .xlsx whose workbook is macro-enabled. An .xlsx or
        .xltx carries no macros, so a VBA project is left out of one."""
        suffix = target.suffix.lower()
        want = MAIN_BY_EXTENSION.get(suffix)
        have = self.pkg.content_type(self.book.part)
        if want is None or have == want:
            return
        if have not in MAIN_BY_EXTENSION.values():
            raise WriteRefused(f"cannot be saved as {suffix}: its workbook is {have}", target)
        if suffix in MACRO_FREE:
            macro_sheets = [e.name for e in self.book.sheets if e.kind in _MACRO_SHEETS]
            if macro_sheets:
                raise WriteRefused(
                    f"cannot be saved as {suffix}: sheet {macro_sheets[0]!r} is an Excel 4 "
                    "macro sheet, which only a macro-enabled workbook holds",
                    target,
                )
            for rel in self.pkg.rels(self.book.part):
                if rel.kind == "vbaProject":
                    self.pkg.remove_rel(self.book.part, rel.id)
                    if not rel.external and self.pkg.has(rel.target):
                        self.pkg.remove_part_tree(rel.target)
        self.pkg.set_override(self.book.part, want)

    def _has_formulas(self) -> bool:
        for entry in self.book.sheets:
            if entry.part and self.pkg.has(entry.part):
                if holds_formula(self.pkg.get(entry.part)):
                    return True
        return False

    def _drop_calc_chain(self) -> None:
        """Forget Excel's calculation order: Excel rebuilds it silently, while a chain naming a
        cell that no longer holds a formula makes it offer to repair the file."""
        for rel in self.pkg.rels(self.book.part):
            if rel.kind == "calcChain" and not rel.external:
                self.pkg.remove_rel(self.book.part, rel.id)
                self.pkg.remove_override(rel.target)
                self.pkg.remove(rel.target)

    # -- one existing worksheet --------------------------------------------------------------

    def _patch_sheet(self, plan: _SheetPlan) -> None:
        entry = plan.entry
        assert entry.part is not None
        try:
            text = self.pkg.text(entry.part)
            if plan.inserts:
                text = shift_sheet(text, plan.moves())
            doc = SheetDoc.load(text)
        except SheetError as exc:
            raise self.refuse(f"sheet {entry.name!r} cannot be patched: {exc}") from None
        try:
            self._plan_sheet(plan, doc)
            if plan.notes:
                add_notes(self.pkg, entry.part, doc, plan.notes)
            pieces = doc.render_pieces()
        except (SheetError, CommentError) as exc:
            raise self.refuse(f"sheet {entry.name!r} cannot be patched: {exc}") from None
        self.pkg.put(entry.part, pieces)

    def _plan_sheet(self, plan: _SheetPlan, doc: SheetDoc) -> None:
        name = plan.entry.name
        # what each cell will hold and which style it starts from, before fills are laid on
        values: dict[tuple[int, int], Value] = dict(plan.cells)
        base_style: dict[tuple[int, int], int | None] = {}
        for block in plan.appends:
            self._plan_append(block, doc, values, base_style)
        if plan.inserts:
            self._plan_inserts(plan, doc, values, base_style)
        self._rename_table_columns(plan, values)
        try:
            check_array_areas(doc, values)
            if doc.mentions("shared") and reanchor_shared(doc, values):
                self.formula_overwritten = True
        except FormulaError as exc:
            raise self.refuse(exc.message, str(CellRef(name, *exc.cell))) from None

        for (r, c), value in sorted(values.items()):
            cell = doc.cell(r, c)
            if value in (None, "") and cell is None and (r, c) not in base_style:
                continue  # clearing a cell that does not exist
            if (r, c) in base_style:
                style = base_style[(r, c)]
            else:
                style = cell.style if cell is not None else doc.default_style(r, c)
            if cell is not None and doc.formula(cell) is not None:
                self.formula_overwritten = True
            content, style = self._content(value, style, CellRef(name, r, c))
            doc.write(r, c, CellWrite(content, style))
            self.written.append(CellRef(name, r, c))
            self.values_changed = True
        for (r, c), s in base_style.items():
            if (r, c) not in values:
                doc.write(r, c, CellWrite(None, s))  # formatting only, as the style row has it
        fit_rows(doc, self.styles, texts_of(values))  # a longer note must not be cut off
        for (r, c), kind in sorted(plan.fills.items()):
            current = doc.planned_style(r, c)
            if current is None:
                cell = doc.cell(r, c)
                current = cell.style if cell is not None else doc.default_style(r, c)
            doc.write(r, c, CellWrite(None, self.styles.derive(current, fill=kind)))

    def _rename_table_columns(self, plan: _SheetPlan, values: dict[tuple[int, int], Value]) -> None:
        """Keep each table's column names in step with the header cells written: Excel
        repairs a table whose header cell and tableColumn name differ."""
        entry = plan.entry
        assert entry.part is not None
        if not plan.cells:
            return
        for rel in self.pkg.rel_by_kind(entry.part, "table"):
            if not self.pkg.has(rel.target):
                continue
            text, root = self.pkg.tree(rel.target)
            area = parse_area(root.attrs.get("ref", ""))
            if area is None or root.attrs.get("headerRowCount", "1") == "0":
                continue
            header = [
                ((area.min_row, area.min_col + k), node)
                for k, node in enumerate(_table_columns(root))
                if (area.min_row, area.min_col + k) in values
            ]
            if not header:
                continue
            table = root.attrs.get("displayName") or root.attrs.get("name", "")
            names = {
                node.start: node.attrs.get("name", "").casefold() for node in _table_columns(root)
            }
            edits = []
            for (r, c), node in header:
                value, old = values[(r, c)], node.attrs.get("name", "")
                where = str(CellRef(entry.name, r, c))
                if not isinstance(value, str) or not value.strip():
                    raise self.refuse(
                        f"is the header of column {old!r} of table {table}: "
                        "it can only hold text, the column's name",
                        where,
                    )
                if value == old:
                    continue
                names[node.start] = value.casefold()
                if list(names.values()).count(value.casefold()) > 1:
                    raise self.refuse(f"table {table} already has a column named {value!r}", where)
                if self._names_column(old):
                    raise self.refuse(
                        f"is the header of column {old!r} of table {table}, which formulas "
                        "name; rename the column in Excel",
                        where,
                    )
                edits.append(retag(node, set_attr(node.raw_attrs, "name", _column_name(value))))
            if edits:
                self.pkg.put(rel.target, apply_edits(text, edits))

    def _names_column(self, name: str) -> bool:
        """Whether any formula may name a table column `name` (as Table[Name] or [@Name])."""
        needle = escape_attr(name).casefold()
        sheets = [e.part for e in self.book.sheets if e.part and self.pkg.has(e.part)]
        tables = [r.target for part in sheets for r in self.pkg.rel_by_kind(part, "table")]
        for part in [self.book.part, *sheets, *tables]:
            if self.pkg.has(part):
                text = self.pkg.get(part).decode("utf-8", "replace").casefold()
                if f"[{needle}]" in text or f"[@{needle}]" in text or f"[[{needle}]" in text:
                    return True
        return False

    def _content(
        self, value: Value, style: int | None, where: CellRef
    ) -> tuple[Content, int | None]:
        if value is None or value == "":
            # Excel cannot hold an empty text constant: typing nothing leaves the cell blank
            return Content("clear"), style
        if isinstance(value, bool):
            return Content("b", "1" if value else "0"), style
        if isinstance(value, int | float):
            return Content("n", number_text(value)), style
        if isinstance(value, dt.date):
            reason = refuse_date(value, self.book.date1904)
            if reason:
                raise self.refuse(reason, str(where))
            serial, kind = date_serial(value, self.book.date1904)
            return Content("n", serial), self.styles.derive(style, date=kind)
        text = str(value)
        if text.startswith(FORMULA_LEADS):
            style = self.styles.derive(style, quote=True)
        if self.strings is not None:
            return Content("s", str(self.strings.add(text))), style
        return Content("inline", text), style

    # -- appended rows -----------------------------------------------------------------------

    def _plan_append(
        self,
        block: AppendRows,
        doc: SheetDoc,
        values: dict[tuple[int, int], Value],
        base_style: dict[tuple[int, int], int | None],
        names: bool = True,
    ) -> None:
        sheet = block.sheet
        if not block.rows:
            return
        end = block.start_row + len(block.rows) - 1
        for r in range(block.start_row, end + 1):
            row = doc.row(r)
            if row is None:
                continue
            for cell in doc.cells(row):
                if doc.has_value(cell):
                    raise self.refuse(
                        "already holds a value, so new rows cannot go there",
                        str(CellRef(sheet, r, cell.col)),
                    )
        style_row = doc.row(block.style_row)
        styles: dict[int, int | None] = {}
        row_raw = ""
        if style_row is not None:
            styles = {cell.col: cell.style for cell in doc.cells(style_row) if cell.style}
            row_raw = style_row.raw
            for attr in ("r", "hidden", "collapsed"):
                row_raw = set_attr(row_raw, attr, None)
        for i, record in enumerate(block.rows):
            r = block.start_row + i
            doc.set_row_attrs(r, row_raw)
            for col in sorted(set(styles) | set(record)):
                style = styles.get(col)
                if style is None:
                    style = doc.default_style(block.style_row, col)
                base_style[(r, col)] = style
                if col in record:
                    values[(r, col)] = record[col]
        doc.extend_ranges(block.style_row, block.start_row, end)
        self._extend_tables(doc, block, end)
        if names:
            self._extend_defined_names(block, end)

    def _plan_inserts(
        self,
        plan: _SheetPlan,
        doc: SheetDoc,
        values: dict[tuple[int, int], Value],
        base_style: dict[tuple[int, int], int | None],
    ) -> None:
        """Rows inserted inside the table: the sheet below them has already moved down
        (shift_sheet), so each block fills the rows it left free as an appended block would,
        and a range ending on the row above grows over it. Defined names move and grow in one
        edit each."""
        name = plan.entry.name
        moves = plan.moves()
        blocks = [
            AppendRows(
                name,
                moved(i.before, [(b, n) for b, n in moves if b < i.before]),
                moved(i.style_row, moves),
                i.rows,
            )
            for i in plan.inserts
        ]
        for block in blocks:
            self._plan_append(block, doc, values, base_style, names=False)
        try:
            for node, _attrs, formula in self.book.defined_names():
                new = shift_reference(formula, name, Shift(moves))
                if new is None:  # a formula naming the sheet, not a list of references
                    raise SheetError(f"the defined name {formula!r} cannot be moved")
                for block in blocks:
                    end = block.start_row + len(block.rows) - 1
                    new = grow_reference(new, name, block.style_row, block.start_row, end) or new
                if new != formula.strip():
                    self.book.set_defined_name(node, new)
        except SheetError as exc:
            raise self.refuse(f"sheet {name!r} cannot be patched: {exc}") from None

    def _extend_tables(self, doc: SheetDoc, block: AppendRows, end: int) -> None:
        entry = self.book.find(block.sheet)
        assert entry is not None and entry.part is not None
        for rel in self.pkg.rel_by_kind(entry.part, "table"):
            if not self.pkg.has(rel.target):
                continue
            text, root = self.pkg.tree(rel.target)
            new_ref = grown(root.attrs.get("ref", ""), block.style_row, block.start_row, end)
            if new_ref is None:
                continue
            if root.attrs.get("totalsRowCount", "0") not in ("", "0"):
                raise self.refuse(
                    f"table {root.attrs.get('displayName', '')} ends in a totals row; "
                    "add the rows in Excel",
                    block.sheet,
                )
            edits = [retag(root, set_attr(root.raw_attrs, "ref", new_ref))]
            auto = root.child("autoFilter")
            if auto is not None:
                auto_ref = grown(auto.attrs.get("ref", ""), block.style_row, block.start_row, end)
                if auto_ref is not None:
                    edits.append(retag(auto, set_attr(auto.raw_attrs, "ref", auto_ref)))
            self.pkg.put(rel.target, apply_edits(text, edits))

    def _extend_defined_names(self, block: AppendRows, end: int) -> None:
        entry = self.book.find(block.sheet)
        assert entry is not None
        # the filter's own name, the print area and any name over the table's rows
        for node, _attrs, formula in self.book.defined_names():
            new = grow_reference(formula, entry.name, block.style_row, block.start_row, end)
            if new is not None:
                self.book.set_defined_name(node, new)

    # -- sheets xlsync owns ------------------------------------------------------------------

    def _write_owned(self, sheet: NewSheet) -> None:
        date1904 = self.book.date1904
        header_style: int | None = None

        dates: dict[object, CellXml] = {}  # a log repeats its one timestamp on every row

        def cell(r: int, c: int, value: object) -> CellXml | None:
            nonlocal header_style
            style: int | None = None
            if r == 1 and len(sheet.rows) > 0:
                if header_style is None:
                    header_style = self.styles.derive(None, font="bold")
                style = header_style
            if (r, c) in sheet.links:
                style = self.styles.derive(style, font="link")
            if value is None or value == "":
                return (None, "", style) if style else None
            if isinstance(value, bool):
                return "b", f"<v>{int(value)}</v>", style
            if isinstance(value, int | float):
                return None, f"<v>{number_text(value)}</v>", style
            if isinstance(value, dt.date):
                if style is None and value in dates:
                    return dates[value]
                reason = refuse_date(value, date1904)
                if reason:
                    raise self.refuse(reason, str(CellRef(sheet.name, r, c)))
                serial, kind = date_serial(value, date1904)
                got = None, f"<v>{serial}</v>", self.styles.derive(style, date=kind)
                if style is None:
                    dates[value] = got
                return got
            t, inner, _ = inline_text(str(value))
            return t, inner, style

        xml = render_sheet(
            sheet.rows, cell, flavour=self.pkg.flavour, widths=sheet.widths, links=sheet.links
        )
        existing = self.book.find(sheet.name)
        if existing is not None:
            self._replace_owned(existing, xml, sheet.state)
            return
        folder = self.book.part.rpartition("/")[0]
        part = self.pkg.unused_name(
            f"{folder}/worksheets/sheet{{}}.xml" if folder else "worksheets/sheet{}.xml"
        )
        self.pkg.put(part, xml)
        self.pkg.add_override(part, CT["worksheet"])
        rid = self.pkg.add_rel(self.book.part, "worksheet", part)
        self.book.add_sheet(sheet.name, rid, sheet.state)

    def _replace_owned(self, entry: SheetEntry, xml: str, state: str) -> None:
        if entry.kind != "worksheet" or entry.part is None:
            raise self.refuse(
                f"sheet {entry.name!r} is a {entry.kind}; xlsync only rewrites its own worksheets"
            )
        kept = [
            r
            for r in self.pkg.rels(entry.part)
            if not r.external and r.kind not in ("printerSettings",)
        ]
        if kept:
            kinds = ", ".join(sorted({r.kind for r in kept}))
            raise self.refuse(
                f"sheet {entry.name!r} has {kinds} of its own; xlsync will not replace it"
            )
        if holds_formula(self.pkg.get(entry.part)):
            self.formula_overwritten = True
        self.pkg.put(entry.part, xml)
        self.book.set_state(entry, state)
