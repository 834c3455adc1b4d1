"""Open a workbook file of any supported format into plain value grids, sniffing by content."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from sync.errors import UnreadableFile


@dataclass(frozen=True, slots=True)
class SheetGrid:
    """The values of one sheet: rows[0][0] is the cell at (first_row, first_col), 1-based."""

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_row, min_col, max_row, max_col)
    visible: bool = True

    def value(self, row: int, col: int) -> Any:
        r, c = row - self.first_row, col - self.first_col
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


@dataclass(slots=True)
class Book:
    """An opened workbook: its format, its sheets in order, and a way to read each one."""

    path: Path
    format: str  # xlsx, xlsm, xls, ods, csv
    sheet_names: list[str]
    hidden: frozenset[str] = frozenset()
    _grids: dict[str, SheetGrid] = field(default_factory=dict)
    _source: Any = None

    def sheet(self, name: str) -> SheetGrid:
        if name not in self._grids:
            self._grids[name] = _read_calamine_sheet(self._source, name, name not in self.hidden)
        return self._grids[name]


def open_book(path: str | Path, password: str | None = None) -> Book:
    """Open `path` for reading values; raise UnreadableFile with a one-line reason if we cannot."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile("file not found", path)
    if path.is_dir():
        raise UnreadableFile("is a folder, not a workbook", path)
    if path.stat().st_size == 0:
        raise UnreadableFile("the file is empty", path)
    fmt = path.suffix.lower().lstrip(".") or "xlsx"
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types
        raise UnreadableFile(f"not a readable workbook ({_short(exc)})", path) from None
    hidden = frozenset(
        m.name for m in wb.sheets_metadata if m.visible != calamine.SheetVisibleEnum.Visible
    )
    names = [
        m.name for m in wb.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet
    ]
    return Book(path=path, format=fmt, sheet_names=names, hidden=hidden, _source=wb)


def _read_calamine_sheet(wb: Any, name: str, visible: bool) -> SheetGrid:
    sheet = wb.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=True)
    start = sheet.start or (0, 0)
    merged = tuple(
        (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
    )
    return SheetGrid(
        name=name,
        rows=rows,
        first_row=start[0] + 1,
        first_col=start[1] + 1,
        merged=merged,
        visible=visible,
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
