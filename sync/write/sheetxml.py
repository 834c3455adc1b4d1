"""A worksheet's XML patched in place: changed cells spliced into their rows, all else kept as written."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sync.cells import a1, column_index
from sync.write.ranges import Area, grow_sqref, parse_area
from sync.write.xmltext import (
    TOKEN,
    Node,
    apply_edits,
    attrs_of,
    escape_text,
    needs_preserve,
    parse,
    q,
    retag,
    set_attr,
)

# The order of a worksheet's children (CT_Worksheet); a new child goes before the first later one.
WORKSHEET_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins pageSetup "
    "headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors smartTags drawing "
    "legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts "
    "extLst"
).split()


FIND_BUDGET = 16  # rows looked up by search before indexing them all is cheaper
_ROW_NUM = re.compile(r"(?:^|\s)r\s*=\s*[\"'](\d+)[\"']")
_CELL_REF = re.compile(r"(?:^|\s)r\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d+)[\"']")


@dataclass(frozen=True, slots=True)
class Content:
    """What a cell will hold: kind 'n' (number), 's' (shared string index), 'b', 'inline' or 'clear'."""

    kind: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CellWrite:
    """A change to one cell: new content (None keeps it) and a new style index (None keeps it)."""

    content: Content | None = None
    style: int | None = None


# Row and cell spans are NamedTuples rather than frozen dataclasses: a sheet of 100,000 rows
# makes 100,000 of them, and a tuple is several times cheaper to build.
class RowSpan(NamedTuple):
    """Where a <row> sits: its start tag, its content and its end; its raw attribute text."""

    r: int
    start: int
    open_end: int
    inner_end: int
    end: int
    raw: str
    has_r: bool


class CellSpan(NamedTuple):
    """Where a <c> sits, its column and its raw attribute text."""

    col: int
    start: int
    end: int
    inner_start: int
    inner_end: int
    raw: str
    has_r: bool

    @property
    def attrs(self) -> dict[str, str]:
        return attrs_of(self.raw)

    @property
    def style(self) -> int | None:
        at = self.raw.find(' s="')
        if at >= 0:  # the common spelling, read without a regex
            value = self.raw[at + 4 : self.raw.find('"', at + 4)]
        else:
            value = self.attrs.get("s", "")
        return int(value) if value.isdigit() else None


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell's <f>: its attributes, its text and where the element sits."""

    attrs: dict[str, str]
    text: str
    start: int
    end: int


class SheetError(ValueError):
    """The sheet's XML is not something we can patch safely; the caller refuses the write."""


