"""Where a new row belongs in the master: under its own section, else with its partner's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.keys import map_distinct, normalise_partner
from sync.model import Register

SECTION = "section"


@dataclass(frozen=True, slots=True)
class Spot:
    """The group of master rows a new record joins: it goes just below `after`."""

    sheet: str
    after: int  # the group's last sheet row (its last record's continuation rows included)
    style_row: int  # the row of the group's last record, whose formatting the new row takes
    section: str | None  # the master's section heading the record joins, as written there


def heading_key(text: Any) -> str:
    """A section heading as headings are read (Word's non-breaking spaces and line ends are
    spaces), ignoring case and spacing: "Customer  Access" is "customer access"."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def _heading_keys(sections: list[Any]) -> list[str | None]:
    """heading_key() of each record's section, None for a record without one; each distinct
    text reduced once."""
    done: dict[str, str | None] = {}
    out: list[str | None] = []
    for section in sections:
        if type(section) is str:
            if section not in done:
                done[section] = heading_key(section) if section.strip() else None
            out.append(done[section])
        elif section is not None and section == section and str(section).strip():
            out.append(heading_key(section))
        else:
            out.append(None)  # no section, or pandas' NaN for one
    return out


class Placer:
    """The master's sections and partners' rows, gathered once to place new records by."""

    def __init__(self, register: Register, keyed: bool) -> None:
        self.register = register
        frame = register.frame
        n = len(register)
        sections = frame[SECTION].tolist() if SECTION in frame.columns else [None] * n
        partner = register.kind.partner_field
        partners = (
            map_distinct(normalise_partner, frame[partner].tolist())
            if keyed and partner and partner in frame.columns
            else [""] * n
        )
        sheets = register.record_sheets or [register.sheet] * n
        self.keyed = keyed
        self.sections = sections
        # Each heading's text is reduced once, and the records gathered by comprehensions
        # (the last record of a group is the one kept): for a register of 300,000 records
        # 0.5 s, against 0.8 s record by record.
        headed = [(i, key) for i, key in enumerate(_heading_keys(sections)) if key is not None]
        # per section heading: the sheet of its last record, and of each partner's last
        # record in it
        self.section_sheet: dict[str, str] = {key: sheets[i] for i, key in headed}
        self.partner_sheet: dict[tuple[str, str], str] = {
            (key, partners[i]): sheets[i] for i, key in headed
        }
        # and its last record on each sheet: the one reaching furthest down, the later of two
        self.section_end: dict[tuple[str, str], int] = {}
        ends: dict[tuple[str, str], int] = {}
        rows, more = register.rows, register.continuations
        for i, key in headed:
            at = (key, sheets[i])
            end = max(rows[i], *more[i]) if i in more else rows[i]
            if end >= ends.get(at, end):
                self.section_end[at], ends[at] = i, end
        # per partner: first and last record, how many, on which sheets
        last = {who: i for i, who in enumerate(partners)}
        first = {who: i for i, who in reversed(list(enumerate(partners)))}
        count = Counter(partners)
        self.span: dict[str, tuple[int, int, int]] = {
            who: (first[who], last[who], count[who]) for who in first
        }
        self.partner_sheets: dict[str, set[str]] = {}
        for who, sheet in set(zip(partners, sheets, strict=True)):
            self.partner_sheets.setdefault(who, set()).add(sheet)

    def ends(self, index: int) -> int:
        """The last sheet row of record `index`: text pasted over several rows joins it."""
        more = self.register.continuations.get(index)
        row = self.register.rows[index]
        return max(row, *more) if more else row

    def spot(self, values: Mapping[str, Any], partner: str) -> Spot | None:
        """Where a new record goes: at the end of its own section (the section it had in the
        return, matched to the master's heading of that name); when the master has no such
        section, or the return has none, at the end of its partner's rows when those are
        together; None: at the end of the table."""
        register = self.register
        who = normalise_partner(partner) if self.keyed else ""
        section = values.get(SECTION)
        if section is not None and section == section and str(section).strip():
            key = heading_key(section)
            # on the sheet of the partner's rows in that section, else of its last row
            sheet = self.partner_sheet.get((key, who)) if self.keyed else None
            sheet = sheet or self.section_sheet.get(key)
            if sheet is not None:
                last = self.section_end[(key, sheet)]
                heading = str(self.sections[last])
                return Spot(sheet, self.ends(last), register.rows[last], heading)
        if not self.keyed or not who or who not in self.span:
            return None
        first, last, count = self.span[who]
        if last - first != count - 1 or len(self.partner_sheets[who]) != 1:
            return None  # spread about the register: at the end, as before
        return Spot(register.sheet_of(last), self.ends(last), register.rows[last], None)

    def sheet_end(self, sheet: str) -> int:
        """The last row of the table on `sheet`, as far as its records tell."""
        register = self.register
        if not register.record_sheets:
            return register.last_row
        ends = [self.ends(i) for i, s in enumerate(register.record_sheets) if s == sheet]
        return max(ends, default=register.last_row)
