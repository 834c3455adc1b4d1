"""Cross-field rules a schema may name: each a vectorised check plus the words for a failure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from sync.keys import record_keys
from sync.kinds import Kind, Rule


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may need besides the records: the kind and today's date; and, when several
    tables are checked in one pass, which table each record came from."""

    kind: Kind
    today: date
    tables: Any = None  # None, or a table number per record


@dataclass(frozen=True, slots=True)
class RuleImpl:
    """A rule: `passes` gives True per record that satisfies it; `explain` names the field to
    point at and the message parameters for one that does not."""

    code: str
    fields: Callable[[Rule, Kind], tuple[str, ...]]
    passes: Callable[[pd.DataFrame, Rule, Context], pd.Series]
    explain: Callable[[Mapping[str, Any], Rule, Context], tuple[str, dict[str, Any]]]


def _col(df: pd.DataFrame, name: str | None) -> pd.Series:
    if name is None or name not in df.columns:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    return df[name]


def _blank(s: pd.Series) -> pd.Series:
    spaces = np.array([isinstance(v, str) and not v.strip() for v in s.tolist()], dtype=bool)
    return s.isna() | spaces


def _in(s: pd.Series, values: tuple[str, ...]) -> pd.Series:
    return s.isin(values)


def _conditions(df: pd.DataFrame, rule: Rule) -> pd.Series:
    """Records the rule applies to: every `when` holds and no `unless` does."""
    mask = pd.Series(True, index=df.index)
    for name, values in rule.when.items():
        mask &= _in(_col(df, name), values)
    for name, values in rule.unless.items():
        mask &= ~_in(_col(df, name), values)
    return mask


def _each(s: pd.Series, values: list[bool]) -> pd.Series:
    return pd.Series(values, index=s.index, dtype=bool)


# needs-progress -------------------------------------------------------------------------
def _history_field(kind: Kind) -> str | None:
    return next((f.name for f in kind.fields if f.history), None)


