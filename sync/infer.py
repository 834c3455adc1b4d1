"""Draft a schema file from an existing workbook, so a council can add its own kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sync.errors import NoTableFound
from sync.read.dates import to_date
from sync.read.open import SheetGrid, open_book

MAX_VOCABULARY = 8  # a column with a handful of repeated values is a drop-down list


def infer_schema(
    path: str | Path, sheet: str | None = None, password: str | None = None
) -> dict[str, Any]:
    """A schema (as a dict ready for YAML) whose fields are the table's columns."""
    book = open_book(path, password=password)
    names = (
        [sheet]
        if sheet
        else [n for n in book.sheet_names if n not in book.hidden] or book.sheet_names
    )
    for name in names:
        grid = book.sheet(name)
        header_row = _guess_header_row(grid)
        if header_row is not None:
            return _draft(Path(path), grid, header_row)
    raise NoTableFound("no table with a header row found to draft a schema from", path)


def _guess_header_row(grid: SheetGrid) -> int | None:
    """The first row of two or more text cells followed by a row with values under them."""
    for i, values in enumerate(grid.rows[:40]):
        texts = [v for v in values if isinstance(v, str) and v.strip()]
        if len(texts) < 2 or len(texts) < sum(v not in (None, "") for v in values):
            continue
        below = grid.rows[i + 1 : i + 6]
        if any(sum(v not in (None, "") for v in row) >= 2 for row in below):
            return grid.first_row + i
    return None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "col_" + slug
    return slug


def _draft(path: Path, grid: SheetGrid, header_row: int) -> dict[str, Any]:
    header = grid.rows[header_row - grid.first_row]
    data_rows = [
        r
        for r in grid.rows[header_row - grid.first_row + 1 :]
        if sum(v not in (None, "") for v in r) >= 2
    ]
    fields: dict[str, Any] = {}
    for offset, head in enumerate(header):
        if not isinstance(head, str) or not head.strip():
            continue
        name = _slug(head)
        while name in fields:
            name += "_2"
        values = [r[offset] for r in data_rows if offset < len(r) and r[offset] not in (None, "")]
        spec: dict[str, Any] = {
            "title": " ".join(head.split()),
            "type": _infer_type(values),
            "owner": "partner",
            "aliases": [" ".join(head.split())],
        }
        if values and len(values) == len(data_rows):
            spec["required"] = True
        distinct = sorted({str(v).strip() for v in values if isinstance(v, str)})
        if (
            spec["type"] == "text"
            and 1 < len(distinct) <= MAX_VOCABULARY
            and len(values) > len(distinct)
        ):
            spec["vocabulary"] = distinct
        fields[name] = spec
    if not fields:
        raise NoTableFound("the header row has no text to name fields by", path)
    key = next(
        (
            n
            for n, s in fields.items()
            if s.get("required") and _unique(data_rows, header, s["title"])
        ),
        next(iter(fields)),
    )
    fields[key]["required"] = True
    fields[key]["owner"] = "coordinator"
    fields[key].pop("vocabulary", None)
    rules = [{"rule": "unique-key"}] if _unique(data_rows, header, fields[key]["title"]) else []
    return {
        "name": _slug(path.stem),
        "title": f"Drafted from {path.name}",
        "description": f"Drafted by xlsync schema infer from {path.name}, sheet {grid.name}; edit to taste.",
        "key": [key],
        "sheet_hints": [grid.name],
        "fields": fields,
        "rules": rules,
    }


def _unique(rows: list[list[Any]], header: list[Any], title: str) -> bool:
    offset = next(
        i for i, h in enumerate(header) if isinstance(h, str) and " ".join(h.split()) == title
    )
    values = [
        str(r[offset]).strip().lower()
        for r in rows
        if offset < len(r) and r[offset] not in (None, "")
    ]
    return len(values) == len(set(values)) and len(values) == len(rows)


def _infer_type(values: list[Any]) -> str:
    if not values:
        return "text"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "integer" if all(float(v).is_integer() for v in values) else "number"
    if all(not isinstance(v, int | float) and to_date(v) is not None for v in values):
        return "date"
    return "text"


def schema_yaml(schema: dict[str, Any]) -> str:
    """The drafted schema as YAML, in the order people read it."""
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
