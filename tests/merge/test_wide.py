"""Wide layouts written back: a merge or push puts each period's value in its column group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders import Sheet, build
from openpyxl import load_workbook

from sync import merge_files
from sync.push import push_to_tracker

Q1, Q2, Q3 = "2008/09 Q1", "2008/09 Q2", "2008/09 Q3"
LONG = ["PI Code", "Indicator", "Period", "Target", "Actual"]


def wide_master(name: str, rows: list[list[Any]]) -> Sheet:
    """Code | Indicator | Partner | then Target and Actual under each quarter's heading."""
    return Sheet(
        name=name,
        above_header=[[None, None, None, Q1, None, Q2, None]],
        header=["Code", "Indicator", "Partner", "Target", "Actual", "Target", "Actual"],
        merges=["D1:E1", "F1:G1"],
        rows=rows,
    )


def grid(path: Path) -> dict[str, dict[str, Any]]:
    """Every filled cell of every data sheet, by sheet and address."""
    wb = load_workbook(path)
    return {
        ws.title: {
            c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None
        }
        for ws in wb.worksheets
        if not ws.title.startswith("_") and ws.sheet_state == "visible"
    }


def changed(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`sheet!cell` -> new value of every cell that differs, in the sheets both have."""
    return {
        f"{sheet}!{ref}": after[sheet].get(ref)
        for sheet in before
        for ref in set(before[sheet]) | set(after[sheet])
        if before[sheet].get(ref) != after[sheet].get(ref)
    }


def test_a_long_return_merged_into_a_wide_master_changes_exactly_its_cell(tmp_path: Path) -> None:
    master = build(
        tmp_path / "master.xlsx",
        wide_master(
            "Indicators",
            [
                ["LPI 12", "Rent collected (%)", "Chorley", 96, 95.5, 96, None],
                ["NI 195", "Litter (%)", "Chorley", 8, 9, 8, 7],
                ["LPI 12", "Rent collected (%)", "Burnley", 90, 91, 90, None],
            ],
        ),
    )
    ret = build(
        tmp_path / "chorley.xlsx",
        Sheet(
            name="Indicators",
            header=LONG,
            rows=[
                ["LPI 12", "Rent collected (%)", Q1, 96, 95.5],
                ["LPI 12", "Rent collected (%)", Q2, 96, 94],  # the new actual: G3
                ["NI 195", "Litter (%)", Q1, 8, 9],
                ["NI 195", "Litter (%)", Q2, 8, 7],
            ],
        ),
    )
    before = grid(master)
    result = merge_files(master, [ret], schema="indicators")
    assert result.written is not None
    assert [str(c.cell) for c in result.plan.changes] == ["Indicators!G3"]
    assert changed(before, grid(master)) == {"Indicators!G3": 94}
    # merged again: nothing to do, nothing written
    again = merge_files(master, [ret], schema="indicators")
    assert again.written is None and not again.plan.changes


def test_new_rows_take_each_period_into_its_group_and_unplaceable_periods_are_refused(
    tmp_path: Path,
) -> None:
    master = build(
        tmp_path / "master.xlsx",
        wide_master("Indicators", [["LPI 12", "Rent collected (%)", "Chorley", 96, 95.5, 96, 97]]),
    )
    ret = build(
        tmp_path / "chorley.xlsx",
        Sheet(
            name="Indicators",
            header=LONG,
            rows=[
                ["LPI 12", "Rent collected (%)", Q1, 96, 95.5],
                ["LPI 12", "Rent collected (%)", Q2, 96, 97],
                ["LPI 12", "Rent collected (%)", Q3, 96, 98],  # no Q3 group in the master
                ["NI 196", "Fly-tipping", Q1, 5, 4],  # a new indicator: one new row
                ["NI 196", "Fly-tipping", Q2, 5, 6],
            ],
        ),
    )
    before = grid(master)
    result = merge_files(master, [ret], schema="indicators")
    (refused,) = result.plan.rejected_edits
    assert (
        refused.ref == f"LPI 12 {Q3}"
        and refused.theirs == Q3
        and "no column group" in str(refused.master)
    )
    (outcome,) = result.plan.returns
    assert outcome.status == "partial" and outcome.added == 2 and outcome.rejected_edits == 1
    assert changed(before, grid(master)) == {
        "Indicators!A4": "NI 196",
        "Indicators!B4": "Fly-tipping",
        "Indicators!C4": "Chorley",
        "Indicators!D4": 5,
        "Indicators!E4": 4,
        "Indicators!F4": 5,
        "Indicators!G4": 6,
    }
    # the new row reads back as the two records it was written from; Q3 is offered again
    again = merge_files(master, [ret], schema="indicators")
    assert not again.plan.added and not again.plan.changes
    assert [r.theirs for r in again.plan.rejected_edits] == [Q3]
    assert again.written is None


def test_a_register_over_two_wide_sheets_takes_each_change_into_its_own_sheet(
    tmp_path: Path,
) -> None:
    master = build(
        tmp_path / "master.xlsx",
        wide_master("North", [["LPI 12", "Rent collected (%)", "Chorley", 96, 95.5, 96, None]]),
        wide_master("South", [["LPI 12", "Rent collected (%)", "Burnley", 90, 91, 90, None]]),
    )
    returns = [
        build(
            tmp_path / f"{who.lower()}.xlsx",
            Sheet(
                name="Indicators",
                header=LONG,
                rows=[
                    ["LPI 12", "Rent collected (%)", Q1, target, q1],
                    ["LPI 12", "Rent collected (%)", Q2, target, q2],
                ],
            ),
        )
        for who, target, q1, q2 in [("Chorley", 96, 95.5, 94), ("Burnley", 90, 92, 93)]
    ]
    before = grid(master)
    result = merge_files(master, returns, schema="indicators")
    assert result.written is not None
    assert changed(before, grid(master)) == {
        "North!G3": 94,
        "South!E3": 92,
        "South!G3": 93,
    }


def test_push_into_a_wide_tracker_lands_in_its_period_cells(tmp_path: Path) -> None:
    master = build(
        tmp_path / "master.xlsx",
        Sheet(
            name="Indicators",
            header=["Partner", *LONG],
            rows=[
                ["Chorley", "LPI 12", "Rent collected (%)", Q1, 96, 95.5],
                ["Chorley", "LPI 12", "Rent collected (%)", Q2, 97, None],  # target raised
                ["Chorley", "LPI 12", "Rent collected (%)", Q3, 98, None],  # no Q3 group there
                ["Burnley", "LPI 12", "Rent collected (%)", Q2, 80, None],
            ],
        ),
    )
    tracker = build(
        tmp_path / "chorley.xlsx",
        Sheet(
            name="Our PIs",
            above_header=[[None, None, Q1, None, Q2, None]],
            header=["PI Code", "Indicator", "Target", "Actual", "Target", "Actual"],
            merges=["C1:D1", "E1:F1"],
            rows=[["LPI 12", "Rent collected (%)", 96, 95.5, 96, 94]],
        ),
    )
    before = grid(tracker)
    result = push_to_tracker(master, tracker, partner="Chorley", schema="indicators")
    assert result.written is not None
    assert changed(before, grid(tracker)) == {"Our PIs!E3": 97}
    assert [(r.ref, r.theirs) for r in result.plan.rejected_edits] == [(f"LPI 12 {Q3}", Q3)]
    again = push_to_tracker(master, tracker, partner="Chorley", schema="indicators")
    assert again.written is None and not again.plan.changes


def tracker(path: Path, groups: list[tuple[str, list[str]]], rows: list[list[Any]]) -> Path:
    """A partner's own wide workbook: PI Code | Indicator | then each period's columns."""
    above: list[Any] = [None, None]
    header = ["PI Code", "Indicator"]
    merges = []
    for heading, names in groups:
        first = len(header) + 1
        above += [heading] + [None] * (len(names) - 1)
        header += names
        if len(names) > 1:
            merges.append(f"{chr(64 + first)}1:{chr(64 + len(header))}1")
    return build(
        path,
        Sheet(name="Indicators", above_header=[above], header=header, merges=merges, rows=rows),
    )


def test_a_wide_return_is_cited_by_its_own_cells(tmp_path: Path) -> None:
    master = build(
        tmp_path / "master.xlsx",
        wide_master(
            "Indicators", [["LPI 12", "Rent collected (%)", "Chorley", 96, 95.5, 96, None]]
        ),
    )
    both = ["Target", "Actual"]
    ret = tracker(
        tmp_path / "chorley.xlsx",
        [(Q1, both), (Q2, both)],
        [["LPI 12", "Rent collected (%)", 96, 95.5, 96, 94]],
    )
    before = grid(master)
    result = merge_files(master, [ret], schema="indicators")
    (change,) = result.plan.changes
    assert (str(change.cell), change.source) == ("Indicators!G3", "chorley.xlsx!Indicators!F3")
    assert changed(before, grid(master)) == {"Indicators!G3": 94}


def test_a_value_whose_period_has_no_column_for_it_is_refused(tmp_path: Path) -> None:
    master = build(
        tmp_path / "master.xlsx",
        Sheet(
            name="Indicators",
            header=["Partner", *LONG],
            rows=[
                ["Chorley", "LPI 12", "Rent collected (%)", Q1, 95, None],  # target lowered
                ["Chorley", "LPI 12", "Rent collected (%)", Q2, 97, None],  # Q2 has no Target
            ],
        ),
    )
    path = tracker(
        tmp_path / "chorley.xlsx",
        [(Q1, ["Target", "Actual"]), (Q2, ["Actual"])],
        [["LPI 12", "Rent collected (%)", 96, 95.5, 94]],
    )
    before = grid(path)
    result = push_to_tracker(master, path, partner="Chorley", schema="indicators")
    # Q1's target lands in C3; Q2's would have gone into C3 too, Q1's cell: refused
    assert changed(before, grid(path)) == {"Indicators!C3": 95}
    assert [(r.ref, r.field, r.theirs) for r in result.plan.rejected_edits] == [
        (f"LPI 12 {Q2}", "target", 97)
    ]
