"""Generate large council workbooks for the benchmarks: a master register and partner returns.

    python benchmarks/generate.py tracker OUT.xlsx --partners 7 --rows 14286 [--bad 0.01]
    python benchmarks/generate.py merge DIR --returns 7 --rows 14286 [--edits 0.05] [--bad 0]

`tracker` writes one workbook of every partner's rows (the master layout). `merge` writes
DIR/master.xlsx (every partner's rows, as last agreed) and DIR/returns/<Partner>.xlsx (each
partner's rows with their edits: status moved on, a new dated progress note, a new row now
and then, once in a while an edit to a coordinator-owned column that the merge must reject).

The layout is the county recommendations register: three title rows, a blank row, then
`Partner | Ref | Recommendation | Lead Officer | Date Agreed | Target Date | Status | RAG |
Progress / Comments | Last Updated`, styled as councils style them (header fill, borders,
wrapped text, dd/mm/yyyy dates, hand-coloured RAG cells, drop-downs fed from a Lists sheet,
merged section rows, an overdue highlight, frozen panes, a filter). XlsxWriter keeps
generation fast. `--bad` puts a fraction of rows wrong in one of three ways: a status not in
the list, an update dated in the future, a date that cannot be read. Everything is
deterministic for a given `--seed`.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

AS_AT = date(2007, 3, 1)  # the master's "position at" date
TODAY = date(2007, 3, 20)  # run the benchmarks with this as today
HEADER = (
    "Partner",
    "Ref",
    "Recommendation",
    "Lead Officer",
    "Date Agreed",
    "Target Date",
    "Status",
    "RAG",
    "Progress / Comments",
    "Last Updated",
)
HEADER_ROW = 5  # 1-based: three title rows and a blank row above
WIDTHS = (16, 7, 60, 28, 12, 12, 13, 8, 80, 12)
STATUSES = ("Not started", "In progress", "Complete", "Closed", "Paused")
SYNONYMS = {"In progress": "Ongoing", "Complete": "Completed", "Not started": "Not yet started"}
RAGS = ("Red", "Amber", "Green")
RAG_FILL = {"Red": "#FFC7CE", "Amber": "#FFEB9C", "Green": "#C6EFCE"}
BAD_STATUSES = ("Maybe", "TBC", "Waiting on IT", "See notes")
BAD_DATES = ("31st Febtober", "TBC", "next spring", "w/c ??/03")

PLACES = (
    "Burnley",
    "Chorley",
    "Fylde",
    "Hyndburn",
    "Lancaster",
    "Pendle",
    "Preston",
    "Ribble Valley",
    "Rossendale",
    "South Ribble",
    "West Lancashire",
    "Wyre",
    "Blackburn",
    "Blackpool",
    "Bolton",
    "Bury",
    "Oldham",
    "Rochdale",
    "Salford",
    "Stockport",
    "Tameside",
    "Trafford",
    "Wigan",
    "Allerdale",
    "Barrow",
    "Carlisle",
    "Copeland",
    "Eden",
    "South Lakeland",
    "Craven",
    "Harrogate",
    "Richmondshire",
    "Ryedale",
    "Scarborough",
    "Selby",
    "Hambleton",
    "Kirklees",
    "Calderdale",
    "Wakefield",
    "Barnsley",
)
SECTIONS = (
    "Partnership Working",
    "Information Sharing",
    "Customer Access",
    "External Publicity",
    "Service for Customers with Disabilities",
    "Governance",
    "Performance Management",
)
VERBS = (
    "To develop",
    "To review",
    "To ensure",
    "To support",
    "To report on",
    "To publicise",
    "To establish",
    "To monitor",
    "To improve",
    "To agree",
)
OBJECTS = (
    "the One Stop Shop user group",
    "the customer access strategy",
    "the shared services contact centre",
    "the complaints procedure",
    "information sharing protocols",
    "the partnership vision statement",
    "training for front-line advisors",
    "the FAQ dialogues on the plasma screen",
    "the joint committee terms of reference",
    "access for customers with disabilities",
    "the e-planning project",
    "the CRM implementation plan",
    "the performance framework",
    "text message reminders",
    "the council's website content",
)
PURPOSES = (
    "so that customers get a consistent service",
    "with partner districts",
    "and report progress every six months",
    "within existing budgets",
    "in line with the corporate strategy",
    "by the end of the financial year",
    "to the Overview and Scrutiny Panel",
    "working with the contractor",
)
LEADS = (
    "Director of Strategy and Policy",
    "Head of Customer Access",
    "Customer Services Manager",
    "Democratic Services Manager",
    "Assistant Head of Customer Services",
    "Head of ICT",
    "Communications Manager",
    "Chief Executive",
    "Head of Planning",
    "Equalities Officer",
)
NOTES = (
    "A meeting was held with partners and actions were agreed.",
    "Work is under way and on target for completion.",
    "Training for advisors has been arranged for the coming quarter.",
    "The contractor has been asked for a revised timetable.",
    "A report will go to the next Joint Committee.",
    "Funding has been confirmed within the existing budget.",
    "This has been delayed by the CRM refocus; a new date will be set.",
    "Information is now available at every desk in the One Stop Shop.",
    "The working group has met twice and agreed its terms of reference.",
    "Signage has been improved following customer feedback.",
)


@dataclass(frozen=True, slots=True)
class Rec:
    partner: str
    ref: str
    recommendation: str
    lead: str
    agreed: date | str
    target: date | str
    status: str
    rag: str
    progress: str
    updated: date | str
    section: str


def partner_names(n: int) -> list[str]:
    """`n` partner names; beyond the list of places, numbered areas of them."""
    names = list(PLACES[:n])
    k = 2
    while len(names) < n:
        names += [f"{p} Area {k}" for p in PLACES][: n - len(names)]
        k += 1
    return names


def long_date(d: date) -> str:
    """A date as officers type it at the head of a progress note: "1 March 2007"."""
    return f"{d.day} {d.strftime('%B')} {d.year}"


def ref_for(partner_index: int, j: int) -> str:
    """Refs in the styles councils use: "4,a", "17.", "R12"."""
    style = partner_index % 3
    if style == 0:
        return f"{j // 4 + 1},{'abcd'[j % 4]}"
    if style == 1:
        return f"{j + 1}."
    return f"R{j + 1}"


def make_records(
    rng: random.Random, partner_index: int, partner: str, count: int, start: int = 0
) -> list[Rec]:
    """One partner's records, in sections, as last agreed with the coordinator."""
    out: list[Rec] = []
    section = rng.choice(SECTIONS)
    for j in range(start, start + count):
        if rng.random() < 1 / 150:  # a new heading every hundred or so rows
            section = rng.choice(SECTIONS)
        agreed = date(2004, 1, 1) + timedelta(days=rng.randint(0, 900))
        target = agreed + timedelta(days=rng.randint(540, 2400))  # about one item in six overdue
        status = rng.choices(STATUSES, weights=(10, 50, 20, 15, 5))[0]
        rag = (
            "Green"
            if status in ("Complete", "Closed")
            else rng.choices(RAGS, weights=(15, 35, 50))[0]
        )
        if status == "Paused" and rag == "Green":
            rag = "Amber"
        entries = rng.randint(1, 3)
        when = agreed + timedelta(days=rng.randint(30, 200))
        lines = []
        for _ in range(entries):
            when = min(when + timedelta(days=rng.randint(30, 200)), AS_AT)
            lines += [long_date(when), rng.choice(NOTES)]
        progress = "\n".join(lines)
        shown_status = SYNONYMS.get(status, status) if rng.random() < 0.03 else status
        agreed_cell: date | str = agreed
        if rng.random() < 0.02:
            agreed_cell = (
                f"{agreed.day}{_ordinal(agreed.day)} {agreed.strftime('%B')} {agreed.year}"
            )
        out.append(
            Rec(
                partner=partner,
                ref=ref_for(partner_index, j),
                recommendation=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PURPOSES)}.",
                lead=rng.choice(LEADS),
                agreed=agreed_cell,
                target=target,
                status=shown_status,
                rag=rag,
                progress=progress,
                updated=when,
                section=section,
            )
        )
    return out


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def spoil(rng: random.Random, recs: list[Rec], fraction: float) -> list[Rec]:
    """A `fraction` of records made wrong: a status not in the list, a future update, an
    unreadable date, in turn."""
    if fraction <= 0:
        return recs
    out = list(recs)
    picks = rng.sample(range(len(out)), max(1, round(len(out) * fraction)))
    for n, i in enumerate(sorted(picks)):
        rec = out[i]
        kind = n % 3
        if kind == 0:
            out[i] = replace(rec, status=rng.choice(BAD_STATUSES))
        elif kind == 1:
            out[i] = replace(rec, updated=date(2031, 1, 1) + timedelta(days=rng.randint(0, 300)))
        else:
            out[i] = replace(rec, updated=rng.choice(BAD_DATES))
    return out


