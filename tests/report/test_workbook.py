"""The report workbook: summary counts match the master, a live chart, overdue list, monitoring."""

from __future__ import annotations

import re
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from report.masters import EXPECTED_HISTORY, TODAY, build_master, count_master

from sync.report.build import build_report

CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
SERIES = ".//c:ser"  # a chart series element  # codespell:ignore ser
CLOSED = "This item is now considered closed."


def open_report(path: Path) -> Workbook:
    return load_workbook(path)


def summary_table(
    ws: Worksheet,
) -> tuple[int, list[str], dict[str, dict[str, Any]], dict[str, Any]]:
    """The Summary sheet read back: header row, headers, a row per partner, the totals row."""
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Partner")
    heads = [ws.cell(header, c).value for c in range(2, ws.max_column + 1)]
    heads = [h for h in heads if h is not None]
    rows: dict[str, dict[str, Any]] = {}
    totals: dict[str, Any] = {}
    for r in range(header + 1, ws.max_row + 1):
        name = ws.cell(r, 1).value
        if name is None:
            break
        values = {h: ws.cell(r, c).value for c, h in enumerate(heads, start=2)}
        if name == "Total":
            totals = values
            break
        rows[name] = values
    return header, heads, rows, totals


@pytest.mark.parametrize("which", ["built", "sample"])
def test_summary_counts_equal_the_masters_own_cells(
    which: str, master: Path, sample_master: Path, tmp_path: Path
) -> None:
    source = master if which == "built" else sample_master
    out = build_report(source, tmp_path / "report.xlsx", today=TODAY)
    expected = count_master(source).by_partner
    _, heads, rows, totals = summary_table(open_report(out)["Summary"])

    assert sorted(rows) == sorted(expected)
    for partner, values in rows.items():
        assert all(isinstance(v, int) for v in values.values()), values
        assert {h: v for h, v in values.items() if v} == {
            k: v for k, v in expected[partner].items() if v
        }, partner
    # every value the master holds has its own column, synonyms counted under the canonical one
    seen = {k for counts in expected.values() for k in counts}
    assert seen <= set(heads)
    for head in heads:
        assert totals[head] == sum(e.get(head, 0) for e in expected.values()), head


def test_the_built_master_exercises_synonyms_blanks_and_strays(
    master: Path, tmp_path: Path
) -> None:
    out = build_report(master, tmp_path / "report.xlsx", today=TODAY)
    _, heads, rows, _ = summary_table(open_report(out)["Summary"])
    assert heads[:5] == ["Not started", "In progress", "Complete", "Closed", "Paused"]
    assert {"Maybe", "No status", "No RAG", "Total", "Red", "Amber", "Green", "Overdue"} <= set(
        heads
    )
    assert "Done" not in heads and "Ongoing" not in heads
    assert rows["Chorley"]["Complete"] == 1 and rows["Burnley"]["In progress"] == 1
    assert rows["South Ribble"]["No status"] == 1 and rows["South Ribble"]["Maybe"] == 1


def _chart_refs(path: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert charts, "the report has no chart part"
        root = ElementTree.fromstring(z.read(charts[0]))
    assert root.find(".//c:barChart", CHART_NS) is not None
    series = []
    for one in root.iterfind(SERIES, CHART_NS):
        series.append(
            {
                part: one.find(f"c:{part}//c:f", CHART_NS).text  # type: ignore[union-attr]
                for part in ("tx", "cat", "val")
            }
        )
    return series


def _cells(wb: Workbook, ref: str) -> list[Any]:
    sheet, _, cells = ref.rpartition("!")
    ws = wb[sheet.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    return [
        ws.cell(r, c).value
        for r in range(min_row, max_row + 1)
        for c in range(min_col, max_col + 1)
    ]


@pytest.mark.parametrize("which", ["built", "sample"])
def test_chart_is_a_native_bar_chart_over_the_summary_cells(
    which: str, master: Path, sample_master: Path, tmp_path: Path
) -> None:
    source = master if which == "built" else sample_master
    out = build_report(source, tmp_path / "report.xlsx", today=TODAY)
    wb = open_report(out)
    assert len(wb["Summary"]._charts) == 1  # the drawing hangs off the Summary sheet
    header, heads, rows, _ = summary_table(wb["Summary"])
    statuses = heads[: heads.index("Total")]
    series = _chart_refs(out)
    assert len(series) == len(statuses)
    for one, status in zip(series, statuses, strict=True):
        assert all(ref.startswith("'Summary'!") for ref in one.values()), one
        assert _cells(wb, one["tx"]) == [status]
        assert _cells(wb, one["cat"]) == list(rows)
        assert _cells(wb, one["val"]) == [rows[p][status] for p in rows]
        # the totals row is not a partner's bar
        assert not re.search(rf"\${header + len(rows) + 1}$", one["val"])


def monitoring_blocks(ws: Worksheet, partners: set[str]) -> dict[tuple[str, str], list[list[Any]]]:
    """Each recommendation's rows in the Monitoring sheet, keyed by (partner, ref)."""
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Ref")
    merged = {r.min_row for r in ws.merged_cells.ranges}
    blocks: dict[tuple[str, str], list[list[Any]]] = {}
    partner = key = None
    for r in range(header + 1, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, 7)]
        if r in merged:
            if values[0] in partners:
                partner = values[0]
            key = None  # a section heading ends the item above
            continue
        if values[0] is not None:
            key = (partner, str(values[0]))
            assert key not in blocks, f"{key} listed twice"
            blocks[key] = []
        if key is not None:
            blocks[key].append(values)
    return blocks


def test_monitoring_lists_every_recommendation_with_its_full_history(
    master: Path, tmp_path: Path
) -> None:
    out = build_report(master, tmp_path / "report.xlsx", today=TODAY)
    ws = open_report(out)["Monitoring"]
    facts = count_master(master)
    blocks = monitoring_blocks(ws, set(facts.by_partner))
    assert set(blocks) == set(EXPECTED_HISTORY)
    for key, expected in EXPECTED_HISTORY.items():
        rows = blocks[key]
        entries = [(r[2], r[3]) for r in rows if r[2] is not None or (r[3] and r[3] != CLOSED)]
        entries = [(w.date() if isinstance(w, datetime) else w, t) for w, t in entries]
        if not expected:
            assert entries == [(None, "No progress reported.")], key
            continue
        assert [w for w, _ in entries] == [w for w, _ in expected], key
        for (_, text), (_, start) in zip(entries, expected, strict=True):
            assert text.startswith(start), (key, text)
        # dates are real dates, bold, shown as the reports write them
        first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == rows[0][3])
        assert ws.cell(first, 3).font.b and ws.cell(first, 3).number_format == "d mmmm yyyy"
    # a closed item says so once: in the officer's own words, or in the report's
    for key, rows in blocks.items():
        closing = [
            r[3] for r in rows if isinstance(r[3], str) and "considered closed" in r[3].lower()
        ]
        assert len(closing) == (1 if key in facts.closed else 0), key
    # one recommendation's history never leaks into another's
    assert not any("Stray note." in str(r[3]) for rows in blocks.values() for r in rows)


