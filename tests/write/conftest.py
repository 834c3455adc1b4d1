"""Fixtures of the writer's tests: the helpers module beside this file is importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
