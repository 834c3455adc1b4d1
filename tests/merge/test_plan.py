"""The merge planner: three-way rule, ownership, new and missing rows, history, idempotence."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.findings import Finding
from sync.keys import key_of, normalise_ref
from sync.kinds import get_kind
from sync.merge.plan import ReturnInput, plan_merge
from sync.merge.three_way import Outcome, decide
from sync.tables import Record, Table

KIND = get_kind("recommendations")
COLUMNS = {"partner": 1, "ref": 2, "recommendation": 3, "status": 4, "progress": 5, "updated": 6}


def rec(partner: str, ref: str, row: int, **values: Any) -> Record:
    base = {
        "partner": partner,
        "ref": ref,
        "recommendation": "Do it",
        "status": "In progress",
        "progress": "7 September 2005 begun",
        "updated": date(2005, 9, 7),
    }
    base.update(values)
    return Record(record_key(partner, ref), partner, ref, base, row)


def master(*records: Record) -> Table:
    return Table(
        "master.xlsx", "Register", COLUMNS, list(records), last_row=max(r.row for r in records)
    )


def ret(
    partner: str,
    *records: Record,
    base: dict[str, dict[str, Any]] | None = None,
    findings: tuple[Finding, ...] = (),
    bad_rows: frozenset[int] = frozenset(),
) -> ReturnInput:
    table = Table(f"{partner}.xlsx", "Return", COLUMNS, list(records), 10)
    return ReturnInput(table, partner, base, findings, bad_rows)


def plan(m: Table, *returns: ReturnInput, **kw: Any):  # type: ignore[no-untyped-def]
    return plan_merge(
        KIND,
        m,
        list(returns),
        keyed_by_partner=True,
        history_field="progress",
        date_field="updated",
        **kw,
    )


def test_refs_match_whatever_their_punctuation() -> None:
    assert {normalise_ref(r) for r in ("4,a", "4.a", "4a", "4 a", "4A")} == {"4a"}
    assert normalise_ref("17.") == normalise_ref(17.0) == "17"


def test_the_rule_table() -> None:
    assert decide("a", "a", None, partner_owned=True, base_known=False) is Outcome.SAME
    assert decide("a", "b", None, partner_owned=True, base_known=False) is Outcome.TAKE
    assert decide("a", None, None, partner_owned=True, base_known=False) is Outcome.KEEP
    assert decide("a", "b", "a", partner_owned=True, base_known=True) is Outcome.TAKE
    assert decide("m", "a", "a", partner_owned=True, base_known=True) is Outcome.KEEP
    assert decide("m", "r", "a", partner_owned=True, base_known=True) is Outcome.CONFLICT
    assert decide("a", "b", None, partner_owned=False, base_known=False) is Outcome.REJECT
    assert decide("m", "a", "a", partner_owned=False, base_known=True) is Outcome.KEEP


def test_partner_change_is_applied_and_logged_with_its_source() -> None:
    m = master(rec("Chorley", "8.", 5))
    r = ret("Chorley", rec("Chorley", "8", 4, status="Complete"))
    p = plan(m, r)
    (change,) = p.changes
    assert (change.partner, change.ref, change.field, change.old, change.new) == (
        "Chorley",
        "8.",
        "status",
        "In progress",
        "Complete",
    )
    assert str(change.cell) == "Register!D5"
    assert change.source == "Chorley.xlsx!Return!D4"
    assert p.returns[0].status == "merged"


def test_coordinator_owned_edit_is_rejected_not_applied() -> None:
    m = master(rec("Burnley", "1", 5))
    p = plan(m, ret("Burnley", rec("Burnley", "1", 4, recommendation="Reworded")))
    assert p.changes == []
    (rej,) = p.rejected_edits
    assert (rej.field, rej.master, rej.theirs) == ("recommendation", "Do it", "Reworded")


def test_three_way_conflict_keeps_master_unless_told() -> None:
    m = master(rec("Chorley", "8.", 5, status="Paused"))
    base = {record_key("Chorley", "8."): {"status": "In progress"}}
    r = ret("Chorley", rec("Chorley", "8.", 4, status="Complete"), base=base)
    p = plan(m, r)
    assert p.changes == []
    (c,) = p.conflicts
    assert (c.base, c.master, c.theirs, c.kept) == ("In progress", "Paused", "Complete", "master")
    p = plan(m, r, prefer="return")
    assert [(c.field, c.new) for c in p.changes] == [("status", "Complete")]


def test_master_only_change_is_kept() -> None:
    m = master(rec("Chorley", "8.", 5, status="Paused"))
    base = {record_key("Chorley", "8."): {"status": "In progress"}}
    p = plan(m, ret("Chorley", rec("Chorley", "8.", 4, status="In progress"), base=base))
    assert p.changes == [] and p.conflicts == []


def test_new_rows_are_added_and_missing_rows_only_reported() -> None:
    m = master(rec("Chorley", "8.", 5), rec("Chorley", "9.", 6), rec("Burnley", "1", 7))
    p = plan(
        m, ret("Chorley", rec("Chorley", "8.", 4), rec("Chorley", "30.", 5, recommendation="New"))
    )
    assert [(a.partner, a.ref) for a in p.added] == [("Chorley", "30.")]
    assert [(x.partner, x.ref) for x in p.missing] == [("Chorley", "9.")]
    assert p.added[0].values["recommendation"] == "New"


def test_a_new_note_joins_the_history_with_its_date() -> None:
    m = master(rec("Chorley", "8.", 5))
    note = "7 September 2005 begun\n6 March 2007 done"
    p = plan(m, ret("Chorley", rec("Chorley", "8.", 4, progress=note, updated=date(2007, 3, 6))))
    old, new = p.history
    assert (old.when, old.ref, old.text, old.source) == (
        date(2005, 9, 7),
        "8.",
        "7 September 2005 begun",
        "master.xlsx!Register!E5",
    )
    assert (new.when, new.partner, new.ref, new.text) == (date(2007, 3, 6), "Chorley", "8.", note)


def test_a_return_with_errors_is_rejected_unless_valid_rows_are_accepted() -> None:
    bad = Finding("not-allowed", "error", "Status 'Maybe' ...", row=5)
    m = master(rec("Chorley", "8.", 5), rec("Chorley", "9.", 6))
    r = ret(
        "Chorley",
        rec("Chorley", "8.", 4, status="Complete"),
        rec("Chorley", "9.", 5, status="Maybe"),
        findings=(bad,),
        bad_rows=frozenset({5}),
    )
    p = plan(m, r)
    assert p.returns[0].status == "rejected" and p.changes == []
    p = plan(m, r, accept_valid_rows=True)
    assert p.returns[0].status == "partial"
    assert [(c.ref, c.new) for c in p.changes] == [("8.", "Complete")]


def _apply(m: Table, p: Any) -> Table:
    """The master as it would be after the plan, for checking the laws."""
    by_cell = {(c.cell.row, c.field): c.new for c in p.changes}
    records = [
        Record(
            r.key,
            r.partner,
            r.label,
            {k: by_cell.get((r.row, k), v) for k, v in r.values.items()},
            r.row,
        )
        for r in m.records
    ]
    row = m.last_row
    for a in p.added:
        row += 1
        records.append(Record(record_key(a.partner, a.ref), a.partner, a.ref, dict(a.values), row))
    return Table(m.path, m.sheet, m.columns, records, row)


STATUS = st.sampled_from(["Not started", "In progress", "Complete", "Closed", "Paused"])
TEXT = st.sampled_from(["Do it", "Do it now", "Reworded", None])


@settings(max_examples=60, deadline=None)
@given(
    master_status=st.lists(STATUS, min_size=1, max_size=5),
    return_status=st.lists(st.one_of(STATUS, st.none()), min_size=1, max_size=7),
    wording=st.lists(TEXT, min_size=7, max_size=7),
    with_base=st.booleans(),
)
def test_laws_idempotent_nothing_deleted_ownership_holds(
    master_status: list[str],
    return_status: list[str | None],
    wording: list[str | None],
    with_base: bool,
) -> None:
    m = master(*[rec("Chorley", str(i + 1), 5 + i, status=s) for i, s in enumerate(master_status)])
    r_records = [
        rec("Chorley", str(i + 1), 4 + i, status=s, recommendation=wording[i])
        for i, s in enumerate(return_status)
    ]
    base = (
        {r.key: {"status": "In progress", "recommendation": "Do it"} for r in m.records}
        if with_base
        else None
    )
    r = ret("Chorley", *r_records, base=base)
    first = plan(m, r)
    # ownership: no planned change touches a coordinator-owned field
    assert all(KIND.field(c.field).partner_edits for c in first.changes)
    after = _apply(m, first)
    # nothing deleted: every master record is still there with its key
    assert [x.key for x in m.records] == [x.key for x in after.records[: len(m.records)]]
    # idempotent: the same return again changes nothing and adds nothing
    again = plan(after, r, state=first.agreed)
    assert again.changes == [] and again.added == []


def record_key(partner: str, ref: str) -> str:
    """The key the reader gives a recommendation of `partner` in a master."""
    return key_of(get_kind("recommendations"), {"ref": ref}, partner)
