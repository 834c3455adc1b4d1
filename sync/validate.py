"""Validate a Register against its kind with pandera; every failure mapped back to a cell."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from sync.cells import a1
from sync.errors import XlsyncError
from sync.findings import FileReport, Finding, Report, make_finding, sort_findings
from sync.kinds import Field, Kind
from sync.model import Register, clean
from sync.read.table import read_register
from sync.rules import RULES, Context, key_series

EXCEL_CELL_LIMIT = 32_767
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_FORMULA_START = ("=", "+", "@")

Progress = Callable[[int, int, str], None]


def canonical_frame(register: Register) -> tuple[pd.DataFrame, list[Finding]]:
    """The records with vocabulary values in their canonical form, plus a warning per synonym."""
    frame = register.frame.copy()
    findings: list[Finding] = []
    for name in frame.columns:
        if name not in register.kind.names:
            continue
        f = register.kind.field(name)
        if not f.vocabulary:
            continue
        column = frame[name]
        canon = column.map(lambda v: None if v is None else f.canonical(v))
        synonym = canon.notna() & (canon != column)
        for i in synonym[synonym].index:
            findings.append(
                _finding(register, "synonym", int(i), name, column[i], canonical=canon[i])
            )
        frame[name] = canon.where(canon.notna(), column)
    return frame, findings


def validate_register(register: Register, today: date | None = None) -> list[Finding]:
    """Every finding for one table, in sheet order. Findings are collected, never raised."""
    today = today or date.today()
    frame, findings = canonical_frame(register)
    kind = register.kind
    ctx = Context(kind=kind, today=today)
    schema = _schema(kind, frame, ctx)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        findings += _failures(register, frame, exc.failure_cases, ctx)
    return sort_findings(findings)


def _schema(kind: Kind, frame: pd.DataFrame, ctx: Context) -> pa.DataFrameSchema:
    """The pandera schema for the columns this table has; check names carry our codes."""
    columns: dict[str, pa.Column] = {}
    for name in frame.columns:
        if name not in kind.names:
            continue
        checks = _field_checks(kind.field(name))
        columns[name] = pa.Column(object, checks=checks, nullable=True, required=False)
    frame_checks = []
    for rule in kind.rules:
        impl = RULES[rule.rule]
        needed = [n for n in impl.fields(rule, kind) if n]
        if needed and not all(n in frame.columns for n in needed):
            continue  # a rule on columns this workbook lacks does not apply
        frame_checks.append(
            pa.Check(
                lambda df, impl=impl, rule=rule: impl.passes(df, rule, ctx),
                name=f"rule:{rule.rule}",
                ignore_na=False,
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)


def _field_checks(f: Field) -> list[pa.Check]:
    checks = [
        pa.Check(lambda s: ~s.map(_too_long), name="too-long", ignore_na=False),
    ]
    if f.required:
        checks.append(pa.Check(lambda s: ~s.map(_is_blank), name="missing-value", ignore_na=False))
    if f.vocabulary:
        allowed = set(f.vocabulary)
        checks.append(
            pa.Check(lambda s: s.map(lambda v: v is None or v in allowed), name="not-allowed", ignore_na=False)
        )
    if f.type == "date":
        checks.append(
            pa.Check(lambda s: s.map(lambda v: v is None or isinstance(v, date)), name="not-a-date", ignore_na=False)
        )
    if f.type in ("number", "integer"):
        checks.append(pa.Check(lambda s: s.map(lambda v: v is None or _is_number(v)), name="not-a-number", ignore_na=False))
    if f.type == "integer":
        checks.append(
            pa.Check(lambda s: s.map(lambda v: not _is_number(v) or float(v).is_integer()), name="not-whole", ignore_na=False)
        )
    if f.min is not None or f.max is not None:
        low = f.min if f.min is not None else float("-inf")
        high = f.max if f.max is not None else float("inf")
        checks.append(
            pa.Check(
                lambda s: s.map(lambda v: not _is_number(v) or low <= v <= high),
                name="out-of-range",
                ignore_na=False,
            )
        )
    if f.pattern:
        rx = re.compile(f.pattern)
        checks.append(
            pa.Check(
                lambda s: s.map(lambda v: v is None or bool(rx.match(str(v)))),
                name="bad-pattern",
                ignore_na=False,
            )
        )
    if f.partner_edits and f.type == "text":
        checks.append(
            pa.Check(
                lambda s: ~s.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)),
                name="formula-text",
                ignore_na=False,
            )
        )
    return checks


def _failures(
    register: Register, frame: pd.DataFrame, cases: pd.DataFrame, ctx: Context
) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    keys = key_series(frame, ctx.kind) if "rule:unique-key" in set(cases["check"]) else None
    for check, column, index in zip(cases["check"], cases["column"], cases["index"], strict=True):
        if index is None or (isinstance(index, float) and index != index):
            continue
        i = int(index)
        if str(check).startswith("rule:"):
            rule_name = str(check)[5:]
            rule = next(r for r in ctx.kind.rules if r.rule == rule_name)
            impl = RULES[rule_name]
            field_name, params = impl.explain(frame.loc[i], rule, ctx)
            if field_name not in register.columns:
                field_name = next(n for n in impl.fields(rule, ctx.kind) if n in register.columns)
            if rule_name == "unique-key" and keys is not None:
                first = keys[keys == keys[i]].index[0]
                params["other"] = register.rows[int(first)]
            code = impl.code
        else:
            code, field_name, params = str(check), str(column), _field_params(ctx.kind, str(check), str(column), frame, i)
        if (code, i, field_name) in seen:
            continue
        seen.add((code, i, field_name))
        value = frame.at[i, field_name] if field_name in frame.columns else None
        if code == "synonym":
            continue
        findings.append(_finding(register, code, i, field_name, register.original(i, field_name) if code in ("not-a-date",) else clean(value), **params))
    return findings


def _field_params(kind: Kind, code: str, name: str, frame: pd.DataFrame, i: int) -> dict[str, Any]:
    f = kind.field(name)
    value = frame.at[i, name]
    if code == "not-allowed":
        return {"allowed": ", ".join(f.vocabulary)}
    if code == "out-of-range":
        return {"low": _num(f.min), "high": _num(f.max)}
    if code == "too-long":
        return {"length": len(str(value))}
    if code == "bad-pattern":
        return {"example": _example(kind, name)}
    return {}


def _example(kind: Kind, name: str) -> str:
    examples = {"code": "NI 195", "period": "2008/09 Q3"}
    return examples.get(name, kind.field(name).title)


def _num(value: float | None) -> Any:
    if value is None:
        return "any"
    return int(value) if float(value).is_integer() else value


def _finding(register: Register, code: str, i: int, field_name: str, value: Any, **params: Any) -> Finding:
    col = register.columns.get(field_name)
    row = register.rows[i]
    header = register.headers.get(field_name) or register.kind.field(field_name).title
    return make_finding(
        code,
        header=header,
        value=clean(value),
        file=str(register.path),
        sheet=register.sheet,
        cell=a1(row, col) if col else "",
        row=row,
        field=field_name,
        **params,
    )


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _too_long(v: Any) -> bool:
    return isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders (not Excel's ~$ owner files)."""
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found += sorted(
                c
                for c in path.iterdir()
                if c.is_file()
                and c.suffix.lower() in WORKBOOK_SUFFIXES
                and not c.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


def validate_file(
    path: Path, schema: str | Path | None = None, today: date | None = None, password: str | None = None
) -> tuple[FileReport, Register | None]:
    """Read and validate one workbook; an unreadable one gives a report with its error line."""
    try:
        register = read_register(path, schema=schema, password=password)
    except XlsyncError as exc:
        return FileReport(path=str(path), error=exc.line()), None
    findings = validate_register(register, today=today)
    report = FileReport(
        path=str(path),
        schema=register.kind.name,
        sheet=register.sheet,
        records=len(register),
        findings=findings,
    )
    return report, register


def validate_paths(
    paths: Sequence[str | Path],
    schema: str | Path | None = None,
    today: date | None = None,
    password: str | None = None,
    progress: Progress | None = None,
) -> tuple[Report, dict[str, Register]]:
    """Validate every workbook named or inside the folders named."""
    from sync.parallel import map_files

    files = expand_paths(paths)
    report = Report()
    registers: dict[str, Register] = {}
    results = map_files(validate_file, files, schema, today, password, progress=progress, label=lambda p: p.name)
    for path, (file_report, register) in zip(files, results, strict=True):
        report.files.append(file_report)
        if register is not None:
            registers[str(path)] = register
    return report, registers


def validate_workbooks(
    paths: Sequence[str | Path],
    schema: str | Path | None = None,
    today: date | None = None,
    password: str | None = None,
    annotate_dir: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate workbooks and, if asked, write a marked-up copy of each into `annotate_dir`."""
    report, registers = validate_paths(paths, schema=schema, today=today, password=password, progress=progress)
    if annotate_dir is not None:
        from sync.write.annotate import annotate_copy

        for file_report in report.files:
            register = registers.get(file_report.path)
            if register is not None:
                annotate_copy(register, file_report.findings, Path(annotate_dir))
    return report
