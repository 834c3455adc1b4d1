"""How big a grid calamine will allocate for each sheet, measured before it reads one.

calamine holds a sheet as a dense grid over its used range, so two far-apart cells in a small
file can ask for billions of cells. Each format is measured its own way: the cell addresses
of an .xlsx sheet's XML, the repeat counts of an .ods table, the records of an .xls stream.
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sync import limits
from sync.cells import MAX_COLS as EXCEL_COLS
from sync.cells import MAX_ROWS as EXCEL_ROWS
from sync.errors import HostileFile, UnreadableFile
from sync.limits import MIN_BYTES_PER_STRING, MiB, human_size
from sync.read.guards import Package, Part, cell_before, xml_fault

# An address longer than this is shown cut, with its length.
_SHOWN_ADDRESS = 16


@dataclass(slots=True)
class Extent:
    """The largest row and column (1-based) a sheet's cells reach, as calamine will place them,
    and the first damage found on the way, if any."""

    rows: int = 0
    cols: int = 0
    damage: str = ""  # what is wrong, for the officer: "it has a cell beyond column XFD ..."
    damage_cell: str = ""  # the address of the cell it is in, as written (cut if very long)

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def add(self, row: int, col: int) -> None:
        self.rows = max(self.rows, row)
        self.cols = max(self.cols, col)

    def note_damage(self, damage: str, cell: str = "") -> None:
        if not self.damage:
            self.damage, self.damage_cell = damage, cell

    def note_outside(self, address: bytes) -> None:
        """Note a cell address outside Excel's grid."""
        text = address.decode("ascii", "replace")
        letters = len(text) - len(
            text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        )
        if len(text) > _SHOWN_ADDRESS:
            shown = text[:_SHOWN_ADDRESS] + "\u2026"
            self.note_damage(f"it has a cell address {len(text):,} characters long", shown)
        elif letters > 3 or column_number(address[:letters]) > EXCEL_COLS:
            self.note_damage("it has a cell beyond column XFD, the last column Excel has", text)
        else:
            self.note_damage(
                f"it has a cell beyond row {EXCEL_ROWS:,}, the last row Excel has", text
            )


def check_extent(
    extent: Extent,
    where: str,
    path: Path,
    *,
    limit: int = limits.MAX_SHEET_CELLS,
    sheet: str = "",
) -> None:
    """Refuse a damaged sheet (naming the cell, within `sheet`, where known), and a grid
    calamine would have to allocate beyond `limit` cells."""
    if extent.damage:
        cell = extent.damage_cell
        raise UnreadableFile(
            f"{where} is damaged: {extent.damage}",
            path,
            f"{sheet}!{cell}" if sheet and cell else cell or None,
        )
    if extent.cells > limit:
        raise HostileFile(
            f"{where} spans {extent.rows:,} rows by {extent.cols:,} columns "
            f"({extent.cells:,} cells; xlsync reads at most {limit:,}), usually stray values "
            "far below or right of the table",
            path,
        )


def check_book_cells(extents: Iterable[Extent], path: Path) -> None:
    """For formats calamine reads whole on opening (.ods, .xls) the cap covers every sheet."""
    total = sum(extent.cells for extent in extents)
    if total > limits.MAX_SHEET_CELLS:
        raise HostileFile(
            f"has sheets spanning {total:,} cells in all; xlsync reads at most "
            f"{limits.MAX_SHEET_CELLS:,}, usually stray values far below or right of the tables",
            path,
        )


_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']\+?0*(\d+)")


