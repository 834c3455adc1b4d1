"""Reporting periods in order: "2008/09 Q2" before "2008/09 Q10", by the numbers in them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_NUMBER = re.compile(r"\d+")


def period_key(value: Any) -> tuple[Any, ...]:
    """A sort key that compares the numbers in a period as numbers and the rest as text, so
    "2008/09 M2" sorts before "2008/09 M10" and "2008/09" (the year) before its quarters."""
    text = " ".join(str(value if value is not None else "").split()).lower()
    parts: list[Any] = []
    at = 0
    for match in _NUMBER.finditer(text):
        if match.start() > at:
            parts.append((1, text[at : match.start()]))
        parts.append((0, int(match.group())))
        at = match.end()
    if at < len(text):
        parts.append((1, text[at:]))
    return tuple(parts)


def ordered_periods(values: Iterable[Any]) -> list[str]:
    """The distinct periods among `values` (blanks left out), earliest first."""
    seen = {" ".join(str(v).split()) for v in values if v is not None and str(v).strip()}
    return sorted(seen, key=period_key)


def same_period(a: Any, b: Any) -> bool:
    return period_key(a) == period_key(b)
