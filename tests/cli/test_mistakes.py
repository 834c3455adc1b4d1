"""A typo in --exclude or --schema, --annotate over the originals, lock files left behind."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from clirun import SAMPLE_PARTNERS, WORKBOOKS, errors, run, snapshot

from sync import read_register


def test_a_typo_in_exclude_is_refused_naming_the_partners(master: Path) -> None:
    result = run("status", master, "--exclude", "Lancashire Count")
    assert result.exit_code == 2
    assert errors(result) == [
        f"xlsync: master.xlsx: --exclude 'Lancashire Count' names no partner in the master; "
        f"partners: {SAMPLE_PARTNERS}"
    ]


def test_annotate_into_the_folder_of_the_originals_is_refused(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    shutil.copytree(WORKBOOKS / "returns", returns)
    before = snapshot(tmp_path)
    result = run("validate", returns, "--annotate", returns)
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: returns: holds the workbooks being validated (Burnley.xlsx); the marked-up "
        "copies would overwrite them, so choose another folder for --annotate"
    ]
    assert snapshot(tmp_path) == before


def test_no_lock_file_is_left_after_a_run(master: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    shutil.copytree(WORKBOOKS / "returns", returns)
    assert run("merge", master, returns / "Chorley.xlsx").exit_code == 0
    assert run("merge", master, returns / "West Lancashire.xlsx").exit_code == 0  # nothing new
    assert run("validate", returns, "--annotate", tmp_path / "marked").exit_code == 1
    assert run("issue", master, "--out", tmp_path / "issued").exit_code == 0
    tracker = tmp_path / "Chorley tracker.xlsx"
    shutil.copy(WORKBOOKS / "one_stop_shop.xlsx", tracker)
    assert run("push", master, tracker, "--partner", "Chorley").exit_code == 0
    assert sorted(p.name for p in tmp_path.rglob("*xlsync-lock*")) == []
    assert read_register(master).value(4, "updated") == date(2007, 3, 6)  # Chorley's 27. merged


def test_a_misspelt_schema_is_said_once(tmp_path: Path) -> None:
    result = run("validate", WORKBOOKS / "returns", "--schema", "recommendation")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: no workbook kind called 'recommendation'; known kinds: action_plan, "
        "indicators, recommendations, risks"
    ]
    assert result.stdout == ""
