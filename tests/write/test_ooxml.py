"""What the writer saves is well-formed Office Open XML: extensions, table headers, note drawings."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from ooxmlcheck import new_findings, vml_shape_blocks
from xlfixtures import CORPUS, load, part, register_workbook

from sync.cells import CellRef
from sync.errors import WriteRefused
from sync.write.patch import Edits, patch, patch_workbook

PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _macro_workbook(path: Path) -> Path:
    """An .xlsm holding a VBA project taken from a workbook Excel saved."""
    source = CORPUS / "xlsxwriter-excel" / "macro01.xlsm"
    if not source.is_file():
        pytest.skip("the shared corpus is not beside the project")
    with zipfile.ZipFile(source) as zf:
        (path.parent / "vbaProject.bin").write_bytes(zf.read("xl/vbaProject.bin"))
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Register").write_column(0, 0, ["Ref", "1", "2"])
    wb.add_vba_project(str(path.parent / "vbaProject.bin"))
    wb.close()
    return path


def test_an_xlsm_written_as_xlsx_leaves_its_macros_behind(tmp_path: Path) -> None:
    source = _macro_workbook(tmp_path / "master.xlsm")
    out = tmp_path / "master.xlsx"
    result = patch(source, out, {"Register!B2": "new"})
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    assert not [n for n in names if "vbaproject" in n.lower()]
    assert "vbaProject" not in rels and "/xl/vbaProject.bin" not in types
    assert f'PartName="/xl/workbook.xml" ContentType="{PLAIN_MAIN}"' in types
    assert "xl/vbaProject.bin" in result.parts_changed
    assert load(out)["Register"]["B2"].value == "new"
    assert new_findings(source, out) == []
    # and the source keeps its macros
    assert part(source, "xl/vbaProject.bin")


def test_an_xlsx_written_as_xlsm_is_macro_enabled(tmp_path: Path) -> None:
    source = register_workbook(tmp_path / "master.xlsx")
    out = tmp_path / "master.xlsm"
    patch(source, out, {"Register!D2": "Complete"})
    types = part(out, "[Content_Types].xml").decode()
    assert f'PartName="/xl/workbook.xml" ContentType="{MACRO_MAIN}"' in types
    assert new_findings(source, out) == []
    assert load(out, keep_vba=True)["Register"]["D2"].value == "Complete"


def test_an_xlsm_written_as_itself_keeps_its_project(tmp_path: Path) -> None:
    source = _macro_workbook(tmp_path / "master.xlsm")
    out = tmp_path / "out.xlsm"
    patch(source, out, {"Register!B2": "new"})
    assert part(out, "xl/vbaProject.bin") == part(source, "xl/vbaProject.bin")
    assert new_findings(source, out) == []


def test_writing_a_table_header_renames_its_column(tmp_path: Path) -> None:
    source = register_workbook(tmp_path / "master.xlsx")
    out = tmp_path / "out.xlsx"
    patch(source, out, {"Actions!B1": "Agreed action", "Actions!C1": "Status & RAG"})
    table = part(out, "xl/tables/table1.xml").decode()
    assert 'name="Agreed action"' in table and 'name="Status &amp; RAG"' in table
    assert 'name="Action"' not in table
    ws = load(out)["Actions"]
    assert ws.tables["Actions"].tableColumns[1].name == ws["B1"].value == "Agreed action"
    assert new_findings(source, out) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (42, "can only hold text"),
        (None, "can only hold text"),
        ("ref", "already has a column named 'ref'"),
    ],
)
def test_a_table_header_that_cannot_name_its_column_is_refused(
    tmp_path: Path, value: object, message: str
) -> None:
    source = register_workbook(tmp_path / "master.xlsx")
    before = source.read_bytes()
    with pytest.raises(WriteRefused, match=message) as refused:
        patch(source, source, {"Actions!B1": value})  # type: ignore[dict-item]
    assert "(Actions!B1)" in refused.value.line()
    assert source.read_bytes() == before


def test_a_column_that_formulas_name_is_not_renamed(tmp_path: Path) -> None:
    source = tmp_path / "master.xlsx"
    wb = xlsxwriter.Workbook(str(source))
    ws = wb.add_worksheet("Actions")
    ws.add_table(
        0,
        0,
        2,
        1,
        {
            "name": "Scores",
            "columns": [{"header": "Score"}, {"header": "Double"}],
            "data": [[1], [2]],
        },
    )
    ws.write_formula("D1", "=SUM(Scores[Score])", None, 3)
    wb.close()
    with pytest.raises(WriteRefused, match="which formulas name"):
        patch(source, tmp_path / "out.xlsx", {"Actions!A1": "Points"})


def test_notes_on_two_sheets_get_drawings_of_their_own_shape_blocks(tmp_path: Path) -> None:
    source = register_workbook(tmp_path / "master.xlsx")  # a note on Register: block 1
    out = tmp_path / "out.xlsx"
    patch_workbook(
        source,
        out,
        Edits(
            comments={
                CellRef("Register", 3, 4): "checked",
                CellRef("Lists", 1, 1): "a list",
                CellRef("Actions", 2, 2): "an action",
                CellRef("Actions", 3, 2): "another",
            }
        ),
    )
    drawings = vml_shape_blocks(out)
    assert len(drawings) == 3
    blocks = [b for b, _ in drawings.values()]
    assert all(len(b) == 1 for b in blocks) and len(set().union(*blocks)) == 3
    ids = [i for _, shapes in drawings.values() for i in shapes]
    assert len(ids) == len(set(ids)) == 5  # the note Register had and four new ones
    for name, (block, shapes) in drawings.items():
        (n,) = block
        assert all(n * 1024 < int(i.removeprefix("_x0000_s")) < (n + 1) * 1024 for i in shapes), (
            name
        )
    assert new_findings(source, out) == []
    wb = load(out)
    assert wb["Lists"]["A1"].comment.text == "a list"
    assert wb["Actions"]["B3"].comment.text == "another"
    assert wb["Register"]["B2"].comment.text.startswith("Agreed at Overview")
