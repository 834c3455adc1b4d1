"""Everything xlsync writes opens in LibreOffice (Debian's libreoffice-calc, when installed)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from sync import merge_files
from sync.issue import issue_returns
from sync.report.committee import build_report

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def test_issued_returns_merged_master_and_report_convert_cleanly(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    issued = issue_returns(master, tmp_path / "returns", ["Chorley"], deadline=date(2007, 3, 9))
    merge_files(master, [WORKBOOKS / "returns"], today=date(2007, 3, 20))
    report = build_report(master, tmp_path / "report.xlsx", today=date(2007, 3, 20))
    files = [master, issued[0].path, report]
    out = tmp_path / "converted"
    profile = tmp_path / "profile"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    for f in files:
        pdf = out / f"{f.stem}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, f.name
