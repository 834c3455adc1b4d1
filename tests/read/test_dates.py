"""Dates as officers type them, and progress cells split into their dated entries."""

from __future__ import annotations

from datetime import date, datetime

from dateutil import parser as dateparser

from sync.read import dates
from sync.read.dates import parse_text_date, split_dated_notes


def test_entries_start_at_a_date_that_opens_a_line_or_follows_a_full_stop() -> None:
    note = (
        "Raised at the user group.\n7 September 2005\nSourcing footsteps. 1st March 2006 "
        "Footsteps are in place.\nThis item is now considered closed."
    )
    assert split_dated_notes(note) == [
        (None, "Raised at the user group."),
        (date(2005, 9, 7), "Sourcing footsteps."),
        (date(2006, 3, 1), "Footsteps are in place.\nThis item is now considered closed."),
    ]


def test_a_date_inside_a_sentence_stays_in_its_sentence() -> None:
    note = (
        "10 October 2006\nThe last meeting was held on 26 May 2006, further meeting to be "
        "scheduled shortly."
    )
    assert split_dated_notes(note) == [
        (
            date(2006, 10, 10),
            "The last meeting was held on 26 May 2006, further meeting to be scheduled shortly.",
        )
    ]
    assert split_dated_notes("   ") == []


def test_usual_dates_read_without_dateutil_as_dateutil_reads_them() -> None:
    """The quick reading of "12th January 2007" and "12/01/2007" agrees with dateutil for
    every day and month (impossible ones included) in each form officers type."""
    months = ["January", "february", "SEPT", "Sep", "Dec", "Mai", "Janvier"]
    forms = [
        *(
            f"{d}{suffix} {m} {y}"
            for d in range(0, 33)
            for m in months
            for y in (2007, 2008)
            for suffix in ("", "th")
        ),
        *(
            f"{d}{sep}{m}{sep}{y}"
            for d in range(0, 33)
            for m in range(0, 14)
            for y in (2007, 2008)
            for sep in ("/", "-", ".")
        ),
        "06/03/2007",
        "6/3/2007",
        "13/25/2007",
        "06/13/2007",
        "29/02/2008",
        "29/02/2007",
        "1 March 2006",
        "30th October 2006",
        "31 April 2007",
    ]
    quick = 0
    for text in forms:
        normalised = dates._ORDINAL.sub(r"\1", text)
        expected = None
        try:
            parsed = dateparser.parse(normalised, dayfirst=True, default=datetime(1900, 1, 1))
            expected = parsed.date() if parsed else None
        except (ValueError, OverflowError):
            pass
        assert parse_text_date(text) == expected, text
        quick += dates._usual_date(normalised) is not None
    assert quick > 1000  # most forms were read the quick way


def test_a_typed_year_before_1900_or_after_2099_is_not_a_date() -> None:
    for typo in ("06/03/207", "06/03/0207", "0001-01-01", "1 March 1899", "06/03/2207", "1/1/2100"):
        assert parse_text_date(typo) is None, typo
    assert dates.to_date("06/03/207") is None
    assert parse_text_date("1 January 1900") == date(1900, 1, 1)
    assert parse_text_date("31/12/2099") == date(2099, 12, 31)
    assert parse_text_date("06/03/07") == date(2007, 3, 6)  # two digits are read as this century
