"""Record keys: every field of a kind's key, each normalised for matching ("4,a" = "4.a")."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.kinds import Kind

_SEPARATORS = re.compile(r"[\s.,;:/\-_()]+")
SEP = "\x1f"  # between the parts of a key: no officer types it


def normalise_ref(ref: object) -> str:
    """A ref reduced for matching: case, spaces and punctuation ignored, "17." == "17".

    Councils write the same ref as "4,a", "4.a", "4a" or "4 a"; numbers read from Excel
    as 17.0 are "17". The ref as written is kept everywhere else.
    """
    if ref is None:
        return ""
    if isinstance(ref, float) and ref.is_integer():
        ref = int(ref)
    if isinstance(ref, datetime) and ref.time() == datetime.min.time():
        ref = ref.date()
    text = str(ref).strip().lower()
    return _SEPARATORS.sub("", text)


def normalise_partner(name: object) -> str:
    """Partner names matched loosely: "South Ribble" == "south-ribble" == "SOUTH RIBBLE BC"?

    Only case, spaces and punctuation are ignored; council suffixes are not guessed at.
    """
    if name is None:
        return ""
    return _SEPARATORS.sub(" ", str(name).strip().lower()).strip()


def map_distinct(fn: Callable[[Any], str], values: Sequence[Any]) -> list[str]:
    """`fn` of each value, worked out once per distinct text: a partner column holds a
    handful of names over thousands of rows."""
    done: dict[str, str] = {}
    out = []
    for v in values:
        if type(v) is str:
            hit = done.get(v)
            if hit is None:
                hit = done[v] = fn(v)
            out.append(hit)
        else:
            out.append(fn(v))
    return out


def record_keys(
    kind: Kind,
    columns: Mapping[str, Sequence[Any]],
    count: int,
    owners: Sequence[Any] | None,
) -> list[str]:
    """Each record's key: its partner (when `owners` is given) and every other field of the
    kind's key, normalised for matching, joined by SEP.

    `columns` holds each field's values by record (a field the table lacks counts as blank).
    The partner leads, so a key without one reads as the same key in a single council's
    tracker: "chorley<SEP>4a" and "4a".
    """
    parts = [
        map_distinct(normalise_ref, columns.get(name) or [None] * count) for name in kind.identity
    ]
    if owners is not None:
        parts.insert(0, map_distinct(normalise_partner, owners))
    # joined in one pass, rather than a call per record
    return parts[0] if len(parts) == 1 else [SEP.join(p) for p in zip(*parts, strict=True)]


def key_of(kind: Kind, values: Mapping[str, Any], owner: Any = None, keyed: bool = True) -> str:
    """The key of one record given as {field: value} (see record_keys)."""
    columns = {name: [values.get(name)] for name in kind.identity}
    return record_keys(kind, columns, 1, [owner] if keyed else None)[0]


def record_labels(kind: Kind, columns: Mapping[str, Sequence[Any]], count: int) -> list[str]:
    """Each record's name for people, its key fields as written: "LPI 12 2008/09 Q3", "4,a"."""
    parts = [[_written(v) for v in columns.get(name) or [None] * count] for name in kind.identity]
    if len(parts) == 1:
        return parts[0]
    return [" ".join(p for p in group if p) for group in zip(*parts, strict=True)]


def _written(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return str(value)
