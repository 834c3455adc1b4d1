"""Read a CSV or tab-separated text file as one grid of strings: encoding and delimiter detected."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from sync.cells import MAX_COLS as EXCEL_MAX_COLS
from sync.cells import MAX_ROWS as EXCEL_MAX_ROWS
from sync.errors import HostileFile, UnreadableFile
from sync.limits import MAX_CSV_BYTES, MAX_SHEET_CELLS, human_size

# Excel cannot open more than this; a bigger text file is not a council return.
DELIMITERS = (",", ";", "\t")  # in order of preference when the evidence ties
# Fewer non-ASCII bytes than this are too little evidence to overrule Windows-1252.
MIN_EVIDENCE_BYTES = 16
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 50

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A CSV file's cells trimmed to their used range; rows[0][0] is (first_row, first_col)."""

    rows: list[list[str]]
    first_row: int
    first_col: int
    encoding: str
    delimiter: str


def read_csv(path: Path) -> CsvTable:
    """Decode and split `path`; raise UnreadableFile with the line at fault."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise UnreadableFile(
            f"is a {human_size(size)} text file; xlsync reads CSV files up to "
            f"{human_size(MAX_CSV_BYTES)}",
            path,
        )
    data = path.read_bytes()
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise UnreadableFile(f"is not readable text (tried {encoding})", path) from None
    text = text.removeprefix("\ufeff")
    delimiter = sniff_delimiter(text[:_SNIFF_CHARS])
    rows = _parse(text, delimiter, path)
    return _trim(rows, encoding, delimiter)


def detect_encoding(data: bytes) -> str:
    """BOM, then strict UTF-8, then charset-normalizer with a Windows-1252 preference.

    Council desktops save CSV from Excel in Windows-1252, where detectors often guess a
    cousin (cp1250 reads `£` as `Ł`): take cp1252 whenever it is among the plausible ones,
    or when there is too little non-ASCII text to say otherwise.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        start = max(exc.start - 4096, 0)
        sample = data[: 256 * 1024] + b"\n" + data[start : exc.start + 4096]
    # With only a few non-ASCII bytes (a `£`, an `é`) detectors guess wildly: cp1006, cp932.
    few = sum(1 for byte in sample if byte >= 0x80) < MIN_EVIDENCE_BYTES
    matches = charset_normalizer.from_bytes(sample)
    plausible = {match.encoding for match in matches}
    if _decodes(data, "cp1252") and (few or "cp1252" in plausible or not plausible):
        return "cp1252"
    best = matches.best()
    if best is not None and _decodes(data, best.encoding):
        return best.encoding
    return "cp1252" if _decodes(data, "cp1252") else "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first rows most consistently into more than one field."""
    if "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            counts = [len(row) for row in itertools.islice(reader, _SNIFF_ROWS) if any(row)]
        except csv.Error:
            continue
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        score = (width > 1, hits / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse(text: str, delimiter: str, path: Path) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    width = 0
    try:
        for row in reader:
            rows.append(row)
            width = max(width, len(row))
            if len(rows) > EXCEL_MAX_ROWS or width > EXCEL_MAX_COLS:
                raise UnreadableFile(
                    f"has more rows or columns than Excel allows "
                    f"({EXCEL_MAX_ROWS:,} by {EXCEL_MAX_COLS:,})",
                    path,
                )
            if len(rows) * width > MAX_SHEET_CELLS:
                raise HostileFile(
                    f"spans more than {MAX_SHEET_CELLS:,} cells, more than xlsync reads", path
                )
    except csv.Error as exc:
        raise UnreadableFile(f"line {reader.line_num} is not valid CSV ({exc})", path) from None
    return rows


def _trim(rows: list[list[str]], encoding: str, delimiter: str) -> CsvTable:
    """Keep the box around non-empty cells, padded square, as calamine does for workbooks."""
    used = [i for i, row in enumerate(rows) if any(row)]
    if not used:
        return CsvTable([], 1, 1, encoding, delimiter)
    top, bottom = used[0], used[-1]
    body = rows[top : bottom + 1]
    left = min(next(i for i, v in enumerate(row) if v) for row in body if any(row))
    right = max(max(i for i, v in enumerate(row) if v) for row in body if any(row))
    width = right - left + 1
    grid = []
    for row in body:
        cells = row[left : right + 1]
        grid.append(cells + [""] * (width - len(cells)))
    return CsvTable(grid, top + 1, left + 1, encoding, delimiter)
