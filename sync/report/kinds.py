"""The committee report of each other kind, in the form its readers expect: indicators against
their targets period by period, a risk register's heat map, an action plan by status and theme.

Every field is found through the kind's roles (schemas/*.yaml); the report is a list of
sections, each saying what it covers, with tables (and charts drawn from their cells) that the
workbook and the web page both render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sync.errors import XlsyncError
from sync.keys import normalise_partner, normalise_ref
from sync.kinds import Kind
from sync.model import clean
from sync.partners import match_partner
from sync.periods import ordered_periods, period_key, same_period
from sync.read.open import Book, open_book
from sync.read.table import read_register
from sync.report.committee import (
    NO_PARTNER,
    Entry,
    _history_by_key,
    _text,
    _title,
    full_history,
    long_date,
)
from sync.rules import overdue
from sync.state import HISTORY_SHEET, LOG_SHEET, sheet_rows
from sync.status import BLANK, vocabulary_columns
from sync.tables import to_table
from sync.validate import canonical_frame

# a risk's score band: the colours risk registers use (>= 15 red, 8 to 14 amber, up to 7 green)
SCORE_BANDS = ((15, "Red"), (8, "Amber"), (1, "Green"))
SCALE = (1, 2, 3, 4, 5)  # likelihood and impact are scored 1 to 5


@dataclass(frozen=True, slots=True)
class Cell:
    """A value in a report table; `tone` colours it (Red, Amber, Green) in both formats."""

    value: Any
    tone: str | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """A native chart drawn from a table's own cells: categories in its first column, one
    series per column in `series` (indexes into the table's columns)."""

    sort: str  # "line" or "bar" (stacked columns)
    title: str
    axis: str
    series: tuple[int, ...]


@dataclass(slots=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    heading: str | None = None
    chart: Chart | None = None
    empty: str = "Nothing to show."
    widths: tuple[float, ...] = ()
    label_rows: bool = False  # the first column names each row (a heat map's impact)


@dataclass(slots=True)
class Section:
    id: str
    title: str
    covers: str  # what period or date it covers, said in the section
    tables: list[Table] = field(default_factory=list)
    note: str | None = None


@dataclass(slots=True)
class KindReport:
    master: Path
    title: str
    subtitle: str
    sections: list[Section]
    kind: str


def report_form(kind: Kind) -> str:
    """Which report a kind gets, from the roles it declares: "performance" (periods with
    actuals), "risks" (likelihood and impact), "activities" (a status without a RAG), or the
    recommendation tracker's "monitoring" report."""
    if kind.role("period") and kind.role("actual"):
        return "performance"
    if kind.role("likelihood") and kind.role("impact"):
        return "risks"
    if kind.role("status") and not kind.role("rag"):
        return "activities"
    return "monitoring"


@dataclass(slots=True)
class _Row:
    partner: str
    label: str
    values: dict[str, Any]
    row: int
    late: int | None
    history: tuple[Entry, ...]

    def get(self, name: str | None) -> Any:
        return clean(self.values.get(name)) if name else None

    def text(self, name: str | None) -> str | None:
        return _text(self.values.get(name)) if name else None

    @property
    def latest(self) -> Entry | None:
        return self.history[-1] if self.history else None


@dataclass(slots=True)
class _Master:
    path: Path
    kind: Kind
    title: str
    rows: list[_Row]
    book: Book
    keyed: bool
    partners: list[str]


def _read(master: Path, kind: Kind, book: Book, today: date, partner: str | None) -> _Master:
    register = read_register(master, schema=kind, book=book)
    keyed = kind.partner_field in register.columns
    frame, _ = canonical_frame(register)
    table = to_table(register, keyed, frame=frame)
    title = _title(book, register.sheet, register.header_row) or master.stem
    history = _history_by_key(sheet_rows(book, HISTORY_SHEET), keyed)
    notes = kind.role("notes")
    rows: list[_Row] = []
    for rec, late in zip(table.records, overdue(frame, kind, today), strict=True):
        who = (_text(rec.partner) if keyed else title) or NO_PARTNER
        extra = history.get((normalise_partner(who) if keyed else "", normalise_ref(rec.label)), [])
        kept = full_history(rec.values.get(notes), extra) if notes else ()
        rows.append(
            _Row(who, rec.label, dict(rec.values), rec.row, None if late is None else late[1], kept)
        )
    spelling: dict[str, str] = {}
    for r in rows:  # partners spelt as first written; "south-ribble" counts as South Ribble
        r.partner = spelling.setdefault(normalise_partner(r.partner), r.partner)
    partners = sorted(spelling.values(), key=str.lower)
    if partner is not None:
        found = match_partner(partner, partners)
        if found is None:
            raise XlsyncError(
                f"no partner called {partner!r} in the master; its partners are "
                f"{', '.join(partners)}",
                master,
            )
        rows = [r for r in rows if r.partner == found]
        partners = [found]
    return _Master(master, kind, title, rows, book, keyed, partners)


def collect_kind_report(
    master: str | Path,
    *,
    today: date | None = None,
    partner: str | None = None,
    kind: Kind,
    book: Book | None = None,
) -> KindReport:
    """Read the master once into its kind's report."""
    master = Path(master)
    today = today or date.today()
    m = _read(master, kind, book or open_book(master), today, partner)
    build: Callable[[_Master, date], list[Section]] = {
        "performance": _performance,
        "risks": _risks,
        "activities": _activities,
    }[report_form(kind)]
    who = f"{m.partners[0]}: " if partner is not None and m.partners else ""
    return KindReport(
        master=master,
        title=m.title,
        subtitle=f"{who}{kind.title.lower()}, position at {long_date(today)}",
        sections=build(m, today),
        kind=kind.name,
    )


def _title_of(kind: Kind, role: str, default: str) -> str:
    name = kind.role(role)
    return kind.field(name).title if name else default


def _rag_cell(value: str | None) -> Cell:
    return Cell(value, tone=value if value in ("Red", "Amber", "Green") else None)


def _date_text(when: Any) -> date | str | None:
    """A date as a date (the workbook formats it, the page writes it out), else as text."""
    when = clean(when)
    if isinstance(when, datetime):
        when = when.date()
    return when if isinstance(when, date) else _text(when)


# indicators --------------------------------------------------------------------------------
@dataclass(slots=True)
class _Indicators:
    """What a performance report is drawn from: the kind's roles, its periods, its rows by
    indicator."""

    kind: Kind
    role: dict[str, str | None]
    ident: list[str]
    periods: list[str]
    current: str | None
    span: str
    lower: set[str]
    by_indicator: dict[str, list[_Row]]
    in_current: list[_Row]

    def code(self, r: _Row) -> str:
        """An indicator's code: the row's identity without its period."""
        return " ".join(str(_text(r.values.get(n)) or "") for n in self.ident).strip() or r.label

    def reported(self, r: _Row) -> bool:
        """Whether the row has an actual."""
        return r.get(self.role["actual"]) not in (None, "")

    def period_title(self) -> str:
        """The heading of the kind's period column."""
        return _title_of(self.kind, "period", "Period")


def _indicators(m: _Master) -> _Indicators:
    """The roles, periods and indicators a performance report is drawn from."""
    kind = m.kind
    role = {r: kind.role(r) for r in ("period", "actual", "target", "polarity", "rag", "title")}
    ident = [n for n in kind.identity if n != role["period"]]
    periods = ordered_periods(r.get(role["period"]) for r in m.rows)
    current = periods[-1] if periods else None
    span = f"{periods[0]} to {periods[-1]}" if len(periods) > 1 else (current or "no period")
    ind = _Indicators(
        kind, role, ident, periods, current, span, set(kind.values_of("lower_better")), {}, []
    )
    for r in m.rows:
        ind.by_indicator.setdefault(ind.code(r), []).append(r)
    ind.in_current = [
        r for r in m.rows if current is not None and same_period(r.get(role["period"]), current)
    ]
    return ind


def _performance(m: _Master, today: date) -> list[Section]:
    """The performance report: summary, targets, trend, commentary, who has not reported."""
    ind = _indicators(m)
    tables, trend_tables = _indicator_tables(m, ind)
    return [
        _performance_summary(m, ind),
        Section(
            "indicators",
            "Indicators against target",
            f"Periods {ind.span}",
            tables,
            note="Each indicator's target and actual for every period a partner reported, "
            "with its polarity and RAG.",
        ),
        Section(
            "trend",
            "Trend",
            f"Periods {ind.span}",
            trend_tables,
            note="Each partner's actual across the periods, against the target.",
        ),
        _commentary(m, ind),
        _not_reported(ind),
    ]


def _performance_summary(m: _Master, ind: _Indicators) -> Section:
    """The current period, partner by partner: indicators due, reported, and by RAG."""
    rag = ind.role["rag"]
    rags = vocabulary_columns(ind.kind, rag, [{(r.text(rag) or BLANK): 1 for r in ind.in_current}])
    summary = Table(
        [
            "Partner",
            "Indicators due",
            "Reported",
            "Not yet reported",
            *[_rag_label(g) for g in rags],
        ],
        [],
        chart=None,
        widths=(22, 12, 12, 14, *(10 for _ in rags)),
    )
    for p in m.partners:
        summary.rows.append(_summary_row(ind, p, rags))
    current = ind.current
    return Section(
        "summary",
        "Summary",
        f"Period {current}, the latest in the return" if current else "No period reported",
        [summary],
        note="Indicators due, reported and rated, partner by partner, for the current period.",
    )


def _summary_row(ind: _Indicators, partner: str, rags: tuple[str, ...]) -> list[Cell]:
    """A partner's indicators due in the current period, how many it reported, and by RAG."""
    rag = ind.role["rag"]
    mine = [r for r in ind.in_current if r.partner == partner]
    counts = [sum((r.text(rag) or BLANK) == g for r in mine) for g in rags]
    return [
        Cell(partner, bold=True),
        Cell(len(mine)),
        Cell(sum(map(ind.reported, mine))),
        Cell(sum(not ind.reported(r) for r in mine)),
        *[
            Cell(n, tone=g if g in ("Red", "Amber", "Green") else None)
            for n, g in zip(counts, rags, strict=True)
        ],
    ]


def _indicator_tables(m: _Master, ind: _Indicators) -> tuple[list[Table], list[Table]]:
    """Each indicator's table of target against actual, and its trend across the periods."""
    tables = []
    trend_tables = []
    for name, rows in ind.by_indicator.items():
        heading, direction = _indicator_heading(ind, name, rows[0])
        tables.append(_target_table(ind, heading, rows))
        trend_tables.append(_trend_table(m, ind, heading, direction, rows))
    return tables, trend_tables


def _indicator_heading(ind: _Indicators, name: str, first: _Row) -> tuple[str, str | None]:
    """An indicator's heading (code, title, polarity) and which direction is better."""
    polarity = first.text(ind.role["polarity"])
    direction = (
        "lower is better" if polarity in ind.lower else "higher is better" if polarity else None
    )
    what = first.text(ind.role["title"])
    heading = f"{name}: {what}" if what else name
    if direction:
        heading += f" ({direction})"
    return heading, direction


def _target_table(ind: _Indicators, heading: str, rows: list[_Row]) -> Table:
    """An indicator's target against actual for every period a partner reported."""
    role, kind = ind.role, ind.kind
    headers = ["Partner", ind.period_title(), _title_of(kind, "target", "Target"),
               _title_of(kind, "actual", "Actual"), _title_of(kind, "rag", "RAG")]  # fmt: skip
    t = Table(headers, [], heading=heading, widths=(22, 14, 12, 12, 10))
    for r in sorted(rows, key=lambda r: (r.partner.lower(), period_key(r.get(role["period"])))):
        if not ind.reported(r):
            continue
        t.rows.append(
            [
                Cell(r.partner),
                Cell(r.text(role["period"])),
                Cell(r.get(role["target"])),
                Cell(r.get(role["actual"])),
                _rag_cell(r.text(role["rag"])),
            ]
        )
    t.empty = "No period reported yet."
    return t


def _trend_table(
    m: _Master, ind: _Indicators, heading: str, direction: str | None, rows: list[_Row]
) -> Table:
    """An indicator's trend: one line per partner across the periods, with the target."""
    kind = ind.kind
    lines = [p for p in m.partners if any(r.partner == p for r in rows)]
    trend = Table(
        [ind.period_title(), _title_of(kind, "target", "Target"), *lines],
        [],
        heading=heading,
        widths=(14, 10, *(14 for _ in lines)),
    )
    for period in ind.periods:
        at = [r for r in rows if same_period(r.get(ind.role["period"]), period)]
        if at:
            trend.rows.append(_trend_row(ind, period, at, lines))
    trend.chart = Chart(
        "line",
        heading,
        _title_of(kind, "actual", "Actual") + (f" ({direction})" if direction else ""),
        tuple(range(1, len(lines) + 2)),
    )
    return trend


def _trend_row(ind: _Indicators, period: str, at: list[_Row], lines: list[str]) -> list[Cell]:
    """One period of a trend: its target, then each partner's actual."""
    target, actual = ind.role["target"], ind.role["actual"]
    targets = [r.get(target) for r in at if r.get(target) is not None]
    values = []
    for p in lines:
        hit = next((r for r in at if r.partner == p), None)
        values.append(Cell(hit.get(actual) if hit else None))
    return [Cell(period), Cell(targets[0] if targets else None), *values]


def _code_title(ind: _Indicators) -> str:
    """The heading of an indicator's code: its identity fields' titles."""
    return " ".join(ind.kind.field(n).title for n in ind.ident) or "Indicator"


def _commentary(m: _Master, ind: _Indicators) -> Section:
    """The latest commentary of each indicator and partner."""
    notes = Table(
        ["Partner", _code_title(ind), ind.period_title(), "Latest commentary"],
        [],
        widths=(22, 30, 14, 70),
    )
    for p in m.partners:
        for name, rows in ind.by_indicator.items():
            row = _latest_commentary(ind, p, name, rows)
            if row is not None:
                notes.rows.append(row)
    notes.empty = "No commentary given."
    current = ind.current
    return Section(
        "commentary",
        "Latest commentary",
        f"The latest period with commentary, up to {current}" if current else "No period",
        [notes],
    )


def _latest_commentary(
    ind: _Indicators, partner: str, name: str, rows: list[_Row]
) -> list[Cell] | None:
    """A partner's latest commentary on one indicator, as a table row; None if it gave none."""
    said = [r for r in rows if r.partner == partner and r.latest is not None]
    if not said:
        return None
    last = max(said, key=lambda r: period_key(r.get(ind.role["period"])))
    entry = last.latest
    assert entry is not None
    return [Cell(partner), Cell(name), Cell(last.text(ind.role["period"])), Cell(entry.text)]


def _not_reported(ind: _Indicators) -> Section:
    """Who has not reported the current period."""
    title = ind.role["title"]
    missing = Table(
        ["Partner", _code_title(ind), _title_of(ind.kind, "title", "Description")],
        [],
        widths=(22, 16, 60),
    )
    for r in sorted(ind.in_current, key=lambda r: (r.partner.lower(), ind.code(r))):
        if not ind.reported(r):
            missing.rows.append(
                [Cell(r.partner, bold=True), Cell(ind.code(r)), Cell(r.text(title))]
            )
    current = ind.current
    missing.empty = f"Every partner has reported {current}." if current else "No period to report."
    return Section(
        "not-reported",
        "Not yet reported",
        f"Period {current}" if current else "No period",
        [missing],
        note="Partners whose actual for the current period is still blank.",
    )


def _rag_label(value: str) -> str:
    return "No RAG" if value == BLANK else value


# risks -------------------------------------------------------------------------------------
def score_band(score: Any) -> str | None:
    """Red, Amber or Green for a risk score, by the bands risk registers colour them with."""
    if not isinstance(score, int | float) or isinstance(score, bool):
        return None
    for floor, band in SCORE_BANDS:
        if score >= floor:
            return band
    return None


def _number(value: Any) -> int | None:
    value = clean(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


@dataclass(slots=True)
class _Risks:
    """What a risk report is drawn from: the kind's roles, its closed and escalated statuses,
    and the live risks."""

    kind: Kind
    role: dict[str, str | None]
    done: set[str]
    escalated: set[str]
    at: str
    live: list[_Row]

    def status(self, r: _Row) -> str | None:
        """A risk's status."""
        return r.text(self.role["status"])

    def score(self, r: _Row, after: bool = False) -> int | None:
        """A risk's score (after mitigation if `after`): as given, else likelihood by impact."""
        s = _number(r.get(self.role["score_after" if after else "score"]))
        if s is not None:
            return s
        lk, im = (
            _number(r.get(self.role[n + ("_after" if after else "")]))
            for n in ("likelihood", "impact")
        )
        return lk * im if lk is not None and im is not None else None


def _risk_register(m: _Master, today: date) -> _Risks:
    """The roles, statuses and live risks a risk report is drawn from."""
    kind = m.kind
    r_ = {n: kind.role(n) for n in ("status", "likelihood", "impact", "score", "likelihood_after",
                                   "impact_after", "score_after", "lead", "mitigation", "title")}  # fmt: skip
    done = set(kind.done)
    live = [r for r in m.rows if r.text(r_["status"]) not in done]
    return _Risks(kind, r_, done, set(kind.values_of("escalated")), f"At {long_date(today)}", live)


def _risks(m: _Master, today: date) -> list[Section]:
    """The risk report: summary, heat maps, risks by score, those escalated or rising."""
    rk = _risk_register(m, today)
    pairs = _heat_map_pairs(rk)
    ranked = sorted(
        m.rows,
        key=lambda r: (rk.status(r) in rk.done, -(rk.score(r) or 0), r.partner.lower(), r.label),
    )
    return [
        _risk_summary(m, rk),
        _heat_maps(rk, pairs),
        _top_risks(rk, ranked, len(pairs) > 1),
        _escalated_or_rising(m, rk, ranked),
    ]


def _risk_summary(m: _Master, rk: _Risks) -> Section:
    """Risks by partner and status."""
    statuses = vocabulary_columns(
        rk.kind, rk.role["status"], [{(rk.status(r) or BLANK): 1 for r in m.rows}]
    )
    summary = Table(
        ["Partner", *[_status_label(s) for s in statuses], "Total"],
        [],
        widths=(22, *(11 for _ in statuses), 9),
    )
    for p in m.partners:
        mine = [r for r in m.rows if r.partner == p]
        counts = [sum((rk.status(r) or BLANK) == s for r in mine) for s in statuses]
        summary.rows.append([Cell(p, bold=True), *map(Cell, counts), Cell(len(mine))])
    summary.chart = Chart(
        "bar", "Risks by partner and status", "Risks", tuple(range(1, len(statuses) + 1))
    )
    return Section("summary", "Summary", rk.at, [summary], note="Risks by partner and status.")


def _heat_map_pairs(rk: _Risks) -> list[tuple[str | None, str | None, str]]:
    """The heat maps to draw: before mitigation, and after it when live risks are scored so."""
    r_ = rk.role
    pairs = [(r_["likelihood"], r_["impact"], "Before mitigation")]
    if any(
        r.get(r_["likelihood_after"]) is not None and r.get(r_["impact_after"]) is not None
        for r in rk.live
    ):
        pairs.append((r_["likelihood_after"], r_["impact_after"], "After mitigation"))
    return pairs


def _heat_maps(rk: _Risks, pairs: list[tuple[str | None, str | None, str]]) -> Section:
    """The live risks in each cell of likelihood by impact, before and after mitigation."""
    lk_title = _title_of(rk.kind, "likelihood", "Likelihood")
    im_title = _title_of(rk.kind, "impact", "Impact")
    tables = [
        _heat_map_table(rk, lk_field, im_field, heading, len(pairs) > 1)
        for lk_field, im_field, heading in pairs
    ]
    return Section(
        "heat-map",
        "Heat map",
        rk.at,
        tables,
        note=f"The number of live risks ({', '.join(sorted(rk.done))} left out) in each cell of "
        f"{lk_title.lower()} by {im_title.lower()}, coloured by score: red 15 and over, "
        "amber 8 to 14, green up to 7.",
    )


def _heat_map_table(
    rk: _Risks, lk_field: str | None, im_field: str | None, heading: str, titled: bool
) -> Table:
    """One heat map of impact by likelihood, each cell coloured by its score band."""
    lk_title = _title_of(rk.kind, "likelihood", "Likelihood")
    im_title = _title_of(rk.kind, "impact", "Impact")
    grid, unplaced = heat_map(rk.live, lk_field, im_field)
    t = Table(
        [f"{im_title} (rows) by {lk_title} (columns)", *map(str, SCALE)],
        [],
        heading=heading if titled else None,
        widths=(18, 9, 9, 9, 9, 9),
        label_rows=True,
    )
    for im in reversed(SCALE):
        t.rows.append(
            [Cell(im, bold=True)] + [Cell(grid[(lk, im)], tone=score_band(lk * im)) for lk in SCALE]
        )
    if unplaced:
        t.heading = f"{heading} ({unplaced} live risk(s) not scored 1 to 5 are not shown)"
    return t


def _top_risks(rk: _Risks, ranked: list[_Row], has_after: bool) -> Section:
    """Every risk, the highest score first and closed risks last."""
    kind, r_ = rk.kind, rk.role
    after_cols = ["Score after"] if has_after else []
    top = Table(
        ["Partner", "Ref", _title_of(kind, "title", "Risk"), _title_of(kind, "score", "Score"), *after_cols,
         _title_of(kind, "lead", "Owner"), _title_of(kind, "mitigation", "Mitigation"), _title_of(kind, "status", "Status")],
        [],
        widths=(18, 8, 44, 9, *(9 for _ in after_cols), 22, 50, 12),
    )  # fmt: skip
    for r in ranked:
        s = rk.score(r)
        mitigation = r.latest.text if r.latest is not None else r.text(r_["mitigation"])
        top.rows.append(
            [Cell(r.partner), Cell(r.label, bold=True), Cell(r.text(r_["title"])), Cell(s, tone=score_band(s)),
             *([Cell(rk.score(r, True), tone=score_band(rk.score(r, True)))] if has_after else []),
             Cell(r.text(r_["lead"])), Cell(mitigation), Cell(rk.status(r))]
        )  # fmt: skip
    top.empty = "The register has no risks."
    return Section(
        "top-risks",
        "Risks by score",
        rk.at,
        [top],
        note="Every risk, the highest score first; closed risks last.",
    )


def _escalated_or_rising(m: _Master, rk: _Risks, ranked: list[_Row]) -> Section:
    """The risks escalated, or whose score rose at the last merge."""
    kind, r_ = rk.kind, rk.role
    rose = _rises(m, r_["score"])
    watch = Table(["Partner", "Ref", _title_of(kind, "title", "Risk"), "Score", "Was", _title_of(kind, "status", "Status"), "Why listed"],
                  [], widths=(18, 8, 44, 9, 9, 12, 36))  # fmt: skip
    last_merge = max((when for when, _ in rose.values()), default=None)
    for r in ranked:
        was = rose.get((normalise_partner(r.partner) if m.keyed else "", normalise_ref(r.label)))
        why = _why_listed(rk, r, was)
        if why:
            s = rk.score(r)
            watch.rows.append(
                [Cell(r.partner), Cell(r.label, bold=True), Cell(r.text(r_["title"])), Cell(s, tone=score_band(s)),
                 Cell(was[1] if was else None), Cell(rk.status(r)), Cell("; ".join(why))]
            )  # fmt: skip
    watch.empty = "No risk is escalated, and no score rose at the last merge."
    return Section(
        "escalated",
        "Escalated or rising",
        f"{rk.at}; scores compared with the merge of {long_date(last_merge)}"
        if last_merge
        else f"{rk.at}; no merge recorded yet",
        [watch],
        note="Risks escalated, or whose score rose at the last merge.",
    )


def _why_listed(rk: _Risks, r: _Row, was: tuple[date, Any] | None) -> list[str]:
    """Why a risk is watched: escalated, its score rose at the last merge, both, or neither."""
    why = []
    if rk.status(r) in rk.escalated:
        why.append("escalated")
    if was is not None:
        why.append(f"score rose at the merge of {long_date(was[0])}")
    return why


def heat_map(
    rows: list[_Row], likelihood: str | None, impact: str | None
) -> tuple[dict[tuple[int, int], int], int]:
    """(likelihood, impact) -> how many of `rows` sit in that cell; and how many sit in none
    (a factor blank or off the 1 to 5 scale)."""
    grid = {(lk, im): 0 for lk in SCALE for im in SCALE}
    unplaced = 0
    for r in rows:
        lk, im = _number(r.get(likelihood)), _number(r.get(impact))
        if lk is not None and im is not None and (lk, im) in grid:
            grid[(lk, im)] += 1
        else:
            unplaced += 1
    return grid, unplaced


def _rises(m: _Master, score_field: str | None) -> dict[tuple[str, str], tuple[date, Any]]:
    """The risks whose score the last merge raised: (partner, ref) -> (merged, old score)."""
    log = [
        row
        for row in sheet_rows(m.book, LOG_SHEET)[1:]
        if len(row) >= 6 and isinstance(row[0], datetime)
    ]
    if not log or score_field is None:
        return {}
    last = max(row[0] for row in log)
    found: dict[tuple[str, str], tuple[date, Any]] = {}
    for when, who, ref, name, old, new, *_ in log:
        if when != last or name != score_field:
            continue
        old_n, new_n = _number(old), _number(new)
        if new_n is not None and (old_n is None or new_n > old_n):
            found[(normalise_partner(who) if m.keyed else "", normalise_ref(ref))] = (
                when.date(),
                old,
            )
    return found


def _status_label(value: str) -> str:
    return "No status" if value == BLANK else value


# action plans ------------------------------------------------------------------------------
def _activities(m: _Master, today: date) -> list[Section]:
    kind = m.kind
    r_ = {n: kind.role(n) for n in ("status", "theme", "title", "lead", "due", "updated")}
    at = f"At {long_date(today)}"
    statuses = vocabulary_columns(
        kind, r_["status"], [{(r.text(r_["status"]) or BLANK): 1 for r in m.rows}]
    )
    labels = [_status_label(s) for s in statuses]

    def counts(rows: list[_Row]) -> list[Cell]:
        return [Cell(sum((r.text(r_["status"]) or BLANK) == s for r in rows)) for s in statuses]

    by_partner = Table(
        ["Partner", *labels, "Total"],
        [],
        heading="By partner",
        widths=(22, *(11 for _ in labels), 9),
    )
    for p in m.partners:
        mine = [r for r in m.rows if r.partner == p]
        by_partner.rows.append([Cell(p, bold=True), *counts(mine), Cell(len(mine))])
    by_partner.chart = Chart(
        "bar", "Activities by partner and status", "Activities", tuple(range(1, len(labels) + 1))
    )
    theme_title = _title_of(kind, "theme", "Theme")
    themes: dict[str, list[_Row]] = {}
    for r in m.rows:
        themes.setdefault(r.text(r_["theme"]) or "(no theme)", []).append(r)
    by_theme = Table(
        [theme_title, *labels, "Total"],
        [],
        heading=f"By {theme_title.lower()}",
        widths=(30, *(11 for _ in labels), 9),
    )
    for name, rows in themes.items():
        by_theme.rows.append([Cell(name, bold=True), *counts(rows), Cell(len(rows))])
    sections = [Section("summary", "Activities by status", at, [by_partner, by_theme])]

    late = sorted(
        (r for r in m.rows if r.late is not None), key=lambda r: (r.partner.lower(), -(r.late or 0))
    )
    overdue_t = Table(
        ["Partner", _title_of(kind, "title", "Activity"), theme_title, _title_of(kind, "lead", "Responsibility"),
         _title_of(kind, "due", "Target date"), _title_of(kind, "status", "Status"), "Days overdue"],
        [[Cell(r.partner), Cell(r.text(r_["title"]), bold=True), Cell(r.text(r_["theme"])), Cell(r.text(r_["lead"])),
          Cell(_date_text(r.get(r_["due"]))), Cell(r.text(r_["status"])), Cell(r.late, tone="Red")] for r in late],
        widths=(18, 36, 22, 22, 18, 13, 10),
    )  # fmt: skip
    overdue_t.empty = f"No activity was past its target date on {long_date(today)}."
    sections.append(Section("overdue", "Overdue activities", at, [overdue_t],
                            note="Activities past their target date and not finished, the longest overdue first."))  # fmt: skip

    latest = Table(["Partner", theme_title, _title_of(kind, "title", "Activity"), _title_of(kind, "status", "Status"),
                    "Date", "Latest position"], [], widths=(18, 22, 36, 13, 18, 70))  # fmt: skip
    for p in m.partners:
        for r in (r for r in m.rows if r.partner == p):
            entry = r.latest
            when = entry.when if entry is not None and entry.when else r.get(r_["updated"])
            latest.rows.append(
                [Cell(r.partner), Cell(r.text(r_["theme"])), Cell(r.text(r_["title"]), bold=True),
                 Cell(r.text(r_["status"])), Cell(_date_text(when)),
                 Cell(entry.text if entry is not None else "No position reported.")]
            )  # fmt: skip
    latest.empty = "The plan has no activities."
    sections.append(
        Section(
            "positions",
            "Latest position",
            f"{at}: each activity's latest position, with the date it was given",
            [latest],
        )
    )
    return sections
