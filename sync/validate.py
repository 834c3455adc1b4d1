"""Validate a Register against its kind with pandera; every failure mapped back to a cell."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from sync.cells import a1
from sync.findings import Finding, make_finding, sort_findings
from sync.kinds import Field, Kind, Rule
from sync.model import Register, clean
from sync.rules import RULES, Context, key_series

EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "@")


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
        values = frame[name].tolist()
        known: dict[str, str | None] = {}  # a status column holds a handful of distinct words
        out: list[Any] = []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
                continue
            if type(v) is str:
                if v not in known:
                    known[v] = f.canonical(v)
                canon = known[v]
            else:
                canon = f.canonical(v)
            if canon is None:
                out.append(v)
                continue
            out.append(canon)
            if canon != v:
                findings.append(_finding(register, "synonym", i, name, v, canonical=canon))
        frame[name] = _objects(out, frame.index)
    return frame, findings


def _objects(values: list[Any], index: pd.Index) -> pd.Series:
    array = np.fromiter(values, dtype=object, count=len(values))  # never split into sequences
    return pd.Series(array, index=index, dtype=object, copy=False)


@dataclass(frozen=True, slots=True)
class Checked:
    """A register validated: its records with vocabulary values in canonical form (what a
    merge compares) and every finding, in sheet order."""

    register: Register
    frame: pd.DataFrame
    findings: list[Finding]


def validate(registers: Sequence[Register], today: date | None = None) -> list[Checked]:
    """Each register validated against its kind, as of `today`; findings are collected, never
    raised. Opens nothing: the registers are read already.

    Tables of one kind and the same columns (a coordinator's returns, issued from one master)
    are checked in a single pandera pass: most of checking a small return is the fixed cost
    of a pass, so three hundred returns of 1,000 rows take a fifth of the time. A reference
    may recur in another table, just not within its own.
    """
    today = today or date.today()
    tables = [(register, *canonical_frame(register)) for register in registers]
    found: list[list[Finding]] = [[] for _ in tables]
    alike: dict[tuple[int, tuple[str, ...]], list[int]] = {}
    for i, (register, frame, _) in enumerate(tables):
        alike.setdefault((id(register.kind), tuple(frame.columns)), []).append(i)
    for members in alike.values():
        checked = _validate_together([tables[i] for i in members], today)
        for i, findings in zip(members, checked, strict=True):
            found[i] = findings
    return [
        Checked(register, frame, findings)
        for (register, frame, _), findings in zip(tables, found, strict=True)
    ]


def validate_register(register: Register, today: date | None = None) -> list[Finding]:
    """The findings of one register: `validate` of it alone."""
    return validate([register], today)[0].findings


def _validate_together(
    tables: list[tuple[Register, pd.DataFrame, list[Finding]]], today: date
) -> list[list[Finding]]:
    kind = tables[0][0].kind
    if len(tables) == 1:
        together = tables[0][1]
        ctx = Context(kind=kind, today=today)
    else:
        together = pd.concat([frame for _, frame, _ in tables], ignore_index=True)
        sizes = [len(frame) for _, frame, _ in tables]
        ctx = Context(kind=kind, today=today, tables=np.repeat(np.arange(len(tables)), sizes))
    cases: pd.DataFrame | None = None
    try:
        # in place: no check changes the frame, and a copy of a large one costs a fifth of a
        # second
        _schema(kind, together, ctx).validate(together, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    found: list[list[Finding]] = []
    index = None if cases is None else pd.to_numeric(cases["index"], errors="coerce")
    start = 0
    for register, frame, synonyms in tables:
        findings = list(synonyms)
        end = start + len(frame)
        if cases is not None and index is not None:
            mine = (index >= start) & (index < end)
            if mine.any():
                local = cases[mine].copy()
                local["index"] = index[mine] - start
                findings += _failures(register, frame, local, Context(kind=kind, today=today))
        found.append(sort_findings(findings))
        start = end
    return found


def _schema(kind: Kind, frame: pd.DataFrame, ctx: Context) -> pa.DataFrameSchema:
    """The pandera schema for the columns this table has; check names carry our codes.

    A cross-field rule reads the whole table but runs as a check on one of its columns:
    as a table-wide check pandera would report each failing record once per column (ten
    failure cases for one overdue item), and walking those is most of a big file's time.
    """
    checks: dict[str, list[pa.Check]] = {
        name: _field_checks(kind.field(name)) for name in frame.columns if name in kind.names
    }
    # Rules reach the frame through a weak reference: pandera keeps the schema as long as the
    # frame it validated in place lives, and a strong one would keep both alive for good.
    table = weakref.ref(frame)
    for rule in kind.rules:
        impl = RULES[rule.rule]
        needed = [n for n in impl.fields(rule, kind) if n]
        if needed and not all(n in frame.columns for n in needed):
            continue  # a rule on columns this workbook lacks does not apply
        anchor = next((n for n in needed if n in checks), None)
        if anchor is None:
            anchor = kind.record_field if kind.record_field in checks else next(iter(checks), None)
        if anchor is None:
            continue
        checks[anchor].append(
            pa.Check(
                lambda _column, impl=impl, rule=rule: impl.passes(table(), rule, ctx),
                name=f"rule:{rule.rule}",
                ignore_na=False,
            )
        )
    # no dtype check: the reader builds every column as plain Python objects, and pandera's
    # dtype check is a fixed cost per column per file, which 300 small returns pay 3,300 times
    columns = {
        name: pa.Column(None, checks=found, nullable=True, required=False)
        for name, found in checks.items()
    }
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def _each(
    test: Callable[[list[Any]], list[bool]],
    name: str,
    quick: Callable[[list[Any]], bool] | None = None,
) -> pa.Check:
    """A check of every value of a column, run as one comprehension over the column's values
    rather than a Python call per value through Series.map.

    `quick`, if given, answers "does every value pass?" with C-speed builtins (a set of types,
    the longest text). It may say no when unsure; only then is the comprehension run. Most
    columns of most registers pass most checks, and the comprehensions were most of checking
    a large clean register.
    """

    def check(s: pd.Series) -> pd.Series:
        values = s.tolist()
        if quick is not None and quick(values):
            return pd.Series(True, index=s.index, dtype=bool)
        return pd.Series(test(values), index=s.index, dtype=bool)

    return pa.Check(check, name=name, ignore_na=False)


def _only(values: list[Any], *types: type) -> bool:
    """Whether every value is exactly one of `types` (None is always allowed)."""
    return set(map(type, values)) <= {type(None), *types}


def _texts_fit(values: list[Any], limit: int) -> bool:
    """Whether no value is text longer than `limit`, when that is quick to tell: a column of
    dates or numbers holds no text, and a column of text is measured with `len` alone."""
    types = set(map(type, values))
    if str not in types:
        return True
    return types <= {type(None), str} and max(map(len, filter(None, values)), default=0) <= limit


def _all_text(values: list[Any], test: Callable[[Iterable[str]], bool]) -> bool:
    """`test` over the non-empty texts, when every value is text or None; False otherwise."""
    try:
        return test(filter(None, values))  # str methods refuse anything but text: TypeError
    except TypeError:
        return False


def _field_checks(f: Field) -> list[pa.Check]:
    """The checks of one field's values, in the order their findings are listed."""
    return [check for make in _FIELD_CHECKS if (check := make(f)) is not None]


def _too_long_check(_f: Field) -> pa.Check:
    """Every field: no text longer than an Excel cell holds."""
    limit = EXCEL_CELL_LIMIT
    return _each(
        lambda vs: [not (isinstance(v, str) and len(v) > limit) for v in vs],
        "too-long",
        lambda vs: _texts_fit(vs, limit),
    )


def _missing_value_check(f: Field) -> pa.Check | None:
    """A required field: no empty or blank value."""
    if not f.required:
        return None
    return _each(
        lambda vs: [not (v is None or (isinstance(v, str) and not v.strip())) for v in vs],
        "missing-value",
        lambda vs: None not in vs and "" not in vs and _all_text(vs, _none_blank),
    )


def _not_allowed_check(f: Field) -> pa.Check | None:
    """A field with a vocabulary: only its words (synonyms are canonical by now)."""
    if not f.vocabulary:
        return None
    allowed = set(f.vocabulary)
    return _each(
        lambda vs: [v is None or v in allowed for v in vs],
        "not-allowed",
        lambda vs: _only(vs, str) and set(vs) <= {None, *allowed},
    )


def _not_a_date_check(f: Field) -> pa.Check | None:
    """A date field: only dates."""
    if f.type != "date":
        return None
    return _each(
        lambda vs: [v is None or isinstance(v, date) for v in vs],
        "not-a-date",
        lambda vs: _only(vs, date, datetime),
    )


def _not_a_number_check(f: Field) -> pa.Check | None:
    """A number or integer field: only numbers."""
    if f.type not in ("number", "integer"):
        return None
    return _each(
        lambda vs: [v is None or _is_number(v) for v in vs],
        "not-a-number",
        lambda vs: _only(vs, int, float),
    )


def _not_whole_check(f: Field) -> pa.Check | None:
    """An integer field: numbers without a fraction (text is not-a-number's finding)."""
    if f.type != "integer":
        return None
    return _each(
        lambda vs: [not _is_number(v) or float(v).is_integer() for v in vs],
        "not-whole",
        lambda vs: _only(vs, int),
    )


def _out_of_range_check(f: Field) -> pa.Check | None:
    """A field with a minimum or maximum: numbers within them."""
    if f.min is None and f.max is None:
        return None
    low = f.min if f.min is not None else float("-inf")
    high = f.max if f.max is not None else float("inf")
    return _each(lambda vs: [not _is_number(v) or low <= v <= high for v in vs], "out-of-range")


def _bad_pattern_check(f: Field) -> pa.Check | None:
    """A field with a pattern: values that begin with a match of it."""
    if not f.pattern:
        return None
    rx = re.compile(f.pattern)
    return _each(lambda vs: [v is None or bool(rx.match(str(v))) for v in vs], "bad-pattern")


def _formula_text_check(f: Field) -> pa.Check | None:
    """A text field partners edit: no text Excel would take for a formula."""
    if not (f.partner_edits and f.type == "text"):
        return None
    return _each(
        lambda vs: [not (isinstance(v, str) and v.startswith(_FORMULA_START)) for v in vs],
        "formula-text",
        lambda vs: _all_text(vs, _no_formula),
    )


_FIELD_CHECKS: tuple[Callable[[Field], pa.Check | None], ...] = (
    _too_long_check,
    _missing_value_check,
    _not_allowed_check,
    _not_a_date_check,
    _not_a_number_check,
    _not_whole_check,
    _out_of_range_check,
    _bad_pattern_check,
    _formula_text_check,
)


def _failures(
    register: Register, frame: pd.DataFrame, cases: pd.DataFrame, ctx: Context
) -> list[Finding]:
    """A finding for each failure case pandera reported on a record, once per code, record
    and field."""
    checks = [str(c) for c in cases["check"].tolist()]
    read = _FailureCases(register, frame, ctx, with_keys="rule:unique-key" in checks)
    findings: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    for check, column, index in zip(
        checks, cases["column"].tolist(), cases["index"].tolist(), strict=True
    ):
        if _no_record(index):
            continue
        i = int(index)
        code, field_name, params = read.about(check, column, i)
        if (code, i, field_name) in seen:
            continue
        seen.add((code, i, field_name))
        if code == "synonym":
            continue
        findings.append(
            _finding(register, code, i, field_name, read.value(code, i, field_name), **params)
        )
    return findings


def _no_record(index: Any) -> bool:
    """Whether a failure case has no record: a check of a column or the table as a whole."""
    return index is None or (isinstance(index, float) and index != index)


class _FailureCases:
    """What a failure case is about (its code, field and the finding's parameters) and the
    value it names, read from the table as it was checked."""

    def __init__(self, register: Register, frame: pd.DataFrame, ctx: Context, with_keys: bool):
        self.register = register
        self.ctx = ctx
        self.names = list(frame.columns)
        self.position = {n: j for j, n in enumerate(self.names)}
        self.table = frame.to_numpy(dtype=object)  # rows by position: the frame's index is 0..n-1
        # a duplicate key names the row that first had it
        self.keys: list[str] = key_series(frame, ctx.kind).tolist() if with_keys else []
        self.first_with_key: dict[str, int] = {}
        for j, key in enumerate(self.keys):
            self.first_with_key.setdefault(key, j)
        self.rules: dict[str, Rule] = {}
        for r in reversed(ctx.kind.rules):
            self.rules[r.rule] = r  # the first rule of a name, as its check is named

    def about(self, check: str, column: Any, i: int) -> tuple[str, str, dict[str, Any]]:
        """The code, field and message parameters of a failed check on record `i`."""
        if check.startswith("rule:"):
            return self._rule(check[5:], i)
        field_name = str(column)
        value = self.table[i, self.position[field_name]]
        return check, field_name, _field_params(self.ctx.kind, check, field_name, value)

    def _rule(self, rule_name: str, i: int) -> tuple[str, str, dict[str, Any]]:
        """A failed rule is found in the field it blames, or else in the first of the fields
        it reads that this sheet has."""
        rule = self.rules[rule_name]
        impl = RULES[rule_name]
        record = dict(zip(self.names, self.table[i], strict=True))
        field_name, params = impl.explain(record, rule, self.ctx)
        columns = self.register.columns
        if field_name not in columns:
            field_name = next(n for n in impl.fields(rule, self.ctx.kind) if n in columns)
        if rule_name == "unique-key" and self.keys:
            params["other"] = self.register.rows[self.first_with_key[self.keys[i]]]
        return impl.code, field_name, params

    def value(self, code: str, i: int, field_name: str) -> Any:
        """The value a finding shows: as the officer typed it for a date that is not one."""
        if code == "not-a-date":
            return self.register.original(i, field_name)
        return clean(
            self.table[i, self.position[field_name]] if field_name in self.position else None
        )


def _none_blank(texts: Iterable[str]) -> bool:
    return all(map(str.strip, texts))


def _no_formula(texts: Iterable[str]) -> bool:
    return not any(map(str.startswith, texts, repeat(_FORMULA_START)))


def _field_params(kind: Kind, code: str, name: str, value: Any) -> dict[str, Any]:
    f = kind.field(name)
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
    f = kind.field(name)
    return f.example or f.title


def _num(value: float | None) -> Any:
    if value is None:
        return "any"
    return int(value) if float(value).is_integer() else value


def _finding(
    register: Register, code: str, i: int, field_name: str, value: Any, **params: Any
) -> Finding:
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


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
