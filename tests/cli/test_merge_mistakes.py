"""merge refuses the mistakes people make with returns: the wrong master, the wrong partner,
the arguments swapped, two returns from one partner, and rows with errors taken for missing."""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from clirun import WORKBOOKS, errors, run, snapshot
from openpyxl import load_workbook

from sync import read_register
from sync.read.open import open_book
from sync.state import BASE_SHEET, ISSUED_FROM, issued_meta, master_identity

REPROS = Path(__file__).resolve().parents[3] / "shared" / "fuzz-repro"


def edit(path: Path, changes: dict[tuple[int, str], Any], to: Path | None = None) -> Path:
    """A partner's edits to records (by index) of a return, made in Excel and saved."""
    register = read_register(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    for (index, name), value in changes.items():
        cell = register.cell(index, name)
        wb[cell.sheet][str(cell).split("!")[-1]] = value
    wb.save(to or path)
    return to or path


def index_of(register: Any, partner: str, ref: str) -> int:
    return next(
        i
        for i in range(len(register.rows))
        if register.value(i, "partner") == partner and str(register.value(i, "ref")) == ref
    )


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """A county master that has issued its returns into `issued/`."""
    master = tmp_path / "county.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    assert run("issue", master, "--out", tmp_path / "issued").exit_code == 0
    return master


# 1. a return merged into the wrong master


def test_issue_gives_the_master_an_identity_its_returns_carry(county: Path, tmp_path: Path) -> None:
    ident = master_identity(open_book(county))
    assert ident
    assert issued_meta(open_book(tmp_path / "issued" / "Chorley.xlsx"))[ISSUED_FROM] == ident
    before = county.read_bytes()
    assert run("issue", county, "--out", tmp_path / "again").exit_code == 0
    assert county.read_bytes() == before  # given once: a second issue writes no master
    chorley = edit(tmp_path / "issued" / "Chorley.xlsx", {(0, "status"): "Complete"})
    result = run("merge", county, chorley)
    assert result.exit_code == 0, result.stderr
    assert read_register(county).value(4, "status") == "Complete"
    assert master_identity(open_book(county)) == ident  # kept through the merge


def test_a_return_from_another_master_is_refused_naming_both(county: Path, tmp_path: Path) -> None:
    other = tmp_path / "district tracker.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", other)
    assert run("issue", other, "--out", tmp_path / "theirs").exit_code == 0
    chorley = edit(tmp_path / "issued" / "Chorley.xlsx", {(0, "status"): "Complete"})
    before = snapshot(tmp_path)
    result = run("merge", other, chorley)
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: was issued from county.xlsx, not from district tracker.xlsx; "
        "a return merges only into the master it was issued from"
    ]
    assert snapshot(tmp_path) == before


def test_a_return_into_a_master_that_never_issued_is_refused(county: Path, tmp_path: Path) -> None:
    other = tmp_path / "tracker.xlsx"  # another council's, never issued from
    shutil.copy(WORKBOOKS / "master.xlsx", other)
    before = other.read_bytes()
    result = run("merge", other, tmp_path / "issued" / "Chorley.xlsx")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: was issued from county.xlsx, not from tracker.xlsx; a return "
        "merges only into the master it was issued from"
    ]
    assert other.read_bytes() == before


def test_a_return_into_another_master_of_the_same_name_is_refused(
    county: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other" / "county.xlsx"
    other.parent.mkdir()
    shutil.copy(WORKBOOKS / "master.xlsx", other)
    assert run("issue", other, "--out", tmp_path / "other" / "issued").exit_code == 0
    before = other.read_bytes()
    result = run("merge", other, tmp_path / "issued" / "Chorley.xlsx")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: was issued from another master also called county.xlsx, not "
        "from county.xlsx; a return merges only into the master it was issued from"
    ]
    assert other.read_bytes() == before


def test_masters_and_returns_without_an_identity_still_merge(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)  # written before masters had an identity
    result = run("merge", master, WORKBOOKS / "returns" / "Chorley.xlsx")
    assert result.exit_code == 0, result.stderr
    assert read_register(master).value(4, "updated") == date(2007, 3, 6)
    # a return issued before returns carried their master's identity
    assert run("issue", master, "--out", tmp_path / "issued", "--partner", "Burnley").exit_code == 0
    burnley = tmp_path / "issued" / "Burnley.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(burnley)
    meta = json.loads(wb[BASE_SHEET]["A2"].value)
    del meta[ISSUED_FROM]
    wb[BASE_SHEET]["A2"] = json.dumps(meta, sort_keys=True)
    wb.save(burnley)
    edit(burnley, {(0, "status"): "Complete"})
    other = tmp_path / "copy.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", other)
    result = run("merge", other, burnley)
    assert result.exit_code == 0, result.stderr
    merged = read_register(other)
    ref = str(read_register(burnley).value(0, "ref"))
    assert merged.value(index_of(merged, "Burnley", ref), "status") == "Complete"


