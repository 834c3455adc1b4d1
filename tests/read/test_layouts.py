"""Layouts real monitoring returns use: tiered headers, template rows, table ends, blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import Sheet, build
from click.testing import CliRunner

from sync import read_register
from sync.cli import cli
from sync.errors import NoTableFound
from sync.kinds import kind_from_dict

RISK_HEADER = ["Risk Ref", "Risk Description", "Likelihood", "Impact", "Risk Score"]


def test_a_group_heading_and_a_numbering_row_are_tiers_of_the_header(tmp_path: Path) -> None:
    sheet = Sheet(
        name="Risks",
        above_header=[[None, None, "Before mitigation", None, None, "After mitigation"]],
        header=[*RISK_HEADER, "Likelihood", "Impact", "Risk Score"],
        below_header=[["(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)", "(vii)", "(viii)"]],
        merges=["C1:E1", "F1:H1"],
        rows=[["R1", "Flood", 2, 5, 10, 1, 5, 5], ["R2", "Fraud", 3, 3, 9, 2, 2, 4]],
    )
    reg = read_register(build(tmp_path / "r.xlsx", sheet))
    assert reg.header_rows == [1, 2, 3]
    assert reg.rows == [4, 5]  # the numbering row is not a record
    assert reg.columns["likelihood"] == 3
    assert reg.headers["likelihood"] == "Before mitigation / Likelihood"
    assert "After mitigation / Likelihood" in reg.ignored.values()
    assert [r["score"] for r in reg.records()] == [10, 9]


def test_a_display_header_over_machine_names_keeps_signs_that_tell_columns_apart(
    tmp_path: Path,
) -> None:
    kind = kind_from_dict(
        {
            "name": "tests",
            "key": ["site"],
            "fields": {
                "site": {"required": True, "aliases": ["Site name"]},
                "under_15": {"type": "integer", "aliases": ["Tested <15"]},
                "over_15": {"type": "integer", "aliases": ["Tested 15+"]},
            },
        }
    )
    sheet = Sheet(
        header=["Site name", "Tested\n<15", "Tested\n15+"],
        below_header=[["orgunit", "hts_tst.u15", "hts_tst.o15"]],
        rows=[["Clinic A", 4, 40], ["Clinic B", None, 12]],
    )
    reg = read_register(build(tmp_path / "t.xlsx", sheet), schema=kind)
    assert reg.columns == {"site": 1, "under_15": 2, "over_15": 3}
    assert reg.header_rows == [1, 2]
    assert [r["under_15"] for r in reg.records()] == [4, None]
    assert [r["over_15"] for r in reg.records()] == [40, 12]  # whole, not 40.0


def test_template_rows_are_skipped_and_say_why(tmp_path: Path) -> None:
    sheet = Sheet(
        header=["Ref", "Recommendation", "Status"],
        rows=[
            ["0", "Example: publish the minutes within five days", "Ongoing"],
            ["1", "Publish the forward plan", "Complete"],
            ["2", "< Select >", "Please select an option"],
            ["3", None, None],
            ["Please add a row for each new recommendation agreed.", None, None],
            ["4", "Review the protocol", "Ongoing"],
        ],
        merge_sections=False,
    )
    path = build(tmp_path / "t.xlsx", sheet)
    reg = read_register(path)
    assert [r["ref"] for r in reg.records()] == ["1", "4"]
    assert reg.skipped == [
        (2, "example row"),
        (4, "numbered empty row"),
        (5, "numbered empty row"),
        (6, "instructions"),
    ]
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "skipped rows: 2 example row; 4 numbered empty row; 5 numbered empty row" in result.output
    )


@pytest.mark.parametrize(
    ("after", "why"),
    [
        ([["END", "END", "END"], ["9", "Left over", "Ongoing"]], "an END marker"),
        ([["Total", 2, None], ["9", "Left over", "Ongoing"]], "a totals row"),
        ([[], [], ["Notes: figures are provisional", None, None]], "notes after a gap"),
        ([[], [], [None, "Code", "Meaning"], [None, "R", "Red"]], "a second table"),
    ],
)
def test_reading_stops_where_the_table_ends(
    tmp_path: Path, after: list[list[object]], why: str
) -> None:
    sheet = Sheet(
        header=["Ref", "Recommendation", "Status"],
        rows=[["1", "Publish the plan", "Complete"], ["2", "Review", "Ongoing"], *after],
    )
    reg = read_register(build(tmp_path / "t.xlsx", sheet))
    assert [r["ref"] for r in reg.records()] == ["1", "2"], why
    assert reg.last_row == 3


def test_blocks_repeated_per_project_carry_their_heading(tmp_path: Path) -> None:
    header = ["No.", "Risk Name", "Risk Category", "Pre-mitigated Impact", "Likelihood"]
    sheet = Sheet(
        name="Risk Register",
        titles=["SECTION A: Programme Risks"],
        header=header,
        rows=[
            [0, "Example of how to complete >", "Financial", "5 - Major impact", "3 - High"],
            [1, "Costs rise", "Financial", "5 - Major impact", "3 - High"],
            [2],
            [],
            [None, "Project 2:", "Town Centre Regeneration"],
            [],
            header,
            [0, "Example of how to complete >", "Financial", "5 - Major impact", "3 - High"],
            [1, "Contractor fails", "Operational", "2 - Low impact", "1 - Low"],
            [2, "Planning refused", "Regulatory", "4 - Significant impact", "2 - Medium"],
        ],
    )
    reg = read_register(build(tmp_path / "r.xlsx", sheet), schema="risks")
    records = list(reg.records())
    assert [r["description"] for r in records] == [
        "Costs rise",
        "Contractor fails",
        "Planning refused",
    ]
    assert reg.blocks == [
        "SECTION A: Programme Risks",
        "Project 2: Town Centre Regeneration",
        "Project 2: Town Centre Regeneration",
    ]
    assert [r["impact"] for r in records] == [5, 2, 4]  # "5 - Major impact" is 5 on the scale
    assert reg.original(0, "impact") == "5 - Major impact"
    assert reg.skipped == [
        (4, "example row"),
        (6, "numbered empty row"),
        (8, "block heading"),
        (10, "repeated header"),
        (11, "example row"),
    ]


def test_a_scale_other_than_one_to_five_is_the_kinds_to_declare(tmp_path: Path) -> None:
    from sync.validate import validate_register

    sheet = Sheet(
        header=["Risk Ref", "Risk Description", "Impact"],
        rows=[["R1", "Flood", "6 - Critical impact"], ["R2", "Fraud", "1- Marginal impact"]],
    )
    path = build(tmp_path / "r.xlsx", sheet)
    spec = {
        "name": "six_point",
        "key": ["ref"],
        "fields": {
            "ref": {"type": "ref", "required": True, "aliases": ["Risk Ref"]},
            "description": {"required": True, "aliases": ["Risk Description"]},
            "impact": {"type": "integer", "min": 1, "max": 6},
        },
    }
    reg = read_register(path, schema=kind_from_dict(spec))
    assert [r["impact"] for r in reg.records()] == [6, 1]
    assert validate_register(reg) == []
    on_five = read_register(path, schema="risks")
    assert [f.code for f in validate_register(on_five)] == ["out-of-range"]


def test_one_header_cell_is_not_a_table_of_a_kind(tmp_path: Path) -> None:
    sheet = Sheet(
        name="Table 1",
        titles=["Public library service points"],
        header=["Service point name", "Service?", "Opening hours"],
        rows=[["Central", "Yes", 50], ["Darwen", "Yes", 42]],
    )
    path = build(tmp_path / "cipfa.xlsx", sheet)
    with pytest.raises(NoTableFound) as err:
        read_register(path)
    assert "closest: sheet 'Table 1' row 3 has Service Activity of action_plan but lacks" in str(
        err.value
    )
    result = CliRunner().invoke(cli, ["inspect", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "closest: sheet 'Table 1'" in result.output


def test_periods_across_column_groups_are_records_keyed_by_period(tmp_path: Path) -> None:
    sheet = Sheet(
        name="Indicators",
        above_header=[[None, None, "2023/24 Q1", None, "2023/24 Q2"]],
        header=["PI Code", "Indicator", "Target", "Actual", "Target", "Actual"],
        merges=["C1:D1", "E1:F1"],
        rows=[
            ["LPI 12", "Rent collected (%)", 96, 95.5, 96, None],
            ["NI 195", "Litter (%)", 8, 9, 8, 7],
        ],
    )
    reg = read_register(build(tmp_path / "w.xlsx", sheet), schema="indicators")
    assert reg.header_rows == [1, 2]
    records = [{k: r[k] for k in ("code", "period", "target", "actual")} for r in reg.records()]
    assert records == [
        {"code": "LPI 12", "period": "2023/24 Q1", "target": 96, "actual": 95.5},
        {"code": "LPI 12", "period": "2023/24 Q2", "target": 96, "actual": None},
        {"code": "NI 195", "period": "2023/24 Q1", "target": 8, "actual": 9},
        {"code": "NI 195", "period": "2023/24 Q2", "target": 8, "actual": 7},
    ]
    # every value keeps its own cell: Q2's actual for LPI 12 is F3, its period the heading E1
    assert str(reg.cell(1, "actual")) == "Indicators!F3"
    assert str(reg.cell(1, "period")) == "Indicators!E1"
    assert str(reg.cell(2, "target")) == "Indicators!C4"
    assert str(reg.cell(3, "code")) == "Indicators!A4"
