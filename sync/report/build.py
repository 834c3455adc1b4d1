"""Write the committee report of a master: a workbook with a live chart, or one page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sync.errors import XlsyncError
from sync.kinds import Kind
from sync.read.open import open_book
from sync.recognise import recognise_kind
from sync.report.committee import collect_report
from sync.report.html import write_html
from sync.report.kind_html import write_kind_html
from sync.report.kind_workbook import write_kind_workbook
from sync.report.kinds import collect_kind_report, report_form
from sync.report.workbook import write_workbook


def build_report(
    master: str | Path,
    out: str | Path,
    *,
    today: date | None = None,
    partner: str | None = None,
    schema: str | Path | Kind | None = None,
) -> Path:
    """Write the committee report for `master` to `out`: a workbook (.xlsx) or a page (.html)."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".xlsx", ".html"):
        raise XlsyncError("report output must end .xlsx or .html", out)
    book = open_book(master)
    kind = recognise_kind(book, schema)
    if report_form(kind) != "monitoring":
        # indicators, risks, action plans: each in the form its readers expect
        found = collect_kind_report(master, today=today, partner=partner, kind=kind, book=book)
        if suffix == ".xlsx":
            return write_kind_workbook(found, Path(out))
        return write_kind_html(found, Path(out))
    report = collect_report(master, today=today, partner=partner, schema=kind)
    if suffix == ".xlsx":
        return write_workbook(report, Path(out))
    return write_html(report, Path(out))
