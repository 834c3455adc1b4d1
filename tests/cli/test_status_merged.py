"""status counts a return as merged once the master holds it, changed or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from clirun import WORKBOOKS, run

from sync.cli import cli


def test_status_counts_an_unchanged_return_once_merged(master: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    for name in ("West Lancashire.xlsx", "Burnley.xlsx"):
        shutil.copy(WORKBOOKS / "returns" / name, returns / name)
    before = master.read_bytes()
    merged = run("merge", master, returns / "West Lancashire.xlsx")
    assert merged.exit_code == 0
    assert master.read_bytes() == before  # nothing to change, nothing written
    result = run("status", master, "--returns", returns, "--format", "json")
    assert result.exit_code == 0, result.stderr
    by = {p["partner"]: p for p in json.loads(result.stdout)["partners"]}
    west, burnley = by["West Lancashire"], by["Burnley"]
    assert (west["returned"], west["up_to_date"], west["newer_than_merge"]) == (True, True, False)
    assert (burnley["returned"], burnley["up_to_date"], burnley["newer_than_merge"]) == (
        True,
        False,
        True,
    )
    # wide enough that no cell wraps: the words are counted, not the layout
    wide = CliRunner().invoke(
        cli, ["status", str(master), "--returns", str(returns)], env={"COLUMNS": "250"}
    )
    text = wide.stdout
    assert text.count("up to date") == 1  # West Lancashire's last merge


def test_status_in_the_demo_counts_the_unchanged_return(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    assert run("demo", demo).exit_code == 0
    result = run(
        "status",
        demo / "master.xlsx",
        "--returns",
        demo / "returns",
        "--today",
        "2007-03-20",
        "--format",
        "json",
    )
    by = {p["partner"]: p for p in json.loads(result.stdout)["partners"]}
    west = by["West Lancashire"]
    assert (west["returned"], west["up_to_date"], west["newer_than_merge"]) == (True, True, False)
    assert by["Hyndburn"]["newer_than_merge"]  # rejected for its errors: not merged