def _needs_progress(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """A closed or complete item needs a progress note saying what was done."""
    applies = _conditions(df, rule)
    return ~(applies & _blank(_col(df, _history_field(ctx.kind))))


def _needs_progress_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    status_field = next(iter(rule.when), "status")
    return _history_field(ctx.kind) or status_field, {"status": row.get(status_field)}


# not-future ---------------------------------------------------------------------------
def _not_future(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """A last-updated date cannot be later than today."""
    values = _col(df, rule.field)
    today = ctx.today
    return _each(values, [not (isinstance(d, date) and d > today) for d in values.tolist()])


def _not_future_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    return rule.field or "", {"today": ctx.today.strftime("%d/%m/%Y")}


# overdue ------------------------------------------------------------------------------
def _overdue(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """The target date has passed and the item is not complete."""
    values = _col(df, rule.field)
    today = ctx.today
    passed = _each(values, [isinstance(d, date) and d < today for d in values.tolist()])
    return ~(passed & _conditions(df, rule))


def _overdue_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    status = row.get("status")
    return rule.field or "", {
        "status": status if isinstance(status, str) and status else "not marked complete"
    }


# rag-status ---------------------------------------------------------------------------
_DONE = ("Complete", "Closed")


def _rag_status(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """A complete or closed item is Green; Green does not fit a paused one."""
    rag, status = _col(df, "rag"), _col(df, "status")
    wrong = (_in(status, _DONE) & _in(rag, ("Red", "Amber"))) | (
        _in(status, ("Paused",)) & _in(rag, ("Green",))
    )
    return ~wrong


def _rag_status_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    status = row.get("status")
    expected = "Green" if status in _DONE else "Red or Amber"
    return "rag", {"status": status, "expected": expected}


# indicator-rag ------------------------------------------------------------------------
AMBER_MARGIN = 0.05  # within 5% of target is Amber, as the sample returns explain


def expected_indicator_rag(actual: Any, target: Any, polarity: Any) -> str | None:
    """Green when the target is met, Amber within 5% of it, Red otherwise."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (actual, target)):
        return None
    if polarity not in ("Higher is better", "Lower is better"):
        return None
    higher = polarity == "Higher is better"
    met = actual >= target if higher else actual <= target
    if met:
        return "Green"
    gap = (target - actual) if higher else (actual - target)
    return "Amber" if gap <= abs(target) * AMBER_MARGIN else "Red"


def _indicator_rag(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """The RAG given agrees with actual against target and the indicator's polarity."""
    expected = [
        expected_indicator_rag(a, t, p)
        for a, t, p in zip(
            _col(df, "actual"), _col(df, "target"), _col(df, "polarity"), strict=True
        )
    ]
    rag = _col(df, "rag")
    return pd.Series(
        [
            e is None or r is None or r not in ("Red", "Amber", "Green") or r == e
            for e, r in zip(expected, rag, strict=True)
        ],
        index=df.index,
    )


def _indicator_rag_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    expected = expected_indicator_rag(row.get("actual"), row.get("target"), row.get("polarity"))
    return "rag", {
        "expected": expected,
        "actual": row.get("actual"),
        "target": row.get("target"),
        "polarity": str(row.get("polarity")).lower(),
    }


# risk-score ---------------------------------------------------------------------------
def _product(row_l: Any, row_i: Any) -> int | None:
    if isinstance(row_l, int | float) and isinstance(row_i, int | float):
        return int(row_l * row_i)
    return None


def _risk_score(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """The risk score is likelihood times impact."""
    expected = [
        _product(a, b) for a, b in zip(_col(df, "likelihood"), _col(df, "impact"), strict=True)
    ]
    score = _col(df, "score")
    return pd.Series(
        [
            e is None or not isinstance(s, int | float) or s == e
            for e, s in zip(expected, score, strict=True)
        ],
        index=df.index,
    )


def _risk_score_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    return "score", {"expected": _product(row.get("likelihood"), row.get("impact"))}


# unique-key ---------------------------------------------------------------------------
def key_series(df: pd.DataFrame, kind: Kind) -> pd.Series:
    """Each record's key for matching (sync.keys.record_keys), the partner included when
    the kind's key names it."""
    columns = {name: _col(df, name).tolist() for name in kind.identity}
    owners = _col(df, kind.partner_field).tolist() if kind.partner_field in kind.key else None
    return pd.Series(record_keys(kind, columns, len(df), owners), index=df.index, dtype=object)


def _unique_key(df: pd.DataFrame, rule: Rule, ctx: Context) -> pd.Series:
    """Each reference appears once (per partner, in a multi-partner register)."""
    key = key_series(df, ctx.kind)
    if ctx.tables is not None:  # a ref may recur in another table, just not in its own
        key = pd.Series(
            [f"{t}\x1e{k}" for t, k in zip(ctx.tables, key, strict=True)], index=df.index
        )
    has_key = ~_blank(_col(df, ctx.kind.record_field))
    return ~(key.duplicated(keep="first") & has_key)


def _unique_key_explain(
    row: Mapping[str, Any], rule: Rule, ctx: Context
) -> tuple[str, dict[str, Any]]:
    partner = row.get(ctx.kind.partner_field)
    scope = f" for {partner}" if isinstance(partner, str) and partner else ""
    return ctx.kind.record_field, {"scope": scope}


def _fields_of(*names: str) -> Callable[[Rule, Kind], tuple[str, ...]]:
    return lambda rule, kind: names


RULES: dict[str, RuleImpl] = {
    "needs-progress": RuleImpl(
        "needs-progress",
        lambda r, k: (*r.when, *(h for h in [_history_field(k)] if h)),
        _needs_progress,
        _needs_progress_explain,
    ),
    "not-future": RuleImpl(
        "future-date", lambda r, k: (r.field,) if r.field else (), _not_future, _not_future_explain
    ),
    "overdue": RuleImpl(
        "overdue", lambda r, k: (r.field,) if r.field else (), _overdue, _overdue_explain
    ),
    "rag-status": RuleImpl(
        "rag-status", _fields_of("rag", "status"), _rag_status, _rag_status_explain
    ),
    "indicator-rag": RuleImpl(
        "indicator-rag",
        _fields_of("rag", "actual", "target", "polarity"),
        _indicator_rag,
        _indicator_rag_explain,
    ),
    "risk-score": RuleImpl(
        "risk-score", _fields_of("score", "likelihood", "impact"), _risk_score, _risk_score_explain
    ),
    "unique-key": RuleImpl(
        "duplicate-key", lambda r, k: (k.record_field,), _unique_key, _unique_key_explain
    ),
}


def rule_sentence(name: str) -> str:
    """The sentence an officer reads for a rule: its check's docstring."""
    doc = RULES[name].passes.__doc__ or name
    return " ".join(doc.split())
