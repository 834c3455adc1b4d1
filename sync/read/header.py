"""Find a table's header, every tier of it, under any title rows, matching the kind's aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sync.cells import column_letter
from sync.kinds import Kind
from sync.read.open import SheetGrid

HEADER_SCAN_ROWS = 40  # title blocks above a council table are rarely more than a dozen rows
MAX_TIERS = 4  # a year over a quarter over Target / Actual, with a guidance row under them
MIN_FIELDS = 2  # one header cell ("Service?") is a coincidence, not a table of a kind

# Words and the signs that tell two headers apart ("<15" and "15+", "%", "#"); other
# punctuation, case and spacing are how officers happen to type it.
_WORDS = re.compile(r"[a-z0-9]+|[<>+%#£$€]")
_GUIDANCE = re.compile(r"\(.*?\)|\[.*?\]|\s[:\-–]\s.*$|:\s.*$")
_NUMBERING = re.compile(r"^\(?([ivxlc]+|\d{1,2}|[a-z])[).]?$")
_MACHINE = re.compile(r"^[a-z][a-z0-9]*([_.][a-z0-9]+)+$|^[a-z]+[0-9]*$")
_GUIDANCE_CHARS = 40  # a cell this long under a header explains it rather than names it


@lru_cache(maxsize=8192)
def header_words(text: str) -> str:
    """Header text reduced to its words: "Risk Owner / Role" == "risk owner role"."""
    return " ".join(_WORDS.findall(text.lower().replace("&", " and ")))


@lru_cache(maxsize=8192)
def _forms(text: str) -> tuple[str, ...]:
    """The ways a header cell may name a field: as written, then without the guidance
    officers add ("Progress (please date)", "Start Date - mmm/yy")."""
    full = header_words(text)
    first = text.strip().splitlines()[0] if text.strip() else ""
    plain = header_words(_GUIDANCE.sub(" ", first))
    return (full, plain) if plain and plain != full else (full,)


class Aliases(dict[str, tuple[str, ...]]):
    """Header words -> the fields they may name, in the kind's order: officers' drafted kinds
    can give two columns one heading ("TOTAL" under each year). `longest` is the number of
    words in its longest entry: no longer beginning of a cell's text can match."""

    longest: int = 0

    @classmethod
    def of(cls, table: dict[str, list[str]]) -> Aliases:
        aliases = cls({words: tuple(names) for words, names in table.items()})
        aliases.longest = max((len(words.split()) for words in aliases), default=0)
        return aliases


