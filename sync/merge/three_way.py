"""The per-field merge rule: three-way when the base is known, ownership always."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any


class Outcome(enum.Enum):
    """What happens to one field of one record."""

    SAME = "same"  # the return agrees with the master
    TAKE = "take"  # the partner changed it: apply
    KEEP = "keep"  # only the master changed it (or the return left it blank): keep
    CONFLICT = "conflict"  # both changed it differently
    REJECT = "reject"  # a partner edit to a coordinator-owned field


def comparable(value: Any) -> Any:
    """A value reduced for comparison: blanks are None, text trimmed with one kind of line
    end, whole floats as ints, midnight datetimes as dates."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").strip().split("\n"))
        return text or None
    return value


def same(a: Any, b: Any) -> bool:
    return bool(comparable(a) == comparable(b))


def decide(
    master: Any, theirs: Any, base: Any, *, partner_owned: bool, base_known: bool
) -> Outcome:
    """The rule for one field.

    - equal values: nothing to do;
    - a blank in the return never clears the master (partners leave cells they did not touch);
    - coordinator-owned: a partner's different value is rejected, unless it is just the
      value they were sent (then the master moved on and is kept);
    - partner-owned with a base: only the partner changed it -> take; only the master
      changed it -> keep; both changed it differently -> conflict;
    - partner-owned without a base: the partner's value is taken.
    """
    if same(master, theirs):
        return Outcome.SAME
    if comparable(theirs) is None:
        return Outcome.KEEP
    if not partner_owned:
        if base_known and same(theirs, base):
            return Outcome.KEEP
        return Outcome.REJECT
    if not base_known:
        return Outcome.TAKE
    if same(theirs, base):
        return Outcome.KEEP
    if same(master, base):
        return Outcome.TAKE
    return Outcome.CONFLICT
