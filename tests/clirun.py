"""Running xlsync's commands as an officer would, and reading what they said and left."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from sync.cli import cli

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
# the partners of the sample master, as messages list them
SAMPLE_PARTNERS = (
    "Burnley, Chorley, Hyndburn, Lancashire County, Rossendale, South Ribble, West Lancashire"
)


def run(*args: str | Path) -> Result:
    """One xlsync command, its arguments as typed."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def errors(result: Result) -> list[str]:
    """The lines a command wrote to stderr, blank ones left out."""
    return [line for line in result.stderr.splitlines() if line.strip()]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, hidden ones included, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
