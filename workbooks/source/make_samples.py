"""Build the sample workbooks from the YAML data files beside this script."""

# Run ``python workbooks/source/make_samples.py [FOLDER]`` (FOLDER defaults to workbooks/).
# What the councils wrote (records, progress notes, the returns' changes) lives in the data
# files; this script holds the layouts, the styles and the writing. The workbooks carry fixed
# document dates and zip timestamps, so a rerun gives the same bytes. Tests import the
# module-level constants below (MASTER_ROWS, RETURN_ROWS, OSS_ROWS, ...): row dictionaries
# keyed by the schema field names of the workbook's kind, an empty cell as None, a date typed
# as text ("30th October 2006") kept as that text.

from __future__ import annotations

import argparse
import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
WORKBOOKS = HERE.parent  # where the committed workbooks live, and the default output

COMMITTEE_DATE = date(2007, 3, 20)  # validate the samples with --today 2007-03-20
ZIP_TIME = (2007, 3, 1, 9, 0, 0)
CREATED = datetime(2007, 1, 8, 9, 0)  # every workbook's "created" document date

STATUS_VALUES = ("Not started", "In progress", "Complete", "Closed", "Paused")
RAG_VALUES = ("Red", "Amber", "Green")

# ---------------------------------------------------------------------------------------------
# Reading the data files
# ---------------------------------------------------------------------------------------------


class DataError(ValueError):
    """A data file says something the generator cannot write."""


def _load(name: str) -> dict[str, Any]:
    path = HERE / name
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict), path
    return data


def notes(entries: Sequence[Any] | None) -> str | None:
    """A progress cell as officers keep it: each dated entry its date on a line, then the text.

    An entry is ``{date: text}``, or a bare line such as "This item is now considered closed.".
    """
    if entries is None:
        return None
    lines: list[str] = []
    for entry in entries:
        if isinstance(entry, dict):
            [(when, text)] = entry.items()
            lines += [str(when), str(text)]
        else:
            lines.append(str(entry))
    return "\n".join(lines)


