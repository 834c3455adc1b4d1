"""The reader finds the table in officers' own layouts and keeps the cell of every value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build

from sync import read_register
from sync.errors import NoTableFound

TRACKER = Sheet(
    name="Tracker",
    titles=["Chorley Borough Council", "One Stop Shop Inquiry - Monitoring Report"],
    header=[
        "Rec No.",
        "Recommendation",
        "Progress / Comments (please date each entry)",
        "Status",
        "Date of Update",
        "Officer notes",
    ],
    rows=[
        "External Publicity",
        [
            "10.",
            "To promote the web site.",
            "7 September 2005\nStrap line in use.",
            "Ongoing",
            "30th October 2006",
            "ask IT",
        ],
        [None, None, "This item is now considered closed."],
        ["11.", "To publish FAQs", "Done via plasma screen.", "Closed", date(2007, 3, 6)],
        "Internal Information",
        [14, "To produce a breakdown", "Dialogues provide this.", "Done", "06/03/2007"],
        [None, "of enquiries"],
    ],
    trailing_formatted_rows=3,
)


def test_reads_an_officers_tracker_under_title_rows(tmp_path: Path) -> None:
    reg = read_register(build(tmp_path / "t.xlsx", TRACKER))
    assert (reg.sheet, reg.header_row) == ("Tracker", 4)
    assert reg.columns == {"ref": 1, "recommendation": 2, "progress": 3, "status": 4, "updated": 5}
    assert reg.headers["progress"] == "Progress / Comments (please date each entry)"
    assert reg.ignored == {6: "Officer notes"}
    records = list(reg.records())
    assert [r["ref"] for r in records] == ["10.", "11.", "14"]
    assert [r["section"] for r in records] == [
        "External Publicity",
        "External Publicity",
        "Internal Information",
    ]
    assert records[0]["progress"] == (
        "7 September 2005\nStrap line in use.\nThis item is now considered closed."
    )
    assert records[2]["recommendation"] == "To produce a breakdown\nof enquiries"
    assert reg.sections == ["External Publicity", "Internal Information"]
    assert len(reg) == 3  # the trailing formatted rows are not records


def test_text_dates_become_dates_and_keep_their_text(tmp_path: Path) -> None:
    reg = read_register(build(tmp_path / "t.xlsx", TRACKER))
    assert reg.value(0, "updated") == date(2006, 10, 30)
    assert reg.original(0, "updated") == "30th October 2006"
    assert reg.value(1, "updated") == date(2007, 3, 6)
    assert reg.value(2, "updated") == date(2007, 3, 6)  # "06/03/2007" is day first
    assert reg.original(2, "updated") == "06/03/2007"


def test_every_value_knows_its_cell(tmp_path: Path) -> None:
    reg = read_register(build(tmp_path / "t.xlsx", TRACKER))
    assert str(reg.cell(0, "status")) == "Tracker!D6"
    assert str(reg.cell(1, "ref")) == "Tracker!A8"
    assert str(reg.cell(2, "updated")) == "Tracker!E10"
    assert reg.continuations == {0: [7], 2: [11]}
    assert reg.last_row == 11


def test_columns_in_any_order_with_other_wording_on_a_later_sheet(tmp_path: Path) -> None:
    cover = Sheet(name="Cover", titles=["Return from South Ribble", "Please complete by 9 March"])
    table = Sheet(
        name="Our return",
        header=["Current Position", "Date Updated", "Reference", "Officer notes", "Recommendation"],
        rows=[
            ["Work under way.", date(2007, 3, 2), "2.1", "mine", "Joint training"],
            ["Not begun.", None, "R3", None, "Shared website"],
        ],
        start_col=2,
    )
    reg = read_register(build(tmp_path / "sr.xlsx", cover, table))
    assert reg.sheet == "Our return"
    assert reg.columns == {"progress": 2, "updated": 3, "ref": 4, "recommendation": 6}
    assert reg.value(1, "ref") == "R3"
    assert str(reg.cell(1, "progress")) == "'Our return'!B3"


def test_a_hidden_first_sheet_is_passed_over(tmp_path: Path) -> None:
    old = Sheet(name="Old", hidden=True, header=["Ref", "Recommendation"], rows=[["1", "Old"]])
    new = Sheet(name="Current", header=["Ref", "Recommendation"], rows=[["1", "New"]])
    reg = read_register(build(tmp_path / "h.xlsx", old, new))
    assert reg.sheet == "Current"
    assert reg.value(0, "recommendation") == "New"
    reg = read_register(tmp_path / "h.xlsx", sheet="Old")
    assert reg.value(0, "recommendation") == "Old"


def test_hidden_sheets_are_not_read_once_a_visible_one_holds_the_table(tmp_path: Path) -> None:
    from sync.read.open import open_book

    lists = Sheet(name="Lists", hidden=True, header=["Ref", "Recommendation"], rows=[["1", "x"]])
    current = Sheet(name="Current", header=["Ref", "Recommendation"], rows=[["1", "New"]])
    path = build(tmp_path / "h.xlsx", lists, current)
    book = open_book(path)
    reg = read_register(path, book=book)
    assert reg.sheet == "Current"
    assert set(book._grids) == {"Current"}  # the hidden drop-down list was never parsed
    only_hidden = build(tmp_path / "o.xlsx", lists, Sheet(name="Notes", rows=[["Read me"]]))
    assert read_register(only_hidden).sheet == "Lists"  # with no visible table, hidden ones count


def test_a_row_without_ref_but_with_a_status_is_kept_as_a_record(tmp_path: Path) -> None:
    sheet = Sheet(
        header=["Ref", "Recommendation", "Status"],
        rows=[["1", "First", "Complete"], [None, "Second", "In progress"]],
    )
    reg = read_register(build(tmp_path / "m.xlsx", sheet))
    assert len(reg) == 2
    assert reg.value(1, "ref") is None
    assert str(reg.cell(1, "ref")) == "Register!A3"


def test_no_recognisable_header_is_one_clear_error(tmp_path: Path) -> None:
    path = build(tmp_path / "x.xlsx", Sheet(header=["Colour", "Size"], rows=[["red", 3]]))
    with pytest.raises(NoTableFound) as err:
        read_register(path)
    assert str(err.value).startswith("x.xlsx: no header row for")


def test_asking_for_a_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    path = build(tmp_path / "x.xlsx", TRACKER)
    with pytest.raises(NoTableFound, match="its sheets are Tracker"):
        read_register(path, sheet="Nope")


def test_schema_can_be_forced(tmp_path: Path) -> None:
    sheet = Sheet(
        header=["Risk Ref", "Risk Description", "Likelihood", "Impact", "Risk Score"],
        rows=[["R1", "Contact centre fails", 2, 5, 10]],
    )
    path = build(tmp_path / "r.xlsx", sheet)
    assert read_register(path).kind.name == "risks"
    reg = read_register(path, schema="risks")
    assert reg.value(0, "score") == 10
