"""A damaged workbook is refused, or written right: never a part written over that the writer could not find."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from xlfixtures import load, register_workbook

from sync import merge_files
from sync.cells import a1
from sync.errors import WriteRefused
from sync.read.open import open_book
from sync.write.patch import patch

TODAY = dt.date(2007, 3, 20)
FUZZ = Path(__file__).resolve().parents[2].parent / "shared" / "fuzz-repro"


def _rewrite(path: Path, name: str, old: str, new: str) -> None:
    """Change one part's text inside the package, every other entry as it was."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                text = data.decode()
                assert re.search(old, text), f"{old!r} not in {name}"
                data = re.sub(old, new, text).encode()
            zout.writestr(info, data)
    tmp.replace(path)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ('Target=""', "styles relationship points to no part"),
        ('Target="nowhere.xml"', "styles relationship points to no part"),
        ('Target="theme/theme1.xml"', "holds a theme, not a stylesheet"),
    ],
)
def test_a_styles_relationship_pointing_nowhere_is_refused(
    tmp_path: Path, target: str, message: str
) -> None:
    book = register_workbook(tmp_path / "master.xlsx")
    _rewrite(book, "xl/_rels/workbook.xml.rels", r'Target="styles\.xml"', target)
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match=message):
        # a date needs a date format: the writer must reach for the stylesheet
        patch(book, book, {"Register!E3": dt.date(2007, 3, 1), "Register!D3": "Complete"})
    assert book.read_bytes() == before


def test_a_stylesheet_the_workbook_does_not_name_is_not_replaced(tmp_path: Path) -> None:
    book = register_workbook(tmp_path / "master.xlsx")
    _rewrite(
        book, "xl/_rels/workbook.xml.rels", r'<Relationship [^>]*Target="styles\.xml"\s*/>', ""
    )
    out = tmp_path / "out.xlsx"
    with pytest.raises(WriteRefused, match="does not name xl/styles.xml as its styles"):
        patch(book, out, {"Register!D3": "Complete"})
    assert not out.exists()


def test_the_reproducer_with_an_empty_styles_target_is_refused(tmp_path: Path) -> None:
    source = FUZZ / "master-damaged-xml-rels-missing-1481.xlsx"
    if not source.is_file():
        pytest.skip(f"the damaged-file reproducers are not beside the project ({FUZZ})")
    book = shutil.copy(source, tmp_path / "Rossendale.xlsx")
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match="styles relationship points to no part") as refused:
        patch(book, book, {"Register!D7": "Complete"})
    assert refused.value.line().startswith("Rossendale.xlsx: ")
    assert "\n" not in refused.value.line()
    assert book.read_bytes() == before


def _values(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every value as openpyxl places it (as calamine does: a cell's address wins)."""
    book = load(path)
    return {
        ws.title: {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if c.value not in (None, "")
        }
        for ws in book.worksheets
    }


def _plain(value: object) -> object:
    """A value as compared across readers: a date at midnight is a date, 3.0 is 3."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_rows_without_numbers_after_a_gap_merge_only_the_planned_cells(
    tmp_path: Path, workbooks: Path
) -> None:
    source = FUZZ / "focused-seed2-master-damaged-no-row-refs-52.xlsx"
    if not source.is_file():
        pytest.skip(f"the damaged-file reproducers are not beside the project ({FUZZ})")
    master = Path(shutil.copy(source, tmp_path / "one_stop_shop.xlsx"))
    before = _values(master)
    result = merge_files(master, [workbooks / "returns" / "Chorley.xlsx"], today=TODAY)
    assert result.written == master
    after = _values(master)
    planned = {(c.cell.sheet, c.cell.row, c.cell.col): c.new for c in result.plan.changes}
    assert planned, "the return changes records of this master"
    for sheet, cells in before.items():
        last = max(r for r, _ in cells)
        for (r, c), value in after[sheet].items():
            if (sheet, r, c) in planned or r > last:  # a planned change, or an appended row
                continue
            assert cells.get((r, c)) == value, f"{sheet}!{a1(r, c)} changed"
        for (r, c), value in cells.items():
            if (sheet, r, c) not in planned:
                assert after[sheet].get((r, c)) == value, f"{sheet}!{a1(r, c)} lost"
    for (sheet, r, c), value in planned.items():
        assert _plain(after[sheet].get((r, c))) == _plain(value), f"{sheet}!{a1(r, c)}"
    # and xlsync's reader (calamine) sees the merged master's values where openpyxl does
    with open_book(master) as book:
        for sheet, cells in after.items():
            grid = book.sheet(sheet)
            for (r, c), value in cells.items():
                assert _plain(grid.value(r, c)) == _plain(value), f"{sheet}!{a1(r, c)}"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # a row without a number holding cells of two rows
        (
            '<row><c r="A1"><v>1</v></c></row><row><c r="A2"><v>2</v></c><c r="B3"><v>3</v></c></row>',
            "holds cells of rows 2, 3",
        ),
        # cells placed by address on row 3, then cells without one counted onto row 3 again
        (
            '<row><c r="A1"><v>1</v></c></row><row><c r="A3"><v>2</v></c></row><row><c><v>3</v></c></row>',
            "out of order",
        ),
    ],
)
def test_rows_reader_and_writer_would_place_apart_are_refused(
    tmp_path: Path, rows: str, message: str
) -> None:
    book = register_workbook(tmp_path / "master.xlsx")
    _rewrite(
        book,
        "xl/worksheets/sheet1.xml",
        r"<sheetData>.*</sheetData>",
        f"<sheetData>{rows}</sheetData>",
    )
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match=message):
        patch(book, book, {"Register!D2": "Complete"})
    assert book.read_bytes() == before
