"""The committee report as a printable workbook: Summary with a live chart, Overdue, Monitoring."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from sync.report.committee import CLOSED_LINE, CommitteeReport, Item, column_label, long_date
from sync.write.newbook import save_new_workbook

SUMMARY_HEADER_ROW = 5
TABLE_HEADER_ROW = 4
DATE_FORMAT = "d mmmm yyyy"  # "7 September 2005", as the monitoring reports write dates

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")  # the header blue of the master register
PARTNER_FILL = PatternFill("solid", fgColor="1F3864")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
RAG_FILLS = {
    "Red": PatternFill("solid", fgColor="F4CCCC"),
    "Amber": PatternFill("solid", fgColor="FCE5CD"),
    "Green": PatternFill("solid", fgColor="D9EAD3"),
}
# the same colours as the HTML chart, so the printed and the web report read alike
STATUS_COLOURS = {
    "Not started": "A6A6A6",
    "In progress": "2F75B5",
    "Complete": "548235",
    "Closed": "375623",
    "Paused": "BF8F00",
}
OTHER_COLOUR = "7030A0"
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
THIN = Side(style="thin", color="A6A6A6")


def write_workbook(report: CommitteeReport, path: Path) -> Path:
    """Build the report workbook with openpyxl and save it atomically."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None  # a new Workbook always has one sheet
    summary.title = "Summary"
    write_summary(summary, report)
    write_overdue(wb.create_sheet("Overdue"), report)
    write_monitoring(wb.create_sheet("Monitoring"), report)
    wb.properties.title = f"{report.title}: {report.subtitle}"
    wb.properties.creator = "xlsync"
    return save_new_workbook(wb, path)


def put(ws: Worksheet, row: int, col: int, value: Any, **style: Any) -> Any:
    """Write one value as a value: text from a workbook beginning "=" stays text, never a formula,
    and control characters Excel refuses are dropped."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _titles(ws: Worksheet, report: CommitteeReport, heading: str) -> None:
    put(ws, 1, 1, report.title, font=Font(bold=True, size=14))
    put(ws, 2, 1, f"{heading}: {report.subtitle}", font=Font(bold=True, size=11))
    put(ws, 3, 1, f"From {report.master.name}", font=Font(italic=True, color="595959"))


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        put(
            ws,
            row,
            col,
            text,
            font=Font(bold=True),
            fill=HEADER_FILL,
            alignment=Alignment(wrap_text=True, vertical="center"),
            border=Border(bottom=THIN),
        )


def _printable(
    ws: Worksheet, title_row: int, widths: dict[int, float], repeat: bool = True
) -> None:
    """Landscape, one page wide, the header row on every page, page numbers in the footer."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if repeat:
        ws.print_title_rows = f"{title_row}:{title_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the history needs
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.left.text = "&A"
    ws.freeze_panes = ws.cell(title_row + 1, 1)
    fit_rows(ws, title_row, widths)


def fit_rows(ws: Worksheet, first_row: int, widths: dict[int, float]) -> None:
    """Row heights for wrapped text. Neither Excel nor LibreOffice grows a row to fit wrapped
    text it did not type itself, so a long progress note would print as one clipped line."""
    merged = {r.min_row for r in ws.merged_cells.ranges if r.min_row == r.max_row}
    for row in range(first_row, ws.max_row + 1):
        if row in merged:
            continue
        lines = 1
        for col, width in widths.items():
            value = ws.cell(row, col).value
            if isinstance(value, str) and value:
                chars = max(width * 1.15 - 1, 4)  # a column of width w holds about w characters
                lines = max(
                    lines, sum(math.ceil(max(len(p), 1) / chars) for p in value.split("\n"))
                )
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines


def summary_columns(report: CommitteeReport) -> list[tuple[str, str]]:
    """The summary's columns after Partner, as (group, key): statuses, Total, RAGs, Overdue."""
    cols = [("status", s) for s in report.statuses] + [("total", "Total")]
    cols += [("rag", r) for r in report.rags]
    return cols + [("overdue", "Overdue")]


