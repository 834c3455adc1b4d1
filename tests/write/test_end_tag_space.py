"""End tags written with whitespace before their '>' (`</row >`, `</c\n>`, `</x:row >`) are
read as Excel reads them: validated and merged into exactly as the same file without it."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import replace_text
from clirun import WORKBOOKS, run
from ooxmlcheck import new_findings
from xlfixtures import dump, load, register_workbook

import sync
from sync.cells import CellRef
from sync.write.patch import Edits, patch_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# as other writers end their elements: a space, a line break, a mix; some ends kept plain,
# so that a scan looking for `</row>` would run on into the next plain one
SPACES = (" ", "", "\n", "\r\n\t", "", "  ", "")
TODAY = "2007-03-20"


def respell(src: Path, dst: Path, *, prefix: bool = False) -> Path:
    """A copy of `src` whose worksheets end most rows, cells and values with whitespace
    before the '>' (`</row >`, `</c\\n>`, `</v >`), and with `prefix` name every element
    `x:row`, `x:c`..."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                data = _respelt(data.decode("utf-8"), prefix).encode("utf-8")
            zout.writestr(info, data)
    return dst


def _respelt(xml: str, prefix: bool) -> str:
    if prefix:
        assert f'xmlns="{MAIN}"' in xml, "a sheet in the main namespace, unprefixed"
        # elements of the main namespace only: a name already prefixed (mc:, x14:) is left
        xml = re.sub(r"<(/?)(?=[A-Za-z][\w.-]*[\s/>])", r"<\1x:", xml)
        xml = xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"', 1)
    spaces = itertools.cycle(SPACES)
    return re.sub(r"(</(?:x:)?(?:row|c|v|t|is|f))>", lambda m: m.group(1) + next(spaces) + ">", xml)


def spaced_pair(tmp_path: Path, name: str, *, prefix: bool = False) -> tuple[Path, Path]:
    """The workbook `name` of the samples as it is, and respelt, each under its own folder
    with the same file name (so that what xlsync says of them can be compared)."""
    plain = tmp_path / "plain" / Path(name).name
    plain.parent.mkdir(parents=True)
    shutil.copyfile(WORKBOOKS / name, plain)
    spaced = respell(WORKBOOKS / name, tmp_path / "spaced" / Path(name).name, prefix=prefix)
    xml = zipfile.ZipFile(spaced).read("xl/worksheets/sheet1.xml").decode()
    row, cell = ("x:row", "x:c") if prefix else ("row", "c")
    assert f"</{row}>" in xml and f"</{row} >" in xml and f"</{row}\n>" in xml
    assert f"</{cell}>" in xml and f"</{cell} >" in xml and f"</{cell}\n>" in xml
    return plain, spaced


def said(result: Any, folder: Path) -> Any:
    """A command's JSON with the folder its files sat in taken out."""
    return json.loads(result.stdout.replace(str(folder), "FOLDER"))


@pytest.mark.parametrize("prefix", [False, True], ids=["plain-names", "prefixed"])
@pytest.mark.parametrize("name", ["master.xlsx", "returns/Hyndburn.xlsx", "indicators.xlsx"])
def test_validate_reads_the_same_findings(tmp_path: Path, name: str, prefix: bool) -> None:
    plain, spaced = spaced_pair(tmp_path, name, prefix=prefix)
    before = run("validate", plain, "--format", "json", "--today", TODAY)
    after = run("validate", spaced, "--format", "json", "--today", TODAY)
    assert after.exit_code == before.exit_code, after.output
    found = said(after, spaced.parent)
    assert found == said(before, plain.parent)
    assert found["files"][0]["records"] > 0


@pytest.mark.parametrize("prefix", [False, True], ids=["plain-names", "prefixed"])
def test_a_marked_up_copy_marks_the_same_cells(tmp_path: Path, prefix: bool) -> None:
    plain, spaced = spaced_pair(tmp_path, "returns/Hyndburn.xlsx", prefix=prefix)
    marked = {}
    for source in (plain, spaced):
        folder = source.parent / "marked"
        result = run("validate", source, "--today", TODAY, "--annotate", folder)
        assert result.exit_code == 1, result.output  # the return has errors
        marked[source] = folder / source.name
    assert dump(marked[spaced]) == dump(marked[plain])
    assert dump(marked[spaced]) != dump(spaced)
    assert new_findings(spaced, marked[spaced]) == []


def values(path: Path, sheet: str) -> dict[str, Any]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize("prefix", [False, True], ids=["plain-names", "prefixed"])
def test_merge_writes_the_same_cells_into_a_spaced_master(tmp_path: Path, prefix: bool) -> None:
    plain, spaced = spaced_pair(tmp_path, "master.xlsx", prefix=prefix)
    returns = WORKBOOKS / "returns"
    merged = {}
    outcome = {}
    for master in (plain, spaced):
        out = master.with_name("merged.xlsx")
        result = run("merge", master, returns, "--out", out, "--format", "json", "--today", TODAY)
        outcome[master] = (result.exit_code, said(result, master.parent))
        merged[master] = out
    assert outcome[spaced] == outcome[plain]
    report = outcome[spaced][1]
    # the returns change cells and add rows (rows below move down): a real write
    assert sum(r["updated"] for r in report["returns"]) > 20
    assert sum(r["added"] for r in report["returns"]) > 0
    written = values(merged[spaced], "Register")
    assert written == values(merged[plain], "Register")
    assert written != values(spaced, "Register")
    # and each cell styled alike: new rows take the formatting of the row above
    assert dump(merged[spaced])["Register"] == dump(merged[plain])["Register"]
    assert new_findings(spaced, merged[spaced]) == []


def test_a_cell_after_one_ended_with_a_space_is_written_where_it_is(tmp_path: Path) -> None:
    """One row's ends respelt (`</c >`, `</row\\n>`) among plain rows: its cells are found
    by their addresses and written in place, and no cell after them is touched."""
    src = WORKBOOKS / "master.xlsx"
    master = tmp_path / "master.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(master, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                row6 = re.search(r'<row r="6".*?</row>', xml, re.S)
                assert row6 is not None
                odd = row6.group(0).replace("</c>", "</c >")[: -len("</row>")] + "</row\n>"
                data = (xml[: row6.start()] + odd + xml[row6.end() :]).encode()
            zout.writestr(info, data)
    out = tmp_path / "out.xlsx"
    before = values(master, "Register")
    sync.patch(master, out, {"Register!C6": "changed", "Register!G6": "Complete"})
    after = values(out, "Register")
    assert after["C6"] == "changed" and after["G6"] == "Complete"
    assert {k: v for k, v in after.items() if k not in ("C6", "G6")} == {
        k: v for k, v in before.items() if k not in ("C6", "G6")
    }
    assert new_findings(master, out) == []


def test_a_note_joins_a_drawing_whose_root_ends_with_a_space(tmp_path: Path) -> None:
    source = register_workbook(tmp_path / "master.xlsx")  # a note on Register, in VML
    replace_text(source, "</xml>", "</xml >")
    out = tmp_path / "out.xlsx"
    patch_workbook(source, out, Edits(comments={CellRef("Register", 3, 4): "checked"}))
    ws = load(out)["Register"]
    assert ws["D3"].comment.text == "checked"
    assert ws["B2"].comment.text.startswith("Agreed at Overview")  # the note it had
    assert new_findings(source, out) == []
