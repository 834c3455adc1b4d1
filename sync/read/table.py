"""Turn a sheet's table region into a Register: records, sections, continuation rows, provenance."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sync.errors import NoTableFound
from sync.kinds import Field, Kind, candidate_kinds, normalise_header
from sync.model import Register
from sync.read.dates import to_date
from sync.read.header import HeaderMatch, find_header
from sync.read.open import Book, SheetGrid, open_book

SECTION_MAX_CHARS = 80  # a heading such as "External Publicity", not a pasted paragraph


def read_register(
    path: str | Path,
    schema: str | Path | None = None,
    sheet: str | None = None,
    password: str | None = None,
    book: Book | None = None,
) -> Register:
    """Read the table of a council workbook as it is, whatever its title rows and header wording."""
    book = book or open_book(path, password=password)
    kinds = list(candidate_kinds(schema))
    match = locate_table(book, kinds, sheet)
    return map_table(book, book.sheet(match.sheet), match)


def locate_table(book: Book, kinds: Iterable[Kind], sheet: str | None = None) -> HeaderMatch:
    """The sheet, header row and kind that best fit: visible sheets first, then hidden ones."""
    kinds = list(kinds)
    if sheet is not None:
        if sheet not in book.sheet_names:
            raise NoTableFound(
                f"has no sheet called {sheet!r}; its sheets are {', '.join(book.sheet_names)}",
                book.path,
            )
        names = [sheet]
    else:
        names = sorted(book.sheet_names, key=lambda n: n in book.hidden)
    best: HeaderMatch | None = None
    best_rank: tuple[Any, ...] = ()
    for name in names:
        grid = book.sheet(name)
        for kind in kinds:
            match = find_header(grid, kind)
            if match is None:
                continue
            hinted = any(normalise_header(h) == normalise_header(name) for h in kind.sheet_hints)
            rank = (name not in book.hidden, match.score, hinted)
            if best is None or rank > best_rank:
                best, best_rank = match, rank
    if best is None:
        wanted = " or ".join(
            f"{k.name} ({', '.join(k.field(r).title for r in k.required)})" for k in kinds
        )
        where = f"sheet {sheet!r}" if sheet else "any sheet"
        raise NoTableFound(f"no header row for {wanted} found in {where}", book.path)
    return best


def map_table(book: Book, grid: SheetGrid, match: HeaderMatch) -> Register:
    """Walk the rows under the header: records, section headings and continuation rows."""
    kind = match.kind
    key_field = kind.record_field
    fields = {name: kind.field(name) for name in match.columns}
    table_cols = sorted({*match.columns.values(), *match.ignored})
    first_col, last_col = table_cols[0], table_cols[-1]
    merged_width = _merged_widths(grid)
    has_section_column = "section" in match.columns
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    text: dict[tuple[int, str], str] = {}
    continuations: dict[int, list[int]] = {}
    sections: list[str] = []
    section: str | None = None
    last_row = match.row

    for row in range(match.row + 1, grid.last_row + 1):
        raw = grid.rows[row - grid.first_row]
        filled = {
            col: value
            for col in range(first_col, last_col + 1)
            if not _blank(value := _at(raw, col - grid.first_col))
        }
        if not filled:
            continue  # blank or formatted-but-empty rows are not records
        values = {name: filled.get(col) for name, col in match.columns.items()}
        shape = _classify(filled, values, fields, match, key_field, merged_width, row, records)
        if shape == "section":
            section = _text(next(iter(filled.values())))
            if section not in sections:
                sections.append(section)
            last_row = row
            continue
        if shape == "continuation":
            index = len(records) - 1
            for name, value in values.items():
                if _blank(value):
                    continue
                before = records[index].get(name)
                addition = _text(value)
                records[index][name] = addition if _blank(before) else f"{before}\n{addition}"
            continuations.setdefault(index, []).append(row)
            last_row = row
            continue
        if shape == "skip":
            continue
        index = len(records)
        record: dict[str, Any] = {}
        for name, value in values.items():
            parsed, original = _coerce(fields[name], value)
            record[name] = parsed
            if original is not None:
                text[(index, name)] = original
        if not has_section_column and "section" in kind.names:
            record["section"] = section
        records.append(record)
        rows.append(row)
        last_row = row

    names = list(match.columns)
    if not has_section_column and "section" in kind.names:
        names.append("section")
    frame = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(
        {n: pd.Series(dtype=object) for n in names}
    )
    frame = frame.astype(object).where(frame.notna(), None)
    if has_section_column:
        sections = list(dict.fromkeys(r["section"] for r in records if not _blank(r["section"])))
    else:
        sections = [s for s in sections if any(r.get("section") == s for r in records)]
    return Register(
        kind=kind,
        path=book.path,
        sheet=grid.name,
        header_row=match.row,
        columns=dict(match.columns),
        headers=dict(match.headers),
        ignored=dict(match.ignored),
        frame=frame,
        rows=rows,
        last_row=last_row,
        text=text,
        sections=sections,
        continuations=continuations,
        format=book.format,
    )


def _classify(
    filled: dict[int, Any],
    values: dict[str, Any],
    fields: dict[str, Field],
    match: HeaderMatch,
    key_field: str,
    merged_width: dict[tuple[int, int], int],
    row: int,
    records: list[dict[str, Any]],
) -> str:
    """What a row is: a record, a section heading, a continuation of the record above (text
    pasted from Word over several rows), or nothing to read. A row whose key was left out but
    that carries a status or a date is still a record, so validation can point at the gap."""
    mapped = {name: v for name, v in values.items() if not _blank(v)}
    structured = [n for n in mapped if fields[n].type != "text" or fields[n].vocabulary]
    if len(filled) == 1:
        ((col, value),) = filled.items()
        if not isinstance(value, str):
            return "record" if structured else "skip"
        field_here = next((n for n, c in match.columns.items() if c == col), None)
        heading_like = len(value) <= SECTION_MAX_CHARS and not value.rstrip().endswith((".", ":"))
        if merged_width.get((row, col), 1) > 1:
            return "section"
        if field_here == key_field:
            if fields[key_field].type == "ref" and looks_like_ref(value):
                return "record"
            return "section" if heading_like else "record"
        if col == min([*match.columns.values(), *match.ignored]):
            return "section" if heading_like or not records else "continuation"
        if field_here is not None and fields[field_here].history:
            return "continuation" if records else "skip"
        if heading_like and not structured and value[:1].isupper():
            return "section"
    if not _blank(values.get(key_field)) or structured:
        return "record"
    if records and mapped:
        return "continuation"
    return "skip"


def looks_like_ref(value: object) -> bool:
    """Refs are short and numbered: "4,a", "17.", "2.1", "R1", "NI 195"."""
    text = str(value).strip()
    return len(text) <= 16 and any(ch.isdigit() for ch in text)


def _merged_widths(grid: SheetGrid) -> dict[tuple[int, int], int]:
    return {(r0, c0): c1 - c0 + 1 for r0, c0, _r1, c1 in grid.merged}


def _at(raw: list[Any], offset: int) -> Any:
    return raw[offset] if 0 <= offset < len(raw) else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        # Word pastes bring non-breaking spaces and Windows line ends
        return value.replace("\r\n", "\n").replace("\u00a0", " ").strip()
    return str(value)


def _coerce(field: Field, value: Any) -> tuple[Any, str | None]:
    """The value typed for its field, and the original text where it was parsed from text."""
    if _blank(value):
        return None, None
    if field.type == "date":
        if isinstance(value, str):
            parsed = to_date(value)
            return (parsed, value.strip()) if parsed is not None else (value.strip(), None)
        parsed = to_date(value)
        return (parsed if parsed is not None else value), None
    if field.type in ("number", "integer"):
        if isinstance(value, bool):
            return value, None
        if isinstance(value, int | float):
            return (int(value) if float(value).is_integer() else value), None
        cleaned = str(value).strip().replace(",", "").rstrip("%")
        try:
            number = float(cleaned)
        except ValueError:
            return str(value).strip(), None
        return (int(number) if number.is_integer() else number), str(value).strip()
    if field.type in ("text", "ref"):
        return _text(value), None
    return value, None
