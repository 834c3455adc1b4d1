"""Fixtures for the report tests: a built county master and the sample one."""

from __future__ import annotations

from pathlib import Path

import pytest
from report.masters import build_master


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(tmp_path / "master.xlsx")


@pytest.fixture
def sample_master(workbooks: Path) -> Path:
    return workbooks / "master.xlsx"
