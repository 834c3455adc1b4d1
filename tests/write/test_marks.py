"""Fills, notes and the sheets xlsync owns (log, history, state) are written beside the officer's work."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from xlfixtures import changed_cells, changed_parts, load, part, read_parts, register_workbook

from sync.cells import CellRef
from sync.errors import WriteRefused
from sync.write.patch import Edits, NewSheet, patch_workbook


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return register_workbook(tmp_path / "master.xlsx")


def test_fills_add_a_format_keeping_the_cells_own(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch_workbook(
        register,
        out,
        Edits(
            fills={
                CellRef("Register", 3, 5): "error",
                CellRef("Register", 4, 5): "error",
                CellRef("Register", 2, 4): "warning",
                CellRef("Register", 9, 9): "warning",
            }
        ),
    )
    ws = load(out)["Register"]
    assert ws["E3"].fill.fgColor.rgb == "FFFFC7CE" and ws["E3"].number_format == "dd/mm/yyyy"
    assert ws["E3"].border.left.style == "thin"  # the cell's own format, plus the fill
    assert ws["D2"].fill.fgColor.rgb == "FFFFEB9C"
    assert ws["I9"].fill.fgColor.rgb == "FFFFEB9C"
    assert ws["E3"].value == dt.datetime(2007, 3, 6)  # values untouched
    assert changed_cells(register, out) == {"Register": {(3, 5), (4, 5), (2, 4), (9, 9)}}
    styles = part(out, "xl/styles.xml").decode()
    assert styles.count("FFFFC7CE") == 1  # one fill shared by both red cells
    xml = part(out, "xl/worksheets/sheet1.xml").decode()
    s3 = re.search(r'<c r="E3" s="(\d+)"', xml).group(1)
    assert re.search(r'<c r="E4" s="(\d+)"', xml).group(1) == s3


def test_notes_are_added_and_the_sheets_own_comment_kept(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch_workbook(
        register,
        out,
        Edits(
            comments={
                CellRef("Register", 3, 4): "Status 'Done' is not allowed: use Complete",
                CellRef("Register", 2, 2): "Replaced note",
            }
        ),
    )
    ws = load(out)["Register"]
    assert ws["D3"].comment.text == "Status 'Done' is not allowed: use Complete"
    assert ws["D3"].comment.author == "xlsync"
    assert ws["B2"].comment.text == "Replaced note"  # one note a cell: the old one is replaced
    vml = part(out, "xl/drawings/vmlDrawing1.vml").decode()
    assert vml.count('<x:ClientData ObjectType="Note">') == 2
    assert "<x:Row>2</x:Row><x:Column>3</x:Column>" in vml


def test_notes_on_a_sheet_without_comments_create_the_parts(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch_workbook(register, out, Edits(comments={CellRef("Actions", 2, 3): "Check this status"}))
    ws = load(out)["Actions"]
    assert ws["C2"].comment.text == "Check this status"
    names = [n for n, _ in read_parts(out)]
    assert "xl/comments2.xml" in names and "xl/drawings/vmlDrawing2.vml" in names
    sheet = part(out, "xl/worksheets/sheet3.xml").decode()
    assert re.search(r"<legacyDrawing r:id=\"rId\d+\"/><tableParts", sheet)  # in schema order
    assert load(out)["Actions"].tables["Actions"].ref == "A1:C4"  # a note leaves the table be
    types = part(out, "[Content_Types].xml").decode()
    assert 'PartName="/xl/comments2.xml"' in types and 'Extension="vml"' in types


def test_new_sheets_are_added_replaced_and_hidden(register: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    log = NewSheet(
        "Sync log",
        [["When", "Partner", "Cell"], [dt.datetime(2007, 3, 20, 9, 30), "Chorley", "Register!D3"]],
        widths={1: 18, 3: 14},
        links={(2, 3): "'Register'!D3"},
    )
    state = NewSheet("_xlsync_state", [["xlsync", 1], ['{"partners": {}}']], state="veryHidden")
    patch_workbook(register, first, Edits(sheets=[log, state]))
    wb = load(first)
    assert wb.sheetnames == ["Register", "Lists", "Actions", "Sync log", "_xlsync_state"]
    ws = wb["Sync log"]
    assert [c.value for c in ws[1]] == ["When", "Partner", "Cell"] and ws["A1"].font.b
    assert ws["A2"].value == dt.datetime(2007, 3, 20, 9, 30) and ws["A2"].is_date
    assert ws["C2"].hyperlink.location == "'Register'!D3"
    assert ws.column_dimensions["A"].width == 18
    assert wb["_xlsync_state"].sheet_state == "veryHidden"
    assert not changed_cells(register, first).get("Register")

    # the next run rewrites its own sheets in place: same part, same relationship
    log2 = NewSheet("Sync log", [["When", "Partner", "Cell"], ["later", "Preston", "Register!D4"]])
    patch_workbook(
        first, second, Edits(sheets=[log2, NewSheet("_xlsync_state", [["x"]], state="hidden")])
    )
    wb = load(second)
    assert wb.sheetnames == ["Register", "Lists", "Actions", "Sync log", "_xlsync_state"]
    assert wb["Sync log"]["B2"].value == "Preston"
    assert wb["_xlsync_state"].sheet_state == "hidden"
    assert changed_parts(first, second) == {
        "xl/worksheets/sheet4.xml",
        "xl/worksheets/sheet5.xml",
        "xl/workbook.xml",
    }
    assert part(first, "xl/_rels/workbook.xml.rels") == part(second, "xl/_rels/workbook.xml.rels")


def test_an_officers_sheet_is_never_replaced_whole(register: Path, tmp_path: Path) -> None:
    with pytest.raises(WriteRefused, match="will not replace"):
        patch_workbook(register, tmp_path / "o.xlsx", Edits(sheets=[NewSheet("register", [["x"]])]))
    with pytest.raises(WriteRefused, match="31 characters"):
        patch_workbook(register, tmp_path / "o.xlsx", Edits(sheets=[NewSheet("x" * 32, [])]))


def test_everything_at_once_touches_only_what_it_must(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    patch_workbook(
        register,
        out,
        Edits(
            cells={CellRef("Register", 3, 4): "Complete"},
            fills={CellRef("Register", 3, 4): "warning"},
            comments={CellRef("Register", 3, 4): "Taken from South Ribble's return"},
            sheets=[NewSheet("Sync log", [["When"], [dt.date(2007, 3, 20)]])],
        ),
    )
    # "Complete" is already in the shared strings: the table is reused, not grown
    assert changed_parts(register, out) == {
        "[Content_Types].xml",
        "xl/_rels/workbook.xml.rels",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
        "xl/worksheets/sheet4.xml",
    }
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
    ws = load(out)["Register"]
    assert (ws["D3"].value, ws["D3"].fill.fgColor.rgb, ws["D3"].comment.text) == (
        "Complete",
        "FFFFEB9C",
        "Taken from South Ribble's return",
    )