# 2. --partner contradicting the return


def test_partner_contradicting_an_issued_return_is_refused(county: Path, tmp_path: Path) -> None:
    chorley = edit(tmp_path / "issued" / "Chorley.xlsx", {(0, "status"): "Complete"})
    before = snapshot(tmp_path)
    result = run("merge", county, chorley, "--partner", "Burnley")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: --partner 'Burnley' contradicts the return, which is from "
        "Chorley; it was not merged (leave --partner out, or give the right return)"
    ]
    assert snapshot(tmp_path) == before


def test_partner_contradicting_the_partner_column_is_refused(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    chorley = tmp_path / "return.xlsx"
    shutil.copy(WORKBOOKS / "returns" / "Chorley.xlsx", chorley)
    before = master.read_bytes()
    result = run("merge", master, chorley, "--partner", "Burnley")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: return.xlsx: --partner 'Burnley' contradicts the return, which is from "
        "Chorley; it was not merged (leave --partner out, or give the right return)"
    ]
    assert master.read_bytes() == before
    assert run("merge", master, chorley, "--partner", "chorley").exit_code == 0  # agrees


# 3. arguments swapped


def test_a_return_given_as_the_master_is_refused(county: Path, tmp_path: Path) -> None:
    chorley = tmp_path / "issued" / "Chorley.xlsx"
    before = snapshot(tmp_path)
    result = run("merge", chorley, county)
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: Chorley.xlsx: is a return xlsync issued to Chorley, not a master; name the "
        "master first, then the returns: xlsync merge MASTER RETURN"
    ]
    assert snapshot(tmp_path) == before
    result = run("merge", chorley, county, "--partner", "Chorley")
    assert result.exit_code == 2
    assert snapshot(tmp_path) == before


# 4. two returns from one partner in one run


