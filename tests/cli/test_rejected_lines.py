"""A return merge rejects, or a workbook validate fails, is told in one line on stderr naming
the file, the reason and the first error's cell, whatever --format; JSON stays on stdout."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from builders import REGISTER_HEADER, Sheet, build
from clirun import WORKBOOKS, errors, run

from sync.merge.run import merge_files
from sync.workbooks import validate_workbooks

TODAY = "2007-03-20"
HYNDBURN = WORKBOOKS / "returns" / "Hyndburn.xlsx"  # the sample return with mistakes
FIRST = "Register!H6 RAG 'Purple' is not one of: Red, Amber, Green"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_rejected_return_is_one_line_on_stderr(master: Path, fmt: str) -> None:
    chorley = WORKBOOKS / "returns" / "Chorley.xlsx"
    result = run("merge", master, chorley, HYNDBURN, "--today", TODAY, "--format", fmt)
    assert result.exit_code == 1
    assert errors(result) == [
        "xlsync: Hyndburn.xlsx: rejected, the return has validation errors: 6 errors, "
        f"the first: {FIRST}"
    ]
    assert "Hyndburn.xlsx" in result.stdout  # the table or the JSON still lists it
    if fmt == "json":
        # stdout is exactly the library's to_dict(): the line went to stderr only
        again = Path(shutil.copy(WORKBOOKS / "master.xlsx", master.with_name("again.xlsx")))
        same = merge_files(again, [chorley, HYNDBURN], today=date(2007, 3, 20))
        data = json.loads(result.stdout)
        assert data["returns"] == same.to_dict()["returns"]
        assert [r["status"] for r in data["returns"]] == ["merged", "rejected"]


def test_a_merged_return_prints_nothing_on_stderr(master: Path) -> None:
    result = run("merge", master, WORKBOOKS / "returns" / "Chorley.xlsx", "--format", "json")
    assert result.exit_code == 0
    assert errors(result) == []


def test_one_error_is_named_with_its_cell(master: Path, tmp_path: Path) -> None:
    ret = build(
        tmp_path / "Chorley.xlsx",
        Sheet(
            header=REGISTER_HEADER,
            rows=[["Chorley", "27.", "Publicise the service", None, None, "Maybe"]],
        ),
    )
    result = run("merge", master, ret, "--dry-run", "--format", "json")
    assert result.exit_code == 1
    assert errors(result) == [
        "xlsync: Chorley.xlsx: rejected, the return has validation errors: 1 error: "
        "Register!F2 Status 'Maybe' is not one of: Not started, In progress, Complete, Closed, "
        "Paused"
    ]


def test_a_refused_return_keeps_its_single_line(master: Path, tmp_path: Path) -> None:
    chorley = Path(shutil.copy(WORKBOOKS / "returns" / "Chorley.xlsx", tmp_path / "r.xlsx"))
    result = run("merge", master, chorley, "--partner", "Burnley", "--format", "json")
    assert result.exit_code == 2
    assert errors(result) == [
        "xlsync: r.xlsx: --partner 'Burnley' contradicts the return, which is from Chorley; it "
        "was not merged (leave --partner out, or give the right return)"
    ]
    (ret,) = json.loads(result.stdout)["returns"]
    assert ret["status"] == "rejected"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_validate_names_a_failing_workbook_the_same_way(fmt: str) -> None:
    result = run("validate", HYNDBURN, "--today", TODAY, "--format", fmt)
    assert result.exit_code == 1
    # validate finds the duplicated ref at its second row only; merge names both rows
    assert errors(result) == [f"xlsync: Hyndburn.xlsx: 5 errors, the first: {FIRST}"]
    if fmt == "json":
        expected = validate_workbooks([HYNDBURN], today=date(2007, 3, 20)).to_dict()
        assert json.loads(result.stdout) == expected


def test_validate_strict_names_the_first_warning() -> None:
    burnley = WORKBOOKS / "returns" / "Burnley.xlsx"  # two warnings, no errors
    loose = run("validate", burnley, "--today", TODAY, "--format", "json")
    assert loose.exit_code == 0 and errors(loose) == []
    strict = run("validate", burnley, "--today", TODAY, "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert errors(strict) == [
        "xlsync: Burnley.xlsx: 2 warnings, the first: Register!G6 Status 'Ongoing' is read as "
        "'In progress' (--strict)"
    ]
    assert json.loads(strict.stdout) == json.loads(loose.stdout)
