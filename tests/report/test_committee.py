"""The report's model: each recommendation's history gathered, de-duplicated and in order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from report.masters import TODAY

from sync.report.build import build_report
from sync.report.committee import (
    Entry,
    collect_report,
    full_history,
    split_entries,
)


def test_a_date_inside_a_sentence_does_not_start_an_entry() -> None:
    note = (
        "10 October 2006\nThe last meeting was held on 26 May 2006, further meeting to be "
        "scheduled shortly. 6 March 2007 The next meeting is scheduled for 17th April 2007."
    )
    assert split_entries(note) == [
        Entry(
            date(2006, 10, 10),
            "The last meeting was held on 26 May 2006, further meeting to be scheduled shortly.",
        ),
        Entry(date(2007, 3, 6), "The next meeting is scheduled for 17th April 2007."),
    ]


def test_history_joins_the_cell_and_the_merge_history_once_each_oldest_first() -> None:
    cell = "1 March 2006\nFootsteps are in place.\nThis item is now considered closed."
    kept = [
        Entry(date(2006, 3, 1), "Footsteps are in place."),  # the same entry before it grew
        Entry(date(2005, 9, 7), "Sourcing footsteps."),
        Entry(None, "Raised at the user group."),
    ]
    assert full_history(cell, kept) == (
        Entry(None, "Raised at the user group."),
        Entry(date(2005, 9, 7), "Sourcing footsteps."),
        Entry(date(2006, 3, 1), "Footsteps are in place.\nThis item is now considered closed."),
    )
    assert full_history(None, []) == ()


def test_a_single_councils_tracker_reports_under_its_title(workbooks: Path) -> None:
    report = collect_report(workbooks / "one_stop_shop.xlsx", today=TODAY)
    (summary,) = report.partners
    assert summary.partner == "Chorley Borough Council"
    assert summary.records == len(report.items) == sum(summary.by_status.values())
    assert {i.partner for i in report.items} == {"Chorley Borough Council"}
    assert not report.has_rag and report.rags == ()
    # item 17: a meeting "held on 26 May 2006" stays inside the 10 October 2006 entry
    item = next(i for i in report.items if i.ref == "17.")
    assert [e.when for e in item.history] == sorted(e.when for e in item.history if e.when)
    assert date(2006, 5, 26) not in [e.when for e in item.history]


def test_a_single_councils_tracker_makes_both_reports(workbooks: Path, tmp_path: Path) -> None:
    source = workbooks / "one_stop_shop.xlsx"
    refs = [i.ref for i in collect_report(source, today=TODAY).items]
    page = build_report(source, tmp_path / "oss.html", today=TODAY).read_text(encoding="utf-8")
    assert all(f'<p class="ref">{ref}</p>' in page for ref in refs)
    book = build_report(source, tmp_path / "oss.xlsx", today=TODAY)
    assert book.stat().st_size > 0
