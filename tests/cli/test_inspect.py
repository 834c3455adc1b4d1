"""`xlsync inspect` shows what the reader understood, as a table or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from builders import Sheet, build
from click.testing import CliRunner

from sync.cli import cli

SHEET = Sheet(
    titles=["Register of Recommendations"],
    header=["Ref", "Recommendation", "Status", "Last Updated", "Our notes"],
    rows=["Partnership Working", ["4,a", "Support the vision", "Ongoing", "1 March 2007", "x"]],
)


def test_inspect_json_has_the_promised_shape(tmp_path: Path) -> None:
    path = build(tmp_path / "r.xlsx", SHEET)
    result = CliRunner().invoke(cli, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["path"] == str(path)
    assert (data["schema"], data["sheet"], data["header_row"]) == ("recommendations", "Register", 3)
    assert data["columns"] == {"ref": "A", "recommendation": "B", "status": "C", "updated": "D"}
    assert data["ignored"] == ["Our notes"]
    assert data["records"] == [
        {
            "ref": "4,a",
            "recommendation": "Support the vision",
            "status": "Ongoing",
            "updated": "2007-03-01",
            "section": "Partnership Working",
            "_row": 5,
        }
    ]


def test_inspect_table_names_sheet_header_and_columns(tmp_path: Path) -> None:
    path = build(tmp_path / "r.xlsx", SHEET)
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "sheet: Register   header row: 3   records: 1" in result.output
    assert "ignored columns: Our notes" in result.output
    assert "Partnership Working" in result.output


def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "minutes.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    result = CliRunner().invoke(cli, ["inspect", str(bad)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xlsync: minutes.xlsx: ")
    assert "Traceback" not in result.output


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert result.stderr.strip() == "xlsync: nope.xlsx: file not found"
