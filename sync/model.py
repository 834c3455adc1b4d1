"""Register: the records read from one table, and the cell each value came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sync.cells import CellRef, column_letter

if TYPE_CHECKING:
    from sync.kinds import Kind


@dataclass(slots=True)
class Register:
    """One table of one sheet, read: a DataFrame of records plus the provenance of each value.

    Every record comes from one sheet row (`rows[i]`) and every field from one column
    (`columns[field]`), so the cell behind any value is known without storing one per cell.
    Continuation rows joined into a record are kept in `continuations` for reporting.
    """

    kind: Kind
    path: Path
    sheet: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    ignored: dict[int, str]
    frame: pd.DataFrame
    rows: list[int]
    last_row: int
    text: dict[tuple[int, str], str] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)
    continuations: dict[int, list[int]] = field(default_factory=dict)
    format: str = "xlsx"
    # every header tier, top to bottom (a group heading over sub-headings); empty means
    # the one row `header_row`
    header_tiers: list[int] = field(default_factory=list)
    # per record, the sub-heading of the block it sits under ("Project 2: Town Centre"), if any
    blocks: list[str | None] = field(default_factory=list)
    # rows under the header that are not records, and why (example, placeholder, ...)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # per record, its sheet, when one table is kept over several sheets; empty means `sheet`
    record_sheets: list[str] = field(default_factory=list)
    # (record, field) -> (row, column) for a value not in its record's row and field's column:
    # a wide return puts each period's values in a column group of their own
    cells: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def header_rows(self) -> list[int]:
        """The rows of the header, top tier first."""
        return list(self.header_tiers) or [self.header_row]

    def cell(self, index: int, field_name: str) -> CellRef:
        """The cell the value of `field_name` in record `index` came from."""
        sheet = self.record_sheets[index] if self.record_sheets else self.sheet
        own = self.cells.get((index, field_name)) if self.cells else None
        if own is not None:
            return CellRef(sheet, *own)
        return CellRef(sheet, self.rows[index], self.columns[field_name])

    def sheet_of(self, index: int) -> str:
        """The sheet record `index` was read from."""
        return self.record_sheets[index] if self.record_sheets else self.sheet

    def column(self, field_name: str) -> str | None:
        col = self.columns.get(field_name)
        return None if col is None else column_letter(col)

    def value(self, index: int, field_name: str) -> Any:
        if field_name not in self.frame.columns:
            return None
        return clean(self.frame.iat[index, self.frame.columns.get_loc(field_name)])

    def to_dict(self) -> dict[str, Any]:
        """What the reader understood of a workbook, as `xlsync inspect --format json` prints it:
        sheet, header row, columns, records."""
        records = []
        for index, record in enumerate(self.records()):
            item = {name: jsonable(value) for name, value in record.items()}
            item["_row"] = self.rows[index]
            if self.record_sheets:
                item["_sheet"] = self.record_sheets[index]
            if self.blocks:
                item["_block"] = self.blocks[index]
            records.append(item)
        return {
            "path": str(self.path),
            "schema": self.kind.name,
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "header_rows": self.header_rows,
            "columns": {name: column_letter(col) for name, col in self.columns.items()},
            "headers": dict(self.headers),
            "ignored": list(self.ignored.values()),
            "sections": list(self.sections),
            "record_count": len(self),
            "skipped": [{"row": row, "why": why} for row, why in self.skipped],
            "records": records,
        }

    def exit_code(self) -> int:
        """0: a workbook that cannot be read raises instead, with its one-line reason."""
        return 0

    def records(self) -> Iterator[dict[str, Any]]:
        """Each record as a plain dict of field -> value (None for blanks)."""
        names = list(self.frame.columns)
        for values in self.frame.itertuples(index=False, name=None):
            yield {n: clean(v) for n, v in zip(names, values, strict=True)}

    def original(self, index: int, field_name: str) -> Any:
        """The value as the officer typed it: the text behind a parsed date, else the value."""
        return self.text.get((index, field_name), self.value(index, field_name))


def clean(value: Any) -> Any:
    """pandas' missing markers and numpy scalars as plain Python values."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | date | datetime):
        return value.item()
    return value


def jsonable(value: Any) -> Any:
    """A value as a JSON scalar: dates as ISO strings, numpy and pandas values as plain ones."""
    value = clean(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value
