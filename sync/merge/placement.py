"""Where a new row belongs in the master: under its own section, else with its partner's rows."""

from __future__ import annotations

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
        self.keyed = keyed
        # per section heading: its last record on each sheet, and the sheet of its last
        # record, and of each partner's last record in it
        self.section_end: dict[tuple[str, str], int] = {}
        self.section_sheet: dict[str, str] = {}
        self.partner_sheet: dict[tuple[str, str], str] = {}
        self.heading: dict[int, str] = {}
        # per partner: first and last record, how many, on which sheets
        self.span: dict[str, tuple[int, int, int]] = {}
        self.partner_sheets: dict[str, set[str]] = {}
        for i, (section, who) in enumerate(zip(sections, partners, strict=True)):
            sheet = register.sheet_of(i)
            if section is not None and section == section and str(section).strip():
                key = heading_key(section)
                end = self.section_end.get((key, sheet))
                if end is None or self.ends(i) >= self.ends(end):
                    self.section_end[(key, sheet)] = i
                self.section_sheet[key] = sheet
                self.partner_sheet[(key, who)] = sheet
                self.heading[i] = str(section)
            first, _, count = self.span.get(who, (i, i, 0))
            self.span[who] = (first, i, count + 1)
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
                return Spot(sheet, self.ends(last), register.rows[last], self.heading[last])
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
