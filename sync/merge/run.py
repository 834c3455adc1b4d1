"""Merge partner returns into a master: read (once), validate, plan, then write losslessly."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sync.errors import ExitCode, NoTableFound, WriteRefused, XlsyncError
from sync.findings import Finding
from sync.kinds import Kind, get_kind
from sync.merge.guards import (
    duplicate_findings,
    one_per_partner,
    refusal_at_source,
    refuse_other_master,
    refuse_other_partner,
    refuse_return_as_master,
    set_aside_rejected_rows,
)
from sync.merge.plan import MergePlan, ReturnInput, ReturnOutcome, plan_merge
from sync.merge.wide import refuse_unplaceable
from sync.model import Register
from sync.parallel import start_files
from sync.partners import named_partners, resolve_partner
from sync.read.open import Book, check_file, open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.report.data import merge_to_dict
from sync.state import (
    HISTORY_SHEET,
    LOG_SHEET,
    issued_meta,
    master_identity,
    read_issued_base,
    read_state,
    sheet_rows,
)
from sync.tables import make_table, plain_columns, to_table
from sync.validate import Checked
from sync.workbooks import expand_paths, validate_in_batches
from sync.write.atomic import check_not_open, fingerprint, lock

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class MergeResult:
    """A merge plan and what became of it on disk."""

    plan: MergePlan
    written: Path | None = None
    backup: Path | None = None
    dry_run: bool = False
    unreadable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # which of two returns was taken, and why
    prefer: str = "master"  # which side won a conflict

    def to_dict(self) -> dict[str, Any]:
        """What `xlsync merge --format json` prints."""
        return merge_to_dict(self.plan, self.written, self.backup, self.dry_run)

    def exit_code(self) -> int:
        """2 when a return could not be read; 1 when a return was rejected or a conflict was
        left for the officer (the master's value kept); else 0."""
        if self.unreadable:
            return int(ExitCode.BAD_INPUT)
        left = bool(self.plan.conflicts) and self.prefer == "master"
        rejected = any(r.status == "rejected" for r in self.plan.returns)
        return int(ExitCode.FINDINGS) if left or rejected else int(ExitCode.OK)


@dataclass(frozen=True, slots=True)
class ReadReturn:
    """A return read and validated, reduced to plain columns: what a worker process sends back.

    Plain lists pickle far faster than a Register or the planner's Records (an object per
    record); the records are keyed in the main process, once the master is known.
    """

    path: Path
    kind: str  # the name of the kind it was read as
    sheet: str
    columns: dict[str, int]
    last_row: int
    rows: list[int]
    names: list[str]
    values: list[list[Any]]  # per column, in `names` order
    named: frozenset[str] | None  # the names in its partner column, None without one
    findings: list[Finding]
    base: dict[str, dict[str, Any]] | None
    issued: dict[str, Any] | None = None  # an issued return's metadata: whose, when, from where
    error: XlsyncError | None = None  # raised once its partner is known, as it always was
    # Register.cells and Register.record_sheets: where a wide return's values sit
    cells: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)


class Unread(NamedTuple):
    """A return that could not be read, and the one line saying why."""

    path: Path
    reason: str


def read_returns(
    paths: Sequence[Path], kind: Kind | None, today: date | None
) -> list[ReadReturn | Unread]:
    """Each return read and validated as `kind` (or as the kind it fits best, when None:
    the master's is not known yet), or the one-line reason it could not be read; for worker
    processes. Small returns are validated together: for a return of 1,000 rows, most of
    the time is the fixed cost of a pandera pass."""
    books: dict[int, Book] = {}  # by id of the register read from it, until it is reduced
    # Without a kind, the kind of the return read before is tried first: a merge's returns
    # are nearly always of one kind, and fitting each against every kind was a tenth of the
    # workers' time in the merge of 300 returns. A return read as another kind than the
    # master's is read again as the master's (_finish_or_error), so a guess never changes
    # what is merged.
    guess = kind

    def read(path: Path) -> Register:
        nonlocal guess
        book = open_book(path)
        try:
            register = read_register(path, schema=guess, book=book)
        except NoTableFound:
            if kind is not None or guess is None:
                raise
            register = read_register(path, schema=None, book=book)
        guess = register.kind
        books[id(register)] = book
        return register

    def done(_path: Path, checked: Checked) -> ReadReturn:
        return _reduced(books.pop(id(checked.register)), checked)

    return validate_in_batches(paths, read, done, lambda path, exc: Unread(path, exc.line()), today)


