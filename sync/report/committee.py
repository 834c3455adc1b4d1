"""The committee report: a master register as a summary, an overdue list and monitoring history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sync.errors import XlsyncError
from sync.keys import normalise_partner, normalise_ref
from sync.kinds import Kind
from sync.model import clean
from sync.partners import match_partner
from sync.read.dates import split_dated_notes, to_date
from sync.read.open import Book, open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.rules import overdue
from sync.state import HISTORY_SHEET, sheet_rows
from sync.status import master_status
from sync.tables import to_table
from sync.validate import canonical_frame

CLOSED_LINE = "This item is now considered closed."  # the wording of Chorley's monitoring reports
NO_PARTNER = "(no partner)"
BLANK = "(blank)"  # what `xlsync status` counts an empty status or RAG under


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated progress entry of a recommendation; `when` is None for an undated note."""

    when: date | None
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """One recommendation as the committee reads it: what was agreed, where it stands, history."""

    partner: str
    section: str | None
    ref: str
    recommendation: str
    lead: str | None
    target_date: date | None
    status: str | None
    rag: str | None
    updated: date | None
    row: int
    history: tuple[Entry, ...] = ()
    days_overdue: int | None = None
    closed: bool = False  # its status is one of the kind's done values

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None

    @property
    def says_closed(self) -> bool:
        """Whether the officer's own notes already close the item ("... now considered closed")."""
        return any("considered closed" in e.text.lower() for e in self.history)


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """One partner's line of the summary: records by status and by RAG, and how many are overdue."""

    partner: str
    records: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    overdue: int


@dataclass(frozen=True, slots=True)
class CommitteeReport:
    """Everything the workbook and the HTML page show, read once from the master."""

    master: Path
    title: str
    today: date
    partners: tuple[PartnerSummary, ...]
    items: tuple[Item, ...]
    statuses: tuple[str, ...]
    rags: tuple[str, ...]
    has_rag: bool
    sections: tuple[str, ...] = ()
    partner_filter: str | None = None

    @property
    def subtitle(self) -> str:
        who = f"{self.partner_filter}: " if self.partner_filter else ""
        return f"{who}monitoring report, position at {long_date(self.today)}"

    def total(self, status: str | None = None, rag: str | None = None) -> int:
        """A column total of the summary: all records, or those with one status or one RAG."""
        if status is not None:
            return sum(p.by_status.get(status, 0) for p in self.partners)
        if rag is not None:
            return sum(p.by_rag.get(rag, 0) for p in self.partners)
        return sum(p.records for p in self.partners)

    @property
    def overdue_items(self) -> list[Item]:
        """Overdue recommendations, partner by partner, the longest overdue first."""
        order = {p.partner: i for i, p in enumerate(self.partners)}
        found = [i for i in self.items if i.overdue]
        return sorted(found, key=lambda i: (order.get(i.partner, 0), -(i.days_overdue or 0)))

    def grouped(self) -> Iterator[tuple[str, list[tuple[str | None, list[Item]]]]]:
        """Partner by partner, section by section, the items in register order: the layout of the
        panel's monitoring reports: "External Publicity", then each recommendation and its entries.
        """
        rank = {name: n for n, name in enumerate(self.sections, start=1)}
        by_partner: dict[str, list[Item]] = {}
        for item in self.items:
            by_partner.setdefault(item.partner, []).append(item)
        for summary in self.partners:
            mine = by_partner.get(summary.partner, [])
            sections: dict[str | None, list[Item]] = {}
            # items with no heading first, as they sit above the first heading in the register
            for item in sorted(
                mine, key=lambda i: 0 if i.section is None else rank.get(i.section, len(rank) + 1)
            ):
                sections.setdefault(item.section, []).append(item)
            yield summary.partner, list(sections.items())


def column_label(group: str, key: str) -> str:
    """A summary column's heading: an empty status or RAG gets a heading of its own, so the two
    "(blank)" columns `xlsync status` counts are told apart."""
    if key != BLANK:
        return key
    return "No status" if group == "status" else "No RAG"


def long_date(when: date) -> str:
    """ "7 September 2005", as the monitoring reports write dates (no %-d: it fails on Windows)."""
    return f"{when.day} {when:%B %Y}"


