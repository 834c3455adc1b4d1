"""Records match on every field of their kind's key, and keys stored by earlier versions are
read and migrated, never misapplied."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from sync import read_register
from sync.cells import CellRef
from sync.cli import cli
from sync.keys import key_of, record_labels
from sync.kinds import get_kind
from sync.write.patch import patch

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"
LEGACY = Path(__file__).resolve().parent / "legacy"  # written by xlsync at d5b4021


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def cells(path: Path) -> dict[str, Any]:
    """Every value of the visible sheets, by "Sheet!A1"."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return {
        str(CellRef(ws.title, c.row, c.column)): c.value
        for ws in wb
        if ws.sheet_state == "visible"
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def changed(before: dict[str, Any], after: dict[str, Any], sheet: str) -> dict[str, Any]:
    """The cells of `sheet` whose values differ, old -> new."""
    names = {n for n in (*before, *after) if CellRef.parse(n).sheet == sheet}
    return {
        n: (before.get(n), after.get(n)) for n in sorted(names) if before.get(n) != after.get(n)
    }


def cell_of(path: Path, schema: str, field: str, **match: Any) -> str:
    """The cell of `field` in the one record whose values include `match`."""
    reg = read_register(path, schema=schema)
    hits = [
        i
        for i, rec in enumerate(reg.records())
        if all(str(rec.get(k)) == str(v) for k, v in match.items())
    ]
    assert len(hits) == 1, hits
    return str(reg.cell(hits[0], field))


def test_refs_written_differently_make_one_key_and_every_key_field_counts() -> None:
    recommendations, indicators = get_kind("recommendations"), get_kind("indicators")
    assert key_of(recommendations, {"ref": "4,a"}, "South Ribble") == key_of(
        recommendations, {"ref": "4.a"}, "south-ribble"
    )
    q2 = key_of(indicators, {"code": "LPI 12", "period": "2008/09 Q2"}, "Chorley")
    q3 = key_of(indicators, {"code": "LPI 12", "period": "2008/09 Q3"}, "Chorley")
    assert q2 != q3
    columns = {"code": ["LPI 12"], "period": ["2008/09 Q3"]}
    assert record_labels(indicators, columns, 1) == ["LPI 12 2008/09 Q3"]


def test_an_unchanged_indicator_return_changes_nothing_and_one_edit_one_cell(
    tmp_path: Path,
) -> None:
    """Chorley reports LPI 12 for two periods: each is its own record."""
    master = tmp_path / "indicators.xlsx"
    shutil.copy(WORKBOOKS / "indicators.xlsx", master)
    returns = tmp_path / "returns"
    result = run("issue", str(master), "--schema", "indicators", "--out", str(returns))
    assert result.exit_code == 0, result.output
    before, stamp = master.read_bytes(), master.stat().st_mtime_ns

    result = run("merge", str(master), str(returns), "--schema", "indicators", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"rejected_edits": []' in result.output
    assert master.read_bytes() == before and master.stat().st_mtime_ns == stamp

    chorley = returns / "Chorley.xlsx"
    theirs = cell_of(chorley, "indicators", "actual", code="LPI 12", period="2008/09 Q3")
    patch(chorley, chorley, {theirs: 75.0})
    old = cells(master)
    result = run("merge", str(master), str(chorley), "--schema", "indicators", "--format", "json")
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.output)["changes"]
    assert (change["partner"], change["ref"], change["field"]) == (
        "Chorley",
        "LPI 12 2008/09 Q3",  # the record's label: its key fields as written
        "actual",
    )
    q3 = cell_of(master, "indicators", "actual", code="LPI 12", period="2008/09 Q3")
    assert changed(old, cells(master), "Indicators") == {q3: (74.2, 75)}


def test_returns_issued_by_the_last_version_merge_without_touching_other_periods(
    tmp_path: Path,
) -> None:
    """Bases keyed on partner and code alone: each record is keyed again from its own values."""
    folder = tmp_path / "indicators"
    shutil.copytree(LEGACY / "indicators", folder)
    master = folder / "master.xlsx"
    # the coordinator corrected Burnley's RAG after the returns went out: the base the return
    # carries, keyed again, says Burnley did not touch it, so the correction stays
    rag = cell_of(master, "indicators", "rag", partner="Burnley", code="NI 181")
    patch(master, master, {rag: "Red"})
    before, stamp = master.read_bytes(), master.stat().st_mtime_ns

    result = run("merge", str(master), str(folder / "returns"), "--schema", "indicators")
    assert result.exit_code == 0, result.output
    assert master.read_bytes() == before and master.stat().st_mtime_ns == stamp

    chorley = folder / "returns" / "Chorley.xlsx"
    theirs = cell_of(chorley, "indicators", "comments", code="LPI 12", period="2008/09 Q2")
    patch(chorley, chorley, {theirs: "Q2 figure confirmed by audit."})
    old = cells(master)
    result = run("merge", str(master), str(chorley), "--schema", "indicators")
    assert result.exit_code == 0, result.output
    q2 = cell_of(master, "indicators", "comments", code="LPI 12", period="2008/09 Q2")
    diff = changed(old, cells(master), "Indicators")
    assert list(diff) == [q2] and diff[q2][1] == "Q2 figure confirmed by audit."


def test_a_master_and_return_from_the_last_version_keep_their_three_way_merge(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "recommendations"
    shutil.copytree(LEGACY / "recommendations", folder)
    master, chorley = folder / "master.xlsx", folder / "Chorley.xlsx"
    # merged once already by the last version; the coordinator has since changed a RAG
    rag = cell_of(master, "recommendations", "rag", partner="Chorley", ref="27.")
    patch(master, master, {rag: "Red"})
    before, stamp = master.read_bytes(), master.stat().st_mtime_ns
    result = run("merge", str(master), str(chorley))
    assert result.exit_code == 0, result.output
    assert master.read_bytes() == before and master.stat().st_mtime_ns == stamp
    # without the base the return carries, the master's sync state (last agreed: Amber) is
    # the base: read in the last version's format, it still tells the correction from an edit
    baseless = folder / "returns" / "Chorley.xlsx"
    baseless.parent.mkdir()
    wb = load_workbook(chorley)
    del wb["_xlsync_base"]
    wb.save(baseless)
    result = run("merge", str(master), str(baseless))
    assert result.exit_code == 0, result.output
    assert master.read_bytes() == before and master.stat().st_mtime_ns == stamp

    status = cell_of(chorley, "recommendations", "status", ref="11.")
    patch(chorley, chorley, {status: "Paused"})
    old = cells(master)
    result = run("merge", str(master), str(chorley))
    assert result.exit_code == 0, result.output
    mine = cell_of(master, "recommendations", "status", partner="Chorley", ref="11.")
    assert changed(old, cells(master), "Register") == {mine: ("In progress", "Paused")}
