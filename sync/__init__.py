"""xlsync: keep a council master register and its partners' returns in step."""

from __future__ import annotations

from sync.cells import CellRef
from sync.errors import ExitCode, XlsyncError
from sync.findings import Finding, Report
from sync.kinds import Kind, get_kind
from sync.merge.run import merge_files
from sync.model import Register
from sync.read.table import read_register
from sync.report.data import kind_to_dict, kinds_summary
from sync.validate import validate_register, validate_workbooks
from sync.write.patch import AppendRows, Edits, NewSheet, patch, patch_workbook

__all__ = [
    "AppendRows",
    "Edits",
    "NewSheet",
    "patch",
    "patch_workbook",
    "CellRef",
    "ExitCode",
    "Finding",
    "Kind",
    "Register",
    "Report",
    "XlsyncError",
    "get_kind",
    "kind_to_dict",
    "kinds_summary",
    "merge_files",
    "read_register",
    "validate_register",
    "validate_workbooks",
]