def test_monitoring_lists_every_sample_recommendation_with_every_dated_entry(
    sample_master: Path, tmp_path: Path
) -> None:
    out = build_report(sample_master, tmp_path / "report.xlsx", today=TODAY)
    facts = count_master(sample_master)
    blocks = monitoring_blocks(open_report(out)["Monitoring"], set(facts.by_partner))
    assert set(blocks) == {(p, r) for p, refs in facts.refs.items() for r in refs}
    for key, rows in blocks.items():
        # each line of the progress cell that is only a date starts an entry
        wanted = [
            datetime.strptime(line.strip(), "%d %B %Y").date()
            for line in facts.progress[key].splitlines()
            if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", line.strip())
        ]
        shown = [r[2].date() for r in rows if isinstance(r[2], datetime)]
        assert shown == sorted(wanted), key


def test_overdue_sheet_lists_what_is_past_its_target(
    master: Path, sample_master: Path, tmp_path: Path
) -> None:
    for source in (master, sample_master):
        out = build_report(source, tmp_path / f"{source.stem}-report.xlsx", today=TODAY)
        ws = open_report(out)["Overdue"]
        header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Partner")
        heads = [ws.cell(header, c).value for c in range(1, 8)]
        assert heads == [
            "Partner",
            "Ref",
            "Recommendation",
            "Lead",
            "Target date",
            "Status",
            "Days overdue",
        ]
        found = {
            (ws.cell(r, 1).value, str(ws.cell(r, 2).value)): ws.cell(r, 7).value
            for r in range(header + 1, ws.max_row + 1)
            if ws.cell(r, 2).value is not None
        }
        assert found == count_master(source).overdue
    assert found == {("Chorley", "17."): 79, ("Lancashire County", "4,b"): 48}


def test_sheets_are_printable(master: Path, tmp_path: Path) -> None:
    wb = open_report(build_report(master, tmp_path / "report.xlsx", today=TODAY))
    assert wb.sheetnames == ["Summary", "Overdue", "Monitoring"]
    for ws in wb:
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    for name in ("Overdue", "Monitoring"):
        assert wb[name].print_title_rows == "$4:$4"
    mon = wb["Monitoring"]
    assert mon.column_dimensions["D"].width >= 60
    assert mon.cell(5, 2).alignment.wrap_text or any(
        mon.cell(r, 4).alignment.wrap_text for r in range(5, mon.max_row + 1)
    )
    # each partner after the first starts a new printed page
    assert len(mon.row_breaks.brk) == 2


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = build_master(tmp_path / "master.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    cell = wb["Register"]["H6"]  # Burnley R1's progress
    cell.value = '=HYPERLINK("http://example.invalid","click")'
    cell.data_type = "s"
    wb.save(path)
    out = build_report(path, tmp_path / "report.xlsx", today=TODAY)
    mon = open_report(out)["Monitoring"]
    hits = [
        c
        for row in mon.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert hits and all(c.data_type == "s" for c in hits)


def test_partner_option_limits_every_sheet(master: Path, tmp_path: Path) -> None:
    out = build_report(master, tmp_path / "report.xlsx", today=TODAY, partner="burnley")
    wb = open_report(out)
    _, _, rows, totals = summary_table(wb["Summary"])
    assert list(rows) == ["Burnley"] and totals["Total"] == 2
    blocks = monitoring_blocks(wb["Monitoring"], {"Burnley", "Chorley", "South Ribble"})
    assert set(blocks) == {("Burnley", "R1"), ("Burnley", "R2")}
    assert "Burnley" in wb["Summary"]["A2"].value


def test_no_overdue_items_says_so(master: Path, tmp_path: Path) -> None:
    out = build_report(master, tmp_path / "report.xlsx", today=date(2005, 1, 1))
    ws = open_report(out)["Overdue"]
    assert ws["A5"].value.startswith("No recommendation was past its target date")
