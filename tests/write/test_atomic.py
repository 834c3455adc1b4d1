"""Saving never leaves half a master: temp file and rename, backups, Excel's owner file, the run lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from xlfixtures import load, register_workbook

from sync.cells import CellRef
from sync.errors import WorkbookLocked, WriteRefused
from sync.write import atomic
from sync.write.patch import Edits, patch, patch_workbook, read_source_soon

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return register_workbook(tmp_path / "master.xlsx")


def test_a_failure_while_writing_leaves_the_target_untouched(master: Path) -> None:
    before = master.read_bytes()

    def half_then_fail(fh: object) -> None:
        fh.write(b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write(master, half_then_fail, backup=True)
    assert master.read_bytes() == before
    assert sorted(p.name for p in master.parent.iterdir()) == ["master.xlsx"]  # no temp, no backup


def test_a_failure_inside_the_patch_leaves_the_master_untouched(master: Path, monkeypatch) -> None:
    before = master.read_bytes()

    def broken(self: object, fileobj: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr("sync.write.package.Package.write", broken)
    with pytest.raises(RuntimeError, match="injected"):
        patch(master, master, {"Register!D2": "Complete"})
    assert master.read_bytes() == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_a_run_killed_mid_save_leaves_the_original(master: Path, tmp_path: Path) -> None:
    before = master.read_bytes()
    ready = tmp_path / "writing"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from sync.write import atomic
        from sync.write import patch as patch_module

        real = atomic.atomic_write

        def slow(target, write_fn, **kw):
            def stalled(fh):
                write_fn(fh)
                fh.flush()
                Path({str(ready)!r}).touch()
                time.sleep(60)  # killed here, with the new file half on disk
            return real(target, stalled, **kw)

        patch_module.atomic.atomic_write = slow
        patch_module.patch({str(master)!r}, {str(master)!r}, {{"Register!D2": "Complete"}})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the patch never started writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert master.read_bytes() == before
    assert load(master)["Register"]["D2"].value == "Ongoing"
    leftovers = [p for p in master.parent.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)]
    assert leftovers  # the killed run's temp file; the next run sweeps it once it is stale
    old = time.time() - 3600
    os.utime(leftovers[0], (old, old))
    patch(master, master, {"Register!D2": "Complete"})
    assert not [p for p in master.parent.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)]


def test_the_previous_master_is_kept_as_a_backup(master: Path) -> None:
    before = master.read_bytes()
    result = patch(master, master, {"Register!D2": "Complete"})
    assert result.backup is not None
    assert result.backup.parent == master.parent / atomic.BACKUP_DIR
    assert result.backup.read_bytes() == before
    no_backup = patch_workbook(master, master, Edits(), backup=False)
    assert no_backup.backup is None


def test_old_backups_are_pruned(master: Path) -> None:
    for _ in range(atomic.KEEP_BACKUPS + 2):
        patch_workbook(master, master, Edits())
    backups = list((master.parent / atomic.BACKUP_DIR).iterdir())
    assert len(backups) == atomic.KEEP_BACKUPS


def test_a_workbook_open_in_excel_is_refused_unless_forced(master: Path) -> None:
    owner = master.with_name("~$master.xlsx")
    owner.write_bytes(bytes([7]) + b"jbloggs" + b" " * 46)
    before = master.read_bytes()
    with pytest.raises(WorkbookLocked) as info:
        patch(master, master, {"Register!D2": "Complete"})
    assert info.value.line() == (
        "master.xlsx: is open in Excel by jbloggs (~$master.xlsx exists); close it there or use --force"
    )
    assert master.read_bytes() == before
    patch_workbook(master, master, Edits(), force=True)
    atomic.check_not_open(master, force=True)


def test_a_second_run_waits_for_the_lock_then_gives_up(master: Path) -> None:
    held = threading.Event()
    release = threading.Event()

    def other_run() -> None:
        # filelock is per thread: another thread stands in for another xlsync process
        with atomic.lock(master):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(WorkbookLocked, match="another xlsync run is writing it"):
            patch_workbook(master, master, Edits(), lock_timeout=0.2)
    finally:
        release.set()
        thread.join()
    patch_workbook(master, master, Edits(), lock_timeout=5)


def test_the_lock_is_re_entrant_for_one_run(master: Path) -> None:
    with atomic.lock(master, timeout=1):
        with atomic.lock(master, timeout=1):
            patch(master, master, {"Register!D2": "Complete"})
    assert load(master)["Register"]["D2"].value == "Complete"


def test_a_master_changed_since_it_was_read_is_never_overwritten(master: Path) -> None:
    stamp = atomic.fingerprint(master)
    patch(master, master, {"Register!D3": "edited in Excel meanwhile"})
    before = master.read_bytes()
    with pytest.raises(WriteRefused) as info:
        patch_workbook(master, master, Edits(), expect_fingerprint=stamp)
    assert (
        info.value.line()
        == "master.xlsx: was changed on disk since xlsync read it; nothing was written, run again"
    )
    assert master.read_bytes() == before
    patch_workbook(master, master, Edits(), expect_fingerprint=atomic.fingerprint(master))


def test_a_master_read_ahead_is_patched_as_if_read_in_turn(master: Path, tmp_path: Path) -> None:
    edits = Edits(cells={CellRef("Register", 3, 4): "Complete"})
    stamp = atomic.fingerprint(master)
    ahead, in_turn = tmp_path / "ahead.xlsx", tmp_path / "in_turn.xlsx"
    patch_workbook(master, in_turn, edits, expect_fingerprint=stamp)
    read = read_source_soon(master)
    patch_workbook(master, ahead, edits, expect_fingerprint=stamp, source_read=read)
    got, want = load(ahead), load(in_turn)
    assert got["Register"]["D3"].value == "Complete"
    for row_got, row_want in zip(
        got["Register"].iter_rows(), want["Register"].iter_rows(), strict=True
    ):
        assert [c.value for c in row_got] == [c.value for c in row_want]


def test_a_master_read_ahead_and_then_ruined_is_refused_as_changed(master: Path) -> None:
    stamp = atomic.fingerprint(master)
    master.write_bytes(b"not a zip: saved over by something else")
    read = read_source_soon(master)
    with pytest.raises(WriteRefused, match="was changed on disk since xlsync read it"):
        patch_workbook(master, master, Edits(), expect_fingerprint=stamp, source_read=read)
    assert master.read_bytes() == b"not a zip: saved over by something else"


def test_a_change_during_the_write_is_caught_before_the_rename(master: Path) -> None:
    before = master.read_bytes()

    def meddle(fh: object) -> None:
        fh.write(b"new")  # type: ignore[attr-defined]
        master.write_bytes(before + b"saved by Excel")

    with pytest.raises(WriteRefused, match="changed by someone else"):
        atomic.atomic_write(master, meddle, backup=False, expect=atomic.fingerprint_bytes(before))
    assert master.read_bytes() == before + b"saved by Excel"


def test_unreadable_inputs_get_one_line(tmp_path: Path) -> None:
    from sync.errors import UnreadableFile

    missing = tmp_path / "gone.xlsx"
    with pytest.raises(UnreadableFile, match="file not found"):
        patch(missing, missing, {"A!A1": 1})
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(UnreadableFile, match="not an Excel .xlsx/.xlsm package"):
        patch(junk, junk, {"A!A1": 1})
    with pytest.raises(WriteRefused, match="does not exist"):
        patch(junk, tmp_path / "no" / "such" / "out.xlsx", {"A!A1": 1})
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(UnreadableFile, match="legacy .xls or a password-protected"):
        patch(legacy, legacy, {"A!A1": 1})


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_new_file_gets_ordinary_permissions_and_a_replaced_one_keeps_its_own(
    master: Path,
) -> None:
    out = master.with_name("copy.xlsx")
    patch(master, out, {"Register!D2": "Complete"})
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    master.chmod(0o640)
    patch(master, master, {"Register!D2": "Complete"})
    assert master.stat().st_mode & 0o777 == 0o640
