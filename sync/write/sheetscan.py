"""A worksheet's XML read without a DOM: where each row and cell sits, found fast in large sheets."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple, Self

from sync.cells import a1, column_index
from sync.write.ranges import Area, parse_area
from sync.write.xmltext import TOKEN, Node, attrs_of, parse, q

_ROW_NUM = re.compile(r"(?:^|\s)r\s*=\s*[\"'](\d+)[\"']")
_CELL_REF = re.compile(r"(?:^|\s)r\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d+)[\"']")
_SPACE = " \t\r\n"


def _end_tag(text: str, close: str, at: int, end: int) -> tuple[int, int]:
    """The end tag `close` (its `</` and name, as "</row") found at `at`, or the first after
    it before `end`: (where it starts, just past its '>'); (-1, -1) when there is none.

    XML lets an end tag carry whitespace before its '>' (`</row >`, `</c\n>`), and Excel reads
    it as any other; a longer name that begins alike (`</color>` in a rich-text run, for
    `</c`) is another element's end and is stepped over.
    """
    n = len(close)
    while at >= 0:
        i = at + n
        while i < end and text[i] in _SPACE:
            i += 1
        if i < end and text[i] == ">":
            return at, i + 1
        if i > at + n:
            return -1, -1  # `</row x>`: not well-formed, left to the careful scan
        at = text.find(close, i, end)
    return -1, -1


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
class SheetScan:
    """One worksheet part as text, with the offsets of its rows and cells found on demand."""

    text: str
    root: Node
    sheet_data: Node
    prefix: str
    _rows: list[RowSpan] | None = None
    _row_nums: list[int] = field(default_factory=list)
    _cells_cache: dict[int, list[CellSpan]] = field(default_factory=dict)
    _found: dict[int, RowSpan] = field(default_factory=dict)
    _plain: bool | None = None  # sheetData holds no CDATA or comment, every row its number
    _found_nums: list[int] = field(default_factory=list)
    _memo: dict[str, RowSpan | None] = field(default_factory=dict)

    @classmethod
    def load(cls, text: str) -> Self:
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
            if not all(row.has_r for row in rows):
                rows = self._place_rows(rows)
        self._rows = rows
        self._row_nums = [r.r for r in rows]
        return rows

    def _scan_rows_fast(self) -> list[RowSpan] | None:
        """The rows by plain search; None when the markup needs the careful scan.

        A row's attributes are numbers and flags, never holding '>', so its start tag ends
        at the first '>'.
        """
        text, sd = self.text, self.sheet_data
        # the end tag without its '>': `</row >` is one too (see _end_tag)
        open_tag, close_tag = "<" + self.qn("row"), "</" + self.qn("row")
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
            pos = k + n_close + 1
            if text[pos - 1] != ">":  # rare: `</row >`, or a longer name
                k, pos = _end_tag(text, close_tag, k, end)
                if k < 0:
                    return None
            append(RowSpan(r, i, j + 1, k, pos, raw, has_r))

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

    def _place_rows(self, rows: list[RowSpan]) -> list[RowSpan]:
        """Rows without a number placed where xlsync's reader (calamine) puts their cells.

        The reader counts rows as ECMA-376 does (a row without `r` follows the previous
        one) but places a cell with an address at that address, whatever row holds it; a
        cell without one goes to the counted row, after the previous cell. So a row without
        `r` whose cells all carry addresses of one row is that row, and one with cells
        without addresses is the counted row. A row that mixes rows, or whose cells would
        land on an earlier row, cannot be written so that both agree: refused.
        """
        placed: list[RowSpan] = []
        counted = prev = 0
        for row in rows:
            counted = row.r if row.has_r else counted + 1
            at = counted
            if not row.has_r:
                cells = self._scan_cells(row._replace(r=counted))
                named = {self._cell_row(cell) for cell in cells if cell.has_r}
                mixed = named != {counted} and not all(cell.has_r for cell in cells)
                if len(named) > 1 or (named and mixed):
                    rows_named = ", ".join(map(str, sorted(named | {counted})))
                    raise SheetError(
                        f"a row without a number after row {prev} holds cells of rows {rows_named}"
                    )
                if named:
                    at = named.pop()
                elif not cells and at <= prev:
                    at = prev + 1  # an empty row: where it goes changes no cell
            if at <= prev:
                raise SheetError(f"its rows are out of order (row {at} after row {prev})")
            placed.append(row if at == row.r else row._replace(r=at))
            prev = at
        return placed

    def _cell_row(self, cell: CellSpan) -> int:
        ref = _CELL_REF.search(cell.raw)
        assert ref is not None  # has_r
        return int(ref.group(2))

    def row(self, r: int) -> RowSpan | None:
        """Row `r`, or None if the sheet has no such row.

        Rows are first looked for by their number, which touches only the text up to them;
        all rows are indexed only when one is not found so (a row in a gap, an unusual file).
        """
        if self._rows is None:
            found = self._find_row(r)
            if found is not None:
                return found
            last = self.last_row()
            if last is not None and r > last.r:
                return None  # beyond the last row: certainly absent, no index needed
        rows = self.rows()
        i = bisect.bisect_left(self._row_nums, r)
        return rows[i] if i < len(rows) and rows[i].r == r else None

    def _find_row(self, r: int) -> RowSpan | None:
        """One row found by its number alone (`<row r="7"`, as Excel writes it), so that a
        handful of edits need not index every row of a large sheet. None: not found so."""
        if r in self._found:
            return self._found[r]
        sd, text = self.sheet_data, self.text
        if self._plain is None:
            # and every row numbered as Excel writes it: a row without a number is placed
            # by its cells (see _place_rows), which only the full index does. One search for
            # either (0.07 s over a 100,000-row sheet, against 0.15 s for three scans).
            rq = re.escape(self.qn("row"))
            unplain = re.compile(rf'<(?:!|{rq}(?! r="))')
            self._plain = not sd.empty and not unplain.search(text, sd.inner_start, sd.inner_end)
        if not self._plain:
            return None
        # rows are in order: search on from the nearest row found above this one
        k = bisect.bisect_left(self._found_nums, r)
        start = self._found[self._found_nums[k - 1]].end if k else sd.inner_start
        rq = self.qn("row")
        i = text.find(f'<{rq} r="{r}"', start, sd.inner_end)
        if i < 0:
            return None
        j = text.find(">", i, sd.inner_end)
        raw = text[i + len(rq) + 1 : j]
        if raw.endswith("/"):
            span = RowSpan(r, i, j + 1, j + 1, j + 1, raw[:-1], True)
        else:
            close = f"</{rq}"
            k, stop = _end_tag(text, close, text.find(close, j, sd.inner_end), sd.inner_end)
            if k < 0:
                return None
            span = RowSpan(r, i, j + 1, k, stop, raw, True)
        self._found[r] = span
        bisect.insort(self._found_nums, r)
        return span

    def last_row(self) -> RowSpan | None:
        """The sheet's last row, found from the end of sheetData; None if unknown or none."""
        if "last" in self._memo:
            return self._memo["last"]
        sd, text = self.sheet_data, self.text
        found = None
        rq = self.qn("row")
        i = -1 if sd.empty else text.rfind(f"<{rq}", sd.inner_start, sd.inner_end)
        if i >= 0 and text[i + len(rq) + 1] in " \t\r\n/>":
            m = _ROW_NUM.search(text, i, text.find(">", i, sd.inner_end))
            if m is not None:
                found = self._find_row(int(m.group(1)))
        self._memo["last"] = found
        return found

    def cells(self, row: RowSpan) -> list[CellSpan]:
        """The <c> elements of a row with their columns (implicit columns counted)."""
        cached = self._cells_cache.get(row.r)
        if cached is not None:
            return cached
        fast = self.text.find("<!", row.open_end, row.inner_end) < 0
        try:
            out = (self._scan_cells_fast(row) if fast else None) or self._scan_cells(row)
        except ValueError as exc:  # a column beyond XFD
            raise SheetError(f"row {row.r}: {exc}") from None
        number = str(row.r)
        for cell in out:
            raw = cell.raw
            if not cell.has_r:
                continue
            if raw.startswith(' r="'):  # as Excel writes it: check the digits in place
                k = 4
                while k < len(raw) and raw[k].isalpha():
                    k += 1
                if raw.startswith(number + '"', k):
                    continue
            if self._cell_row(cell) != row.r:
                # the reader puts such a cell at its address, the writer in this row
                ref = _CELL_REF.search(raw)
                assert ref is not None
                raise SheetError(f"row {row.r} holds a cell addressed {ref.group(1)}{ref.group(2)}")
        self._cells_cache[row.r] = out
        return out

    def _scan_cells_fast(self, row: RowSpan) -> list[CellSpan] | None:
        """A row's cells by plain search (a cell's attributes never hold '>' either)."""
        text = self.text
        cq = self.qn("c")
        open_tag, close = "<" + cq, "</" + cq  # `</c >` and `</c\n>` end a cell too
        n_open, n_close = len(open_tag), len(close)
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
            pos = k + n_close + 1
            if text[pos - 1] != ">":  # `</c >`, or `</color>` in a rich-text run
                k, pos = _end_tag(text, close, k, end)
                if k < 0:
                    return None
            out.append(CellSpan(c, i, pos, j + 1, k, raw, has_r))

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
        close = "</" + cq
        k, stop = _end_tag(self.text, close, self.text.find(close, j, row.inner_end), row.inner_end)
        return None if k < 0 else CellSpan(c, i, stop, j + 1, k, raw, True)

    def inner(self, cell: CellSpan) -> str:
        return self.text[cell.inner_start : cell.inner_end]

    def formula(self, cell: CellSpan) -> Formula | None:
        if self.text.find("<" + self.qn("f"), cell.inner_start, cell.inner_end) < 0:
            return None  # most cells: no formula element at all
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
        if not any(self.text.find(k, sd.inner_start, sd.inner_end) >= 0 for k in kinds):
            return []  # nearly every sheet: no copy of a sheet of many megabytes needed
        body = self.text[sd.inner_start : sd.inner_end]
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
