"""Merge laws over generated cycles on real workbooks: returns merged together or one by one
give the same master; re-merging them writes nothing; no key occurs twice in a master."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sync import merge_files, read_register
from sync.issue import issue_returns
from sync.keys import normalise_partner, normalise_ref
from sync.state import BASE_SHEET, HISTORY_SHEET
from sync.write.patch import patch

TODAY = date(2007, 3, 20)


def _row(partner: str, ref: str, text: str, status: str, rag: str, note: str | None) -> list[Any]:
    return [
        partner,
        ref,
        text,
        "Policy Officer",
        date(2007, 12, 31),
        status,
        rag,
        note,
        date(2006, 10, 10) if note else None,
    ]


MASTER_ROWS = [
    _row("Chorley", "8.", "To keep dialogues up to date", "In progress", "Amber", "Reviewed."),
    _row("Chorley", "9.", "To load Planning software", "Not started", "Red", None),
    _row("Chorley", "10.", "To promote the web site", "In progress", "Amber", "Article."),
    _row("Burnley", "R1", "Single number for all services", "In progress", "Green", "Agreed."),
    _row("Burnley", "R2", "Customer survey each year", "Not started", "Red", None),
]
PARTNERS = ["Chorley", "Burnley"]
ROWS = {"Chorley": 3, "Burnley": 2}  # issued rows per partner
# master cells the coordinator edits after issuing (row 0 is sheet row 2)
COORDINATOR_CELLS = {"status": "F", "progress": "H", "lead": "D"}
NOTES = ["6 March 2007 begun.", "9 March 2007 done.", "Reviewed."]
STATUSES = ["Not started", "In progress", "Complete"]


@dataclass(frozen=True)
class Issued:
    folder: Path
    master: Path
    returns: dict[str, Path]
    rows: dict[str, list[int]]  # partner -> sheet rows of the issued records
    columns: dict[str, int]
    sheet: str


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    folder = tmp_path_factory.mktemp("laws")
    master = build(folder / "master.xlsx", Sheet(header=HEADER, rows=MASTER_ROWS))
    out = issue_returns(master, folder / "issued", PARTNERS, today=date(2007, 3, 1))
    returns = {r.partner: r.path for r in out}
    registers = {p: read_register(path) for p, path in returns.items()}
    first = registers["Chorley"]
    return Issued(
        folder,
        master,
        returns,
        {p: list(reg.rows) for p, reg in registers.items()},
        dict(first.columns),
        first.sheet,
    )


# one partner's edit to one cell of its return: (what, issued row index, value)
edit = st.one_of(
    st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(STATUSES)),
    st.tuples(st.just("rag"), st.integers(0, 2), st.sampled_from(["Red", "Amber", "Green"])),
    st.tuples(st.just("progress"), st.integers(0, 2), st.sampled_from(NOTES)),
    st.tuples(st.just("lead"), st.integers(0, 2), st.just("Someone else")),  # rejected
    st.tuples(st.just("clear"), st.integers(0, 2), st.sampled_from(["rag", "lead", "progress"])),
    st.tuples(st.just("partner"), st.integers(0, 2), st.just("Borough Council")),  # retyped key
    st.tuples(st.just("ref"), st.integers(0, 2), st.sampled_from(["40", "41"])),  # retyped key
    # a row's partner and ref cells typed over with another partner's record's: refused
    st.tuples(st.just("other"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("new"), st.sampled_from(["31", "32"]), st.sampled_from(NOTES)),
)
a_return = st.tuples(
    st.sampled_from(PARTNERS),
    st.booleans(),  # carries its base (as issued) or not (a partner's own copy)
    st.lists(edit, max_size=4),
)
cycle = st.tuples(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(sorted(COORDINATOR_CELLS)), st.integers(0, 2)),
        max_size=2,
    ),  # the coordinator's edits to the master after issuing
    st.lists(a_return, min_size=1, max_size=3),
    st.sampled_from(["master", "return"]),
)

LAWS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Cycle:
    master: Path
    returns: list[Path]
    prefer: str


def _make(issued: Issued, folder: Path, spec: Any) -> Cycle:
    """The master as the coordinator left it and the returns as the partners sent them."""
    coordinator, returns, prefer = spec
    master = folder / "master.xlsx"
    shutil.copy(issued.master, master)
    cells: dict[str, Any] = {}
    for row, name, pick in coordinator:
        value = {"status": STATUSES, "progress": NOTES, "lead": ["Head of Policy"] * 3}[name][pick]
        cells[f"Register!{COORDINATOR_CELLS[name]}{row + 2}"] = value
    if cells:
        patch(master, master, cells)
    paths = []
    for n, (partner, keeps_base, edits) in enumerate(returns):
        path = folder / "returns" / f"{partner} {n}.xlsx"
        path.parent.mkdir(exist_ok=True)
        wb = load_workbook(issued.returns[partner])
        ws = wb[issued.sheet]
        rows = issued.rows[partner]
        spare = rows[-1] + 1

        for what, index, value in edits:
            if what == "new":
                row = spare + int(index) - 31
                _at(ws, issued, "partner", row).value = partner
                _at(ws, issued, "ref", row).value = index
                _at(ws, issued, "recommendation", row).value = f"New item {index}"
                _at(ws, issued, "status", row).value = "Not started"
                _at(ws, issued, "progress", row).value = value
                _at(ws, issued, "updated", row).value = date(2007, 3, 9)
                continue
            row = rows[index % len(rows)]
            if what == "clear":
                _at(ws, issued, value, row).value = None
            elif what == "partner":
                _at(ws, issued, "partner", row).value = f"{partner} {value}"
            elif what == "other":
                other = next(p for p in PARTNERS if p != partner)
                theirs = [r[1] for r in MASTER_ROWS if r[0] == other]
                _at(ws, issued, "partner", row).value = other
                _at(ws, issued, "ref", row).value = theirs[int(value) % len(theirs)]
            else:
                _at(ws, issued, what, row).value = value
                if what == "progress":
                    _at(ws, issued, "updated", row).value = date(2007, 3, 9)
        if not keeps_base:
            del wb[BASE_SHEET]
        wb.save(path)
        paths.append(path)
    return Cycle(master, paths, prefer)


def _at(ws: Any, issued: Issued, name: str, row: int) -> Any:
    return ws[f"{get_column_letter(issued.columns[name])}{row}"]


def _merge(master: Path, returns: list[Path], prefer: str) -> Any:
    # the laws are the planner's: several returns of one partner are merged in turn (the
    # command line takes only one clearly the newest; tests/cli/test_merge_mistakes.py)
    return merge_files(master, returns, prefer=prefer, today=TODAY, one_per_partner_only=False)


def _register(path: Path) -> list[list[Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return [[c.value for c in row] for row in wb["Register"].iter_rows()]


def _notes(path: Path) -> set[tuple[Any, ...]]:
    """The history kept: (partner, ref, note), without when it was merged."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    if HISTORY_SHEET not in wb.sheetnames:
        return set()
    return {tuple(c.value for c in row[1:4]) for row in wb[HISTORY_SHEET].iter_rows(min_row=2)}


