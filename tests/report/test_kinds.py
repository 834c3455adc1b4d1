"""Every built-in kind through the whole cycle: `status` counts by the kind's own vocabulary
and rule, and the committee report takes the form the kind's readers expect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from report.kind_masters import (
    ACTIVITIES,
    NOT_REPORTED,
    PARTNERS,
    PERIODS,
    RISKS,
    action_plan_master,
    indicators_master,
    risks_master,
)

from sync.cli import cli


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def status_text(master: Path, today: str, monkeypatch: Any) -> str:
    monkeypatch.setenv("COLUMNS", "160")  # the table on one line per partner
    result = run("status", str(master), "--today", today)
    assert result.exit_code == 0, result.output
    return str(result.output)


def status_json(master: Path, today: str) -> dict[str, Any]:
    result = run("status", str(master), "--today", today, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_status_counts_risks_by_their_own_statuses(tmp_path: Path, monkeypatch: Any) -> None:
    data = status_json(risks_master(tmp_path / "risks.xlsx"), "2007-03-20")
    assert data["statuses"] == ["Open", "Closed", "Escalated"] and data["rags"] == []
    for p in data["partners"]:
        mine = [r[-1] for r in RISKS if r[0] == p["partner"]]
        assert p["by_status"] == {s: mine.count(s) for s in set(mine)}
        assert p["overdue"] == []
    text = status_text(tmp_path / "risks.xlsx", "2007-03-20", monkeypatch)
    assert "Escalated" in text and "Not started" not in text and "RAG" not in text


def test_status_counts_indicators_by_rag_and_the_current_period(
    tmp_path: Path, monkeypatch: Any
) -> None:
    data = status_json(indicators_master(tmp_path / "pis.xlsx"), "2009-01-20")
    assert data["statuses"] == [] and data["rags"] == ["Red", "Amber", "Green", "(blank)"]
    assert data["period"] == PERIODS[-1]
    by_partner = {p["partner"]: p for p in data["partners"]}
    assert by_partner[NOT_REPORTED[0]]["not_reported"] == [NOT_REPORTED[1]]
    assert all(p["due"] == 2 for p in data["partners"])
    assert [p for p in PARTNERS if by_partner[p]["not_reported"]] == [NOT_REPORTED[0]]
    text = status_text(tmp_path / "pis.xlsx", "2009-01-20", monkeypatch)
    assert f"reported {PERIODS[-1]}" in text and "1 of 2" in text
    assert f"Not yet reported for {PERIODS[-1]}" in text


def test_status_finds_overdue_activities_by_the_kinds_rule(tmp_path: Path) -> None:
    data = status_json(action_plan_master(tmp_path / "plan.xlsx"), "2007-03-20")
    assert data["statuses"][:5] == ["Not started", "In progress", "Complete", "Closed", "Paused"]
    late = {(p["partner"], a) for p in data["partners"] for a in p["overdue"]}
    from datetime import date

    expected = {
        (who, what)
        for who, what, _, due, status in ACTIVITIES
        if due < date(2007, 3, 20) and status not in ("Complete", "Closed")
    }
    assert late == expected and len(expected) == 3
