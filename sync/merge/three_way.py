"""The merge rule, per field and per record: three-way when the base is known, ownership always."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
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


@dataclass(frozen=True, slots=True)
class FieldCall:
    """One field of a record where the return and the master part: the values on each side."""

    field: str
    master: Any
    theirs: Any
    base: Any


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """What one return does to one record: the values the master takes, what is reported,
    and the fields whose agreed value (the base next time) becomes the return's."""

    take: dict[str, Any]
    conflicts: tuple[FieldCall, ...] = ()
    rejected: tuple[FieldCall, ...] = ()
    cleared: tuple[FieldCall, ...] = ()
    agreed: dict[str, Any] = dataclass_field(default_factory=dict)


_ABSENT = object()


def decide_record(
    master: Mapping[str, Any],
    theirs: Mapping[str, Any],
    base: Mapping[str, Any] | None,
    *,
    fields: Mapping[str, bool],
    prefer: str = "master",
) -> RecordDecision:
    """The rule for one record: `decide` for each field of `fields` (True when partners edit
    it) the return holds, against the master's values now and the base when known.

    A conflict takes the return's value with `prefer="return"`. A blank where the partner was
    sent a value (the base, else the master's) is reported as cleared: the master keeps its
    value. The partner has agreed to each value they sent back unless it was rejected, kept
    blank, or lost a conflict: that keeps the conflict shown until it is resolved.
    """
    sent = master if base is None else base  # what the partner was sent, or last agreed to
    take: dict[str, Any] = {}
    agreed: dict[str, Any] = {}
    conflicts: list[FieldCall] = []
    rejected: list[FieldCall] = []
    cleared: list[FieldCall] = []
    for name, value in theirs.items():
        if name not in fields:
            continue
        held = master.get(name, _ABSENT)
        if type(held) is type(value) and held == value:
            # nearly every field of a big merge: the same, and agreed unless the base differs
            if sent is not master:
                was = sent.get(name, _ABSENT)
                if not (type(was) is type(value) and was == value):
                    agreed[name] = value
            continue
        if held is _ABSENT:
            held = None
        outcome = decide(
            held,
            value,
            None if base is None else base.get(name),
            partner_owned=fields[name],
            base_known=base is not None,
        )
        if outcome is Outcome.KEEP and comparable(value) is None:
            if comparable(sent.get(name)) is not None:
                cleared.append(FieldCall(name, held, value, sent.get(name)))
            continue
        if outcome is Outcome.REJECT:
            rejected.append(FieldCall(name, held, value, None if base is None else base.get(name)))
            continue
        if outcome is Outcome.CONFLICT:
            conflicts.append(FieldCall(name, held, value, None if base is None else base.get(name)))
            if prefer != "return":
                continue
        if outcome is Outcome.TAKE or outcome is Outcome.CONFLICT:
            take[name] = value
        was = sent.get(name, _ABSENT)
        if not (type(was) is type(value) and was == value):
            agreed[name] = value
    if not (take or agreed or conflicts or rejected or cleared):
        return NOTHING
    return RecordDecision(take, tuple(conflicts), tuple(rejected), tuple(cleared), agreed)


NOTHING = RecordDecision({})  # shared by every record a return leaves as it is: never changed
