"""Turn a sheet's table region into a Register: records, sections, continuation rows, provenance."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sync.errors import NoTableFound
from sync.kinds import Field, Kind, candidate_kinds, normalise_header
from sync.model import Register
from sync.read.dates import to_date
from sync.read.header import HeaderMatch, find_header
from sync.read.open import Book, SheetGrid, open_book

SECTION_MAX_CHARS = 80  # a heading such as "External Publicity", not a pasted paragraph


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large table.

    A register of 100,000 rows is a million cell values held by the grid; every collection
    the row loop's allocations trigger walks them all, which doubles the loop's time. The
    loop makes no reference cycles, so nothing is left for the collector to find.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_register(
    path: str | Path,
    schema: str | Path | Kind | None = None,
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
        if best is not None and best_rank[0] and name in book.hidden:
            break  # a table on a visible sheet outranks any on a hidden one: no need to read them
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
    """Walk the rows under the header: records, section headings and continuation rows.

    This is the main reading loop (one pass over every row of a register of 100,000 rows),
    so a row that is plainly a record (its key and at least one more cell filled) takes a
    fast path, and values are typed afterwards a column at a time.
    """
    with paused_gc():
        return _map_table(book, grid, match)


def _map_table(book: Book, grid: SheetGrid, match: HeaderMatch) -> Register:
    kind = match.kind
    key_field = kind.record_field
    fields = {name: kind.field(name) for name in match.columns}
    table_cols = sorted({*match.columns.values(), *match.ignored})
    first_col, last_col = table_cols[0], table_cols[-1]
    merged_width = _merged_widths(grid)
    has_section_column = "section" in match.columns
    add_section = not has_section_column and "section" in kind.names
    names = list(match.columns)
    # offsets into a row slice that starts at the table's first column
    start = first_col - grid.first_col
    width = last_col - first_col + 1
    offsets = [match.columns[name] - first_col for name in names]
    key_pos = names.index(key_field) if key_field in match.columns else None

    # per record, the mapped cells (None for blank) in `names` order
    raw_records: list[list[Any]] = []
    record_sections: list[str | None] = []
    rows: list[int] = []
    joins: list[tuple[int, str, str]] = []  # continuation text, applied once values are typed
    continuations: dict[int, list[int]] = {}
    sections: list[str] = []
    section: str | None = None
    last_row = match.row

    # the mapped cells of a row picked in one call; a row too short for them is padded first
    picks = [start + o for o in offsets]  # header columns lie inside the grid: start >= 0
    pick = itemgetter(*picks) if len(picks) > 1 else (lambda r, i=picks[0]: (r[i],))
    reach = max(picks) + 1

    first_index = match.row + 1 - grid.first_row
    for row, raw in enumerate(grid.rows[first_index:], start=match.row + 1):
        # _blank inlined: this runs once per cell of the register
        mapped = [
            None if v is None or (isinstance(v, str) and not v.strip()) else v
            for v in (pick(raw) if len(raw) >= reach else pick(_padded(raw, reach)))
        ]
        if (
            key_pos is not None
            and mapped[key_pos] is not None
            and len(mapped) - mapped.count(None) >= 2
        ):
            shape = "record"  # what _classify says of any row with its key and one more cell filled
        else:
            cells = _padded(raw[start : start + width], width)
            filled = {first_col + i: v for i, v in enumerate(cells) if not _blank(v)}
            if not filled:
                continue  # blank or formatted-but-empty rows are not records
            values = dict(zip(names, mapped, strict=True))
            shape = _classify(
                filled, values, fields, match, key_field, merged_width, row, raw_records
            )
            if shape == "section":
                section = _text(next(iter(filled.values())))
                if section not in sections:
                    sections.append(section)
                last_row = row
                continue
            if shape == "continuation":
                index = len(raw_records) - 1
                for name, value in values.items():
                    if not _blank(value):
                        joins.append((index, name, _text(value)))
                continuations.setdefault(index, []).append(row)
                last_row = row
                continue
            if shape == "skip":
                continue
        raw_records.append(mapped)
        record_sections.append(section)
        rows.append(row)
        last_row = row

    text: dict[tuple[int, str], str] = {}
    columns: dict[str, list[Any]] = {}
    raw_columns = list(zip(*raw_records, strict=True)) if raw_records else [() for _ in names]
    for name, raw_column in zip(names, raw_columns, strict=True):
        typed, originals = _coerce_column(fields[name], raw_column)
        columns[name] = typed
        text.update(((index, name), original) for index, original in originals.items())
    for index, name, addition in joins:
        before = columns[name][index]
        columns[name][index] = addition if _blank(before) else f"{before}\n{addition}"
    if add_section:
        names.append("section")
        columns["section"] = record_sections
    frame = _frame(columns, names, fields)
    if has_section_column:
        sections = list(dict.fromkeys(v for v in columns["section"] if not _blank(v)))
    else:
        present = set(record_sections) if add_section else set()
        sections = [s for s in sections if s in present]
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


def _padded(cells: list[Any], width: int) -> list[Any]:
    """`cells` with blanks added up to `width` (CSV rows may be ragged)."""
    return cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))]


def _coerce_column(field: Field, values: Sequence[Any]) -> tuple[list[Any], dict[int, str]]:
    """A column's values typed for its field, and the text each parsed value was typed as.

    The common cells (text, real Excel dates) are handled inline; anything else goes
    through `_coerce`, with text dates parsed once per distinct text.
    """
    originals: dict[int, str] = {}
    if field.type in ("text", "ref"):
        return [
            None
            if v is None
            else (
                v.strip()  # most text: no Windows line ends or non-breaking spaces to mend
                if "\r" not in v and "\u00a0" not in v
                else v.replace("\r\n", "\n").replace("\u00a0", " ").strip()
            )
            if type(v) is str
            else _text(v)
            for v in values
        ], originals
    typed: list[Any] = []
    append = typed.append
    if field.type == "date":
        parsed_text: dict[str, tuple[Any, str | None]] = {}
        for i, v in enumerate(values):
            if v is None or type(v) is date:
                append(v)
                continue
            if isinstance(v, str):
                hit = parsed_text.get(v)
                if hit is None:
                    hit = parsed_text[v] = _coerce(field, v)
            else:
                hit = _coerce(field, v)
            append(hit[0])
            if hit[1] is not None:
                originals[i] = hit[1]
        return typed, originals
    for i, v in enumerate(values):
        value, original = _coerce(field, v)
        append(value)
        if original is not None:
            originals[i] = original
    return typed, originals


def _frame(
    columns: dict[str, list[Any]], names: list[str], fields: dict[str, Field]
) -> pd.DataFrame:
    """The records as a DataFrame of plain Python values, None for blanks.

    Text and date columns are built as object columns directly. Number columns go through
    pandas' own inference first, as they always have (ints beside a blank read as floats).
    """
    data: dict[str, pd.Series] = {}
    for name in names:
        values = columns[name]
        f = fields.get(name)
        if f is not None and f.type in ("number", "integer"):
            series = pd.Series(values, dtype=None if values else object)
            series = series.astype(object).where(series.notna(), None)
        else:
            series = pd.Series(object_array(values), dtype=object, copy=False)
            if (
                f is not None
                and f.type == "date"
                and not set(map(type, values)) <= {type(None), date, str}
            ):
                # odd cells kept raw (a number out of the date range, a NaN): typed by
                # pandas' inference, as the whole table once was
                series = pd.Series(values)
                series = series.astype(object).where(series.notna(), None)
        data[name] = series
    return pd.DataFrame(data, columns=names) if names else pd.DataFrame()


def object_array(values: Sequence[Any]) -> np.ndarray:
    """The values as a one-dimensional object array, never split into nested sequences.

    np.fromiter fills it four times as fast as assigning the list to an empty array's slice.
    """
    return np.fromiter(values, dtype=object, count=len(values))


def _classify(
    filled: dict[int, Any],
    values: dict[str, Any],
    fields: dict[str, Field],
    match: HeaderMatch,
    key_field: str,
    merged_width: dict[tuple[int, int], int],
    row: int,
    records: Sequence[Any],
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
