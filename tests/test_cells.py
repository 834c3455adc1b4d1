"""Cell addresses round-trip between A1 text and CellRef."""

from __future__ import annotations

import pytest

from sync.cells import CellRef, a1, column_index, column_letter, parse_a1


@pytest.mark.parametrize(("col", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (16384, "XFD")])
def test_column_letters(col: int, letters: str) -> None:
    assert column_letter(col) == letters
    assert column_index(letters) == col


def test_a1_round_trip() -> None:
    assert a1(7, 2) == "B7"
    assert parse_a1("$B$7") == (7, 2)


def test_cellref_quotes_sheet_names() -> None:
    ref = CellRef.parse("'Partner''s sheet'!E4")
    assert ref == CellRef("Partner's sheet", 4, 5)
    assert str(ref) == "'Partner''s sheet'!E4"
    assert str(CellRef("Register", 7, 2)) == "Register!B7"


@pytest.mark.parametrize("bad", ["B7", "Sheet!7B", "Sheet!XFE1", "Sheet!A0", "Sheet!A1048577"])
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        CellRef.parse(bad)
