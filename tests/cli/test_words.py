"""Messages speak the officer's words: a push names the partner's tracker; dates as day/month/year."""

from __future__ import annotations

import shutil
from pathlib import Path

from builders import Sheet, build
from click.testing import CliRunner

from sync.cli import cli
from sync.read.table import read_register
from sync.write.patch import patch

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def test_push_speaks_of_the_partners_tracker(tmp_path: Path) -> None:
    tracker = tmp_path / "Chorley tracker.xlsx"
    shutil.copy(WORKBOOKS / "one_stop_shop.xlsx", tracker)
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    register = read_register(master)
    theirs = {r["ref"] for r in read_register(tracker).records()}
    row = next(
        i
        for i, r in enumerate(register.records())
        if r["partner"] == "Chorley" and r["ref"] in theirs
    )
    reworded = f"{register.value(row, 'recommendation')} (reworded by the panel)"
    patch(master, master, {str(register.cell(row, "recommendation")): reworded})
    first = CliRunner().invoke(
        cli, ["push", str(master), str(tracker), "--partner", "Chorley"], env={"COLUMNS": "300"}
    )
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("tracker ")
    assert "Changes to the tracker:" in first.stdout
    assert "(reworded by the panel)" in first.stdout
    again = CliRunner().invoke(cli, ["push", str(master), str(tracker), "--partner", "Chorley"])
    assert "Nothing to change; the tracker was not written." in again.stdout
    assert "master" not in again.stdout and "return" not in again.stdout


def test_push_to_an_unknown_or_unnamed_partner_is_refused(tmp_path: Path) -> None:
    tracker = tmp_path / "tracker.xlsx"
    shutil.copy(WORKBOOKS / "one_stop_shop.xlsx", tracker)
    before = tracker.read_bytes()
    master = str(WORKBOOKS / "master.xlsx")
    unknown = CliRunner().invoke(cli, ["push", master, str(tracker), "--partner", "Nowhere"])
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "xlsync: tracker.xlsx: the master has no partner called 'Nowhere'; partners: Burnley, "
        "Chorley, Hyndburn, Lancashire County, Rossendale, South Ribble, West Lancashire"
    )
    unnamed = CliRunner().invoke(cli, ["push", master, str(tracker)])
    assert unnamed.exit_code == 2
    assert unnamed.stderr.startswith("xlsync: tracker.xlsx: cannot tell whose tracker this is;")
    assert tracker.read_bytes() == before


def test_dates_are_asked_for_as_day_month_year(tmp_path: Path) -> None:
    bad_option = CliRunner().invoke(
        cli, ["status", str(WORKBOOKS / "master.xlsx"), "--today", "32/13/2007"]
    )
    assert bad_option.exit_code == 2
    assert "'32/13/2007' is not a date: use day/month/year, e.g. 06/03/2007" in bad_option.stderr
    assert "%d" not in bad_option.stderr
    book = build(
        tmp_path / "Chorley.xlsx",
        Sheet(
            header=["Ref", "Recommendation", "Status", "Target Date"],
            rows=[["1", "One", "In progress", "next Tuesday-ish"]],
        ),
    )
    result = CliRunner().invoke(
        cli, ["validate", str(book), "--today", "20/03/2007"], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 1
    assert "is not a date (use day/month/year, e.g. 06/03/2007)" in " ".join(result.stdout.split())
