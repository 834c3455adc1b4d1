"""The run lock leaves no file behind, and still keeps two runs apart as it is removed."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from sync.write import atomic

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def test_the_lock_file_goes_when_the_lock_is_let_go(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    lock_file = tmp_path / f".master.xlsx{atomic.LOCK_SUFFIX}"
    with atomic.lock(master):
        with atomic.lock(master):  # re-entrant: the inner release keeps it
            assert lock_file.exists()
        assert lock_file.exists()
    assert not lock_file.exists()


def test_a_waiting_run_takes_the_lock_after_the_file_is_removed(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    lock_file = tmp_path / f".master.xlsx{atomic.LOCK_SUFFIX}"
    first_holds, first_go = threading.Event(), threading.Event()
    second_holds, second_go = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with atomic.lock(master, timeout=10):
            order.append("first in")
            first_holds.set()
            first_go.wait(10)
            order.append("first out")

    def second() -> None:
        first_holds.wait(10)
        with atomic.lock(master, timeout=10):
            order.append("second in")
            second_holds.set()
            second_go.wait(10)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        assert first_holds.wait(10)
        assert not second_holds.is_set()
        first_go.set()
        assert second_holds.wait(10)
        assert lock_file.exists()  # made again by the second run, which holds it now
    finally:
        first_go.set()
        second_go.set()
        for t in threads:
            t.join()
    assert order == ["first in", "first out", "second in"]
    assert not lock_file.exists()
