"""Masters of the other built-in kinds, built with openpyxl: an indicator return over three
quarters, a risk register scored before and after mitigation, a partnership action plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from builders import Sheet, build

PARTNERS = ["Burnley", "Chorley", "South Ribble"]
PERIODS = ["2008/09 Q1", "2008/09 Q2", "2008/09 Q3"]
# code: (indicator, polarity, target, actual per quarter for Burnley; others add their offset)
INDICATORS = {
    "NI 181": ("Time taken to process benefit claims", "Lower is better", 12.0, (13.0, 12.4, 11.5)),
    "LPI 12": ("Calls answered within 20 seconds", "Higher is better", 80.0, (81.5, 74.2, 79.0)),
}
OFFSET = {"Burnley": 0.0, "Chorley": 1.0, "South Ribble": -0.5}
NOT_REPORTED = ("South Ribble", "LPI 12")  # its Q3 actual is still blank when issued


def rag(actual: Any, target: float, polarity: str) -> str | None:
    from sync.rules import expected_indicator_rag

    return expected_indicator_rag(actual, target, polarity)


def indicator_rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    for partner in PARTNERS:
        for code, (name, polarity, target, actuals) in INDICATORS.items():
            for period, actual in zip(PERIODS, actuals, strict=True):
                value: float | None = actual + OFFSET[partner]
                if (partner, code) == NOT_REPORTED and period == PERIODS[-1]:
                    value = None
                note = f"{partner} {code} {period}: <b>on course</b> & checked"
                rows.append(
                    [partner, code, name, period, target, value, polarity,
                     rag(value, target, polarity), note if value is not None else None,
                     date(2009, 1, 5)]
                )  # fmt: skip
    return rows


INDICATOR_HEADER = ["Partner", "PI Code", "Indicator", "Period", "Target", "Actual", "Polarity",
                    "RAG", "Comments", "Last Updated"]  # fmt: skip


def indicators_master(path: Path) -> Path:
    return build(
        path,
        Sheet("Indicators", INDICATOR_HEADER, indicator_rows(), titles=["Lancashire PIs 2008/09"]),
    )


# (partner, ref, likelihood, impact, residual likelihood, residual impact, status)
RISKS = [
    ("Burnley", "R01", 5, 4, 3, 3, "Open"),
    ("Burnley", "R02", 2, 2, 1, 2, "Open"),
    ("Burnley", "R03", 4, 4, 2, 4, "Escalated"),
    ("Chorley", "R01", 3, 3, 2, 2, "Open"),
    ("Chorley", "R02", 1, 5, 1, 3, "Closed"),
    ("Chorley", "R03", 5, 5, 4, 4, "Open"),
    ("South Ribble", "R01", 2, 4, 2, 2, "Open"),
    ("South Ribble", "R02", 3, 3, 3, 2, "Open"),
]
RISK_HEADER = ["Partner", "Risk Ref", "Risk Description", "Category", "Likelihood", "Impact",
               "Risk Score", "Residual Likelihood", "Residual Impact", "Residual Score",
               "Risk Owner", "Mitigation", "Status", "Last Reviewed"]  # fmt: skip


def risk_rows() -> list[list[Any]]:
    return [
        [partner, ref, f"{partner} risk {ref}: <script>alert(1)</script>", "Operational",
         lk, im, lk * im, rl, ri, rl * ri, f"Head of {partner} services",
         f"Mitigation for {partner} {ref}", status, date(2007, 2, 1)]
        for partner, ref, lk, im, rl, ri, status in RISKS
    ]  # fmt: skip


def risks_master(path: Path) -> Path:
    return build(
        path, Sheet("Risk Register", RISK_HEADER, risk_rows(), titles=["Partnership risks"])
    )


# (partner, activity, theme, target date, status)
ACTIVITIES = [
    ("Burnley", "Facilities Management", "Property Services", date(2007, 1, 31), "In progress"),
    ("Burnley", "Joint Procurement", "Procurement", date(2007, 6, 30), "Not started"),
    ("Chorley", "Shared Accommodation", "Property Services", date(2006, 12, 31), "Complete"),
    ("Chorley", "Joint Procurement", "Procurement", date(2007, 2, 28), "Paused"),
    (
        "South Ribble",
        "Facilities Management",
        "Property Services",
        date(2007, 9, 30),
        "In progress",
    ),
    ("South Ribble", "Shared Payroll", "Procurement", date(2007, 3, 1), "In progress"),
]
ACTION_HEADER = ["Partner", "Service Activity", "Section", "Current Position", "Responsibility",
                 "Target Date", "Status", "Last Updated"]  # fmt: skip


def action_rows() -> list[list[Any]]:
    return [
        [partner, activity, theme, f"{activity} for {partner}: being progressed",
         "Corporate Director", due, status, date(2007, 2, 15)]
        for partner, activity, theme, due, status in ACTIVITIES
    ]  # fmt: skip


def action_plan_master(path: Path) -> Path:
    return build(
        path,
        Sheet("Action Plan", ACTION_HEADER, action_rows(), titles=["City and County activity"]),
    )
