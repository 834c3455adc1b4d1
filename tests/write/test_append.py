"""New records below a table take the row above's formatting and extend what runs down to them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from builders import replace_text
from xlfixtures import changed_cells, load, part, register_workbook

from sync.cells import CellRef
from sync.errors import WriteRefused
from sync.write.patch import AppendRows, Edits, patch_workbook

SHEET = "xl/worksheets/sheet1.xml"
NEW = [
    {
        1: "8",
        2: "Consult partners on the action plan",
        3: "Chorley",
        4: "Not started",
        5: dt.date(2007, 4, 1),
        6: 20,
    },
    {1: "9", 2: "=report to committee", 4: "Ongoing"},
]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return register_workbook(tmp_path / "master.xlsx")


def append(
    src: Path,
    out: Path,
    sheet: str = "Register",
    start: int = 7,
    style: int = 6,
    rows: list[dict[int, object]] | None = None,
) -> None:
    patch_workbook(src, out, Edits(append=[AppendRows(sheet, start, style, rows or NEW)]))


def test_new_rows_hold_their_values_and_copy_the_style_row(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    append(register, out)
    ws = load(out)["Register"]
    assert [c.value for c in ws[7]][:6] == [
        "8",
        "Consult partners on the action plan",
        "Chorley",
        "Not started",
        dt.datetime(2007, 4, 1),
        20,
    ]
    assert ws["B8"].value == "=report to committee" and ws["B8"].data_type == "s"
    for col in "ABCDEFH":
        above = ws[f"{col}6"]
        for row in (7, 8):
            cell = ws[f"{col}{row}"]
            assert repr(cell.border) == repr(above.border), cell
            assert repr(cell.alignment) == repr(above.alignment), cell
            assert cell.number_format == above.number_format, cell
    assert ws["E7"].number_format == "dd/mm/yyyy"
    assert changed_cells(register, out) == {
        "Register": {(r, c) for r in (7, 8) for c in (1, 2, 3, 4, 5, 6, 8)}
    }


def test_autofilter_drop_downs_and_conditional_formats_grow(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    append(register, out)
    xml = part(out, SHEET).decode()
    assert '<autoFilter ref="A1:H8"/>' in xml
    assert 'sqref="C2:C8"' in xml  # the drop-down of leads
    assert "<xm:sqref>D2:D8</xm:sqref>" in xml  # the x14 drop-down fed from another sheet
    assert '<conditionalFormatting sqref="F2:F8">' in xml and "<xm:sqref>F2:F8</xm:sqref>" in xml
    assert "<xm:sqref>G2</xm:sqref>" in xml  # a sparkline's place is not a range to grow
    assert '<dimension ref="A1:H8"/>' in xml
    ws = load(out)["Register"]
    assert ws.auto_filter.ref == "A1:H8"
    assert any("C8" in dv.sqref for dv in ws.data_validations.dataValidation)


def test_a_table_and_its_filter_grow(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    append(
        register, out, sheet="Actions", start=5, style=4, rows=[{1: "4", 2: "Review", 3: "Ongoing"}]
    )
    table = part(out, "xl/tables/table1.xml").decode()
    assert 'ref="A1:C5"' in table and '<autoFilter ref="A1:C5"/>' in table
    xml = part(out, "xl/worksheets/sheet3.xml").decode()
    assert 'sqref="C2:C5"' in xml
    ws = load(out)["Actions"]
    assert ws.tables["Actions"].ref == "A1:C5"
    assert [c.value for c in ws[5]] == ["4", "Review", "Ongoing"]


def test_the_filter_database_name_grows_with_the_filter(tmp_path: Path) -> None:
    import openpyxl

    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for row in (["Ref", "Status"], ["1", "Ongoing"], ["2", "Done"]):
        ws.append(row)
    ws.auto_filter.ref = "A1:B3"
    ws.print_area = "A1:B3"
    wb.save(src)
    text = zipfile.ZipFile(src).read("xl/workbook.xml").decode()
    names = (
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        "Register!$A$1:$B$3</definedName>"
    )
    _replace_part(src, "xl/workbook.xml", text.replace("<definedNames>", names))
    patch_workbook(src, out, Edits(append=[AppendRows("Register", 4, 3, [{1: "3", 2: "New"}])]))
    book = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert "Register!$A$1:$B$4</definedName>" in book
    # the print area takes the new row too
    assert re.search(r'"_xlnm.Print_Area" localSheetId="0">\'Register\'!\$A\$1:\$B\$4<', book)


def _replace_part(path: Path, name: str, text: str) -> None:
    entries = [(i, zipfile.ZipFile(path).read(i)) for i in zipfile.ZipFile(path).infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, text.encode() if info.filename == name else data)


def test_rows_that_already_hold_values_are_refused(register: Path, tmp_path: Path) -> None:
    with pytest.raises(WriteRefused, match=r"Register!A6.*already holds a value"):
        append(register, tmp_path / "out.xlsx", start=6, style=5)
    assert not (tmp_path / "out.xlsx").exists()


def test_formatted_empty_rows_are_filled_in(tmp_path: Path) -> None:
    from builders import Sheet, build

    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    spec = Sheet(
        header=["Ref", "Recommendation", "Status"],
        rows=[["1", "Promote", "Ongoing"]],
        trailing_formatted_rows=2,
    )
    build(src, spec)
    r = spec.row_of(1)
    patch_workbook(
        src, out, Edits(append=[AppendRows("Register", r, r - 1, [{1: "2", 3: "Done"}])])
    )
    ws = load(out)["Register"]
    assert [c.value for c in ws[r]] == ["2", None, "Done"]
    assert ws.cell(r + 1, 1).fill.fgColor.rgb == "00FFF2CC"  # the next formatted row is untouched


def test_a_table_with_a_totals_row_is_not_grown_past_it(tmp_path: Path) -> None:
    import xlsxwriter

    src = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("T")
    ws.add_table(
        0,
        0,
        3,
        1,
        {
            "total_row": True,
            "columns": [{"header": "A"}, {"header": "B", "total_function": "sum"}],
            "data": [[1, 2], [3, 4]],
        },
    )
    wb.close()
    with pytest.raises(WriteRefused, match="totals row"):
        patch_workbook(src, tmp_path / "b.xlsx", Edits(append=[AppendRows("T", 5, 4, [{1: 5}])]))


def test_cells_in_new_rows_are_reported(register: Path, tmp_path: Path) -> None:
    result = patch_workbook(
        register, tmp_path / "o.xlsx", Edits(append=[AppendRows("Register", 7, 6, NEW)])
    )
    assert result.rows_appended == 2
    assert CellRef("Register", 8, 2) in result.cells_written
    xml = part(tmp_path / "o.xlsx", SHEET).decode()
    row = re.search(r'<row r="7"[^>]*>', xml).group(0)
    assert row.startswith('<row r="7" spans="1:8"')  # the style row's attributes, its number first


def test_ranges_sized_beyond_the_table_grow_when_new_rows_go_further(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    sized = tmp_path / "sized.xlsx"
    # a drop-down and a colour rule sized in advance down to row 9, the table ending at 6
    replace_text(Path(shutil.copy(register, sized)), 'sqref="C2:C6"', 'sqref="C2:C9"')
    replace_text(sized, 'sqref="F2:F6"', 'sqref="F2:F9"')
    rows = [{1: str(n), 4: "Ongoing"} for n in range(10, 16)]  # rows 7-12
    append(sized, out, rows=rows)
    ws = load(out)["Register"]
    assert any(str(dv.sqref) == "C2:C12" for dv in ws.data_validations.dataValidation)
    assert "F2:F12" in {str(cf.sqref) for cf in ws.conditional_formatting}
    # one already reaching past the new rows is left as it was
    append(sized, out, rows=rows[:2])
    ws = load(out)["Register"]
    assert any(str(dv.sqref) == "C2:C9" for dv in ws.data_validations.dataValidation)


def test_a_merge_grows_every_range_over_the_register(tmp_path: Path, workbooks: Path) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    from sync import merge_files

    master = tmp_path / "master.xlsx"
    wb = load(workbooks / "master.xlsx")
    ws = wb["Register"]
    last = ws.max_row
    ws.auto_filter.ref = f"A4:J{last}"
    wb.defined_names["Register_rows"] = DefinedName(
        "Register_rows", attr_text=f"Register!$A$5:$J${last}"
    )
    wb.save(master)
    # the drop-downs and the RAG colours end exactly at the last record, as often drawn
    replace_text(master, "G5:G97", f"G5:G{last}")
    replace_text(master, "H5:H97", f"H5:H{last}")
    result = merge_files(
        master, [workbooks / "returns" / "Chorley.xlsx"], today=dt.date(2007, 3, 20)
    )
    assert len(result.plan.added) == 1
    new = last + 1
    wb = load(master)
    ws = wb["Register"]
    assert ws.cell(new, 2).value == result.plan.added[0].ref
    drop_downs = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert drop_downs == {f"G5:G{new}", f"H5:H{new}"}
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {f"H5:H{new}"}
    assert ws.print_area == f"'Register'!$A$1:$J${new}"
    assert ws.auto_filter.ref == f"A4:J{new}"
    assert wb.defined_names["Register_rows"].attr_text == f"Register!$A$5:$J${new}"
