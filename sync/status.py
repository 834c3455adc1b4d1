"""Where each partner stands: records by the kind's status and RAG, overdue items, the current
period reported or not, who has returned."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sync.errors import XlsyncError
from sync.keys import normalise_partner
from sync.kinds import Kind
from sync.model import Register, clean
from sync.partners import match_partner
from sync.periods import ordered_periods, same_period
from sync.read.open import Book, open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.rules import overdue
from sync.state import BASE_SHEET, LOG_SHEET, sheet_blob, sheet_rows
from sync.tables import Table, to_table
from sync.validate import canonical_frame
from sync.workbooks import expand_paths

BLANK = "(blank)"  # what an empty status or RAG is counted under


@dataclass(slots=True)
class PartnerStatus:
    partner: str
    records: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_rag: dict[str, int] = field(default_factory=dict)
    overdue: list[str] = field(default_factory=list)
    due: int = 0  # records of the current period (a kind with periods)
    not_reported: list[str] = field(default_factory=list)  # of those, with no actual yet
    last_merged: datetime | None = None
    return_file: str | None = None
    return_modified: datetime | None = None
    returned: bool | None = None  # None when no returns folder was given
    newer_than_merge: bool = False
    up_to_date: bool = False  # the master holds everything its return carries

    def to_dict(self) -> dict[str, Any]:
        return {
            "partner": self.partner,
            "records": self.records,
            "by_status": dict(self.by_status),
            "by_rag": dict(self.by_rag),
            "overdue": list(self.overdue),
            "due": self.due,
            "not_reported": list(self.not_reported),
            "last_merged": None
            if self.last_merged is None
            else self.last_merged.isoformat(sep=" "),
            "returned": self.returned,
            "return_file": self.return_file,
            "newer_than_merge": self.newer_than_merge,
            "up_to_date": self.up_to_date,
        }


@dataclass(slots=True)
class StatusReport:
    master: str
    today: date
    deadline: date | None
    partners: list[PartnerStatus]
    unmatched_returns: list[str] = field(default_factory=list)
    kind: str = ""
    statuses: tuple[str, ...] = ()  # the kind's status vocabulary, then any other value found
    rags: tuple[str, ...] = ()
    period: str | None = None  # the current period, for a kind reported by period

    @property
    def missing(self) -> list[str]:
        return [p.partner for p in self.partners if p.returned is False]

    @property
    def past_deadline(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    def exit_code(self) -> int:
        """1 when someone has not returned and the deadline has passed."""
        return 1 if self.missing and self.past_deadline else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "master": self.master,
            "kind": self.kind,
            "today": self.today.isoformat(),
            "statuses": list(self.statuses),
            "rags": list(self.rags),
            "period": self.period,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "partners": [p.to_dict() for p in self.partners],
            "missing": self.missing,
            "unmatched_returns": list(self.unmatched_returns),
        }


def master_status(
    master_path: str | Path,
    returns_dir: str | Path | None = None,
    today: date | None = None,
    deadline: date | None = None,
    schema: str | Path | Kind | None = None,
    exclude: tuple[str, ...] | list[str] = (),
) -> StatusReport:
    """Per partner: records by status and RAG, overdue items, last merge, and returns.

    Partners in `exclude` (the coordinating council, say) are not expected to return.
    """
    today = today or date.today()
    book, register, frame, table = _read_master(master_path, schema)
    kind = register.kind
    status_field, rag_field, period_field = (
        kind.role("status"),
        kind.role("rag"),
        kind.role("period"),
    )
    periods = ordered_periods(frame[period_field]) if period_field in frame.columns else []
    current = periods[-1] if periods else None
    partners: dict[str, PartnerStatus] = {}
    for rec, late in zip(table.records, overdue(frame, kind, today), strict=True):
        ps = partners.setdefault(normalise_partner(rec.partner), PartnerStatus(rec.partner))
        _count_record(ps, rec, late, kind, current)
    _note_last_merges(book, partners)
    names = [p.partner for p in partners.values()]
    _check_excluded(exclude, partners, names, master_path)
    unmatched: list[str] = []
    if returns_dir is not None:
        unmatched, deadline = _find_returns(returns_dir, partners, names, exclude, kind, deadline)
        _mark_up_to_date(master_path, partners, schema, today)
    ordered = sorted(partners.values(), key=lambda p: p.partner.lower())
    return StatusReport(
        str(master_path),
        today,
        deadline,
        ordered,
        unmatched,
        kind=kind.name,
        statuses=vocabulary_columns(kind, status_field, (p.by_status for p in ordered)),
        rags=vocabulary_columns(kind, rag_field, (p.by_rag for p in ordered)),
        period=current,
    )


def _read_master(
    master_path: str | Path, schema: str | Path | Kind | None
) -> tuple[Book, Register, pd.DataFrame, Table]:
    """The master's book, register, canonical frame and records; an error if it has no partners."""
    book = open_book(master_path)
    register = read_register(master_path, schema=recognise_kind(book, schema), book=book)
    keyed = register.kind.partner_field in register.columns
    if not keyed:
        raise XlsyncError(
            "the master has no Partner column, so there are no partners to report on", master_path
        )
    frame, _ = canonical_frame(register)  # "Done" counts as Complete
    return book, register, frame, to_table(register, keyed, frame=frame)


