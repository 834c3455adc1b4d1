"""The limits that keep a hostile file from exhausting memory or time: every reader of a zip
package or a compressed blob (read/, write/package, write/annotate, state) checks these."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from sync.errors import HostileFile

KiB = 1024
MiB = 1024 * KiB

# --- Limits. Each is far above what an honest council workbook needs and far below what
# --- hurts a desktop; the numbers behind them are in the comments.

# The corpus's largest package has 48 parts; a workbook of a few hundred sheets, each with a
# drawing, comments and relationships, has a few thousand.
MAX_ZIP_ENTRIES = 10_000
# Both zipfile and calamine parse the whole central directory first; at ~100 bytes an entry
# 8 MiB holds the limit above eight times over.
MAX_CENTRAL_DIRECTORY_BYTES = 8 * MiB
# An honest 100,000-row styled tracker carries ~90 MB of sheet XML; five times that is still
# a workbook, beyond it the file is built to exhaust memory.
MAX_PART_BYTES = 512 * MiB
MAX_PACKAGE_BYTES = 1024 * MiB
# Sheet, style and string parts deflate 5-20x (measured over the corpus and on 100,000-row
# trackers of text, styled blanks and repeated values); deflate tops out near 1,032x, which
# only filler reaches.
MAX_INFLATE_RATIO = 100
# Below this a part may compress as well as it likes: it cannot hurt.
RATIO_EXEMPT_BYTES = 1 * MiB
# Excel writes `<?xml ...?>` and the root element in the first hundred bytes; a longer prolog
# is padding meant to push a DOCTYPE past a scanner.
MAX_PROLOG_BYTES = 64 * KiB
# calamine holds a sheet as a dense grid over its used range (32-56 bytes a cell) and Python
# adds a reference a cell, so 5 million cells is ~250 MB. An honest 100,000-row tracker of
# 25 columns is 2.5 million; two far-apart cells in a 1 KB file can ask for 54 million.
MAX_SHEET_CELLS = 5_000_000
# Agile encryption stretches the password this many times in pure Python (~1 s per million);
# Excel uses 100,000, the format allows 10 million.
MAX_SPIN_COUNT = 1_000_000
# calamine reserves a slot per string the shared-string table announces before reading one;
# no honest table announces more strings than it has room for at 8 bytes each.
MIN_BYTES_PER_STRING = 8
# Sheets written without cell addresses, or with namespace prefixes, are placed cell by cell
# in Python (~2 s for 4 MB of the worst such XML); no spreadsheet program writes big ones that way.
MAX_UNUSUAL_SHEET_BYTES = 4 * MiB
# Small XML parts we parse ourselves (content types, relationships, workbook.xml, manifest).
MAX_METADATA_BYTES = 16 * MiB
# xlsync's sync state compresses 10-25 times; a blob that inflates further than
# MAX_INFLATE_RATIO was built to fill memory, but up to this much may inflate as it likes.
BLOB_RATIO_EXEMPT_BYTES = 16 * MiB
# A sheet calamine could not parse is parsed again to say what is wrong and where; that
# takes ~2 s for this much XML, beyond which the officer is told less.
MAX_DIAGNOSED_BYTES = 64 * MiB
# A CSV file is read whole into memory and sniffed; a register exported as text is a few MB.
MAX_CSV_BYTES = 256 * MiB


def human_size(n: int) -> str:
    """Bytes as an officer reads them: 1.5 GB, 512 MB, 3 KB."""
    for unit, size in (("GB", 1024**3), ("MB", MiB), ("KB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} bytes"


def check_part_size(name: str, size: int, compressed: int, path: Path) -> None:
    """Refuse a zip entry whose declared size or inflation ratio marks a zip bomb."""
    if size > MAX_PART_BYTES:
        raise HostileFile(
            f"is a zip bomb: part '{name}' would inflate to {human_size(size)} "
            f"(limit {human_size(MAX_PART_BYTES)})",
            path,
        )
    if size > RATIO_EXEMPT_BYTES and size > MAX_INFLATE_RATIO * max(compressed, 1):
        raise HostileFile(
            f"is a zip bomb: part '{name}' would inflate {size // max(compressed, 1):,}"
            f" times, to {human_size(size)} (honest workbooks inflate under "
            f"{MAX_INFLATE_RATIO} times)",
            path,
        )


def check_zip_infos(infos: Iterable[zipfile.ZipInfo], path: Path) -> None:
    """The same limits for a package opened with zipfile, checked from its directory before
    any part is inflated (zipfile itself stops a part at its declared size)."""
    infos = list(infos)
    if len(infos) > MAX_ZIP_ENTRIES:
        raise HostileFile(
            f"is a zip archive of {len(infos):,} parts; a workbook has at most {MAX_ZIP_ENTRIES:,}",
            path,
        )
    total = 0
    for info in infos:
        check_part_size(info.filename, info.file_size, info.compress_size, path)
        total += info.file_size
    if total > MAX_PACKAGE_BYTES:
        raise HostileFile(
            f"is a zip bomb: its parts inflate to over {human_size(MAX_PACKAGE_BYTES)}", path
        )
