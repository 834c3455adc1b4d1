"""Draft a schema file from an existing workbook, so a council can add its own kind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sync.errors import NoTableFound
from sync.kinds import Kind, kind_from_dict
from sync.read.dates import to_date
from sync.read.header import (
    HEADER_SCAN_ROWS,
    HeaderMatch,
    header_tiers,
    tier_labels,
    unheaded_columns,
)
from sync.read.open import Book, SheetGrid, open_book

MAX_VOCABULARY = 8  # a column with a handful of repeated values is a drop-down list
EMPTY_TEMPLATE_COLUMNS = 3  # a header with no records yet is a template worth drafting from
MAX_RELAXING = 8  # rounds of loosening a draft until the file it came from validates
# sheets that hold no monitoring table, whatever grid they contain
_AUXILIARY = re.compile(
    r"note|cover|contact|meta|lookup|guid|instruction|drop.?down|front|intro|definition|"
    r"check|sign.?off|start|read.?me|about|contents|valid|backend|list",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A header found by shape alone: its rows, its columns' labels, the rows under it."""

    sheet: str
    row: int
    tiers: tuple[int, ...]
    labels: dict[int, str]
    records: int

    @property
    def size(self) -> tuple[bool, int, int]:
        """A table with records beats a template without; then columns x records."""
        return (self.records > 0, len(self.labels) * self.records, len(self.labels))


def infer_schema(
    path: str | Path, sheet: str | None = None, password: str | None = None
) -> dict[str, Any]:
    """A schema (as a dict ready for YAML) whose fields are the largest table's columns, and
    which validates the workbook it was drafted from."""
    path = Path(path)
    book = open_book(path, password=password)
    best = largest_table(book, sheet)
    if best is None:
        where = f"sheet {sheet!r}" if sheet else "any sheet"
        raise NoTableFound(f"no table with a header row found in {where} to draft a schema", path)
    grid = book.sheet(best.sheet)
    fields = _draft_fields(book, grid, best)
    draft = _schema(path, best, fields)
    return _relaxed(path, book, best.sheet, draft)


def largest_table(book: Book, sheet: str | None = None) -> Candidate | None:
    """The biggest table (columns x records) on the sheets worth drafting from: not a notes,
    cover, contacts, metadata or lookup sheet, unless there is nothing else."""
    if sheet is not None:
        book.require_sheet(sheet)
        names = [sheet]
    else:
        visible = [n for n in book.sheet_names if n not in book.hidden] or book.sheet_names
        names = [n for n in visible if not _AUXILIARY.search(n)] or visible
    best: Candidate | None = None
    for name in names:
        for found in header_candidates(book.sheet(name)):
            if best is None or found.size > best.size:
                best = found
    return best


def header_candidates(grid: SheetGrid) -> list[Candidate]:
    """Rows shaped like a header (two or more cells of text, years or codes) over rows of
    values, each with its tiers; a row that is a tier of one above is not a header itself."""
    found: list[Candidate] = []
    last = min(grid.last_row, grid.first_row + HEADER_SCAN_ROWS - 1)
    row = grid.first_row
    while row <= last:
        cells = _filled(grid, row)
        if len(cells) < 2 or not all(_names_a_column(v) for v in cells.values()):
            row += 1
            continue
        tiers = header_tiers(grid, row)
        labels = tier_labels(grid, tiers, min(cells), max(cells), row)
        labels.update(unheaded_columns(grid, max(tiers), labels))
        records = _rows_under(grid, max(tiers), labels)
        if records or len(labels) >= EMPTY_TEMPLATE_COLUMNS:
            found.append(Candidate(grid.name, row, tuple(tiers), labels, records))
        row = max(tiers) + 1
    return found


def _names_a_column(value: Any) -> bool:
    """Text or a year: what a header cell holds (never a date, an amount or a fraction)."""
    if isinstance(value, str):
        return True
    return _is_year(value)


