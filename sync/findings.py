"""Findings: what validation (and merging) found, each naming its sheet and cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sync.model import jsonable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    """One kind of finding: its severity, a title, and the message template officers read."""

    severity: str
    title: str
    template: str


# The one catalogue of finding codes. Templates use: {header} (as the officer wrote it),
# {value}, and the extra parameters named per code.
CATALOGUE: dict[str, Code] = {
    "missing-value": Code(
        ERROR, "Required value missing", "{header} is empty; it must be filled in"
    ),
    "not-allowed": Code(ERROR, "Value not allowed", "{header} {value!r} is not one of: {allowed}"),
    "synonym": Code(
        WARNING, "Value written another way", "{header} {value!r} is read as {canonical!r}"
    ),
    "not-a-date": Code(
        ERROR,
        "Not a date",
        "{header} {value!r} is not a date (use day/month/year, e.g. 06/03/2007)",
    ),
    "not-a-number": Code(ERROR, "Not a number", "{header} {value!r} is not a number"),
    "not-whole": Code(ERROR, "Not a whole number", "{header} {value!r} is not a whole number"),
    "out-of-range": Code(
        ERROR, "Out of range", "{header} {value!r} is outside the range {low} to {high}"
    ),
    "bad-pattern": Code(
        ERROR, "Badly formed", "{header} {value!r} is not in the expected form (e.g. {example})"
    ),
    "too-long": Code(
        ERROR,
        "Text too long for Excel",
        "{header} holds {length:,} characters; Excel cells hold at most 32,767",
    ),
    "duplicate-key": Code(
        ERROR,
        "Duplicate reference",
        "{header} {value!r} appears more than once{scope} (also row {other})",
    ),
    "needs-progress": Code(
        ERROR,
        "Closed without a progress note",
        "{header} is empty but the item is {status}; say what was done",
    ),
    "future-date": Code(ERROR, "Date in the future", "{header} {value} is after today ({today})"),
    "overdue": Code(
        WARNING, "Overdue", "overdue: {header} {value} has passed and the item is {status}"
    ),
    "rag-status": Code(
        WARNING,
        "RAG disagrees with status",
        "RAG {value!r} does not fit status {status!r}; expected {expected}",
    ),
    "indicator-rag": Code(
        WARNING,
        "RAG disagrees with performance",
        "RAG {value!r} does not fit actual {actual} against target {target} ({polarity}); expected {expected!r}",
    ),
    "risk-score": Code(
        ERROR, "Risk score wrong", "{header} {value!r} should be likelihood × impact = {expected}"
    ),
    "base-tampered": Code(
        WARNING,
        "Stored copy changed",
        "the copy of what was sent, stored in this return, has been changed; merged two-way",
    ),
    "formula-text": Code(
        WARNING,
        "Looks like a formula",
        "{header} {value!r} looks like a formula; xlsync keeps it as text",
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (or worth a look) in one cell of one workbook."""

    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""
    field: str = ""
    value: Any = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": jsonable(self.value),
            "code": self.code,
            "message": self.message,
        }


def make_finding(code: str, *, header: str = "", value: Any = None, **params: Any) -> Finding:
    """A finding with its message filled in from the catalogue."""
    entry = CATALOGUE[code]
    shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
    message = entry.template.format(header=header, value=shown, **params)
    return Finding(
        code=code,
        severity=entry.severity,
        message=message[:1].upper() + message[1:],
        value=value,
        column=header,
        **_where(params),
    )


def _where(params: dict[str, Any]) -> dict[str, Any]:
    return {k: params[k] for k in ("file", "sheet", "cell", "row", "field") if k in params}


@dataclass(slots=True)
class FileReport:
    """Validation of one file: what was read and what was found, or why it could not be read."""

    path: str
    schema: str = ""
    sheet: str = ""
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "schema": self.schema,
            "sheet": self.sheet,
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass(slots=True)
class Report:
    """Validation of many files."""

    files: list[FileReport] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files]}

    @property
    def unreadable(self) -> list[FileReport]:
        return [f for f in self.files if f.error is not None]

    def exit_code(self, strict: bool = False) -> int:
        """2 when a file could not be read, 1 when any error (or warning, if strict), else 0."""
        if self.unreadable:
            return 2
        if any(f.errors for f in self.files) or (strict and any(f.warnings for f in self.files)):
            return 1
        return 0


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """In sheet order: by row, then column letter width and letters."""
    return sorted(
        findings,
        key=lambda f: (f.file, f.sheet, f.row or 0, len(f.cell), f.cell, f.code),
    )