def collect_report(
    master: str | Path,
    *,
    today: date | None = None,
    partner: str | None = None,
    schema: str | Path | Kind | None = None,
) -> CommitteeReport:
    """Read the master once into the report's model: summary per partner, items with history."""
    master = Path(master)
    today = today or date.today()
    book = open_book(master)
    register = read_register(master, schema=recognise_kind(book, schema), book=book)
    kind = register.kind
    keyed = kind.partner_field in register.columns
    frame, _ = canonical_frame(register)  # "Done" counts as Complete, as in `xlsync status`
    table = to_table(register, keyed, frame=frame)
    title = _title(book, register.sheet, register.header_row) or master.stem
    history = _history_by_key(sheet_rows(book, HISTORY_SHEET), keyed)
    role = {name: kind.role(name) or "" for name in ("title", "lead", "status", "rag", "due")}
    notes = next(iter(kind.history_fields), "")

    items: list[Item] = []
    for rec, late in zip(table.records, overdue(frame, kind, today), strict=True):
        values = rec.values
        who = _text(rec.partner) if keyed else title
        # a single council's tracker has no partner column: its history matches on ref alone
        extra = history.get((normalise_partner(who) if keyed else "", normalise_ref(rec.label)), [])
        items.append(
            Item(
                partner=who or NO_PARTNER,
                section=_text(values.get("section")),
                ref=rec.label,
                recommendation=_text(values.get(role["title"])) or "",
                lead=_text(values.get(role["lead"])),
                target_date=to_date(values.get(role["due"])),
                status=_text(values.get(role["status"])),
                rag=_text(values.get(role["rag"])),
                updated=to_date(values.get(kind.role("updated") or "")),
                row=rec.row,
                history=full_history(values.get(notes), extra),
                closed=_text(values.get(role["status"])) in kind.done,
                days_overdue=None if late is None else late[1],
            )
        )

    if keyed:
        status_report = master_status(master, today=today, schema=register.kind)
        partners = [
            PartnerSummary(
                partner=p.partner or NO_PARTNER,
                records=p.records,
                by_status=dict(p.by_status),
                by_rag=dict(p.by_rag),
                overdue=len(p.overdue),
            )
            for p in status_report.partners
        ]
        # master_status keys partners loosely ("South Ribble" = "south-ribble"); show items under
        # the spelling the summary uses so both halves of the report group alike
        spelling = {normalise_partner(p.partner): p.partner for p in partners}
        items = [_respell(i, spelling) for i in items]
    else:
        partners = [
            _summarise(
                title,
                items,
                has_status=role["status"] in register.columns,
                has_rag=role["rag"] in register.columns,
            )
        ]

    if partner is not None:
        found = match_partner(partner, [p.partner for p in partners])
        if found is None:
            known = ", ".join(p.partner for p in partners)
            raise XlsyncError(
                f"no partner called {partner!r} in the master; its partners are {known}", master
            )
        partners = [p for p in partners if p.partner == found]
        items = [i for i in items if i.partner == found]
        partner = found

    has_rag = role["rag"] in register.columns
    return CommitteeReport(
        master=master,
        title=title,
        today=today,
        partners=tuple(partners),
        items=tuple(items),
        statuses=_columns(_allowed(kind, role["status"]), (p.by_status for p in partners)),
        rags=_columns(_allowed(kind, role["rag"]), (p.by_rag for p in partners)) if has_rag else (),
        has_rag=has_rag,
        sections=tuple(register.sections),
        partner_filter=partner,
    )


def _respell(item: Item, spelling: dict[str, str]) -> Item:
    name = spelling.get(normalise_partner("" if item.partner == NO_PARTNER else item.partner))
    if name is None or name == item.partner:
        return item
    return replace(item, partner=name)


def _allowed(kind: Kind, name: str) -> tuple[str, ...]:
    return kind.field(name).allowed if name else ()


def _summarise(partner: str, items: list[Item], has_status: bool, has_rag: bool) -> PartnerSummary:
    """The summary line of a single council's tracker, which has no Partner column for
    `master_status` to group by; counted by the same rules."""
    by_status: dict[str, int] = {}
    by_rag: dict[str, int] = {}
    for item in items:
        if has_status:
            by_status[item.status or BLANK] = by_status.get(item.status or BLANK, 0) + 1
        if has_rag:
            by_rag[item.rag or BLANK] = by_rag.get(item.rag or BLANK, 0) + 1
    return PartnerSummary(partner, len(items), by_status, by_rag, sum(i.overdue for i in items))


def _columns(allowed: tuple[str, ...], counts: Any) -> tuple[str, ...]:
    """The vocabulary in its own order, then any other value found (a typo, "(blank)")."""
    seen: list[str] = []
    for count in counts:
        seen += [k for k in count if k not in seen]
    return (*allowed, *sorted((k for k in seen if k not in allowed), key=lambda k: (k == BLANK, k)))


def full_history(progress: Any, extra: list[Entry]) -> tuple[Entry, ...]:
    """A recommendation's entries: those in its progress cell plus those the merge history kept,
    de-duplicated, oldest first. Undated text leads, as officers write it above the first date."""
    entries: list[Entry] = [*extra]
    if isinstance(progress, str):
        entries += split_entries(progress)
    kept: list[Entry] = []
    for entry in entries:
        same = next(
            (k for k in kept if k.when == entry.when and _overlaps(k.text, entry.text)), None
        )
        if same is None:
            kept.append(entry)
        elif len(_squash(entry.text)) > len(_squash(same.text)):
            # officers add a line under the last entry ("This item is now considered closed."):
            # the longer text is the same entry, grown
            kept[kept.index(same)] = entry
    return tuple(sorted(kept, key=lambda e: e.when or date.min))


def split_entries(note: str) -> list[Entry]:
    """A progress note's dated entries, leaving dates inside a sentence in their sentence."""
    return [Entry(when, text) for when, text in split_dated_notes(note) if text or when]


def _overlaps(a: str, b: str) -> bool:
    a, b = _squash(a), _squash(b)
    return a.startswith(b) or b.startswith(a)


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _history_by_key(rows: list[list[Any]], keyed: bool) -> dict[tuple[str, str], list[Entry]]:
    """The merge history sheet's notes by (partner, ref); a note that kept a whole progress cell
    is split into its dated entries, undated parts taking the date the note was recorded."""
    found: dict[tuple[str, str], list[Entry]] = {}
    for row in rows[1:]:
        row = [*row, None, None, None, None][:4]
        when, who, ref, note = row
        if not isinstance(note, str) or not note.strip():
            continue
        recorded = to_date(when) if isinstance(when, date | datetime | str) else None
        key = (normalise_partner(who) if keyed else "", normalise_ref(ref))
        for entry in split_entries(note):
            found.setdefault(key, []).append(Entry(entry.when or recorded, entry.text))
    return found


def _title(book: Book, sheet: str, header_row: int) -> str | None:
    """The register's first title row ("Lancashire Shared Services Contact Centre Partnership")."""
    grid = book.sheet(sheet)
    for row in range(grid.first_row, header_row):
        for value in grid.rows[row - grid.first_row]:
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _text(value: Any) -> str | None:
    """A cell's value as report text: refs read as numbers (2.0) shown as written (2)."""
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return long_date(value)
    text = str(value).strip()
    return text or None
