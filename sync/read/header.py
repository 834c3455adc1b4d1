"""Find the header row of a table under any title rows, matching the kind's header aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sync.kinds import Kind, normalise_header
from sync.read.open import SheetGrid

_PAREN = re.compile(r"\(.*?\)|\[.*?\]|[:\-–]\s.*$")
HEADER_SCAN_ROWS = 40  # title blocks above a council table are rarely more than a dozen rows


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Where a kind's header row sits in a sheet and which column holds each field."""

    kind: Kind
    sheet: str
    row: int
    columns: dict[str, int]  # field -> 1-based column
    headers: dict[str, str]  # field -> header as written
    ignored: dict[int, str]  # column -> header of the partner's own columns

    @property
    def score(self) -> tuple[int, float, int]:
        """More fields matched wins; then the larger share of the kind; then the earlier row."""
        return (len(self.columns), len(self.columns) / len(self.kind.fields), -self.row)


def match_header_cell(table: dict[str, str], text: object) -> str | None:
    """The field a header cell names (by a kind's alias_table), ignoring guidance officers
    add ("Progress (please date)")."""
    raw = str(text or "")
    for candidate in (raw, _PAREN.sub(" ", raw.strip().splitlines()[0] if raw.strip() else "")):
        norm = normalise_header(candidate)
        if norm and norm in table:
            return table[norm]
    return None


def find_header(
    grid: SheetGrid, kind: Kind, scan_rows: int = HEADER_SCAN_ROWS
) -> HeaderMatch | None:
    """The best header row for `kind` in the first rows of `grid`, or None if none has its required fields."""
    best: HeaderMatch | None = None
    # looked up once here, not per cell: the cache compares a Kind unpickled in a worker with
    # its own copy field by field, which cost a worker more than a second over 150 returns
    table = kind.alias_table()
    last = min(grid.last_row, grid.first_row + scan_rows - 1)
    for row in range(grid.first_row, last + 1):
        values = grid.rows[row - grid.first_row]
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        others: dict[int, str] = {}
        for offset, value in enumerate(values):
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                others[grid.first_col + offset] = str(value)
                continue
            col = grid.first_col + offset
            name = match_header_cell(table, value)
            if name is None or name in columns:
                others[col] = " ".join(value.split())
                continue
            columns[name] = col
            headers[name] = " ".join(value.split())
        if not all(r in columns for r in kind.required):
            continue
        match = HeaderMatch(kind, grid.name, row, columns, headers, others)
        if best is None or match.score > best.score:
            best = match
    return best
