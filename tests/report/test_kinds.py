"""Every built-in kind through the whole cycle: `status` counts by the kind's own vocabulary
and rule, and the committee report takes the form the kind's readers expect."""

from __future__ import annotations

import json
import warnings
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from builders import Sheet, build
from click.testing import CliRunner
from openpyxl import load_workbook
from report.kind_masters import (
    ACTIVITIES,
    INDICATORS,
    NOT_REPORTED,
    PARTNERS,
    PERIODS,
    RISKS,
    action_plan_master,
    indicators_master,
    risks_master,
)
from test_keys import cell_of, cells, changed

from sync.cli import cli
from sync.read.table import read_register
from sync.write.patch import patch


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
    expected = {
        (who, what)
        for who, what, _, due, status in ACTIVITIES
        if due < date(2007, 3, 20) and status not in ("Complete", "Closed")
    }
    assert late == expected and len(expected) == 3


# the whole cycle ----------------------------------------------------------------------------
class Tables(HTMLParser):
    """The page's tables, by the id of the section holding them: rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.section: list[str] = []
        self.tables: dict[str, list[list[list[str]]]] = {}
        self.covers: dict[str, str] = {}
        self.cell: list[str] | None = None
        self.in_covers = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.section.append(a.get("id") or "")
        elif tag == "table":
            self.tables.setdefault(self.section[-1], []).append([])
        elif tag == "tr":
            self.tables[self.section[-1]][-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "p" and a.get("class") == "covers":
            self.in_covers = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.section.pop()
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[self.section[-1]][-1][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "p" and self.in_covers:
            self.covers[self.section[-1]] = "".join(self.text)
            self.in_covers, self.text = False, []

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.in_covers:
            self.text.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def page(path: Path) -> Tables:
    parser = Tables()
    parser.feed(path.read_text("utf-8"))
    return parser


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return [list(r) for r in wb[sheet].iter_rows(values_only=True)]


def charts(path: Path) -> list[str]:
    """The native chart parts of a workbook, as written in the package."""
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))


def records(master: Path, kind: str) -> list[dict[str, Any]]:
    return [dict(r) for r in read_register(master, schema=kind).records()]


def cycle(tmp_path: Path, make: Any, today: str, edit: Any) -> tuple[Path, Path, Path]:
    """issue -> a partner's edit -> merge -> report in both formats; returns master and reports."""
    master = make(tmp_path / "master.xlsx")
    returns = tmp_path / "returns"
    result = run("issue", str(master), "--out", str(returns), "--today", today)
    assert result.exit_code == 0, result.output
    edit(returns)
    result = run("merge", str(master), str(returns), "--today", today, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes"], "the partner's edit was merged"
    xlsx, html = tmp_path / "report.xlsx", tmp_path / "report.html"
    for out in (xlsx, html):
        result = run("report", str(master), "--out", str(out), "--today", today)
        assert result.exit_code == 0, result.output
    return master, xlsx, html


def table_rows(rows: list[list[Any]], header_first: str) -> list[list[Any]]:
    """The rows under each header row starting `header_first`, up to the next blank row."""
    out: list[list[Any]] = []
    inside = False
    for row in rows:
        if row and row[0] == header_first:
            inside = True
            continue
        if inside and all(v is None for v in row):
            inside = False
        elif inside:
            out.append(row)
    return out


def test_indicators_go_through_the_cycle_and_the_report_shows_each_against_target(
    tmp_path: Path,
) -> None:
    who, code = NOT_REPORTED

    def edit(returns: Path) -> None:
        mine = returns / f"{who}.xlsx"
        at = {"code": code, "period": PERIODS[-1]}
        patch(mine, mine, {cell_of(mine, "indicators", "actual", **at): 83.0,
                           cell_of(mine, "indicators", "rag", **at): "Green",
                           cell_of(mine, "indicators", "comments", **at): "Q3 <i>met</i> at last"})  # fmt: skip

    master, xlsx, html = cycle(tmp_path, indicators_master, "2009-01-20", edit)
    status = status_json(master, "2009-01-20")
    assert all(p["not_reported"] == [] for p in status["partners"])

    recs = records(master, "indicators")
    assert len(recs) == len(PARTNERS) * len(INDICATORS) * len(PERIODS)
    expected = sorted(
        (r["partner"], r["code"], r["period"], r["target"], r["actual"], r["rag"]) for r in recs
    )
    # the workbook: every indicator, partner and period, target against actual, with its RAG
    found = []
    rows = sheet_rows(xlsx, "Indicators against target")
    heading = None
    for row in rows:
        if isinstance(row[0], str) and " is better)" in row[0]:
            heading = row[0]
        elif heading and row[0] in PARTNERS:
            found.append((row[0], heading.split(":")[0], *row[1:5]))
    assert sorted(found) == expected
    for name, (_, polarity, _, _) in INDICATORS.items():
        assert any(
            isinstance(r[0], str)
            and r[0].startswith(name)
            and r[0].endswith(f"({polarity.lower()})")
            for r in rows
        )
    assert (
        sheet_rows(xlsx, "Summary")[2][0]
        == f"Covers: Period {PERIODS[-1]}, the latest in the return"
    )
    assert "Every partner has reported" in str(sheet_rows(xlsx, "Not yet reported"))
    assert len(charts(xlsx)) == len(INDICATORS)  # a native line chart per indicator
    # the latest commentary, the partner's own words as written
    notes = table_rows(sheet_rows(xlsx, "Latest commentary"), "Partner")
    assert [who, code, PERIODS[-1], "Q3 <i>met</i> at last"] in notes
    assert len(notes) == len(PARTNERS) * len(INDICATORS)

    # the page: the same rows, the partner's text escaped
    tables = page(html)
    body = html.read_text("utf-8")
    assert "<i>met</i>" not in body and "&lt;i&gt;met&lt;/i&gt;" in body
    assert "<b>on course</b>" not in body
    on_page = sorted(
        (r[0], t_code, r[1], float(r[2]), float(r[3]), r[4])
        for t_code, t in zip(INDICATORS, tables.tables["indicators"], strict=True)
        for r in t[1:]
    )
    assert on_page == [(p, c, q, float(t), float(a), g) for p, c, q, t, a, g in expected]
    assert tables.covers["trend"] == f"Covers: Periods {PERIODS[0]} to {PERIODS[-1]}"
    assert body.count("<polyline") >= len(INDICATORS) * (len(PARTNERS) + 1)


def test_the_not_reported_partner_is_named_for_the_current_period(tmp_path: Path) -> None:
    master = indicators_master(tmp_path / "pis.xlsx")
    out = tmp_path / "report.html"
    assert run("report", str(master), "--out", str(out), "--today", "2009-01-20").exit_code == 0
    tables = page(out)
    assert tables.tables["not-reported"][0][1][:2] == list(NOT_REPORTED)
    assert tables.covers["not-reported"] == f"Covers: Period {PERIODS[-1]}"


def grid(recs: list[dict[str, Any]], lk: str, im: str) -> dict[tuple[int, int], int]:
    live = [r for r in recs if r["status"] != "Closed"]
    return {(x, y): sum(r[lk] == x and r[im] == y for r in live) for x in range(1, 6) for y in range(1, 6)}  # fmt: skip


def test_risks_go_through_the_cycle_and_the_heat_map_counts_the_register(tmp_path: Path) -> None:
    def edit(returns: Path) -> None:
        mine = returns / "Chorley.xlsx"
        patch(mine, mine, {cell_of(mine, "risks", "likelihood", ref="R01"): 4,
                           cell_of(mine, "risks", "score", ref="R01"): 12})  # fmt: skip

    master, xlsx, html = cycle(tmp_path, risks_master, "2007-03-20", edit)
    status = status_json(master, "2007-03-20")
    assert {p["partner"]: p["by_status"].get("Escalated", 0) for p in status["partners"]} == {
        "Burnley": 1, "Chorley": 0, "South Ribble": 0}  # fmt: skip
    recs = records(master, "risks")
    assert len(recs) == len(RISKS)

    # the heat maps, before and after mitigation, count the register's live risks cell by cell
    rows = sheet_rows(xlsx, "Heat map")
    maps = [i for i, r in enumerate(rows) if isinstance(r[0], str) and "(rows) by" in r[0]]
    assert len(maps) == 2
    tables = page(html)
    for at, (lk, im) in zip(maps, [("likelihood", "impact"), ("residual_likelihood", "residual_impact")], strict=True):  # fmt: skip
        want = grid(recs, lk, im)
        assert sum(want.values()) == sum(r[-1] != "Closed" for r in RISKS)
        shown = {(x, rows[at + 1 + n][0]): rows[at + 1 + n][x] for n in range(5) for x in range(1, 6)}  # fmt: skip
        assert shown == want
        html_map = tables.tables["heat-map"][maps.index(at)]
        assert {(x, int(r[0])): int(r[x]) for r in html_map[1:] for x in range(1, 6)} == want
    # every risk by score, with owner and mitigation; the rise and the escalation are listed
    top = table_rows(sheet_rows(xlsx, "Risks by score"), "Partner")
    assert sorted((r[0], r[1]) for r in top) == sorted((r["partner"], r["ref"]) for r in recs)
    assert ("Chorley", "R01", 12) in {(r[0], r[1], r[3]) for r in top}
    assert all(r[5] and r[6] for r in top)
    watch = {
        (r[0], r[1]): r[-1] for r in table_rows(sheet_rows(xlsx, "Escalated or rising"), "Partner")
    }
    assert watch[("Burnley", "R03")] == "escalated"
    assert watch[("Chorley", "R01")].startswith("score rose at the merge of")
    assert len(watch) == 2
    assert [r[:2] for r in tables.tables["escalated"][0][1:]] == [[p, r] for p, r in watch]
    body = html.read_text("utf-8")
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert tables.covers["heat-map"] == "Covers: At 20 March 2007"


def test_action_plans_go_through_the_cycle_by_status_theme_and_position(tmp_path: Path) -> None:
    def edit(returns: Path) -> None:
        mine = returns / "Burnley.xlsx"
        at = {"activity": "Facilities Management"}
        patch(mine, mine, {cell_of(mine, "action_plan", "status", **at): "Complete",
                           cell_of(mine, "action_plan", "current_position", **at): "12 March 2007 Handed over.",
                           cell_of(mine, "action_plan", "updated", **at): date(2007, 3, 12)})  # fmt: skip

    master, xlsx, html = cycle(tmp_path, action_plan_master, "2007-03-20", edit)
    recs = records(master, "action_plan")
    by_status = table_rows(sheet_rows(xlsx, "Activities by status"), "Partner")
    header = next(r for r in sheet_rows(xlsx, "Activities by status") if r[0] == "Partner")
    for row in by_status:
        mine = [r for r in recs if r["partner"] == row[0]]
        for col, status in enumerate(header[1:-1], start=1):
            assert row[col] == sum(r["status"] == status for r in mine)
        assert row[len(header) - 1] == len(mine)
    assert len(charts(xlsx)) == 1
    late = table_rows(sheet_rows(xlsx, "Overdue activities"), "Partner")
    assert sorted((r[0], r[1]) for r in late) == sorted(
        (p, a) for p, a, _, due, s in ACTIVITIES
        if due < date(2007, 3, 20) and s not in ("Complete", "Closed") and (p, a) != ("Burnley", "Facilities Management")
    )  # fmt: skip
    positions = table_rows(sheet_rows(xlsx, "Latest position"), "Partner")
    assert sorted((r[0], r[2]) for r in positions) == sorted(
        (r["partner"], r["activity"]) for r in recs
    )
    assert ["Burnley", "Property Services", "Facilities Management", "Complete", datetime(2007, 3, 12), "Handed over."] in positions  # fmt: skip
    tables = page(html)
    assert sorted((r[0], r[2]) for r in tables.tables["positions"][0][1:]) == sorted(
        (r[0], r[2]) for r in positions
    )
    assert ["Burnley", "Property Services", "Facilities Management", "Complete", "12 March 2007", "Handed over."] in tables.tables["positions"][0]  # fmt: skip
    themes = [r[0] for r in tables.tables["summary"][1][1:]]
    assert themes == ["Property Services", "Procurement"]
    assert tables.covers["overdue"] == "Covers: At 20 March 2007"


# issued returns -----------------------------------------------------------------------------
def issued(tmp_path: Path, master: Path, partner: str) -> Any:
    out = tmp_path / "issued"
    result = run("issue", str(master), "--out", str(out), "--today", "2009-01-05")
    assert result.exit_code == 0, result.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(out / f"{partner}.xlsx")["Return"]


def validations(ws: Any) -> dict[str, tuple[str, str | None, str | None]]:
    """Each validated column's header -> (type, first formula, second formula)."""
    header = {c.column_letter: c.value for c in ws[5]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        found[header[letter]] = (dv.type, dv.formula1, dv.formula2)
    return found


def test_an_indicator_return_opens_the_current_period_and_locks_earlier_ones(
    tmp_path: Path,
) -> None:
    ws = issued(tmp_path, indicators_master(tmp_path / "pis.xlsx"), "Chorley")
    header = {c.value: c.column for c in ws[5]}
    assert PERIODS[-1] in ws["A3"].value and "earlier periods are locked" in ws["A3"].value
    seen = set()
    for row in ws.iter_rows(min_row=6, max_row=5 + len(INDICATORS) * len(PERIODS)):
        period = row[header["Period"] - 1].value
        actual, rag = row[header["Actual"] - 1], row[header["RAG"] - 1]
        target = row[header["Target"] - 1]
        seen.add(period)
        assert target.protection.locked  # the coordinator's column, every period
        if period == PERIODS[-1]:
            assert not actual.protection.locked and not rag.protection.locked
            assert actual.fill.fgColor.rgb.endswith("FFF2CC")
        else:
            assert actual.protection.locked and rag.protection.locked
    assert seen == set(PERIODS)
    assert validations(ws)["RAG"] == ("list", '"Red,Amber,Green"', None)


def test_a_risk_return_offers_its_statuses_and_scores_as_drop_downs(tmp_path: Path) -> None:
    ws = issued(tmp_path, risks_master(tmp_path / "risks.xlsx"), "Burnley")
    found = validations(ws)
    assert found["Status"] == ("list", '"Open,Closed,Escalated"', None)
    assert found["Likelihood"] == ("whole", "1", "5")
    assert found["Risk Score"] == ("whole", "1", "25")
    assert found["Residual Impact"] == ("whole", "1", "5")
    header = {c.value: c.column for c in ws[5]}
    assert not ws.cell(6, header["Mitigation"]).protection.locked
    assert ws.cell(6, header["Risk Owner"]).protection.locked


def test_an_action_plan_return_offers_its_own_statuses(tmp_path: Path) -> None:
    ws = issued(tmp_path, action_plan_master(tmp_path / "plan.xlsx"), "Chorley")
    assert validations(ws)["Status"] == (
        "list", '"Not started,In progress,Complete,Closed,Paused"', None)  # fmt: skip
    header = {c.value: c.column for c in ws[5]}
    assert not ws.cell(6, header["Current Position"]).protection.locked
    assert ws.cell(6, header["Target Date"]).protection.locked


# push ---------------------------------------------------------------------------------------
def own_tracker(path: Path, header: list[str], rows: list[list[Any]], partner: str) -> Path:
    """A partner's own tracker: its rows of the master, without the Partner column."""
    keep = [i for i, h in enumerate(header) if h != "Partner"]
    mine = [[r[i] for i in keep] for r in rows if r[0] == partner]
    return build(path, Sheet("Register", [header[i] for i in keep], mine, titles=["Our return"]))


def test_push_brings_the_coordinators_columns_into_a_partners_own_tracker(tmp_path: Path) -> None:
    from report.kind_masters import INDICATOR_HEADER, RISK_HEADER, indicator_rows, risk_rows

    cases = [
        (risks_master, RISK_HEADER, risk_rows(), "risks", "owner", {"ref": "R02"}, "Director of Finance"),
        (indicators_master, INDICATOR_HEADER, indicator_rows(), "indicators", "target",
         {"code": "NI 181", "period": PERIODS[-1]}, 11.0),
    ]  # fmt: skip
    for make, header, rows, kind, field, at, value in cases:
        master = make(tmp_path / f"{kind}.xlsx")
        patch(master, master, {cell_of(master, kind, field, partner="Chorley", **at): value})
        tracker = own_tracker(tmp_path / "Chorley.xlsx", header, rows, "Chorley")
        before = cells(tracker)
        result = run("push", str(master), str(tracker))
        assert result.exit_code == 0, result.output
        diff = changed(before, cells(tracker), "Register")
        assert diff == {
            cell_of(tracker, kind, field, **at): (
                before[cell_of(tracker, kind, field, **at)],
                value,
            )
        }


def test_each_kinds_report_workbook_passes_the_ooxml_checker(tmp_path: Path) -> None:
    from ooxmlcheck import checker, new_findings

    checker()
    problems: list[str] = []
    for make, today in (
        (indicators_master, "2009-01-20"),
        (risks_master, "2007-03-20"),
        (action_plan_master, "2007-03-20"),
    ):
        master = make(tmp_path / f"{make.__name__}.xlsx")
        out = tmp_path / f"{make.__name__}-report.xlsx"
        assert run("report", str(master), "--out", str(out), "--today", today).exit_code == 0
        problems += new_findings(None, out)
    assert problems == []
