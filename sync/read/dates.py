"""Dates as officers type them: real Excel dates, or text such as "30th October 2006"."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as dateparser

_ORDINAL = re.compile(r"\b(\d{1,2})\s*(st|nd|rd|th)\b", re.IGNORECASE)
_HAS_DAY_AND_YEAR = re.compile(r"\d")
_EXCEL_EPOCH = date(1899, 12, 30)
# Typed dates outside these years are typos ("06/03/207", "0001-01-01"), not dates: Excel
# itself keeps no date before 1900, and no tracker plans a century ahead.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2099
# The two ways officers usually type a date, read without dateutil: "12 January 2007"
# (after "12th" loses its suffix) and "12/01/2007", day first. Anything else, and any
# impossible date, goes to dateutil, so these give exactly what it would.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9}) (\d{4})")
_DAY_SLASH_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()
_MONTH_NUMBERS = {
    **{name: n for n, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)},
}


def to_date(value: Any) -> date | None:
    """A date from an Excel date, a serial number in a date column, or UK day-first text.

    Returns None when the value is not a date. Times of day are dropped: trackers record
    the day of an update, and a midnight datetime would otherwise compare unequal.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # a date typed into a General-formatted cell reads as its serial number
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    if isinstance(value, str):
        return parse_text_date(value)
    return None


def parse_text_date(text: str) -> date | None:
    """ "30th October 2006", "1 March 2006", "06/03/2007" (day first, as in the UK).

    None for text that is not a date, and for a date in a year before 1900 or after 2099,
    which is a typo (a year typed with three digits) and is reported as not a date.
    """
    parsed = _parse_text_date(text)
    if parsed is not None and not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    return parsed


def _parse_text_date(text: str) -> date | None:
    s = text.strip()
    if not s or len(s) > 40 or not _HAS_DAY_AND_YEAR.search(s):
        return None
    s = _ORDINAL.sub(r"\1", s)
    s = re.sub(r"\s+", " ", s.replace(",", " "))
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return None  # a bare number is not a typed date
    quick = _usual_date(s)
    if quick is not None:
        return quick
    try:
        parsed = dateparser.parse(s, dayfirst=True, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.year == 1900 and "1900" not in s:
        return None  # no year given
    return parsed.date()


def _usual_date(s: str) -> date | None:
    """The date in "12 January 2007" or "12/01/2007", if it is one; None leaves it to dateutil."""
    if m := _DAY_MONTH_YEAR.fullmatch(s):
        day, month, year = m[1], _MONTH_NUMBERS.get(m[2].lower()), m[3]
    elif m := _DAY_SLASH_MONTH_YEAR.fullmatch(s):
        day, month, year = m[1], int(m[3]), m[4]
    else:
        return None
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NOTE_DATE = re.compile(rf"(\d{{1,2}}(?:st|nd|rd|th)?\s?(?:{_MONTHS})\s+\d{{4}})")
# A date inside a sentence ("The last meeting was held on 26 May 2006, further ..."): not the
# start of a new entry, which follows the start of the cell, a line break or a full stop.
_INLINE_DATE = re.compile(rf"(?<=[^\s.!?:;]) (\d{{1,2}}(?:st|nd|rd|th)? ?(?:{_MONTHS})) (\d{{4}})")
_JOINER = "\u2060"  # holds an inline date's month to its year while the cell is split


def split_dated_notes(text: str) -> list[tuple[date | None, str]]:
    """A progress cell split into its dated entries, oldest first as officers write them.

    Officers add to one cell over the years: "7 September 2005 ... 1 March 2006 ...".
    Text before the first date is kept as an undated entry; a date inside a sentence stays
    in its sentence.
    """
    if not text or not text.strip():
        return []
    guarded = _INLINE_DATE.sub(lambda m: f" {m[1]}{_JOINER}{m[2]}", text.replace(_JOINER, ""))
    parts = [part.replace(_JOINER, " ") for part in _NOTE_DATE.split(guarded)]
    entries: list[tuple[date | None, str]] = []
    head = parts[0].strip()
    if head:
        entries.append((None, head))
    for i in range(1, len(parts), 2):
        when = parse_text_date(parts[i])
        body = parts[i + 1].strip() if i + 1 < len(parts) else ""
        entries.append((when, body))
    return entries
