"""The reader finds, exactly, the monitoring tables written down from the public workbooks."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync import read_register
from sync.cells import column_index
from sync.errors import NoTableFound
from sync.infer import infer_schema
from sync.kinds import Kind, kind_from_dict
from sync.model import Register

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld" / "files"
MEASURED = yaml.safe_load(
    (Path(__file__).parent / "read" / "realworld_tables.yaml").read_text(encoding="utf-8")
)


def _id(table: dict[str, Any]) -> str:
    return f"{Path(table['file']).stem}:{table['sheet']}"


# tables the reader does not yet find exactly; each leaves this set as the reading it
# needs lands (strict: a table that starts passing must be taken out)
NOT_YET: set[str] = set()
NOT_YET_REFUSED: set[str] = set()


def _marked(items: list[Any], ids: Any, pending: set[str]) -> list[Any]:
    return [
        pytest.param(
            item,
            id=ids(item),
            marks=[pytest.mark.xfail(strict=True, reason="not read yet")]
            if ids(item) in pending
            else [],
        )
        for item in items
    ]


def _path(name: str) -> Path:
    path = REALWORLD / name
    if not path.is_file():
        pytest.skip(f"the public workbooks are not beside the project ({REALWORLD})")
    return path


@cache
def _read(name: str, sheet: str, kind: str) -> Register:
    path = _path(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on the templates' extensions
        schema: str | Kind = kind
        if kind == "infer":
            schema = kind_from_dict(infer_schema(path, sheet=sheet))
        return read_register(path, schema=schema, sheet=sheet)


def _same(found: Any, written: Any) -> bool:
    if isinstance(written, int | float) and not isinstance(written, bool):
        try:
            return float(found) == float(written)
        except (TypeError, ValueError):
            return False
    return str(found).strip() == str(written).strip()


def _value_at(reg: Register, index: int, col: int) -> Any:
    by_column = {c: name for name, c in reg.columns.items()}
    assert col in by_column, f"column {col} is not read as a field: {reg.columns}"
    return reg.value(index, by_column[col])


@pytest.mark.parametrize("table", _marked(MEASURED["tables"], _id, NOT_YET))
def test_each_measured_table_is_found_exactly(table: dict[str, Any]) -> None:
    reg = _read(table["file"], table["sheet"], table["kind"])
    assert reg.sheet == table["sheet"]
    assert reg.header_rows == table["header_rows"]
    assert len(reg) == table["records"], [reg.rows[:3], reg.rows[-3:]]
    for index, cells in table["cells"].items():
        for address, written in cells.items():
            letters = address.rstrip("0123456789")
            assert reg.rows[index] == int(address[len(letters) :])
            found = _value_at(reg, index, column_index(letters))
            assert _same(found, written), (address, found, written)
    for index, heading in (table.get("blocks") or {}).items():
        assert reg.blocks[index] == heading


@pytest.mark.parametrize("name", _marked(MEASURED["not_a_kind"], str, NOT_YET_REFUSED))
def test_a_workbook_of_no_kind_is_refused_naming_the_closest_sheet(name: str) -> None:
    path = _path(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NoTableFound, match=r"closest: sheet .* lacks "):
            read_register(path)


@pytest.mark.parametrize("seen", MEASURED["detected"], ids=lambda s: s["file"])
def test_the_kind_and_sheet_are_found_without_being_named(seen: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = read_register(_path(seen["file"]))
    assert (reg.kind.name, reg.sheet, len(reg)) == (seen["kind"], seen["sheet"], seen["records"])


@pytest.mark.parametrize("table", MEASURED["several_sheets"], ids=lambda t: t["file"])
def test_a_table_over_several_sheets_is_read_whole(table: dict[str, Any]) -> None:
    path = _path(table["file"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = read_register(path, schema=kind_from_dict(infer_schema(path)))
    assert len(reg) == table["records"]
    counts = {name: reg.record_sheets.count(name) for name in table["sheets"]}
    assert counts == table["sheets"]