def _records(
    file: str, raw: Iterable[dict[str, Any]], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """Rows keyed by `fields` (a field left out is an empty cell); progress notes joined."""
    rows = []
    for n, entry in enumerate(raw, start=1):
        where = f"{file}: record {n}"
        unknown = set(entry) - set(fields)
        if unknown:
            raise DataError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        if "ref" in entry and not isinstance(entry["ref"], str):
            # YAML reads 2.1 as a number and 9. as 9.0: a ref is text as the council typed it
            raise DataError(f'{where}: ref {entry["ref"]!r} must be quoted, as in "2.1"')
        row = {f: entry.get(f) for f in fields}
        if "progress" in row and not isinstance(row["progress"], str | None):
            row["progress"] = notes(row["progress"])
        rows.append(row)
    return rows


def _document(data: dict[str, Any]) -> tuple[str, str, date]:
    doc = data["document"]
    return doc["title"], doc["author"], doc["modified"]


# ---------------------------------------------------------------------------------------------
# The county master register (master.yaml)
# ---------------------------------------------------------------------------------------------

_MASTER = _load("master.yaml")
MASTER_FILE = "master.xlsx"
MASTER_SHEET = "Register"
MASTER_HEADER_ROW = 4
MASTER_TITLE = tuple(_MASTER["title"])
MASTER_AS_AT: date = _MASTER["document"]["modified"]
MASTER_HEADERS = (
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
MASTER_FIELDS = (
    "partner",
    "ref",
    "recommendation",
    "lead",
    "agreed_date",
    "target_date",
    "status",
    "rag",
    "progress",
    "updated",
)
MASTER_WIDTHS = (17, 7, 46, 22, 12, 12, 12, 8, 72, 12)
_RECORD_FIELDS = ("partner", "ref", "section", *MASTER_FIELDS[2:])

PARTNERS = tuple(_MASTER["partners"])
COUNTY, *_districts = PARTNERS
DISTRICTS = tuple(_districts)
SECTIONS = tuple(_MASTER["sections"])
# Hyndburn types its recommendation numbers as numbers; the reader gives them back as "1".
NUMERIC_REF_PARTNERS = frozenset(_MASTER["numeric_refs"])
RAG_KEY = tuple(_MASTER["key"]["RAG"].items())
STATUS_KEY = tuple(_MASTER["key"]["Status"].items())
KEY_NOTES = tuple(_MASTER["key"]["Notes"])

# Every record of the master in sheet order: by section, then partner; each partner's records
# in the order its council gave them (section rows are not records; each carries its section).
MASTER_ROWS: tuple[dict[str, Any], ...] = tuple(
    sorted(
        _records("master.yaml", _MASTER["records"], _RECORD_FIELDS),
        key=lambda r: (SECTIONS.index(r["section"]), PARTNERS.index(r["partner"])),
    )
)
MASTER_SECTIONS = tuple(s for s in SECTIONS if any(r["section"] == s for r in MASTER_ROWS))
# The only items past their target date and not Complete/Closed on 20 March 2007.
MASTER_OVERDUE = ((COUNTY, "4,b"), ("Chorley", "17."))


def master_row(partner: str, ref: str) -> dict[str, Any]:
    """The master's record for one partner's ref."""
    for row in MASTER_ROWS:
        if row["partner"] == partner and row["ref"] == ref:
            return row
    raise KeyError((partner, ref))


# ---------------------------------------------------------------------------------------------
# The district returns (returns.yaml)
# ---------------------------------------------------------------------------------------------

_RETURNS = _load("returns.yaml")


class Edit(NamedTuple):
    """One value a partner changed in its return: the master's value and the return's."""

    ref: str
    field: str
    old: Any
    new: Any


def _edits(partner: str, changes: dict[str, dict[str, Any]]) -> tuple[Edit, ...]:
    edits = []
    for ref, fields in changes.items():
        record = master_row(partner, ref)
        for field, new in fields.items():
            if field == "new_entry":  # a dated entry written under the existing note
                old = record["progress"]
                edits.append(Edit(ref, "progress", old, notes([old, new] if old else [new])))
            elif field in record:
                edits.append(Edit(ref, field, record[field], new))
            else:
                raise DataError(f"returns.yaml: {partner} {ref}: unknown field {field!r}")
    return tuple(edits)


class Layout(NamedTuple):
    """How a partner's return is laid out: its sheet, header row and columns."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    fields: tuple[str | None, ...]  # None: a column of the partner's own
    title: tuple[str, ...]
    status_list: tuple[str, ...] = STATUS_VALUES  # the Status drop-down, an inline list


RETURNS_DIR = "returns"
RETURN_DATES: dict[str, date] = {p: _RETURNS[p]["returned"] for p in DISTRICTS}


def _return_title(partner: str) -> tuple[str, ...]:
    if "title" in _RETURNS[partner]:
        return tuple(_RETURNS[partner]["title"])
    when = RETURN_DATES[partner]
    return (
        "Lancashire Shared Services Contact Centre Partnership",
        f"Return from {partner} - Register of Scrutiny Recommendations",
        f"Position at {when.day} {when:%B %Y}",
    )


def _master_layout(partner: str, partner_column: bool = True) -> Layout:
    cut = 0 if partner_column else 1
    return Layout(
        MASTER_SHEET,
        MASTER_HEADER_ROW,
        MASTER_HEADERS[cut:],
        MASTER_FIELDS[cut:],
        _return_title(partner),
        tuple(_RETURNS[partner].get("status_list", STATUS_VALUES)),
    )


RETURN_LAYOUTS: dict[str, Layout] = {
    "Burnley": _master_layout("Burnley"),
    "Chorley": _master_layout("Chorley"),
    "Hyndburn": _master_layout("Hyndburn"),
    "Rossendale": _master_layout("Rossendale", partner_column=False),
    # South Ribble moved the table to a second sheet, reordered and renamed the columns and
    # added one of its own. "Officer notes" stays right of "Lead Officer": read alone, its
    # first word would name the lead column.
    "South Ribble": Layout(
        "Recommendations",
        6,
        (
            "Rec No.",
            "Recommendation",
            "Lead Officer",
            "Status",
            "RAG",
            "Current Position",
            "Date Updated",
            "Target Date",
            "Date Agreed",
            "Officer notes",
        ),
        (
            "ref",
            "recommendation",
            "lead",
            "status",
            "rag",
            "progress",
            "updated",
            "target_date",
            "agreed_date",
            None,
        ),
        _return_title("South Ribble"),
    ),
    "West Lancashire": _master_layout("West Lancashire"),
}
SOUTH_RIBBLE_COVER_SHEET = "Cover"

RETURN_EDITS: dict[str, tuple[Edit, ...]] = {
    p: _edits(p, _RETURNS[p]["changes"]) for p in DISTRICTS
}
# Rows a partner added at the bottom of its return (they fall under its last section).
RETURN_NEW_ROWS: dict[str, tuple[dict[str, Any], ...]] = {
    p: tuple(_records("returns.yaml", _RETURNS[p]["new_rows"], _RECORD_FIELDS))
    for p in DISTRICTS
    if "new_rows" in _RETURNS[p]
}
# Master rows a partner left out of its return.
RETURN_DROPPED: dict[str, tuple[str, ...]] = {
    p: tuple(_RETURNS[p]["dropped"]) for p in DISTRICTS if "dropped" in _RETURNS[p]
}
# Text pasted from Word into the row under a record (progress column only, no ref).
RETURN_CONTINUATIONS: dict[str, dict[str, str]] = {
    p: _RETURNS[p]["continuation_rows"] for p in DISTRICTS if "continuation_rows" in _RETURNS[p]
}
# South Ribble's own column, not part of the register.
SOUTH_RIBBLE_OFFICER_NOTES: dict[str, str] = _RETURNS["South Ribble"]["own_column"]


def return_rows(partner: str) -> tuple[dict[str, Any], ...]:
    """The partner's records as its return holds them, in sheet order.

    Progress is as the reader yields it: a continuation row's text joined to the record's
    progress with a newline.
    """
    dropped = RETURN_DROPPED.get(partner, ())
    edits: dict[str, dict[str, Any]] = {}
    for edit in RETURN_EDITS[partner]:
        edits.setdefault(edit.ref, {})[edit.field] = edit.new
    rows = [
        {**row, **edits.get(row["ref"], {})}
        for row in MASTER_ROWS
        if row["partner"] == partner and row["ref"] not in dropped
    ]
    return (*rows, *RETURN_NEW_ROWS.get(partner, ()))


RETURN_ROWS: dict[str, tuple[dict[str, Any], ...]] = {p: return_rows(p) for p in DISTRICTS}


# ---------------------------------------------------------------------------------------------
# Chorley's One Stop Shop inquiry monitoring report (one_stop_shop.yaml)
# ---------------------------------------------------------------------------------------------

_OSS = _load("one_stop_shop.yaml")
OSS_FILE = "one_stop_shop.xlsx"
OSS_SHEET = "Monitoring"
OSS_HEADER_ROW = 5
OSS_TITLE = tuple(_OSS["title"])
OSS_HEADERS = ("Rec No.", "Recommendation", "Progress", "Status", "Date of Update")
OSS_FIELDS = ("ref", "recommendation", "progress", "status", "updated")
OSS_WIDTHS = (9, 42, 80, 12, 16)
OSS_EMPTY_ROWS = 6  # formatted rows left at the bottom for the next items

# Each item's progress as its cells hold it: its own row's, then each continuation row's.
_OSS_PARTS: dict[str, tuple[str, ...]] = {
    item["ref"]: tuple(
        notes(part) or "" for part in (item["progress"], *item.get("continuation_rows", ()))
    )
    for item in _OSS["items"]
}
# Records in sheet order; "progress" is the record's cell joined with its continuation rows.
OSS_ROWS: tuple[dict[str, Any], ...] = tuple(
    {**row, "progress": "\n".join(_OSS_PARTS[row["ref"]])}
    for row in _records(
        "one_stop_shop.yaml",
        ({k: v for k, v in item.items() if k != "continuation_rows"} for item in _OSS["items"]),
        ("ref", "section", "recommendation", "progress", "status", "updated"),
    )
)
OSS_SECTIONS = tuple(dict.fromkeys(r["section"] for r in OSS_ROWS if r["section"]))
# ref -> the texts of the continuation rows under that record
OSS_CONTINUATIONS: dict[str, tuple[str, ...]] = {
    ref: parts[1:] for ref, parts in _OSS_PARTS.items() if len(parts) > 1
}
# ref -> the Date of Update typed as text
OSS_TEXT_DATES = {r["ref"]: r["updated"] for r in OSS_ROWS if isinstance(r["updated"], str)}


# ---------------------------------------------------------------------------------------------
# Lancaster City & County partnership activity list (city_county_activity.yaml), action_plan
# ---------------------------------------------------------------------------------------------

_ACTIVITY = _load("city_county_activity.yaml")
ACTIVITY_FILE = "city_county_activity.xlsx"
ACTIVITY_SHEET = "Partnership"
ACTIVITY_HEADER_ROW = 4
ACTIVITY_TITLE = tuple(_ACTIVITY["title"])
ACTIVITY_HEADERS = (
    "Service Activity",
    "Current Position",
    "Responsibility",
    "Status",
    "Target Date",
)
ACTIVITY_FIELDS = ("activity", "current_position", "responsibility", "status", "target_date")
ACTIVITY_WIDTHS = (30, 70, 30, 13, 13)
ACTIVITY_ROWS: tuple[dict[str, Any], ...] = tuple(
    _records("city_county_activity.yaml", _ACTIVITY["records"], ("section", *ACTIVITY_FIELDS))
)
ACTIVITY_SECTIONS = tuple(dict.fromkeys(r["section"] for r in ACTIVITY_ROWS))


# ---------------------------------------------------------------------------------------------
# Performance indicator return (indicators.yaml), kind indicators
# ---------------------------------------------------------------------------------------------

_INDICATORS = _load("indicators.yaml")
INDICATORS_FILE = "indicators.xlsx"
INDICATORS_SHEET = "Indicators"
INDICATORS_HEADER_ROW = 4
INDICATORS_TITLE = tuple(_INDICATORS["title"])
INDICATORS_HEADERS = (
    "PI Code",
    "Indicator",
    "Period",
    "Baseline",
    "Target",
    "Actual",
    "Polarity",
    "Unit",
    "RAG",
    "Partner",
    "Comments",
)
INDICATORS_FIELDS = (
    "code",
    "description",
    "period",
    "baseline",
    "target",
    "actual",
    "polarity",
    "unit",
    "rag",
    "partner",
    "comments",
)
INDICATORS_WIDTHS = (10, 48, 12, 10, 10, 10, 16, 9, 8, 16, 48)
HIGHER = "Higher is better"
LOWER = "Lower is better"
AMBER_TOLERANCE = 0.05  # Amber: missed, but within 5% of the target


def indicator_rag(actual: float, target: float, polarity: str) -> str:
    """Green when the target is met, Amber when within 5% of it, Red otherwise."""
    if polarity == HIGHER:
        if actual >= target:
            return "Green"
        return "Amber" if actual >= target * (1 - AMBER_TOLERANCE) else "Red"
    if actual <= target:
        return "Green"
    return "Amber" if actual <= target * (1 + AMBER_TOLERANCE) else "Red"


# The RAG is worked out here from the figures, not typed in the data file.
INDICATOR_ROWS: tuple[dict[str, Any], ...] = tuple(
    row | {"rag": indicator_rag(row["actual"], row["target"], row["polarity"])}
    for row in _records(
        "indicators.yaml",
        _INDICATORS["records"],
        [f for f in INDICATORS_FIELDS if f != "rag"],
    )
)


# ---------------------------------------------------------------------------------------------
# Partnership risk register (risks.yaml), kind risks
# ---------------------------------------------------------------------------------------------

_RISKS = _load("risks.yaml")
RISKS_FILE = "risks.xlsx"
RISKS_SHEET = "Risk Register"
RISKS_HEADER_ROW = 5
RISKS_TITLE = tuple(_RISKS["title"])
RISKS_HEADERS = (
    "Risk Ref",
    "Risk Description",
    "Category",
    "Likelihood",
    "Impact",
    "Risk Score",
    "Risk Owner",
    "Mitigation",
    "Status",
    "Last Reviewed",
)
RISKS_FIELDS = (
    "ref",
    "description",
    "category",
    "likelihood",
    "impact",
    "score",
    "owner",
    "mitigation",
    "status",
    "updated",
)
RISKS_WIDTHS = (9, 44, 16, 11, 9, 10, 26, 52, 11, 13)
RISK_CATEGORIES = (
    "Strategy",
    "Reputation",
    "Financial",
    "People",
    "Information",
    "Regulatory/Legal",
    "Operational",
    "Other",
)
RISK_STATUSES = ("Open", "Closed", "Escalated")
# The score is likelihood x impact, stored as a value; worked out here, not typed.
RISK_ROWS: tuple[dict[str, Any], ...] = tuple(
    row | {"score": row["likelihood"] * row["impact"]}
    for row in _records("risks.yaml", _RISKS["records"], [f for f in RISKS_FIELDS if f != "score"])
)


# ---------------------------------------------------------------------------------------------
# Styling: how councils dress a monitoring sheet
# ---------------------------------------------------------------------------------------------

FONT = "Arial"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="C5D9F1")
SECTION_FILL = PatternFill("solid", fgColor="D9D9D9")
DMY = "dd/mm/yyyy"
LONG_DATE = "d mmmm yyyy"
RAG_STYLES = {  # fill, font: Excel's own Bad / Neutral / Good colours
    "Red": ("FFC7CE", "9C0006"),
    "Amber": ("FFEB9C", "9C5700"),
    "Green": ("C6EFCE", "006100"),
}
LINE_HEIGHT = 12.75  # points per line of 10pt Arial
MAX_ROW_HEIGHT = 409


class Col(NamedTuple):
    header: str
    width: float
    kind: str = "text"  # text | wrap | date | centre | number


class TableSheet:
    """Writes one council table: title rows, header, sections, records, continuation rows."""

    def __init__(
        self,
        ws: Worksheet,
        cols: Sequence[Col],
        header_row: int,
        date_format: str = DMY,
        number_format: str = "0.0",
    ) -> None:
        self.ws = ws
        self.cols = list(cols)
        self.header_row = header_row
        self.row = header_row
        self.date_format = date_format
        self.number_format = number_format
        self.last_col = get_column_letter(len(self.cols))

    def titles(self, lines: Sequence[str]) -> None:
        sizes = (14, 12)
        for i, text in enumerate(lines, start=1):
            cell = self.ws.cell(row=i, column=1, value=text)
            size = sizes[i - 1] if i <= len(sizes) else 10
            cell.font = Font(name=FONT, size=size, bold=i <= len(sizes), italic=i > len(sizes))

    def header(self) -> None:
        for c, col in enumerate(self.cols, start=1):
            cell = self.ws.cell(row=self.header_row, column=c, value=col.header)
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.ws.row_dimensions[self.header_row].height = 27

    def section(self, text: str) -> None:
        """A heading row: one value, merged across the table, bold on grey."""
        self.row += 1
        for c in range(1, len(self.cols) + 1):
            cell = self.ws.cell(row=self.row, column=c)
            cell.fill = SECTION_FILL
            cell.border = BORDER
        first = self.ws.cell(row=self.row, column=1, value=text)
        first.font = Font(name=FONT, size=10, bold=True)
        first.alignment = Alignment(vertical="center")
        self.ws.merge_cells(f"A{self.row}:{self.last_col}{self.row}")
        self.ws.row_dimensions[self.row].height = 16.5

    def record(self, values: Sequence[Any]) -> int:
        self.row += 1
        for c, (col, value) in enumerate(zip(self.cols, values, strict=True), start=1):
            self._cell(c, col, value)
        self._fit_height()
        return self.row

    def continuation(self, values: dict[int, Any]) -> None:
        """A row pasted from Word: text in some columns, the rest bordered and empty."""
        self.row += 1
        for c, col in enumerate(self.cols, start=1):
            self._cell(c, col, values.get(c))
        self._fit_height()

    def empty_rows(self, count: int) -> None:
        """Rows formatted ready for the next items: borders and wrap, no values."""
        for _ in range(count):
            self.row += 1
            for c, col in enumerate(self.cols, start=1):
                self._cell(c, col, None)

    def _cell(self, c: int, col: Col, value: Any) -> None:
        cell = self.ws.cell(row=self.row, column=c)
        cell.border = BORDER
        cell.font = Font(name=FONT, size=10)
        horizontal = "center" if col.kind in ("centre", "date") else None
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
        if value is None:
            if col.kind == "date":
                cell.number_format = self.date_format
            return
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
            # pasted text that only looks like a formula stays text, as Excel's leading ' does
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
            return
        cell.value = value
        if isinstance(value, date):
            cell.number_format = self.date_format
        elif isinstance(value, str) and col.kind == "date":
            cell.number_format = "@"  # a date typed as text into a Text-formatted cell
        elif isinstance(value, float):
            cell.number_format = self.number_format

    def _fit_height(self) -> None:
        """Excel does not grow a wrapped row when it opens a file, so set the height."""
        lines = 1
        for c, col in enumerate(self.cols, start=1):
            value = self.ws.cell(row=self.row, column=c).value
            if isinstance(value, str):
                per_line = max(1, int(col.width * 1.15))
                n = sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))
                lines = max(lines, n)
        self.ws.row_dimensions[self.row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def first_data_row(self) -> int:
        return self.header_row + 1

    def column(self, header: str) -> str:
        return get_column_letter([c.header for c in self.cols].index(header) + 1)

    def finish(self, landscape: bool = True) -> None:
        ws = self.ws
        for c, col in enumerate(self.cols, start=1):
            ws.column_dimensions[get_column_letter(c)].width = col.width
        ws.freeze_panes = f"A{self.header_row + 1}"
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.print_area = f"A1:{self.last_col}{self.row}"
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.oddFooter.left.text = "&F"
        ws.oddFooter.right.text = "Page &P of &N"
        ws.sheet_view.zoomScale = 90


def _dropdown(ws: Worksheet, source: str, cells: str, title: str) -> DataValidation:
    """A list drop-down; `source` is a range on another sheet or an inline "a,b,c" list."""
    formula = source if "!" in source else f'"{source}"'
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{title} not recognised",
        error=f"Please choose a {title} from the list.",
        showInputMessage=True,
        promptTitle=title,
        prompt=f"Choose the {title} from the list.",
    )
    dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def _rag_colours(ws: Worksheet, cells: str) -> None:
    for value, (fill, font) in RAG_STYLES.items():
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{value}"'],
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=font, bold=True),
            ),
        )


def _new_book(title: str, author: str, modified: date) -> Workbook:
    wb = Workbook()
    wb.properties.title = title
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = CREATED
    wb.properties.modified = datetime(modified.year, modified.month, modified.day, 16, 30)
    return wb


def _save(wb: Workbook, path: Path) -> Path:
    """Save with the document dates as set and fixed zip timestamps: same data, same bytes.

    openpyxl's own save stamps the current time into the file, so write through its writer
    into memory and copy the parts into a zip whose entries all carry one fixed time.
    """
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    tmp.replace(path)
    return path


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------

_KIND_OF_FIELD = {
    "partner": "text",
    "ref": "centre",
    "recommendation": "wrap",
    "lead": "wrap",
    "agreed_date": "date",
    "target_date": "date",
    "status": "centre",
    "rag": "centre",
    "progress": "wrap",
    "updated": "date",
    None: "wrap",
}
_WIDTH_OF_FIELD = dict(zip(MASTER_FIELDS, MASTER_WIDTHS, strict=True)) | {None: 30}


def _cell_value(row: dict[str, Any], field: str | None) -> Any:
    value = row.get(field) if field else None
    if field == "ref" and row["partner"] in NUMERIC_REF_PARTNERS:
        return int(value)
    return value


def _register_sheet(
    ws: Worksheet,
    title: Sequence[str],
    header_row: int,
    headers: Sequence[str],
    fields: Sequence[str | None],
    rows: Iterable[dict[str, Any]],
    *,
    extra: dict[str, str] | None = None,
    continuations: dict[str, str] | None = None,
) -> TableSheet:
    """A recommendations register in the master's style, one section row before each group."""
    cols = [
        Col(h, _WIDTH_OF_FIELD[f], _KIND_OF_FIELD[f]) for h, f in zip(headers, fields, strict=True)
    ]
    table = TableSheet(ws, cols, header_row)
    table.titles(title)
    table.header()
    section = None
    progress_col = fields.index("progress") + 1
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            table.section(section)
        values = []
        tail = (continuations or {}).get(row["ref"])
        for field in fields:
            if field is None:
                values.append((extra or {}).get(row["ref"]))
            elif field == "progress" and tail:
                text = row["progress"]
                assert text.endswith("\n" + tail)
                values.append(text[: -len(tail) - 1])
            else:
                values.append(_cell_value(row, field))
        table.record(values)
        if tail:
            table.continuation({progress_col: tail})
    return table


def _register_dropdowns(
    table: TableSheet, status_source: str, rag_source: str, spare_rows: int = 50
) -> None:
    ws, first, last = table.ws, table.first_data_row(), table.row + spare_rows
    status, rag = table.column("Status"), table.column("RAG")
    _dropdown(ws, status_source, f"{status}{first}:{status}{last}", "Status")
    _dropdown(ws, rag_source, f"{rag}{first}:{rag}{last}", "RAG")
    _rag_colours(ws, f"{rag}{first}:{rag}{last}")


def build_master(out_dir: Path) -> Path:
    wb = _new_book(*_document(_MASTER))
    ws = wb.active
    ws.title = MASTER_SHEET
    table = _register_sheet(
        ws, MASTER_TITLE, MASTER_HEADER_ROW, MASTER_HEADERS, MASTER_FIELDS, MASTER_ROWS
    )
    n_status, n_rag = len(STATUS_VALUES) + 1, len(RAG_VALUES) + 1
    # the drop-downs read their lists from the Lists sheet
    _register_dropdowns(table, f"Lists!$A$2:$A${n_status}", f"Lists!$B$2:$B${n_rag}")
    table.finish()

    key = wb.create_sheet("Key")
    key["A1"] = "Register of Scrutiny Recommendations - Key"
    key["A1"].font = Font(name=FONT, size=12, bold=True)
    r = 3
    for heading, rows in (("RAG", RAG_KEY), ("Status", STATUS_KEY)):
        for c, text in enumerate((heading, "Meaning"), start=1):
            cell = key.cell(row=r, column=c, value=text)
            cell.font = Font(name=FONT, size=10, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
        for value, meaning in rows:
            r += 1
            a = key.cell(row=r, column=1, value=value)
            b = key.cell(row=r, column=2, value=meaning)
            for cell in (a, b):
                cell.font = Font(name=FONT, size=10)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if value in RAG_STYLES:
                fill, font = RAG_STYLES[value]
                a.fill = PatternFill("solid", fgColor=fill)
                a.font = Font(name=FONT, size=10, bold=True, color=font)
        r += 2
    for text in ("Notes", *KEY_NOTES):
        key.cell(row=r, column=1, value=text).font = Font(name=FONT, size=10, bold=text == "Notes")
        r += 1
    key.column_dimensions["A"].width = 14
    key.column_dimensions["B"].width = 80

    lists = wb.create_sheet("Lists")
    for c, (heading, values) in enumerate((("Status", STATUS_VALUES), ("RAG", RAG_VALUES)), 1):
        lists.cell(row=1, column=c, value=heading).font = Font(name=FONT, size=10, bold=True)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=c, value=value).font = Font(name=FONT, size=10)
        lists.column_dimensions[get_column_letter(c)].width = 14
    return _save(wb, out_dir / MASTER_FILE)


def build_return(out_dir: Path, partner: str) -> Path:
    layout, spec = RETURN_LAYOUTS[partner], _RETURNS[partner]
    wb = _new_book(f"Return from {partner}", f"{partner} Council", RETURN_DATES[partner])
    ws = wb.active
    if "cover_sheet" in spec:
        _cover_sheet(ws, spec["cover_sheet"])
        ws = wb.create_sheet(layout.sheet)
    else:
        ws.title = layout.sheet
    table = _register_sheet(
        ws,
        layout.title,
        layout.header_row,
        layout.headers,
        layout.fields,
        RETURN_ROWS[partner],
        extra=spec.get("own_column"),
        continuations=RETURN_CONTINUATIONS.get(partner),
    )
    _register_dropdowns(table, ",".join(layout.status_list), ",".join(RAG_VALUES))
    table.finish()
    return _save(wb, out_dir / RETURNS_DIR / f"{partner}.xlsx")


def _cover_sheet(ws: Worksheet, lines: Sequence[str | None]) -> None:
    """A sheet of text before the table: two heading lines, then plain ones."""
    ws.title = SOUTH_RIBBLE_COVER_SHEET
    for r, text in enumerate(lines, start=1):
        size = {1: 14, 2: 12}.get(r, 10)
        if text:
            ws.cell(row=r, column=1, value=text).font = Font(name=FONT, size=size, bold=r <= 2)
    ws.column_dimensions["A"].width = 90


def build_one_stop_shop(out_dir: Path) -> Path:
    wb = _new_book(*_document(_OSS))
    ws = wb.active
    ws.title = OSS_SHEET
    kinds = ("centre", "wrap", "wrap", "centre", "date")
    cols = [Col(h, w, k) for h, w, k in zip(OSS_HEADERS, OSS_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, OSS_HEADER_ROW, date_format=LONG_DATE)
    table.titles(OSS_TITLE)
    table.header()
    section = None
    for row in OSS_ROWS:
        if row["section"] != section:
            section = row["section"]
            table.section(section)
        first_part, *parts = _OSS_PARTS[row["ref"]]
        table.record([row["ref"], row["recommendation"], first_part, row["status"], row["updated"]])
        for part in parts:
            table.continuation({3: part})
    last = table.row
    table.empty_rows(OSS_EMPTY_ROWS)
    first = table.first_data_row()
    _dropdown(ws, ",".join(STATUS_VALUES), f"D{first}:D{table.row}", "Status")
    # closed items greyed out, as the officer does by hand
    ws.conditional_formatting.add(
        f"A{first}:E{last}",
        FormulaRule(formula=[f'$D{first}="Closed"'], font=Font(color="808080")),
    )
    table.finish()
    return _save(wb, out_dir / OSS_FILE)


def build_activity(out_dir: Path) -> Path:
    wb = _new_book(*_document(_ACTIVITY))
    ws = wb.active
    ws.title = ACTIVITY_SHEET
    kinds = ("wrap", "wrap", "wrap", "centre", "date")
    cols = [Col(h, w, k) for h, w, k in zip(ACTIVITY_HEADERS, ACTIVITY_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, ACTIVITY_HEADER_ROW)
    table.titles(ACTIVITY_TITLE)
    table.header()
    section = None
    for row in ACTIVITY_ROWS:
        if row["section"] != section:
            section = row["section"]
            table.section(section)
        table.record([row[f] for f in ACTIVITY_FIELDS])
    first = table.first_data_row()
    _dropdown(ws, ",".join(STATUS_VALUES), f"D{first}:D{table.row + 50}", "Status")
    table.finish()
    return _save(wb, out_dir / ACTIVITY_FILE)


def build_indicators(out_dir: Path) -> Path:
    wb = _new_book(*_document(_INDICATORS))
    ws = wb.active
    ws.title = INDICATORS_SHEET
    kinds = (
        "centre",
        "wrap",
        "centre",
        "number",
        "number",
        "number",
        "centre",
        "centre",
        "centre",
        "text",
        "wrap",
    )
    cols = [
        Col(h, w, k) for h, w, k in zip(INDICATORS_HEADERS, INDICATORS_WIDTHS, kinds, strict=True)
    ]
    table = TableSheet(ws, cols, INDICATORS_HEADER_ROW)
    table.titles(INDICATORS_TITLE)
    table.header()
    for row in INDICATOR_ROWS:
        table.record([row[f] for f in INDICATORS_FIELDS])
    first, last = table.first_data_row(), table.row + 50
    _dropdown(ws, f"{HIGHER},{LOWER}", f"G{first}:G{last}", "Polarity")
    _dropdown(ws, ",".join(RAG_VALUES), f"I{first}:I{last}", "RAG")
    _rag_colours(ws, f"I{first}:I{last}")
    table.finish()
    return _save(wb, out_dir / INDICATORS_FILE)


def build_risks(out_dir: Path) -> Path:
    wb = _new_book(*_document(_RISKS))
    ws = wb.active
    ws.title = RISKS_SHEET
    kinds = (
        "centre",
        "wrap",
        "text",
        "centre",
        "centre",
        "centre",
        "wrap",
        "wrap",
        "centre",
        "date",
    )
    cols = [Col(h, w, k) for h, w, k in zip(RISKS_HEADERS, RISKS_WIDTHS, kinds, strict=True)]
    table = TableSheet(ws, cols, RISKS_HEADER_ROW)
    table.titles(RISKS_TITLE)
    table.header()
    for row in RISK_ROWS:
        table.record([row[f] for f in RISKS_FIELDS])
    first, last = table.first_data_row(), table.row + 50
    _dropdown(ws, ",".join(RISK_CATEGORIES), f"C{first}:C{last}", "Category")
    _dropdown(ws, ",".join(RISK_STATUSES), f"I{first}:I{last}", "Status")
    scale = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score 1 to 5",
        error="Likelihood and impact are scored 1 (low) to 5 (high).",
    )
    scale.add(f"D{first}:E{last}")
    ws.add_data_validation(scale)
    score = f"F{first}:F{last}"
    for operator, formula, (fill, font) in (
        ("greaterThanOrEqual", ["15"], RAG_STYLES["Red"]),
        ("between", ["8", "14"], RAG_STYLES["Amber"]),
        ("between", ["1", "7"], RAG_STYLES["Green"]),
    ):
        ws.conditional_formatting.add(
            score,
            CellIsRule(
                operator=operator,
                formula=formula,
                fill=PatternFill("solid", fgColor=fill, bgColor=fill),
                font=Font(color=font, bold=True),
            ),
        )
    table.finish()
    return _save(wb, out_dir / RISKS_FILE)


def build(out_dir: Path) -> list[Path]:
    """Write every sample workbook into `out_dir` (returns in its returns/ folder)."""
    out_dir = Path(out_dir)
    paths = [build_master(out_dir)]
    paths += [build_return(out_dir, partner) for partner in DISTRICTS]
    paths += [
        build_one_stop_shop(out_dir),
        build_activity(out_dir),
        build_indicators(out_dir),
        build_risks(out_dir),
    ]
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=WORKBOOKS,
        help="where to write (default: workbooks/)",
    )
    for written in build(parser.parse_args(argv).folder):
        print(written)


if __name__ == "__main__":
    main()
