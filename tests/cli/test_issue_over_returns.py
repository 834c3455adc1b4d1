"""issue never overwrites a return a partner has filled in, and issues apart from incoming returns."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from clirun import WORKBOOKS, errors, run, snapshot
from openpyxl import load_workbook

from sync import read_register


def values(path: Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return {
        f"{ws.title}!{c.coordinate}": c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def fill_in(path: Path, status: str = "Complete") -> None:
    """A partner sets the status of the first row of an issued return, as in Excel."""
    cell = read_register(path).cell(0, "status")
    wb = load_workbook(path)
    wb[cell.sheet][cell.address.split("!")[-1]] = status
    wb.save(path)


def test_issue_refuses_to_overwrite_a_filled_in_return(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "issued"
    assert run("issue", master, "--out", out).exit_code == 0
    fill_in(out / "Chorley.xlsx")
    before = snapshot(out)
    result = run("issue", master, "--out", out)
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: holds Chorley's return, filled in since it was issued; nothing "
        "was issued. Merge it first, issue into another folder (--out), or replace it with "
        "--force (a backup is kept)"
    ]
    assert snapshot(out) == before  # no return was written, the filled-in one least of all


def test_issue_refuses_to_overwrite_a_workbook_it_did_not_issue(
    master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "issued"
    out.mkdir()
    own = out / "Burnley.xlsx"
    shutil.copy(WORKBOOKS / "returns" / "Burnley.xlsx", own)
    before = own.read_bytes()
    result = run("issue", master, "--out", out, "--partner", "Burnley")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Burnley.xlsx: already exists and is not a return xlsync issued; nothing was "
        "issued. Merge it first, issue into another folder (--out), or replace it with --force "
        "(a backup is kept)"
    ]
    assert own.read_bytes() == before


def test_issue_again_replaces_untouched_returns(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "issued"
    assert run("issue", master, "--out", out).exit_code == 0
    result = run("issue", master, "--out", out, "--deadline", "2007-04-30")
    assert result.exit_code == 0, result.stderr
    assert errors(result) == []
    assert "30 April 2007" in values(out / "Chorley.xlsx")["Return!A3"]
    assert not (out / ".xlsync-backup").exists()


def test_issue_force_replaces_a_filled_in_return_keeping_a_backup(
    master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "issued"
    assert run("issue", master, "--out", out).exit_code == 0
    chorley = out / "Chorley.xlsx"
    fill_in(chorley, "Closed")
    filled = chorley.read_bytes()
    result = run("issue", master, "--out", out, "--force")
    assert result.exit_code == 0, result.stderr
    (backup,) = (out / ".xlsync-backup").iterdir()
    assert errors(result) == [f"Replaced Chorley.xlsx; what it held is kept in {backup}"]
    assert backup.read_bytes() == filled
    assert read_register(backup).value(0, "status") == "Closed"
    assert read_register(chorley).value(0, "status") != "Closed"  # issued afresh


def test_issue_writes_by_default_into_a_folder_apart_from_incoming_returns(
    master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run("issue", master)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in here.iterdir()) == ["issued"]
    assert (here / "issued" / "Chorley.xlsx").is_file()
