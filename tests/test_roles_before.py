"""A council's schema file written before `roles:` existed is read as it was then: its fields
play the roles their names gave them, and each command says once what to add to the file."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from builders import REGISTER_HEADER, Sheet, build
from clirun import errors, run
from openpyxl import load_workbook

from sync.kinds import _schema_dir

TODAY = "2007-03-20"
ROLES_LINE = (
    "roles: {partner: partner, title: recommendation, lead: lead, status: status, "
    "done: [Complete, Closed], rag: rag, updated: updated, due: target_date, theme: section, "
    "notes: progress}"
)


def notice(schema: Path, line: str = ROLES_LINE) -> str:
    return (
        f"xlsync: {schema}: no roles: block, so its fields play the roles their names had "
        f"before roles were declared; add this line to the file to keep them: {line}"
    )


def legacy_text() -> str:
    """The recommendations kind as a council kept its own copy before roles: no `roles:`."""
    data = yaml.safe_load((_schema_dir() / "recommendations.yaml").read_text("utf-8"))
    del data["roles"]
    data["name"] = "our_tracker"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def record(
    partner: str, ref: str, status: str, rag: str, note: str | None, **dates: Any
) -> list[Any]:
    target = dates.get("target", date(2007, 12, 31))
    text = f"Recommendation {ref} of {partner}"
    return [partner, ref, text, "Policy Officer", target, status, rag, note, dates.get("updated")]


def workbooks(folder: Path) -> Path:
    """A county master where Chorley and Burnley both have a ref 1, and a return from each."""
    overdue = {"target": date(2007, 1, 31), "updated": date(2007, 1, 5)}
    build(
        folder / "master.xlsx",
        Sheet(header=REGISTER_HEADER, rows=[
            record("Chorley", "1", "In progress", "Amber", "Started.", **overdue),
            record("Chorley", "2", "In progress", "Amber", "Started.", updated=date(2007, 1, 5)),
            record("Burnley", "1", "Not started", "Red", None),
        ]),
    )  # fmt: skip
    build(
        folder / "returns" / "Chorley.xlsx",
        Sheet(header=REGISTER_HEADER, rows=[
            record("Chorley", "1", "Complete", "Green", "Done in March.",
                   target=date(2007, 1, 31), updated=date(2007, 3, 10)),
            record("Chorley", "2", "In progress", "Amber", "Started.", updated=date(2007, 1, 5)),
        ]),
    )  # fmt: skip
    build(
        folder / "returns" / "Burnley.xlsx",
        Sheet(header=REGISTER_HEADER, rows=[
            record("Burnley", "1", "In progress", "Amber", "Begun.", updated=date(2007, 3, 12)),
        ]),
    )  # fmt: skip
    return folder / "master.xlsx"


def cycle(folder: Path, schema: Path) -> tuple[dict[str, Any], list[str]]:
    """validate, merge and status over the workbooks with `schema`: what each found, and every
    line the three wrote on stderr."""
    (folder / "returns").mkdir(parents=True)
    master = workbooks(folder)
    said: list[str] = []

    result = run("validate", master, "--schema", schema, "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    said += errors(result)
    (checked,) = json.loads(result.stdout)["files"]
    found = [(f["code"], f["cell"]) for f in checked["findings"]]

    result = run("merge", master, folder / "returns", "--schema", schema, "--format", "json")
    assert result.exit_code == 0, result.output
    said += errors(result)
    changes = sorted(
        (c["partner"], c["ref"], c["field"], c["new"], c["cell"])
        for c in json.loads(result.stdout)["changes"]
    )
    sheet = load_workbook(master)["Register"]
    merged = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=4, max_col=8)]

    result = run("status", master, "--schema", schema, "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    said += errors(result)
    status = {
        p["partner"]: (p["records"], p["by_status"], p["overdue"])
        for p in json.loads(result.stdout)["partners"]
    }
    return {"found": found, "changes": changes, "merged": merged, "status": status}, said


def test_a_schema_file_without_roles_is_read_as_before_and_says_what_to_add(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "our_tracker.yaml"
    schema.write_text(legacy_text(), encoding="utf-8")
    results, said = cycle(tmp_path / "run", schema)

    assert results["found"] == [("overdue", "E2")]  # Chorley's 1: in progress, past its date
    # each partner's ref 1 took its own partner's return, and Chorley's 2 was left as it was
    assert results["changes"] == [
        ("Burnley", "1", "progress", "Begun.", "Register!H4"),
        ("Burnley", "1", "rag", "Amber", "Register!G4"),
        ("Burnley", "1", "status", "In progress", "Register!F4"),
        ("Burnley", "1", "updated", "2007-03-12", "Register!I4"),
        ("Chorley", "1", "progress", "Done in March.", "Register!H2"),
        ("Chorley", "1", "rag", "Green", "Register!G2"),
        ("Chorley", "1", "status", "Complete", "Register!F2"),
        ("Chorley", "1", "updated", "2007-03-10", "Register!I2"),
    ]
    assert [row[:2] + row[5:8] for row in results["merged"]] == [
        ["Chorley", "1", "Complete", "Green", "Done in March."],
        ["Chorley", "2", "In progress", "Amber", "Started."],
        ["Burnley", "1", "In progress", "Amber", "Begun."],
    ]
    assert results["status"] == {
        "Chorley": (2, {"Complete": 1, "In progress": 1}, []),
        "Burnley": (1, {"In progress": 1}, []),
    }
    # validate, merge and status each said it once, and nothing else
    assert said == [notice(schema)] * 3

    # the line it gives, pasted into the file, reads the same and ends the notice
    pasted = tmp_path / "our_tracker_with_roles.yaml"
    pasted.write_text(legacy_text() + ROLES_LINE + "\n", encoding="utf-8")
    assert cycle(tmp_path / "again", pasted) == (results, [])


def test_only_the_fields_the_file_has_take_a_role_and_a_toml_file_is_told_in_toml(
    tmp_path: Path,
) -> None:
    """A single council's tracker (no partner, no RAG) written in TOML before roles."""
    schema = tmp_path / "ours.toml"
    legacy = (
        'name = "ours"\nkey = ["ref"]\n\n'
        '[fields.ref]\ntype = "ref"\nrequired = true\n\n'
        '[fields.status]\nvocabulary = ["Open", "Closed"]\n\n'
        '[fields.target_date]\ntitle = "Target Date"\ntype = "date"\n\n'
        '[[rules]]\nrule = "overdue"\n'
    )
    schema.write_text(legacy, encoding="utf-8")
    line = 'roles = { status = "status", done = ["Closed"], due = "target_date" }'

    result = run("schema", "show", schema, "--format", "json")
    assert result.exit_code == 0, result.output
    assert errors(result) == [notice(schema, line)]
    shown = json.loads(result.stdout)
    assert shown["roles"] == tomllib.loads(line)["roles"]

    pasted = tmp_path / "ours_with_roles.toml"
    pasted.write_text(line + "\n" + legacy, encoding="utf-8")
    result = run("schema", "show", pasted, "--format", "json")
    assert result.exit_code == 0 and errors(result) == []
    assert json.loads(result.stdout)["roles"] == shown["roles"]
