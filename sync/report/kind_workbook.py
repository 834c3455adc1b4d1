"""A kind's report as a printable workbook: a sheet per section, charts drawn from its cells."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sync.report.kinds import Chart, KindReport, Section, Table
from sync.report.workbook import (
    OTHER_COLOUR,
    RAG_FILLS,
    STATUS_COLOURS,
    THIN,
    WRAP,
    _header,
    _printable,
    put,
)
from sync.write.newbook import save_new_workbook

FIRST_TABLE_ROW = 6
CHART_ROWS = 16  # a chart of 7.5 cm stands about this many rows tall
# a risk register's statuses beside the recommendation tracker's, alike in both formats
BAR_COLOURS = {**STATUS_COLOURS, "Open": "2F75B5", "Escalated": "C00000", "No status": "D9D9D9"}
LINE_COLOURS = ("404040", "2F75B5", "C55A11", "548235", "7030A0", "BF8F00", "00B0F0", "FF0066")


def write_kind_workbook(report: KindReport, path: Path) -> Path:
    """Build the report workbook with openpyxl and save it atomically."""
    wb = Workbook()
    first = wb.active
    assert first is not None  # a new Workbook always has one sheet
    for n, section in enumerate(report.sections):
        ws = first if n == 0 else wb.create_sheet()
        ws.title = section.title[:31]
        write_section(ws, report, section)
    wb.properties.title = f"{report.title}: {report.subtitle}"
    wb.properties.creator = "xlsync"
    return save_new_workbook(wb, path)


def write_section(ws: Worksheet, report: KindReport, section: Section) -> None:
    put(ws, 1, 1, report.title, font=Font(bold=True, size=14))
    put(ws, 2, 1, f"{section.title}: {report.subtitle}", font=Font(bold=True, size=11))
    put(ws, 3, 1, f"Covers: {section.covers}", font=Font(bold=True, color="1F3864"))
    put(ws, 4, 1, f"From {report.master.name}", font=Font(italic=True, color="595959"))
    if section.note:
        put(ws, 5, 1, section.note, font=Font(italic=True, color="595959"))
    row = FIRST_TABLE_ROW
    widths: dict[int, float] = {}
    header_rows = []
    for table in section.tables:
        for col, width in enumerate(table.widths, start=1):
            widths[col] = max(widths.get(col, 0), width)
        start = row
        row, header = write_table(ws, row, table)
        header_rows.append(header)
        if table.chart is not None and table.rows:
            add_chart(ws, table, table.chart, header, f"{_letter(len(table.headers) + 2)}{start}")
            row = max(row, start + CHART_ROWS)
        row += 1
    one = len(header_rows) == 1
    _printable(ws, header_rows[0] if header_rows else FIRST_TABLE_ROW, widths, repeat=one)
    if not one:
        ws.freeze_panes = None  # several tables: no one header to keep in view


def write_table(ws: Worksheet, row: int, table: Table) -> tuple[int, int]:
    """The table at `row`; returns the row after it and its header row."""
    if table.heading:
        put(ws, row, 1, table.heading, font=Font(bold=True, size=12))
        row += 1
    header = row
    _header(ws, header, table.headers)
    for values in table.rows:
        row += 1
        for col, cell in enumerate(values, start=1):
            fill = RAG_FILLS.get(cell.tone or "")
            put(
                ws,
                row,
                col,
                cell.value,
                alignment=WRAP if isinstance(cell.value, str) else Alignment(vertical="top"),
                **({"fill": fill} if fill is not None else {}),
                **({"font": Font(bold=True)} if cell.bold else {}),
                **(
                    {"border": Border(top=THIN, bottom=THIN, left=THIN, right=THIN)}
                    if table.label_rows
                    else {}
                ),
            )
    if not table.rows:
        row += 1
        put(ws, row, 1, table.empty, font=Font(italic=True, color="808080"))
    return row + 1, header


def add_chart(ws: Worksheet, table: Table, spec: Chart, header: int, anchor: str) -> None:
    """A native chart whose series reference the table's cells, so it follows any correction
    made in Excel."""
    chart: LineChart | BarChart
    if spec.sort == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.title = spec.title
    chart.y_axis.title = spec.axis
    chart.x_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.width = 16.0
    chart.height = 7.5
    last = header + len(table.rows)
    for n, col in enumerate(spec.series):
        data = Reference(ws, min_col=col + 1, max_col=col + 1, min_row=header, max_row=last)
        chart.add_data(data, titles_from_data=True)
        series = chart.series[-1]
        if spec.sort == "line":
            colour = LINE_COLOURS[n % len(LINE_COLOURS)]
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 28575
            if n == 0:  # the target: a dashed line
                series.graphicalProperties.line.dashStyle = "dash"
            series.smooth = False
        else:
            colour = BAR_COLOURS.get(table.headers[col], OTHER_COLOUR)
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = colour
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    ws.add_chart(chart, anchor)


def _letter(col: int) -> str:
    return str(get_column_letter(col))
