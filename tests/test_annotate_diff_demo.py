"""validate --annotate, diff and demo, each on real workbooks."""

from __future__ import annotations

import json
import shlex
import shutil
import warnings
import zipfile
from datetime import date
from pathlib import Path

import pytest
from builders import Sheet, build
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.styles import Font

from sync.cli import cli
from sync.write.patch import patch

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
HEADER = ["Ref", "Recommendation", "Status", "RAG", "Progress", "Last Updated"]


def test_annotated_copy_marks_each_finding_and_changes_nothing_else(tmp_path: Path) -> None:
    src = build(
        tmp_path / "in" / "Hyndburn.xlsx",
        Sheet(
            header=HEADER,
            rows=[
                ["1", "One", "Maybe", "Green", "ok", date(2007, 3, 1)],
                ["2", "Two", "Ongoing", "Amber", "fine", date(2031, 1, 1)],
            ],
        ),
    )
    original = src.read_bytes()
    out = tmp_path / "marked"
    result = CliRunner().invoke(
        cli, ["validate", str(src), "--annotate", str(out), "--today", "2007-03-20"]
    )
    assert result.exit_code == 1
    assert src.read_bytes() == original
    copy = out / "Hyndburn.xlsx"
    wb = load_workbook(copy)
    ws = wb["Register"]
    assert "Status 'Maybe' is not one of" in ws["C2"].comment.text
    assert ws["C2"].fill.fgColor.rgb.endswith("C7CE") or ws["C2"].fill.fgColor.rgb != "00000000"
    assert "read as 'In progress'" in ws["C3"].comment.text
    assert "after today" in ws["F3"].comment.text
    assert ws["A2"].comment is None
    log = wb["Validation"]
    rows = [[c.value for c in r] for r in log.iter_rows(min_row=2)]
    assert [r[1] for r in rows] == ["Register!C2", "Register!C3", "Register!F3"]
    assert log["B2"].hyperlink.location == "Register!C2"
    # every other value of the workbook is as it was
    before = load_workbook(src)["Register"]
    for row in before.iter_rows():
        for c in row:
            assert ws[c.coordinate].value == c.value
    # parts the annotation does not need are byte-identical
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(copy) as b:
        for name in a.namelist():
            if name.startswith(
                (
                    "xl/worksheets/sheet",
                    "xl/styles",
                    "[Content_Types]",
                    "xl/workbook",
                    "xl/_rels",
                    "docProps/app",
                )
            ):
                continue
            assert a.read(name) == b.read(name), name


def test_diff_finds_exactly_the_changes_made(tmp_path: Path) -> None:
    old = tmp_path / "old.xlsx"
    shutil.copy(WORKBOOKS / "master.xlsx", old)
    new = tmp_path / "new.xlsx"
    patch(old, new, {"Register!G6": "Complete", "Register!J6": date(2007, 3, 20)})
    wb = load_workbook(new)
    wb["Register"]["C6"].font = Font(bold=True, name="Arial")  # formatting only
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb.save(new)
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["added"] == [] and data["removed"] == []
    assert [(c["field"], c["new"], c["new_cell"]) for c in data["changed"]] == [
        ("status", "Complete", "Register!G6"),
        ("updated", "2007-03-20", "Register!J6"),
    ]
    assert CliRunner().invoke(cli, ["diff", str(old), str(old)]).exit_code == 0


