"""Laws of the writer: what is written reads back, and nothing else changes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from xlfixtures import load

from sync.cells import CellRef
from sync.write.patch import Edits, patch_workbook

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
)
cells = st.tuples(st.integers(1, 40), st.integers(1, 8))


def _expected(value: object) -> object:
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == "":
        return None  # openpyxl reads an empty string as no value
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(original={}, edits={(1, 1): "&quot;", (2, 1): "a &amp; b &lt;"})
@given(
    original=st.dictionaries(
        cells, st.one_of(st.integers(0, 99), st.text("abc ", max_size=5)), max_size=60
    ),
    edits=st.dictionaries(cells, values, max_size=40),
)
def test_written_values_read_back_and_the_rest_stays(
    original: dict[tuple[int, int], object], edits: dict[tuple[int, int], object]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "a.xlsx", Path(tmp) / "b.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Register"
        for (r, c), value in original.items():
            ws.cell(r, c, value)
        wb.save(src)
        patch_workbook(
            src,
            out,
            Edits(cells={CellRef("Register", r, c): v for (r, c), v in edits.items()}),
            backup=False,
        )
        got = {
            (c.row, c.column): c.value
            for c in load(out)["Register"]._cells.values()
            if c.value is not None
        }
        want = {k: v for k, v in original.items() if v not in (None, "")}
        for key, value in edits.items():
            want.pop(key, None)
            if _expected(value) is not None:
                want[key] = _expected(value)
        got = {k: (v.replace("\r\n", "\n") if isinstance(v, str) else v) for k, v in got.items()}
        assert got == {k: (_decoded(v) if isinstance(v, str) else v) for k, v in want.items()}


def _decoded(text: str) -> str:
    """What openpyxl reads for text Excel stores escaped (it does not decode _xHHHH_)."""
    from sync.write.xmltext import escape_text, unescape

    # the XML is decoded once, as any reader does: text that looks like an entity
    # ("&quot;" typed by an officer) stays as typed
    stored = unescape(escape_text(text))
    return stored.replace("x005F_", "")


def test_a_hundred_edits_and_a_few_take_the_same_path_to_the_same_result() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "a.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "R"
        for r in range(1, 201):
            ws.append([f"r{r}", r, r * 1.5])
        wb.save(src)
        many = {CellRef("R", r, 2): -r for r in range(1, 201, 2)}
        few = {CellRef("R", r, 2): -r for r in (3, 99)}
        for n, cells_ in enumerate((many, few)):
            out = Path(tmp) / f"o{n}.xlsx"
            patch_workbook(src, out, Edits(cells=dict(cells_)), backup=False)
            ws2 = load(out)["R"]
            for r in range(1, 201):
                expect = -r if CellRef("R", r, 2) in cells_ else r
                assert ws2.cell(r, 2).value == expect
                assert ws2.cell(r, 1).value == f"r{r}" and ws2.cell(r, 3).value == r * 1.5
