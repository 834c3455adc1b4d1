"""Every command has --help with an example, and appears in README.md."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sync.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(cli)


def test_the_commands_are_the_ones_documented() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {
        "inspect",
        "validate",
        "merge",
        "issue",
        "push",
        "status",
        "report",
        "diff",
        "demo",
    } <= names
    assert {"schema list", "schema show", "schema infer"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_an_example_and_the_readme_mentions_it(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"xlsync {' '.join(command)}" in result.output
    assert f"xlsync {' '.join(command)}" in README