def test_demo_runs_end_to_end_and_leaves_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.output
    steps = [line.split(".")[0] for line in out.splitlines() if line[:1].isdigit()]
    assert steps == [str(n) for n in range(1, 9)]
    for name in (
        "master.xlsx",
        "report.xlsx",
        "report.html",
        "issued/Rossendale.xlsx",
        "returns/Chorley.xlsx",
        "marked-up/Hyndburn.xlsx",
    ):
        assert (folder / name).exists(), name
    wb = load_workbook(folder / "master.xlsx")
    assert {"Sync log", "Progress history"} <= set(wb.sheetnames)
    # the counts it gives are the files it leaves, each named
    issued = sorted(p.name for p in (folder / "issued").iterdir())
    returned = sorted(p.name for p in (folder / "returns").iterdir())
    assert len(issued) == 6 and len(returned) == 5
    assert f"Wrote 6 returns in issued/ ({', '.join(issued)})" in out
    assert f"returns/ now holds the 5 returns sent back: {', '.join(returned)}." in out
    assert "1 row(s) added (Chorley 28.)" in out
    assert "Conflict: Burnley R2 status is 'Paused' in the master and 'Complete'" in out
    # what to do next, and where the backup is
    assert "Next: ask Hyndburn to correct its return (marked-up/Hyndburn.xlsx shows where)" in out
    assert "Next: chase Rossendale" in out
    backups = list((folder / ".xlsync-backup").iterdir())
    named = [b for b in backups if f".xlsync-backup/{b.name}" in out]
    assert len(named) == 1 and "the master as it was before the merge" in out
    # each command it shows runs as shown, from the demo's folder
    commands = [shlex.split(line[2:]) for line in out.splitlines() if line.startswith("$ xlsync")]
    assert [c[1] for c in commands] == ["issue", "validate", "merge", "status", "report", "report"] * 1 + [
        "issue", "merge", "status", "report", "report"]  # fmt: skip
    # the indicator return went through the same cycle: Chorley's revised figure is in its report
    pi_report = load_workbook(folder / "indicators-report.xlsx")["Indicators against target"]
    assert ("Chorley", "2008/09 Q3", 80, 79.1, "Amber") in set(
        pi_report.iter_rows(values_only=True)
    )
    monkeypatch.chdir(folder)
    for words in commands:
        if words[1] == "issue":
            words[words.index("--out") + 1] = (
                "issued-again" if words[2] == "master.xlsx" else "pi-again"
            )
        again = CliRunner().invoke(cli, words[1:])
        # 1: findings, a rejected return or a missing one, as the demo said; never a usage error
        assert again.exit_code in (0, 1), (words, again.output)
    assert len(list((folder / "issued-again").iterdir())) == 6


def test_a_marked_up_macro_workbook_carries_no_macros(tmp_path: Path) -> None:
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    for row in (HEADER, ["1", "One", "Maybe", "Green", "ok", date(2007, 3, 1)]):
        ws.append(row)
    wb.save(plain)
    # give it a VBA project the way Excel stores one in an .xlsm
    src = tmp_path / "in" / "Burnley.xlsm"
    src.parent.mkdir()
    macro = (
        Path(__file__).resolve().parents[2]
        / "shared"
        / "corpus"
        / "xlsxwriter-excel"
        / "macro01.xlsm"
    )
    vba = (
        zipfile.ZipFile(macro).read("xl/vbaProject.bin")
        if macro.exists()
        else b"\\xd0\\xcf\\x11\\xe0fake"
    )
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b'<Default Extension="xml"',
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default Extension="xml"',
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", vba)
    result = CliRunner().invoke(
        cli, ["validate", str(src), "--annotate", str(tmp_path / "out"), "--today", "2007-03-20"]
    )
    assert result.exit_code == 1, result.output
    copy = tmp_path / "out" / "Burnley.xlsx"
    assert not (tmp_path / "out" / "Burnley.xlsm").exists()
    with zipfile.ZipFile(copy) as z:
        assert not [n for n in z.namelist() if "vba" in n.lower()]
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
        assert b"vbaProject" not in z.read("xl/_rels/workbook.xml.rels")
    assert "Maybe" in load_workbook(copy)["Register"]["C2"].comment.text


def test_the_readme_patch_api_is_public(tmp_path: Path) -> None:
    import sync

    out = tmp_path / "m.xlsx"
    sync.patch(
        WORKBOOKS / "master.xlsx", out, {"Register!G6": "Complete", "Register!J6": date(2007, 3, 6)}
    )
    ws = load_workbook(out)["Register"]
    assert ws["G6"].value == "Complete" and ws["J6"].value.date() == date(2007, 3, 6)
