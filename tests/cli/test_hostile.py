"""Every command that reads files answers bad input with exit 2 and one line naming the file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import cli

HERE = Path(__file__).resolve().parent
WORKBOOKS = HERE.parents[1] / "workbooks"


def _hostile() -> dict[str, Callable[[Path], Path]]:
    import sys

    sys.path.insert(0, str(HERE.parent / "read"))
    import hostile as h

    def empty(p: Path) -> Path:
        p.write_bytes(b"")
        return p

    def pdf(p: Path) -> Path:
        p.write_bytes(b"%PDF-1.4\n% minutes of the panel\n")
        return p

    def laughs(p: Path) -> Path:
        body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        return h.write_zip(p, h.xlsx_parts({"T": h.sheet_xml(body, prolog=h.billion_laughs())}))

    return {
        "missing": lambda p: p,  # a mistyped name
        "empty": empty,
        "truncated": lambda p: h.truncated(p, WORKBOOKS / "master.xlsx"),
        "pdf": pdf,
        "bomb": lambda p: h.zip_bomb(p, inflated_mib=1500),
        "laughs": laughs,
    }


HOSTILE = _hostile()

COMMANDS: dict[str, Callable[[Path, Path, Path], list[str]]] = {
    "inspect": lambda bad, master, tmp: ["inspect", str(bad)],
    "validate": lambda bad, master, tmp: ["validate", str(bad)],
    "merge (return)": lambda bad, master, tmp: ["merge", str(master), str(bad)],
    "merge (master)": lambda bad, master, tmp: [
        "merge",
        str(bad),
        str(WORKBOOKS / "returns" / "Chorley.xlsx"),
    ],
    "diff": lambda bad, master, tmp: ["diff", str(master), str(bad)],
    "status": lambda bad, master, tmp: ["status", str(bad)],
    "push": lambda bad, master, tmp: ["push", str(master), str(bad), "--partner", "Chorley"],
    "issue": lambda bad, master, tmp: ["issue", str(bad), "--out", str(tmp / "out")],
    "report": lambda bad, master, tmp: ["report", str(bad), "--out", str(tmp / "r.html")],
    "schema infer": lambda bad, master, tmp: ["schema", "infer", str(bad)],
}


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, kind: str, command: str
) -> None:
    bad = HOSTILE[kind](tmp_path / "Chorley.xlsx")
    master = tmp_path / "master.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", master)
    before = master.read_bytes()
    result = CliRunner().invoke(cli, COMMANDS[command](bad, master, tmp_path))
    assert result.exit_code == 2, (result.output, result.stderr, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.startswith("xlsync: ")]
    assert lines and all(line.startswith("xlsync: Chorley.xlsx: ") for line in lines), result.stderr
    assert "Traceback" not in result.stderr + result.output
    assert master.read_bytes() == before
    if kind == "missing":
        assert not list(tmp_path.glob(".Chorley*"))  # no lock file made beside a missing one
