"""Reader and writer place rows and cells alike: a write changes the cell the reader shows there, or is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.cells import column_letter
from sync.errors import WriteRefused
from sync.write.patch import patch

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _package(sheet_data: str) -> bytes:
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{CT}"><Default Extension="rels" '
        f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}'
        "</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


@st.composite
def sheets(draw: Any) -> str:
    """Rows and cells with and without addresses; in a row without a number, a cell's
    address now and then names another row."""
    rows, number, value = [], 0, 0
    for _ in range(draw(st.integers(1, 6))):
        number += draw(st.sampled_from([1, 1, 2, 3]))
        numbered = draw(st.booleans())
        head = f'<row r="{number}">' if numbered else "<row>"
        cells = []
        for col in sorted(draw(st.sets(st.integers(1, 5), min_size=1, max_size=4))):
            value += 1
            if draw(st.booleans()):
                # (a numbered row holding a cell addressed to another row is damage the
                # writer notices only in the rows it writes: not generated here)
                stray = not numbered and not draw(st.integers(0, 3))
                at = number + draw(st.integers(-1, 2)) if stray else number
                cells.append(f'<c r="{column_letter(col)}{max(at, 1)}"><v>{value}</v></c>')
            else:
                cells.append(f"<c><v>{value}</v></c>")
        rows.append(head + "".join(cells) + "</row>")
    return "".join(rows)


def _grid(path: Path) -> dict[tuple[int, int], object]:
    import python_calamine

    rows = (
        python_calamine.CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("S")
        .to_python(skip_empty_area=False)
    )
    return {
        (r, c): v
        for r, row in enumerate(rows, start=1)
        for c, v in enumerate(row, start=1)
        if v != ""
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheet=sheets(), row=st.integers(1, 12), col=st.integers(1, 6))
def test_a_write_lands_where_the_reader_looks(
    tmp_path: Path, sheet: str, row: int, col: int
) -> None:
    source, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    source.write_bytes(_package(sheet))
    before = _grid(source)
    try:
        patch(source, out, {f"S!{column_letter(col)}{row}": "written"})
    except WriteRefused:
        return  # a sheet the two would read apart is refused, never written wrong
    after = _grid(out)
    assert after == {**before, (row, col): "written"}
