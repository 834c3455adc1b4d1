"""What the command-line tests share: a copy of the sample master to run commands on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import WORKBOOKS


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """workbooks/master.xlsx, copied where the test may change it."""
    return Path(shutil.copy(WORKBOOKS / "master.xlsx", tmp_path / "master.xlsx"))
