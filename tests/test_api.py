"""The package's public names load on first use, and `validate` does not load the writer."""

from __future__ import annotations

import subprocess
import sys

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
