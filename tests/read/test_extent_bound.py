"""The sheet-size guard bounds large sheets with a few searches: never below the cells
calamine will place, and exact whenever it refuses."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from sync.errors import HostileFile
from sync.read import extents
from sync.read.open import open_book

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders beside this file
import hostile as h  # noqa: E402


def exact_cells(piece: bytes) -> tuple[int, int] | None:
    refs = extents._VALUE_CELL.findall(piece)
    if not refs:
        return None
    return max(int(d) for _, d in refs), max(extents.column_number(c) for c, _ in refs)


def cell_xml(ref: str, kind: int) -> str:
    return [
        f'<c r="{ref}" s="1"><v>1</v></c>',
        f'<c r="{ref}" t="s"><v>3</v></c>',
        f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
        f'<c r="{ref}" s="1"/>',  # styled blanks: calamine drops them
        f'<c r="{ref}" s="1" />',
        f'<c r="{ref}"></c>',
    ][kind]


def test_a_bound_is_never_below_the_value_cells_and_a_tenth_above_at_most() -> None:
    rnd = random.Random(8)
    bounded = 0
    for _ in range(4000):
        base = rnd.choice([1, 99, 99_990, 100_000, 299_990, 999_990, 1_048_570])
        cells = []
        for _ in range(rnd.randint(1, 40)):
            row = rnd.randint(1, 1_048_576) if rnd.random() < 0.05 else base + rnd.randint(0, 15)
            letter = rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: rnd.randint(1, 26)])
            letter = letter.lower() if rnd.random() < 0.03 else letter
            digits = ("0" if rnd.random() < 0.02 else "") + str(row)
            cells.append(cell_xml(f"{letter}{digits}", rnd.choice([0, 0, 1, 2, 3, 4, 5])))
        if rnd.random() < 0.5:
            rnd.shuffle(cells)
        # cells early in a piece lie outside the tail read for its last value cells
        cut = rnd.randint(0, len(cells))
        gap = " " * rnd.choice([0, 70_000])
        piece = ("".join(cells[:cut]) + gap + "".join(cells[cut:])).encode()
        if extents._UNUSUAL_OR_WIDE_CELL.search(piece):
            continue  # a piece with a cell beyond Z is measured exactly, never bounded
        bound, exact = extents._value_bound(piece), exact_cells(piece)
        if bound is None:
            continue
        bounded += 1
        assert exact is not None
        assert bound[1] == exact[1]
        assert exact[0] <= bound[0] <= exact[0] * 1.1 + 1
    assert bounded > 1000  # the quick way answers for most pieces


def far_sheet(tmp_path: Path, rows: range, last_col: str, first: str = "", last: str = "") -> Path:
    """A sparse sheet of `rows` (from row 100,000 on, so beyond the near box) filled in
    columns A and `last_col`, with `first` and `last` written before and after them."""
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="{last_col}{r}"><v>1</v></c></row>'
        for r in rows
    )
    xml = h.sheet_xml((first + body + last).encode())
    return h.write_zip(tmp_path / "far.xlsx", h.xlsx_parts({"T": xml}))


def read_or_refuse(path: Path) -> int | str:
    """The last row read from sheet T, or the line refusing it."""
    try:
        return open_book(path).sheet("T").last_row
    except HostileFile as exc:
        return exc.line()


# 191,000 rows by 26 columns is 4,966,000 cells, under the limit of 5,000,000, though the
# bound, 199,999 rows, would pass it. A stray cell written before 2,000 rows is seen only by
# the search, not by the look at the piece's end.
NEAR_LIMIT = range(100_000, 100_300)
LONG = range(100_000, 102_000)
UNDER = '<row r="191000"><c r="Z191000"><v>1</v></c></row>'
OVER = '<row r="195000"><c r="Z195000"><v>1</v></c></row>'
STYLED = '<row r="1048576"><c r="Z1048576" s="1"/></row>'
STRAY = '<row r="1048576"><c r="Z1048576"><v>9</v></c></row>'


@pytest.mark.parametrize(
    ("rows", "col", "first", "last", "outcome"),
    [
        (NEAR_LIMIT, "B", "", UNDER, 191_000),
        (NEAR_LIMIT, "B", "", OVER, "spans 195,000 rows by 26 columns (5,070,000 cells"),
        (LONG, "Z", STYLED, "", 101_999),
        (LONG, "Z", STRAY, "", "spans 1,048,576 rows by 26 columns"),
    ],
    ids=["bound-over-exact-under", "exact-over", "styled-blank-below", "stray-value-below"],
)
def test_large_sheets_are_read_or_refused_by_their_exact_extent(
    tmp_path: Path, rows: range, col: str, first: str, last: str, outcome: int | str
) -> None:
    got = read_or_refuse(far_sheet(tmp_path, rows, col, first, last))
    if isinstance(outcome, int):
        assert got == outcome
    else:
        assert outcome in str(got)
