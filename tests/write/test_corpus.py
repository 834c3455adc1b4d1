"""Odd packages from other producers: Strict ISO, namespace prefixes, inline strings, implicit rows."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest
from xlfixtures import CORPUS, changed_parts, load, part, read_parts, register_workbook

from sync.cells import CellRef
from sync.errors import UnreadableFile
from sync.write.patch import AppendRows, Edits, NewSheet, patch, patch_workbook


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the shared corpus is not beside the project ({path})")
    return path


def calamine(path: Path, sheet: str) -> list[list[object]]:
    import python_calamine

    return (
        python_calamine.CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )


def test_a_strict_iso_package_is_patched_in_its_own_namespaces(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/strict_iso_paths.xlsx"), tmp_path / "out.xlsx"
    patch_workbook(
        src,
        out,
        Edits(
            cells={CellRef("ml_out", 2, 2): "strict text"},
            comments={CellRef("ml_out", 2, 2): "a note"},
            sheets=[NewSheet("Sync log", [["When"], ["now"]])],
        ),
    )
    xml = part(out, "xl/worksheets/sheet1.xml").decode()
    assert 'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"' in xml
    log = part(out, "xl/worksheets/sheet2.xml").decode()
    assert 'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"' in log
    rels = part(out, "xl/_rels/workbook.xml.rels").decode()
    assert (
        'Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/sheet2.xml"'
        in rels
    )
    assert (
        "purl.oclc.org/ooxml/officeDocument/relationships/comments"
        in part(out, "xl/worksheets/_rels/sheet1.xml.rels").decode()
    )
    assert calamine(out, "ml_out")[1][1] == "strict text"
    assert calamine(out, "Sync log") == [["When"], ["now"]]


def test_prefixed_elements_stay_prefixed(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/richtext-namespaced.xlsx"), tmp_path / "out.xlsx"
    patch_workbook(
        src,
        out,
        Edits(
            cells={CellRef("Sheet1", 4, 2): "added", CellRef("Sheet1", 2, 1): 5},
            fills={CellRef("Sheet1", 4, 2): "error"},
        ),
    )
    xml = part(out, "xl/worksheets/sheet1.xml").decode()
    assert '<x:row r="4"><x:c r="B4" s="' in xml and 't="s"><x:v>2</x:v></x:c></x:row>' in xml
    assert "<x:si><x:t>added</x:t></x:si>" in part(out, "xl/sharedStrings.xml").decode()
    assert part(out, "xl/worksheets/sheet1.xml").startswith(
        b"\xef\xbb\xbf"
    )  # its byte order mark kept
    assert load(out)["Sheet1"]["B4"].value == "added"
    assert load(out)["Sheet1"]["A1"].value.startswith("inline string")  # inline strings survive


def test_a_relationship_declared_on_the_element_and_an_empty_stylesheet(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/nonstandard-xml-ns-prefix.xlsx"), tmp_path / "out.xlsx"
    import datetime as dt

    patch_workbook(
        src,
        out,
        Edits(
            cells={CellRef("Sheet1", 2, 2): dt.date(2007, 3, 20)}, sheets=[NewSheet("Log", [["a"]])]
        ),
    )
    book = part(out, "xl/workbook.xml").decode()
    assert re.search(r'<sheet name="Log" sheetId="2" xmlns:r="[^"]+" r:id="rId\d+"/>', book)
    styles = part(out, "xl/styles.xml").decode()
    assert "<cellXfs count=" in styles and 'numFmtId="14"' in styles
    assert calamine(out, "Sheet1")[1][1] == dt.date(2007, 3, 20)


def test_inline_strings_with_cdata_survive(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/inlineStr_cdata.xlsx"), tmp_path / "out.xlsx"
    patch(src, out, {"Sheet1!B2": "changed"})
    assert calamine(out, "Sheet1") == [["Hello CDATA", "World"], ["12345", "changed"]]
    assert "<![CDATA[Hello CDATA]]>" in part(out, "xl/worksheets/sheet1.xml").decode()


def test_rows_and_cells_without_numbers(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/issue_261.xlsx"), tmp_path / "out.xlsx"
    before = calamine(src, "Some Sheet")
    patch(src, out, {"'Some Sheet'!C1": "C one", "'Some Sheet'!B70": "appended"})
    after = calamine(out, "Some Sheet")
    assert after[0][2] == "C one" and after[69][1] == "appended"
    for r, row in enumerate(before):
        for c, value in enumerate(row):
            if (r, c) != (0, 2):
                assert after[r][c] == value, (r, c)


def test_backslash_part_names_and_an_x14_validation_from_excel(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/issue_530.xlsx"), tmp_path / "out.xlsx"
    sheet = python_calamine_sheet(src)
    patch(src, out, {f"{sheet}!N7": "x"})
    names = [n for n, _ in read_parts(out)]
    assert names == [n for n, _ in read_parts(src)]
    assert changed_parts(src, out) <= {
        "xl\\worksheets\\sheet26.xml",
        "xl\\sharedStrings.xml",
        "xl\\workbook.xml",
    }
    assert "<xm:sqref>N5:N6</xm:sqref>" in part(out, "xl\\worksheets\\sheet26.xml").decode()


def python_calamine_sheet(path: Path) -> str:
    import python_calamine

    from sync.cells import quote_sheet

    return quote_sheet(python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names[0])


def test_a_table_with_an_absolute_target_grows(tmp_path: Path) -> None:
    src, out = corpus_file("calamine-tests/table_with_absolute_paths.xlsx"), tmp_path / "out.xlsx"
    patch_workbook(src, out, Edits(append=[AppendRows("table", 6, 5, [{1: 300, 2: "Centre"}])]))
    assert 'ref="A1:B6"' in part(out, "xl/tables/table1.xml").decode()


@pytest.mark.parametrize(
    "name, reason",
    [
        ("calamine-tests/pass_protected.xlsx", "password-protected"),
        ("calamine-tests/any_sheets.xls", "legacy .xls"),
        ("calamine-tests/any_sheets.ods", "not an Excel package"),
        ("calamine-tests/issue252.xlsx", "cannot be read"),
    ],
)
def test_files_that_are_not_patchable_are_refused_in_one_line(
    tmp_path: Path, name: str, reason: str
) -> None:
    src = corpus_file(name)
    copy = tmp_path / src.name
    shutil.copy(src, copy)
    with pytest.raises(UnreadableFile, match=reason):
        patch(copy, copy, {"Sheet1!A1": 1})
    assert copy.read_bytes() == src.read_bytes()


@pytest.mark.parametrize("folder", ["xlsxwriter-excel", "calamine-tests"])
def test_every_corpus_workbook_takes_an_edit(tmp_path: Path, folder: str) -> None:
    if not (CORPUS / folder).is_dir():
        pytest.skip("the shared corpus is not beside the project")
    written = 0
    for src in sorted((CORPUS / folder).glob("*.xls[xm]")):
        if src.read_bytes()[:2] != b"PK" or src.name == "issue252.xlsx":  # encrypted / corrupt
            continue
        sheet = python_calamine_sheet(src)
        # a cell of its own, so no formula or array decides the outcome (test_values covers those)
        result = patch(src, tmp_path / src.name, {f"{sheet}!AZ2": "xlsync"})
        with zipfile.ZipFile(tmp_path / src.name) as zf:
            assert zf.testzip() is None
        rows = calamine(tmp_path / src.name, sheet.strip("'").replace("''", "'"))
        assert rows[1][-1] == "xlsync", src.name
        # the sheet, the string table, perhaps workbook.xml (recalculate on opening)
        assert len(result.parts_changed) <= 3, (src.name, result.parts_changed)
        written += 1
    assert written > 20


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_a_patched_master(tmp_path: Path) -> None:
    import datetime as dt

    src, out = register_workbook(tmp_path / "master.xlsx"), tmp_path / "patched.xlsx"
    patch_workbook(
        src,
        out,
        Edits(
            cells={CellRef("Register", 3, 4): "Complete"},
            append=[AppendRows("Register", 7, 6, [{1: "8", 2: "New", 5: dt.date(2007, 4, 1)}])],
            fills={CellRef("Register", 3, 4): "warning"},
            comments={CellRef("Register", 3, 4): "from the return"},
            sheets=[
                NewSheet(
                    "Sync log",
                    [["When", "Cell"], ["now", "Register!D3"]],
                    links={(2, 2): "Register!D3"},
                )
            ],
        ),
    )
    command = [
        "soffice",
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "csv",
        "--outdir",
        str(tmp_path / "csv"),
        str(out),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        # the soffice script starts soffice.bin: end the whole group we started
        os.killpg(proc.pid, signal.SIGKILL) if hasattr(os, "killpg") else proc.kill()
        proc.wait()
        pytest.fail("LibreOffice did not finish converting the patched workbook")
    csv = (tmp_path / "csv" / "patched.csv").read_text(encoding="utf-8", errors="replace")
    assert "Complete" in csv and "New" in csv
