"""The package's public names load on first use, and `validate` does not load the writer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from builders import Sheet, build

import sync


def test_every_public_name_loads() -> None:
    assert set(sync.__all__) == set(sync._WHERE)
    for name in sync.__all__:
        assert getattr(sync, name).__name__ == name


def test_validating_does_not_load_the_writer() -> None:
    code = (
        "import sys; from sync import validate_workbooks; "
        "print('openpyxl' in sys.modules, 'sync.write.patch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_validating_a_workbook_with_findings_leaves_only_its_line_on_stderr(tmp_path: Path) -> None:
    """pandera validates the frame in place and keeps its schema while the frame lives; if
    the schema held the frame, both would live to interpreter exit, where pandera's clean-up
    prints an 'Exception ignored' trace an officer would take for a crash."""
    path = build(
        tmp_path / "return.xlsx",
        Sheet(header=["Ref", "Recommendation", "Status"], rows=[["1.", "Publicise", "Maybe"]]),
    )
    run = "from sync.cli import cli; cli()"
    cli = [sys.executable, "-c", run, "validate", str(path), "--format", "json"]
    out = subprocess.run(cli, capture_output=True, text=True)
    assert out.returncode == 1
    assert out.stderr == (
        "xlsync: return.xlsx: 1 error: Register!C2 Status 'Maybe' is not one of: Not started, "
        "In progress, Complete, Closed, Paused\n"
    )
    assert [f["code"] for f in json.loads(out.stdout)["files"][0]["findings"]] == ["not-allowed"]
