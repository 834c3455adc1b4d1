"""Excel is asked to recalculate a merged master only when the master holds formulas."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import replace_text
from clirun import WORKBOOKS, run

from sync.write.formulas import holds_formula

NOTE = (
    "9 March 2007\nReview ratio:f 1.2 agreed with the partner; see note:f> below and "
    "the <f> marker in the old plan."
)


def _merge(tmp_path: Path, formula: str | None) -> str:
    """Chorley's return, its first note given text that looks like a formula's tag, merged
    into the sample master (with `formula` in the Key sheet when given) saved without
    Excel's recalculate-on-open flag. The merged master's workbook.xml."""
    master = Path(shutil.copy(WORKBOOKS / "master.xlsx", tmp_path / "master.xlsx"))
    if formula is not None:
        book = openpyxl.load_workbook(master)
        book["Key"]["H1"] = formula
        book.save(master)
    replace_text(master, ' fullCalcOnLoad="1"', "")
    returns = tmp_path / "returns"
    returns.mkdir()
    chorley = Path(shutil.copy(WORKBOOKS / "returns" / "Chorley.xlsx", returns))
    book = openpyxl.load_workbook(chorley)
    book["Register"]["I6"] = f"{book['Register']['I6'].value}\n{NOTE}"
    book.save(chorley)

    result = run("merge", master, returns, "--today", "2007-03-20")
    assert result.exit_code in (0, 1), result.output
    with zipfile.ZipFile(master) as package:
        assert any(b"ratio:f 1.2" in package.read(n) for n in package.namelist())
        return package.read("xl/workbook.xml").decode()


def test_a_note_that_looks_like_a_formula_tag_does_not_make_excel_recalculate(
    tmp_path: Path,
) -> None:
    assert "fullCalcOnLoad" not in _merge(tmp_path, None)


def test_a_master_with_a_formula_is_recalculated_on_opening(tmp_path: Path) -> None:
    assert 'fullCalcOnLoad="1"' in _merge(tmp_path, "=1+1")


@pytest.mark.parametrize(
    "xml",
    [
        b'<c r="A1"><f>1+1</f><v>2</v></c>',
        b'<c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f></c>',
        b'<c r="A1"><f/></c>',
        b'<c r="A1"><f\n>1+1</f></c>',
        b'<x:c r="A1"><x:f>1+1</x:f></x:c>',
        b'<main:c r="A1"><main:f t="array" ref="A1">B1</main:f></main:c>',
        b"<x14:cfRule><xm:f>Lists!$A$1</xm:f></x14:cfRule>",
    ],
)
def test_a_formula_element_is_found_however_it_is_spelled(xml: bytes) -> None:
    assert holds_formula(b"<worksheet><sheetData>" + xml + b"</sheetData></worksheet>")


@pytest.mark.parametrize(
    "xml",
    [
        b'<c r="A1" t="inlineStr"><is><t>ratio:f 1.2 and note:f> here</t></is></c>',
        b'<c r="A1" t="inlineStr"><is><t xml:space="preserve">x:f/y</t></is></c>',
        b'<c r="A1"><v>1</v></c><!-- a:f b -->',
        b'<formula>A1&gt;0</formula><filterColumn colId="0"/><firstFooter>p:f </firstFooter>',
        b"",
    ],
)
def test_text_that_only_looks_like_a_formula_is_not_one(xml: bytes) -> None:
    assert not holds_formula(b"<worksheet><sheetData>" + xml + b"</sheetData></worksheet>")
