"""What is worked out from a part of a package (its text, a sheet's outline) follows the
part: once the part is put anew or removed, it is worked out from what the part holds now."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from sync.write.package import Package
from sync.write.sheetscan import SheetScan

SHEET = "xl/worksheets/sheet1.xml"


def _package(tmp_path: Path) -> Package:
    wb = Workbook()
    wb.active.append(["Ref", "Progress"])
    wb.active.append(["1.", "Started."])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return Package.read(path.read_bytes(), path)


def test_a_part_put_anew_is_read_as_it_now_is(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    before = SheetScan.load_part(pkg, SHEET)
    assert pkg.text(SHEET) is before.text  # read once while it is unchanged
    assert SheetScan.load_part(pkg, SHEET).root is before.root
    scan = SheetScan.of_part(pkg, SHEET)
    assert scan.rows() and SheetScan.of_part(pkg, SHEET) is scan  # its rows indexed once

    dimension = before.root.child("dimension")
    assert dimension is not None
    new = before.text[: dimension.start] + before.text[dimension.end :]
    pkg.put(SHEET, new)
    assert pkg.text(SHEET) == new
    after = SheetScan.load_part(pkg, SHEET)
    assert after.text == new and after.root.child("dimension") is None
    assert SheetScan.of_part(pkg, SHEET).text == new

    pkg.remove(SHEET)
    with pytest.raises(KeyError):
        pkg.text(SHEET)
