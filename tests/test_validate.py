"""Each validation rule fires on a workbook built to break it, and names the right cell."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from builders import Sheet, build, replace_text
from click.testing import CliRunner

from sync import read_register, validate_register
from sync.cli import cli
from sync.findings import CATALOGUE
from sync.rules import RULES
from sync.validate import EXCEL_CELL_LIMIT

TODAY = date(2007, 3, 20)
HEADER = [
    "Partner",
    "Ref",
    "Recommendation",
    "Status",
    "RAG",
    "Progress",
    "Last Updated",
    "Target Date",
]
GOOD = [
    "Chorley",
    "8.",
    "Keep dialogues up to date",
    "In progress",
    "Amber",
    "6 March 2007 Information Officer updating dialogues.",
    date(2007, 3, 6),
    date(2007, 12, 31),
]


def findings_for(
    tmp_path: Path, *rows: list[object], header: list[str] = HEADER
) -> list[tuple[str, str, str]]:
    path = build(tmp_path / "return.xlsx", Sheet(titles=["Return"], header=header, rows=list(rows)))
    register = read_register(path)
    return [(f.code, f.cell, f.severity) for f in validate_register(register, today=TODAY)]


def row(**changes: object) -> list[object]:
    values = dict(zip(HEADER, GOOD, strict=True))
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADER]


def test_a_clean_row_has_no_findings(tmp_path: Path) -> None:
    assert findings_for(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Status": "Maybe"}, ("not-allowed", "D4", "error")),
        ({"RAG": "Purple"}, ("not-allowed", "E4", "error")),
        ({"Status": "Ongoing"}, ("synonym", "D4", "warning")),
        ({"Recommendation": None}, ("missing-value", "C4", "error")),
        ({"Last Updated": date(2031, 1, 1)}, ("future-date", "G4", "error")),
        ({"Last Updated": "31st Febtober"}, ("not-a-date", "G4", "error")),
        ({"Target Date": date(2007, 1, 31)}, ("overdue", "H4", "warning")),
        (
            {"Status": "Complete", "RAG": "Green", "Progress": None},
            ("needs-progress", "F4", "error"),
        ),
        ({"Status": "Closed", "RAG": "Red"}, ("rag-status", "E4", "warning")),
    ],
)
def test_each_rule_names_its_cell(
    tmp_path: Path, changes: dict[str, object], expected: tuple[str, str, str]
) -> None:
    values = dict(zip(HEADER, GOOD, strict=True)) | changes
    found = findings_for(tmp_path, [values[h] for h in HEADER])
    assert found == [expected]


def test_text_longer_than_excel_allows_is_an_error(tmp_path: Path) -> None:
    path = build(
        tmp_path / "long.xlsx",
        Sheet(titles=["Return"], header=HEADER, rows=[row(Progress="LONGNOTE")]),
    )
    replace_text(path, "LONGNOTE", "x" * (EXCEL_CELL_LIMIT + 1))
    (finding,) = validate_register(read_register(path), today=TODAY)
    assert (finding.code, finding.cell) == ("too-long", "F4")
    assert finding.message == "Progress holds 32,768 characters; Excel cells hold at most 32,767"


def test_blank_status_and_rag_are_allowed(tmp_path: Path) -> None:
    # a partner who has not yet chosen a status leaves the cell empty: not a wrong word
    blank = row(Ref="9.", Status=None, RAG=None)
    assert findings_for(tmp_path, blank, GOOD) == []


def test_refs_are_unique_per_partner_whatever_their_punctuation(tmp_path: Path) -> None:
    other = list(GOOD)
    other[1] = "8"  # "8." and "8" are the same ref
    burnley = list(GOOD)
    burnley[0] = "Burnley"
    found = findings_for(tmp_path, GOOD, other, burnley)
    assert found == [("duplicate-key", "B5", "error")]


def test_messages_speak_plain_english(tmp_path: Path) -> None:
    path = build(tmp_path / "r.xlsx", Sheet(header=HEADER, rows=[row(Status="Maybe")]))
    (finding,) = validate_register(read_register(path), today=TODAY)
    assert (
        finding.message
        == "Status 'Maybe' is not one of: Not started, In progress, Complete, Closed, Paused"
    )
    assert (finding.sheet, finding.cell, finding.row, finding.column, finding.field) == (
        "Register",
        "D2",
        2,
        "Status",
        "status",
    )


def test_indicator_rag_and_patterns(tmp_path: Path) -> None:
    header = ["PI Code", "Indicator", "Period", "Target", "Actual", "Polarity", "RAG"]
    rows = [
        ["NI 195", "Street cleanliness", "2008/09 Q3", 10, 12, "Lower is better", "Green"],
        ["NI 14", "Avoidable contact", "2008/09 Q3", 30, 29, "Lower is better", "Green"],
        ["BV 8", "Invoices paid on time", "2008/09", 95, 89, "Higher is better", "Amber"],
        ["bad code", "Something", "Q3 2008", 1, 1, "Higher is better", "Green"],
    ]
    found = findings_for(tmp_path, *rows, header=header)
    assert ("indicator-rag", "G4", "warning") in found  # 12 against 10, lower better: Red
    assert ("indicator-rag", "G6", "warning") in found  # 89 against 95: more than 5% short
    assert ("bad-pattern", "A7", "error") in found
    assert ("bad-pattern", "C7", "error") in found
    assert not [f for f in found if f[1].endswith("5")]


def test_risk_score_and_ranges(tmp_path: Path) -> None:
    header = ["Risk Ref", "Risk Description", "Likelihood", "Impact", "Risk Score"]
    rows = [
        ["R1", "Contact centre fails", 2, 5, 10],
        ["R2", "CRM late", 3, 4, 11],
        ["R3", "Staff", 6, 1, 6],
    ]
    found = findings_for(tmp_path, *rows, header=header)
    assert ("risk-score", "E5", "error") in found
    assert ("out-of-range", "C6", "error") in found
    assert len(found) == 2


def test_every_code_is_documented() -> None:
    codes = {impl.code for impl in RULES.values()}
    assert codes <= set(CATALOGUE)
    import re

    source = "".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[1] / "sync").rglob("*.py")
    )
    used = set(re.findall(r'code="([a-z-]+)"', source)) | set(
        re.findall(r'make_finding\(\s*"([a-z-]+)"', source)
    )
    assert used <= set(CATALOGUE), used - set(CATALOGUE)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code, entry in CATALOGUE.items():
        assert entry.title and entry.template
        assert f"`{code}`" in readme, f"README.md does not document {code}"


def test_cli_validate_exit_codes_and_json(tmp_path: Path) -> None:
    clean = build(tmp_path / "clean.xlsx", Sheet(header=HEADER, rows=[GOOD]))
    bad = build(tmp_path / "bad.xlsx", Sheet(header=HEADER, rows=[row(Status="Maybe")]))
    warn = build(tmp_path / "warn.xlsx", Sheet(header=HEADER, rows=[row(Status="Ongoing")]))
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(clean), "--today", "2007-03-20"]).exit_code == 0
    assert runner.invoke(cli, ["validate", str(warn), "--today", "2007-03-20"]).exit_code == 0
    assert (
        runner.invoke(cli, ["validate", str(warn), "--today", "2007-03-20", "--strict"]).exit_code
        == 1
    )
    result = runner.invoke(cli, ["validate", str(bad), "--today", "2007-03-20", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    (file,) = data["files"]
    assert (file["schema"], file["sheet"], file["records"], file["errors"], file["warnings"]) == (
        "recommendations",
        "Register",
        1,
        1,
        0,
    )
    assert file["findings"] == [
        {
            "severity": "error",
            "sheet": "Register",
            "cell": "D2",
            "row": 2,
            "column": "Status",
            "field": "status",
            "value": "Maybe",
            "code": "not-allowed",
            "message": "Status 'Maybe' is not one of: Not started, In progress, Complete, Closed, Paused",
        }
    ]
    unreadable = tmp_path / "empty.xlsx"
    unreadable.write_bytes(b"")
    result = runner.invoke(cli, ["validate", str(clean), str(unreadable)])
    assert result.exit_code == 2
    assert "xlsync: empty.xlsx: " in result.stderr


def test_a_folder_validates_file_by_file(tmp_path: Path) -> None:
    build(tmp_path / "returns" / "a.xlsx", Sheet(header=HEADER, rows=[GOOD]))
    build(tmp_path / "returns" / "b.xlsx", Sheet(header=HEADER, rows=[row(RAG="Purple")]))
    (tmp_path / "returns" / "~$b.xlsx").write_bytes(b"owner file")
    result = CliRunner().invoke(
        cli, ["validate", str(tmp_path / "returns"), "--format", "json", "--today", "2007-03-20"]
    )
    data = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in data["files"]] == ["a.xlsx", "b.xlsx"]
    assert result.exit_code == 1


def test_schema_infer_drafts_a_schema_that_validates_its_workbook(tmp_path: Path) -> None:
    header = ["Action No", "Action", "Owner", "Due", "Progress RAG"]
    rows = [
        ["A1", "Refresh the LAA", "Alison", date(2009, 3, 26), "Green"],
        ["A2", "Set up LSP board", "Erika", date(2009, 2, 17), "Amber"],
        ["A3", "Neighbourhood pilots", "Alison", date(2009, 2, 28), "Green"],
    ]
    path = build(
        tmp_path / "cheshire.xlsx", Sheet(titles=["Cheshire East"], header=header, rows=rows)
    )
    out = tmp_path / "cheshire.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["schema", "infer", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["key"] == ["action_no"]
    assert draft["fields"]["due"]["type"] == "date"
    assert draft["fields"]["progress_rag"]["vocabulary"] == ["Amber", "Green"]
    result = runner.invoke(cli, ["validate", str(path), "--schema", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["files"][0]["records"] == 3 and data["files"][0]["findings"] == []
    result = runner.invoke(cli, ["validate", str(path), "--schema", str(out), "--schema", str(out)])
    # a broken schema file is one clear line
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nfields: {a: {type: colour}}\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path), "--schema", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "xlsync: bad.yaml: field 'a' has type 'colour'; use one of text, ref, date, number, integer"
    )


def test_schema_show_and_list_agree_with_json(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["schema", "list", "--format", "json"]).output)
    assert [k["name"] for k in listed] == ["action_plan", "indicators", "recommendations", "risks"]
    shown = json.loads(
        runner.invoke(cli, ["schema", "show", "recommendations", "--format", "json"]).output
    )
    assert list(shown["fields"]) == [
        "ref",
        "section",
        "origin",
        "recommendation",
        "lead",
        "partner",
        "agreed_date",
        "target_date",
        "status",
        "rag",
        "progress",
        "updated",
    ]
    assert shown["fields"]["status"]["allowed"] == [
        "Not started",
        "In progress",
        "Complete",
        "Closed",
        "Paused",
    ]
    assert runner.invoke(cli, ["schema", "show", "nonsense"]).exit_code == 2


def test_fifty_returns_report_progress_file_by_file(tmp_path: Path) -> None:
    from sync.workbooks import validate_workbooks

    first = build(tmp_path / "returns" / "r00.xlsx", Sheet(header=HEADER, rows=[GOOD]))
    for n in range(1, 50):
        shutil.copy(first, tmp_path / "returns" / f"r{n:02}.xlsx")
    seen: list[tuple[int, int, str]] = []
    report = validate_workbooks(
        [tmp_path / "returns"], today=TODAY, progress=lambda *a: seen.append(a)
    )
    assert len(report.files) == 50 and report.exit_code() == 0
    assert all(f.records == 1 and f.findings == [] for f in report.files)
    assert sorted(done for done, _, _ in seen) == list(range(1, 51))
    assert {total for _, total, _ in seen} == {50}


def test_a_lone_workbook_validates_as_its_register_does(tmp_path: Path) -> None:
    from sync.workbooks import validate_workbooks

    path = build(
        tmp_path / "return.xlsx", Sheet(header=HEADER, rows=[GOOD, row(Ref="9.", Status="Maybe")])
    )
    report = validate_workbooks([path], today=TODAY)
    (file,) = report.files
    assert file.findings == validate_register(read_register(path), today=TODAY)
    assert [(f.code, f.cell) for f in file.findings] == [("not-allowed", "D3")]
    assert report.exit_code() == 1
    # a file that cannot be read is reported, in one line naming it
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    report = validate_workbooks([bad], today=TODAY)
    assert report.files[0].error is not None and report.files[0].error.startswith("bad.xlsx: ")
    assert report.exit_code() == 2


def test_returns_checked_together_find_what_each_finds_alone(tmp_path: Path) -> None:
    from sync.validate import validate

    dup = list(GOOD)
    dup[1] = "8"  # the same ref as GOOD's "8.": a duplicate in its own return only
    sheets = {
        "a": [
            GOOD,
            row(Ref="9.", Status="Maybe"),
            row(Ref="10.", **{"Last Updated": date(2031, 1, 1)}),
        ],
        "b": [GOOD, dup, row(Ref="11.", Status="Ongoing", **{"Target Date": date(2007, 1, 31)})],
        "c": [row(Ref="12.", Status="Complete", RAG="Green", Progress=None)],
    }
    tables = []
    for name, rows in sheets.items():
        path = build(tmp_path / f"{name}.xlsx", Sheet(titles=["Return"], header=HEADER, rows=rows))
        register = read_register(path)
        tables.append(register)
    # a return with a column fewer is checked on its own: its gap is not another's blank
    short = [h for h in HEADER if h != "RAG"]
    path = build(
        tmp_path / "d.xlsx",
        Sheet(
            titles=["Return"],
            header=short,
            rows=[[v for h, v in zip(HEADER, GOOD, strict=True) if h != "RAG"]],
        ),
    )
    register = read_register(path)
    tables.append(register)

    together = [checked.findings for checked in validate(tables, today=TODAY)]
    alone = [validate_register(r, today=TODAY) for r in tables]
    assert together == alone
    codes = [sorted((f.code, f.cell) for f in found) for found in together]
    assert codes[0] == [("future-date", "G6"), ("not-allowed", "D5")]
    assert codes[1] == [("duplicate-key", "B5"), ("overdue", "H6"), ("synonym", "D6")]
    assert codes[2] == [("needs-progress", "F4")]
    assert codes[3] == []
