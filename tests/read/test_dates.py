"""Progress cells split into their dated entries, as officers write them over the years."""

from __future__ import annotations

from datetime import date

from sync.read.dates import split_dated_notes


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
