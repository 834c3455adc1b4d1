"""A county master for the report tests, and an independent count of what it holds."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build
from openpyxl import load_workbook

TODAY = date(2007, 3, 20)  # the Joint Committee meets on 20 March 2007
HISTORY_HEADER = ["Date", "Partner", "Ref", "Progress note", "Source", "Merged"]
MERGED = datetime(2007, 3, 12, 10, 30)

# written out here rather than imported, so the tests do not share the code they check
SYNONYMS = {"Done": "Complete", "Ongoing": "In progress", "Completed": "Complete"}
DONE = {"Complete", "Closed"}

OSS_9 = (
    "7 September 2005\nThis has been considered along with the alternative of using Planning "
    "Online, the web-based service.\n1 March 2006\nPlanning Online is used in the One Stop Shop "
    "where appropriate, to resolve low-level enquiries into planning applications."
)
OSS_11 = (
    "7 September 2005\nThe dialogues in use in the One Stop Shop provide more information than "
    "FAQs.\n10 October 2006\nThe recent appointment of the new Information Officer means that we "
    "are now in a position to up-date FAQs.\nThis item is now considered closed."
)

ROWS: list[Any] = [
    "Partnership Working",
    [
        "Chorley",
        "9.",
        "To load the Planning software on more than one computer in the One Stop Shop.",
        "Assistant Head of Customer Services",
        date(2007, 4, 30),
        "In progress",
        "Green",
        OSS_9,
        date(2006, 3, 1),
    ],
    [
        "Burnley",
        "R1",
        "To provide a single telephone number for all Council services.",
        "Head of Customer Services",
        date(2007, 1, 31),
        "Ongoing",
        "Amber",
        "14 June 2006\nThe single number is in use for Revenues and Benefits.\n9 January 2007\n"
        "Environmental Health calls transferred on 2 January.",
        date(2007, 1, 9),
    ],
    [
        "Burnley",
        "R2",
        "To report progress to the Scrutiny Committee every six months.",
        "Democratic Services Manager",
        date(2007, 2, 1),
        "Not started",
        "Red",
        None,
        None,
    ],
    "External Publicity",
    [
        "Chorley",
        "11.",
        "To publish frequently asked questions (FAQs) in the One Stop Shop.",
        "Assistant Head of Customer Services",
        date(2006, 12, 31),
        "Done",
        "Green",
        OSS_11,
        date(2006, 10, 10),
    ],
    [
        "Chorley",
        "12.",
        "To increase the advertisement of facilities available at the One Stop Shop.",
        "Assistant Head of Customer Services",
        date(2006, 6, 30),
        "Closed",
        "Green",
        "7 September 2005\nAn article appeared in the July edition of Chorley Borough News.",
        date(2005, 9, 7),
    ],
    [
        "South Ribble",
        "1.1",
        "To agree a service level agreement with the County.",
        "Customer Services Manager",
        date(2007, 6, 30),
        None,
        None,
        None,
        None,
    ],
    [
        "South Ribble",
        "1.2",
        "To review the cost of the partnership annually.",
        "Head of Finance",
        date(2007, 1, 1),
        "Maybe",
        "Amber",
        "15 December 2006\nDraft costings received.",
        date(2006, 12, 15),
    ],
]

HISTORY: list[Any] = [
    # the note a merge replaced: one older entry the cell no longer shows
    [
        date(2005, 6, 1),
        "Chorley",
        "9",
        "1 June 2005\nInitial scoping of licences.",
        "Chorley.xlsx!H6",
        MERGED,
    ],
    # a whole earlier cell kept by a merge: its entries are already in the cell, so shown once
    [date(2006, 3, 1), "chorley", "9.", OSS_9, "Chorley.xlsx!H6", MERGED],
    # an undated note takes the date it was recorded
    [
        date(2006, 1, 20),
        "Burnley",
        "r1",
        "Options for a single number appraised.",
        "Burnley.xlsx!H5",
        MERGED,
    ],
    # a partner's note for a ref the master does not have is not anyone's history
    [date(2006, 1, 20), "Burnley", "R99", "Stray note.", "Burnley.xlsx!H9", MERGED],
]

# what the Monitoring sheet and the page must show for each recommendation, oldest first
EXPECTED_HISTORY: dict[tuple[str, str], list[tuple[date | None, str]]] = {
    ("Chorley", "9."): [
        (date(2005, 6, 1), "Initial scoping of licences."),
        (date(2005, 9, 7), "This has been considered along"),
        (date(2006, 3, 1), "Planning Online is used"),
    ],
    ("Burnley", "R1"): [
        (date(2006, 1, 20), "Options for a single number appraised."),
        (date(2006, 6, 14), "The single number is in use"),
        (date(2007, 1, 9), "Environmental Health calls transferred on 2 January."),
    ],
    ("Burnley", "R2"): [],
    ("Chorley", "11."): [
        (date(2005, 9, 7), "The dialogues in use"),
        (date(2006, 10, 10), "The recent appointment"),
    ],
    ("Chorley", "12."): [(date(2005, 9, 7), "An article appeared")],
    ("South Ribble", "1.1"): [],
    ("South Ribble", "1.2"): [(date(2006, 12, 15), "Draft costings received.")],
}


def build_master(
    path: Path, rows: list[Any] | None = None, history: list[Any] | None = None
) -> Path:
    """A county master as merges leave it: the register under title rows, and the history sheet."""
    sheets = [
        Sheet(
            name="Register",
            titles=[
                "Lancashire Shared Services Contact Centre Partnership",
                "Register of Scrutiny Recommendations",
            ],
            header=HEADER,
            rows=ROWS if rows is None else rows,
        )
    ]
    if history is None or history:
        sheets.append(
            Sheet(
                name="Progress history",
                header=HISTORY_HEADER,
                rows=HISTORY if history is None else history,
            )
        )
    return build(path, *sheets)


@dataclass
class Counted:
    """The master counted straight from its cells with openpyxl, by the rules the README gives."""

    by_partner: dict[str, dict[str, int]] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)
    closed: set[tuple[str, str]] = field(default_factory=set)
    overdue: dict[tuple[str, str], int] = field(default_factory=dict)
    progress: dict[tuple[str, str], str] = field(default_factory=dict)


def count_master(path: Path, today: date = TODAY) -> Counted:
    with warnings.catch_warnings():
        # an officer's workbook may carry features openpyxl only warns about; reading values is fine
        warnings.simplefilter("ignore")
        wb = load_workbook(path, data_only=True)
    ws = wb["Register"]
    header_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Partner")
    cols = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}

    def at(row: int, name: str) -> Any:
        return ws.cell(row, cols[name]).value

    out = Counted()
    for row in range(header_row + 1, ws.max_row + 1):
        ref = at(row, "Ref")
        if ref is None:
            continue  # a section heading such as "External Publicity"
        ref = str(int(ref)) if isinstance(ref, float | int) else str(ref).strip()
        partner = str(at(row, "Partner"))
        raw = at(row, "Status")
        status = SYNONYMS.get(raw, raw) if raw else "No status"
        counts = out.by_partner.setdefault(partner, {})
        counts[status] = counts.get(status, 0) + 1
        counts["Total"] = counts.get("Total", 0) + 1
        rag = at(row, "RAG") or "No RAG"
        counts[rag] = counts.get(rag, 0) + 1
        target = at(row, "Target Date")
        target = target.date() if isinstance(target, datetime) else target
        late = isinstance(target, date) and target < today and status not in DONE
        counts["Overdue"] = counts.get("Overdue", 0) + int(late)
        if late:
            out.overdue[(partner, ref)] = (today - target).days
        if status in DONE:
            out.closed.add((partner, ref))
        out.refs.setdefault(partner, []).append(ref)
        out.progress[(partner, ref)] = at(row, "Progress / Comments") or ""
    return out
