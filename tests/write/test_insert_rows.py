"""Rows inserted inside a table: everything below moves down with its cells, or the write is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from builders import Sheet, build
from ooxmlcheck import new_findings
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from sync.cells import CellRef
from sync.errors import WriteRefused
from sync.write.insert import shift_sheet
from sync.write.patch import Edits, InsertRows, patch_workbook

HEADER = ["Ref", "Action", "Status"]
ROWS = [["1", "Survey", "Open"], ["2", "Leaflet", "Open"], "Closed", ["3", "Signs", "Done"]]
# header at row 1, records at 2 and 3, the "Closed" heading at 4, record 3 at 5


def workbook(tmp_path: Path) -> Path:
    path = build(
        tmp_path / "plan.xlsx",
        Sheet(name="Plan", header=HEADER, rows=ROWS, dropdowns={"Status": ["Open", "Done"]}),
        Sheet(name="Lists", header=["Status"], rows=[["Open"], ["Done"]]),
    )
    wb = load_workbook(path)
    ws = wb["Plan"]
    ws.auto_filter.ref = "A1:C5"
    ws.row_dimensions[5].height = 30
    wb.defined_names["Actions"] = DefinedName("Actions", attr_text="Plan!$A$2:$C$5")
    wb.save(path)
    return path


def values(path: Path, sheet: str = "Plan") -> list[list[object]]:
    ws = load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows(max_col=3)]


def test_two_blocks_go_in_and_every_row_below_moves_with_its_cells(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    out = tmp_path / "out.xlsx"
    edits = Edits()
    edits.insert.append(InsertRows("Plan", 4, 3, [{1: "2a", 2: "Poster", 3: "Open"}]))
    edits.insert.append(InsertRows("Plan", 3, 2, [{1: "1a", 2: "Radio"}, {1: "1b"}]))
    edits.cells[CellRef("Plan", 5, 3)] = "Open"  # record 3's status, as the sheet has it now
    result = patch_workbook(path, out, edits)
    assert result.rows_appended == 3
    assert values(out) == [
        HEADER,
        ["1", "Survey", "Open"],
        ["1a", "Radio", None],
        ["1b", None, None],
        ["2", "Leaflet", "Open"],
        ["2a", "Poster", "Open"],
        ["Closed", None, None],
        ["3", "Signs", "Open"],
    ]
    wb = load_workbook(out)
    ws = wb["Plan"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A7:C7"]
    assert ws.auto_filter.ref == "A1:C8"
    assert ws.row_dimensions[8].height == 30
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["C2:C204"]
    assert wb.defined_names["Actions"].attr_text == "Plan!$A$2:$C$8"
    assert values(out, "Lists") == values(path, "Lists")
    assert new_findings(path, out) == []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda wb: wb["Plan"].__setitem__("E5", "=COUNTA(A2:A5)"), "holds formulas"),
        (lambda wb: wb["Plan"].merge_cells("B2:B3"), "the merged cells B2:B3 span the new row"),
        (
            lambda wb: wb["Lists"].__setitem__("D1", "=COUNTA(Plan!A2:A5)"),
            "xl/worksheets/sheet2.xml refers to cells of 'Plan'",
        ),
    ],
)
def test_rows_are_not_inserted_where_something_could_not_move(
    tmp_path: Path, change: object, why: str
) -> None:
    path = workbook(tmp_path)
    wb = load_workbook(path)
    change(wb)  # type: ignore[operator]
    wb.save(path)
    before = path.read_bytes()
    edits = Edits(insert=[InsertRows("Plan", 3, 2, [{1: "1a"}])])
    with pytest.raises(WriteRefused, match=why):
        patch_workbook(path, path, edits)
    assert path.read_bytes() == before


def test_rows_renumbered_in_one_pass_match_rows_renumbered_cell_by_cell(tmp_path: Path) -> None:
    """The one-pass renumbering (plain markup) and the careful one (a sheet holding an XML
    comment, read by the tokenizer) give the same sheet."""
    rows: list[object] = []
    for k in range(60):
        rows += [f"Section {k}"] if k % 7 == 0 else []
        rows.append([str(k), "x" * (k % 5) or None, "Open" if k % 3 else None])
    path = build(tmp_path / "big.xlsx", Sheet(name="Plan", header=HEADER, rows=rows))
    with zipfile.ZipFile(path) as zf:
        text = zf.read("xl/worksheets/sheet1.xml").decode()
    inserts = [(3, 2), (20, 1), (41, 3), (len(rows) + 1, 1)]
    careful = text.replace("<sheetData>", "<sheetData><!-- kept -->", 1)
    assert careful != text
    fast = shift_sheet(text, inserts)
    assert fast != text
    assert shift_sheet(careful, inserts) == fast.replace(
        "<sheetData>", "<sheetData><!-- kept -->", 1
    )