def _reduced(book: Book, checked: Checked) -> ReadReturn:
    """A read return as plain columns, with the base it was issued with."""
    register, findings = checked.register, checked.findings
    base: dict[str, dict[str, Any]] | None = None
    error: XlsyncError | None = None
    issued = issued_meta(book)
    try:
        base, tampered = read_issued_base(book, register.kind)
    except XlsyncError as exc:
        error = exc
    else:
        if tampered is not None:
            findings = [*findings, tampered]
    names, values = plain_columns(checked.frame)
    return ReadReturn(
        path=register.path,
        kind=register.kind.name,
        sheet=register.sheet,
        columns=dict(register.columns),
        last_row=register.last_row,
        rows=list(register.rows),
        names=names,
        values=values,
        named=named_partners(register),
        findings=findings,
        base=base,
        issued=issued,
        error=error,
        cells=register.cells,
        sheets=register.record_sheets,
    )


def finish_return(
    read: ReadReturn,
    kind: Kind,
    master_partners: Sequence[str],
    partner: str | None,
    keyed: bool,
    master_id: str | None = None,
    master_path: Path | None = None,
) -> ReturnInput:
    """Whose return it is and its keyed records. Raises XlsyncError when that cannot be told,
    or when the return was issued from another master or --partner contradicts it."""
    if master_path is not None:
        refuse_other_master(read.issued, master_id, master_path, read.path)
    refuse_other_partner(partner, read.issued, read.named, read.path, master_partners)
    who = resolve_partner(read.named, read.path, master_partners, partner)
    if read.error is not None:
        raise read.error
    table = make_table(
        str(read.path),
        read.sheet,
        read.columns,
        read.last_row,
        read.rows,
        kind,
        read.names,
        read.values,
        keyed,
        who,
        cells=read.cells,
        sheets=read.sheets,
    )
    findings = [*read.findings, *duplicate_findings(table, read.findings, kind)]
    bad_rows = frozenset(f.row for f in findings if f.severity == "error" and f.row)
    return ReturnInput(
        table=table, partner=who, base=read.base, findings=findings, bad_rows=bad_rows
    )


def _finish_or_error(
    read: ReadReturn | Unread,
    kind: Kind,
    partners: Sequence[str],
    partner: str | None,
    keyed: bool,
    today: date | None,
    master_id: str | None,
    master_path: Path,
) -> tuple[ReturnInput, dict[str, Any] | None] | str:
    if isinstance(read, Unread) or read.kind != kind.name:
        # read before the master's kind was known, as another kind or not at all: read again
        # as the master's kind, whose error names what it looked for
        (read,) = read_returns([read.path], kind, today)
    if isinstance(read, Unread):
        return read.reason
    try:
        return finish_return(
            read, kind, partners, partner, keyed, master_id, master_path
        ), read.issued
    except XlsyncError as exc:
        return exc.line()