def _keys(path: Path) -> list[tuple[str, str]]:
    register = read_register(path)
    return [
        (normalise_partner(register.value(i, "partner")), normalise_ref(register.value(i, "ref")))
        for i in range(len(register))
    ]


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _fresh(scratch: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    return folder


@LAWS
@given(spec=cycle)
# an amended return merged with the first, which added a row the amendment revises
@example(
    spec=(
        [],
        [
            ("Chorley", True, [("new", "31", NOTES[0])]),
            ("Chorley", True, [("new", "31", NOTES[1]), ("status", 0, "Complete")]),
        ],
        "master",
    )
)
# the coordinator's note after issuing, the untouched return, then a plain copy of it
@example(
    spec=(
        [(0, "progress", 1)],
        [("Chorley", True, []), ("Chorley", False, [("status", 1, "Complete")])],
        "master",
    )
)
# a plain copy's change, the issued return sent back as it was, then the plain copy as sent
@example(
    spec=(
        [],
        [
            ("Chorley", False, [("status", 0, "Not started")]),
            ("Chorley", True, []),
            ("Chorley", False, []),
        ],
        "master",
    )
)
def test_returns_merged_together_or_one_by_one_give_the_same_master(
    issued: Issued, scratch: Path, spec: Any
) -> None:
    together = _make(issued, _fresh(scratch), spec)
    apart = _make(issued, _fresh(scratch), spec)
    _merge(together.master, together.returns, together.prefer)
    for path in apart.returns:
        _merge(apart.master, [path], apart.prefer)
    assert _register(together.master) == _register(apart.master)
    assert _notes(together.master) == _notes(apart.master)


@LAWS
@given(spec=cycle)
# a plain copy after the issued return, both with the same ref typed over (a new row)
@example(
    spec=(
        [],
        [
            ("Chorley", True, [("ref", 0, "40")]),
            ("Chorley", False, [("progress", 0, NOTES[0]), ("ref", 0, "40")]),
        ],
        "master",
    )
)
# a row typed over with another partner's record, whose key the plain copy adds for its own
@example(
    spec=(
        [],
        [
            ("Chorley", True, [("other", 0, 0)]),
            ("Chorley", False, [("other", 1, 0), ("partner", 1, "Borough Council")]),
        ],
        "master",
    )
)
# a conflict already reported, on a progress note
@example(spec=([(0, "progress", 1)], [("Chorley", True, [("progress", 0, NOTES[0])])], "master"))
# two returns of one partner that disagree, the return preferred
@example(
    spec=(
        [],
        [
            ("Chorley", True, [("progress", 0, NOTES[0])]),
            ("Chorley", True, [("progress", 0, NOTES[1])]),
        ],
        "return",
    )
)
def test_merging_the_same_returns_again_writes_nothing(
    issued: Issued, scratch: Path, spec: Any
) -> None:
    made = _make(issued, _fresh(scratch), spec)
    _merge(made.master, made.returns, made.prefer)
    before = made.master.read_bytes()
    again = _merge(made.master, made.returns, made.prefer)
    assert again.written is None, [(c.ref, c.field, c.old, c.new) for c in again.plan.changes]
    assert made.master.read_bytes() == before


@LAWS
@given(spec=cycle)
# the locked Partner cell retyped, then the next, untouched return
@example(
    spec=(
        [],
        [("Chorley", True, [("partner", 0, "Borough Council")]), ("Chorley", True, [])],
        "master",
    )
)
def test_no_key_occurs_twice_in_a_master(issued: Issued, scratch: Path, spec: Any) -> None:
    made = _make(issued, _fresh(scratch), spec)
    for path in made.returns:  # one by one, then all again together
        _merge(made.master, [path], made.prefer)
        keys = _keys(made.master)
        assert len(keys) == len(set(keys)), keys
    _merge(made.master, made.returns, made.prefer)
    keys = _keys(made.master)
    assert len(keys) == len(set(keys)), keys
    assert len(keys) >= len(MASTER_ROWS)  # nothing deleted
