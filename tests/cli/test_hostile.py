"""Every command that reads files answers bad input with exit 2 and one line naming the file."""

from __future__ import annotations

import json
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


# --- Damaged files: the reproducers in ../shared/fuzz-repro --------------------------------

REPRO = HERE.parents[2] / "shared" / "fuzz-repro"


def _repro(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    if not (REPRO / name).is_file():
        pytest.skip(f"the reproducer {name} is not beside the project ({REPRO})")
    target = tmp_path / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPRO / name, target)
    return target


def _refusal(args: list[str]) -> str:
    """The one line a command printed for bad input, after checking it exited 2 with it alone."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.output, result.stderr, result.exception)
    assert "Traceback" not in result.stderr + result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", ["inspect", "validate"])
def test_zip_cut_a_few_bytes_short(tmp_path: Path, command: str) -> None:
    path = _repro("traceback-zip-truncate-228.xlsx", tmp_path)
    assert _refusal([command, str(path)]) == (
        "xlsync: traceback-zip-truncate-228.xlsx: the file is cut short (its last bytes are missing)"
    )


@pytest.mark.parametrize("cut", [1, 6, 18])
def test_any_cut_that_keeps_the_end_signature_is_cut_short(tmp_path: Path, cut: int) -> None:
    data = (WORKBOOKS / "master.xlsx").read_bytes()
    path = tmp_path / "master.xlsx"
    path.write_bytes(data[:-cut])
    assert _refusal(["inspect", str(path)]) == (
        "xlsync: master.xlsx: the file is cut short (its last bytes are missing)"
    )


def test_a_70000_digit_cell_address_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    path = _repro("traceback-xml-huge-attr-874.xlsx", tmp_path)
    assert _refusal(["inspect", str(path)]) == (
        "xlsync: traceback-xml-huge-attr-874.xlsx (Indicators!A111111111111111\u2026): sheet "
        "'Indicators' is damaged: it has a cell address 70,001 characters long"
    )


def test_a_master_with_a_cell_beyond_xfd_is_refused_when_read(tmp_path: Path) -> None:
    master = _repro("traceback-xml-ref-out-of-range-772.xlsx", tmp_path, "m/master.xlsx")
    before = master.read_bytes()
    returned = WORKBOOKS / "returns" / "Chorley.xlsx"
    assert _refusal(["merge", str(master), str(returned)]) == (
        "xlsync: master.xlsx (Register!XFE1): sheet 'Register' is damaged: it has a cell beyond "
        "column XFD, the last column Excel has"
    )
    assert master.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "multiline-or-unclear-xml-rels-external-1507.xlsx",
            "sheet 'Sheet1' cannot be read: its part lies outside the workbook "
            "(smb://host/share/x.xml)",
        ),
        (
            "multiline-or-unclear-xml-truncate-1288.xlsx",
            "sheet 'Register' cannot be read: its XML is cut short",
        ),
        (
            "multiline-or-unclear-xml-truncate-2354.xlsx",
            "sheet 'Register' cannot be read: its XML is cut short",
        ),
    ],
)
def test_an_unreadable_sheet_says_what_is_wrong(tmp_path: Path, name: str, line: str) -> None:
    path = _repro(name, tmp_path)
    assert _refusal(["inspect", str(path)]) == f"xlsync: {name}: {line}"


# Damage calamine would read past in silence is refused: each is XML no spreadsheet program
# writes and Excel itself would not open without repair, and reading on risks a wrong value
# reaching the master (2470 loses a header's type and with it a whole column).
@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "silent-lost-xml-garbage-2371.xlsx",
            " (Monitoring!C11): sheet 'Monitoring' is damaged: its XML holds a NUL character "
            "(byte 0), which no spreadsheet program writes",
        ),
        (
            "silent-accepted-malformed-xml-garbage-2470.xlsx",
            " (Register!C4): sheet 'Register' is damaged: its XML is malformed in cell C4 "
            "(not well-formed (invalid token))",
        ),
        (
            "silent-accepted-malformed-xml-non-utf8-2023.xlsx",
            ": part 'xl/worksheets/sheet1.xml' is damaged: it starts with the mark of UTF-16 "
            "text but is not UTF-16",
        ),
    ],
)
@pytest.mark.parametrize("command", ["inspect", "validate"])
def test_silent_damage_is_refused_naming_the_cell(
    tmp_path: Path, name: str, line: str, command: str
) -> None:
    path = _repro(name, tmp_path)
    assert _refusal([command, str(path)]) == f"xlsync: {name}{line}"


def test_a_return_with_a_huge_sheet_name_is_blamed_not_the_master(tmp_path: Path) -> None:
    returned = _repro("multiline-or-unclear-xml-huge-attr-359.xlsx", tmp_path, "Rossendale.xlsx")
    master = tmp_path / "master.xlsx"
    shutil.copyfile(WORKBOOKS / "master.xlsx", master)
    before = master.read_bytes()
    assert _refusal(["merge", str(master), str(returned)]) == (
        "xlsync: Rossendale.xlsx: is damaged: it has a sheet name 70,000 characters long "
        "('AAAAAAAAAAAAAAAA\u2026'; Excel allows 31)"
    )
    assert master.read_bytes() == before


def _errors(args: list[str]) -> list[tuple[str, str, object, str]]:
    """The error findings `validate --format json` reports, after checking it exited 1."""
    result = CliRunner().invoke(cli, ["validate", "--format", "json", *args])
    assert result.exit_code == 1, (result.output, result.stderr, result.exception)
    (report,) = json.loads(result.stdout)["files"]
    return [
        # the message up to its advice on how to type the value
        (report["path"], f"{f['sheet']}!{f['cell']}", f["value"], f["message"].split(" (")[0])
        for f in report["findings"]
        if f["severity"] == "error"
    ]


def test_a_year_typed_with_three_digits_is_an_error_at_the_returns_cell(tmp_path: Path) -> None:
    returned = _repro("targeted-year-typo-Chorley.xlsx", tmp_path, "Chorley.xlsx")
    assert _errors([str(returned)]) == [
        (
            str(returned),
            "Register!J6",
            "06/03/207",
            "Last Updated '06/03/207' is not a date",
        )
    ]


def test_text_dates_in_year_one_are_errors_at_their_cells(tmp_path: Path) -> None:
    path = _repro("multiline-or-unclear-content-dates-text-1730.xlsx", tmp_path)
    errors = _errors([str(path)])
    assert {cell for _, cell, _, _ in errors} == {
        f"Register!{col}{row}" for col in "DEI" for row in (6, 8, 10, 11)
    }
    assert {(value, message.split("'")[0]) for _, _, value, message in errors} == {
        ("0001-01-01", "Date Agreed "),
        ("0001-01-01", "Target Date "),
        ("0001-01-01", "Last Updated "),
    }


@pytest.mark.parametrize("typed", ["06/03/207", "06/03/2207"])
def test_an_implausible_typed_date_in_a_built_return_is_an_error(
    tmp_path: Path, typed: str
) -> None:
    from builders import Sheet, build

    header = ["Ref", "Recommendation", "Target Date", "Status", "Last Updated"]
    sheet = Sheet(header=header, rows=[["1", "Publicity plan", "31/03/2007", "Complete", typed]])
    path = build(tmp_path / "Chorley.xlsx", sheet)
    assert _errors([str(path)]) == [
        (
            str(path),
            f"Register!E{sheet.row_of(0)}",
            typed,
            f"Last Updated '{typed}' is not a date",
        )
    ]


DAMAGED = [
    "traceback-zip-truncate-228.xlsx",
    "traceback-xml-huge-attr-874.xlsx",
    "traceback-xml-ref-out-of-range-772.xlsx",
    "multiline-or-unclear-xml-rels-external-1507.xlsx",
    "multiline-or-unclear-xml-truncate-1288.xlsx",
    "multiline-or-unclear-xml-truncate-2354.xlsx",
    "multiline-or-unclear-xml-huge-attr-359.xlsx",
    "silent-lost-xml-garbage-2371.xlsx",
    "silent-accepted-malformed-xml-garbage-2470.xlsx",
    "silent-accepted-malformed-xml-non-utf8-2023.xlsx",
]


@pytest.mark.parametrize("name", DAMAGED)
@pytest.mark.parametrize("command", ["merge (return)", "merge (master)", "status", "diff"])
def test_a_damaged_file_is_named_whatever_its_role(tmp_path: Path, name: str, command: str) -> None:
    """As a return, a master or a file to compare, the damaged file is the one named."""
    bad = _repro(name, tmp_path, "Chorley.xlsx")
    master = tmp_path / "master.xlsx"
    shutil.copyfile(WORKBOOKS / "master.xlsx", master)
    before = master.read_bytes()
    line = _refusal(COMMANDS[command](bad, master, tmp_path))
    assert line.startswith(("xlsync: Chorley.xlsx: ", "xlsync: Chorley.xlsx (")), line
    assert master.read_bytes() == before
