"""What a merge reports through the CLI: cleared cells, and rows missing from a return."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build
from click.testing import CliRunner
from openpyxl import load_workbook

from sync import read_register
from sync.cli import cli
from sync.issue import issue_returns
from sync.state import BASE_SHEET

ROWS: list[Any] = [
    [
        "Chorley",
        "8.",
        "To keep dialogues up to date",
        "Information Officer",
        date(2007, 12, 31),
        "In progress",
        "Amber",
        "7 September 2005\nDialogues reviewed.",
        date(2005, 9, 7),
    ],
    [
        "Chorley",
        "9.",
        "To load Planning software on more PCs",
        "ICT Manager",
        date(2007, 12, 31),
        "In progress",
        "Amber",
        "10 October 2006\nPlanning Online used.",
        date(2006, 10, 10),
    ],
    [
        "Burnley",
        "R1",
        "Single number for all services",
        "Head of Customer Services",
        date(2007, 6, 30),
        "In progress",
        "Amber",
        "9 January 2007\nNumber agreed.",
        date(2007, 1, 9),
    ],
]
LATER_ROW = [
    "Chorley",
    "11.",
    "To publish the service charter",
    "Policy Officer",
    date(2007, 9, 30),
    "Not started",
    "Red",
    None,
    None,
]


def master(path: Path, rows: list[Any]) -> Path:
    return build(path, Sheet(titles=["Register of Recommendations"], header=HEADER, rows=rows))


def merge(*args: Path | str) -> tuple[int, dict[str, Any], str]:
    """`xlsync merge` as JSON, and the same merge's table from a dry run before it."""
    runner = CliRunner()
    paths = [str(a) for a in args]
    table = runner.invoke(cli, ["merge", *paths, "--dry-run", "--today", "2007-03-20"])
    result = runner.invoke(cli, ["merge", *paths, "--format", "json", "--today", "2007-03-20"])
    return result.exit_code, json.loads(result.output), table.output


def cell(path: Path, address: str) -> Any:
    value = load_workbook(path)["Register"][address].value
    return value.date() if isinstance(value, datetime) else value


def test_every_cleared_cell_is_reported_and_the_master_keeps_its_value(tmp_path: Path) -> None:
    path = master(tmp_path / "master.xlsx", ROWS)
    (issued,) = issue_returns(path, tmp_path / "out", ["Chorley"], today=date(2007, 3, 1))
    sent = read_register(issued.path)
    wb = load_workbook(issued.path)
    ws = wb[sent.sheet]
    cleared = ["lead", "rag", "progress", "updated"]  # a locked cell among them
    for name in cleared:
        ws[sent.cell(0, name).address] = None
    ws[sent.cell(1, "status").address] = "Complete"  # and one real change, so it is written
    ws[sent.cell(1, "progress").address] = "6 March 2007\nInstalled on every PC."
    wb.save(issued.path)

    code, data, table = merge(path, issued.path)

    assert code == 0, data
    master_cells = {"lead": "D4", "rag": "G4", "progress": "H4", "updated": "I4"}
    kept = {
        "lead": "Information Officer",
        "rag": "Amber",
        "progress": "7 September 2005\nDialogues reviewed.",
        "updated": "2005-09-07",
    }
    assert [(c["ref"], c["field"]) for c in data["cleared"]] == [("8.", n) for n in cleared]
    for c in data["cleared"]:
        name = c["field"]
        assert c["partner"] == "Chorley"
        assert c["cell"] == f"Register!{master_cells[name]}"
        assert c["source"] == f"{issued.path.name}!Return!{sent.cell(0, name).address}"
        assert c["kept"] == kept[name]
        assert c["message"] == f"cleared in the return; the master keeps {kept[name]}"
    assert "Cleared in the return" in table and "Register!D4" in table
    assert data["written"] == str(path)
    # the rule holds: a blank erases nothing, a progress note is never cleared
    assert cell(path, "D4") == "Information Officer"
    assert cell(path, "G4") == "Amber"
    assert cell(path, "H4") == "7 September 2005\nDialogues reviewed."
    assert cell(path, "I4") == date(2005, 9, 7)
    assert cell(path, "F5") == "Complete"
    # reported again while the cells stay blank, with nothing else to write
    _, again, _ = merge(path, issued.path)
    assert len(again["cleared"]) == 4 and again["written"] is None


def test_only_rows_issued_in_the_return_and_gone_from_it_are_missing(tmp_path: Path) -> None:
    path = master(tmp_path / "master.xlsx", ROWS)
    (issued,) = issue_returns(path, tmp_path / "out", ["Chorley"], today=date(2007, 3, 1))
    # the coordinator adds a recommendation after the return went out
    master(path, [*ROWS, LATER_ROW])
    sent = read_register(issued.path)
    wb = load_workbook(issued.path)
    wb[sent.sheet].delete_rows(sent.rows[1])  # the partner deleted 9.
    wb.save(issued.path)
    own_copy = tmp_path / "own" / "Chorley.xlsx"
    own_copy.parent.mkdir()
    del wb[BASE_SHEET]  # a return without a base: what it was sent is not known
    wb.save(own_copy)

    _, data, table = merge(path, issued.path)
    assert data["missing"] == [{"partner": "Chorley", "ref": "9."}]
    assert "Missing from the return" in table and "11." not in table.split("Missing")[1]
    _, plain, _ = merge(path, own_copy)
    assert plain["missing"] == [
        {"partner": "Chorley", "ref": "9."},
        {"partner": "Chorley", "ref": "11."},
    ]
    # never deleted
    assert [cell(path, f"B{r}") for r in (4, 5, 6, 7)] == ["8.", "9.", "R1", "11."]
