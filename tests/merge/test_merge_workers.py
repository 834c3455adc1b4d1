"""Returns read on worker processes (while the master is read) merge exactly as in one process."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build

from sync import merge_files, parallel
from sync.merge.plan import MergePlan
from sync.parallel import PARALLEL_FROM, start_files
from sync.workbooks import validate_workbooks

TODAY = date(2007, 3, 20)


def _plan_summary(plan: MergePlan) -> tuple[object, ...]:
    return (
        plan.changes,
        plan.added,
        plan.missing,
        plan.conflicts,
        plan.rejected_edits,
        plan.history,
        plan.agreed,
        [(o.path, o.partner, o.status, o.updated, o.added, o.reason) for o in plan.returns],
    )


def test_returns_read_on_workers_plan_as_in_one_process(
    tmp_path: Path, workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(workbooks / "master.xlsx", tmp_path / "master.xlsx")
    returns = tmp_path / "returns"
    shutil.copytree(workbooks / "returns", returns)
    (returns / "Broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    # no partner column and a file name that names no partner: whose it is cannot be told
    build(
        returns / "Our return.xlsx", Sheet(header=["Ref", "Recommendation"], rows=[["8.", "Text"]])
    )
    assert len(list(returns.iterdir())) >= PARALLEL_FROM

    plans = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("XLSYNC_WORKERS", workers)
        result = merge_files(tmp_path / "master.xlsx", [returns], dry_run=True, today=TODAY)
        plans[workers] = result
    one, many = plans["1"], plans["2"]
    assert _plan_summary(many.plan) == _plan_summary(one.plan)
    assert many.unreadable == one.unreadable
    assert [line.split(":")[0] for line in one.unreadable] == ["Broken.xlsx", "Our return.xlsx"]
    assert "cannot tell which partner" in one.unreadable[1]
    assert one.plan.changes  # the sample returns do change the master


def _square(n: int) -> int:
    return n * n


def test_started_files_come_back_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for workers in ("1", "2"):
        monkeypatch.setenv("XLSYNC_WORKERS", workers)
        seen: list[tuple[int, int, str]] = []
        pending = start_files(_square, list(range(PARALLEL_FROM + 3)), label=str)
        assert pending.results(lambda done, n, label, seen=seen: seen.append((done, n, label))) == [
            n * n for n in range(PARALLEL_FROM + 3)
        ]
        assert [done for done, _, _ in seen] == list(range(1, PARALLEL_FROM + 4))


def _squares(batch: list[int]) -> list[int]:
    return [n * n for n in batch]


def test_batched_files_come_back_in_order_one_result_each(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(range(60))  # enough for several batches on two workers
    for workers in ("1", "2"):
        monkeypatch.setenv("XLSYNC_WORKERS", workers)
        seen: list[int] = []
        pending = start_files(_squares, items, label=str, batched=True)
        assert pending.results(lambda done, n, label, seen=seen: seen.append(done)) == [
            n * n for n in items
        ]
        assert seen == list(range(1, 61))


def test_workers_started_by_spawn_validate_and_merge_as_one_process(
    tmp_path: Path, workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows starts workers by spawn: fresh interpreters that inherit nothing of this one."""
    shutil.copy(workbooks / "master.xlsx", tmp_path / "master.xlsx")
    returns = tmp_path / "returns"
    shutil.copytree(workbooks / "returns", returns)
    (returns / "Broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert len(list(returns.iterdir())) >= PARALLEL_FROM
    # spawned workers start only for many files; these few must take that path all the same
    monkeypatch.setattr(parallel, "SPAWN_PARALLEL_FROM", PARALLEL_FROM)
    results = {}
    for workers, method in (("1", ""), ("2", "spawn")):
        monkeypatch.setenv("XLSYNC_WORKERS", workers)
        monkeypatch.setenv("XLSYNC_START_METHOD", method)
        report = validate_workbooks([returns], today=TODAY)
        merged = merge_files(tmp_path / "master.xlsx", [returns], dry_run=True, today=TODAY)
        results[method] = (report.to_dict(), _plan_summary(merged.plan), merged.unreadable)
    assert results["spawn"] == results[""]
    report, _, unreadable = results[""]
    assert [f["path"] for f in report["files"] if "error" in f] == [str(returns / "Broken.xlsx")]
    assert any(f["findings"] for f in report["files"])  # the sample returns have findings
    assert [line.split(":")[0] for line in unreadable] == ["Broken.xlsx"]


def test_an_unknown_start_method_falls_back_to_the_platforms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    monkeypatch.setenv("XLSYNC_START_METHOD", "teleport")
    items = list(range(PARALLEL_FROM))
    assert start_files(_square, items, label=str).results() == [n * n for n in items]
