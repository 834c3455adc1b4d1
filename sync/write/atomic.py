"""Safe saving: temp file and rename, a backup of the previous file, Excel's owner file, a run lock."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from sync.errors import WorkbookLocked, WriteRefused

BACKUP_DIR = ".xlsync-backup"
KEEP_BACKUPS = 10
TEMP_SUFFIX = ".xlsync-tmp"
LOCK_SUFFIX = ".xlsync-lock"
DEFAULT_LOCK_TIMEOUT = 30.0

_locks: dict[str, FileLock] = {}
_locks_guard = threading.Lock()


def fingerprint_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fingerprint(path: str | Path) -> str:
    """What a file held when read: a hash of its bytes, so a later change of any kind shows."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def owner_files(path: str | Path) -> list[Path]:
    """Where Excel's owner file for `path` would be: "~$" before the name, or over its first two
    letters (as Office does for longer names)."""
    path = Path(path)
    names = {"~$" + path.name, "~$" + path.name[2:]}
    return [path.with_name(n) for n in sorted(names)]


def check_not_open(path: str | Path, force: bool = False) -> None:
    """Refuse (WorkbookLocked) a workbook that Excel has open, unless `force`.

    Excel keeps an owner file "~$name.xlsx" beside a workbook while it is open; saving over the
    workbook then would lose whatever the officer saves next.
    """
    if force:
        return
    path = Path(path)
    for owner in owner_files(path):
        if owner.exists():
            who = _owner_name(owner)
            by = f" by {who}" if who else ""
            raise WorkbookLocked(
                f"is open in Excel{by} ({owner.name} exists); close it there or use --force", path
            )


def _owner_name(owner: Path) -> str:
    """The user name Excel writes at the start of its owner file, when it can be read."""
    try:
        data = owner.read_bytes()[:165]
    except OSError:
        return ""
    if not data or not 0 < data[0] <= 54:
        return ""
    name = data[1 : 1 + data[0]].decode("latin-1", "replace")
    return name if name.isprintable() else ""


@contextlib.contextmanager
def lock(path: str | Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the xlsync lock of a workbook so two runs never write it at once.

    The lock is a file ".name.xlsx.xlsync-lock" beside the workbook (so it also works for a
    workbook on a shared drive). It is re-entrant within one process: a merge holding it may
    call patch_workbook, which takes it again. A second run waits up to `timeout` seconds and
    then raises WorkbookLocked.
    """
    path = Path(path)
    lock_path = str(path.resolve().with_name(f".{path.name}{LOCK_SUFFIX}"))
    with _locks_guard:
        file_lock = _locks.get(lock_path)
        if file_lock is None:
            file_lock = _locks[lock_path] = FileLock(lock_path)
    try:
        file_lock.acquire(timeout=timeout)
    except Timeout:
        raise WorkbookLocked(
            f"another xlsync run is writing it (waited {timeout:g} s); try again when it has finished",
            path,
        ) from None
    except OSError as exc:
        raise WorkbookLocked(
            f"cannot take the xlsync lock beside it ({exc.strerror})", path
        ) from None
    try:
        yield
    finally:
        file_lock.release()


def atomic_write(
    target: str | Path,
    write_fn: Callable[[BinaryIO], object],
    *,
    backup: bool,
    expect: str | None = None,
) -> Path | None:
    """Write `target` through `write_fn` so it is either the old file or the new one, never half.

    The bytes go to a temp file in the target's folder (so the final rename stays on one
    drive), are flushed and fsynced, and only then replace the target with os.replace. If
    anything fails, or the process is killed, the target is untouched and the temp file is
    removed (a killed run's temp file, ".name.xlsx.*.xlsync-tmp", is swept by the next run).

    With `backup`, the previous file is first copied to ".xlsync-backup/<stem>.<timestamp><ext>"
    beside the target; the newest ten backups of each workbook are kept. Returns that path.
    `expect` is the fingerprint the target must still have at the moment of replacing it.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    _sweep_temps(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write_fn(fh)
            fh.flush()
            os.fsync(fh.fileno())
        saved = None
        if target.exists():
            if expect is not None and fingerprint(target) != expect:
                raise WriteRefused(
                    "was changed by someone else while xlsync was writing it; "
                    "nothing was written, run again",
                    target,
                )
            if backup:
                saved = _backup(target)
            with contextlib.suppress(OSError):
                shutil.copymode(target, tmp)
        else:
            # mkstemp makes the file private; a new workbook gets the usual permissions
            with contextlib.suppress(OSError):
                tmp.chmod(0o666 & ~_umask())
        _replace(tmp, target)
        _fsync_folder(folder)
        return saved
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace(tmp: Path, target: Path) -> None:
    # On Windows a file another program has open cannot be replaced; Excel or a virus scanner
    # may hold it for a moment, so retry briefly before giving up.
    for attempt in range(5):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if attempt == 4:
                raise WorkbookLocked(
                    "another program holds it open, so it cannot be replaced", target
                ) from None
            time.sleep(0.2 * (attempt + 1))


def _backup(target: Path) -> Path:
    folder = target.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    final = folder / f"{target.stem}.{stamp}{target.suffix}"
    partial = folder / f".{final.name}{TEMP_SUFFIX}"
    shutil.copy2(target, partial)
    os.replace(partial, final)  # a half-copied backup never carries a backup's name
    ours = re.compile(re.escape(target.stem) + r"\.\d{8}-\d{6}-\d{6}" + re.escape(target.suffix))
    backups = sorted(p for p in folder.iterdir() if ours.fullmatch(p.name))
    for old in backups[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            old.unlink()
    return final


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def _sweep_temps(target: Path) -> None:
    """Remove temp files a killed run left beside the target (older than ten minutes)."""
    cutoff = time.time() - 600
    for stale in target.parent.glob(f".{_glob_escape(target.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows (not on Windows)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
