"""Each check a field's type, limits and vocabulary bring fires on a risk register built to
break it, and names the cell with the message the officer reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build

from sync import read_register, validate_register

TODAY = date(2026, 12, 6)
HEADER = ["Risk Ref", "Risk Description", "Likelihood", "Impact", "Risk Score", "Mitigation"]
HEADER += ["Status", "Last Reviewed"]
CLEAN = ["R1", "Loss of the contact centre", 2, 3, 6, "Second site on standby", "Open"]
CLEAN += [date(2026, 11, 30)]


def findings_at(tmp_path: Path, column: str, value: object) -> list[tuple[str, str, str]]:
    """(code, cell, message) of every finding in the changed cell of the second record."""
    changed = dict(zip(HEADER, CLEAN, strict=True))
    changed.update({"Risk Ref": "R2", column: value})
    rows = [CLEAN, [changed[h] for h in HEADER]]
    path = build(tmp_path / "risks.xlsx", Sheet(name="Risks", header=HEADER, rows=rows))
    register = read_register(path, schema="risks")
    cell = f"{'ABCDEFGH'[HEADER.index(column)]}3"
    found = validate_register(register, today=TODAY)
    return [(f.code, f.cell, f.message) for f in found if f.cell == cell]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Likelihood", "High", ("not-a-number", "C3", "Likelihood 'High' is not a number")),
        ("Likelihood", 2.5, ("not-whole", "C3", "Likelihood 2.5 is not a whole number")),
        ("Impact", 7, ("out-of-range", "D3", "Impact 7 is outside the range 1 to 5")),
        (
            "Mitigation",
            "+ extra patrols at weekends",
            (
                "formula-text",
                "F3",
                "Mitigation '+ extra patrols at weekends' looks like a formula; xlsync keeps "
                "it as text",
            ),
        ),
        (
            "Status",
            "Dormant",
            ("not-allowed", "G3", "Status 'Dormant' is not one of: Open, Closed, Escalated"),
        ),
        (
            "Last Reviewed",
            "last spring",
            (
                "not-a-date",
                "H3",
                "Last Reviewed 'last spring' is not a date (use day/month/year, e.g. 06/03/2007)",
            ),
        ),
    ],
)
def test_each_field_check_names_its_cell(
    tmp_path: Path, column: str, value: object, expected: tuple[str, str, str]
) -> None:
    found = findings_at(tmp_path, column, value)
    assert found == [expected]


def test_a_clean_risk_has_no_findings(tmp_path: Path) -> None:
    assert findings_at(tmp_path, "Risk Ref", "R2") == []
