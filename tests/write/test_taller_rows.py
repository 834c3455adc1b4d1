"""A row made taller for a longer note keeps every other cell, attribute and byte it had."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from sync.cells import column_letter
from sync.write.heights import text_height
from sync.write.patch import patch
from sync.write.sheetxml import CellWrite, Content, SheetDoc

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NOTE = (
    "6 March 2007\nThe Information Officer is now in post and has met every partner; "
    "a joint publicity plan goes to the Partnership Board in April for approval."
)


def _register(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Ref", "Progress", "Owner", "Length", "Updated"])
    for n in range(1, 5):
        ws.append([f"{n}.", "Started.", "Jo Bloggs", f"=LEN(B{n + 1})", date(2007, 3, n)])
    ws.column_dimensions["B"].width = 30
    green = PatternFill("solid", fgColor="E2EFDA")
    for r in range(2, 6):
        ws.row_dimensions[r].height = 15
        ws[f"B{r}"].alignment = Alignment(wrap_text=True, vertical="top")
        ws[f"B{r}"].font = Font(name="Arial", size=10)
        ws[f"A{r}"].fill = green
        ws[f"E{r}"].number_format = "dd/mm/yyyy"
    ws.row_dimensions[3].outline_level = 1  # an officer's grouping on the row that grows
    wb.save(path)
    return path


def _cells(path: Path) -> dict[str, tuple[Any, ...]]:
    ws = load_workbook(path)["Register"]
    return {
        c.coordinate: (
            c.value,
            c.number_format,
            c.fill.fgColor.rgb,
            c.font.name,
            c.font.sz,
            c.alignment.wrap_text,
        )
        for row in ws.iter_rows()
        for c in row
    }


def _rows(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    return xml.split(b"<row ")[1:]


def test_a_row_that_grows_and_changes_keeps_every_other_cell_and_attribute(
    tmp_path: Path,
) -> None:
    src = _register(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    patch(src, out, {"Register!B3": NOTE, "Register!C3": "Sam Patel"})

    before, after = _cells(src), _cells(out)
    assert after.keys() == before.keys()
    for address, was in before.items():
        if address == "B3":
            assert after[address] == (NOTE, *was[1:])
        elif address == "C3":
            assert after[address] == ("Sam Patel", *was[1:])
        else:
            assert after[address] == was, address
    ws = load_workbook(out)["Register"]
    assert ws.row_dimensions[3].height == text_height(NOTE, 30, 10) > 15
    assert ws.row_dimensions[3].outline_level == 1
    assert [ws.row_dimensions[r].height for r in (2, 4, 5)] == [15, 15, 15]
    # in the sheet's XML only the row's start tag and its two written cells differ
    old_rows, new_rows = _rows(src), _rows(out)
    assert [new_rows[i] for i in (0, 1, 3, 4)] == [old_rows[i] for i in (0, 1, 3, 4)]
    old_cells, new_cells = old_rows[2].split(b"<c "), new_rows[2].split(b"<c ")
    assert len(new_cells) == len(old_cells) == 6  # the start tag and five cells
    assert new_cells[0] != old_cells[0] and b'outlineLevel="1"' in new_cells[0]
    assert [new_cells[i] for i in (1, 4, 5)] == [old_cells[i] for i in (1, 4, 5)]
    assert new_cells[2] != old_cells[2] and new_cells[3] != old_cells[3]


# -- the row's start tag replaced in place, against the row rebuilt cell by cell ----------------

CONTENTS = st.sampled_from(
    ["", "<v>1</v>", '<is><t xml:space="preserve"> a &lt;b&gt; </t></is>', "<f>A1*2</f><v>3</v>"]
)


@st.composite
def _row(draw: Any, p: str, r: int) -> str:
    """A <row> as Excel writes it (numbered, each cell addressed first), its cells in order."""
    attrs = [f'r="{r}"']
    attrs += draw(st.lists(st.sampled_from(['spans="1:9"', 's="3" customFormat="1"']), unique=True))
    if draw(st.booleans()):
        attrs.append('ht="30" customHeight="1"')
    cells = []
    for c in sorted(draw(st.sets(st.integers(1, 12), max_size=5))):
        style = f' s="{draw(st.integers(1, 5))}"' if draw(st.booleans()) else ""
        body = draw(CONTENTS).replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
        head = f'<{p}c r="{column_letter(c)}{r}"{style}'
        cells.append(f"{head}>{body}</{p}c>" if body else f"{head}/>")
    head = f"<{p}row " + " ".join(attrs)
    if not cells and draw(st.booleans()):
        return head + "/>"
    return head + ">" + "".join(cells) + f"</{p}row>"


@st.composite
def _planned(draw: Any) -> tuple[str, int, str, dict[int, CellWrite]]:
    """A sheet, one of its rows, the row's new attributes and writes to some of its cells."""
    p = draw(st.sampled_from(["", "x:"]))
    count = draw(st.integers(1, 4))
    rows = [draw(_row(p, r)) for r in range(1, count + 1)]
    xmlns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    text = f"<{p}worksheet {xmlns}><{p}sheetData>{''.join(rows)}</{p}sheetData></{p}worksheet>"
    r = draw(st.integers(1, count))
    doc = SheetDoc.load(text)
    row = doc.row(r)
    assert row is not None
    present = [cell.col for cell in doc.cells(row)]
    cols = draw(st.sets(st.sampled_from(present), max_size=3)) if present else set()
    writes = {
        c: CellWrite(
            draw(st.sampled_from([None, Content("n", "7"), Content("inline", "new <note>")])),
            draw(st.sampled_from([None, 0, 4])),
        )
        for c in cols
    }
    raw = f' ht="{draw(st.sampled_from(["45", "61.5"]))}"' + draw(
        st.sampled_from(["", ' s="3" customFormat="1"', ' spans="1:9" outlineLevel="1"'])
    )
    return text, r, raw, writes


@settings(max_examples=150, deadline=None)
@given(_planned())
def test_a_row_given_new_attributes_in_place_reads_as_the_row_rebuilt(
    planned: tuple[str, int, str, dict[int, CellWrite]],
) -> None:
    text, r, raw, writes = planned

    def planned_doc() -> SheetDoc:
        doc = SheetDoc.load(text)
        doc.set_row_attrs(r, raw)
        for c, change in writes.items():
            doc.write(r, c, change)
        return doc

    rendered = planned_doc().render()
    careful = planned_doc()
    row = careful.row(r)
    assert row is not None
    rebuilt = text[: row.start] + careful._rebuild_row(row, True) + text[row.end :]
    assert rendered == rebuilt
