"""Record keys: refs normalised only for matching ("4,a" = "4.a" = "4a" = "4 a")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_SEPARATORS = re.compile(r"[\s.,;:/\-_()]+")


def normalise_ref(ref: object) -> str:
    """A ref reduced for matching: case, spaces and punctuation ignored, "17." == "17".

    Councils write the same ref as "4,a", "4.a", "4a" or "4 a"; numbers read from Excel
    as 17.0 are "17". The ref as written is kept everywhere else.
    """
    if ref is None:
        return ""
    if isinstance(ref, float) and ref.is_integer():
        ref = int(ref)
    text = str(ref).strip().lower()
    return _SEPARATORS.sub("", text)


def normalise_partner(name: object) -> str:
    """Partner names matched loosely: "South Ribble" == "south-ribble" == "SOUTH RIBBLE BC"?

    Only case, spaces and punctuation are ignored; council suffixes are not guessed at.
    """
    if name is None:
        return ""
    return _SEPARATORS.sub(" ", str(name).strip().lower()).strip()


def map_distinct(fn: Callable[[Any], str], values: list[Any]) -> list[str]:
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