def write_summary(ws: Worksheet, report: CommitteeReport) -> None:
    """Partners by status and RAG with totals, and a bar chart drawn from those very cells."""
    _titles(ws, report, "Summary")
    cols = summary_columns(report)
    header = SUMMARY_HEADER_ROW
    # group labels over the status and RAG columns, as a paper summary would have them
    for group, label in (("status", "Status"), ("rag", "RAG")):
        span = [i + 2 for i, (g, _) in enumerate(cols) if g == group]
        if span:
            put(
                ws,
                header - 1,
                span[0],
                label,
                font=Font(bold=True),
                alignment=Alignment(horizontal="center"),
            )
            if len(span) > 1:
                ws.merge_cells(
                    start_row=header - 1,
                    start_column=span[0],
                    end_row=header - 1,
                    end_column=span[-1],
                )
    _header(ws, header, ["Partner", *[column_label(group, key) for group, key in cols]])
    for col, (group, name) in enumerate(cols, start=2):
        if group == "rag" and name in RAG_FILLS:
            ws.cell(header, col).fill = RAG_FILLS[name]
    row = header
    for row, p in enumerate(report.partners, start=header + 1):
        put(ws, row, 1, p.partner)
        for col, (group, name) in enumerate(cols, start=2):
            put(ws, row, col, _count(group, name, p.records, p.by_status, p.by_rag, p.overdue))
    last_partner_row = row
    total_row = last_partner_row + 1
    put(ws, total_row, 1, "Total", font=Font(bold=True), border=Border(top=THIN))
    totals = {"total": report.total(), "overdue": sum(p.overdue for p in report.partners)}
    for col, (group, name) in enumerate(cols, start=2):
        if group == "status":
            value = report.total(status=name)
        elif group == "rag":
            value = report.total(rag=name)
        else:
            value = totals[group]
        put(ws, total_row, col, value, font=Font(bold=True), border=Border(top=THIN))
    # one page: no header to repeat
    _printable(ws, header, {1: 22, **{c: 11 for c in range(2, len(cols) + 2)}}, repeat=False)
    if report.partners:
        add_status_chart(ws, report, header, last_partner_row, f"A{total_row + 3}")


def _count(
    group: str,
    name: str,
    records: int,
    by_status: dict[str, int],
    by_rag: dict[str, int],
    overdue: int,
) -> int:
    if group == "status":
        return by_status.get(name, 0)
    if group == "rag":
        return by_rag.get(name, 0)
    return records if group == "total" else overdue


