"""A marked-up copy of a workbook to send back: failing cells filled, notes, a Validation sheet."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sync.cells import CellRef, quote_sheet
from sync.findings import ERROR, Finding
from sync.model import Register

VALIDATION_SHEET = "Validation"
HEADER = ["Severity", "Cell", "Column", "Value", "Message"]


def annotate_copy(register: Register, findings: Sequence[Finding], out_dir: Path) -> Path:
    """Write `out_dir/<name>` with each finding marked on its cell; the original is untouched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    by_cell: dict[CellRef, list[Finding]] = {}
    for f in findings:
        if f.cell and f.sheet:
            by_cell.setdefault(CellRef.parse(f"{quote_sheet(f.sheet)}!{f.cell}"), []).append(f)
    rows: list[list[Any]] = [HEADER]
    links: dict[tuple[int, int], str] = {}
    for n, f in enumerate(findings, start=2):
        rows.append(
            [
                f.severity,
                f"{f.sheet}!{f.cell}" if f.cell else f.sheet,
                f.column,
                _shown(f.value),
                f.message,
            ]
        )
        if f.cell:
            links[(n, 2)] = f"{quote_sheet(f.sheet)}!{f.cell}"
    if register.format in ("xlsx", "xlsm"):
        return _patch_copy(register, by_cell, rows, links, out_dir)
    return _rebuilt_copy(register, by_cell, rows, out_dir)


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _note(items: list[Finding]) -> str:
    return "\n".join(f"{f.severity.upper()}: {f.message}" for f in items)


def _worst(items: list[Finding]) -> str:
    return "error" if any(f.severity == ERROR for f in items) else "warning"


def _patch_copy(
    register: Register,
    by_cell: dict[CellRef, list[Finding]],
    rows: list[list[Any]],
    links: dict[tuple[int, int], str],
    out_dir: Path,
) -> Path:
    from sync.write.patch import Edits, NewSheet, patch_workbook

    # a copy xlsync writes never carries macros: an .xlsm is marked up as an .xlsx, which
    # patch_workbook makes one (no VBA project, the plain workbook content type)
    target = out_dir / f"{register.path.stem}.xlsx"
    edits = Edits()
    for ref, items in by_cell.items():
        edits.fills[ref] = _worst(items)
        edits.comments[ref] = _note(items)
    edits.sheets.append(
        NewSheet(VALIDATION_SHEET, rows, widths={1: 10, 2: 16, 3: 22, 4: 30, 5: 90}, links=links)
    )
    patch_workbook(register.path, target, edits)
    return target


def _rebuilt_copy(
    register: Register, by_cell: dict[CellRef, list[Finding]], rows: list[list[Any]], out_dir: Path
) -> Path:
    """Legacy .xls, .ods and .csv cannot be patched: the copy is a new .xlsx of the sheet's values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from sync.read.open import open_book
    from sync.write.newbook import save_new_workbook

    grid = open_book(register.path).sheet(register.sheet)
    wb = Workbook()
    ws = wb.active
    ws.title = register.sheet[:31]
    for r, values in enumerate(grid.rows, start=grid.first_row):
        for c, value in enumerate(values, start=grid.first_col):
            if value not in (None, ""):
                cell = ws.cell(r, c)
                cell.value = value
                if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"
    fills = {
        "error": PatternFill("solid", fgColor="FFC7CE"),
        "warning": PatternFill("solid", fgColor="FFEB9C"),
    }
    for ref, items in by_cell.items():
        cell = ws.cell(ref.row, ref.col)
        cell.fill = fills[_worst(items)]
        cell.comment = Comment(_note(items), "xlsync")
    log = wb.create_sheet(VALIDATION_SHEET)
    for values in rows:
        log.append(values)
    for n in range(2, len(rows) + 1):
        target = log.cell(n, 2).value
        if target and "!" in str(target):
            sheet, addr = str(target).rsplit("!", 1)
            log.cell(n, 2).hyperlink = f"#{quote_sheet(sheet)}!{addr}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return save_new_workbook(wb, out_dir / f"{register.path.stem}.xlsx")