def merge_files(
    master_path: str | Path,
    return_paths: Sequence[str | Path],
    *,
    out: str | Path | None = None,
    dry_run: bool = False,
    prefer: str = "master",
    accept_valid_rows: bool = False,
    force: bool = False,
    partner: str | None = None,
    schema: str | Path | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    one_per_partner_only: bool = True,
) -> MergeResult:
    """Merge returns into the master. The master is read once; only planned cells change.

    Of several returns from one partner, only one clearly the newest is merged (none when
    none is), unless `one_per_partner_only` is False: then each is merged in turn, later
    ones revising earlier ones, as the planner does.
    """
    master_path = check_file(master_path)  # before the lock, which leaves a file beside it
    target = Path(out) if out else master_path
    guard: Any = contextlib.nullcontext()
    if not dry_run:
        check_not_open(target, force=force)
        guard = lock(target)
    with guard:
        stamp = None if dry_run else fingerprint(master_path)
        given = None if schema is None else get_kind(schema)
        paths = [p for p in expand_paths(return_paths) if p.resolve() != master_path.resolve()]
        # the returns are read on the other cores while this process reads the master; each
        # as the kind it fits best when none is given (the master's is known only once read)
        pending = start_files(
            read_returns, paths, given, today, label=lambda p: p.name, batched=True
        )
        try:
            book = open_book(master_path)
            refuse_return_as_master(issued_meta(book), master_path)
            master_id = master_identity(book)
            kind = recognise_kind(book, given)
            register = read_register(master_path, schema=kind, book=book)
            keyed = kind.partner_field in register.columns
            table = to_table(register, keyed)
        except BaseException:
            pending.close()
            raise
        partners = sorted({r.partner for r in table.records if r.partner})
        inputs: list[ReturnInput] = []
        unreadable: list[str] = []
        outcomes_unreadable: list[ReturnOutcome] = []
        # each return is keyed as it arrives, while the workers read the rest
        prepared: list[tuple[ReturnInput, dict[str, Any] | None] | str] = pending.results(
            progress,
            then=lambda read: _finish_or_error(
                read, kind, partners, partner, keyed, today, master_id, master_path
            ),
        )
        issued: dict[str, dict[str, Any] | None] = {}
        for path, item in zip(paths, prepared, strict=True):
            if isinstance(item, str):
                unreadable.append(item)
                outcomes_unreadable.append(
                    ReturnOutcome(path=str(path), partner="", status="rejected", reason=item)
                )
            else:
                inputs.append(item[0])
                issued[item[0].table.path] = item[1]
        chosen = one_per_partner(inputs, issued, kind, enforce=one_per_partner_only)
        inputs = chosen.inputs
        history_field = next(iter(kind.history_fields), None)
        date_field = kind.role("updated")
        # parsed once: after many merges it holds every record agreed
        state = read_state(book, register.kind, keyed)
        existing_log = sheet_rows(book, LOG_SHEET)
        existing_history = sheet_rows(book, HISTORY_SHEET)
        # nothing more is read from the master workbook: its grid and calamine's copy can go
        book.close()
        del book
        plan = plan_merge(
            register.kind,
            table,
            inputs,
            keyed_by_partner=keyed,
            prefer=prefer,
            accept_valid_rows=accept_valid_rows,
            state=state,
            history_field=history_field if history_field in register.columns else None,
            date_field=date_field,
            kept_notes=[tuple(r[1:4]) for r in existing_history[1:] if len(r) >= 4],
        )
        refuse_unplaceable(plan, register, keyed)  # a wide master has no cell for some periods
        if accept_valid_rows:
            set_aside_rejected_rows(plan, inputs, table, kind)
        # the plan holds what the write needs; the records of master and returns (a dict each)
        # can go, so the writer reuses their memory rather than adding to it
        del table, inputs, prepared
        plan.returns += chosen.outcomes + outcomes_unreadable
        result = MergeResult(
            plan=plan, dry_run=dry_run, unreadable=unreadable, prefer=prefer, notes=chosen.notes
        )
        if dry_run:
            return result
        from sync.merge.apply import apply_plan

        try:
            written, backup = apply_plan(
                plan,
                register,
                master_path,
                target,
                expect_fingerprint=stamp,
                existing_log=existing_log,
                existing_history=existing_history,
                state=state,
                force=force,
                identity=master_id,
                notes=result.notes,
            )
        except WriteRefused as exc:
            raise refusal_at_source(exc, plan, [master_path, target], register) from None
        result.written, result.backup = written, backup
        return result