def _count_record(ps: PartnerStatus, rec: Any, late: Any, kind: Kind, current: str | None) -> None:
    """Count one record into its partner's status: by status and RAG, overdue, due."""
    status_field, rag_field = kind.role("status"), kind.role("rag")
    ps.records += 1
    if status_field is not None:
        status = rec.values.get(status_field) or BLANK
        ps.by_status[status] = ps.by_status.get(status, 0) + 1
    if rag_field in rec.values:
        rag = rec.values.get(rag_field) or BLANK
        ps.by_rag[rag] = ps.by_rag.get(rag, 0) + 1
    if late is not None:
        ps.overdue.append(rec.label)
    _count_due(ps, rec, kind, current)


def _count_due(ps: PartnerStatus, rec: Any, kind: Kind, current: str | None) -> None:
    """Count a record of the current period as due, and as not reported if it has no actual."""
    period_field, actual_field = kind.role("period"), kind.role("actual")
    if current is not None and same_period(rec.values.get(period_field or ""), current):
        ps.due += 1
        if clean(rec.values.get(actual_field or "")) in (None, ""):
            ps.not_reported.append(_without(rec, kind.identity, period_field))


def _note_last_merges(book: Book, partners: dict[str, PartnerStatus]) -> None:
    """Each partner's last merge, from the master's log."""
    for row in sheet_rows(book, LOG_SHEET)[1:]:
        if len(row) < 2 or not isinstance(row[0], datetime):
            continue
        merged = partners.get(normalise_partner(row[1]))
        if merged is not None and (merged.last_merged is None or row[0] > merged.last_merged):
            merged.last_merged = row[0]


def _check_excluded(
    exclude: tuple[str, ...] | list[str],
    partners: dict[str, PartnerStatus],
    names: list[str],
    master_path: str | Path,
) -> None:
    """An error if `--exclude` names a partner the master does not have."""
    for name in exclude:
        if normalise_partner(name) not in partners:
            raise XlsyncError(
                f"--exclude {name!r} names no partner in the master; "
                f"partners: {', '.join(sorted(names, key=str.lower))}",
                master_path,
            )


def _find_returns(
    returns_dir: str | Path,
    partners: dict[str, PartnerStatus],
    names: list[str],
    exclude: tuple[str, ...] | list[str],
    kind: Kind,
    deadline: date | None,
) -> tuple[list[str], date | None]:
    """Who has returned, which returns match no partner, and the deadline given or issued."""
    if not Path(returns_dir).is_dir():
        raise XlsyncError("the returns folder does not exist", returns_dir)
    skip = {normalise_partner(p) for p in exclude}
    for key, ps in partners.items():
        ps.returned = None if key in skip else False
    unmatched: list[str] = []
    # an empty folder is where returns come back before any have: everyone not returned
    for path in expand_paths([returns_dir], empty_ok=True):
        who, issued_deadline = _identify_return(path, names, kind, deadline)
        if deadline is None and issued_deadline is not None:
            deadline = issued_deadline
        if who is None:
            unmatched.append(str(path))
            continue
        _note_return(partners[normalise_partner(who)], path)
    return unmatched, deadline


