"""Damaged workbooks are refused in one line that says what is wrong and where."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sync.errors import UnreadableFile
from sync.read.open import open_book

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders beside this file
import hostile as h  # noqa: E402


def sheet_refusal(path: Path, sheet: str) -> str:
    book = open_book(path)
    with pytest.raises(UnreadableFile) as caught:
        book.sheet(sheet)
    return caught.value.line()


@pytest.mark.parametrize(
    ("cell", "where", "why"),
    [
        ('<c r="XFE3"><v>1</v></c>', "XFE3", "a cell beyond column XFD, the last column"),
        ('<c r="ZZZ3" s="1"/>', "ZZZ3", "a cell beyond column XFD, the last column"),  # no value
        ('<c r="xfe3"><v>1</v></c>', "xfe3", "a cell beyond column XFD, the last column"),
        ('<c r="B1048577"><v>1</v></c>', "B1048577", "a cell beyond row 1,048,576, the last row"),
        (
            '<c r="B9999999" t="s"><v>0</v></c>',
            "B9999999",
            "a cell beyond row 1,048,576, the last row",
        ),
        (
            '<c r="AAAA3"><v>1</v></c>',
            "AAAA3",
            "a cell beyond column XFD, the last column",
        ),  # walked exactly
        (
            '<c t="n" r="XFE3"><v>1</v></c>',
            "XFE3",
            "a cell beyond column XFD, the last column",
        ),  # walked exactly
        ('<c r="B12345678"><v>1</v></c>', "B12345678", "a cell beyond row 1,048,576, the last row"),
    ],
)
def test_a_cell_outside_excels_grid_is_refused(
    tmp_path: Path, cell: str, where: str, why: str
) -> None:
    body = h.cells_xml([["Ref", "Title"], [1, "Publicity"]]) + f'<row r="3">{cell}</row>'.encode()
    path = h.write_zip(tmp_path / "bad.xlsx", h.xlsx_parts({"Returns": h.sheet_xml(body)}))
    assert sheet_refusal(path, "Returns") == (
        f"bad.xlsx (Returns!{where}): sheet 'Returns' is damaged: it has {why} Excel has"
    )


@pytest.mark.parametrize("ref", ["XFD1", "A1048576", "xfd1"])
def test_the_last_row_and_column_of_excels_grid_are_read(tmp_path: Path, ref: str) -> None:
    row = ref.lstrip("AXFDxfd")
    body = f'<row r="{row}"><c r="{ref}"><v>7</v></c></row>'.encode()
    path = h.write_zip(tmp_path / "edge.xlsx", h.xlsx_parts({"S": h.sheet_xml(body)}))
    grid = open_book(path).sheet("S")
    assert grid.value(int(row), 16_384 if ref.lower().startswith("xfd") else 1) == 7
