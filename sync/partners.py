"""Whose return a workbook is: partner names matched loosely against the master's."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from sync.errors import XlsyncError
from sync.keys import normalise_partner
from sync.model import Register


def partner_of(register: Register, master_partners: Sequence[str], given: str | None) -> str:
    """Whose return this is: --partner, else the return's partner column, else its file name."""
    return resolve_partner(named_partners(register), register.path, master_partners, given)


def named_partners(register: Register) -> frozenset[str] | None:
    """The names written in a return's partner column, or None when it has no such column."""
    who = register.kind.partner_field
    if who not in register.columns:
        return None
    return frozenset(
        str(v).strip() for v in register.frame[who] if v is not None and str(v).strip()
    )


def resolve_partner(
    named: frozenset[str] | None, path: Path, master_partners: Sequence[str], given: str | None
) -> str:
    if given:
        return match_partner(given, master_partners) or given
    if named is not None and len(named) == 1:
        (one,) = named
        return match_partner(one, master_partners) or one
    stem = path.stem
    found = match_partner(stem, master_partners)
    if found:
        return found
    if master_partners:
        raise XlsyncError(
            f"cannot tell which partner this return is from; name the file after the partner "
            f"({', '.join(sorted(master_partners)[:8])}) or use --partner",
            path,
        )
    return stem


def match_partner(name: str, partners: Sequence[str]) -> str | None:
    """The partner of `partners` that `name` names, exactly or as a word of it, or None."""
    norm = normalise_partner(name)
    known = _normalised(tuple(partners))  # once per merge, not once per return
    for p, n in known:
        if n == norm:
            return p
    # "Chorley return March 2007.xlsx", "Return - South Ribble.xlsx"
    hits = [p for p, n in known if n and f" {n} " in f" {norm} "]
    return max(hits, key=len) if len(hits) >= 1 else None


@functools.lru_cache(maxsize=8)
def _normalised(partners: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((p, normalise_partner(p)) for p in partners)
