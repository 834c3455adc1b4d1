"""Validate the workbooks an officer names: the workflow that opens them, spreads them across
cores and writes marked-up copies when asked; validation itself is `validate.validate`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sync.errors import XlsyncError
from sync.findings import FileReport, Report
from sync.kinds import get_kind
from sync.model import Register
from sync.parallel import map_files
from sync.recognise import read_recognised
from sync.validate import Checked, validate

T = TypeVar("T")
R = TypeVar("R")

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


# Workbooks up to this many records are validated together; a bigger one on its own, at
# once, so that no more than one large register is held in memory.
BATCH_RECORDS = 5_000


def validate_in_batches(
    items: Sequence[T],
    read: Callable[[T], Register],
    done: Callable[[T, Checked], R],
    failed: Callable[[T, XlsyncError], R],
    today: date | None = None,
) -> list[R]:
    """For each item, `done(item, checked)` with the Register `read` gives, validated, or
    `failed(item, error)` when it cannot be read; in the items' order.

    Small tables are validated together (one pandera pass); a table over BATCH_RECORDS at
    once, on its own, so that no more than one large register waits for the others.
    """
    out: list[Any] = []
    small: list[tuple[int, T, Register]] = []
    for item in items:
        try:
            register = read(item)
        except XlsyncError as exc:
            out.append(failed(item, exc))
            continue
        if len(register) > BATCH_RECORDS:
            (checked,) = validate([register], today)
            out.append(done(item, checked))
            continue
        small.append((len(out), item, register))
        out.append(None)  # filled in below
    for (at, item, _), checked in zip(
        small, validate([r for _, _, r in small], today), strict=True
    ):
        out[at] = done(item, checked)
    return out


def _validate_files(
    paths: Sequence[Path],
    schema: str | Path | None,
    today: date | None,
    password: str | None,
    keep_registers: bool,
) -> list[tuple[FileReport, Register | None]]:
    """Read and validate each workbook, for a worker process; an unreadable one gives a report
    with its error line. Without `keep_registers` only the reports come back: a worker need
    not send each register's records back when nothing will mark them up."""

    def read(path: Path) -> Register:
        return read_recognised(path, schema=schema, password=password)

    def done(path: Path, checked: Checked) -> tuple[FileReport, Register | None]:
        register = checked.register
        report = FileReport(
            path=str(path),
            schema=register.kind.name,
            sheet=register.sheet,
            records=len(register),
            findings=checked.findings,
        )
        return report, register if keep_registers else None

    def failed(path: Path, exc: XlsyncError) -> tuple[FileReport, Register | None]:
        return FileReport(path=str(path), error=exc.line()), None

    return validate_in_batches(paths, read, done, failed, today)


def validate_workbooks(
    paths: Sequence[str | Path],
    schema: str | Path | None = None,
    today: date | None = None,
    password: str | None = None,
    annotate_dir: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate every workbook named or inside the folders named and, if asked, write a
    marked-up copy of each into `annotate_dir`."""
    check_schema(schema)
    files = expand_paths(paths)
    if annotate_dir is not None:
        check_annotate_dir(Path(annotate_dir), files)
    results = map_files(
        _validate_files,
        files,
        schema,
        today,
        password,
        annotate_dir is not None,
        progress=progress,
        label=lambda p: p.name,
        batched=True,
    )
    report = Report(files=[file_report for file_report, _ in results])
    if annotate_dir is not None:
        from sync.write.annotate import annotate_copy  # the writer, only when asked

        for file_report, register in results:
            if register is not None:
                annotate_copy(register, file_report.findings, Path(annotate_dir))
    return report
