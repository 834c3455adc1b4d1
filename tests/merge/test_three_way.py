"""The per-record rule: each field decided by the per-field rule, and deciding again takes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sync.merge.three_way import Outcome, comparable, decide, decide_record

# partner-owned (True) and coordinator-owned (False) fields; "ref" is not compared
FIELDS = {"status": True, "progress": True, "updated": True, "lead": False, "target": False}
value = st.sampled_from([None, "", " ", "Amber", "Green", "Green ", 3, 3.0, date(2007, 3, 1)])
record = st.dictionaries(st.sampled_from([*FIELDS, "ref"]), value)
prefer = st.sampled_from(["master", "return"])


@given(master=record, theirs=record, base=st.none() | record, prefer=prefer)
def test_each_field_is_decided_by_the_field_rule(
    master: dict[str, Any], theirs: dict[str, Any], base: dict[str, Any] | None, prefer: str
) -> None:
    d = decide_record(master, theirs, base, fields=FIELDS, prefer=prefer)
    sent = master if base is None else base
    for name, mine in theirs.items():
        if name not in FIELDS:
            assert name not in d.take and name not in d.agreed
            continue
        outcome = decide(
            master.get(name),
            mine,
            None if base is None else base.get(name),
            partner_owned=FIELDS[name],
            base_known=base is not None,
        )
        conflict = outcome is Outcome.CONFLICT
        assert (name in d.take) == (outcome is Outcome.TAKE or (conflict and prefer == "return"))
        assert (name in {c.field for c in d.conflicts}) == conflict
        assert (name in {c.field for c in d.rejected}) == (outcome is Outcome.REJECT)
        blanked = outcome is Outcome.KEEP and comparable(mine) is None
        cleared = blanked and comparable(sent.get(name)) is not None
        assert (name in {c.field for c in d.cleared}) == cleared
        if name in d.take:
            assert d.take[name] is mine


@given(master=record, theirs=record, base=st.none() | record, prefer=prefer)
def test_deciding_again_on_what_was_taken_and_agreed_takes_nothing(
    master: dict[str, Any], theirs: dict[str, Any], base: dict[str, Any] | None, prefer: str
) -> None:
    first = decide_record(master, theirs, base, fields=FIELDS, prefer=prefer)
    sent = master if base is None else base
    again = decide_record(
        {**master, **first.take}, theirs, {**sent, **first.agreed}, fields=FIELDS, prefer=prefer
    )
    assert again.take == {}
