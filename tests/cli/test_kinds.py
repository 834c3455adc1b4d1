"""Every command recognises a workbook's kind as `inspect` does; --schema names it; a workbook
that fits two kinds equally is refused, naming both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from builders import Sheet, build
from click.testing import CliRunner

from sync.cli import cli

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"
COMMANDS = ["issue", "merge", "push", "status", "report", "diff"]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", [*COMMANDS, "inspect", "validate"])
def test_every_command_takes_schema(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "--schema NAME|PATH" in result.output


def ambiguous(path: Path) -> Path:
    """A header with three fields of recommendations (Ref, Recommendation, Lead) and three
    of indicators (Ref as the PI code, Indicator, Period), both of twelve fields."""
    header = ["Ref", "Recommendation", "Lead", "Indicator", "Period"]
    rows = [["1", "Publish the figures", "Head of Policy", "NI 14", "2008/09 Q3"]]
    return build(path, Sheet("Sheet1", header, rows))


@pytest.mark.parametrize("command", COMMANDS)
def test_a_workbook_fitting_two_kinds_equally_is_refused_naming_both(
    tmp_path: Path, command: str
) -> None:
    book = ambiguous(tmp_path / "both.xlsx")
    other = tmp_path / "other.xlsx"
    shutil.copy(book, other)
    args = {
        "issue": [str(book), "--out", str(tmp_path / "returns")],
        "merge": [str(book), str(other)],
        "push": [str(book), str(other)],
        "status": [str(book)],
        "report": [str(book), "--out", str(tmp_path / "report.html")],
        "diff": [str(book), str(other)],
    }[command]
    result = run(command, *args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "indicators and recommendations" in lines[0] and "--schema" in lines[0]
    assert lines[0].startswith("xlsync: both.xlsx: ")

    result = run(command, *args, "--schema", "recommendations")
    assert "equally" not in result.output


def test_diff_with_schema_reads_an_ambiguous_workbook_as_told(tmp_path: Path) -> None:
    book = ambiguous(tmp_path / "both.xlsx")
    result = run("diff", str(book), str(book), "--schema", "indicators", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["schema"] == "indicators"


def test_status_report_and_push_recognise_an_indicators_master(tmp_path: Path) -> None:
    master = tmp_path / "indicators.xlsx"
    shutil.copy(WORKBOOKS / "indicators.xlsx", master)
    result = run("status", str(master), "--format", "json", "--today", "2009-01-20")
    assert result.exit_code == 0, result.output
    partners = {p["partner"]: p["records"] for p in json.loads(result.output)["partners"]}
    assert partners["Chorley"] == 3  # LPI 12 for two periods, NI 14

    result = run("report", str(master), "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    assert "LPI 12" in (tmp_path / "r.html").read_text(encoding="utf-8")

    result = run("issue", str(master), "--out", str(tmp_path / "returns"), "--partner", "Chorley")
    assert result.exit_code == 0, result.output
    tracker = tmp_path / "returns" / "Chorley.xlsx"
    result = run("push", str(master), str(tracker), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["changes"] == plan["added"] == []


@pytest.mark.parametrize("command", ["inspect", "validate"])
def test_inspect_and_validate_refuse_a_workbook_fitting_two_kinds_alike(
    tmp_path: Path, command: str
) -> None:
    book = ambiguous(tmp_path / "both.xlsx")
    result = run(command, str(book), "--format", "json")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("xlsync: both.xlsx: ") and "indicators and recommendations" in line
    assert "--schema" in line
    result = run(command, str(book), "--schema", "indicators", "--format", "json")
    assert result.exit_code in (0, 1) and '"indicators"' in result.stdout
