"""xlsync: keep a council master register and its partners' returns in step."""

from __future__ import annotations

from sync.cells import CellRef
from sync.errors import ExitCode, XlsyncError
from sync.kinds import Kind, get_kind
from sync.model import Register
from sync.read.table import read_register

__all__ = ["CellRef", "ExitCode", "Kind", "Register", "XlsyncError", "get_kind", "read_register"]
