"""A coordinator's edit made after issuing survives a partner's plain copy merged later, and a
return may only change its own partner's records."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from clirun import WORKBOOKS, run
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sync import read_register
from sync.state import BASE_SHEET
from sync.write.patch import patch

COORDINATOR_NOTE = "2 March 2007\nThe coordinator met the project board: phase two agreed."
PARTNER_NOTE = "9 March 2007\nThe introductory meeting has taken place; minutes circulated."


def cells(path: Path) -> dict[str, Any]:
    """Every filled cell of the master's Register sheet, by address."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return {
        c.coordinate: c.value
        for row in wb["Register"].iter_rows()
        for c in row
        if c.value is not None
    }


def index_of(path: Path, partner: str, ref: str) -> int:
    register = read_register(path)
    return next(
        i
        for i in range(len(register.rows))
        if register.value(i, "partner") == partner and str(register.value(i, "ref")) == ref
    )


def address(path: Path, partner: str, ref: str, name: str) -> str:
    """The cell ("I10") of one field of one record of a workbook's register."""
    cell = read_register(path).cell(index_of(path, partner, ref), name)
    return str(cell).split("!")[-1]


def plain_copy(issued: Path, to: Path, changes: dict[tuple[str, str], Any]) -> Path:
    """The partner's own copy of their return: saved through another tool, so without the
    hidden copy of what was sent, and with their `changes` ((ref, field) -> value)."""
    at = {key: address(issued, "Chorley", *key) for key in changes}
    sheet = read_register(issued).sheet
    wb = load_workbook(issued)
    for key, value in changes.items():
        wb[sheet][at[key]] = value
    del wb[BASE_SHEET]
    wb.save(to)
    return to


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Path, Path]:
    """The county master, issued, then edited by the coordinator: a new progress note on
    Chorley's 27. The untouched Chorley return is then merged on its own."""
    master = tmp_path / "county.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    assert run("issue", master, "--out", tmp_path / "issued").exit_code == 0
    patch(
        master,
        master,
        {f"Register!{address(master, 'Chorley', '27.', 'progress')}": COORDINATOR_NOTE},
    )
    chorley = tmp_path / "issued" / "Chorley.xlsx"
    before = master.read_bytes()
    result = run("merge", master, chorley)
    assert result.exit_code == 0, result.stderr
    assert master.read_bytes() == before  # an untouched return changes nothing: nothing written
    return master, chorley


def test_a_plain_copy_merged_later_keeps_the_coordinators_note(
    issued: tuple[Path, Path], tmp_path: Path
) -> None:
    master, chorley = issued
    before = cells(master)
    note_at = address(master, "Chorley", "27.", "progress")
    assert before[note_at] == COORDINATOR_NOTE
    copy = plain_copy(
        chorley,
        tmp_path / "Chorley.xlsx",
        {("17.", "status"): "Complete", ("17.", "progress"): PARTNER_NOTE},
    )
    result = run("merge", master, copy)
    assert result.exit_code == 0, result.stdout + result.stderr
    after = cells(master)
    status_at = address(master, "Chorley", "17.", "status")
    progress_at = address(master, "Chorley", "17.", "progress")
    assert after[note_at] == COORDINATOR_NOTE  # the coordinator's note, not the one issued
    assert after[status_at] == "Complete"  # the partner's own edits landed
    assert after[progress_at] == PARTNER_NOTE
    changed = {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}
    assert changed == {status_at, progress_at}  # and nothing else of the register moved


def test_a_plain_copy_that_changed_the_same_note_is_a_conflict(
    issued: tuple[Path, Path], tmp_path: Path
) -> None:
    master, chorley = issued
    before = cells(master)
    copy = plain_copy(chorley, tmp_path / "Chorley.xlsx", {("27.", "progress"): PARTNER_NOTE})
    result = run("merge", master, copy, "--format", "json")
    assert result.exit_code == 1  # a conflict left for the officer
    assert cells(master) == before  # the master's note kept, the partner's in the history
    assert '"conflicts": [' in result.stdout and PARTNER_NOTE.split("\n")[1] in result.stdout


def test_a_row_naming_another_partners_record_is_refused(
    issued: tuple[Path, Path], tmp_path: Path
) -> None:
    """Chorley's return, with a row copied in under it for Burnley's R2, marked complete:
    a return only changes its own partner's records."""
    master, chorley = issued
    before = cells(master)
    register = read_register(chorley)
    row = register.last_row + 1  # the first of the spare rows under the table
    letters = {n: get_column_letter(c) for n, c in register.columns.items()}
    wb = load_workbook(chorley)
    ws = wb[register.sheet]
    burnley = read_register(master)
    r2 = index_of(master, "Burnley", "R2")
    for name, letter in letters.items():
        ws[f"{letter}{row}"] = burnley.value(r2, name)
    ws[f"{letters['status']}{row}"] = "Complete"
    ws[f"{letters['rag']}{row}"] = "Green"
    ws[f"{letters['progress']}{row}"] = PARTNER_NOTE
    ws[f"{letters['status']}{register.rows[0]}"] = "Complete"  # and one edit of its own
    wb.save(chorley)
    result = run("merge", master, chorley, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rejected_edits"] == [
        {
            "partner": "Chorley",
            "ref": "R2",
            "field": "partner",
            "master": "Chorley",
            "return": "Burnley",
            "source": f"Chorley.xlsx!Return!{letters['partner']}{row}",
        }
    ]
    assert report["added"] == []
    after = cells(master)
    own = address(master, "Chorley", str(register.value(0, "ref")), "status")
    changed = {a for a in before.keys() | after.keys() if before.get(a) != after.get(a)}
    assert changed == {own}  # Burnley's R2 as it was, no row added; Chorley's edit taken
    assert after[own] == "Complete"
