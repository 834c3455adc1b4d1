"""A row looked up by its number is the row the full index of the sheet holds, on generated
sheets: numbered as Excel numbers them, partly unnumbered, or with comments among the rows."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.write.sheetscan import RowSpan, SheetError, SheetScan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@st.composite
def sheets(draw: Any) -> str:
    p = draw(st.sampled_from(["", "x:"]))
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 8))):
        number += draw(st.sampled_from([1, 1, 2, 4]))
        numbered = draw(st.integers(0, 5)) > 0
        head = f'<{p}row r="{number}"' if numbered else f"<{p}row"
        head += draw(st.sampled_from(["", ' spans="1:3"', ' ht="30" customHeight="1"']))
        cells = "".join(
            f'<{p}c r="{col}{number}"><{p}v>{number}</{p}v></{p}c>'
            for col in draw(st.lists(st.sampled_from("ABC"), unique=True, max_size=3))
        )
        rows.append(f"{head}>{cells}</{p}row>" if cells or draw(st.booleans()) else f"{head}/>")
        if draw(st.integers(0, 9)) == 0:
            rows.append("<!-- an editor's note -->")
    xmlns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    return f"<{p}worksheet {xmlns}><{p}sheetData>{''.join(rows)}</{p}sheetData></{p}worksheet>"


def _indexed(text: str, r: int) -> RowSpan | None | type[SheetError]:
    try:
        return next((row for row in SheetScan.load(text).rows() if row.r == r), None)
    except SheetError:
        return SheetError


def _looked_up(text: str, r: int) -> RowSpan | None | type[SheetError]:
    try:
        return SheetScan.load(text).row(r)
    except SheetError:
        return SheetError


@settings(max_examples=200, deadline=None)
@given(sheets())
def test_a_row_found_by_its_number_is_the_row_the_index_holds(text: str) -> None:
    for r in range(1, 40):
        assert _looked_up(text, r) == _indexed(text, r), r