@lru_cache(maxsize=256)
def _alias_index(signature: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Aliases:
    table: dict[str, list[str]] = {}
    for name, title, aliases in signature:
        for alias in (title, name.replace("_", " "), *aliases):
            names = table.setdefault(header_words(alias), [])
            if name not in names:
                names.append(name)
    return Aliases.of(table)


def alias_index(kind: Kind) -> Aliases:
    """Header words -> field names; a field's own name and title count too."""
    return _alias_index(tuple((f.name, f.title, f.aliases) for f in kind.fields))


@lru_cache(maxsize=256)
def _tier_index(signature: tuple[tuple[str, str, tuple[str, ...]], ...]) -> Aliases:
    table: dict[str, list[str]] = {}
    for name, title, aliases in signature:
        for alias in (title, *aliases):
            names = table.setdefault(header_words(alias.split(" / ")[0]), [])
            if name not in names:
                names.append(name)
    return Aliases.of(table)


def tier_index(kind: Kind) -> Aliases:
    """The top tier of each tiered alias ("2023/24" of "2023/24 / Q1 / Actual") -> field:
    a row holding one may be the top of a header named over several rows."""
    return _tier_index(tuple((f.name, f.title, f.aliases) for f in kind.fields))


def match_words(table: Aliases, text: str, taken: Iterable[str] = ()) -> str | None:
    """The field a header cell names, or None: its words as a whole, else an alias of two
    words or more that begins it ("Risk Owner / Role" for "Risk Owner")."""
    forms = _forms(text)
    for form in forms:
        name = _free(table.get(form), taken)
        if name is not None:
            return name
    for form in forms:
        words = form.split()
        for n in range(min(len(words) - 1, table.longest), 1, -1):
            name = _free(table.get(" ".join(words[:n])), taken)
            if name is not None:
                return name
    return None


def _free(names: tuple[str, ...] | None, taken: Iterable[str]) -> str | None:
    if not names:
        return None
    return next((n for n in names if n not in taken), None)


def match_header_cell(table: Aliases, text: object) -> str | None:
    """The field a header cell names (by `alias_index`), ignoring the guidance officers add."""
    return match_words(table, str(text or ""))


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Where a kind's header sits in a sheet and which column holds each field."""

    kind: Kind
    sheet: str
    row: int  # the header row the fields were matched on
    columns: dict[str, int]  # field -> 1-based column
    headers: dict[str, str]  # field -> header as written (tiers joined by " / ")
    ignored: dict[int, str]  # column -> header of the partner's own columns
    tiers: tuple[int, ...] = ()  # every header row, top first; () means just `row`
    labels: dict[int, str] = field(default_factory=dict)  # column -> every tier's text
    # a wide return: period heading -> field -> column, one group of columns per period
    periods: dict[str, dict[str, int]] = field(default_factory=dict)
    period_row: int = 0  # the header row holding the period headings

    @property
    def score(self) -> tuple[int, float, int]:
        """More fields matched wins; then the larger share of the kind; then the earlier row."""
        return (len(self.columns), len(self.columns) / len(self.kind.fields), -self.row)

    @property
    def last_row(self) -> int:
        """The last header row: records start below it."""
        return max(self.tiers) if self.tiers else self.row


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The closest a sheet came to holding a kind's header: for the one-line refusal."""

    kind: Kind
    sheet: str
    row: int
    found: tuple[str, ...]
    lacking: tuple[str, ...]

    @property
    def score(self) -> tuple[int, int]:
        return (len(self.found), -len(self.lacking))

    def sentence(self) -> str:
        titles = ", ".join(self.kind.field(n).title for n in self.lacking)
        if not self.found:
            return f"sheet {self.sheet!r} lacks every header of {self.kind.name}"
        has = ", ".join(self.kind.field(n).title for n in self.found)
        return f"sheet {self.sheet!r} row {self.row} has {has} of {self.kind.name} but lacks " + (
            titles or f"a second field (at least {MIN_FIELDS} are needed)"
        )


def _filled(values: Sequence[Any], first_col: int) -> dict[int, Any]:
    return {
        first_col + i: v
        for i, v in enumerate(values)
        if v is not None and not (isinstance(v, str) and not v.strip())
    }


def _match_row(table: Aliases, cells: dict[int, Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for col, value in cells.items():
        if isinstance(value, str) or _is_text_or_year(value):
            name = match_words(table, cell_text(value), columns)
            if name is not None:
                columns[name] = col
    return columns


def find_header(
    grid: SheetGrid, kind: Kind, scan_rows: int = HEADER_SCAN_ROWS
) -> HeaderMatch | None:
    """The best header for `kind` in the first rows of `grid`, or None if none has its
    required fields (and at least two fields: one matching cell is a coincidence)."""
    match, _miss = scan_header(grid, kind, scan_rows)
    return match


def scan_header(
    grid: SheetGrid, kind: Kind, scan_rows: int = HEADER_SCAN_ROWS
) -> tuple[HeaderMatch | None, NearMiss]:
    """The best header for `kind` in `grid`, and the nearest miss (for the refusal)."""
    table = alias_index(kind)
    tops = tier_index(kind)
    needed = min(MIN_FIELDS, len(kind.fields))
    best: HeaderMatch | None = None
    miss = NearMiss(kind, grid.name, grid.first_row, (), kind.required)
    last = min(grid.last_row, grid.first_row + scan_rows - 1)
    for row in range(grid.first_row, last + 1):
        cells = _filled(grid.rows[row - grid.first_row], grid.first_col)
        columns = _match_row(table, cells) or _match_row(tops, cells)
        if not columns:
            continue
        # the other tiers may name the rest ("2023/24 / Q1 / Actual", "column B")
        match = _complete(grid, kind, table, row, cells, set(columns.values()))
        lacking = tuple(r for r in kind.required if r not in match.columns)
        if lacking or len(match.columns) < needed:
            near = NearMiss(kind, grid.name, row, tuple(match.columns), lacking)
            if near.score > miss.score:
                miss = near
            continue
        if best is None or match.score > best.score:
            best = match
    return best, miss


def _complete(
    grid: SheetGrid,
    kind: Kind,
    table: Aliases,
    row: int,
    cells: dict[int, Any],
    seeds: set[int],
) -> HeaderMatch:
    """The header at `row` with its other tiers, each column named from every tier."""
    tiers = header_tiers(grid, row)
    labels = _table_labels(grid, table, tiers, row, cells, seeds)
    periods = _period_groups(kind, table, labels)
    spread = {c for group in periods.values() for c in group.values()}
    columns, headers = _headed_fields(kind, table, labels, cells, spread)
    unheaded = unheaded_columns(grid, max(tiers), labels)
    for name, col in _unheaded_fields(kind, table, unheaded, columns).items():
        columns[name] = col
        headers[name] = unheaded.pop(col)
    labels = {**labels, **unheaded}
    period_field = _spread_period_field(kind, periods, columns)
    if period_field is not None:
        for name, (col, header) in _period_fields(period_field, periods, labels).items():
            columns.setdefault(name, col)
            headers.setdefault(name, header)
    else:
        periods = {}
    taken = set(columns.values()) | (spread if periods else set())
    ignored = {c: label for c, label in labels.items() if c not in taken}
    return HeaderMatch(
        kind,
        grid.name,
        row,
        columns,
        headers,
        ignored,
        tuple(tiers) if len(tiers) > 1 else (),
        periods=periods,
        period_row=tiers[-2] if len(tiers) > 1 else row,
    )


def _table_labels(
    grid: SheetGrid,
    table: Aliases,
    tiers: list[int],
    row: int,
    cells: dict[int, Any],
    seeds: set[int],
) -> dict[int, str]:
    """Column -> label (every tier's text) of this table's columns: the runs of adjacent
    headed columns holding a field the row matched (`seeds`) or the tiers together name."""
    labels = tier_labels(grid, tiers, min(cells), max(cells), row)
    seeds = seeds | {c for c, label in labels.items() if match_words(table, label) is not None}
    return _own_runs(labels, seeds)


def _headed_fields(
    kind: Kind, table: Aliases, labels: dict[int, str], cells: dict[int, Any], spread: set[int]
) -> tuple[dict[str, int], dict[str, str]]:
    """The fields the headed columns name, left to right: field -> column, and field -> its
    header as written. Columns spread over periods wait for `_period_fields`, unless a column
    of the period's own was already found."""
    period_field = kind.role("period")
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for col in sorted(labels):
        if col in spread and period_field not in columns:
            continue
        name = _field_of_column(table, labels[col], cells.get(col), columns)
        if name is not None:
            columns[name] = col
            headers[name] = labels[col]
    return columns, headers


def _field_of_column(table: Aliases, label: str, own: Any, taken: dict[str, int]) -> str | None:
    """The field a headed column names, not yet `taken`: the cell on the matched row names it
    first; then the tiers together ("Before mitigation / Likelihood"), then each tier bottom
    up."""
    texts = [label, cell_text(own)] if own is not None else [label]
    texts += reversed(label.split(" / "))
    return next((n for t in texts if (n := match_words(table, t, taken)) is not None), None)


def _unheaded_fields(
    kind: Kind, table: Aliases, unheaded: dict[int, str], named: dict[str, int]
) -> dict[str, int]:
    """The fields columns with no heading hold (field -> column), beyond those `named`: one
    named by position ("column B") as a kind drafted from this layout names it; failing that,
    a column of refs is the key a header already shows to be of this kind."""
    found: dict[str, int] = {}
    for col, label in unheaded.items():
        name = match_words(table, label, [*named, *found])
        if name is not None:
            found[name] = col
    rest = [col for col in unheaded if col not in found.values()]
    key = kind.record_field
    if (
        key not in named
        and key not in found
        and rest
        and len(named) + len(found) >= MIN_FIELDS
        and kind.field(key).type == "ref"
    ):
        found[key] = min(rest)
    return found


def _spread_period_field(
    kind: Kind, periods: dict[str, dict[str, int]], columns: dict[str, int]
) -> str | None:
    """The period field when column groups headed by a period are read as periods (no column
    of its own names it), else None."""
    period_field = kind.role("period")
    if periods and period_field is not None and period_field not in columns:
        return period_field
    return None


def _period_fields(
    period_field: str, periods: dict[str, dict[str, int]], labels: dict[int, str]
) -> dict[str, tuple[int, str]]:
    """field -> (column, header) of a table spread over periods: the period is named by each
    group's heading and stands on the first group's first column; each spread field is found
    in the first group holding it, under its own heading."""
    found = {
        period_field: (min(min(g.values()) for g in periods.values()), " / ".join(periods)),
    }
    for group in periods.values():
        for name, col in group.items():
            found.setdefault(name, (col, labels[col].split(" / ")[-1]))
    return found


def _period_groups(kind: Kind, table: Aliases, labels: dict[int, str]) -> dict[str, dict[str, int]]:
    """Column groups headed by a period ("2023/24 / Q1" over Target and Actual) holding
    fields the kind lets spread over periods: period -> field -> column."""
    spreadable = {f.name for f in kind.fields if f.periods}
    if not spreadable or kind.role("period") is None:
        return {}
    groups: dict[str, dict[str, int]] = {}
    for col in sorted(labels):
        parts = labels[col].split(" / ")
        if len(parts) < 2:
            continue
        name = match_words(table, parts[-1])
        heading = " ".join(parts[:-1])
        if name in spreadable and match_words(table, heading) is None:
            group = groups.setdefault(heading, {})
            group.setdefault(name, col)
    return groups


def _own_runs(labels: dict[int, str], matched: set[int]) -> dict[int, str]:
    """The labels of the runs of adjacent headed columns that hold a matched field: a side
    table beyond an empty column (a RAG key, a lookup list) is not part of this one."""
    runs: list[list[int]] = []
    for col in sorted(labels):
        if runs and col == runs[-1][-1] + 1:
            runs[-1].append(col)
        else:
            runs.append([col])
    keep = [c for run in runs if matched.intersection(run) for c in run]
    return {c: labels[c] for c in keep}


def header_tiers(grid: SheetGrid, row: int) -> list[int]:
    """Every row of the header whose main row is `row`: group rows above it (a heading over
    several columns), and sub-heading, machine-name and guidance rows below it."""
    merged = _merged_spans(grid)
    tiers = [row]
    head = _filled(_row(grid, row), grid.first_col)
    if not head:
        return tiers
    first, last = min(head), max(head)
    above = row - 1
    while above >= grid.first_row and len(tiers) < MAX_TIERS:
        cells = _within(_filled(_row(grid, above), grid.first_col), first, last)
        if not _is_group_row(cells, first, above, merged):
            break
        tiers.insert(0, above)
        above -= 1
    under = _covered_columns(head, row, merged)
    # header cells merged down over several rows say how deep the header is
    deep = max((r1 for r0, c0, r1, _c1 in grid.merged if r0 == row and c0 in head), default=row)
    below = row + 1
    while below <= grid.last_row and len(tiers) < MAX_TIERS:
        cells = _within(_filled(_row(grid, below), grid.first_col), first, last + 8)
        if not cells and below + 1 <= grid.last_row:
            # one blank row between a heading and its sub-headings ("H1 (Apr-Sep)")
            after = _within(_filled(_row(grid, below + 1), grid.first_col), first, last + 8)
            if after and below + 1 > deep and _is_sub_row(after, head, under, first):
                below += 1
                cells = after
        if not cells:
            break
        if below > deep and not _is_sub_row(cells, head, under, first):
            break
        tiers.append(below)
        under |= _covered_columns(cells, below, merged) | set(cells)
        below += 1
    return tiers


def cell_text(value: Any) -> str:
    """A header cell as text: a year typed as a number is "2010", not "2010.0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _explains(value: Any) -> bool:
    text = str(value).strip()
    return bool(_NUMBERING.match(text.lower())) or len(text) > _GUIDANCE_CHARS


def tier_labels(
    grid: SheetGrid, tiers: Iterable[int], first: int, last: int, main: int = 0
) -> dict[int, str]:
    """Column -> the texts of every tier over it, joined by " / ", top first; a group heading
    carries over the columns it is merged across (or, unmerged, up to the next heading)."""
    merged = _merged_spans(grid)
    parts: dict[int, list[str]] = {}
    tiers = list(tiers)
    reach = last
    for r in tiers:
        cells = _filled(_row(grid, r), grid.first_col)
        if cells:
            reach = max(reach, max(c for c in cells if c <= last + 8))
    for i, r in enumerate(tiers):
        cells = _filled(_row(grid, r), grid.first_col)
        group = i < len(tiers) - 1
        lower = _lower_cells(grid, tiers, i) if group else set()
        carried: str | None = None
        carry_to = 0
        for col in range(first, reach + 1):
            value = cells.get(col)
            if value is not None and r != main and _explains(value):
                continue  # a numbering or guidance row is part of the header, not a name
            if value is not None:
                carried = cell_text(value)
                parts.setdefault(col, []).append(carried)
                carry_to = merged.get((r, col), reach if group else col)
            elif carried is not None and col <= carry_to and col in lower:
                parts.setdefault(col, []).append(carried)
    return {c: " / ".join(p) for c, p in sorted(parts.items())}


def _lower_cells(grid: SheetGrid, tiers: list[int], i: int) -> set[int]:
    cols: set[int] = set()
    for r in tiers[i + 1 :]:
        cols |= set(_filled(_row(grid, r), grid.first_col))
    return cols


def _row(grid: SheetGrid, row: int) -> list[Any]:
    i = row - grid.first_row
    return grid.rows[i] if 0 <= i < len(grid.rows) else []


def _within(cells: dict[int, Any], first: int, last: int) -> dict[int, Any]:
    return {c: v for c, v in cells.items() if first <= c <= last}


def _merged_spans(grid: SheetGrid) -> dict[tuple[int, int], int]:
    """(row, col) of a merged range's top-left cell -> its last column, for ranges over
    more than one column."""
    return {(r0, c0): c1 for r0, c0, _r1, c1 in grid.merged if c1 > c0}


def _covered_columns(
    cells: dict[int, Any], row: int, merged: dict[tuple[int, int], int]
) -> set[int]:
    """Columns a row's merged cells reach beyond their own."""
    cols: set[int] = set()
    for col in cells:
        cols |= set(range(col + 1, merged.get((row, col), col) + 1))
    return cols


def _is_text_or_year(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, int | float) and float(value).is_integer() and 1900 <= value <= 2100


def _is_group_row(
    cells: dict[int, Any], first: int, row: int, merged: dict[tuple[int, int], int]
) -> bool:
    """A row of headings over groups of the header's columns ("Before mitigation", "2023/24"):
    not in the table's first column (that is where titles sit), each over several columns."""
    if not cells or first in cells or not all(_is_text_or_year(v) for v in cells.values()):
        return False
    if any(isinstance(v, str) and len(v) > _GUIDANCE_CHARS for v in cells.values()):
        return False
    return any((row, c) in merged for c in cells) or len(cells) >= 2


def _is_sub_row(cells: dict[int, Any], head: dict[int, Any], under: set[int], first: int) -> bool:
    """A row under the header that belongs to it: sub-headings under a group heading (or
    under columns the header row leaves empty), a machine-name row, a guidance or numbering
    row. A row with any number, or a value in the table's first column, is a record."""
    values = list(cells.values())
    if not all(isinstance(v, str) for v in values):
        return False
    texts = [v.strip() for v in values]
    return (
        _is_numbering_row(texts)
        or _is_machine_name_row(texts, head)
        or _is_guidance_row(cells, texts, first)
        or _is_sub_heading_row(cells, texts, head, under, first)
    )


def _is_numbering_row(texts: list[str]) -> bool:
    """A numbering row: "(i) ... (vi)" under the headings."""
    return all(_NUMBERING.match(t.lower()) for t in texts)


def _is_machine_name_row(texts: list[str], head: dict[int, Any]) -> bool:
    """The names a system reads ("risk_id", "owner") under a display header, in at least half
    its columns."""
    if not all(_MACHINE.match(t) for t in texts) or len(texts) < max(2, len(head) // 2):
        return False
    return any(isinstance(h, str) and not _MACHINE.match(h.strip()) for h in head.values())


def _is_guidance_row(cells: dict[int, Any], texts: list[str], first: int) -> bool:
    """A sentence under each heading saying what to write."""
    return len(cells) >= 2 and all(len(t) > _GUIDANCE_CHARS for t in texts) and first not in cells


def _is_sub_heading_row(
    cells: dict[int, Any], texts: list[str], head: dict[int, Any], under: set[int], first: int
) -> bool:
    """Sub-headings, most of them under a heading merged over them or under a column the
    header row leaves empty; a "(...)" note counts, and a "Total" may sit under a heading of
    its own."""
    if first in cells or not any(c in under or c not in head for c in cells):
        return False
    fitting = sum(
        c in under or c not in head or t.startswith("(") for c, t in zip(cells, texts, strict=True)
    )
    return bool(fitting * 3 >= len(cells) * 2)


UNHEADED_SAMPLE = 30  # rows under the header looked at for a column with no heading


def unheaded_columns(grid: SheetGrid, last_tier: int, labels: dict[int, str]) -> dict[int, str]:
    """Columns with no heading that hold a ref or ID in most rows ("B1", "output 1",
    "activity 1.1"): the one just left of the headings and any gap between them, named by
    position ("column B")."""
    if not labels:
        return {}
    first, last = min(labels), max(labels)
    found: dict[int, str] = {}
    for col in [first - 1, *range(first + 1, last)]:
        if col < grid.first_col or col in labels:
            continue
        values: list[Any] = []
        rows_with_data = 0
        for row in range(last_tier + 1, min(grid.last_row, last_tier + UNHEADED_SAMPLE) + 1):
            cells = _filled(_row(grid, row), grid.first_col)
            if sum(1 for c in cells if c in labels) >= 1:
                rows_with_data += 1
                if col in cells:
                    values.append(cells[col])
        if len(values) >= 2 and len(values) * 2 >= rows_with_data and all(map(_is_id, values)):
            found[col] = f"column {column_letter(col)}"
    return found


def _is_id(value: Any) -> bool:
    """Short and numbered: "B1", "4,a", "activity 1.1", 17."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return float(value).is_integer()
    text = str(value).strip()
    return 0 < len(text) <= 20 and any(ch.isdigit() for ch in text)
