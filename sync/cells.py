"""Cell addresses: CellRef(sheet, row, col) and its A1 text ("Sheet!B7")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


@lru_cache(maxsize=4096)
def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    if not 1 <= col <= MAX_COLS:
        raise ValueError(f"column {col} is outside Excel's 1..{MAX_COLS}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    col = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"{letters!r} is not a column")
        col = col * 26 + ord(ch) - 64
    if not 1 <= col <= MAX_COLS:
        raise ValueError(f"column {letters} is outside Excel's A..XFD")
    return col


def a1(row: int, col: int) -> str:
    """(7, 2) -> "B7"."""
    return f"{column_letter(col)}{row}"


def parse_a1(text: str) -> tuple[int, int]:
    """ "B7" -> (7, 2)."""
    m = _A1.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a cell address")
    row = int(m.group(2))
    if not 1 <= row <= MAX_ROWS:
        raise ValueError(f"row {row} is outside Excel's 1..{MAX_ROWS}")
    return row, column_index(m.group(1))


@dataclass(frozen=True, slots=True, order=True)
class CellRef:
    """One cell of one sheet, 1-based."""

    sheet: str
    row: int
    col: int

    @property
    def address(self) -> str:
        return a1(self.row, self.col)

    def __str__(self) -> str:
        return f"{quote_sheet(self.sheet)}!{self.address}"

    @classmethod
    def parse(cls, text: str) -> CellRef:
        """Read "Sheet!B7" or "'My sheet'!B7"."""
        sheet, sep, addr = text.rpartition("!")
        if not sep or not sheet:
            raise ValueError(f"{text!r} needs a sheet name, as in Sheet1!B7")
        if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
            sheet = sheet[1:-1].replace("''", "'")
        row, col = parse_a1(addr)
        return cls(sheet, row, col)


@lru_cache(maxsize=256)
def quote_sheet(name: str) -> str:
    """Quote a sheet name the way Excel does when it holds anything but letters and digits."""
    if _PLAIN_SHEET.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"
