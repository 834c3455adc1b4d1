"""Save a workbook xlsync built itself (returns, reports) safely: temp file, then rename."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.write.atomic import atomic_write


def save_new_workbook(wb: Any, path: Path) -> Path:
    """Save an openpyxl workbook to `path` without ever leaving a half-written file there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, wb.save, backup=False)
    return path


def save_bytes(data: bytes, path: Path) -> Path:
    """Write bytes to `path` the same safe way."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda fh: fh.write(data), backup=False)
    return path