def edit(rng: random.Random, recs: list[Rec], fraction: float, partner_index: int) -> list[Rec]:
    """A partner's return: a `fraction` of rows updated, a few new rows, a rare edit to a
    column the coordinator owns."""
    out = list(recs)
    if fraction <= 0:
        return out
    picks = rng.sample(range(len(out)), max(1, round(len(out) * fraction)))
    for i in picks:
        rec = out[i]
        when = AS_AT + timedelta(days=rng.randint(1, 15))
        status = {"Not started": "In progress", "In progress": "Complete"}.get(
            rec.status, rec.status
        )
        rag = "Green" if status in ("Complete", "Closed") else rng.choice(("Amber", "Green"))
        note = f"{rec.progress}\n{long_date(when)}\n{rng.choice(NOTES)}"
        lead = rec.lead
        if rng.random() < 0.02:
            lead = rng.choice(LEADS)  # not theirs to change: the merge rejects it
        out[i] = replace(rec, status=status, rag=rag, progress=note, updated=when, lead=lead)
    extra = max(1, len(out) // 500)
    out += make_records(rng, partner_index, recs[0].partner if recs else "", extra, start=len(recs))
    return out


class Writer:
    """Write record lists in the register layout with council styling."""

    def __init__(self, path: Path, title: str, subtitle: str) -> None:
        self.wb = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
        )
        self.title, self.subtitle = title, subtitle
        wb = self.wb
        base = {"border": 1, "valign": "top", "font_name": "Arial", "font_size": 10}
        self.f_title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Arial"})
        self.f_sub = wb.add_format({"bold": True, "font_size": 11, "font_name": "Arial"})
        self.f_head = wb.add_format(
            {**base, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "align": "center"}
        )
        self.f_text = wb.add_format(base)
        self.f_wrap = wb.add_format({**base, "text_wrap": True})
        self.f_date = wb.add_format({**base, "num_format": "dd/mm/yyyy", "align": "center"})
        self.f_rag = {
            k: wb.add_format({**base, "bg_color": c, "align": "center"})
            for k, c in RAG_FILL.items()
        }
        self.f_section = wb.add_format({**base, "bold": True, "bg_color": "#BFBFBF"})
        self.f_overdue = wb.add_format({"bg_color": "#F8CBAD"})

    def sheet(self, name: str, recs: Sequence[Rec]) -> None:
        ws = self.wb.add_worksheet(name)
        ws.merge_range(0, 0, 0, len(HEADER) - 1, self.title, self.f_title)
        ws.write(1, 0, self.subtitle, self.f_sub)
        ws.write(2, 0, f"Position at {long_date(AS_AT)}", self.f_sub)
        h = HEADER_ROW - 1
        for c, (head, width) in enumerate(zip(HEADER, WIDTHS, strict=True)):
            ws.set_column(c, c, width)
            ws.write_string(h, c, head, self.f_head)
        row = h + 1
        section = None
        for rec in recs:
            if rec.section != section:
                section = rec.section
                ws.merge_range(row, 0, row, len(HEADER) - 1, section, self.f_section)
                row += 1
            self._record(ws, row, rec)
            row += 1
        last = max(row - 1, h + 1)
        ws.data_validation(h + 1, 6, last, 6, {"validate": "list", "source": "=Lists!$A$2:$A$6"})
        ws.data_validation(h + 1, 7, last, 7, {"validate": "list", "source": "=Lists!$B$2:$B$4"})
        ws.conditional_format(
            h + 1,
            5,
            last,
            5,
            {
                "type": "formula",
                "criteria": f'=AND(ISNUMBER($F{h + 2}),$F{h + 2}<TODAY(),$G{h + 2}<>"Complete",$G{h + 2}<>"Closed")',
                "format": self.f_overdue,
            },
        )
        ws.freeze_panes(h + 1, 2)
        ws.autofilter(h, 0, last, len(HEADER) - 1)
        ws.set_landscape()
        ws.repeat_rows(h)

    def _record(self, ws: object, row: int, rec: Rec) -> None:
        w = ws  # type: ignore[assignment]
        w.write_string(row, 0, rec.partner, self.f_text)
        w.write_string(row, 1, rec.ref, self.f_text)
        w.write_string(row, 2, rec.recommendation, self.f_wrap)
        w.write_string(row, 3, rec.lead, self.f_wrap)
        for c, value in ((4, rec.agreed), (5, rec.target), (9, rec.updated)):
            if isinstance(value, date):
                w.write_datetime(row, c, value, self.f_date)
            else:
                w.write_string(row, c, value, self.f_date)
        w.write_string(row, 6, rec.status, self.f_text)
        w.write_string(row, 7, rec.rag, self.f_rag.get(rec.rag, self.f_text))
        w.write_string(row, 8, rec.progress, self.f_wrap)

    def close(self) -> None:
        lists = self.wb.add_worksheet("Lists")
        lists.write_column(0, 0, ["Status", *STATUSES])
        lists.write_column(0, 1, ["RAG", *RAGS])
        lists.hide()
        self.wb.close()


