"""Every sample workbook reads back field by field as its generator wrote it, from the right cells."""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sync import read_register, validate_register

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
SOURCE = WORKBOOKS / "source"  # the generator and its data files, not shipped in the wheel


def _samples(source: Path = SOURCE) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", source / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = _samples()


def _expected(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_records(path: Path, rows: Any, continuations: dict[str, Any] | None = None) -> Any:
    """Every expected record, field by field; refs with continuation rows joined them."""
    reg = read_register(path)
    assert len(reg) == len(rows), f"{path.name}: {len(reg)} records, expected {len(rows)}"
    for ref in continuations or {}:
        i = [r.get("ref") for r in rows].index(ref)
        assert reg.continuations.get(i), f"{path.name}: {ref} should have continuation rows"
    for i, expected in enumerate(rows):
        for name, want in expected.items():
            if name.startswith("_") or name not in reg.frame.columns:
                continue
            got = reg.value(i, name)
            if isinstance(want, str) and reg.kind.field(name).type == "date":
                assert reg.original(i, name) == want, (path.name, i, name)
                assert isinstance(got, date)
                continue
            assert got == _expected(want), (path.name, expected.get("ref"), name, got, want)
    return reg


def test_master_reads_field_by_field_with_its_cells() -> None:
    reg = check_records(WORKBOOKS / S.MASTER_FILE, S.MASTER_ROWS)
    assert (reg.sheet, reg.header_row) == (S.MASTER_SHEET, S.MASTER_HEADER_ROW)
    assert reg.kind.name == "recommendations"
    assert [reg.headers[f] for f in S.MASTER_FIELDS if f in reg.headers] == [
        h for h, f in zip(S.MASTER_HEADERS, S.MASTER_FIELDS, strict=True) if f in reg.headers
    ]
    assert tuple(reg.sections) == S.MASTER_SECTIONS
    # the first record sits under its section heading, right below the header
    assert reg.rows[0] == S.MASTER_HEADER_ROW + 2
    col = reg.columns["status"]
    assert str(reg.cell(0, "status")) == f"Register!{chr(64 + col)}{reg.rows[0]}"


def test_master_validates_clean_but_for_the_overdue_items() -> None:
    reg = read_register(WORKBOOKS / S.MASTER_FILE)
    findings = validate_register(reg, today=S.COMMITTEE_DATE)
    assert {(f.code, f.severity) for f in findings} == {("overdue", "warning")}
    overdue = {
        (reg.value(reg.rows.index(f.row), "partner"), reg.value(reg.rows.index(f.row), "ref"))
        for f in findings
    }
    assert overdue == set(S.MASTER_OVERDUE)


@pytest.mark.parametrize("partner", S.DISTRICTS)
def test_each_return_reads_as_sent(partner: str) -> None:
    path = WORKBOOKS / S.RETURNS_DIR / f"{partner}.xlsx"
    reg = check_records(path, S.RETURN_ROWS[partner], S.RETURN_CONTINUATIONS.get(partner))
    layout = S.RETURN_LAYOUTS[partner]
    assert reg.sheet == layout[0] and reg.header_row == layout[1]
    if partner == "South Ribble":
        assert list(reg.ignored.values()) == ["Officer notes"]


def test_one_stop_shop_tracker_sections_continuations_and_text_dates() -> None:
    reg = check_records(WORKBOOKS / S.OSS_FILE, S.OSS_ROWS, S.OSS_CONTINUATIONS)
    assert (reg.sheet, reg.header_row) == (S.OSS_SHEET, S.OSS_HEADER_ROW)
    assert "partner" not in reg.columns
    assert set(reg.sections) <= set(S.OSS_SECTIONS)
    for ref, text in S.OSS_TEXT_DATES.items():
        i = [r["ref"] for r in reg.records()].index(ref)
        assert reg.original(i, "updated") == text
    # the formatted-but-empty rows at the bottom are not records
    assert len(reg) == len(S.OSS_ROWS)
    assert reg.continuations


@pytest.mark.parametrize(
    ("file", "rows", "kind"),
    [
        (S.ACTIVITY_FILE, S.ACTIVITY_ROWS, "action_plan"),
        (S.INDICATORS_FILE, S.INDICATOR_ROWS, "indicators"),
        (S.RISKS_FILE, S.RISK_ROWS, "risks"),
    ],
)
def test_other_kinds_are_recognised_and_read(file: str, rows: Any, kind: str) -> None:
    reg = check_records(WORKBOOKS / file, rows)
    assert reg.kind.name == kind
    errors = [f for f in validate_register(reg, today=S.COMMITTEE_DATE) if f.severity == "error"]
    assert errors == []


def _differing_parts(a: Path, b: Path) -> list[str]:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names_a, names_b = set(za.namelist()), set(zb.namelist())
        both = sorted(names_a & names_b)
        return sorted(names_a ^ names_b) + [n for n in both if za.read(n) != zb.read(n)]


def test_the_generator_reproduces_the_committed_workbooks_byte_for_byte(tmp_path: Path) -> None:
    S.main([str(tmp_path)])
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx")}
    committed = {p.relative_to(WORKBOOKS) for p in WORKBOOKS.rglob("*.xlsx")}
    assert written == committed
    for rel in sorted(written):
        new, old = tmp_path / rel, WORKBOOKS / rel
        assert new.read_bytes() == old.read_bytes(), (
            f"{rel}: the generator's output differs from the committed file in "
            f"{_differing_parts(new, old)}; after a deliberate change to workbooks/source/, "
            "regenerate with python workbooks/source/make_samples.py"
        )


def test_chorley_quotes_its_monitoring_report_word_for_word() -> None:
    """Chorley's records repeat entries of its One Stop Shop report: both data files agree."""
    report = {r["ref"]: r["progress"].split("\n") for r in S.OSS_ROWS}
    returned = {r["ref"]: r["progress"] for r in S.RETURN_ROWS["Chorley"]}
    for row in (r for r in S.MASTER_ROWS if r["partner"] == "Chorley"):
        lines = report[row["ref"]]
        cut = lines.index("6 March 2007") if "6 March 2007" in lines else len(lines)
        # the master holds the position at 1 March: every earlier line of the report
        for line in lines[:cut]:
            assert line in row["progress"], (row["ref"], line)
        # the return brings back the report's 6 March entry where it adds one
        if "\n6 March 2007\n" in returned[row["ref"]]:
            assert returned[row["ref"]].endswith("\n".join(lines[cut:])), row["ref"]


def test_an_unquoted_ref_in_a_data_file_is_named(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    master = source / "master.yaml"
    text = master.read_text(encoding="utf-8")
    assert text.count('ref: "2.1"') == 2
    master.write_text(text.replace('ref: "2.1"', "ref: 2.1", 1), encoding="utf-8")
    with pytest.raises(
        ValueError, match=r'master.yaml: record \d+: ref 2.1 must be quoted, as in "2.1"'
    ):
        _samples(source)
