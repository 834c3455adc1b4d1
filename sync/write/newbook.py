"""Save a workbook xlsync built itself (returns, reports) safely: temp file, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def save_new_workbook(wb: Any, path: Path) -> Path:
    """Save an openpyxl workbook to `path` without ever leaving a half-written file there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".xlsync-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        # a temp file is private to its owner; the workbook gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_bytes(data: bytes, path: Path) -> Path:
    """Write bytes to `path` the same safe way: temp file beside it, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".xlsync-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
