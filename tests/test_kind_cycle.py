"""Every built-in kind through the whole cycle, its kind recognised by every command: issue,
merge of the returns as issued (nothing changes, nothing written), one partner's edit of one
field (exactly that cell changes), and diff (exactly that difference)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import Sheet, build
from click.testing import CliRunner
from test_keys import cell_of, cells, changed

from sync.cli import cli
from sync.write.patch import patch

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
PARTNERS = ["Burnley", "Chorley", "South Ribble"]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def indicators(path: Path) -> Path:
    """Three partners, two indicators each, three quarters of each."""
    rows: list[Any] = []
    for p, partner in enumerate(PARTNERS):
        for code, target in (("NI 181", 12.0), ("LPI 12", 80.0)):
            for q, actual in enumerate(
                (11.5, 12.4, 13.0) if code == "NI 181" else (81.5, 74.2, 79.0)
            ):
                polarity = "Lower is better" if code == "NI 181" else "Higher is better"
                actual += p  # each partner its own figures
                rows.append(
                    [partner, code, f"Indicator {code}", f"2008/09 Q{q + 1}", target, actual,
                     polarity, _rag(actual, target, polarity), f"Q{q + 1} return", date(2009, 1, 5)]
                )  # fmt: skip
    header = ["Partner", "PI Code", "Indicator", "Period", "Target", "Actual", "Polarity",
              "RAG", "Comments", "Last Updated"]  # fmt: skip
    return build(path, Sheet("Indicators", header, rows, titles=["Lancashire PIs 2008/09"]))


def _rag(actual: float, target: float, polarity: str) -> str:
    from sync.rules import expected_indicator_rag

    return expected_indicator_rag(actual, target, polarity) or ""


def risks(path: Path) -> Path:
    rows = [
        [partner, f"R0{n}", f"Risk {n} of {partner}", "Operational", n, 3, n * 3,
         "Head of Service", f"Controls for risk {n}", "Open", date(2007, 2, 1)]
        for partner in PARTNERS
        for n in (1, 2, 3)
    ]  # fmt: skip
    header = ["Partner", "Risk Ref", "Risk Description", "Category", "Likelihood", "Impact",
              "Risk Score", "Risk Owner", "Mitigation", "Status", "Last Reviewed"]  # fmt: skip
    return build(path, Sheet("Risk Register", header, rows, titles=["Partnership risks"]))


def action_plan(path: Path) -> Path:
    rows = [
        [partner, activity, "Property Services", f"{activity}: being progressed",
         "Corporate Director", date(2010, 9, 30), "In progress"]
        for partner in PARTNERS
        for activity in ("Facilities Management", "Shared Accommodation", "Joint Procurement")
    ]  # fmt: skip
    header = ["Partner", "Service Activity", "Section", "Current Position", "Responsibility",
              "Target Date", "Status"]  # fmt: skip
    return build(path, Sheet("Action Plan", header, rows, titles=["City and County activity"]))


def recommendations(path: Path) -> Path:
    return Path(shutil.copy(WORKBOOKS / "master.xlsx", path))


# kind: (make the master, sheet, the record edited, its field, the new value)
CASES: dict[str, tuple[Any, str, dict[str, str], str, Any]] = {
    "recommendations": (
        recommendations,
        "Register",
        {"partner": "Chorley", "ref": "11."},
        "status",
        "Paused",
    ),
    "indicators": (
        indicators,
        "Indicators",
        {"partner": "Chorley", "code": "LPI 12", "period": "2008/09 Q2"},
        "actual",
        74.5,
    ),
    "risks": (risks, "Risk Register", {"partner": "Chorley", "ref": "R02"}, "status", "Escalated"),
    "action_plan": (
        action_plan,
        "Action Plan",
        {"partner": "Chorley", "activity": "Shared Accommodation"},
        "status",
        "Complete",
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_issue_merge_unchanged_edit_one_field_and_diff(tmp_path: Path, kind: str) -> None:
    make, sheet, record, field, value = CASES[kind]
    master = make(tmp_path / "master.xlsx")
    returns = tmp_path / "returns"
    result = run("issue", str(master), "--out", str(returns), "--today", "2009-01-05")
    assert result.exit_code == 0, result.output
    assert len(list(returns.glob("*.xlsx"))) >= 3

    # the returns as issued: nothing to merge, and the master is not written at all
    before, stamp = master.read_bytes(), master.stat().st_mtime_ns
    result = run("merge", str(master), str(returns), "--today", "2009-01-20", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["changes"] == plan["added"] == plan["rejected_edits"] == plan["conflicts"] == []
    assert master.read_bytes() == before and master.stat().st_mtime_ns == stamp
    shutil.copy(master, tmp_path / "before.xlsx")

    # one partner edits one field of one record: that cell, and no other, changes
    chorley = returns / "Chorley.xlsx"
    theirs = {k: v for k, v in record.items() if k != "partner"}
    patch(chorley, chorley, {cell_of(chorley, kind, field, **theirs): value})
    old = cells(master)
    result = run("merge", str(master), str(chorley), "--today", "2009-01-20")
    assert result.exit_code == 0, result.output
    mine = cell_of(master, kind, field, **record)
    diff = changed(old, cells(master), sheet)
    assert list(diff) == [mine] and diff[mine][1] == value

    result = run("diff", str(tmp_path / "before.xlsx"), str(master), "--format", "json")
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    assert found["schema"] == kind and found["added"] == found["removed"] == []
    assert [(c["partner"], c["field"], c["new"], c["new_cell"]) for c in found["changed"]] == [
        ("Chorley", field, value, mine)
    ]
