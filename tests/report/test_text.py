"""Terminal tables fit the terminal (COLUMNS), wrap long cells and show where two texts differ."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sync.cli import cli

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def _merge_dry_run(tmp_path: Path, columns: int) -> str:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    result = CliRunner().invoke(
        cli,
        ["merge", str(master), str(WORKBOOKS / "returns"), "--dry-run", "--today", "20/03/2007"],
        env={"COLUMNS": str(columns)},
    )
    assert result.exit_code == 1, result.output  # Hyndburn's return is rejected
    return result.stdout


@pytest.mark.parametrize("columns", [100, 140])
def test_every_line_of_a_merge_fits_the_terminal(tmp_path: Path, columns: int) -> None:
    out = _merge_dry_run(tmp_path, columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    # a finding's message is wrapped, never cut: its words are all there in order
    assert "Status 'Maybe' is not one of: Not started, In progress, Complete," in " ".join(
        out.split()
    )


def test_a_rejected_wording_edit_shows_the_words_that_differ(tmp_path: Path) -> None:
    ws = load_workbook(WORKBOOKS / "returns" / "Burnley.xlsx")["Register"]
    edited = next(str(c.value) for c in ws["C"] if c.value and "view and update" in str(c.value))
    assert len(edited) > 100  # a long recommendation: whole, it would fill the screen
    out = _merge_dry_run(tmp_path, 250)
    section = out.split("Rejected edits")[1].split("\n\n")[0]
    row = next(line for line in section.splitlines() if "recommendation" in line)
    master, partner = (part.strip() for part in row.split("  ") if "…" in part)
    assert "view the status" in master and "view and update the status" in partner
    # around the edit only: the recommendation's opening words, the same in both, are left out
    assert not row.count(edited[:20]) and master.startswith("…") and partner.startswith("…")


def test_a_narrow_terminal_shows_each_row_as_a_block(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    result = CliRunner().invoke(
        cli, ["status", str(master), "--today", "2007-03-20"], env={"COLUMNS": "60"}
    )
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 60
    assert "partner      Burnley" in lines and "In progress  2" in lines


def test_a_long_note_wraps_within_its_column(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    result = CliRunner().invoke(cli, ["inspect", str(master)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 200
    header = next(i for i, line in enumerate(lines) if line.startswith("row "))
    body = lines[header + 2 :]
    assert any(line.startswith("6 ") for line in body)
    assert any(line.startswith("   ") for line in body)  # a record's note runs on below it
