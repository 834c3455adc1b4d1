"""The plain baselines xlsync is measured against: what a council analyst would write by hand.

- `validate`: `pandas.read_excel(engine="openpyxl")` of the register, the header row given,
  section rows dropped, status/RAG synonyms mapped, then a pandera schema with the checks
  xlsync makes (required fields, allowed words, dates that parse, no future update, closed
  items have a note, RAG fits status, overdue items, one row per partner and ref, text that
  fits a cell, no formula-like notes), dates coerced by pandera as pandera users do.
- `merge`: openpyxl loads the master (styles kept, so it can be saved), pandas reads each
  return, rows are matched on (partner, ref) and the partner's columns copied where they
  differ, new rows appended, and openpyxl saves the master.

Both know the layout (header on row 5), as a script written for one register would.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

HEADER_ROW = 5
FIELDS = {
    "Partner": "partner",
    "Ref": "ref",
    "Recommendation": "recommendation",
    "Lead Officer": "lead",
    "Date Agreed": "agreed_date",
    "Target Date": "target_date",
    "Status": "status",
    "RAG": "rag",
    "Progress / Comments": "progress",
    "Last Updated": "updated",
}
STATUSES = ("Not started", "In progress", "Complete", "Closed", "Paused")
RAGS = ("Red", "Amber", "Green")
DONE = ("Complete", "Closed")
SYNONYMS = {
    "status": {
        "not yet started": "Not started",
        "not commenced": "Not started",
        "to do": "Not started",
        "outstanding": "Not started",
        "ongoing": "In progress",
        "on-going": "In progress",
        "underway": "In progress",
        "under way": "In progress",
        "started": "In progress",
        "on track": "In progress",
        "in hand": "In progress",
        "completed": "Complete",
        "done": "Complete",
        "achieved": "Complete",
        "implemented": "Complete",
        "finished": "Complete",
        "considered closed": "Closed",
        "item closed": "Closed",
        "on hold": "Paused",
        "deferred": "Paused",
        "suspended": "Paused",
        **{s.lower(): s for s in STATUSES},
    },
    "rag": {
        "r": "Red",
        "a": "Amber",
        "yellow": "Amber",
        "g": "Green",
        **{r.lower(): r for r in RAGS},
    },
}
WARNINGS = ("overdue", "rag-status")
PARTNER_COLUMNS = ("Status", "RAG", "Progress / Comments", "Last Updated")
CELL_LIMIT = 32_767


def validate(path: str, today: str) -> dict[str, Any]:
    import pandas as pd
    import pandera.pandas as pa
    from pandera.engines import pandas_engine

    day = pd.Timestamp(today)
    df = pd.read_excel(
        path, sheet_name=0, header=HEADER_ROW - 1, engine="openpyxl", dtype={"Ref": str}
    )
    df = df.rename(columns=FIELDS)
    df = df.dropna(subset=[c for c in df.columns if c != "partner"], how="all")  # section rows
    synonyms = 0
    for name, table in SYNONYMS.items():
        before = df[name]
        df[name] = before.map(
            lambda v, t=table: t.get(v.strip().lower(), v) if isinstance(v, str) else v
        )
        synonyms += int((df[name].notna() & (df[name] != before)).sum())

    when = pandas_engine.DateTime(to_datetime_kwargs={"dayfirst": True, "format": "mixed"})
    fits = pa.Check.str_length(max_value=CELL_LIMIT, name="too-long")
    schema = pa.DataFrameSchema(
        {
            "partner": pa.Column(str, fits, nullable=True),
            "ref": pa.Column(str, nullable=False, coerce=True),
            "recommendation": pa.Column(str, fits, nullable=False),
            "lead": pa.Column(str, fits, nullable=True),
            "agreed_date": pa.Column(when, nullable=True, coerce=True),
            "target_date": pa.Column(when, nullable=True, coerce=True),
            "status": pa.Column(str, pa.Check.isin(STATUSES, name="not-allowed"), nullable=True),
            "rag": pa.Column(str, pa.Check.isin(RAGS, name="not-allowed"), nullable=True),
            "progress": pa.Column(
                str,
                [fits, pa.Check(lambda s: ~s.str.startswith(("=", "+", "@")), name="formula-text")],
                nullable=True,
            ),
            "updated": pa.Column(
                when, pa.Check.le(day, name="future-date"), nullable=True, coerce=True
            ),
        },
        checks=[
            pa.Check(
                lambda d: ~(d["status"].isin(DONE) & d["progress"].isna()), name="needs-progress"
            ),
            pa.Check(
                lambda d: ~((d["target_date"] < day) & ~d["status"].isin(DONE)), name="overdue"
            ),
            pa.Check(
                lambda d: (
                    ~(
                        (d["status"].isin(DONE) & d["rag"].isin(("Red", "Amber")))
                        | ((d["status"] == "Paused") & (d["rag"] == "Green"))
                    )
                ),
                name="rag-status",
            ),
            pa.Check(lambda d: ~_keys(d).duplicated(), name="duplicate-key"),
        ],
    )
    try:
        schema.validate(df, lazy=True)
        cases = None
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    errors = warnings = 0
    if cases is not None:
        per_row = cases.drop_duplicates(["check", "index"])
        is_warning = per_row["check"].isin(WARNINGS)
        warnings, errors = int(is_warning.sum()), int((~is_warning).sum())
    return {"records": len(df), "errors": errors, "warnings": warnings + synonyms}


def _keys(d: Any) -> Any:
    ref = (
        d["ref"].astype(str).str.strip().str.lower().str.replace(r"[\s.,;:/\-_()]+", "", regex=True)
    )
    return d["partner"].astype(str).str.strip().str.lower() + "\x1f" + ref


def merge(master: str, returns_dir: str) -> dict[str, Any]:
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(master)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[HEADER_ROW] if c.value}
    where: dict[tuple[str, str], int] = {}
    last = HEADER_ROW
    for r, (partner, ref) in enumerate(
        ws.iter_rows(min_row=HEADER_ROW + 1, max_col=2, values_only=True), start=HEADER_ROW + 1
    ):
        if ref is not None:
            where[(str(partner), str(ref))] = r
        last = r
    changed = added = files = 0
    for path in sorted(Path(returns_dir).glob("*.xlsx")):
        files += 1
        df = pd.read_excel(
            path, sheet_name=0, header=HEADER_ROW - 1, engine="openpyxl", dtype={"Ref": str}
        )
        df = df.dropna(subset=["Ref"])
        for rec in df.to_dict("records"):
            key = (str(rec["Partner"]), str(rec["Ref"]))
            r = where.get(key)
            if r is None:
                last += 1
                where[key] = last
                for head, value in rec.items():
                    if head in col:
                        ws.cell(last, col[head], _plain(value))
                added += 1
                continue
            for head in PARTNER_COLUMNS:
                new = _plain(rec[head])
                cell = ws.cell(r, col[head])
                if new is not None and _same(cell.value) != _same(new):
                    cell.value = new
                    changed += 1
    wb.save(master)
    return {"files": files, "changes": changed, "added": added}


def _plain(value: Any) -> Any:
    """pandas' values as cell values: NaN as blank, Timestamps as datetimes."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def _same(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, date):
        return value
    return value
