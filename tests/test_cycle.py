"""The whole cycle on the sample workbooks: issue, edit, validate, merge, push, status."""

from __future__ import annotations

import json
import shutil
import warnings
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from sync import read_register
from sync.cli import cli
from sync.write.patch import patch

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"


def values(path: Path, sheet: str | None = None) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    out = {}
    for ws in [wb[sheet]] if sheet else wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[f"{ws.title}!{c.coordinate}"] = c.value
    return out


def styles(path: Path, sheet: str) -> dict[str, tuple[Any, ...]]:
    """Each cell's resolved style: number format, font, fill, border and alignment."""
    wb = load_workbook(path)
    return {
        c.coordinate: (
            c.number_format,
            c.font.b,
            c.font.name,
            c.font.sz,
            c.fill.fgColor.rgb,
            c.border.left.style,
            c.border.bottom.style,
            c.alignment.wrap_text,
            c.protection.locked,
        )
        for row in wb[sheet].iter_rows()
        for c in row
    }


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_issue_edit_validate_merge_push_status(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    returns = tmp_path / "returns"

    # issue: one return per partner, locked where partners must not type, base stored inside
    result = run(
        "issue",
        str(master),
        "--out",
        str(returns),
        "--deadline",
        "2007-03-09",
        "--today",
        "2007-03-01",
    )
    assert result.exit_code == 0, result.output
    issued = sorted(p.name for p in returns.iterdir())
    assert issued == [
        "Burnley.xlsx",
        "Chorley.xlsx",
        "Hyndburn.xlsx",
        "Lancashire County.xlsx",
        "Rossendale.xlsx",
        "South Ribble.xlsx",
        "West Lancashire.xlsx",
    ]
    (returns / "Lancashire County.xlsx").unlink()
    wb = load_workbook(returns / "Chorley.xlsx")
    ws = wb["Return"]
    assert wb["_xlsync_base"].sheet_state == "veryHidden"
    assert ws.protection.sheet and not ws.protection.sort and not ws.protection.autoFilter
    chorley = read_register(returns / "Chorley.xlsx")
    assert ws[chorley.cell(0, "status").address].protection.locked is False
    assert ws[chorley.cell(0, "recommendation").address].protection.locked is True
    assert any("Complete" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    assert run("validate", str(returns), "--today", "2007-03-20").exit_code == 0

    # partners edit their returns as Excel would
    ref_c = chorley.value(0, "ref")
    ws[chorley.cell(0, "status").address] = "Complete"
    ws[chorley.cell(0, "progress").address] = "9 March 2007\nAll done."
    ws[chorley.cell(0, "updated").address] = date(2007, 3, 9)
    new_row = chorley.last_row + 1
    for field, value in {
        "partner": "Chorley",
        "ref": "28.",
        "recommendation": "To publicise the text phone",
        "status": "Not started",
    }.items():
        ws.cell(new_row, chorley.columns[field], value)
    wb.save(returns / "Chorley.xlsx")
    burnley = read_register(returns / "Burnley.xlsx")
    wb = load_workbook(returns / "Burnley.xlsx")
    wb["Return"][burnley.cell(0, "status").address] = "Complete"
    wb.save(returns / "Burnley.xlsx")
    (returns / "Rossendale.xlsx").unlink()

    # the coordinator pauses Burnley's first item after issue: Burnley's edit must conflict
    reg = read_register(master)
    b0 = next(
        i
        for i, r in enumerate(reg.records())
        if r["partner"] == "Burnley" and r["ref"] == burnley.value(0, "ref")
    )
    patch(master, master, {str(reg.cell(b0, "status")): "Paused"})
    before = values(master, "Register")
    before_styles = styles(master, "Register")

    result = run("validate", str(returns), "--today", "2007-03-20", "--format", "json")
    assert result.exit_code == 0, result.output

    result = run("merge", str(master), str(returns), "--today", "2007-03-20", "--format", "json")
    assert result.exit_code == 1  # the conflict is left for the coordinator
    data = json.loads(result.output)
    assert [(c["partner"], c["field"], c["master"], c["return"]) for c in data["conflicts"]] == [
        ("Burnley", "status", "Paused", "Complete")
    ]
    changed = {(c["partner"], c["ref"], c["field"]): c["new"] for c in data["changes"]}
    assert changed == {
        ("Chorley", ref_c, "status"): "Complete",
        ("Chorley", ref_c, "progress"): "9 March 2007\nAll done.",
        ("Chorley", ref_c, "updated"): "2007-03-09",
    }
    assert data["added"][0]["ref"] == "28."
    after = values(master, "Register")
    planned = {c["cell"] for c in data["changes"]}
    for key, value in before.items():
        if key not in planned:
            assert after[key] == value, key
    after_styles = styles(master, "Register")
    moved = {k: (v, after_styles[k]) for k, v in before_styles.items() if after_styles[k] != v}
    assert moved == {}
    merged = read_register(master)
    assert merged.value(len(merged) - 1, "ref") == "28."

    # push the new recommendation into Chorley's own tracker, in Chorley's layout
    tracker = tmp_path / "one_stop_shop.xlsx"
    shutil.copy(WORKBOOKS / "one_stop_shop.xlsx", tracker)
    own_before = values(tracker)
    own = read_register(tracker)
    result = run("push", str(master), str(tracker), "--partner", "Chorley", "--format", "json")
    assert result.exit_code == 0, result.output
    pushed = json.loads(result.output)
    assert "28." in [a["ref"] for a in pushed["added"]]
    assert all(
        c["field"] in ("recommendation", "target_date", "lead", "agreed_date")
        for c in pushed["changes"]
    )
    own_after = values(tracker)
    touched = {f"{own.sheet}!{c['cell'].split('!')[-1]}" for c in pushed["changes"]}
    for key, value in own_before.items():
        if key not in touched:
            assert own_after.get(key) == value, key
    now = read_register(tracker)
    assert now.value(len(now) - 1, "ref") == "28." and now.value(len(now) - 1, "progress") is None
    again = run("push", str(master), str(tracker), "--partner", "Chorley", "--format", "json")
    assert json.loads(again.output)["changes"] == [] and json.loads(again.output)["added"] == []

    # status: Rossendale has not returned and the deadline has passed
    result = run(
        "status",
        str(master),
        "--returns",
        str(returns),
        "--today",
        "2007-03-20",
        "--exclude",
        "Lancashire County",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["missing"] == ["Rossendale"]
    assert data["deadline"] == "2007-03-09"
    early = run(
        "status",
        str(master),
        "--returns",
        str(returns),
        "--today",
        "2007-03-08",
        "--exclude",
        "Lancashire County",
    )
    assert early.exit_code == 0
    assert "Not returned (deadline 2007-03-09): Rossendale" in early.output
    chorley_status = next(p for p in data["partners"] if p["partner"] == "Chorley")
    assert chorley_status["records"] == 8 and chorley_status["last_merged"]


def test_a_tampered_base_is_merged_two_way_with_a_warning(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    assert (
        run("issue", str(master), "--out", str(tmp_path / "r"), "--partner", "Chorley").exit_code
        == 0
    )
    path = tmp_path / "r" / "Chorley.xlsx"
    wb = load_workbook(path)
    stored = wb["_xlsync_base"]["A4"].value  # compressed JSON as base64: change one character
    wb["_xlsync_base"]["A4"] = stored[:40] + ("A" if stored[40] != "A" else "B") + stored[41:]
    wb.save(path)
    result = run("merge", str(master), str(path), "--dry-run", "--format", "json")
    findings = json.loads(result.output)["returns"][0]["findings"]
    assert "base-tampered" in [f["code"] for f in findings]