def check_string_table(pkg: Package, part: Part) -> None:
    """Verify the shared-string part and the string count calamine reserves room for."""
    limit = max(100_000, part.size // MIN_BYTES_PER_STRING)
    for piece in _tag_aligned(pkg.chunks(part)):
        if b"\x00" in piece:
            raise UnreadableFile(
                f"part '{part.name}' is damaged: its XML holds a NUL character (byte 0), which "
                "no spreadsheet program writes",
                pkg.path,
            )
        if b"uniqueCount" not in piece:
            continue
        for m in _UNIQUE_COUNT.finditer(piece):
            digits = m.group(1)
            if len(digits) > 12 or int(digits) > limit:
                raise HostileFile(
                    f"announces {int(digits[:30]):,} shared strings in "
                    f"{human_size(part.size)}, room calamine would reserve up front",
                    pkg.path,
                )


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


# Every spreadsheet writer emits cells as `<c r="B7" s="3" t="s">`: r first, double quotes,
# single spaces, short lowercase attribute names; openpyxl adds a space before `/>`. Anything
# else (r-less cells, other whitespace, a second r, prefixes) sends the part to the exact but
# slower walk.
def _cell_not_usual(address: bytes) -> re.Pattern[bytes]:
    """A regex for a `<c` tag that is not the usual one with an address matching `address`."""
    usual = rb' r="' + address + rb'"(?: [a-qs-z][a-z]?="[^"<>]*+")*+ ?/?>'
    return re.compile(rb"<c(?!" + usual + rb")[\s/>]")


_ODD_CELL = _cell_not_usual(rb"[A-Za-z]{1,3}+\d{1,7}+")
# The same, or a cell beyond the near box below: a piece with neither is measured cheaply.
# One look-ahead for the usual tag of a near cell (column A-Z, row under 100,000) finds both
# at half the cost of asking the two questions in turn.
_ODD_OR_FAR_CELL = _cell_not_usual(rb"[A-Za-z]\d{1,5}+")
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
# A value-holding cell written the usual way: not `<c .../>`, not `<c ...></c>`. calamine
# drops valueless cells (`<c r="XFD9" s="1"/>`, styled blanks that some writers spread to the
# last row) before it sizes the grid, so they must not count here either.
_VALUE_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>(?!\s*</)')
# Cells in columns A-Z and rows under 100,000 need no exact look: they cannot pass this box.
_NEAR_ROWS, _NEAR_COLS = 99_999, 26


# Runs of empty address-less cells (`<c/>`, `<c s="1"/>`) only move the column along, so
# they are counted a run at a time; every other cell and row tag is replayed one by one.
_WALK = re.compile(
    rb"(?P<run>(?:<(?:[A-Za-z_][\w.-]*:)?c(?:\s+(?!r\s*=)[\w.:-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*"
    rb"\s*/>\s*)+)"
    rb"|<(/?)(?:[A-Za-z_][\w.-]*:)?(c|row)((?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?/?)>"
)
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]*)(\d+)")


def xlsx_sheet_extent(pkg: Package, part: Part, *, exact: bool = False) -> Extent:
    """The used range calamine will allocate for a worksheet part, or a close bound on it.

    A piece of a sheet written the usual way whose cells all lie in the near box (rows under
    100,000, columns A-Z: most pieces of most sheets) costs one regex scan; a piece with a
    cell beyond it is bounded by a few searches (see _value_bound), or measured exactly from
    its value cells. When the near box itself would pass the limit, the pieces it stood for
    are measured too. A bound that passes the limit is replaced by the exact extent, with
    `exact`, before anything is refused. Any other sheet is walked cell by cell. Inflating the
    part also proves it holds no more than it declares.
    """
    extent = Extent()
    near: list[int] = []  # the pieces measured only by the near box
    bounded = False  # some piece is only bounded, a little above its cells
    for index, piece in enumerate(_tag_aligned(pkg.chunks(part))):
        if b"\x00" in piece:
            if index == 0 and piece.startswith(_UTF16_STARTS):
                extent.note_damage(
                    "its XML is in UTF-16, which xlsync does not read; open the file in Excel "
                    "and save it again"
                )
                return extent
            # XML forbids it; calamine would keep it in the text, or cut the text short there.
            at = piece.index(b"\x00")
            extent.note_damage(
                "its XML holds a NUL character (byte 0), which no spreadsheet program writes",
                cell_before(piece, at),
            )
            return extent
        if _PREFIXED.search(piece):
            return _unusual_extent(pkg, part)
        first = _ODD_OR_FAR_CELL.search(piece)
        if first is None:
            if b'<c r="' in piece:
                near.append(index)
            continue
        # one scan tells a piece of usual one-letter cells, the common far piece
        other = _UNUSUAL_OR_WIDE_CELL.search(piece, first.start())
        if other is not None and _ODD_CELL.search(piece, other.start()):
            return _unusual_extent(pkg, part)
        # Every cell from `other` on is written the usual way, valued or not, and a cell
        # outside Excel's grid (placed by calamine but never written back) lies among them.
        outside = _OUTSIDE_GRID.search(piece, other.start()) if other is not None else None
        if outside is not None:
            extent.note_outside(outside.group(1))
            return extent
        bound = None if exact or other is not None else _value_bound(piece)
        if bound is None:
            _add_value_cells(extent, piece)
        else:
            extent.add(*bound)
            bounded = True
    if near:
        boxed = Extent(max(extent.rows, _NEAR_ROWS), max(extent.cols, _NEAR_COLS))
        if boxed.cells <= limits.MAX_SHEET_CELLS:
            return boxed
        # Rows of near pieces lie under 100,000: past that, only their columns can add to
        # the extent, and only a piece with a value cell right of the widest so far.
        rows_known = extent.rows >= _NEAR_ROWS
        if not (rows_known and extent.cols >= _NEAR_COLS):
            wanted = set(near)
            for index, piece in enumerate(_tag_aligned(pkg.chunks(part))):
                if index in wanted:
                    if rows_known and not _value_cell_beyond(extent.cols).search(piece):
                        continue
                    _add_value_cells(extent, piece)
    if bounded and extent.cells > limits.MAX_SHEET_CELLS:
        return xlsx_sheet_extent(pkg, part, exact=True)
    return extent


