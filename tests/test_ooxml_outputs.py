"""Every kind of file xlsync writes passes the OOXML checker as well as the file it came from."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from ooxmlcheck import checker, new_findings, vml_shape_blocks

from sync.cells import CellRef
from sync.errors import XlsyncError
from sync.write.patch import Edits, NewSheet, patch_workbook

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
# the checker's rules are quadratic in places: a package unpacking to megabytes takes minutes
CHECKABLE = 1 << 20


# packages with parts the writer has most to get right in; a quarter of the rest is enough
NOTABLE = (".vml", "tables/", "vbaproject", "pivot", "strict", "comments")


def _corpus_files() -> list[Path]:
    out = []
    for i, path in enumerate(sorted(CORPUS.glob("*/*.xls[xm]"))):
        if path.read_bytes()[:2] != b"PK":
            continue  # encrypted: nothing to patch
        try:
            with zipfile.ZipFile(path) as zf:
                names = " ".join(zf.namelist()).lower() + path.name
                if zf.testzip() is not None or sum(i.file_size for i in zf.infolist()) > CHECKABLE:
                    continue
        except zipfile.BadZipFile:
            continue
        if i % 4 == 0 or any(n in names for n in NOTABLE):
            out.append(path)
    return out


def _edits(path: Path) -> Edits:
    """A value, a fill and a note on a cell of the first sheet, and a sheet of xlsync's own."""
    import python_calamine

    from sync.cells import quote_sheet

    first = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names[0]
    ref = CellRef.parse(f"{quote_sheet(first)}!AZ2")
    return Edits(
        cells={ref: "xlsync"},
        fills={ref: "warning"},
        comments={ref: "checked by xlsync"},
        sheets=[NewSheet("Sync log", [["When", "What"], [date(2007, 3, 20), "merged"]])],
    )


@pytest.mark.parametrize("folder", ["xlsxwriter-excel", "calamine-tests"])
def test_patched_corpus_files_gain_no_findings(tmp_path: Path, folder: str) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the project ({CORPUS})")
    checker()
    problems: list[str] = []
    written = 0
    for source in (p for p in _corpus_files() if p.parent.name == folder):
        out = tmp_path / source.name
        try:
            patch_workbook(source, out, _edits(source), backup=False)
        except XlsyncError:
            continue  # refused in one line: nothing written, nothing to check
        written += 1
        problems += new_findings(source, out)
        blocks = [b for b, _ in vml_shape_blocks(out).values()]
        if sum(map(len, blocks)) != len(set().union(*blocks)):
            problems.append(f"{out.name}: two VML drawings share a block of shape ids")
    assert written > 20
    assert problems == []


def test_every_file_of_a_cycle_gains_no_findings(tmp_path: Path, workbooks: Path) -> None:
    """Issued returns, annotated copies, the merged master, a pushed tracker, the report."""
    from sync.demo import run_demo
    from sync.issue import issue_returns
    from sync.push import push_to_tracker

    checker()
    folder = tmp_path / "demo"
    run_demo(folder, lambda _line: None)
    problems: list[str] = []
    issued = tmp_path / "issued"
    # issue gives a master its identity the first time: copies, so the samples stay as made
    master = shutil.copy(workbooks / "master.xlsx", tmp_path / "master.xlsx")
    for ret in issue_returns(master, issued, today=date(2007, 3, 1)):
        problems += new_findings(workbooks / "master.xlsx", ret.path)
    for kind in ("indicators.xlsx",):
        copy = shutil.copy(workbooks / kind, tmp_path / f"master-{kind}")
        for ret in issue_returns(copy, tmp_path / kind, today=date(2007, 3, 1)):
            problems += new_findings(workbooks / kind, ret.path)
    marked = sorted((folder / "marked-up").glob("*.xlsx"))
    assert marked
    for copy in marked:
        problems += new_findings(folder / "returns" / copy.name, copy)
    problems += new_findings(workbooks / "master.xlsx", folder / "master.xlsx")
    tracker = shutil.copy(workbooks / "one_stop_shop.xlsx", tmp_path / "one_stop_shop.xlsx")
    push_to_tracker(folder / "master.xlsx", tracker, partner="Chorley")
    assert Path(tracker).read_bytes() != (workbooks / "one_stop_shop.xlsx").read_bytes()
    problems += new_findings(workbooks / "one_stop_shop.xlsx", Path(tracker))
    problems += new_findings(None, folder / "report.xlsx")
    assert problems == []