def add_status_chart(
    ws: Worksheet, report: CommitteeReport, header: int, last_row: int, anchor: str
) -> None:
    """A stacked column chart of the status columns: its series reference the summary cells, so
    the chart follows any correction a coordinator makes in Excel."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Recommendations by partner and status"
    chart.y_axis.title = "Recommendations"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.width = max(18.0, 3.0 * len(report.partners))
    chart.height = 9.0
    first, last = 2, 1 + len(report.statuses)
    data = Reference(ws, min_col=first, max_col=last, min_row=header, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last_row))
    for series, status in zip(chart.series, report.statuses, strict=True):
        colour = STATUS_COLOURS.get(status, OTHER_COLOUR)
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    ws.add_chart(chart, anchor)


def write_overdue(ws: Worksheet, report: CommitteeReport) -> None:
    """Every recommendation past its target date and not complete or closed, longest first."""
    _titles(ws, report, "Overdue recommendations")
    headers = ["Partner", "Ref", "Recommendation", "Lead", "Target date", "Status", "Days overdue"]
    _header(ws, TABLE_HEADER_ROW, headers)
    row = TABLE_HEADER_ROW
    for row, item in enumerate(report.overdue_items, start=TABLE_HEADER_ROW + 1):
        for col, value in enumerate(
            [
                item.partner,
                item.ref,
                item.recommendation,
                item.lead,
                item.target_date,
                item.status,
                item.days_overdue,
            ],
            start=1,
        ):
            put(ws, row, col, value, alignment=WRAP)
    if row == TABLE_HEADER_ROW:
        put(
            ws,
            row + 1,
            1,
            f"No recommendation was past its target date on {long_date(report.today)}.",
            font=Font(italic=True),
        )
    _printable(ws, TABLE_HEADER_ROW, {1: 18, 2: 8, 3: 60, 4: 26, 5: 18, 6: 13, 7: 10})
    ws.auto_filter.ref = (
        f"A{TABLE_HEADER_ROW}:{get_column_letter(len(headers))}{max(row, TABLE_HEADER_ROW + 1)}"
    )


MONITORING_HEADERS = [
    "Ref",
    "Recommendation",
    "Date",
    "Progress / Comments",
    "Status",
    "Target date",
]


def write_monitoring(ws: Worksheet, report: CommitteeReport) -> None:
    """The monitoring reports' layout: per partner and section heading, each recommendation with
    its dated progress entries one to a line beneath it, closed items marked as the panel's do."""
    _titles(ws, report, "Monitoring")
    width = len(MONITORING_HEADERS)
    _header(ws, TABLE_HEADER_ROW, MONITORING_HEADERS)
    row = TABLE_HEADER_ROW + 1
    for n, (partner, sections) in enumerate(report.grouped()):
        if n:
            ws.row_breaks.append(Break(id=row - 1))  # each partner starts a new printed page
        _band(ws, row, width, partner, Font(bold=True, size=13, color="FFFFFF"), PARTNER_FILL)
        row += 1
        for section, items in sections:
            if section:
                _band(ws, row, width, section, Font(bold=True), SECTION_FILL)
                row += 1
            for item in items:
                row = _item(ws, row, item, width)
    _printable(ws, TABLE_HEADER_ROW, {1: 8, 2: 44, 3: 18, 4: 72, 5: 14, 6: 18})


def _band(ws: Worksheet, row: int, width: int, text: str, font: Font, fill: PatternFill) -> None:
    """A heading row merged across the table, like "External Publicity" in the paper."""
    put(ws, row, 1, text, font=font, fill=fill, alignment=Alignment(vertical="center"))
    for col in range(2, width + 1):
        ws.cell(row, col).fill = fill
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _item(ws: Worksheet, row: int, item: Item, width: int) -> int:
    """One recommendation; returns the row after it."""
    first = row
    put(ws, row, 1, item.ref, font=Font(bold=True), alignment=TOP)
    put(ws, row, 2, item.recommendation, alignment=WRAP)
    status = item.status or ""
    if item.rag:
        status = f"{status} ({item.rag})" if status else item.rag
    put(
        ws,
        row,
        5,
        status or None,
        alignment=WRAP,
        fill=RAG_FILLS.get(item.rag or "", PatternFill()),
    )
    target = put(ws, row, 6, item.target_date, alignment=TOP)
    if item.overdue:
        target.font = Font(bold=True, color="C00000")
        put(
            ws,
            row + 1,
            6,
            f"{item.days_overdue} days overdue",
            font=Font(italic=True, color="C00000"),
            alignment=WRAP,
        )
    if item.lead:
        put(
            ws,
            row + 1,
            2,
            f"Lead: {item.lead}",
            font=Font(italic=True, color="595959"),
            alignment=WRAP,
        )
    for entry in item.history:
        put(ws, row, 3, entry.when, font=Font(bold=True), alignment=TOP)
        put(ws, row, 4, entry.text, alignment=WRAP)
        row += 1
    if not item.history:
        put(
            ws,
            row,
            4,
            "No progress reported.",
            font=Font(italic=True, color="808080"),
            alignment=WRAP,
        )
        row += 1
    if item.closed and not item.says_closed:
        put(ws, row, 4, CLOSED_LINE, font=Font(italic=True), alignment=WRAP)
        row += 1
    row = max(row, first + (2 if item.lead or item.overdue else 1))
    for col in range(1, width + 1):
        ws.cell(row - 1, col).border = Border(bottom=THIN)
    return row
