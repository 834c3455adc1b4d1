"""A folder with no workbooks, or no folder at all, is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import SAMPLE_PARTNERS, errors, run, snapshot


def test_validate_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a workbook", encoding="utf-8")
    result = run("validate", tmp_path / "empty")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: empty: the folder holds no workbooks (.xlsx, .xlsm, .xls, .ods or .csv files)"
    ]


def test_merge_an_empty_folder_is_refused_and_writes_nothing(master: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    before = snapshot(tmp_path)
    result = run("merge", master, tmp_path / "empty")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: empty: the folder holds no workbooks (.xlsx, .xlsm, .xls, .ods or .csv files)"
    ]
    assert snapshot(tmp_path) == before


def test_status_with_a_missing_returns_folder_is_refused(master: Path, tmp_path: Path) -> None:
    result = run("status", master, "--returns", tmp_path / "nosuchdir")
    assert result.exit_code == 2
    assert errors(result) == ["xlsync: nosuchdir: the returns folder does not exist"]
    assert result.stdout == ""


def test_status_with_an_empty_returns_folder_shows_nobody_has_returned(
    master: Path, tmp_path: Path
) -> None:
    # before any return comes back the folder is empty: that is news, not a mistake
    (tmp_path / "returns").mkdir()
    result = run("status", master, "--returns", tmp_path / "returns", "--format", "json")
    assert result.exit_code == 0
    assert ", ".join(json.loads(result.stdout)["missing"]) == SAMPLE_PARTNERS
