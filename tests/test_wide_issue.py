"""Issuing from a wide master (periods across its columns): each partner's return keeps the
master's layout, only the current period's group and the row's own fields open, and merge
takes a filled-in period cell back into exactly its cell of the master."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

from builders import Sheet, build
from clirun import errors, run
from ooxmlcheck import checker, findings
from openpyxl import load_workbook
from test_keys import cells, changed

from sync.write.patch import patch

Q1, Q2, Q3 = "2008/09 Q1", "2008/09 Q2", "2008/09 Q3"
PARTNERS = ["Burnley", "Chorley", "South Ribble"]
HEADER = ["PI Code", "Indicator", "Partner", "Target", "Actual", "Target", "Actual",
          "Target", "Actual", "Polarity", "RAG", "Comments"]  # fmt: skip
GREY, YELLOW = "00EDEDED", "00FFF2CC"


def partner_rows(p: int, partner: str) -> list[list[Any]]:
    """A partner's two indicators, a Target and an Actual under each quarter; Q3 (the current
    quarter) has its targets set and its actuals still to come."""
    return [
        ["NI 181", "Time taken to process benefit claims", partner,
         12, 13 + p, 12, 12.4 + p, 11, None, "Lower is better", "Amber", f"{partner}: NI 181"],
        ["LPI 12", "Calls answered within 20 seconds", partner,
         80, 81.5 + p, 80, 74.2 + p, 82, None, "Higher is better", None, None],
    ]  # fmt: skip


def wide_master(path: Path) -> Path:
    """Three partners, two indicators each, three quarters across the columns."""
    rows = [row for p, partner in enumerate(PARTNERS) for row in partner_rows(p, partner)]
    return build(
        path,
        Sheet(
            name="Indicators",
            titles=["Lancashire performance indicators 2008/09"],
            above_header=[[None, None, None, Q1, None, Q2, None, Q3, None, None, None, None]],
            header=HEADER,
            merges=["D3:E3", "F3:G3", "H3:I3"],
            rows=rows,
        ),
    )


def sheet_of(path: Path, name: str = "Return") -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path)[name]


def issue(tmp_path: Path) -> tuple[Path, Path]:
    master = wide_master(tmp_path / "master.xlsx")
    returns = tmp_path / "returns"
    result = run("issue", master, "--out", returns, "--today", "2009-01-05")
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.name for p in returns.glob("*.xlsx")) == [f"{p}.xlsx" for p in PARTNERS]
    return master, returns


def test_a_return_from_a_wide_master_keeps_its_layout_with_only_the_current_period_open(
    tmp_path: Path,
) -> None:
    _, returns = issue(tmp_path)
    ret = returns / "Chorley.xlsx"
    ws = sheet_of(ret)
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == [
        "Return from Chorley",
        "Performance indicator return: your rows of master.xlsx, issued 05 January 2009",
        f"Fill in the {Q3} columns, marked yellow; earlier periods are locked.",
    ]
    # each quarter's heading over its Target and Actual, as in the master; then each
    # partner's own rows of the master, as they are there, and nothing under them
    for p, partner in enumerate(PARTNERS):
        mine = sheet_of(returns / f"{partner}.xlsx")
        assert [[c.value for c in row] for row in mine.iter_rows(4, 9, max_col=13)] == [
            [None] * 13,
            [None, None, None, Q1, None, Q2, None, Q3, None, None, None, None, None],
            [*HEADER, None],
            *[[*row, None] for row in partner_rows(p, partner)],
            [None] * 13,
        ]
    assert sorted(str(m) for m in ws.merged_cells.ranges) == ["D5:E5", "F5:G5", "H5:I5"]
    # open: Q3's Actual, the RAG and the Comments; locked and grey: the rest, earlier
    # quarters' actuals among them
    table = [c for row in ws.iter_rows(min_row=7, max_row=8, max_col=12) for c in row]
    assert sorted(c.coordinate for c in table if not c.protection.locked) == [
        "I7", "I8", "K7", "K8", "L7", "L8",
    ]  # fmt: skip
    assert sorted(c.coordinate for c in table if c.fill.fgColor.rgb == YELLOW) == [
        "I7", "I8", "K7", "K8", "L7", "L8",
    ]  # fmt: skip
    assert all(c.fill.fgColor.rgb == GREY for c in table if c.protection.locked)
    assert ws.protection.sheet and ws.freeze_panes == "A7"
    assert ws.auto_filter.ref == "A6:L8"
    assert ws.print_title_rows == "$5:$6"
    instructions = sheet_of(ret, "Instructions")
    said = {instructions.cell(r, 1).value: instructions.cell(r, 2).value for r in range(3, 20)}
    assert said["Period to fill"].startswith(f"{Q3}: its columns are marked yellow.")
    assert said["You fill in"] == "Actual, RAG, Comments"
    checker()
    for partner in PARTNERS:
        assert findings(returns / f"{partner}.xlsx") == set()


def test_a_filled_in_current_period_merges_into_exactly_its_cell_and_diff_shows_it(
    tmp_path: Path,
) -> None:
    master, returns = issue(tmp_path)
    # the returns as issued: nothing to merge, the master not written
    before = master.read_bytes()
    result = run("merge", master, returns, "--today", "2009-01-20", "--format", "json")
    assert result.exit_code == 0, result.output + result.stderr
    plan = json.loads(result.output)
    assert plan["changes"] == plan["added"] == plan["rejected_edits"] == plan["conflicts"] == []
    assert master.read_bytes() == before
    # issued again over returns nobody has filled in: allowed
    assert run("issue", master, "--out", returns, "--today", "2009-01-06").exit_code == 0
    shutil.copy(master, tmp_path / "before.xlsx")

    # Chorley reports LPI 12's Q3 actual (its row 8, Q3's Actual column I)
    chorley = returns / "Chorley.xlsx"
    patch(chorley, chorley, {"Return!I8": 83.5})
    old = cells(master)
    result = run("merge", master, chorley, "--today", "2009-01-20")
    assert result.exit_code == 0, result.output + result.stderr
    # Chorley's LPI 12 is the master's fourth record, row 8 (under a title, a blank row and
    # two header rows)
    assert changed(old, cells(master), "Indicators") == {"Indicators!I8": (None, 83.5)}
    assert {n for n in cells(master) if not n.startswith("Indicators!")} >= {
        n for n in old if not n.startswith("Indicators!")
    }

    result = run("diff", tmp_path / "before.xlsx", master, "--format", "json")
    assert result.exit_code == 1, result.output + result.stderr
    found = json.loads(result.output)
    assert found["added"] == found["removed"] == []
    assert [(c["partner"], c["field"], c["new"], c["new_cell"]) for c in found["changed"]] == [
        ("Chorley", "actual", 83.5, "Indicators!I8")
    ]

    # a filled-in return is not issued over
    result = run("issue", master, "--out", returns, "--today", "2009-01-21")
    assert result.exit_code == 2 and "filled in since it was issued" in errors(result)[0]
