"""The quick strategies of the sheet-size guard agree with its careful twin, the cell-by-cell
walk, and the walk with calamine, on generated sheets written as real .xlsx files."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
import python_calamine as calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import limits
from sync.read import extents, guards
from sync.read.extents import Extent

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders beside this file
import hostile as h  # noqa: E402

# Rows and columns where the strategies change: the near box (rows under 100,000, columns
# A-Z), two significant figures of a bound, the size limit, and Excel's last row and column.
ROWS = st.one_of(
    st.integers(1, 40),
    st.sampled_from([99_999, 100_000, 109_454, 191_000, 199_999, 200_000, 1_048_576]),
    st.integers(1, 1_048_576),
)
COLS = st.one_of(
    st.integers(1, 30), st.sampled_from([26, 27, 702, 703, 16_384]), st.integers(1, 16_384)
)
# How a cell is written: the usual forms first, then forms only the careful walk places.
USUAL = [
    '<c r="{a}" s="1"><v>1</v></c>',
    '<c r="{a}" t="inlineStr"><is><t>x</t></is></c>',
    '<c r="{a}" s="1"/>',  # styled blanks: calamine drops them
    '<c r="{a}" s="1" />',
    '<c r="{a}"></c>',
]
UNUSUAL = [
    '<c s="1" r="{a}"><v>2</v></c>',
    "<c r='{a}'><v>3</v></c>",
    '<c  r="{a}" ><v>4</v></c>',
    '<c r="{lower}"><v>5</v></c>',
    '<c r="{zero}"><v>6</v></c>',
    "<c><v>7</v></c>",  # no address: the column after the last
]
# Cells outside Excel's grid, which every strategy must notice.
OUTSIDE = ["XFE{r}", "ZZZ{r}", "A1048577", "B9999999"]

Cell = tuple[int, int, str]  # row, column, form


def _cells(unusual: bool, outside: bool) -> st.SearchStrategy[list[Cell]]:
    forms = USUAL + UNUSUAL if unusual else USUAL
    cell = st.tuples(ROWS, COLS, st.sampled_from(forms))
    if outside:
        stray = st.tuples(st.integers(1, 50), st.just(0), st.sampled_from(OUTSIDE))
        cell = st.one_of(cell, stray)
    return st.lists(cell, min_size=1, max_size=60)


def sheet_body(cells: list[Cell]) -> bytes:
    """Rows in order, each cell written in its form (outside cells as their own address)."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for row, col, form in cells:
        by_row.setdefault(row, []).append((col, form))
    out = []
    for row in sorted(by_row):
        tags = []
        for col, form in sorted(by_row[row]):
            if col == 0:  # an address outside the grid
                tags.append(f'<c r="{form.format(r=row)}"><v>8</v></c>')
                continue
            a = f"{h.column_letters(col)}{row}"
            tags.append(form.format(a=a, lower=a.lower(), zero=f"{h.column_letters(col)}0{row}"))
        out.append(f'<row r="{row}">{"".join(tags)}</row>')
    return "".join(out).encode()


def verdict(extent: Extent) -> str:
    """What check_extent makes of an extent: the damage and its cell, too big, or fine."""
    if extent.damage:
        return f"{extent.damage} at {extent.damage_cell}"
    return "too big" if extent.cells > limits.MAX_SHEET_CELLS else "fine"


def measure(body: bytes) -> tuple[Extent, Extent, Extent, Path]:
    """The guard's extent, with and without quick bounds, and the careful walk's, of a real
    workbook holding `body`, read in small pieces so that one sheet spans many."""
    path = Path(tempfile.mkdtemp()) / "generated.xlsx"
    h.write_zip(path, h.xlsx_parts({"S": h.sheet_xml(body)}))
    pkg = guards.Package(path.read_bytes(), path)
    part = pkg.parts["xl/worksheets/sheet1.xml"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(guards, "_OUT_CHUNK", 512)
        quick = extents.xlsx_sheet_extent(pkg, part)
        exact = extents.xlsx_sheet_extent(pkg, part, exact=True)
        careful = extents._exact_xlsx_extent(pkg.chunks(part))
    return quick, exact, careful, path


def calamine_extent(path: Path) -> tuple[int, int]:
    sheet = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    start = sheet.start or (0, 0)
    if not sheet.height:
        return 0, 0
    return start[0] + sheet.height, start[1] + sheet.width


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), unusual=st.booleans(), outside=st.booleans())
def test_quick_strategies_agree_with_the_careful_walk(
    data: st.DataObject, unusual: bool, outside: bool
) -> None:
    cells = data.draw(_cells(unusual, outside))
    quick, exact, careful, path = measure(sheet_body(cells))
    # The same sheets are refused, for the same reason and cell.
    assert verdict(quick) == verdict(careful)
    assert verdict(exact) == verdict(careful)
    if verdict(careful) != "fine":
        return
    # A quick answer is a bound: never below the cells calamine will place.
    for bound in (quick, exact):
        assert bound.rows >= careful.rows and bound.cols >= careful.cols
    # The careful walk places value cells where calamine does.
    if careful.cells <= 200_000:
        assert calamine_extent(path) == (careful.rows, careful.cols)
