"""merge end to end: workbooks built by the tests, merged, re-opened and checked cell by cell."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build
from click.testing import CliRunner
from openpyxl import load_workbook

from sync import merge_files, read_register
from sync.cli import cli
from sync.state import HISTORY_SHEET, LOG_SHEET, STATE_SHEET

TODAY = date(2007, 3, 20)
MASTER_ROWS: list[Any] = [
    "Partnership Working",
    [
        "Chorley",
        "8.",
        "To keep dialogues up to date",
        "Information Officer",
        date(2007, 12, 31),
        "In progress",
        "Amber",
        "7 September 2005\nDialogues reviewed.",
        date(2005, 9, 7),
    ],
    [
        "Chorley",
        "9.",
        "To load Planning software on more PCs",
        "ICT Manager",
        date(2007, 12, 31),
        "In progress",
        "Amber",
        "10 October 2006\nPlanning Online used.",
        date(2006, 10, 10),
    ],
    [
        "Chorley",
        "10.",
        "To promote the web site",
        "Web Officer",
        date(2007, 12, 31),
        "Not started",
        "Red",
        None,
        None,
    ],
    "External Publicity",
    [
        "Burnley",
        "R1",
        "Single number for all services",
        "Head of Customer Services",
        date(2007, 6, 30),
        "In progress",
        "Amber",
        "9 January 2007\nNumber agreed.",
        date(2007, 1, 9),
    ],
]


def make_master(tmp_path: Path) -> Path:
    return build(
        tmp_path / "master.xlsx",
        Sheet(
            titles=["Lancashire Partnership", "Register of Recommendations"],
            header=HEADER,
            rows=MASTER_ROWS,
            dropdowns={"Status": ["Not started", "In progress", "Complete", "Closed", "Paused"]},
        ),
    )


def chorley_return(tmp_path: Path, *, formula: bool = False) -> Path:
    """Chorley's own return: renamed and reordered columns, a column of their own, a synonym,
    an edit to locked wording, a new row, and ref 9. left out."""
    header = [
        "Current Position",
        "Rec No.",
        "Status",
        "Recommendation",
        "Date Updated",
        "Our notes",
    ]
    note = (
        '=HYPERLINK("http://intranet/oss","see intranet")'
        if formula
        else ("7 September 2005\nDialogues reviewed.\n6 March 2007\nInformation Officer in post.")
    )
    rows = [
        [note, "8", "Done", "To keep dialogues up to date", date(2007, 3, 6), "ask Asim"],
        [
            "6 March 2007\nArticle in Borough News.",
            "10.",
            "Ongoing",
            "To promote the web site better",
            date(2007, 3, 6),
            None,
        ],
        [
            "6 March 2007\nNew idea from the user group.",
            "30.",
            "Not started",
            "To survey customers each year",
            date(2007, 3, 6),
            None,
        ],
    ]
    path = build(
        tmp_path / "returns" / "Chorley.xlsx",
        Sheet(name="Our return", titles=["Return from Chorley"], header=header, rows=rows),
    )
    if formula:
        wb = load_workbook(path)
        ws = wb["Our return"]
        ws["A4"].data_type = "s"  # typed as text, as Excel keeps a note starting with '='
        wb.save(path)
    return path


def cell_dump(path: Path) -> dict[str, tuple[Any, str, str, Any]]:
    """Sheet!A1 -> (value, number format, fill colour, font bold) for every cell of every sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    dump = {}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                dump[f"{ws.title}!{c.coordinate}"] = (
                    c.value,
                    c.number_format,
                    c.fill.fgColor.rgb if c.fill else None,
                    c.font.b,
                )
    return dump


