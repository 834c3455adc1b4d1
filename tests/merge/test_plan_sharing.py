"""The planner copies a record only when it changes: later returns still see earlier changes,
every agreed view is what that return agreed, and nothing it was given is written to."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from sync.keys import key_of
from sync.kinds import get_kind
from sync.merge.plan import MergePlan, ReturnInput, plan_merge
from sync.tables import Record, Table

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
    return Record(record_key(partner, ref), partner, ref, base | values, row)


def master(*records: Record) -> Table:
    return Table("master.xlsx", "Register", COLUMNS, list(records), last_row=10)


def ret(partner: str, *records: Record) -> ReturnInput:
    return ReturnInput(Table(f"{partner}.xlsx", "Return", COLUMNS, list(records), 10), partner)


def plan(m: Table, *returns: ReturnInput) -> MergePlan:
    return plan_merge(
        get_kind("recommendations"),
        m,
        list(returns),
        keyed_by_partner=True,
        history_field="progress",
        date_field="updated",
    )


def test_two_returns_for_one_record_each_agree_their_own_view() -> None:
    m = master(rec("Chorley", "8.", 5), rec("Chorley", "9.", 6))
    first = ret("Chorley", rec("Chorley", "8.", 4, status="Complete"), rec("Chorley", "9.", 5))
    second = ret(
        "Chorley",
        rec(
            "Chorley",
            "8.",
            4,
            status="Complete",
            progress="1 March 2007 done",
            updated=date(2007, 3, 1),
        ),
    )
    given = copy.deepcopy(([r.values for r in m.records], first, second))

    p = plan(m, first, second)

    assert [(c.ref, c.field, c.old, c.new) for c in p.changes] == [
        ("8.", "status", "In progress", "Complete"),
        ("8.", "progress", "7 September 2005 begun", "1 March 2007 done"),
        ("8.", "updated", date(2005, 9, 7), date(2007, 3, 1)),
    ]
    key = record_key("Chorley", "8.")
    # the second return's view holds the first's change and its own; the untouched record's
    # view is the master's values as they were
    assert p.agreed["chorley"][key]["status"] == "Complete"
    assert p.agreed["chorley"][key]["progress"] == "1 March 2007 done"
    assert p.agreed["chorley"][record_key("Chorley", "9.")] == m.records[1].values
    assert ([r.values for r in m.records], first, second) == given


def record_key(partner: str, ref: str) -> str:
    """The key the reader gives a recommendation of `partner` in a master."""
    return key_of(get_kind("recommendations"), {"ref": ref}, partner)
