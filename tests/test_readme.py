"""README.md's two first commands are the whole set-up, and CI runs the second as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```(?:sh|bash)?\n(.*?)```", README, re.S)]


def test_the_first_two_commands_make_and_use_a_virtual_environment() -> None:
    demo, tests = _blocks()[:2]
    for command in (demo, tests):
        assert "\n" not in command, command
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install")
    assert demo.endswith("&& xlsync demo")
    assert tests.endswith("&& python -m pytest -n 2 -q")
    assert "Python 3.11" in README.split("```", 1)[0]


def test_ci_runs_the_readme_test_command_exactly() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tests = _blocks()[1]
    assert tests in ci.splitlines()
    # ... and it is CI's last step, so the test run's summary closes CI's output
    assert [line for line in ci.splitlines() if line.strip()][-1] == tests
