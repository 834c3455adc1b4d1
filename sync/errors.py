"""The exceptions xlsync raises when a run cannot go on, and its exit codes."""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """What the command line returns: 0 ok, 1 findings or conflicts, 2 bad input or usage."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2


class XlsyncError(Exception):
    """Base of every error xlsync raises on purpose; its message is one line for the officer."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, path: str | Path | None = None, cell: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.cell = cell
        super().__init__(self.line())

    def line(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path.name}"
            if self.cell:
                where += f" ({self.cell})"
            where += ": "
        return f"{where}{self.message}"


class UnreadableFile(XlsyncError, ValueError):
    """The file is not a workbook we can read: empty, corrupt, the wrong format."""


class HostileFile(UnreadableFile):
    """The file would exhaust memory or time if read (zip bomb, entity expansion)."""


class PasswordRequired(UnreadableFile):
    """The workbook is encrypted and no (or the wrong) password was given."""


class NoTableFound(XlsyncError, LookupError):
    """No sheet has a header row we recognise for the workbook kind."""


class SchemaError(XlsyncError, ValueError):
    """A schema file is malformed or names something that does not exist."""


class WorkbookLocked(XlsyncError, PermissionError):
    """The workbook is open in Excel or another xlsync run holds it."""


class WriteRefused(XlsyncError, ValueError):
    """A write would break a limit of Excel or lose data, so it was not made."""