def write_book(
    path: Path, recs: Sequence[Rec], title: str, subtitle: str, sheet: str = "Register"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    w = Writer(path, title, subtitle)
    w.sheet(sheet, recs)
    w.close()
    return path


def tracker(path: Path, partners: int, rows: int, bad: float = 0.0, seed: int = 1) -> Path:
    """One register of `partners` × `rows` records, a `bad` fraction of them wrong."""
    rng = random.Random(seed)
    recs: list[Rec] = []
    for k, name in enumerate(partner_names(partners)):
        recs += make_records(rng, k, name, rows)
    recs = spoil(rng, recs, bad)
    return write_book(
        path, recs, "Shared Services Partnership", "Register of Scrutiny Recommendations"
    )


def merge_set(
    out: Path, returns: int, rows: int, edits: float = 0.05, bad: float = 0.0, seed: int = 1
) -> tuple[Path, list[Path]]:
    """DIR/master.xlsx and DIR/returns/*.xlsx: `returns` partners of `rows` records each."""
    rng = random.Random(seed)
    ret_dir = out / "returns"
    if ret_dir.exists():
        shutil.rmtree(ret_dir)
    ret_dir.mkdir(parents=True)
    master: list[Rec] = []
    paths: list[Path] = []
    for k, name in enumerate(partner_names(returns)):
        recs = make_records(rng, k, name, rows)
        master += recs
        theirs = spoil(rng, edit(rng, recs, edits, k), bad)
        paths.append(
            write_book(
                ret_dir / f"{name}.xlsx",
                theirs,
                "Shared Services Partnership",
                f"Return from {name} - Register of Scrutiny Recommendations",
            )
        )
    master_path = write_book(
        out / "master.xlsx",
        master,
        "Shared Services Partnership",
        "Register of Scrutiny Recommendations",
    )
    return master_path, paths


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="what", required=True)
    t = sub.add_parser("tracker", help="one register workbook")
    t.add_argument("path", type=Path)
    t.add_argument("--partners", type=int, default=7)
    t.add_argument("--rows", type=int, default=14_286, help="rows per partner")
    t.add_argument("--bad", type=float, default=0.0, help="fraction of rows made wrong")
    t.add_argument("--seed", type=int, default=1)
    m = sub.add_parser("merge", help="a master and its returns")
    m.add_argument("dir", type=Path)
    m.add_argument("--returns", type=int, default=7)
    m.add_argument("--rows", type=int, default=14_286, help="rows per return")
    m.add_argument("--edits", type=float, default=0.05, help="fraction of rows a partner updates")
    m.add_argument("--bad", type=float, default=0.0, help="fraction of return rows made wrong")
    m.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.what == "tracker":
        print(tracker(args.path, args.partners, args.rows, args.bad, args.seed))
    else:
        master, paths = merge_set(
            args.dir, args.returns, args.rows, args.edits, args.bad, args.seed
        )
        print(f"{master} and {len(paths)} returns in {args.dir / 'returns'}")


if __name__ == "__main__":
    main()
