"""Cell ranges as Excel writes them ("A1:D10", "$A$1:$D$10", sqref lists) and how appended rows extend them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sync.cells import MAX_COLS, MAX_ROWS, column_index, column_letter

_AREA = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?(?::(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?)?$")


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle, 1-based and inclusive; whole columns and rows span Excel's limits."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __contains__(self, cell: tuple[int, int]) -> bool:
        r, c = cell
        return self.min_row <= r <= self.max_row and self.min_col <= c <= self.max_col

    def __str__(self) -> str:
        a = f"{column_letter(self.min_col)}{self.min_row}"
        b = f"{column_letter(self.max_col)}{self.max_row}"
        return a if a == b else f"{a}:{b}"


def parse_area(text: str) -> Area | None:
    """'B2:D10' -> Area; 'A:A' and '3:5' span the sheet; None if it is not a plain area."""
    m = _AREA.match(text.strip())
    if not m or (m.group(2) is None and m.group(4) is None):
        return None
    c1, r1 = m.group(2), m.group(4)
    if m.group(0).find(":") < 0:
        if c1 is None or r1 is None:
            return None
        c2, r2 = c1, r1
    else:
        c2, r2 = m.group(6), m.group(8)
        if (c1 is None) != (c2 is None) or (r1 is None) != (r2 is None):
            return None
    try:
        cols = (column_index(c1), column_index(c2)) if c1 and c2 else (1, MAX_COLS)
    except ValueError:
        return None
    rows = (int(r1), int(r2)) if r1 and r2 else (1, MAX_ROWS)
    return Area(min(rows), min(cols), max(rows), max(cols))


def grown(area_text: str, style_row: int, start_row: int, end_row: int) -> str | None:
    """The area text with its last row moved to `end_row`, if rows appended at `start_row` continue it.

    An area covers the table's rows when it covers the row whose formatting the new rows
    copy (the last record) and runs on to the row above the new block at least: it then
    grows to cover the new rows. One sized in advance beyond the table (a drop-down down to
    row 97) grows only if the new rows go further. Dollar signs and column letters are
    kept as written; None when the area is not extended.
    """
    area = parse_area(area_text)
    if (
        area is None
        or area.max_row < start_row - 1
        or area.max_row >= end_row
        or not area.min_row <= style_row <= area.max_row
    ):
        return None
    text = area_text.strip()
    head, sep, tail = text.partition(":")
    if not sep:
        m = re.match(r"^(\$?[A-Za-z]{1,3}\$?)(\d+)$", text)
        if not m:
            return None
        return f"{text}:{m.group(1)}{end_row}"
    m = re.match(r"^(\$?[A-Za-z]{0,3}\$?)(\d+)$", tail)
    if not m:
        return None
    return f"{head}:{m.group(1)}{end_row}"


def grow_sqref(sqref: str, style_row: int, start_row: int, end_row: int) -> str | None:
    """A space-separated list of areas with every continuing area extended; None if none is."""
    parts = sqref.split()
    changed = False
    out = []
    for part in parts:
        new = grown(part, style_row, start_row, end_row)
        changed |= new is not None
        out.append(new or part)
    return " ".join(out) if changed else None


# a sheet-qualified reference, as a defined name holds it: 'Register'!$A$1:$H$20 or Register!$5:$9
_QUALIFIED_REF = re.compile(
    r"((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)"
    r"(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?\d+:\$?\d+)"
)


def grow_reference(
    formula: str, sheet: str, style_row: int, start_row: int, end_row: int
) -> str | None:
    """A defined name's references ("'Register'!$A$1:$H$20", or a list of them as a print
    area holds) with each one on `sheet` extended like grown(); None if none is."""
    text = formula.strip()
    pieces: list[str] = []
    at = 0
    changed = False
    for m in _QUALIFIED_REF.finditer(text):
        if text[at : m.start()] != ("," if pieces else ""):
            return None  # not a plain list of references: a formula we leave alone
        name = m.group(1)[:-1]
        if name.startswith("'"):
            name = name[1:-1].replace("''", "'")
        here = name.casefold() == sheet.casefold()  # sheet names ignore case, as in Excel
        new = grown(m.group(2), style_row, start_row, end_row) if here else None
        changed |= new is not None
        pieces.append(text[at : m.start()] + m.group(1) + (new or m.group(2)))
        at = m.end()
    if at != len(text) or not changed:
        return None
    return "".join(pieces)
