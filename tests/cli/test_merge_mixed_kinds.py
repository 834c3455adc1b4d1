"""A workbook of another kind among a merge's returns: refused, and the others merge as alone."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
from clirun import WORKBOOKS, run


def _cells(path: Path) -> dict[tuple[str, str], object]:
    """Every visible cell's value; the time each run logged its changes stands as "<when>"."""
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): "<when>"
        if isinstance(cell.value, datetime) and cell.value.time() != time()
        else cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if ws.sheet_state == "visible"
    }


def _merge(tmp_path: Path, name: str, extra: dict[str, Path]) -> tuple[Path, dict, int]:
    """The sample returns (and `extra`, by file name) merged into a copy of the master."""
    folder = tmp_path / name
    returns = folder / "returns"
    shutil.copytree(WORKBOOKS / "returns", returns)
    for file_name, source in extra.items():
        shutil.copy(source, returns / file_name)
    master = Path(shutil.copy(WORKBOOKS / "master.xlsx", folder / "master.xlsx"))
    result = run("merge", master, returns, "--format", "json", "--today", "2024-06-30")
    return master, json.loads(result.stdout), result.exit_code


@pytest.mark.parametrize("file_name", ["A risks.xlsx", "Chorley risks.xlsx", "Zz risks.xlsx"])
def test_a_risk_register_among_the_returns_changes_nothing_the_others_merge(
    tmp_path: Path, file_name: str
) -> None:
    # first, between two returns, and last: each return after it is still read as a return
    alone, alone_out, alone_exit = _merge(tmp_path, "alone", {})
    mixed, mixed_out, mixed_exit = _merge(tmp_path, "mixed", {file_name: WORKBOOKS / "risks.xlsx"})

    assert (alone_exit, mixed_exit) == (1, 2)  # a return with errors; and a file unreadable

    refused = [r for r in mixed_out["returns"] if r["path"].endswith(file_name)]
    assert [r["status"] for r in refused] == ["rejected"]
    assert "recommendations" in refused[0]["reason"]
    others = [r for r in mixed_out["returns"] if not r["path"].endswith(file_name)]
    assert [(r["partner"], r["status"]) for r in others] == [
        (r["partner"], r["status"]) for r in alone_out["returns"]
    ]
    assert mixed_out["changes"] == alone_out["changes"]
    assert _cells(mixed) == _cells(alone)
