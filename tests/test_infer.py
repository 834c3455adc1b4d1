"""`schema infer` drafts, from a real workbook, a schema that validates the workbook."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build

from sync import read_register
from sync.errors import XlsyncError
from sync.infer import infer_schema
from sync.kinds import kind_from_dict
from sync.validate import validate_register

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALWORLD = sorted((SHARED / "realworld" / "files").glob("*.*"))
CORPUS = sorted(
    p
    for p in (SHARED / "corpus").rglob("*")
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
)


def _errors(path: Path, draft: dict[str, object]) -> list[str]:
    kind = kind_from_dict(draft)
    sheets = draft["sheet_hints"]
    assert isinstance(sheets, list)
    register = read_register(path, schema=kind, sheet=sheets[0])
    return [
        f"{f.cell} {f.code} {f.message}"
        for f in validate_register(register)
        if f.severity == "error"
    ]


@pytest.mark.parametrize("path", REALWORLD, ids=lambda p: p.name)
def test_every_public_workbook_gets_a_draft_that_validates_it(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on the templates' extensions
        draft = infer_schema(path)
        assert _errors(path, draft) == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_table_gets_a_draft_that_validates_it(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            draft = infer_schema(path)
        except XlsyncError as exc:  # no table in it, or not a workbook: one clear line
            assert "\n" not in str(exc)
            return
        assert _errors(path, draft) == []


def test_the_drafted_sheet_and_header_are_the_tables_not_the_notes(tmp_path: Path) -> None:
    notes = Sheet(name="Notes", header=["Term", "Meaning"], rows=[["RAG", "Red Amber Green"]])
    data = Sheet(
        name="Data",
        titles=["UK Business Counts - local units", "ONS Crown Copyright Reserved"],
        rows=[],
    )
    path = build(tmp_path / "b.xlsx", notes, data)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Data"]
    for r, row in enumerate(
        [
            ["industry", "64191 : Banks"],
            ["legal status", "Total"],
            [],
            ["local authority", 2019, 2020, 2021],
            ["Darlington", 20, 15, 15],
            ["County Durham", 75, 70, None],
            ["Hartlepool", 10, 10, 5],
            ["Column Total", 105, 95, 20],
            [],
            ["All figures are rounded"],
        ],
        start=4,
    ):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(path)
    draft = infer_schema(path)
    assert draft["sheet_hints"] == ["Data"]
    fields = draft["fields"]
    assert isinstance(fields, dict)
    assert list(fields) == ["local_authority", "col_2019", "col_2020", "col_2021"]
    assert fields["col_2021"]["type"] == "integer" and "required" not in fields["col_2021"]
    assert draft["key"] == ["local_authority"]
    register = read_register(path, schema=kind_from_dict(draft))
    assert register.header_rows == [7]
    assert [r["local_authority"] for r in register.records()] == [
        "Darlington",
        "County Durham",
        "Hartlepool",
    ]
    assert [r["col_2021"] for r in register.records()] == [15, None, 5]  # whole, beside a blank


def test_an_unheaded_column_of_refs_is_kept_and_offered_as_the_key(tmp_path: Path) -> None:
    sheet = Sheet(
        header=[None, "Project Name", "Start Date", "Delivery (RAG)"],
        rows=[
            ["B1", "Scala Theatre", date(2021, 1, 1), "Green"],
            ["B2", "Angel Place", date(2021, 10, 1), "Amber"],
            ["B3", "Public Realm", date(2022, 1, 1), "Green"],
            ["B4", None, None, "< Select >"],
        ],
    )
    path = build(tmp_path / "p.xlsx", sheet)
    draft = infer_schema(path)
    assert draft["key"] == ["column_a"]
    register = read_register(path, schema=kind_from_dict(draft))
    assert [r["column_a"] for r in register.records()] == ["B1", "B2", "B3"]
    assert register.skipped == [(5, "numbered empty row")]  # B4 waits for a project
    assert _errors(path, draft) == []


def test_one_table_kept_over_several_sheets_is_one_register(tmp_path: Path) -> None:
    header = ["Ref", "Recommendation", "Status"]
    years = [
        Sheet(name="2022-23", header=header, rows=[["1", "Publish", "Complete"]]),
        Sheet(
            name="2023-24",
            header=header,
            rows=[["1", "Review", "Ongoing"], ["2", "Hold", "Ongoing"]],
        ),
        Sheet(name="Notes", rows=[["Read me"]]),
    ]
    path = build(tmp_path / "y.xlsx", *years)
    register = read_register(path)
    assert len(register) == 3
    assert [register.sheet_of(i) for i in range(3)] == ["2022-23", "2023-24", "2023-24"]
    assert str(register.cell(2, "status")) == "'2023-24'!C3"
    only = read_register(path, sheet="2023-24")
    assert len(only) == 2 and only.record_sheets == []


def test_a_draft_used_as_it_is_says_nothing_about_roles(tmp_path: Path) -> None:
    """A draft declares its roles (none): used with --schema, it is read as written, with no
    notice that its fields named Status and RAG were taken to play those roles."""
    from clirun import run

    path = build(
        tmp_path / "ours.xlsx",
        Sheet(
            "Tracker",
            ["Item", "Partner", "Status", "RAG", "Notes"],
            [[f"T{n}", "Chorley", "In progress", "Amber", f"Note {n}"] for n in range(1, 6)],
        ),
    )
    draft = tmp_path / "ours.yaml"
    assert run("schema", "infer", str(path), "--out", str(draft)).exit_code == 0
    result = run("validate", str(path), "--schema", str(draft))
    assert result.exit_code == 0, result.output
    assert "roles" not in result.stderr