_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def _add_value_cells(extent: Extent, piece: bytes) -> None:
    refs = _VALUE_CELL.findall(piece)
    if refs:
        rows = {digits for _, digits in refs}
        cols = {letters for letters, _ in refs}
        extent.add(max(map(int, rows)), max(map(column_number, cols)))


# Only the tail of a piece is read for its last value cells: a piece ends within a row or two
# of them.
_TAIL_BYTES = 64 * 1024
# A cell not in the usual form, or in a column beyond Z, or beyond Excel's last row.
_UNUSUAL_OR_WIDE_CELL = _cell_not_usual(
    rb"[A-Za-z](?:\d{1,6}+|1(?:0(?:[0-3]\d{4}|4(?:[0-7]\d{3}|8(?:[0-4]\d{2}|5(?:[0-6]\d|7[0-6]))))))"
)


def _value_bound(piece: bytes) -> tuple[int, int] | None:
    """A row and a column that no value cell of the piece lies beyond, the row at most a
    tenth above the last row's; None when there is no quick way to tell. Every cell of the
    piece must be written the usual way, in a column A-Z.

    Reading every cell's address was most of checking a large sheet. Instead the value cells
    at the piece's end give a candidate row (rounded up to two significant figures, so that
    the searches for the pieces of one sheet are few and compiled once) and column, and one
    search proves no value cell lies below or right of them.
    """
    tail = Extent()
    _add_value_cells(tail, piece[-_TAIL_BYTES:])
    if not tail.rows:
        return None
    step = 10 ** max(len(str(tail.rows)) - 2, 0)
    row = -(-(tail.rows + 1) // step) * step - 1  # 109,454 -> 109,999
    if _value_cell_beyond(tail.cols, row).search(piece):
        return None
    return row, tail.cols


@functools.lru_cache(maxsize=256)
def _value_cell_beyond(col: int, row: int | None = None) -> re.Pattern[bytes]:
    """A regex for a value cell written the usual way with a one-letter column beyond `col`
    or (with `row`) a row beyond `row`. A longer row number counts as beyond even with
    leading zeros: the search may only err towards a closer look."""
    branches = []
    if col < _NEAR_COLS:
        later = bytes(range(ord("A") + col, ord("Z") + 1))
        branches.append(b"[" + later + later.lower() + rb"]\d+")
    if row is not None:
        digits = str(row).encode()
        above = [rb"\d{%d,}" % (len(digits) + 1)]
        for i, d in enumerate(digits):
            if d < ord("9"):
                rest = len(digits) - i - 1
                above.append(digits[:i] + b"[%c-9]" % (d + 1) + rb"\d{%d}" % rest)
        branches.append(rb"[A-Za-z](?:" + b"|".join(above) + b")")
    if not branches:
        return _NOTHING
    return re.compile(rb'<c r="(?:' + b"|".join(branches) + rb')"[^>]*(?<!/)>(?!\s*</)')


_NOTHING = re.compile(rb"(?!)")


def _digits_above(n: int) -> bytes:
    """A regex for numbers of as many digits as `n` (no leading zero) that are above it."""
    digits = str(n).encode()
    above = []
    for i, d in enumerate(digits):
        if d < ord("9"):
            rest = len(digits) - i - 1
            above.append(digits[:i] + b"[%c-9]" % (d + 1) + rb"\d{%d}" % rest)
    return b"(?:" + b"|".join(above) + b")"


# A usual-form address (one to three letters, one to seven digits: anything longer is walked
# exactly) beyond column XFD or row 1,048,576.
_OUTSIDE_GRID = re.compile(
    rb'<c r="((?:[Xx](?:[Ff][E-Ze-z]|[G-Zg-z][A-Za-z])|[YZyz][A-Za-z]{2})\d+'
    rb"|[A-Za-z]{1,3}" + _digits_above(EXCEL_ROWS) + rb')"'
)


def _unusual_extent(pkg: Package, part: Part) -> Extent:
    """Walk a sheet written unusually (prefixes, address-less cells), if it is small enough."""
    if part.size > limits.MAX_UNUSUAL_SHEET_BYTES:
        pkg.verify(part)  # a bomb should be reported as one
        raise HostileFile(
            f"has a sheet part '{part.name}' of {human_size(part.size)} written in an unusual "
            f"form (cells without addresses or with prefixes) that xlsync checks only up to "
            f"{human_size(limits.MAX_UNUSUAL_SHEET_BYTES)}",
            pkg.path,
        )
    extent = _exact_xlsx_extent(pkg.chunks(part))
    if not extent.damage:
        # The careful walk places what it finds; only a parser tells a malformed tag (which
        # calamine would read past in silence, losing the cell's type or value) from an odd one.
        fault = xml_fault(pkg, part)
        if fault is not None:
            extent.note_damage(fault.reason, fault.cell)
    return extent


def _holds_value(piece: bytes, after_tag: int) -> bool:
    """Whether the cell whose start tag ends at `after_tag` has content calamine keeps.

    calamine drops valueless cells (`<c r="XFD9" s="1"/>`, styled blanks that some writers
    spread to the last row) before it sizes the grid, so they must not count here either.
    """
    if after_tag <= 0 or piece[after_tag - 2 : after_tag] == b"/>":
        return after_tag <= 0  # tag cut by the piece's end: count it, to be safe
    return not piece[after_tag : after_tag + 64].lstrip().startswith(b"</")


def _exact_xlsx_extent(chunks: Iterable[bytes]) -> Extent:
    """Replay calamine's placement of cells: explicit refs, else the running row and column."""
    extent = Extent()
    row_index = col_index = 0
    for piece in _tag_aligned(chunks):
        for m in _WALK.finditer(piece):
            run = m.group("run")
            if run is not None:
                col_index += run.count(b"/>")
                continue
            closing, name, attrs = m.group(2), m.group(3), m.group(4)
            empty = attrs.endswith(b"/")
            if name == b"row":
                if closing:
                    row_index, col_index = row_index + 1, 0
                    continue
                refs = _R_ATTR.findall(attrs)
                if refs:
                    parsed = _REF.fullmatch(refs[0][0] or refs[0][1])
                    if parsed:
                        if _outside_grid(parsed.group(1), parsed.group(2)):
                            extent.note_outside(parsed.group(0))
                            return extent
                        row_index = int(parsed.group(2)) - 1
                if empty:
                    row_index, col_index = row_index + 1, 0
            elif not closing:
                refs = _R_ATTR.findall(attrs)
                row, col = row_index, col_index
                if refs:
                    parsed = _REF.fullmatch(refs[-1][0] or refs[-1][1])
                    if parsed and parsed.group(1):
                        if _outside_grid(parsed.group(1), parsed.group(2)):
                            extent.note_outside(parsed.group(0))
                            return extent
                        row, col = int(parsed.group(2)) - 1, column_number(parsed.group(1)) - 1
                        col_index = col
                if row >= EXCEL_ROWS or col >= EXCEL_COLS:
                    extent.note_outside(_address(row + 1, col + 1))
                    return extent
                if not empty and _holds_value(piece, m.end()):
                    extent.add(row + 1, col + 1)
                col_index += 1
                if extent.cells > limits.MAX_SHEET_CELLS:
                    return extent
    return extent


def _outside_grid(letters: bytes, digits: bytes) -> bool:
    """Whether an address lies outside Excel's grid (its row 0 is left to calamine)."""
    digits = digits.lstrip(b"0") or b"0"
    if len(digits) > 7 or int(digits) > EXCEL_ROWS:
        return True
    return len(letters) > 3 or column_number(letters) > EXCEL_COLS


def _address(row: int, col: int) -> bytes:
    letters = b""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = bytes([65 + rem]) + letters
    return letters + str(row).encode()


def _tag_aligned(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut a byte stream so no piece splits a tag: cut before the last `<` of each chunk."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk if carry else chunk
        cut = data.rfind(b"<")
        if cut <= 0 and len(data) < 8 * MiB:
            carry = data
            continue
        if cut <= 0:
            cut = len(data)  # no tag at all in 8 MB of text: nothing to split
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


# ODS: calamine matches these names literally, prefix included.
_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_ODS_ROWS = re.compile(rb"\stable:number-rows-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_COLS = re.compile(rb"\stable:number-columns-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_VALUE = re.compile(rb"\s(?:office:value-type|table:formula)\s*=")
_ODS_MAX_ROWS, _ODS_MAX_COLS = EXCEL_ROWS, EXCEL_COLS


def ods_extents(chunks: Iterable[bytes]) -> list[Extent]:
    """The used range of every table in an ODS content.xml, repeats expanded as calamine does.

    Empty repeated rows and cells only count when a value follows them, as in calamine.
    """
    tables: list[Extent] = []
    extent = Extent()
    row = 0  # rows seen so far in this table, repeats expanded
    row_repeats = 1
    col = 0
    row_width = 0  # columns up to the last non-empty cell of this row
    for piece in _tag_aligned(chunks):
        for m in _ODS_TAG.finditer(piece):
            closing, name, attrs = m.group(1), m.group(2), m.group(3)
            empty = attrs.endswith(b"/")
            if name == b"table":
                if closing and extent.cells:
                    tables.append(extent)
                extent, row = Extent(), 0
                continue
            if name == b"table-row":
                if closing or empty:
                    if row_width:
                        extent.add(min(row + row_repeats, _ODS_MAX_ROWS), row_width)
                    row = min(row + row_repeats, _ODS_MAX_ROWS)
                if not closing:
                    found = _ODS_ROWS.search(attrs)
                    row_repeats = max(int(found.group(1)), 1) if found else 1
                    col = row_width = 0
                    if empty:
                        row_repeats = 1
                continue
            if closing:
                continue
            found = _ODS_COLS.search(attrs)
            repeats = max(int(found.group(1)), 1) if found else 1
            col = min(col + repeats, _ODS_MAX_COLS)
            # A cell with content or a value type may hold a value; an empty tag cannot.
            if not empty or _ODS_VALUE.search(attrs):
                row_width = col
    if extent.cells:
        tables.append(extent)
    return tables


# BIFF records whose first two fields are the row and column of a cell.
_BIFF_CELLS = frozenset(
    {
        0x0002,
        0x0003,
        0x0004,
        0x0005,
        0x0006,
        0x0203,
        0x0204,
        0x0205,
        0x0206,
        0x027E,
        0x00FD,
        0x00D6,
        0x0406,
    }
)
# BLANK and MULBLANK records are left out: calamine drops valueless cells.
_BIFF_MULTI = frozenset({0x00BD})  # MULRK: its last column is in the final 2 bytes
_BIFF_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
_BIFF_DIMENSIONS = 0x0200
_BIFF_EOF = 0x000A


def biff_extents(stream: bytes, path: Path) -> list[Extent]:
    """Every sheet's cell extent in a BIFF workbook stream, and its DIMENSIONS checked.

    calamine reserves a sheet's cells from the DIMENSIONS record before reading them, so a
    record claiming billions of cells aborts the process; check it first.
    """
    sheets: list[Extent] = []
    extent: Extent | None = None
    depth = 0  # substreams: the globals and each sheet at depth 1, embedded charts deeper
    pos, end = 0, len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        typ, size = unpack("<HH", stream, pos)
        data_at = pos + 4
        pos = data_at + size
        if pos > end:
            break
        if typ in _BIFF_BOF:
            depth += 1
            if depth == 1:
                extent = Extent()
        elif typ == _BIFF_EOF:
            if depth == 1 and extent is not None:
                sheets.append(extent)
                extent = None
            depth = max(depth - 1, 0)
        elif extent is None:
            continue
        elif typ in _BIFF_CELLS and size >= 4:
            r, c = unpack("<HH", stream, data_at)
            extent.add(r + 1, c + 1)
        elif typ in _BIFF_MULTI and size >= 6:
            r, c = unpack("<HH", stream, data_at)
            (last,) = unpack("<H", stream, pos - 2)
            extent.add(r + 1, max(c, last) + 1)
        elif typ == _BIFF_DIMENSIONS:
            check_extent(_dimensions(stream[data_at:pos]), "a sheet's size record", path)
    if extent is not None and extent.cells:
        sheets.append(extent)
    return sheets


def biff_encrypted(stream: bytes) -> bool:
    """Whether the workbook globals carry a FILEPASS record (the stream is encrypted)."""
    pos = 0
    while pos + 4 <= len(stream):
        typ, size = struct.unpack_from("<HH", stream, pos)
        if typ == 0x002F:
            return True
        if typ == _BIFF_EOF:
            return False
        pos += 4 + size
    return False


def _dimensions(data: bytes) -> Extent:
    """The cell count calamine reserves for a DIMENSIONS record (u32 arithmetic, wrapping)."""
    if len(data) == 14:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", data)
    else:
        return Extent()
    if cf > 0xFF or cl < cf:
        cf = 0
    if rl < 1 or cl < 1:
        return Extent(1, 1)
    rows = ((rl - 1) - rf + 1) & 0xFFFFFFFF
    cols = ((cl - 1) - cf + 1) & 0xFFFFFFFF
    return Extent(rows, cols)
