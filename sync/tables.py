"""Registers as the planner's tables: each record's key, label, values and sheet row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import pandas as pd

from sync.cells import CellRef
from sync.keys import record_keys, record_labels
from sync.kinds import Kind
from sync.model import Register
from sync.validate import canonical_frame

Values = dict[str, Any]


class Record(NamedTuple):
    """One record as the planner sees it: its key, its values, and where it was read.

    A named tuple, not a frozen dataclass: a merge into 300,000 rows makes one for every
    record of the master and of the returns, and a frozen dataclass sets each field through
    object.__setattr__, which made building them take twice as long.
    """

    key: str  # sync.keys.record_keys: every field of the kind's key, normalised
    partner: str
    label: str  # the key as written, for people: "4,a", "LPI 12 2008/09 Q3"
    values: Values
    row: int
    at: int = -1  # its index in the register: the key to a value's own cell and sheet


@dataclass(frozen=True, slots=True)
class Table:
    """The records of one workbook table plus what the planner needs to cite cells."""

    path: str
    sheet: str
    columns: Mapping[str, int]
    records: Sequence[Record]
    last_row: int = 0
    # (record index, field) -> (row, column) of a value kept outside its record's row and
    # field's column (a wide layout's column group per period): Register.cells
    cells: Mapping[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    # per record index, its sheet, when one table is kept over several; empty means `sheet`
    sheets: Sequence[str] = ()

    def cell(self, record: Record, field_name: str) -> CellRef | None:
        """The cell holding `field_name` of `record`: its own cell first, else the record's
        row in the field's column, on the record's own sheet."""
        sheet = self.sheets[record.at] if self.sheets and record.at >= 0 else self.sheet
        if self.cells:
            own = self.cells.get((record.at, field_name))
            if own is not None:
                return CellRef(sheet, *own)
        col = self.columns.get(field_name)
        return None if col is None else CellRef(sheet, record.row, col)

    def source(self, record: Record, field_name: str) -> str:
        """`file!sheet!cell` of a value, as change logs cite it."""
        cell = self.cell(record, field_name)
        name = self.path.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name}!{cell}" if cell else f"{name}!{self.sheet}!row {record.row}"


def to_table(
    register: Register,
    keyed: bool,
    partner: str | None = None,
    frame: pd.DataFrame | None = None,
) -> Table:
    """A Register as the planner's Table: canonical values, and each record's key.

    `keyed` says whether keys carry the partner (a multi-partner master); a return's
    records take `partner` where they have no partner column of their own. `frame` is the
    register's canonical_frame, when the caller has it already.
    """
    if frame is None:
        frame, _ = canonical_frame(register)
    names, columns = plain_columns(frame)
    return make_table(
        str(register.path),
        register.sheet,
        dict(register.columns),
        register.last_row,
        register.rows,
        register.kind,
        names,
        columns,
        keyed,
        partner,
        cells=register.cells,
        sheets=register.record_sheets,
    )


def plain_columns(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """The frame's values as plain Python, a list per column."""
    names = list(frame.columns)
    # nearly every value is already plain text, a date or a blank
    return names, [
        [
            v if v is None or type(v) is str or type(v) is date else _plain(v)
            for v in frame[n].tolist()
        ]
        for n in names
    ]


def make_table(
    path: str,
    sheet: str,
    columns: dict[str, int],
    last_row: int,
    rows: Sequence[int],
    kind: Kind,
    names: list[str],
    values: list[list[Any]],
    keyed: bool,
    partner: str | None,
    *,
    cells: Mapping[tuple[int, str], tuple[int, int]] | None = None,
    sheets: Sequence[str] = (),
) -> Table:
    """The Table of records given as plain columns (`values`, in `names` order); `cells`
    and `sheets` as Register.cells and Register.record_sheets."""
    # column by column: each distinct ref and partner is normalised once, and the keys are
    # joined in one pass, rather than a call per record
    n = len(rows)
    at = {name: j for j, name in enumerate(names)}
    by_field = {name: values[at[name]] for name in kind.identity if name in at}
    who = kind.partner_field
    owners = [w or partner for w in values[at[who]]] if who in at else [partner] * n
    keys = record_keys(kind, by_field, n, owners if keyed else None)
    labels = record_labels(kind, by_field, n)
    records = [
        Record(key, str(owner or ""), label, dict(zip(names, row, strict=True)), at_row, at)
        for at, (key, owner, label, row, at_row) in enumerate(
            zip(keys, owners, labels, zip(*values, strict=True), rows, strict=True)
        )
    ]
    return Table(path, sheet, columns, records, last_row, cells or {}, sheets)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value
