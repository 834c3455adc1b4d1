"""Field roles are declared in the schema file: the rules, `status` and `report` read their
fields from there, so a council's own kind, or its edit to a built-in one, drives all three."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import Sheet, build
from click.testing import CliRunner

from sync.cli import cli
from sync.errors import SchemaError
from sync.kinds import _schema_dir, kind_from_dict
from sync.report.committee import collect_report

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
TODAY = "2007-03-20"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def builtin(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((_schema_dir() / f"{name}.yaml").read_text("utf-8"))
    return data


# A council's own kind: none of its field names is one a built-in kind uses.
ACTIONS = {
    "name": "actions",
    "key": ["council", "action_no"],
    "roles": {
        "partner": "council",
        "title": "action",
        "lead": "officer",
        "status": "state",
        "done": ["Done"],
        "rag": "rating",
        "updated": "last_seen",
        "due": "due_by",
    },
    "fields": {
        "council": {"title": "Council", "owner": "coordinator"},
        "action_no": {"title": "Action No", "type": "ref", "required": True},
        "action": {"title": "Action", "required": True, "owner": "coordinator"},
        "officer": {"title": "Officer", "owner": "coordinator"},
        "due_by": {"title": "Due By", "type": "date", "owner": "coordinator"},
        "state": {"title": "State", "vocabulary": ["Open", "Done", "Stopped"]},
        "rating": {"title": "Rating", "vocabulary": ["Red", "Amber", "Green"]},
        "notes": {"title": "Notes", "history": True},
        "last_seen": {"title": "Last Seen", "type": "date"},
    },
    "rules": [
        {"rule": "needs-progress"},
        {"rule": "not-future"},
        {"rule": "overdue"},
        {"rule": "rag-status", "paused": ["Stopped"]},
        {"rule": "unique-key"},
    ],
}


def actions_book(path: Path) -> Path:
    header = ["Council", "Action No", "Action", "Officer", "Due By", "State", "Rating", "Notes",
              "Last Seen"]  # fmt: skip
    rows = [
        ["Chorley", "A1", "Publish the plan", "Policy", date(2007, 1, 31), "Open", "Amber",
         "Drafted", date(2007, 3, 1)],
        ["Chorley", "A2", "Hold the forum", "Policy", date(2007, 2, 28), "Done", "Red", None,
         date(2007, 3, 2)],
        ["Burnley", "A1", "Train the staff", "HR", date(2007, 6, 30), "Stopped", "Green",
         "On hold", date(2007, 4, 2)],
    ]  # fmt: skip
    return build(path, Sheet("Actions", header, rows))


def test_a_councils_own_kind_drives_validate_status_and_report(tmp_path: Path) -> None:
    schema = tmp_path / "actions.yaml"
    schema.write_text(yaml.safe_dump(ACTIONS), encoding="utf-8")
    book = actions_book(tmp_path / "actions.xlsx")

    result = run(
        "validate", str(book), "--schema", str(schema), "--today", TODAY, "--format", "json"
    )
    findings = json.loads(result.stdout)["files"][0]["findings"]
    found = sorted((f["code"], f["cell"]) for f in findings)
    assert found == [
        ("future-date", "I4"),  # Burnley's last seen
        ("needs-progress", "H3"),  # done without a note
        ("overdue", "E2"),  # Chorley's A1, open and past its date
        ("rag-status", "G3"),  # done but Red
        ("rag-status", "G4"),  # stopped but Green
    ]

    result = run("status", str(book), "--schema", str(schema), "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    partners = {p["partner"]: p for p in json.loads(result.output)["partners"]}
    assert partners["Chorley"]["by_status"] == {"Open": 1, "Done": 1}
    assert partners["Chorley"]["by_rag"] == {"Amber": 1, "Red": 1}
    assert partners["Chorley"]["overdue"] == ["A1"] and partners["Burnley"]["overdue"] == []

    report = collect_report(book, today=date(2007, 3, 20), schema=schema)
    first = next(i for i in report.items if i.partner == "Chorley" and i.ref == "A1")
    assert (first.recommendation, first.lead, first.status, first.rag) == (
        "Publish the plan",
        "Policy",
        "Open",
        "Amber",
    )
    assert first.target_date == date(2007, 1, 31) and first.days_overdue == 48
    assert [i.ref for i in report.items if i.closed] == ["A2"]
    assert report.statuses[:3] == ("Open", "Done", "Stopped")


def test_a_councils_edit_to_done_changes_validate_status_and_report_alike(tmp_path: Path) -> None:
    master = WORKBOOKS / "master.xlsx"

    def overdue(schema: str) -> tuple[int, int, int]:
        result = run(
            "validate", str(master), "--schema", schema, "--today", TODAY, "--format", "json"
        )
        findings = json.loads(result.stdout)["files"][0]["findings"]
        checked = sum(f["code"] == "overdue" for f in findings)
        result = run(
            "status", str(master), "--schema", schema, "--today", TODAY, "--format", "json"
        )
        counted = sum(len(p["overdue"]) for p in json.loads(result.output)["partners"])
        report = collect_report(master, today=date(2007, 3, 20), schema=schema)
        return checked, counted, len(report.overdue_items)

    as_shipped = overdue("recommendations")
    assert as_shipped[0] > 1 and len(set(as_shipped)) == 1
    edited = builtin("recommendations")
    edited["roles"]["done"] = ["Complete", "Closed", "In progress"]
    schema = tmp_path / "ours.yaml"
    schema.write_text(yaml.safe_dump(edited), encoding="utf-8")
    ours = overdue(str(schema))
    assert len(set(ours)) == 1 and ours[0] < as_shipped[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["roles"].update(owner="lead"),
            "unknown role 'owner'; roles are partner, title, status, done, rag, updated, due, lead, "
            "notes, theme, period, actual, target, polarity, lower_better, likelihood, impact, "
            "score, likelihood_after, impact_after, score_after, mitigation, escalated",
        ),
        (
            lambda d: d["roles"].update(status="state"),
            "role 'status' names field 'state', which the schema lacks",
        ),
        (
            lambda d: d["roles"].update(done=["Finished"]),
            "role 'done' lists 'Finished', which is not one of status's values "
            "(Not started, In progress, Complete, Closed, Paused)",
        ),
        (
            lambda d: d["roles"].pop("due"),
            "rule 'overdue' needs a field: give 'field' or the role 'due'",
        ),
        (
            lambda d: d["rules"].append({"rule": "risk-score", "score": "rag"}),
            "rule 'risk-score' needs its 'factors': give the parameter 'factors'",
        ),
        (
            lambda d: d["rules"].append({"rule": "rag-status", "colour": "rag"}),
            "rule 'rag-status' has no parameter 'colour'; it takes field, when, unless, rag, "
            "status, done, paused",
        ),
        (
            lambda d: d.update(roles=["status"]),
            "roles must be a mapping of role to field, such as 'status: status'",
        ),
    ],
)
def test_a_mistake_in_roles_is_one_line(change: Any, message: str) -> None:
    data = builtin("recommendations")
    change(data)
    with pytest.raises(SchemaError) as caught:
        kind_from_dict(data, source="ours.yaml")
    assert caught.value.line() == f"ours.yaml: {message}"


def test_schema_show_prints_roles_and_the_fields_each_rule_reads() -> None:
    result = run("schema", "show", "indicators")
    assert result.exit_code == 0, result.output
    assert (
        "roles: partner: partner, title: description, rag: rag, updated: updated" in result.output
    )
    assert "indicator-rag:" in result.output and "(rag, actual, target, polarity)" in result.output
    data = json.loads(run("schema", "show", "recommendations", "--format", "json").output)
    assert data["roles"]["done"] == ["Complete", "Closed"]
    assert data["fields"]["progress"]["history"] is True


def test_a_pattern_finding_shows_the_example_the_schema_gives(tmp_path: Path) -> None:
    data = builtin("indicators")
    data["fields"]["code"]["example"] = "LPI 7"
    schema = tmp_path / "pis.yaml"
    schema.write_text(yaml.safe_dump(data), encoding="utf-8")
    header = ["Partner", "PI Code", "Indicator", "Period"]
    book = build(
        tmp_path / "pis.xlsx", Sheet("PIs", header, [["Chorley", "12 LPI", "Calls", "2008/09 Q3"]])
    )
    result = run("validate", str(book), "--schema", str(schema), "--format", "json")
    (finding,) = json.loads(result.stdout)["files"][0]["findings"]
    assert finding["code"] == "bad-pattern" and "LPI 7" in finding["message"]