def _identify_return(
    path: Path, names: list[str], kind: Kind, deadline: date | None
) -> tuple[str | None, date | None]:
    """Whose return a file is (by name, else by content) and, if none is given, its deadline."""
    who = match_partner(path.stem, names)
    issued_deadline = None
    if who is None or deadline is None:
        try:
            ret_book = open_book(path)
            if who is None:
                who = _partner_in_return(path, ret_book, kind, names)
            issued_deadline = _issued_deadline(ret_book)
        except XlsyncError:
            pass
    return who, issued_deadline


def _partner_in_return(path: Path, book: Book, kind: Kind, names: list[str]) -> str | None:
    """The partner a return's Partner column names most often, if it matches one."""
    reg = read_register(path, schema=kind, book=book)
    who_field = reg.kind.partner_field
    if who_field not in reg.columns:
        return None
    found = Counter(str(v) for v in reg.frame[who_field] if v)
    return match_partner(found.most_common(1)[0][0], names) if found else None


def _note_return(ps: PartnerStatus, path: Path) -> None:
    """Record a partner's return: its file, when it was saved, and whether after the merge."""
    ps.returned = True
    ps.return_file = str(path)
    ps.return_modified = datetime.fromtimestamp(path.stat().st_mtime)
    ps.newer_than_merge = ps.last_merged is None or ps.return_modified > ps.last_merged


def _without(rec: Any, identity: tuple[str, ...], period_field: str | None) -> str:
    """A record's name without its period: "NI 181" rather than "NI 181 2008/09 Q3"."""
    parts = [clean(rec.values.get(n)) for n in identity if n != period_field]
    return " ".join(str(v) for v in parts if v not in (None, "")) or rec.label


def vocabulary_columns(kind: Kind, name: str | None, counts: Any) -> tuple[str, ...]:
    """A field's vocabulary in its own order, then any other value counted (a typo, "(blank)");
    () when the kind has no such field."""
    if name is None:
        return ()
    allowed = kind.field(name).allowed
    seen: list[str] = []
    for count in counts:
        seen += [k for k in count if k not in seen and k not in allowed]
    return (*allowed, *sorted(seen, key=lambda k: (k == BLANK, k)))


def _mark_up_to_date(
    master_path: str | Path,
    partners: dict[str, PartnerStatus],
    schema: str | Path | Kind | None,
    today: date,
) -> None:
    """Mark each return the master already holds, merged or not, as up to date.

    A merge that changes nothing writes nothing, so neither the log nor the file's date can
    show that an unchanged return was merged; what it carries can: merging it now would
    change nothing.
    """
    from sync.merge.run import merge_files

    pending = {
        Path(ps.return_file).resolve(): ps
        for ps in partners.values()
        if ps.return_file is not None and (ps.newer_than_merge or ps.last_merged is None)
    }
    if not pending:
        return
    given: str | Path | None
    if isinstance(schema, Kind):  # merge takes a name or a file: the built-in's, or the file
        given = schema.name if schema.source.startswith("schemas/") else schema.source
    else:
        given = schema
    try:
        result = merge_files(master_path, list(pending), dry_run=True, schema=given, today=today)
    except XlsyncError:
        return  # a return that cannot be merged is simply not up to date
    for outcome in result.plan.returns:
        ps = pending.get(Path(outcome.path).resolve())
        if ps is not None and outcome.status == "unchanged" and not outcome.conflicts:
            ps.up_to_date = True
            ps.newer_than_merge = False


def _issued_deadline(book: Any) -> date | None:
    """The deadline an issued return was sent with, if it says."""
    blob = sheet_blob(book, BASE_SHEET)
    value = blob.meta.get("deadline") if blob is not None else None
    return value if isinstance(value, date) else None
