"""Declare a council sheet in a few lines and get a real workbook built with openpyxl."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

FIXED_TIME = datetime(2007, 3, 1, 9, 0, 0)

# The master register's header row, as the county's coordinator wrote it.
REGISTER_HEADER = [
    "Partner",
    "Ref",
    "Recommendation",
    "Lead Officer",
    "Target Date",
    "Status",
    "RAG",
    "Progress / Comments",
    "Last Updated",
]


@dataclass
class Sheet:
    """A sheet: title rows, a header, rows (None = empty cell), sections by row text.

    A row given as a plain string is a section heading, merged across the table.
    """

    name: str = "Register"
    header: Sequence[str | None] = ()
    rows: Sequence[Any] = ()
    titles: Sequence[str] = ()
    blank_after_titles: int = 1
    start_col: int = 1
    hidden: bool = False
    merge_sections: bool = True
    trailing_formatted_rows: int = 0
    dropdowns: dict[str, Sequence[str]] = field(default_factory=dict)
    # header tiers: group rows right above the header, sub-heading or guidance rows right
    # under it (cells in table columns, None for empty), and ranges to merge ("C3:E3")
    above_header: Sequence[Sequence[Any]] = ()
    below_header: Sequence[Sequence[Any]] = ()
    merges: Sequence[str] = ()

    @property
    def header_row(self) -> int:
        titles = len(self.titles) + (self.blank_after_titles if self.titles else 0)
        return titles + len(self.above_header) + 1

    def row_of(self, index: int) -> int:
        """The sheet row of `rows[index]`."""
        return self.header_row + len(self.below_header) + 1 + index


def build(path: Path, *sheets: Sheet) -> Path:
    """Write `sheets` to `path` as an officer's workbook: bold header, wrapped text, dates."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        if spec.hidden:
            ws.sheet_state = "hidden"
        c0 = spec.start_col
        for i, title in enumerate(spec.titles, start=1):
            ws.cell(i, c0, title).font = Font(bold=True, size=14 if i == 1 else 11)
        width = max(len(spec.header), 1)
        tiers = [
            *[
                (spec.header_row - len(spec.above_header) + i, r)
                for i, r in enumerate(spec.above_header)
            ],
            *[(spec.header_row + 1 + i, r) for i, r in enumerate(spec.below_header)],
        ]
        for r, cells in tiers:
            for j, value in enumerate(cells):
                if value is not None:
                    ws.cell(r, c0 + j, value).font = Font(bold=True)
        for cell_range in spec.merges:
            ws.merge_cells(cell_range)
        for j, head in enumerate(spec.header):
            cell = ws.cell(spec.header_row, c0 + j, head)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(wrap_text=True)
        for i, row in enumerate(spec.rows):
            r = spec.row_of(i)
            if isinstance(row, str):
                ws.cell(r, c0, row).font = Font(bold=True)
                if spec.merge_sections and width > 1:
                    ws.merge_cells(
                        start_row=r, start_column=c0, end_row=r, end_column=c0 + width - 1
                    )
                continue
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = ws.cell(r, c0 + j, value)
                if isinstance(value, date | datetime):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        end = spec.row_of(len(spec.rows))
        for k in range(spec.trailing_formatted_rows):
            for j in range(width):
                ws.cell(end + k, c0 + j).fill = PatternFill("solid", fgColor="FFF2CC")
        for head, values in spec.dropdowns.items():
            j = list(spec.header).index(head)
            dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"')
            ws.add_data_validation(dv)
            col = ws.cell(1, c0 + j).column_letter
            dv.add(f"{col}{spec.header_row + 1}:{col}{spec.header_row + 200}")
        ws.freeze_panes = ws.cell(spec.header_row + 1, c0)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def replace_text(path: Path, old: str, new: str) -> Path:
    """Swap text inside the saved package, for values openpyxl would refuse or trim
    (a cell longer than Excel allows, say), as other tools can write them."""
    import zipfile

    data = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            part = zin.read(info.filename)
            zout.writestr(info, part.replace(old.encode(), new.encode()))
    del data
    tmp.replace(path)
    return path
