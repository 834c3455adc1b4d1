"""Returns read on worker processes (while the master is read) merge exactly as in one process."""

from __future__ import annotations

import gc
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build

from sync import merge_files
from sync.errors import XlsyncError
from sync.merge import run
from sync.merge.plan import MergePlan
from sync.parallel import PARALLEL_FROM, WORKER_NICENESS, start_files

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


def _worker_state(n: int) -> tuple[int, int, bool]:
    return os.nice(0), gc.get_freeze_count(), gc.isenabled()


def test_workers_yield_and_keep_what_they_inherit_out_of_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XLSYNC_WORKERS", "2")
    here = os.nice(0)
    got = start_files(_worker_state, list(range(PARALLEL_FROM)), label=str).results()
    assert {nice for nice, _, _ in got} == {here + WORKER_NICENESS}
    assert all(frozen > 1000 and enabled for _, frozen, enabled in got)  # pandas and the rest
    assert gc.get_freeze_count() == 0  # this process is left as it was


def test_a_merge_pauses_the_collector_and_restores_it(
    tmp_path: Path, workbooks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(workbooks / "master.xlsx", tmp_path / "master.xlsx")
    seen: list[bool] = []
    plan_merge = run.plan_merge
    monkeypatch.setattr(
        run, "plan_merge", lambda *a, **k: seen.append(gc.isenabled()) or plan_merge(*a, **k)
    )
    merge_files(tmp_path / "master.xlsx", [workbooks / "returns"], dry_run=True, today=TODAY)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(XlsyncError):
        merge_files(tmp_path / "missing.xlsx", [workbooks / "returns"], today=TODAY)
    assert gc.isenabled()
