"""Python values as cell contents: numbers, booleans, text (never a formula) and date serials."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Union

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

from sync.cells import MAX_COLS, MAX_ROWS

Value = Union[str, int, float, bool, dt.date, dt.datetime, None]  # noqa: UP007 (a runtime alias)

MAX_TEXT = 32_767


def refuse_reason(value: object) -> str | None:
    """Why Excel cannot hold `value` in a cell, or None when it can."""
    if value is None or isinstance(value, bool | int | str | dt.date):
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return f"text of {len(value):,} characters is over Excel's {MAX_TEXT:,} a cell"
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**308:
            return "the number is too large for Excel"
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"{value} is not a number Excel can store"
        return None
    return f"a {type(value).__name__} cannot be written to a cell"


def refuse_position(row: int, col: int) -> str | None:
    if not 1 <= row <= MAX_ROWS:
        return f"row {row} is outside Excel's 1..{MAX_ROWS:,}"
    if not 1 <= col <= MAX_COLS:
        return f"column {col} is outside Excel's 1..{MAX_COLS:,}"
    return None


def number_text(value: int | float) -> str:
    """A number as <v> text: integers exactly, floats in the shortest form that reads back equal."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


@functools.lru_cache(maxsize=4096)  # a merge writes the same few hundred dates many times
def date_serial(value: dt.date | dt.datetime, date1904: bool) -> tuple[str, str]:
    """(serial number text, 'date' or 'datetime') in the workbook's date system.

    A timezone-aware datetime is written as its wall-clock time: Excel has no time zones.
    """
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    serial = to_excel(value, epoch)
    kind = "date"
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        kind = "datetime"
    return number_text(serial), kind


def refuse_date(value: dt.date, date1904: bool) -> str | None:
    first = dt.date(1904, 1, 1) if date1904 else dt.date(1900, 1, 1)
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < first:
        return f"{day.isoformat()} is before {first.year}, the first date this workbook can show"
    if day > dt.date(9999, 12, 31):
        return f"{day.isoformat()} is after the last date Excel can show"
    return None
