"""The sheet scanner's fast paths find exactly what its careful twins find, on generated sheets."""

from __future__ import annotations

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
    ]
)
QUOTES = st.sampled_from(['"', "'"])


@st.composite
def cell_xml(draw: Any, p: str, row: int, col: int) -> str:
    """A <c> as some writer might save it: address or none, attributes in any order."""
    attrs = []
    if draw(st.booleans()) or draw(st.booleans()):
        addressed_row = row if draw(st.integers(0, 9)) else draw(st.integers(1, 60))
        q = draw(QUOTES)
        attrs.append(f"r={q}{column_letter(col)}{addressed_row}{q}")
    if draw(st.booleans()):
        attrs.append(f's="{draw(st.integers(0, 12))}"')
    if draw(st.booleans()):
        attrs.append(f't="{draw(st.sampled_from(["s", "n", "inlineStr", "str", "b"]))}"')
    attrs = draw(st.permutations(attrs))
    gap = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    head = f"<{p}c" + "".join(gap + a for a in attrs)
    body = draw(CONTENTS).replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
    if not body:
        return head + draw(st.sampled_from(["/>", " />"]))
    return f"{head}>{body}</{p}c>"


@st.composite
def sheet_xml(draw: Any) -> str:
    p = draw(st.sampled_from(["", "x:"]))
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 8))):
        number += draw(st.sampled_from([1, 1, 1, 2, 5, 0]))  # 0: a repeated number, an error
        attrs = []
        if draw(st.booleans()) or draw(st.booleans()):
            q = draw(QUOTES)
            attrs.append(f"r={q}{number}{q}")
        if draw(st.booleans()):
            attrs.append('spans="1:9"')
        if draw(st.booleans()):
            attrs.append('ht="30" customHeight="1"')
        attrs = draw(st.permutations(attrs))
        head = f"<{p}row" + "".join(" " + a for a in attrs)
        cols = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        if draw(st.integers(0, 9)) == 0:
            cols.reverse()  # cells out of order: an error either way
        cells = [draw(cell_xml(p, max(number, 1), c)) for c in cols]
        if not cells and draw(st.booleans()):
            rows.append(head + "/>")
        else:
            rows.append(head + ">" + draw(st.sampled_from(["", "\n  "])).join(cells) + f"</{p}row>")
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
