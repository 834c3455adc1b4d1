"""Which kind a workbook is: the one whose header fits it best, or the one the user names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.errors import NoTableFound, SchemaError
from sync.kinds import Kind, builtin_kinds, get_kind, normalise_header
from sync.model import Register
from sync.read.open import Book, open_book
from sync.read.table import locate_table, read_register


def read_recognised(
    path: str | Path,
    schema: str | Path | Kind | None = None,
    sheet: str | None = None,
    password: str | None = None,
    book: Book | None = None,
) -> Register:
    """read_register, the kind recognised as every command recognises it (recognise_kind)."""
    book = book or open_book(path, password=password)
    kind = recognise_kind(book, schema, sheet)
    return read_register(path, schema=kind, sheet=sheet, password=password, book=book)


def recognise_kind(
    book: Book, schema: str | Path | Kind | None = None, sheet: str | None = None
) -> Kind:
    """The kind named by `schema` (a built-in name, a schema file, or a Kind), else the
    built-in kind whose header row fits the workbook best, as `inspect` and `validate`
    choose it. Two kinds that fit equally well are refused, naming both and --schema:
    reading the workbook as either could be wrong."""
    if isinstance(schema, Kind):
        return schema
    if schema is not None:
        return get_kind(schema)
    kinds = list(builtin_kinds().values())
    ranked: list[tuple[tuple[Any, ...], Kind]] = []
    for kind in kinds:
        try:
            match = locate_table(book, [kind], sheet)
        except NoTableFound:
            continue
        hinted = any(normalise_header(h) == normalise_header(match.sheet) for h in kind.sheet_hints)
        ranked.append(((match.sheet not in book.hidden, match.score, hinted), kind))
    if not ranked:
        return locate_table(book, kinds, sheet).kind  # raises NoTableFound, naming every kind
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    (best_rank, best), *others = ranked
    equal = [kind.name for rank, kind in others if rank == best_rank]
    if equal:
        names = " and ".join([best.name, *equal])
        raise SchemaError(
            f"fits {names} equally well; say which with --schema {best.name}", book.path
        )
    return best
