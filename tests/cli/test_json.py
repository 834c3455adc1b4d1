"""`--format json` prints exactly the library result's to_dict(), and the exit code is its
exit_code(): one test per command."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import cli
from sync.diff import diff_workbooks
from sync.issue import issue_returns
from sync.merge.run import merge_files
from sync.push import push_to_tracker
from sync.read.table import read_register
from sync.status import master_status
from sync.workbooks import validate_workbooks

TODAY = date(2007, 3, 20)


def _cli(*args: object) -> tuple[object, int]:
    out = CliRunner().invoke(cli, [str(a) for a in args])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.output
    return json.loads(out.stdout), out.exit_code


@pytest.fixture
def master(tmp_path: Path, workbooks: Path) -> Path:
    return Path(shutil.copy(workbooks / "master.xlsx", tmp_path / "master.xlsx"))


def test_inspect(workbooks: Path) -> None:
    register = read_register(workbooks / "risks.xlsx")
    assert _cli("inspect", workbooks / "risks.xlsx", "--format", "json") == (
        register.to_dict(),
        register.exit_code(),
    )


def test_validate(workbooks: Path) -> None:
    returns = workbooks / "returns"
    report = validate_workbooks([returns], today=TODAY)
    got = _cli("validate", returns, "--format", "json", "--today", "2007-03-20")
    assert got == (report.to_dict(), report.exit_code())
    assert got[1] == 1 and any(f["code"] for r in report.to_dict()["files"] for f in r["findings"])


def test_merge(master: Path, workbooks: Path) -> None:
    result = merge_files(master, [workbooks / "returns"], dry_run=True, today=TODAY)
    got = _cli(
        "merge", master, workbooks / "returns", "--dry-run", "--format", "json", "--today", TODAY
    )
    assert got == (result.to_dict(), result.exit_code())
    data = result.to_dict()
    assert data["history"] and len(data["history"]) == len(result.plan.history)
    # --prefer return leaves no conflict for the officer: the exit code follows
    preferring = merge_files(
        master, [workbooks / "returns"], dry_run=True, today=TODAY, prefer="return"
    )
    assert _cli(
        "merge", master, workbooks / "returns", "--dry-run", "--prefer", "return", "--format",
        "json", "--today", TODAY,
    ) == (preferring.to_dict(), preferring.exit_code())  # fmt: skip


def test_push(master: Path, tmp_path: Path) -> None:
    issued = issue_returns(master, tmp_path / "returns", ["Chorley"], today=TODAY)
    tracker = issued[0].path
    result = push_to_tracker(master, tracker, dry_run=True)
    got = _cli("push", master, tracker, "--dry-run", "--format", "json")
    assert got == (result.to_dict(), result.exit_code())


def test_status(master: Path, workbooks: Path) -> None:
    report = master_status(master, workbooks / "returns", today=TODAY)
    got = _cli(
        "status", master, "--returns", workbooks / "returns", "--today", TODAY, "--format", "json"
    )
    assert got == (report.to_dict(), report.exit_code())


def test_diff(master: Path, workbooks: Path, tmp_path: Path) -> None:
    merged = tmp_path / "merged.xlsx"
    merge_files(master, [workbooks / "returns"], out=merged, today=TODAY)
    result = diff_workbooks(master, merged)
    got = _cli("diff", master, merged, "--format", "json")
    assert got == (result.to_dict(), result.exit_code())
    assert got[1] == 1


def test_issue(master: Path, tmp_path: Path) -> None:
    got = _cli(
        "issue", master, "--partner", "Chorley", "--out", tmp_path / "cli", "--today", TODAY,
        "--format", "json",
    )  # fmt: skip
    issued = issue_returns(master, tmp_path / "lib", ["Chorley"], today=TODAY)
    expected = issued.to_dict()
    # the same return, written into another folder under a fresh id
    for item in expected["returns"]:
        item["path"] = item["path"].replace(str(tmp_path / "lib"), str(tmp_path / "cli"))
    for got_item, item in zip(got[0]["returns"], expected["returns"], strict=True):  # type: ignore[index]
        item["id"] = got_item["id"]
    assert got == (expected, issued.exit_code())
    assert [r["partner"] for r in expected["returns"]] == ["Chorley"]