def test_merge_applies_partner_fields_and_leaves_everything_else(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    before = cell_dump(master)
    ret = chorley_return(tmp_path)
    result = merge_files(master, [ret], today=TODAY)
    plan = result.plan
    changes = {(c.ref, c.field): c.new for c in plan.changes}
    assert changes == {
        ("8.", "status"): "Complete",
        (
            "8.",
            "progress",
        ): "7 September 2005\nDialogues reviewed.\n6 March 2007\nInformation Officer in post.",
        ("8.", "updated"): date(2007, 3, 6),
        ("10.", "status"): "In progress",
        ("10.", "progress"): "6 March 2007\nArticle in Borough News.",
        ("10.", "updated"): date(2007, 3, 6),
    }
    assert [(r.ref, r.field, r.theirs) for r in plan.rejected_edits] == [
        ("10.", "recommendation", "To promote the web site better")
    ]
    assert [(a.partner, a.ref) for a in plan.added] == [("Chorley", "30.")]
    assert [(m.partner, m.ref) for m in plan.missing] == [("Chorley", "9.")]
    assert result.written == master and result.backup is not None and result.backup.exists()

    after = cell_dump(master)
    # the return has no sections: the new row joins Chorley's rows (8. to 10., rows 6-8),
    # above the next heading; every row below moves down one, as it was
    planned = {f"Register!{c.cell.address}" for c in plan.changes}
    inserted = {k for k in after if k.startswith("Register!") and _row(k) == 9}
    ours = (LOG_SHEET, HISTORY_SHEET, STATE_SHEET)
    for key, value in before.items():
        if _moved(key) in planned:
            continue
        assert after.get(_moved(key)) == value, f"{key} changed though it was not in the plan"
    for key in set(after) - {_moved(k) for k in before}:
        assert key.split("!")[0] in ours or key in planned or key in inserted, key
    assert after["Register!F6"][0] == "Complete"  # the canonical word, not the partner's "Done"
    # the new row takes the formatting of the row above, and reads back in its section
    reg = read_register(master)
    refs = [reg.value(i, "ref") for i in range(len(reg))]
    assert refs == ["8.", "9.", "10.", "30.", "R1"] and reg.rows == [6, 7, 8, 9, 11]
    assert reg.value(3, "section") == "Partnership Working"
    assert reg.value(4, "section") == "External Publicity"
    assert after["Register!B9"][1:] == before["Register!B8"][1:]
    wb = load_workbook(master)
    assert wb[STATE_SHEET].sheet_state == "veryHidden"
    log = [[c.value for c in r] for r in wb[LOG_SHEET].iter_rows(min_row=2)]
    assert {(r[2], r[3]) for r in log} >= {("8.", "status"), ("30.", "(new row)")}
    assert all(r[6].startswith("Chorley.xlsx!'Our return'!") for r in log)
    history = [[c.value for c in r] for r in wb[HISTORY_SHEET].iter_rows(min_row=2)]
    assert [r[2] for r in history] == ["8.", "8.", "10.", "30."]
    assert history[0][3] == "7 September 2005\nDialogues reviewed."  # the note it replaced is kept


def _row(key: str) -> int:
    return int("".join(ch for ch in key.split("!")[1] if ch.isdigit()))


def _moved(key: str, at: int = 9) -> str:
    """A cell of the master before the merge, where it is after one row went in at `at`."""
    sheet, address = key.split("!")
    row = _row(key)
    if sheet != "Register" or row < at:
        return key
    return f"{sheet}!{address.rstrip('0123456789')}{row + 1}"


def test_merging_twice_changes_nothing_and_writes_nothing(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    ret = chorley_return(tmp_path)
    merge_files(master, [ret], today=TODAY)
    first = master.read_bytes()
    again = merge_files(master, [ret], today=TODAY)
    assert again.plan.changes == [] and again.plan.added == [] and again.plan.history == []
    assert again.written is None
    assert master.read_bytes() == first


def test_a_date_the_coordinator_changed_since_the_last_merge_is_kept(tmp_path: Path) -> None:
    # The sync state remembers the 6 March 2007 the partner sent. When the coordinator then
    # corrects the master's date and the same return comes in again, the partner has changed
    # nothing since: the coordinator's date stays. (A state date read back as text would look
    # like a change by the partner and undo the correction.)
    from sync.write.patch import patch

    master = make_master(tmp_path)
    ret = chorley_return(tmp_path)
    merge_files(master, [ret], today=TODAY)
    assert load_workbook(master)["Register"]["I6"].value.date() == date(2007, 3, 6)
    patch(master, master, {"Register!I6": date(2007, 3, 10)})
    again = merge_files(master, [ret], today=TODAY)
    assert [(c.ref, c.field) for c in again.plan.changes] == []
    assert again.plan.conflicts == []
    assert load_workbook(master)["Register"]["I6"].value.date() == date(2007, 3, 10)


def test_a_pasted_formula_lands_as_text(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    merge_files(master, [chorley_return(tmp_path, formula=True)], today=TODAY)
    wb = load_workbook(master)
    cell = wb["Register"]["H6"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://intranet/oss","see intranet")'


def test_three_way_conflict_from_an_issued_return(tmp_path: Path) -> None:
    from sync.issue import issue_returns
    from sync.write.patch import patch

    master = make_master(tmp_path)
    (issued,) = issue_returns(master, tmp_path / "out", ["Chorley"], today=date(2007, 3, 1))
    reg = read_register(issued.path)
    wb = load_workbook(issued.path)
    ws = wb[reg.sheet]
    ws[reg.cell(0, "status").address] = "Complete"
    ws[reg.cell(1, "progress").address] = "9 March 2007\nPartner note."
    wb.save(issued.path)
    patch(master, master, {"Register!F6": "Paused"})  # the coordinator changed 8. after issue
    result = merge_files(master, [issued.path], today=TODAY)
    (conflict,) = result.plan.conflicts
    assert (conflict.ref, conflict.base, conflict.master, conflict.theirs) == (
        "8.",
        "In progress",
        "Paused",
        "Complete",
    )
    assert [(c.ref, c.field) for c in result.plan.changes] == [("9.", "progress")]
    assert load_workbook(master)["Register"]["F6"].value == "Paused"


def test_a_return_with_errors_is_rejected_and_the_rest_merge(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    good = chorley_return(tmp_path)
    bad = build(
        tmp_path / "returns" / "Burnley.xlsx",
        Sheet(
            header=["Ref", "Status", "Recommendation"],
            rows=[["R1", "Maybe", "Single number for all services"]],
        ),
    )
    result = CliRunner().invoke(
        cli,
        ["merge", str(master), str(good), str(bad), "--format", "json", "--today", "2007-03-20"],
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    statuses = {r["partner"]: r["status"] for r in data["returns"]}
    assert statuses == {"Chorley": "merged", "Burnley": "rejected"}
    assert data["returns"][1]["findings"][0]["cell"] == "B2"
    assert {"partner", "ref", "field", "old", "new", "source"} <= set(data["changes"][0])
    assert data["added"] == [
        {"partner": "Chorley", "ref": "30.", "source": "Chorley.xlsx!'Our return'!B6"}
    ]
    assert (
        data["missing"]
        == [{"partner": "Chorley", "ref": "9."}, {"partner": "Burnley", "ref": "R1"}][:1]
    )


def test_dry_run_writes_nothing_and_an_open_master_is_refused(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    ret = chorley_return(tmp_path)
    original = master.read_bytes()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["merge", str(master), str(ret), "--dry-run", "--today", "2007-03-20"]
    )
    assert result.exit_code == 0 and "dry run" in result.output
    assert master.read_bytes() == original
    (tmp_path / "~$master.xlsx").write_bytes(b"owner")
    result = runner.invoke(cli, ["merge", str(master), str(ret)])
    assert result.exit_code == 2
    assert "master.xlsx" in result.stderr and "open" in result.stderr
    assert master.read_bytes() == original
    assert runner.invoke(cli, ["merge", str(master), str(ret), "--force"]).exit_code == 0


def test_a_crash_mid_save_leaves_the_previous_master(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    ret = chorley_return(tmp_path)
    original = master.read_bytes()
    script = (
        "import os, sys\n"
        "import sync.write.atomic as atomic\n"
        "real = os.replace\n"
        "def dying(src, dst):\n"
        "    os._exit(9)  # killed after the new file is written, before it replaces the master\n"
        "atomic.os.replace = dying\n"
        "from sync import merge_files\n"
        f"merge_files({str(master)!r}, [{str(ret)!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    assert master.read_bytes() == original
    assert read_register(master).value(0, "status") == "In progress"
    # the next run merges normally
    assert merge_files(master, [ret]).written == master
    assert read_register(master).value(0, "status") == "Complete"


@pytest.mark.parametrize("prefer", ["return"])
def test_prefer_return_takes_the_partner_value_in_a_conflict(tmp_path: Path, prefer: str) -> None:
    from sync.issue import issue_returns
    from sync.write.patch import patch

    master = make_master(tmp_path)
    (issued,) = issue_returns(master, tmp_path / "out", ["Chorley"], today=date(2007, 3, 1))
    reg = read_register(issued.path)
    wb = load_workbook(issued.path)
    wb[reg.sheet][reg.cell(0, "status").address] = "Complete"
    wb.save(issued.path)
    patch(master, master, {"Register!F6": "Paused"})
    result = merge_files(master, [issued.path], prefer=prefer)
    assert result.plan.conflicts[0].kept == "return"
    assert load_workbook(master)["Register"]["F6"].value == "Complete"
