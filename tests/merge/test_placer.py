"""Where a new record goes, on generated registers: the Placer agrees with the rule read
straight off its description (last record of the section on the partner's sheet, else of
the partner's rows when together, else the end of the table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.keys import normalise_partner
from sync.kinds import get_kind
from sync.merge.placement import Placer, Spot, heading_key
from sync.model import Register

SECTIONS = ["Governance", " governance ", "Customer\u00a0Access", "Customer Access", "", " ", None]
PARTNERS = ["Chorley", "chorley ", "Burnley", "Pendle"]


@st.composite
def registers(draw: Any) -> tuple[Register, bool]:
    n = draw(st.integers(1, 14))
    several = draw(st.booleans())
    sheets = [draw(st.sampled_from(["Access", "Publicity"])) for _ in range(n)] if several else []
    rows: list[int] = []
    continuations: dict[int, list[int]] = {}
    last: dict[str, int] = {}
    for i in range(n):
        sheet = sheets[i] if sheets else "Register"
        row = last.get(sheet, 3) + draw(st.integers(1, 3))
        rows.append(row)
        more = draw(st.integers(0, 2))
        if more:
            continuations[i] = [row + k for k in range(1, more + 1)]
        last[sheet] = row + more
    sections = [draw(st.sampled_from([*SECTIONS, float("nan")])) for _ in range(n)]
    partners = [draw(st.sampled_from(PARTNERS)) for _ in range(n)]
    frame = pd.DataFrame(
        {"section": sections, "partner": partners, "ref": [str(i) for i in range(n)]}
    )
    register = Register(
        kind=get_kind("recommendations"),
        path=Path("master.xlsx"),
        sheet=sheets[0] if sheets else "Register",
        header_row=3,
        columns={"partner": 1, "ref": 2},
        headers={},
        ignored={},
        frame=frame,
        rows=rows,
        last_row=max(last.values()),
        continuations=continuations,
        record_sheets=sheets,
    )
    return register, draw(st.booleans())


def _has_section(value: Any) -> bool:
    return value is not None and value == value and bool(str(value).strip())


def _expected(register: Register, keyed: bool, section: Any, partner: str) -> Spot | None:
    """The rule as the Placer's description gives it, record by record."""
    n = len(register)
    sections = register.frame["section"].tolist()
    partners = [normalise_partner(p) if keyed else "" for p in register.frame["partner"]]

    def ends(i: int) -> int:
        return max([register.rows[i], *register.continuations.get(i, [])])

    who = normalise_partner(partner) if keyed else ""
    if _has_section(section):
        key = heading_key(section)
        mine = [
            i for i in range(n) if _has_section(sections[i]) and heading_key(sections[i]) == key
        ]
        theirs = [i for i in mine if partners[i] == who]
        if mine:
            sheet = register.sheet_of((theirs or mine)[-1] if keyed else mine[-1])
            on_sheet = [i for i in mine if register.sheet_of(i) == sheet]
            last = max(on_sheet, key=lambda i: (ends(i), i))
            return Spot(sheet, ends(last), register.rows[last], str(sections[last]))
    own = [i for i in range(n) if partners[i] == who]
    if not keyed or not who or not own:
        return None
    if own != list(range(own[0], own[-1] + 1)) or len({register.sheet_of(i) for i in own}) > 1:
        return None
    return Spot(register.sheet_of(own[-1]), ends(own[-1]), register.rows[own[-1]], None)


@settings(max_examples=200, deadline=None)
@given(registers())
def test_a_new_record_goes_where_the_rule_says(generated: tuple[Register, bool]) -> None:
    register, keyed = generated
    placer = Placer(register, keyed)
    for section in [*SECTIONS, "Partnership Working", float("nan")]:
        for partner in PARTNERS:
            got = placer.spot({"section": section}, partner)
            assert got == _expected(register, keyed, section, partner), (section, partner)
