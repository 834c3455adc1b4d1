"""A row whose text xlsync writes shows all of it; other rows keep the officer's heights."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from sync.write.heights import text_height, text_lines
from sync.write.patch import patch

NOTE = (
    "6 March 2007\nThe Information Officer is now in post and has met every partner; "
    "a joint publicity plan goes to the Partnership Board in April for approval."
)


def _register(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Ref", "Progress", "Owner"])
    for ref in ("1", "2", "3", "4"):
        ws.append([ref, "Started.", "Jo Bloggs"])
    ws.column_dimensions["B"].width = 30
    for r in range(2, 6):
        ws.row_dimensions[r].height = 15
        ws[f"B{r}"].alignment = Alignment(wrap_text=True, vertical="top")
        ws[f"B{r}"].font = Font(name="Arial", size=10)
    ws.row_dimensions[4].height = 200  # already tall enough for any note
    wb.save(path)
    return path


def _rows(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    return xml.split(b"<row ")[1:]


def test_a_longer_note_makes_its_row_tall_enough_and_leaves_the_others(tmp_path: Path) -> None:
    src = _register(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    patch(src, out, {"Register!B3": NOTE, "Register!B4": NOTE, "Register!C5": NOTE})
    ws = load_workbook(out)["Register"]
    needed = text_height(NOTE, 30, 10)
    assert ws.row_dimensions[3].height == needed > 4 * 15
    assert ws.row_dimensions[4].height == 200  # tall enough already: the officer's height stays
    assert ws.row_dimensions[5].height == 15  # column C does not wrap: a taller row shows no more
    assert ws.row_dimensions[2].height == 15
    before, after = _rows(src), _rows(out)
    assert after[0] == before[0] and after[1] == before[1]  # untouched rows are as written
    # no longer a fixed height: Excel and LibreOffice may fit the row again
    assert b"customHeight" not in after[2].split(b">")[0]


def test_lines_follow_the_words_and_the_line_breaks() -> None:
    assert text_lines("short", 20) == 1
    assert text_lines("one\ntwo\n\nfour", 20) == 4
    assert text_lines("word " * 10, 10) == 5
    assert text_lines("a " + "x" * 25, 10) == 4  # a word longer than a line starts one, broken
    assert text_height("x", 10, 11) < text_height("x\ny", 10, 11) < text_height("x\ny", 10, 14)
    assert text_height("x\n" * 1000, 10, 11) == 409  # Excel's tallest row
