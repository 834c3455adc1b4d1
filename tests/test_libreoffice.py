"""Everything xlsync writes opens and prints in LibreOffice (Debian's libreoffice-calc, when installed).

The demo's merged master and an issued return are printed to PDF; the words' positions on
the page (poppler's pdftotext) show whether a note is cut off by its row and whether the
return's columns all fit across one page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from sync.demo import run_demo
from sync.read.table import read_register

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _to_pdf(files: list[Path], tmp_path: Path) -> list[Path]:
    out = tmp_path / "converted"
    profile = tmp_path / "profile"
    proc = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        capture_output=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    pdfs = [out / f"{f.stem}.pdf" for f in files]
    for pdf in pdfs:
        assert pdf.exists() and pdf.stat().st_size > 1000, pdf.name
    return pdfs


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _words(pdf: Path) -> tuple[list[Word], float]:
    """Every word of the PDF with its page and box (points from the page's top left)."""
    html = subprocess.run(
        [str(PDFTOTEXT), "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    words = []
    height = 0.0
    for page, body in enumerate(re.split(r"<page ", html)[1:], start=1):
        height = float(re.search(r'height="([\d.]+)"', body).group(1))  # type: ignore[union-attr]
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            words.append(Word(page, unescape(m.group(5)), x0, y0, x1, y1))
    return words, height


def _find(words: list[Word], phrase: str, after: Word) -> Word | None:
    """The last word of `phrase` where it first appears at or below `after` on its page."""
    wanted = phrase.split()
    same_page = [w for w in words if w.page == after.page]
    for i in range(len(same_page) - len(wanted) + 1):
        run = same_page[i : i + len(wanted)]
        if [w.text for w in run] == wanted and run[0].y0 >= after.y0 - 1:
            return run[-1]
    return None


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_demos_changed_notes_show_whole_and_its_returns_print_one_page_wide(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    result = run_demo(folder, lambda line: None)
    master = folder / "master.xlsx"
    issued = folder / "issued" / "Burnley.xlsx"
    # the report converts too (one LibreOffice start for the three: it is slow to start)
    master_pdf, return_pdf, _ = _to_pdf([master, issued, folder / "report.xlsx"], tmp_path)

    words, page_height = _words(master_pdf)
    register = read_register(master)
    refs = {register.rows[i]: str(register.value(i, "ref")) for i in range(len(register))}
    notes = [
        c
        for c in result["merge"].changes
        if isinstance(c.new, str) and c.cell.sheet == register.sheet and "\n" in c.new
    ]
    assert len(notes) >= 3  # Chorley's, Burnley's and South Ribble's new progress notes
    ref_x = None
    for change in notes:
        row = change.cell.row
        assert row in refs
        # the record's own ref, at the top of its row, then the next record's below it
        candidates = [
            w for w in words if w.text == change.ref and (ref_x is None or abs(w.x0 - ref_x) < 3)
        ]
        last_line = change.new.strip().splitlines()[-1]
        placed = None
        for ref_word in candidates:
            end = _find(words, last_line, ref_word)
            if end is not None:
                placed = (ref_word, end)
                break
        assert placed is not None, f"{change.partner} {change.ref}: {last_line!r} is not printed"
        ref_word, end = placed
        ref_x = ref_word.x0
        following = refs[min((r for r in refs if r > row), default=row)]
        below = [
            w
            for w in words
            if w.page == ref_word.page
            and w.text == following
            and abs(w.x0 - ref_word.x0) < 3
            and w.y0 > ref_word.y0 + 1
        ]
        bottom = min((w.y0 for w in below), default=page_height)
        assert end.y1 <= bottom, (
            f"{change.partner} {change.ref} ({change.cell}): the note's last line "
            f"{last_line!r} is cut off by its row"
        )

    words, _ = _words(return_pdf)
    register = read_register(issued)
    headers = [
        register.headers[name] for name in sorted(register.columns, key=register.columns.get)
    ]
    pages = sorted({w.page for w in words if w.text == headers[0]})
    assert pages, "the return's table is not printed"
    for page in pages:
        text = " ".join(w.text for w in words if w.page == page)
        for header in headers:  # every column on every page: one page wide, header repeated
            assert header in text, f"page {page} of the return lacks the column {header!r}"