@dataclass(slots=True)
class SheetDoc:
    """One worksheet part as text, with the offsets of its rows and the edits planned for it."""

    text: str
    root: Node
    sheet_data: Node
    prefix: str
    _rows: list[RowSpan] | None = None
    _row_nums: list[int] = field(default_factory=list)
    _writes: dict[int, dict[int, CellWrite]] = field(default_factory=dict)
    _row_raw: dict[int, str] = field(default_factory=dict)
    _formula_patch: dict[tuple[int, int], str] = field(default_factory=dict)
    _edits: list[tuple[int, int, str]] = field(default_factory=list)
    _tags: dict[int, tuple[Node, str]] = field(default_factory=dict)
    _cells_cache: dict[int, list[CellSpan]] = field(default_factory=dict)
    _found: dict[int, RowSpan] = field(default_factory=dict)

    @classmethod
    def load(cls, text: str) -> SheetDoc:
        try:
            root = parse(text, opaque=frozenset({"sheetData"}))
        except ValueError as exc:
            raise SheetError(f"its XML is not well-formed ({exc})") from None
        if root.local != "worksheet":
            raise SheetError(f"it is a {root.local}, not a worksheet")
        sheet_data = root.child("sheetData")
        if sheet_data is None:
            raise SheetError("it has no sheetData")
        return cls(text=text, root=root, sheet_data=sheet_data, prefix=root.prefix)

    def qn(self, local: str) -> str:
        return q(self.prefix, local)

    # -- reading -----------------------------------------------------------------------------

    def rows(self) -> list[RowSpan]:
        """Every <row> of sheetData with its number (implicit numbers counted as Excel does)."""
        if self._rows is not None:
            return self._rows
        sd = self.sheet_data
        rows: list[RowSpan] = []
        if not sd.empty:
            # Plain markup (no CDATA, no comments) is scanned with str.find, which is several
            # times faster than a tokenizer over a sheet of millions of cells.
            fast = self.text.find("<!", sd.inner_start, sd.inner_end) < 0
            rows = (self._scan_rows_fast() if fast else None) or self._scan_rows()
        self._rows = rows
        self._row_nums = [r.r for r in rows]
        return rows

    def _scan_rows_fast(self) -> list[RowSpan] | None:
        """The rows by plain search; None when the markup needs the careful scan.

        A row's attributes are numbers and flags, never holding '>', so its start tag ends
        at the first '>'.
        """
        text, sd = self.text, self.sheet_data
        open_tag, close_tag = "<" + self.qn("row"), "</" + self.qn("row") + ">"
        n_open, n_close = len(open_tag), len(close_tag)
        find = text.find
        rows: list[RowSpan] = []
        append = rows.append
        prev = 0
        pos, end = sd.inner_start, sd.inner_end
        while True:
            i = find(open_tag, pos, end)
            if i < 0:
                return rows
            j = find(">", i, end)
            if j < 0 or text[i + n_open] not in " \t\r\n/>":
                return None
            raw = text[i + n_open : j]
            if raw.startswith(' r="'):
                k = raw.find('"', 4)
                r, has_r = int(raw[4:k]), True
            else:
                num = _ROW_NUM.search(raw)
                r, has_r = (int(num.group(1)), True) if num else (prev + 1, False)
            if r <= prev:
                raise SheetError(f"its rows are out of order (row {r} after row {prev})")
            prev = r
            if raw.endswith("/"):
                append(RowSpan(r, i, j + 1, j + 1, j + 1, raw[:-1], has_r))
                pos = j + 1
                continue
            k = find(close_tag, j, end)
            if k < 0:
                return None
            append(RowSpan(r, i, j + 1, k, k + n_close, raw, has_r))
            pos = k + n_close

    def _scan_rows(self) -> list[RowSpan]:
        """The rows by a full tokenizer that steps over CDATA sections and comments."""
        rows: list[RowSpan] = []
        sd = self.sheet_data
        pattern = re.compile(
            r"<(?:!\[CDATA\[.*?\]\]>|!--.*?-->|(/?)"
            + re.escape(self.qn("row"))
            + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)",
            re.S,
        )
        text = self.text
        prev = 0
        opened: tuple[int, int, int, str, bool] | None = None
        for m in pattern.finditer(text, sd.inner_start, sd.inner_end):
            slash = m.group(1)
            if slash is None:
                continue
            if slash:
                if opened is None:
                    raise SheetError("a </row> without its <row>")
                r, start, open_end, raw, has_r = opened
                rows.append(RowSpan(r, start, open_end, m.start(), m.end(), raw, has_r))
                opened = None
                continue
            if opened is not None:
                raise SheetError("a <row> inside a <row>")
            raw = m.group(2)
            num = _ROW_NUM.search(raw)
            r = int(num.group(1)) if num else prev + 1
            if r <= prev:
                raise SheetError(f"its rows are out of order (row {r} after row {prev})")
            prev = r
            if raw.endswith("/"):
                rows.append(RowSpan(r, m.start(), m.end(), m.end(), m.end(), raw[:-1], bool(num)))
            else:
                opened = (r, m.start(), m.end(), raw, bool(num))
        if opened is not None:
            raise SheetError("a <row> is never closed")
        return rows

    def row(self, r: int) -> RowSpan | None:
        if self._rows is None and len(self._found) < FIND_BUDGET:
            found = self._find_row(r)
            if found is not None:
                return found
        rows = self.rows()
        i = bisect.bisect_left(self._row_nums, r)
        return rows[i] if i < len(rows) and rows[i].r == r else None

    def _find_row(self, r: int) -> RowSpan | None:
        """One row found by its number alone (`<row r="7"`, as Excel writes it), so that a
        handful of edits need not index every row of a large sheet. None: not found so."""
        if r in self._found:
            return self._found[r]
        sd, text = self.sheet_data, self.text
        if sd.empty or text.find("<!", sd.inner_start, sd.inner_end) >= 0:
            return None
        rq = self.qn("row")
        i = text.find(f'<{rq} r="{r}"', sd.inner_start, sd.inner_end)
        if i < 0:
            return None
        j = text.find(">", i, sd.inner_end)
        raw = text[i + len(rq) + 1 : j]
        if raw.endswith("/"):
            span = RowSpan(r, i, j + 1, j + 1, j + 1, raw[:-1], True)
        else:
            close = f"</{rq}>"
            k = text.find(close, j, sd.inner_end)
            if k < 0:
                return None
            span = RowSpan(r, i, j + 1, k, k + len(close), raw, True)
        self._found[r] = span
        return span

    def cells(self, row: RowSpan) -> list[CellSpan]:
        """The <c> elements of a row with their columns (implicit columns counted)."""
        cached = self._cells_cache.get(row.r)
        if cached is not None:
            return cached
        fast = self.text.find("<!", row.open_end, row.inner_end) < 0
        out = (self._scan_cells_fast(row) if fast else None) or self._scan_cells(row)
        self._cells_cache[row.r] = out
        return out

    def _scan_cells_fast(self, row: RowSpan) -> list[CellSpan] | None:
        """A row's cells by plain search (a cell's attributes never hold '>' either)."""
        text = self.text
        cq = self.qn("c")
        open_tag, close = "<" + cq, "</" + cq + ">"
        n_open = len(open_tag)
        find = text.find
        out: list[CellSpan] = []
        col = 0
        pos, end = row.open_end, row.inner_end
        while True:
            i = find(open_tag, pos, end)
            if i < 0:
                return out
            if text[i + n_open] not in " \t\r\n/>":
                return None  # another element (an extLst?) among the cells: go carefully
            j = find(">", i, end)
            raw = text[i + n_open : j]
            if raw.startswith(' r="'):  # as Excel writes it: the reference first
                k = 4
                while raw[k].isalpha():
                    k += 1
                c, has_r = column_index(raw[4:k]), True
            else:
                ref = _CELL_REF.search(raw)
                c, has_r = (column_index(ref.group(1)), True) if ref else (col + 1, False)
            if c <= col:
                raise SheetError(f"row {row.r} has its cells out of order")
            col = c
            if raw.endswith("/"):
                out.append(CellSpan(c, i, j + 1, j + 1, j + 1, raw[:-1], has_r))
                pos = j + 1
                continue
            k = find(close, j, end)
            if k < 0:
                return None
            out.append(CellSpan(c, i, k + len(close), j + 1, k, raw, has_r))
            pos = k + len(close)

    def _scan_cells(self, row: RowSpan) -> list[CellSpan]:
        cq = self.qn("c")
        out: list[CellSpan] = []
        depth = 0
        col = 0
        current: tuple[int, int, int, str, bool] | None = None
        for m in TOKEN.finditer(self.text, row.open_end, row.inner_end):
            name = m.group(2)
            if name is None:
                continue
            if m.group(1):
                depth -= 1
                if depth == 0 and current is not None:
                    c, start, inner_start, raw, has_r = current
                    out.append(CellSpan(c, start, m.end(), inner_start, m.start(), raw, has_r))
                    current = None
                continue
            raw = m.group(3)
            closed = raw.endswith("/")
            if depth == 0 and name == cq:
                ref = _CELL_REF.search(raw)
                c = column_index(ref.group(1)) if ref else col + 1
                if c <= col:
                    raise SheetError(f"row {row.r} has its cells out of order")
                col = c
                if closed:
                    out.append(
                        CellSpan(c, m.start(), m.end(), m.end(), m.end(), raw[:-1], bool(ref))
                    )
                else:
                    current = (c, m.start(), m.end(), raw, bool(ref))
                    depth = 1
            elif not closed:
                depth += 1
        return out

    def cell(self, r: int, c: int) -> CellSpan | None:
        row = self.row(r)
        if row is None:
            return None
        if row.r not in self._cells_cache:
            found = self._find_cell(row, c)
            if found is not None:
                return found
        return next((x for x in self.cells(row) if x.col == c), None)

    def _find_cell(self, row: RowSpan, c: int) -> CellSpan | None:
        """One cell found by its reference alone, without reading the rest of its row.

        Only a cell written as Excel writes it (`<c r="B7"` first) is found this way; None
        means "not found so", and the caller reads the whole row.
        """
        if self.text.find("<!", row.open_end, row.inner_end) >= 0:
            return None
        cq = self.qn("c")
        head = f'<{cq} r="{a1(row.r, c)}"'
        i = self.text.find(head, row.open_end, row.inner_end)
        if i < 0:
            return None
        j = self.text.find(">", i, row.inner_end)
        raw = self.text[i + len(cq) + 1 : j]
        if raw.endswith("/"):
            return CellSpan(c, i, j + 1, j + 1, j + 1, raw[:-1], True)
        close = "</" + cq + ">"
        k = self.text.find(close, j, row.inner_end)
        return None if k < 0 else CellSpan(c, i, k + len(close), j + 1, k, raw, True)

    def inner(self, cell: CellSpan) -> str:
        return self.text[cell.inner_start : cell.inner_end]

    def formula(self, cell: CellSpan) -> Formula | None:
        fq = re.escape(self.qn("f"))
        m = re.search(
            r"<" + fq + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?:/>|>(.*?)</" + fq + r"\s*>)",
            self.text[cell.inner_start : cell.inner_end],
            re.S,
        )
        if m is None:
            return None
        return Formula(
            attrs_of(m.group(1)),
            m.group(2) or "",
            cell.inner_start + m.start(),
            cell.inner_start + m.end(),
        )

    def has_value(self, cell: CellSpan) -> bool:
        inner = self.inner(cell)
        if not inner.strip():
            return False
        v = re.search(r"<" + re.escape(self.qn("v")) + r"\s*>(.*?)</", inner, re.S)
        return (
            bool(v and v.group(1)) or f"<{self.qn('is')}" in inner or self.formula(cell) is not None
        )

    def row_attrs(self, r: int) -> str | None:
        row = self.row(r)
        return None if row is None else row.raw

    def default_style(self, r: int, c: int) -> int | None:
        """The style a new cell shows in Excel: its row's (when set) else its column's."""
        row = self.row(r)
        if row is not None:
            a = attrs_of(row.raw)
            if a.get("customFormat") in ("1", "true") and (a.get("s") or "").isdigit():
                return int(a["s"])
        cols = self.root.child("cols")
        if cols is not None:
            for col in cols.all("col"):
                a = col.attrs
                try:
                    lo, hi = int(a.get("min", "0")), int(a.get("max", "0"))
                except ValueError:
                    continue
                if lo <= c <= hi and (a.get("style") or "").isdigit():
                    return int(a["style"])
        return None

    def formula_areas(
        self, kinds: tuple[str, ...] = ("array", "dataTable")
    ) -> list[tuple[Area, Formula]]:
        """Multi-cell array and data-table formulas: no single cell inside them may be written."""
        sd = self.sheet_data
        body = self.text[sd.inner_start : sd.inner_end]
        if not any(k in body for k in kinds):
            return []
        out = []
        fq = re.escape(self.qn("f"))
        for m in re.finditer(r"<" + fq + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", body):
            a = attrs_of(m.group(1).rstrip("/"))
            if a.get("t") in kinds and a.get("ref"):
                area = parse_area(a["ref"])
                if area is not None and (area.min_row, area.min_col) != (
                    area.max_row,
                    area.max_col,
                ):
                    start = sd.inner_start + m.start()
                    out.append((area, Formula(a, "", start, start)))
        return out

    def shared_members(self, si: str) -> list[tuple[int, CellSpan, Formula]]:
        """Every cell (row, cell, formula) of shared formula group `si`, in document order."""
        sd = self.sheet_data
        fq = re.escape(self.qn("f"))
        out = []
        rows = self.rows()
        starts = [r.start for r in rows]
        pattern = re.compile(r"<" + fq + r"\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
        for m in pattern.finditer(self.text, sd.inner_start, sd.inner_end):
            a = attrs_of(m.group(1).rstrip("/"))
            if a.get("t") != "shared" or a.get("si") != si:
                continue
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0:
                continue
            row = rows[i]
            for cell in self.cells(row):
                if cell.start <= m.start() < cell.end:
                    f = self.formula(cell)
                    if f is not None:
                        out.append((row.r, cell, f))
                    break
        return out

    def mentions(self, text: str) -> bool:
        """Whether `text` occurs anywhere in sheetData (a cheap test before a costly search)."""
        sd = self.sheet_data
        return self.text.find(text, sd.inner_start, sd.inner_end) >= 0

    def used_area(self) -> Area | None:
        dim = self.root.child("dimension")
        return None if dim is None else parse_area(dim.attrs.get("ref", ""))

    # -- planning edits ----------------------------------------------------------------------

    def write(self, r: int, c: int, change: CellWrite) -> None:
        row = self._writes.setdefault(r, {})
        old = row.get(c)
        if old is not None:
            change = CellWrite(
                change.content or old.content,
                change.style if change.style is not None else old.style,
            )
        row[c] = change

    def set_row_attrs(self, r: int, raw: str) -> None:
        """The start-tag attributes a (new or rewritten) row gets, e.g. copied from a style row."""
        self._row_raw[r] = raw

    def patch_formula(self, r: int, c: int, new_f: str) -> None:
        self._formula_patch[(r, c)] = new_f

    def set_attr(self, node: Node, name: str, value: str | None) -> None:
        """Change one attribute of an element outside sheetData (e.g. dimension ref)."""
        _, raw = self._tags.get(node.start, (node, node.raw_attrs))
        self._tags[node.start] = (node, set_attr(raw, name, value))

    def replace_text(self, node: Node, new_inner: str) -> None:
        self._edits.append((node.inner_start, node.inner_end, new_inner))

    def insert_child(self, local: str, xml: str) -> None:
        """Insert a new child of <worksheet> at its place in the schema's order."""
        rank = WORKSHEET_ORDER.index(local)
        for child in self.root.children:
            if child.local in WORKSHEET_ORDER and WORKSHEET_ORDER.index(child.local) > rank:
                self._edits.append((child.start, child.start, xml))
                return
        self._edits.append((self.root.inner_end, self.root.inner_end, xml))

    def ranges(self) -> Iterator[tuple[Node, str, bool]]:
        """Every (node, sqref, is_text) a row append may extend: autofilter, conditional formats,
        data validations, and their x14 versions (whose sqref is element text)."""
        for child in self.root.children:
            if child.local == "autoFilter" and "ref" in child.attrs:
                yield child, child.attrs["ref"], False
            elif child.local == "conditionalFormatting" and "sqref" in child.attrs:
                yield child, child.attrs["sqref"], False
            elif child.local == "dataValidations":
                for dv in child.all("dataValidation"):
                    if "sqref" in dv.attrs:
                        yield dv, dv.attrs["sqref"], False
            elif child.local == "extLst":
                for ext in child.children:
                    for block in ext.children:
                        if block.local not in ("dataValidations", "conditionalFormattings"):
                            continue
                        for item in block.children:
                            sq = item.child("sqref")
                            if sq is not None:
                                yield sq, self.text[sq.inner_start : sq.inner_end], True

    def extend_ranges(self, style_row: int, start_row: int, end_row: int) -> list[str]:
        """Extend the sheet's filters, formats and validations that run down to the new rows."""
        done = []
        for node, sqref, is_text in self.ranges():
            new = grow_sqref(sqref, style_row, start_row, end_row)
            if new is None:
                continue
            if is_text:
                self.replace_text(node, new)
            else:
                self.set_attr(node, "ref" if node.local == "autoFilter" else "sqref", new)
            done.append(node.local)
        return done

    # -- rendering ---------------------------------------------------------------------------

    def render(self) -> str:
        edits = list(self._edits)
        edits += self._render_rows()
        extent = self._extent()
        dim = self.root.child("dimension")
        if dim is not None and extent is not None:
            old = parse_area(dim.attrs.get("ref", ""))
            new = (
                extent
                if old is None or self._sheet_was_empty()
                else Area(
                    min(old.min_row, extent.min_row),
                    min(old.min_col, extent.min_col),
                    max(old.max_row, extent.max_row),
                    max(old.max_col, extent.max_col),
                )
            )
            if new != old:
                self.set_attr(dim, "ref", str(new))
        edits += [retag(node, raw) for node, raw in self._tags.values()]
        try:
            return apply_edits(self.text, edits)
        except ValueError as exc:
            raise SheetError(str(exc)) from None

    def _sheet_was_empty(self) -> bool:
        # an empty sheet's dimension is "A1"; it must not stay in the new used range
        return self.used_area() == Area(1, 1, 1, 1) and self.cell(1, 1) is None

    def _extent(self) -> Area | None:
        cells = [
            (r, c)
            for r, cols in self._writes.items()
            for c, w in cols.items()
            if w.content is None or w.content.kind != "clear"
        ]
        if not cells:
            return None
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        return Area(min(rows), min(cols), max(rows), max(cols))

    def _render_rows(self) -> list[tuple[int, int, str]]:
        targets = sorted(
            set(self._writes) | set(self._row_raw) | {r for r, _ in self._formula_patch}
        )
        if not targets:
            return []
        existing = [self.row(r) for r in targets]
        if all(span is not None for span in existing):
            # every row is there: nothing is inserted, so no other row matters (and a few
            # edits to a large sheet never index its rows)
            return self._render_existing([span for span in existing if span is not None])
        rows = self.rows()
        sd = self.sheet_data
        if sd.empty:
            body = "".join(self._new_row(r) for r in targets)
            sdq = sd.qname
            return [(sd.start, sd.end, f"<{sdq}{sd.raw_attrs.rstrip()}>{body}</{sdq}>")]
        edits: list[tuple[int, int, str]] = []
        touched = set(targets)
        # a row after an inserted one can no longer count its number from its predecessor
        after_new = {
            rows[i].r
            for r in targets
            if (i := bisect.bisect_left(self._row_nums, r)) < len(rows) and rows[i].r != r
        }
        for r in targets:
            i = bisect.bisect_left(self._row_nums, r)
            if i < len(rows) and rows[i].r == r:
                row = rows[i]
                in_place = self._cells_in_place(row)
                if in_place is not None:
                    # every written cell exists: replace just those, the row stays as it was
                    edits.extend(in_place)
                    if not row.has_r and r in after_new:
                        raw = set_attr(row.raw, "r", str(r), first=True)
                        close = "/" if row.open_end == row.end else ""
                        edits.append((row.start, row.open_end, f"<{self.qn('row')}{raw}{close}>"))
                    continue
                explicit = row.has_r or r in after_new or r in self._row_raw
                edits.append((row.start, row.end, self._rebuild_row(row, explicit)))
                continue
            if i < len(rows):
                following = rows[i]
                at = following.start
                if not following.has_r and following.r not in touched:
                    # the next row's number was implicit (previous + 1): make it explicit
                    raw = set_attr(following.raw, "r", str(following.r), first=True)
                    close = "/" if following.open_end == following.end else ""
                    edits.append(
                        (following.start, following.open_end, f"<{self.qn('row')}{raw}{close}>")
                    )
            else:
                at = rows[-1].end if rows else sd.inner_end
            edits.append((at, at, self._new_row(r)))
        return edits

    def _render_existing(self, rows: list[RowSpan]) -> list[tuple[int, int, str]]:
        edits: list[tuple[int, int, str]] = []
        for row in rows:
            in_place = self._cells_in_place(row)
            if in_place is not None:
                edits.extend(in_place)
            else:
                explicit = row.has_r or row.r in self._row_raw
                edits.append((row.start, row.end, self._rebuild_row(row, explicit)))
        return edits

    def _cells_in_place(self, row: RowSpan) -> list[tuple[int, int, str]] | None:
        """Edits replacing each written cell of an existing row, when all of them exist and the
        row keeps its attributes; None when the row must be rebuilt (new cells, a style row)."""
        if row.r in self._row_raw:
            return None
        cols = set(self._writes.get(row.r, {})) | {c for r, c in self._formula_patch if r == row.r}
        edits = []
        for c in sorted(cols):
            cell = self.cell(row.r, c)
            if cell is None:
                return None
            edits.append(
                (
                    cell.start,
                    cell.end,
                    self._changed_cell(row.r, cell, self._writes.get(row.r, {}).get(c)),
                )
            )
        return edits

    def _row_start(self, r: int, raw: str, cols: list[int], explicit: bool = True) -> str:
        if explicit:
            raw = set_attr(raw, "r", str(r), first=True)
        spans = attrs_of(raw).get("spans")
        if spans and cols:
            m = re.fullmatch(r"\s*(\d+):(\d+)\s*", spans)
            if m:
                lo, hi = min(int(m.group(1)), *cols), max(int(m.group(2)), *cols)
                if (lo, hi) != (int(m.group(1)), int(m.group(2))):
                    raw = set_attr(raw, "spans", f"{lo}:{hi}")
        return f"<{self.qn('row')}{raw}>"

    def _new_row(self, r: int) -> str:
        writes = self._writes.get(r, {})
        cols = sorted(writes)
        raw = self._row_raw.get(r, "")
        if not cols:
            return f"<{self.qn('row')}{set_attr(raw, 'r', str(r), first=True)}/>"
        body = "".join(self._new_cell(r, c, writes[c]) for c in cols)
        return self._row_start(r, raw, cols) + body + f"</{self.qn('row')}>"

    def _rebuild_row(self, row: RowSpan, explicit: bool) -> str:
        writes = self._writes.get(row.r, {})
        cells = self.cells(row)
        present = {c.col for c in cells}
        new_cols = sorted(c for c in writes if c not in present)
        raw = self._row_raw.get(row.r, row.raw)
        out = [self._row_start(row.r, raw, new_cols, explicit)]
        pos = row.open_end
        k = 0
        for cell in cells:
            out.append(self.text[pos : cell.start])
            inserted = False
            while k < len(new_cols) and new_cols[k] < cell.col:
                out.append(self._new_cell(row.r, new_cols[k], writes[new_cols[k]]))
                k += 1
                inserted = True
            if cell.col in writes or (row.r, cell.col) in self._formula_patch:
                out.append(self._changed_cell(row.r, cell, writes.get(cell.col)))
            elif inserted and not cell.has_r:
                out.append(self._changed_cell(row.r, cell, None))
            else:
                out.append(self.text[cell.start : cell.end])
            pos = cell.end
        tail = self.text[pos : row.inner_end]
        out.extend(self._new_cell(row.r, c, writes[c]) for c in new_cols[k:])
        out.append(tail)
        out.append(f"</{self.qn('row')}>")
        return "".join(out)

    def _content_xml(self, content: Content) -> tuple[str | None, str]:
        """(t attribute, children) for a cell's new content."""
        if content.kind == "clear":
            return None, ""
        if content.kind == "inline":
            tq = self.qn("t")
            space = ' xml:space="preserve"' if needs_preserve(content.text) else ""
            body = escape_text(content.text)
            return "inlineStr", f"<{self.qn('is')}><{tq}{space}>{body}</{tq}></{self.qn('is')}>"
        v = f"<{self.qn('v')}>{content.text}</{self.qn('v')}>"
        return {"n": None, "s": "s", "b": "b"}[content.kind], v

    def _new_cell(self, r: int, c: int, change: CellWrite) -> str:
        raw = f' r="{a1(r, c)}"'
        if change.style:
            raw += f' s="{change.style}"'
        inner = ""
        if change.content is not None:
            t, inner = self._content_xml(change.content)
            if t:
                raw += f' t="{t}"'
        cq = self.qn("c")
        return f"<{cq}{raw}>{inner}</{cq}>" if inner else f"<{cq}{raw}/>"

    def _changed_cell(self, r: int, cell: CellSpan, change: CellWrite | None) -> str:
        ref = a1(r, cell.col)
        raw = (
            cell.raw
            if cell.raw.startswith(f' r="{ref}"')
            else set_attr(cell.raw, "r", ref, first=True)
        )
        inner = self.text[cell.inner_start : cell.inner_end]
        if change is not None and change.style is not None:
            raw = set_attr(
                raw, "s", str(change.style) if change.style or "s" in cell.attrs else None
            )
        if change is not None and change.content is not None:
            t, inner = self._content_xml(change.content)
            raw = set_attr(raw, "t", t)
            # cell and value metadata belong to the old value (spills, pictures in cells)
            if "cm=" in raw or "vm=" in raw:
                raw = set_attr(set_attr(raw, "cm", None), "vm", None)
        elif (r, cell.col) in self._formula_patch:
            f = self.formula(cell)
            if f is not None:
                local_start = f.start - cell.inner_start
                local_end = f.end - cell.inner_start
                inner = inner[:local_start] + self._formula_patch[(r, cell.col)] + inner[local_end:]
        cq = self.qn("c")
        return f"<{cq}{raw}>{inner}</{cq}>" if inner else f"<{cq}{raw}/>"
