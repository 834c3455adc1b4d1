"""Safe saving: temp file and rename, a backup of the previous file, Excel's owner file, a run lock."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sync.errors import WorkbookLocked, WriteRefused

BACKUP_DIR = ".xlsync-backup"
KEEP_BACKUPS = 10
TEMP_SUFFIX = ".xlsync-tmp"
LOCK_SUFFIX = ".xlsync-lock"
DEFAULT_LOCK_TIMEOUT = 30.0


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


@dataclass(slots=True)
class _Held:
    """A lock this process holds: the thread holding it, how often, and the open lock file."""

    thread: int
    count: int
    fd: int


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def lock(path: str | Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the xlsync lock of a workbook so two runs never write it at once.

    The lock is a file ".name.xlsx.xlsync-lock" beside the workbook (so it also works for a
    workbook on a shared drive), removed again when the run lets go. It is re-entrant within
    one thread: a merge holding it may call patch_workbook, which takes it again. A second
    run (or thread) waits up to `timeout` seconds and then raises WorkbookLocked.
    """
    path = Path(path)
    lock_path = str(path.resolve().with_name(f".{path.name}{LOCK_SUFFIX}"))
    me = threading.get_ident()
    with _held_guard:
        held = _held.get(lock_path)
        if held is not None and held.thread == me:
            held.count += 1
        else:
            held = None
    if held is None:
        fd = _acquire(path, lock_path, timeout)
        with _held_guard:
            _held[lock_path] = _Held(me, 1, fd)
    try:
        yield
    finally:
        with _held_guard:
            mine = _held[lock_path]
            mine.count -= 1
            last = mine.count == 0
            if last:
                del _held[lock_path]
        if last:
            _release(lock_path, mine.fd)


def _acquire(path: Path, lock_path: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = _try_lock(lock_path)
        except OSError as exc:
            raise WorkbookLocked(
                f"cannot take the xlsync lock beside it ({exc.strerror})", path
            ) from None
        if fd is not None:
            return fd
        if time.monotonic() >= deadline:
            raise WorkbookLocked(
                f"another xlsync run is writing it (waited {timeout:g} s); "
                "try again when it has finished",
                path,
            )
        time.sleep(0.05)


def _try_lock(lock_path: str) -> int | None:
    """The open lock file, locked by this process; None while another run holds it."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if not _lock_fd(fd):
            os.close(fd)
            return None
        # The run that held it removes the file as it lets go; a file opened before that
        # is no longer the lock, so look again
        try:
            current = os.stat(lock_path)
        except FileNotFoundError:
            current = None
        if current is None or not os.path.samestat(os.fstat(fd), current):
            _unlock_fd(fd)
            os.close(fd)
            return None
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return fd


def _release(lock_path: str, fd: int) -> None:
    # On POSIX the file is removed while still locked, so a run waiting on it sees that it
    # is gone; Windows cannot remove an open file, so there it goes after closing, unless
    # another run has it open by then (that run removes it when done).
    if os.name != "nt":
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
    try:
        _unlock_fd(fd)
    finally:
        os.close(fd)
    if os.name == "nt":
        with contextlib.suppress(OSError):
            os.unlink(lock_path)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _lock_fd(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock_fd(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import errno
    import fcntl

    def _lock_fd(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


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


def backup(target: Path) -> Path:
    """Copy `target` to ".xlsync-backup/<stem>.<timestamp><ext>" beside it; the path of the copy."""
    return _backup(target)


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