def _is_year(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value == int(value)
        and 1900 <= value <= 2100
    )


def _filled(grid: SheetGrid, row: int) -> dict[int, Any]:
    i = row - grid.first_row
    if not 0 <= i < len(grid.rows):
        return {}
    return {
        grid.first_col + j: v
        for j, v in enumerate(grid.rows[i])
        if v is not None and not (isinstance(v, str) and not v.strip())
    }


def _rows_under(grid: SheetGrid, last_tier: int, labels: dict[int, str]) -> int:
    """Rows under a header with two or more of its columns filled, up to two blank rows."""
    cols = set(labels)
    count = blanks = 0
    for row in range(last_tier + 1, grid.last_row + 1):
        filled = sum(1 for c in _filled(grid, row) if c in cols)
        if filled >= 2:
            count, blanks = count + 1, 0
        elif filled == 0:
            blanks += 1
            if blanks >= 2:
                break
    return count


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")[:60].strip("_")
    if not slug or not slug[0].isalpha():
        slug = "col_" + slug
    return slug


def _draft_fields(book: Book, grid: SheetGrid, best: Candidate) -> dict[str, dict[str, Any]]:
    """Each labelled column as a field, typed from the rows the reader keeps as records."""
    names: dict[int, str] = {}
    for col, label in best.labels.items():
        name = _slug(label)
        while name in names.values():
            name += "_2"
        names[col] = name
    key_col = _provisional_key(grid, best)
    columns = _read_columns(book, grid, best, names, key_col)
    fields: dict[str, dict[str, Any]] = {}
    count = max((len(v) for v in columns.values()), default=0)
    for col, name in names.items():
        values = [v for v in columns.get(name, []) if v is not None]
        spec: dict[str, Any] = {
            "title": best.labels[col],
            "type": _infer_type(values),
            "owner": "partner",
            "aliases": [best.labels[col]],
        }
        if values and len(values) == count:
            spec["required"] = True
        distinct = sorted({str(v).strip() for v in values if isinstance(v, str)})
        few = 1 < len(distinct) <= MAX_VOCABULARY and len(values) > len(distinct)
        if spec["type"] == "text" and few and all(isinstance(v, str) for v in values):
            spec["vocabulary"] = distinct
        spec["_unique"] = bool(values) and len(values) == count == len(
            {str(v).strip().lower() for v in values}
        )
        fields[name] = spec
    return fields


def _provisional_key(grid: SheetGrid, best: Candidate) -> int:
    """The column that marks a row as a record while the table is first read: the most
    filled of the first columns."""
    cols = sorted(best.labels)
    counts = {c: 0 for c in cols}
    for row in range(max(best.tiers) + 1, min(grid.last_row, max(best.tiers) + 200) + 1):
        for c in _filled(grid, row):
            if c in counts:
                counts[c] += 1
    top = max(counts.values())
    return next(c for c in cols if counts[c] >= top * 0.9)


def _read_columns(
    book: Book, grid: SheetGrid, best: Candidate, names: dict[int, str], key_col: int
) -> dict[str, list[Any]]:
    """The raw values of each column in the rows the reader takes as records."""
    from sync.read.table import TableWalk  # the reader decides which rows are records

    kind = _kind(names, best.labels, names[key_col])
    match = HeaderMatch(
        kind,
        grid.name,
        best.row,
        {name: col for col, name in names.items()},
        {name: best.labels[col] for col, name in names.items()},
        {},
        best.tiers if len(best.tiers) > 1 else (),
    )
    walk = TableWalk(grid, match)
    walk.run()
    order = list(match.columns)
    return {name: [r[i] for r in walk.records] for i, name in enumerate(order)}


def _kind(names: dict[int, str], labels: dict[int, str], key: str) -> Kind:
    fields = {
        name: {"aliases": [labels[col]], "required": name == key} for col, name in names.items()
    }
    return kind_from_dict({"name": "draft", "key": [key], "fields": fields})


