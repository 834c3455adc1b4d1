"""xlsync: keep a council master register and its partners' returns in step.

The names below are imported when first used, so that `validate` does not load the writer
and `patch` does not load pandas: each costs a noticeable part of a second at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.cells import CellRef
    from sync.errors import ExitCode, XlsyncError
    from sync.findings import Finding, Report
    from sync.kinds import Kind, get_kind
    from sync.merge.run import merge_files
    from sync.model import Register
    from sync.read.table import read_register
    from sync.report.data import kind_to_dict, kinds_summary
    from sync.validate import validate_register
    from sync.workbooks import validate_workbooks
    from sync.write.patch import AppendRows, Edits, NewSheet, patch, patch_workbook

_WHERE = {
    "AppendRows": "sync.write.patch",
    "Edits": "sync.write.patch",
    "NewSheet": "sync.write.patch",
    "patch": "sync.write.patch",
    "patch_workbook": "sync.write.patch",
    "CellRef": "sync.cells",
    "ExitCode": "sync.errors",
    "Finding": "sync.findings",
    "Kind": "sync.kinds",
    "Register": "sync.model",
    "Report": "sync.findings",
    "XlsyncError": "sync.errors",
    "get_kind": "sync.kinds",
    "kind_to_dict": "sync.report.data",
    "kinds_summary": "sync.report.data",
    "merge_files": "sync.merge.run",
    "read_register": "sync.read.table",
    "validate_register": "sync.validate",
    "validate_workbooks": "sync.workbooks",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sync' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
