"""The sheet scanner's fast paths find exactly what its careful twins find, on generated sheets."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.cells import column_letter
from sync.write.sheetscan import SheetError, SheetScan

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

CONTENTS = st.sampled_from(
    [
        "",  # self-closing
        "<v>1</v>",
        "<v></v>",
        '<is><t xml:space="preserve"> a &lt;b&gt; </t></is>',
        "<f>A1&gt;2</f><v>3</v>",
        '<f t="shared" ref="B2:B9" si="0">A2*2</f><v>4</v>',
        "<is><r><rPr><b/></rPr><t>rich</t></r></is>",
        # an end tag that begins as a cell's does (`</c`), inside the cell
        '<is><r><rPr><color rgb="FFFF0000"></color><condense val="0"></condense></rPr>'
        "<t>red</t></r></is>",
    ]
)
QUOTES = st.sampled_from(['"', "'"])
# what comes between an end tag's name and its '>': nothing, as Excel writes it, or the
# whitespace XML allows there (`</row >`, `</c\n>`)
END_SPACE = st.sampled_from(["", "", "", " ", "\n", "\r\n", "\t ", "  "])


@st.composite
def cell_xml(draw: Any, p: str, row: int, col: int, as_excel: bool = False) -> str:
    """A <c> as some writer might save it: address or none, attributes in any order; or
    `as_excel`, its address first, in double quotes (the form looked up by address)."""
    attrs = []
    if as_excel:
        attrs.append(f'r="{column_letter(col)}{row}"')
    elif draw(st.booleans()) or draw(st.booleans()):
        addressed_row = row if draw(st.integers(0, 9)) else draw(st.integers(1, 60))
        q = draw(QUOTES)
        attrs.append(f"r={q}{column_letter(col)}{addressed_row}{q}")
    if draw(st.booleans()):
        attrs.append(f's="{draw(st.integers(0, 12))}"')
    if draw(st.booleans()):
        attrs.append(f't="{draw(st.sampled_from(["s", "n", "inlineStr", "str", "b"]))}"')
    attrs = attrs if as_excel else draw(st.permutations(attrs))
    gap = " " if as_excel else draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    head = f"<{p}c" + "".join(gap + a for a in attrs)
    body = draw(CONTENTS).replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
    if not body:
        return head + draw(st.sampled_from(["/>", " />"]))
    body = re.sub(r"(</[\w:]+)>", lambda m: m.group(1) + draw(END_SPACE) + ">", body)
    return f"{head}>{body}</{p}c{draw(END_SPACE)}>"


@st.composite
def sheet_xml(draw: Any, as_excel: bool = False) -> str:
    """A sheet as some writer might save it; or `as_excel`, every row and cell numbered in
    order as Excel numbers them (the form looked up by number), its end tags still any."""
    p = draw(st.sampled_from(["", "x:"]))
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 8))):
        steps = [1, 2, 5] if as_excel else [1, 1, 1, 2, 5, 0]  # 0: a repeated number, an error
        number += draw(st.sampled_from(steps))
        attrs = []
        if as_excel:
            attrs.append(f'r="{number}"')
        elif draw(st.booleans()) or draw(st.booleans()):
            q = draw(QUOTES)
            attrs.append(f"r={q}{number}{q}")
        if draw(st.booleans()):
            attrs.append('spans="1:9"')
        if draw(st.booleans()):
            attrs.append('ht="30" customHeight="1"')
        attrs = attrs if as_excel else draw(st.permutations(attrs))
        head = f"<{p}row" + "".join(" " + a for a in attrs)
        cols = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        if not as_excel and draw(st.integers(0, 9)) == 0:
            cols.reverse()  # cells out of order: an error either way
        cells = [draw(cell_xml(p, max(number, 1), c, as_excel)) for c in cols]
        if not cells and draw(st.booleans()):
            rows.append(head + "/>")
        else:
            gap = draw(st.sampled_from(["", "\n  "]))
            rows.append(f"{head}>{gap.join(cells)}</{p}row{draw(END_SPACE)}>")
    xmlns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    data = "".join(rows)
    return f"<{p}worksheet {xmlns}><{p}sheetData>{data}</{p}sheetData></{p}worksheet>"


def _outcome(scan: Any) -> Any:
    try:
        return scan()
    except SheetError:
        return SheetError


@settings(max_examples=120, deadline=None)
@given(sheet_xml())
def test_the_fast_row_scan_finds_what_the_careful_one_finds(text: str) -> None:
    fast = _outcome(SheetScan.load(text)._scan_rows_fast)
    careful = _outcome(SheetScan.load(text)._scan_rows)
    if fast is not None:  # None: the fast scan hands the sheet to the careful one
        assert fast == careful


@settings(max_examples=120, deadline=None)
@given(sheet_xml())
def test_the_fast_cell_scan_finds_what_the_careful_one_finds(text: str) -> None:
    doc = SheetScan.load(text)
    rows = _outcome(doc._scan_rows)
    if rows is SheetError:
        return
    for row in rows:
        fast = _outcome(lambda row=row: doc._scan_cells_fast(row))
        careful = _outcome(lambda row=row: doc._scan_cells(row))
        if fast is not None:
            assert fast == careful, row


@settings(max_examples=120, deadline=None)
@given(st.one_of(sheet_xml(), sheet_xml(as_excel=True)))
def test_a_row_and_a_cell_found_by_address_are_the_ones_the_index_holds(text: str) -> None:
    index = SheetScan.load(text)
    rows = _outcome(index.rows)
    if rows is SheetError:
        return
    for row in rows:
        # looked up alone, as a merge writing a few cells of a large sheet looks them up
        assert SheetScan.load(text).row(row.r) == row
        cells = _outcome(lambda row=row: index.cells(row))
        if cells is SheetError:
            continue
        for cell in cells:
            assert SheetScan.load(text).cell(row.r, cell.col) == cell, (row, cell)