def test_two_returns_from_one_partner_neither_newer_are_both_refused(
    county: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    issued = tmp_path / "issued" / "Chorley.xlsx"
    edit(
        issued,
        {(0, "status"): "Complete", (0, "updated"): date(2007, 3, 6)},
        inbox / "Chorley.xlsx",
    )
    edit(issued, {(1, "updated"): date(2007, 3, 8)}, inbox / "Chorley (2).xlsx")
    before = county.read_bytes()
    result = run("merge", county, inbox, "--format", "json")
    assert result.exit_code == 1
    both = "another return from Chorley in this run (Chorley (2).xlsx, Chorley.xlsx)"
    assert errors(result) == [
        "xlsync: Chorley (2).xlsx, Chorley.xlsx: 2 returns from Chorley and none is clearly "
        "the newer, so none was merged; merge the right one on its own",
        f"xlsync: Chorley (2).xlsx: rejected, {both}; none is clearly the newer",
        f"xlsync: Chorley.xlsx: rejected, {both}; none is clearly the newer",
    ]
    statuses = {Path(r["path"]).name: r["status"] for r in json.loads(result.stdout)["returns"]}
    assert statuses == {"Chorley.xlsx": "rejected", "Chorley (2).xlsx": "rejected"}
    assert county.read_bytes() == before


def test_of_two_returns_from_one_partner_the_clearly_newer_is_taken(
    county: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    issued = tmp_path / "issued" / "Chorley.xlsx"
    done = {(0, "status"): "Complete", (0, "updated"): date(2007, 3, 6)}
    edit(issued, done, inbox / "Chorley (2).xlsx")
    edit(issued, {(0, "updated"): date(2007, 3, 1)}, inbox / "Chorley.xlsx")
    result = run("merge", county, inbox)
    assert result.exit_code == 0, result.stderr
    assert errors(result) == [
        "xlsync: Chorley (2).xlsx: taken, not Chorley.xlsx (all from Chorley): its Last "
        "Updated dates are as late or later on every row, and later on some"
    ]
    master = read_register(county)
    assert (master.value(4, "status"), master.value(4, "updated")) == ("Complete", date(2007, 3, 6))


# 8. --accept-valid-rows


def test_accept_valid_rows_reports_rejected_rows_and_rejects_both_duplicates(
    tmp_path: Path,
) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    before = read_register(master)
    hyndburn = WORKBOOKS / "returns" / "Hyndburn.xlsx"
    result = run(
        "merge",
        master,
        hyndburn,
        "--accept-valid-rows",
        "--today",
        "2007-03-20",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert errors(result) == []
    data = json.loads(result.stdout)
    assert [m for m in data["missing"] if m["partner"] == "Hyndburn"] == []
    rejected = {(r["ref"], r["source"]): r["errors"] for r in data["rejected_rows"]}
    assert rejected[("5", "Hyndburn.xlsx!Register!B13")] == [
        "Ref '5' appears more than once for Hyndburn (also row 16)"
    ]
    assert rejected[("5", "Hyndburn.xlsx!Register!B16")] == [
        "Ref '5' appears more than once for Hyndburn (also row 13)"
    ]
    assert rejected[("1", "Hyndburn.xlsx!Register!B10")] == [
        "Status 'Maybe' is not one of: Not started, In progress, Complete, Closed, Paused"
    ]
    assert len(rejected) == 6
    after = read_register(master)
    five = index_of(before, "Hyndburn", "5")
    assert after.value(five, "progress") == before.value(five, "progress")  # neither copy merged
    text = run(
        "merge", master, hyndburn, "--accept-valid-rows", "--today", "2007-03-20", "--dry-run"
    )
    assert "Rows not merged (errors in the return; the master keeps its values):" in text.stdout
    assert "Missing from the return" not in text.stdout


# 9. a value the writer refuses is named where it came from


def _date1904(path: Path) -> Path:
    """The master saved in the 1904 date system (old Mac Excel): no date before 1904 fits."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"<workbookPr />", b'<workbookPr date1904="1" />')
            dst.writestr(item, data)
    tmp.replace(path)
    return path


def test_a_refused_value_names_the_return_and_its_cell(tmp_path: Path) -> None:
    master = _date1904(shutil.copy(WORKBOOKS / "master.xlsx", tmp_path / "master.xlsx"))
    chorley = edit(
        WORKBOOKS / "returns" / "Chorley.xlsx",
        {(1, "updated"): date(1902, 3, 6)},
        tmp_path / "Chorley.xlsx",
    )
    cell = str(read_register(chorley).cell(1, "updated"))
    before = master.read_bytes()
    result = run("merge", master, chorley)
    assert result.exit_code == 2
    assert errors(result) == [
        f"xlsync: Chorley.xlsx ({cell}): 1902-03-06 is before 1904, the first date this "
        "workbook can show"
    ]
    assert master.read_bytes() == before


@pytest.mark.parametrize(
    ("repro", "name", "extra"),
    [
        ("targeted-year-typo-Chorley.xlsx", "Chorley.xlsx", []),
        (
            "multiline-or-unclear-content-dates-text-1730.xlsx",
            "return.xlsx",
            ["--partner", "Chorley"],
        ),
    ],
)
def test_a_bad_date_in_a_return_is_named_at_the_return(
    tmp_path: Path, repro: str, name: str, extra: list[str]
) -> None:
    if not (REPROS / repro).exists():
        pytest.skip(f"the shared reproducers are not beside the project ({REPROS})")
    master = shutil.copy(WORKBOOKS / "master.xlsx", tmp_path / "master.xlsx")
    bad = shutil.copy(REPROS / repro, tmp_path / name)
    before = Path(master).read_bytes()
    result = run("merge", master, bad, *extra, "--format", "json")
    assert result.exit_code == 1
    (ret,) = json.loads(result.stdout)["returns"]
    assert ret["status"] == "rejected"
    dates = [f for f in ret["findings"] if f["code"] == "not-a-date"]
    assert dates and all(f["sheet"] == "Register" and f["cell"] for f in dates)
    # its one line on stderr names the return and the first error's cell
    (line,) = errors(result)
    first = next(f for f in ret["findings"] if f["severity"] == "error")
    assert (
        line.startswith(f"xlsync: {name}: rejected, the return has validation errors: ")
        and f"Register!{first['cell']} {first['message']}" in line
    )
    assert "master.xlsx" not in json.dumps(ret)  # blamed on the return, never the master
    assert Path(master).read_bytes() == before