def _schema(path: Path, best: Candidate, fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    unique = [n for n, s in fields.items() if s.pop("_unique")]
    # a column with no header that holds unique refs is the key officers already use
    positional = [n for n in unique if n.startswith("column_")]
    filled = [n for n, s in fields.items() if s.get("required")]
    texts = {n for n, s in fields.items() if s["type"] == "text"}
    # a key is words or a code, filled in every record and unique if one such column is
    ranked = [
        *positional,
        *[n for n in unique if n in texts],
        *[n for n in filled if n in texts],
        *unique,
        *filled,
    ]
    key = (ranked or [next(iter(fields))])[0]
    fields[key]["required"] = True
    fields[key]["owner"] = "coordinator"
    fields[key].pop("vocabulary", None)
    return {
        "name": _slug(path.stem),
        "title": f"Drafted from {path.name}",
        "description": (
            f"Drafted by xlsync schema infer from {path.name}, sheet {best.sheet}; edit to taste."
        ),
        "key": [key],
        # declared, though empty: a file without roles is read as before roles existed,
        # its fields named status, rag, ... taking those roles
        "roles": {},
        "sheet_hints": [best.sheet],
        "fields": fields,
        "rules": [{"rule": "unique-key"}] if key in unique else [],
    }


def _relaxed(path: Path, book: Book, sheet: str, draft: dict[str, Any]) -> dict[str, Any]:
    """The draft loosened (a type, a vocabulary, a requirement, the unique key) wherever the
    workbook it came from breaks it, so that it validates that workbook with no errors."""
    from sync.read.table import read_register
    from sync.validate import validate_register

    for _ in range(MAX_RELAXING):
        kind = kind_from_dict(draft)
        register = read_register(path, schema=kind, sheet=sheet, book=book)
        errors = [f for f in validate_register(register) if f.severity == "error"]
        if not errors:
            return draft
        if any(f.code == "missing-value" and f.field in draft["key"] for f in errors):
            _rekey(draft, register)
        for finding in errors:
            _loosen(draft, finding.code, finding.field)
    return draft


def _rekey(draft: dict[str, Any], register: Any) -> None:
    """Key on a column filled in every record the reader keeps (unique if one is)."""
    frame = register.frame
    full = [n for n in frame.columns if frame[n].notna().all()]
    if not full:
        return
    unique = [n for n in full if frame[n].astype(str).str.strip().str.lower().is_unique]
    key = (unique or full)[0]
    old = draft["key"][0]
    draft["fields"][old].pop("required", None)
    draft["fields"][old]["owner"] = "partner"
    draft["fields"][key]["required"] = True
    draft["fields"][key]["owner"] = "coordinator"
    draft["fields"][key].pop("vocabulary", None)
    draft["key"] = [key]
    draft["rules"] = [{"rule": "unique-key"}] if unique else []


def _loosen(draft: dict[str, Any], code: str, field: str | None) -> None:
    spec = draft["fields"].get(field or "")
    if code == "duplicate-key":
        draft["rules"] = [r for r in draft["rules"] if r.get("rule") != "unique-key"]
    elif spec is None:
        return
    elif code == "missing-value" and field not in draft["key"]:
        spec.pop("required", None)
    elif code in ("not-a-number", "not-whole", "not-a-date", "out-of-range"):
        spec["type"] = "text"
    elif code == "not-allowed":
        spec.pop("vocabulary", None)


def _infer_type(values: Sequence[Any]) -> str:
    if not values:
        return "text"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "integer" if all(float(v).is_integer() for v in values) else "number"
    if all(isinstance(v, date) for v in values):
        return "date"
    if all(isinstance(v, str) and to_date(v) is not None for v in values):
        return "date"
    return "text"


def schema_yaml(schema: dict[str, Any]) -> str:
    """The drafted schema as YAML, in the order people read it."""
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
