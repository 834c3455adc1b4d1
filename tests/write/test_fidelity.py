"""Patching keeps everything it did not mean to change: parts byte for byte, cells, styles, extensions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from xlfixtures import (
    changed_cells,
    changed_parts,
    dump,
    load,
    part,
    read_parts,
    register_workbook,
)

from sync.cells import CellRef
from sync.write.patch import Edits, patch, patch_workbook

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return register_workbook(tmp_path / "master.xlsx")


def test_one_cell_changes_only_the_sheet_and_the_string_table(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    result = patch(register, out, {"Register!D3": "In progress"})
    # (XlsxWriter already asks for a recalculation on opening, so workbook.xml stays too)
    assert changed_parts(register, out) == {SHEET, "xl/sharedStrings.xml"}
    assert set(result.parts_changed) == changed_parts(register, out)
    assert result.cells_written == (CellRef("Register", 3, 4),)
    assert changed_cells(register, out) == {"Register": {(3, 4)}}
    assert load(out)["Register"]["D3"].value == "In progress"


def test_every_untouched_part_is_byte_identical_and_in_its_place(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    patch(register, out, {"Register!B4": "Review opening hours (agreed)"})
    before, after = read_parts(register), read_parts(out)
    assert [n for n, _ in before] == [n for n, _ in after]  # same entries, same order
    touched = changed_parts(register, out)
    for (name, data), (_, new) in zip(before, after, strict=True):
        if name not in touched:
            assert new == data, name


def test_extensions_text_box_image_and_sparklines_survive(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch(register, out, {"Register!F4": 12, "Register!B2": "Support the town centre vision"})
    xml = part(out, SHEET).decode()
    # x14 drop-down, data bar and sparkline extensions are all still in the sheet's extLst
    assert "<x14:dataValidation " in xml and "<xm:f>Lists!$A$1:$A$3</xm:f>" in xml
    assert "<x14:dataBar " in xml and "<x14:sparklineGroup " in xml
    assert xml.count("<extLst>") == part(register, SHEET).decode().count("<extLst>")
    for name in (
        "xl/drawings/drawing1.xml",
        "xl/media/image1.png",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
        "xl/tables/table1.xml",
    ):
        assert part(out, name) == part(register, name)
    assert "Officers: date each progress entry" in part(out, "xl/drawings/drawing1.xml").decode()


def test_the_sheet_differs_only_in_the_changed_cell(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch(register, out, {"Register!C5": "Chorley"})
    old, new = part(register, SHEET).decode(), part(out, SHEET).decode()
    cell = re.compile(r'<c r="C5"[^>]*?(?:/>|>.*?</c>)')
    assert cell.sub("", old) == cell.sub("", new)


def test_shared_string_and_style_indices_of_other_cells_stay(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    patch_workbook(
        register,
        out,
        Edits(
            cells={CellRef("Register", 2, 4): "Done", CellRef("Register", 3, 5): None},
            fills={CellRef("Register", 4, 2): "error"},
        ),
    )
    old_cells = dict(re.findall(r'<c r="([A-Z]+\d+)"([^>]*)', part(register, SHEET).decode()))
    new_cells = dict(re.findall(r'<c r="([A-Z]+\d+)"([^>]*)', part(out, SHEET).decode()))
    for ref, attrs in old_cells.items():
        if ref not in ("D2", "E3", "B4"):
            assert new_cells[ref] == attrs, ref
    old_sst, new_sst = part(register, "xl/sharedStrings.xml"), part(out, "xl/sharedStrings.xml")
    entries = re.findall(rb"<si>.*?</si>", old_sst)
    assert (
        re.findall(rb"<si>.*?</si>", new_sst)[: len(entries)] == entries
    )  # appended, never renumbered
    old_xfs = re.search(rb"<cellXfs.*?</cellXfs>", part(register, "xl/styles.xml"), re.S).group(0)
    new_xfs = re.search(rb"<cellXfs.*?</cellXfs>", part(out, "xl/styles.xml"), re.S).group(0)
    assert re.findall(rb"<xf .*?/>", new_xfs)[
        : len(re.findall(rb"<xf .*?/>", old_xfs))
    ] == re.findall(rb"<xf .*?/>", old_xfs)
    assert changed_cells(register, out) == {"Register": {(2, 4), (3, 5), (4, 2)}}


def test_nothing_but_the_cells_differs_in_openpyxls_view(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch(register, out, {"Register!A7": "8", "Register!H2": 1})
    before, after = dump(register), dump(out)
    for sheet, cells in before.items():
        for key, value in cells.items():
            if (sheet, key) not in (("Register", (7, 1)), ("Register", (2, 8))):
                assert after[sheet][key] == value, (sheet, key)


def test_source_and_target_may_be_the_same_file(register: Path) -> None:
    result = patch(register, register, {"Register!D2": "Complete"})
    assert load(register)["Register"]["D2"].value == "Complete"
    assert result.backup is not None and result.backup.exists()
    assert load(result.backup)["Register"]["D2"].value == "Ongoing"


def test_a_macro_workbook_keeps_its_project(tmp_path: Path) -> None:
    import xlsxwriter
    from xlfixtures import CORPUS

    vba = CORPUS / "xlsxwriter-excel" / "macro01.xlsm"
    if not vba.exists():
        pytest.skip("the shared corpus is not beside the project")
    with_macro = tmp_path / "macro.xlsm"
    wb = xlsxwriter.Workbook(str(with_macro))
    wb.add_worksheet().write("A1", "Register")
    import zipfile

    with zipfile.ZipFile(vba) as zf:
        project = zf.read("xl/vbaProject.bin")
    (tmp_path / "vbaProject.bin").write_bytes(project)
    wb.add_vba_project(str(tmp_path / "vbaProject.bin"))
    wb.close()
    out = tmp_path / "out.xlsm"
    patch(with_macro, out, {"Sheet1!A2": "new"})
    assert part(out, "xl/vbaProject.bin") == project
    assert changed_parts(with_macro, out) == {SHEET, "xl/sharedStrings.xml"}
