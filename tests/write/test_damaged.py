"""A damaged workbook is refused, or written right: never a part written over that the writer could not find."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from xlfixtures import register_workbook

from sync.errors import WriteRefused
from sync.write.patch import patch

FUZZ = Path(__file__).resolve().parents[2].parent / "shared" / "fuzz-repro"


def _rewrite(path: Path, name: str, old: str, new: str) -> None:
    """Change one part's text inside the package, every other entry as it was."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                text = data.decode()
                assert re.search(old, text), f"{old!r} not in {name}"
                data = re.sub(old, new, text).encode()
            zout.writestr(info, data)
    tmp.replace(path)


@pytest.mark.parametrize("target", ['Target=""', 'Target="nowhere.xml"'])
def test_a_styles_relationship_pointing_nowhere_is_refused(tmp_path: Path, target: str) -> None:
    book = register_workbook(tmp_path / "master.xlsx")
    _rewrite(book, "xl/_rels/workbook.xml.rels", r'Target="styles\.xml"', target)
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match="styles relationship points to no part"):
        # a date needs a date format: the writer must reach for the stylesheet
        patch(book, book, {"Register!E3": dt.date(2007, 3, 1), "Register!D3": "Complete"})
    assert book.read_bytes() == before


def test_a_stylesheet_the_workbook_does_not_name_is_not_replaced(tmp_path: Path) -> None:
    book = register_workbook(tmp_path / "master.xlsx")
    _rewrite(
        book, "xl/_rels/workbook.xml.rels", r'<Relationship [^>]*Target="styles\.xml"\s*/>', ""
    )
    out = tmp_path / "out.xlsx"
    with pytest.raises(WriteRefused, match="does not name xl/styles.xml as its styles"):
        patch(book, out, {"Register!D3": "Complete"})
    assert not out.exists()


def test_the_reproducer_with_an_empty_styles_target_is_refused(tmp_path: Path) -> None:
    source = FUZZ / "master-damaged-xml-rels-missing-1481.xlsx"
    if not source.is_file():
        pytest.skip(f"the damaged-file reproducers are not beside the project ({FUZZ})")
    book = shutil.copy(source, tmp_path / "Rossendale.xlsx")
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match="styles relationship points to no part") as refused:
        patch(book, book, {"Register!D7": "Complete"})
    assert refused.value.line().startswith("Rossendale.xlsx: ")
    assert "\n" not in refused.value.line()
    assert book.read_bytes() == before
