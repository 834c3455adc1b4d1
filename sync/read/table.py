"""Turn a sheet's table region into a Register: records, sections, continuation rows, provenance."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sync.errors import NoTableFound
from sync.kinds import Field, Kind, candidate_kinds
from sync.model import Register
from sync.read.dates import to_date
from sync.read.header import HeaderMatch, NearMiss, find_header, header_words, scan_header
from sync.read.open import Book, SheetGrid, open_book

SECTION_MAX_CHARS = 80  # a heading such as "External Publicity", not a pasted paragraph


def read_register(
    path: str | Path,
    schema: str | Path | Kind | None = None,
    sheet: str | None = None,
    password: str | None = None,
    book: Book | None = None,
) -> Register:
    """Read the table of a council workbook as it is, whatever its title rows and header wording.

    A table kept over several sheets of the same layout (one a year, service or site) is
    read as one register, each record keeping its sheet, unless `sheet` names one.
    """
    book = book or open_book(path, password=password)
    kinds = list(candidate_kinds(schema))
    match = locate_table(book, kinds, sheet)
    register = map_table(book, book.sheet(match.sheet), match)
    if sheet is None:
        others = [map_table(book, book.sheet(m.sheet), m) for m in same_layout(book, match)]
        if others:
            register = join_registers([register, *others])
    return register


def locate_table(book: Book, kinds: Iterable[Kind], sheet: str | None = None) -> HeaderMatch:
    """The sheet, header row and kind that best fit: visible sheets first, then hidden ones."""
    kinds = list(kinds)
    if sheet is not None:
        book.require_sheet(sheet)
        names = [sheet]
    else:
        names = sorted(book.sheet_names, key=lambda n: n in book.hidden)
    best: HeaderMatch | None = None
    best_rank: tuple[Any, ...] = ()
    nearest: NearMiss | None = None
    for name in names:
        if best is not None and best_rank[0] and name in book.hidden:
            break  # a table on a visible sheet outranks any on a hidden one: no need to read them
        grid = book.sheet(name)
        for kind in kinds:
            match, miss = scan_header(grid, kind)
            if nearest is None or miss.score > nearest.score:
                nearest = miss
            if match is None:
                continue
            hinted = any(header_words(h) == header_words(name) for h in kind.sheet_hints)
            rank = (name not in book.hidden, match.score, hinted)
            if best is None or rank > best_rank:
                best, best_rank = match, rank
    if best is None:
        wanted = " or ".join(
            f"{k.name} ({', '.join(k.field(r).title for r in k.required)})" for k in kinds
        )
        where = f"sheet {sheet!r}" if sheet else "any sheet"
        closest = f"; closest: {nearest.sentence()}" if nearest is not None else ""
        raise NoTableFound(f"no header row for {wanted} found in {where}{closest}", book.path)
    return best


def same_layout(book: Book, match: HeaderMatch) -> list[HeaderMatch]:
    """The other visible sheets holding the same table (same kind, fields in the same
    columns under the same headers), in workbook order."""
    found: list[HeaderMatch] = []
    for name in book.sheet_names:
        if name == match.sheet or name in book.hidden:
            continue
        other = find_header(book.sheet(name), match.kind)
        if (
            other is not None
            and other.columns == match.columns
            and other.headers == match.headers
            and other.row == match.row
        ):
            found.append(other)
    return found


def join_registers(registers: Sequence[Register]) -> Register:
    """One register from the same table kept on several sheets; each record keeps its sheet."""
    first = registers[0]
    frame = pd.concat([r.frame for r in registers], ignore_index=True)
    offsets = np.cumsum([0, *[len(r) for r in registers]])
    text: dict[tuple[int, str], str] = {}
    continuations: dict[int, list[int]] = {}
    cells: dict[tuple[int, str], tuple[int, int]] = {}
    for reg, offset in zip(registers, offsets, strict=False):
        text.update({(i + int(offset), f): t for (i, f), t in reg.text.items()})
        cells.update({(i + int(offset), f): at for (i, f), at in reg.cells.items()})
        continuations.update({i + int(offset): rows for i, rows in reg.continuations.items()})
    return replace(
        first,
        frame=frame,
        rows=[row for r in registers for row in r.rows],
        record_sheets=[r.sheet for r in registers for _ in r.rows],
        text=text,
        cells=cells,
        continuations=continuations,
        sections=list(dict.fromkeys(s for r in registers for s in r.sections)),
        blocks=[b for r in registers for b in (r.blocks or [None] * len(r))],
        skipped=[s for r in registers for s in r.skipped],
        last_row=max(r.last_row for r in registers),
    )


def map_table(book: Book, grid: SheetGrid, match: HeaderMatch) -> Register:
    """Walk the rows under the header: records, section headings and continuation rows; skip
    what is not a record (examples, placeholders, instructions) and stop where the table ends.

    This is the main reading loop (one pass over every row of a register of 100,000 rows),
    so a row that is plainly a record (its key and at least one more cell filled) takes a
    fast path, and values are typed afterwards a column at a time.
    """
    walk = TableWalk(grid, match)
    walk.run()
    return walk.register(book)


# Drop-down prompts a template leaves in every empty row: not values.
PLACEHOLDERS = frozenset(
    {
        "< Select >",
        "<Select>",
        "< select >",
        "Select",
        "Please select",
        "Please Select",
        "Please select an option",
        "Please select...",
        "-- Select --",
        "--Select--",
        "Choose an item.",
        "Select from list",
    }
)
# "END", "PF-USER_RISKS-END": where a template says its table stops
_END_MARK = re.compile(r"(^|[\s_\-])END$")
_TOTAL_START = frozenset("TtGgCcRrSs")
_TOTALS = re.compile(r"^(grand |column |row |sub-?)?totals?\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"^(e\.g\.|example\b|for example\b)", re.IGNORECASE)
_INSTRUCTION = re.compile(
    r"^(please |use the |click |enter |select |note:|guidance|instructions?\b|do not )",
    re.IGNORECASE,
)
_SCALE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*[-–:.)]\s*[^\d\s]")
EXAMPLE_ROWS = 2  # a template's worked example sits right under each header
GAP_ROWS = 2  # blank rows after which a row with no key is notes or another table
LOOKAHEAD_ROWS = 5  # a block's sub-heading sits a row or two above its repeated header


class TableWalk:
    """One pass down a sheet under a header: what each row is, where the table ends."""

    def __init__(self, grid: SheetGrid, match: HeaderMatch) -> None:
        self.grid, self.match, self.kind = grid, match, match.kind
        self.key_field = self.kind.record_field
        self.fields = {name: self.kind.field(name) for name in match.columns}
        self.names = list(match.columns)
        table_cols = sorted({*match.columns.values(), *match.ignored})
        self.first_col, last_col = table_cols[0], table_cols[-1]
        self.start = self.first_col - grid.first_col
        self.width = last_col - self.first_col + 1
        picks = [match.columns[name] - grid.first_col for name in self.names]
        self.pick = itemgetter(*picks) if len(picks) > 1 else (lambda r, i=picks[0]: (r[i],))
        self.reach = max(picks) + 1
        self.key_pos = self.names.index(self.key_field) if self.key_field in self.names else None
        self.key_col = match.columns.get(self.key_field)
        self.merged_width = _merged_widths(grid)
        # the header's own words per column, to know a repeated header row when one comes
        top = match.row
        self.header_words = {
            c: header_words(str(v))
            for c, v in _row_cells(grid, top).items()
            if isinstance(v, str) and c in set(match.columns.values())
        }
        self.header_keys = {v.strip() for v in _row_cells(grid, top).values() if isinstance(v, str)}
        # per record, the mapped cells (None for blank) in `names` order
        self.records: list[list[Any]] = []
        self.rows: list[int] = []
        # (records read so far, section, block) each time the section or block changes
        self.marks: list[tuple[int, str | None, str | None]] = []
        self.joins: list[tuple[int, str, str]] = []  # continuation text, applied once typed
        self.continuations: dict[int, list[int]] = {}
        self.sections: list[str] = []
        self.section: str | None = None
        self.block: str | None = None
        self.pending_heading: str | None = None
        self.repeats = 0
        self.skipped: list[tuple[int, str]] = []
        self.last_row = match.last_row
        self.example_until = match.last_row + EXAMPLE_ROWS
        self.blank_run = 0
        self.first_block: str | None = None
        self.first_repeat_at = 0

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> None:
        grid, first = self.grid, self.match.last_row + 1
        key_pos, reach, pick = self.key_pos, self.reach, self.pick
        header_keys, records, rows = self.header_keys, self.records, self.rows
        add_record, add_row = records.append, rows.append
        for row, raw in enumerate(grid.rows[first - grid.first_row :], start=first):
            # placeholders and blanks inlined: this runs once per cell of the register
            mapped = [
                None
                if v is None or (type(v) is str and (not v.strip() or v in PLACEHOLDERS))
                else v
                for v in (pick(raw) if len(raw) >= reach else pick(_padded(raw, reach)))
            ]
            key = None if key_pos is None else mapped[key_pos]
            if (
                key is not None
                and row > self.example_until
                and len(mapped) - mapped.count(None) >= 2
                and (
                    type(key) is not str
                    or not (
                        key in header_keys
                        or key.endswith(("END", "END "))
                        or (key[:1] in _TOTAL_START and _TOTALS.match(key.strip()))
                    )
                )
            ):
                add_record(mapped)  # plainly a record: its key and one more cell
                add_row(row)
                continue
            if not self._slow(row, raw, mapped):
                break
        self.marks.append((len(records), self.section, self.block))
        if self.repeats:
            self._first_block_heading()

    def _slow(self, row: int, raw: list[Any], mapped: list[Any]) -> bool:
        """Classify a row the fast path could not; False when the table has ended."""
        cells = _padded(raw[self.start : self.start + self.width], self.width)
        raw_filled = {self.first_col + i: v for i, v in enumerate(cells) if not _blank(v)}
        if not raw_filled:
            self.blank_run += 1
            return True
        gap, self.blank_run = self.blank_run, 0
        texts = [v.strip() for v in raw_filled.values() if isinstance(v, str)]
        if any(_END_MARK.search(t) for t in texts):
            return False
        filled = {c: v for c, v in raw_filled.items() if not (type(v) is str and v in PLACEHOLDERS)}
        prompts = len(filled) < len(raw_filled)
        key_blank = self.key_col is None or self.key_col not in filled
        if not filled or (prompts and key_blank):
            return self._skip(row, "placeholder row")  # a template's row still to choose
        if self._is_repeated_header(filled):
            return self._repeated_header(row)
        values = dict(zip(self.names, mapped, strict=True))
        has_key = not _blank(values.get(self.key_field))
        lone_text = len(filled) == 1 and not looks_like_ref(first_of(filled))
        if (not has_key or lone_text) and self._header_ahead(row):
            self.pending_heading = " ".join(_text(v) for v in filled.values())
            return self._skip(row, "block heading")
        if self.records and gap >= GAP_ROWS and (not has_key or lone_text):
            return False  # notes, a questionnaire or another table after a gap
        first_text = first_of(filled)
        if isinstance(first_text, str) and _TOTALS.match(first_text.strip()) and self.records:
            return False
        why = self._template_row(row, filled, texts, values, has_key)
        if why is not None:
            return self._skip(row, why)
        return self._shape(row, filled, values, mapped)

    def _repeated_header(self, row: int) -> bool:
        """The header again: a new block starts, under the heading seen just above it."""
        if not self.repeats:
            self.first_repeat_at = len(self.records)
        self.repeats += 1
        self._mark()
        self.block, self.pending_heading = self.pending_heading, None
        self.example_until = row + EXAMPLE_ROWS
        return self._skip(row, "repeated header")

    def _template_row(
        self,
        row: int,
        filled: dict[int, Any],
        texts: list[str],
        values: dict[str, Any],
        has_key: bool,
    ) -> str | None:
        """Why a row a template carries is not a record, or None if it may be one."""
        if row <= self.example_until and any(_EXAMPLE.match(t) for t in texts):
            return "example row"
        if len(filled) == 1 and texts and _INSTRUCTION.match(texts[0]) and len(texts[0]) > 16:
            return "instructions"
        mapped_filled = [n for n, v in values.items() if not _blank(v)]
        if (
            mapped_filled == [self.key_field]
            and len(filled) == 1
            and len(self.names) > 1
            and looks_like_ref(values[self.key_field])
            and not any(self.merged_width.get((row, c), 1) > 1 for c in filled)
        ):
            return "numbered empty row"  # a template's row waiting for data
        if not has_key and not self.records and not _has_text(values, self.key_field):
            return "no key above the first record"  # a totals line, say
        return None

    def _shape(
        self, row: int, filled: dict[int, Any], values: dict[str, Any], mapped: list[Any]
    ) -> bool:
        shape = _classify(
            filled,
            values,
            self.fields,
            self.match,
            self.key_field,
            self.merged_width,
            row,
            self.records,
        )
        if shape == "section":
            self._mark()
            self.section = _text(next(iter(filled.values())))
            if self.section not in self.sections:
                self.sections.append(self.section)
            self.last_row = row
        elif shape == "continuation":
            index = len(self.records) - 1
            for name, value in values.items():
                if not _blank(value):
                    self.joins.append((index, name, _text(value)))
            self.continuations.setdefault(index, []).append(row)
            self.last_row = row
        elif shape == "record":
            self._add(row, mapped)
        else:
            self._skip(row, "nothing to read")
        return True

    def _add(self, row: int, mapped: list[Any]) -> None:
        self.records.append(mapped)
        self.rows.append(row)

    def _mark(self) -> None:
        """The section and block so far apply to the records read since the last mark."""
        self.marks.append((len(self.records), self.section, self.block))

    def _per_record(self) -> tuple[list[str | None], list[str | None]]:
        sections: list[str | None] = []
        blocks: list[str | None] = []
        for upto, section, block in self.marks:
            more = upto - len(sections)
            sections += [section] * more
            blocks += [block] * more
        return sections, blocks

    def _skip(self, row: int, why: str) -> bool:
        self.skipped.append((row, why))
        return True

    def _is_repeated_header(self, filled: dict[int, Any]) -> bool:
        same = sum(
            1
            for c, words in self.header_words.items()
            if isinstance(filled.get(c), str) and header_words(filled[c]) == words
        )
        return same >= max(2, (len(self.header_words) + 1) // 2)

    def _header_ahead(self, row: int) -> bool:
        grid = self.grid
        for ahead in range(row + 1, min(row + LOOKAHEAD_ROWS, grid.last_row) + 1):
            cells = _row_cells(grid, ahead)
            if cells and self._is_repeated_header(cells):
                return True
        return False

    def _first_block_heading(self) -> None:
        """The records above the first repeated header sit under the heading just above the
        header ("SECTION A: Programme Risks"), when there is one."""
        grid, top = self.grid, min(self.match.tiers or (self.match.row,))
        heading: str | None = None
        for above in range(top - 1, max(grid.first_row, top - 3) - 1, -1):
            cells = _row_cells(grid, above)
            if not cells:
                continue
            if len(cells) == 1:
                (value,) = cells.values()
                if isinstance(value, str) and len(value.strip()) <= SECTION_MAX_CHARS:
                    heading = _text(value)
            break
        self.first_block = heading

    # -- the result -----------------------------------------------------------------------
    def spread_periods(self) -> dict[tuple[int, str], tuple[int, int]]:
        """A wide return's rows as one record per period: each keeps the row's own fields,
        the period from its group's heading, and the group's values, each from its own cell."""
        match, grid = self.match, self.grid
        period = self.kind.role("period")
        if not match.periods or period is None:
            return {}
        spread = sorted({n for group in match.periods.values() for n in group})
        at = {name: i for i, name in enumerate(self.names)}
        sections, blocks = self._per_record()
        records: list[list[Any]] = []
        rows: list[int] = []
        marks: list[tuple[int, str | None, str | None]] = []
        cells: dict[tuple[int, str], tuple[int, int]] = {}
        for index, (raw, row) in enumerate(zip(self.records, self.rows, strict=True)):
            for heading, group in match.periods.items():
                values = list(raw)
                values[at[period]] = heading
                cells[(len(records), period)] = (match.period_row, min(group.values()))
                for name in spread:
                    col = group.get(name)
                    value = None if col is None else grid.value(row, col)
                    values[at[name]] = None if _blank(value) else value
                    if col is not None:
                        cells[(len(records), name)] = (row, col)
                records.append(values)
                rows.append(row)
                marks.append((len(records), sections[index], blocks[index]))
        self.marks = marks
        n = len(match.periods)
        self.joins = [(i * n + k, name, add) for i, name, add in self.joins for k in range(n)]
        self.continuations = {i * n: rows for i, rows in self.continuations.items()}
        self.first_repeat_at *= n
        self.records, self.rows = records, rows
        return cells

    def register(self, book: Book) -> Register:
        cells = self.spread_periods()
        columns, text = self._typed_columns()
        record_sections, record_blocks = self._per_record()
        if self.repeats:
            # the records above the first repeated header sit under the heading above it
            first = self.first_repeat_at
            record_blocks[:first] = [self.first_block] * first
        names = list(self.names)
        kind, match = self.kind, self.match
        has_section_column = "section" in match.columns
        if not has_section_column and "section" in kind.names:
            names.append("section")
            columns["section"] = record_sections
            present = set(record_sections)
            sections = [s for s in self.sections if s in present]
        elif has_section_column:
            sections = list(dict.fromkeys(v for v in columns["section"] if not _blank(v)))
        else:
            sections = []
        return Register(
            kind=kind,
            path=book.path,
            sheet=self.grid.name,
            header_row=match.row,
            columns=dict(match.columns),
            headers=dict(match.headers),
            ignored=dict(match.ignored),
            frame=_frame(columns, names, self.fields),
            rows=self.rows,
            last_row=max(self.last_row, self.rows[-1] if self.rows else 0),
            text=text,
            sections=sections,
            continuations=self.continuations,
            format=book.format,
            header_tiers=list(match.tiers),
            blocks=record_blocks if self.repeats else [],
            skipped=self.skipped,
            cells=cells,
        )

    def _typed_columns(self) -> tuple[dict[str, list[Any]], dict[tuple[int, str], str]]:
        text: dict[tuple[int, str], str] = {}
        columns: dict[str, list[Any]] = {}
        raw_columns = (
            list(zip(*self.records, strict=True)) if self.records else [() for _ in self.names]
        )
        for name, raw_column in zip(self.names, raw_columns, strict=True):
            typed, originals = _coerce_column(self.fields[name], raw_column)
            columns[name] = typed
            text.update(((index, name), original) for index, original in originals.items())
        for index, name, addition in self.joins:
            before = columns[name][index]
            columns[name][index] = addition if _blank(before) else f"{before}\n{addition}"
        return columns, text


def _has_text(values: dict[str, Any], key_field: str) -> bool:
    return any(isinstance(v, str) and v.strip() for n, v in values.items() if n != key_field)


def first_of(cells: dict[int, Any]) -> Any:
    return next(iter(cells.values()))


def _row_cells(grid: SheetGrid, row: int) -> dict[int, Any]:
    i = row - grid.first_row
    if not 0 <= i < len(grid.rows):
        return {}
    return {grid.first_col + j: v for j, v in enumerate(grid.rows[i]) if not _blank(v)}


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

    Every column is built as an object column directly, so a whole number stays whole
    beside a blank (pandas' own inference would make the column floats: 14 -> 14.0).
    """
    data: dict[str, pd.Series] = {}
    for name in names:
        values = columns[name]
        f = fields.get(name)
        if f is not None and f.type in ("number", "integer"):
            cleaned = [None if type(v) is float and v != v else v for v in values]
            series = pd.Series(object_array(cleaned), dtype=object, copy=False)
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
            scale = _SCALE.match(cleaned)  # "5 - Major impact" is 5 on its scale
            if scale is None:
                return str(value).strip(), None
            number = float(scale.group(1))
        return (int(number) if number.is_integer() else number), str(value).strip()
    if field.type in ("text", "ref"):
        return _text(value), None
    return value, None
