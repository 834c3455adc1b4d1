"""Rows inserted far down a sheet move every row below them and no row above, in the one
pass over plain markup as in the careful pass cell by cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build

from sync.write.insert import shift_sheet


def test_rows_inserted_far_down_move_only_the_rows_below(tmp_path: Path) -> None:
    rows: list[object] = [[str(k), "Progress", "Open"] for k in range(200)]
    path = build(tmp_path / "big.xlsx", Sheet(name="Plan", header=HEADER, rows=rows))
    with zipfile.ZipFile(path) as zf:
        text = zf.read("xl/worksheets/sheet1.xml").decode()
    careful = text.replace("<sheetData>", "<sheetData><!-- kept -->", 1)
    for inserts in ([(180, 2)], [(150, 1), (190, 3)], [(203, 1)], [(500, 1)]):
        fast = shift_sheet(text, inserts)
        assert shift_sheet(careful, inserts) == fast.replace(
            "<sheetData>", "<sheetData><!-- kept -->", 1
        )
        top = min(before for before, _ in inserts)
        row = f'<row r="{top}"'
        if row in text:  # every row above as it was, the row itself moved
            above = text[text.index("<sheetData>") : text.index(row)]
            assert above in fast and row not in fast
