"""Shared fixtures: paths to the sample workbooks and the shared corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"
CORPUS = ROOT.parent / "shared" / "corpus"

sys.path.insert(0, str(Path(__file__).resolve().parent))
# lxml is installed for the OOXML checker; openpyxl would then write its files another way
# (`/>` for ` />`), and the tests and the sample generator expect its own writer's bytes.
os.environ.setdefault("OPENPYXL_LXML", "False")


@pytest.fixture
def workbooks() -> Path:
    return WORKBOOKS


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the project ({CORPUS})")
    return CORPUS


@pytest.fixture(autouse=True)
def _terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are laid out for the terminal; the tests read them at one width, whatever the
    terminal running them (a test that needs another width sets COLUMNS itself)."""
    monkeypatch.setenv("COLUMNS", "100")
