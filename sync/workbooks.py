"""Validate the workbooks an officer names: folders opened, files spread across cores,
marked-up copies written when asked.

This module loads nothing heavy itself. A lone workbook, the usual case before a deadline,
is read here while pandas and pandera load on a thread: calamine parses a sheet without
holding the interpreter lock, and those imports take most of a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sync.errors import XlsyncError
from sync.read.open import Book, open_book

if TYPE_CHECKING:
    from sync.findings import Report
    from sync.model import Register

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

Progress = Callable[[int, int, str], None]


def expand_paths(paths: Iterable[str | Path], *, empty_ok: bool = False) -> list[Path]:
    """Files as given, and the workbooks inside folders (not Excel's ~$ owner files).

    A folder holding no workbook is refused unless `empty_ok`: validating or merging an
    empty folder is a mistyped or wrong folder far more often than a finished job.
    """
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            inside = sorted(
                c
                for c in path.iterdir()
                if c.is_file()
                and c.suffix.lower() in WORKBOOK_SUFFIXES
                and not c.name.startswith(("~$", "."))
            )
            if not inside and not empty_ok:
                raise XlsyncError(
                    "the folder holds no workbooks (.xlsx, .xlsm, .xls, .ods or .csv files)", path
                )
            found += inside
        else:
            found.append(path)
    return found


def check_schema(schema: str | Path | None) -> None:
    """Refuse a misspelt --schema once, before any workbook is read (each would repeat it)."""
    if schema is not None:
        from sync.kinds import get_kind

        get_kind(schema)


def check_annotate_dir(annotate_dir: Path, files: Sequence[Path]) -> None:
    """Refuse to write marked-up copies into the folder of the workbooks being validated:
    each copy takes its original's name, so it would overwrite a partner's own file."""
    target = annotate_dir.resolve()
    for path in files:
        if path.resolve().parent == target:
            raise XlsyncError(
                f"holds the workbooks being validated ({path.name}); the marked-up copies "
                "would overwrite them, so choose another folder for --annotate",
                annotate_dir,
            )


def validate_paths(
    paths: Sequence[str | Path],
    schema: str | Path | None = None,
    today: date | None = None,
    password: str | None = None,
    progress: Progress | None = None,
    keep_registers: bool = True,
) -> tuple[Report, dict[str, Register]]:
    """Validate every workbook named or inside the folders named; with `keep_registers`,
    also the Register read from each (for marking it up)."""
    from sync.findings import Report
    from sync.parallel import map_files

    check_schema(schema)
    files = expand_paths(paths)
    ahead: dict[Path, Book] = {}
    if len(files) == 1:
        book = read_ahead(files[0], password, _load_validation)
        if book is not None:
            ahead[files[0]] = book
        del book  # validate_files lets go of it once the table is read
    else:
        _load_validation()  # before any workers start, so that each inherits it
    from sync.validate import validate_files

    report = Report()
    registers: dict[str, Register] = {}
    results = map_files(
        validate_files,
        files,
        schema,
        today,
        password,
        ahead,  # one file is validated in this process, so its Book need not travel
        keep_registers,
        progress=progress,
        label=lambda p: p.name,
        batched=True,
    )
    for path, (file_report, register) in zip(files, results, strict=True):
        report.files.append(file_report)
        if register is not None:
            registers[str(path)] = register
    return report, registers


def _load_validation() -> None:
    from sync.validate import warm_up

    warm_up()


def read_ahead(path: Path, password: str | None, load: Callable[[], object]) -> Book | None:
    """`path` opened with its visible sheets read, while `load` (which imports modules) runs
    on a thread that starts as calamine begins to parse.

    None if the workbook cannot be read: the caller reads it again and reports why in its
    usual way. `load` has finished when this returns.
    """
    importer = threading.Thread(target=load, daemon=True)
    try:
        book = open_book(path, password=password, while_parsing=importer.start)
        for name in book.sheet_names:
            if name not in book.hidden:
                book.sheet(name)
    except XlsyncError:
        book = None
    finally:
        if importer.ident is not None:
            importer.join()  # nothing else may import while it runs
    return book


def validate_workbooks(
    paths: Sequence[str | Path],
    schema: str | Path | None = None,
    today: date | None = None,
    password: str | None = None,
    annotate_dir: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate workbooks and, if asked, write a marked-up copy of each into `annotate_dir`."""
    if annotate_dir is not None:
        check_annotate_dir(Path(annotate_dir), expand_paths(paths))
    report, registers = validate_paths(
        paths,
        schema=schema,
        today=today,
        password=password,
        progress=progress,
        keep_registers=annotate_dir is not None,
    )
    if annotate_dir is not None:
        from sync.write.annotate import annotate_copy

        for file_report in report.files:
            register = registers.get(file_report.path)
            if register is not None:
                annotate_copy(register, file_report.findings, Path(annotate_dir))
    return report
