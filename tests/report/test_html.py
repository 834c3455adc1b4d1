"""The report page: self-contained, every recommendation and its history, workbook text escaped."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report.masters import EXPECTED_HISTORY, ROWS, TODAY, build_master, count_master

from sync.errors import XlsyncError
from sync.report.build import build_report


@dataclass
class Article:
    partner: str | None
    ref: str = ""
    text: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Page(HTMLParser):
    """What a browser would build: elements, attributes, text, the items under each partner."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype = ""
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.style = ""
        self.articles: list[Article] = []
        self.summary: dict[str, list[int]] = {}
        self._open: list[tuple[str, list[str]]] = []
        self._partner: str | None = None
        self._article: Article | None = None
        self._row: list[str] | None = None

    def _inside(self, tag: str, cls: str | None = None) -> bool:
        return any(t == tag and (cls is None or cls in c) for t, c in self._open)

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag in VOID:
            return
        cls = (dict(attrs).get("class") or "").split()
        self._open.append((tag, cls))
        if tag == "article" and "item" in cls:
            self._article = Article(self._partner)
            self.articles.append(self._article)
        if tag == "tr" and self._inside("table", "summary") and not self._inside("thead"):
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = None
        if tag == "tr" and self._row is not None:
            self.summary[self._row[0]] = [int(v) for v in self._row[1:]]
            self._row = None
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        tag, cls = self._open[-1] if self._open else ("", [])
        if tag == "style":
            self.style += data
        if tag == "h3" and "partner-name" in cls:
            self._partner = data.strip()
        if self._row is not None and data.strip():
            self._row.append(data.strip())
        if self._article is not None:
            if tag == "p" and "ref" in cls:
                self._article.ref += data
            elif tag == "time":
                self._article.dates.append(data)
            self._article.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def long_date(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def assert_self_contained(page: Page) -> None:
    assert page.doctype.lower() == "doctype html"
    assert {"script", "link", "iframe", "object", "embed", "img", "base"}.isdisjoint(page.tags)
    assert page.tags.count("style") == 1
    assert not [a for a in page.attrs if a[1] == "src" or a[1].startswith("on")]
    hrefs = [v or "" for _, k, v in page.attrs if k in ("href", "xlink:href", "action")]
    assert all(h.startswith("#") for h in hrefs), hrefs
    assert not re.search(r"url\(|@import|https?:", page.style)


@pytest.mark.parametrize("which", ["built", "sample"])
def test_page_is_self_contained_and_lists_every_recommendation(
    which: str, master: Path, sample_master: Path, tmp_path: Path
) -> None:
    source = master if which == "built" else sample_master
    out = build_report(source, tmp_path / "report.html", today=TODAY)
    page = parse(out)
    assert_self_contained(page)
    meta = {(k, v) for t, k, v in page.attrs if t == "meta"}
    assert ("content", "width=device-width, initial-scale=1") in meta
    assert ("charset", "utf-8") in meta
    facts = count_master(source)
    shown = [(a.partner, a.ref) for a in page.articles]
    assert sorted(shown) == sorted((p, r) for p, refs in facts.refs.items() for r in refs)
    # phones and paper are both catered for
    assert "@media (max-width" in page.style and "@media print" in page.style
    assert re.search(r"section\.partner\s*\{\s*break-before:\s*page", page.style)


@pytest.mark.parametrize("which", ["built", "sample"])
def test_summary_table_and_chart_agree_with_the_master(
    which: str, master: Path, sample_master: Path, tmp_path: Path
) -> None:
    source = master if which == "built" else sample_master
    page = parse(build_report(source, tmp_path / "report.html", today=TODAY))
    expected = count_master(source).by_partner
    totals = page.summary.pop("Total")
    assert sorted(page.summary) == sorted(expected)
    for partner, numbers in page.summary.items():
        counts = expected[partner]
        assert numbers[-1] == counts["Overdue"]
        assert sum(numbers) == 3 * counts["Total"] + counts["Overdue"]  # statuses, total, RAGs
    assert totals == [sum(col) for col in zip(*page.summary.values(), strict=True)]
    # one bar segment per partner and status that has any
    assert "svg" in page.tags
    segments = sum(
        1
        for counts in expected.values()
        for k, v in counts.items()
        if v and k not in ("Total", "Overdue", "Red", "Amber", "Green", "No RAG")
    )
    assert page.tags.count("rect") == segments


def test_each_recommendation_shows_its_full_history(master: Path, tmp_path: Path) -> None:
    page = parse(build_report(master, tmp_path / "report.html", today=TODAY))
    by_key = {(a.partner, a.ref): a for a in page.articles}
    for key, entries in EXPECTED_HISTORY.items():
        article = by_key[key]
        text = "".join(article.text)
        assert article.dates == [long_date(w) for w, _ in entries if w], key
        positions = [text.index(start) for _, start in entries]
        assert positions == sorted(positions), key  # oldest first
        if not entries:
            assert "No progress reported." in text
    closing = {k: "".join(a.text).count("considered closed") for k, a in by_key.items()}
    assert closing == {k: int(k in count_master(master).closed) for k in by_key}


HOSTILE_NOTE = "<script>alert(1)</script>"


def hostile_master(path: Path) -> Path:
    rows = [
        "<style>body{display:none}</style>",
        [
            "Burnley & Pendle",
            "R1",
            '"><img src=x onerror=alert(1)>',
            "</td></tr></table><script>x()</script>",
            date(2007, 1, 31),
            "<b>Done</b>",
            "Amber",
            f"9 January 2007\n{HOSTILE_NOTE}",
            date(2007, 1, 9),
        ],
        ROWS[1],
    ]
    history = [
        [
            date(2006, 1, 20),
            "Burnley & Pendle",
            "R1",
            "<a href='http://evil.invalid'>x</a>",
            "x",
            None,
        ]
    ]
    return build_master(path, rows=rows, history=history)


def test_workbook_text_is_escaped(tmp_path: Path) -> None:
    out = build_report(
        hostile_master(tmp_path / "master.xlsx"), tmp_path / "report.html", today=TODAY
    )
    raw = out.read_text(encoding="utf-8")
    page = parse(out)
    assert_self_contained(page)
    text = "".join(page.text)
    for shown in (
        HOSTILE_NOTE,
        '"><img src=x onerror=alert(1)>',
        "<b>Done</b>",
        "Burnley & Pendle",
        "<style>body{display:none}</style>",
        "<a href='http://evil.invalid'>x</a>",
    ):
        assert shown in text
    assert html.escape(HOSTILE_NOTE) in raw
    assert "evil.invalid" not in "".join(v or "" for _, _, v in page.attrs)


def test_partner_option_and_bad_output(master: Path, tmp_path: Path) -> None:
    page = parse(
        build_report(master, tmp_path / "report.html", today=TODAY, partner="SOUTH RIBBLE")
    )
    assert {a.partner for a in page.articles} == {"South Ribble"}
    assert list(page.summary) == ["South Ribble", "Total"]
    with pytest.raises(XlsyncError, match="report output must end .xlsx or .html"):
        build_report(master, tmp_path / "report.pdf", today=TODAY)
    with pytest.raises(XlsyncError, match="no partner called 'Preston'"):
        build_report(master, tmp_path / "report.html", today=TODAY, partner="Preston")
    assert not (tmp_path / "report.pdf").exists()


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def run_chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=45, check=False)
    except subprocess.TimeoutExpired:
        # an alert() left open by an injected script keeps headless Chromium waiting
        pytest.fail("Chromium did not finish within 45 s: did a script on the page open a dialog?")
    assert result.returncode == 0, result.stderr[-2000:]
    return result


needs_chromium = pytest.mark.skipif(
    chromium() is None,
    reason="Chromium is not installed (apt-get install chromium): the page is not checked in a "
    "real browser here",
)


@needs_chromium
def test_chromium_renders_every_recommendation(sample_master: Path, tmp_path: Path) -> None:
    browser = chromium()
    assert browser is not None
    page = build_report(sample_master, tmp_path / "report.html", today=TODAY)
    dom = run_chromium(browser, tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<main>" in dom
    for partner, refs in count_master(sample_master).refs.items():
        assert f">{html.escape(partner)}</h3>" in dom
        for ref in refs:
            assert f'<p class="ref">{html.escape(ref)}</p>' in dom, ref
    shot = tmp_path / "phone.png"
    run_chromium(
        browser,
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=390,1600",
        "--hide-scrollbars",
        page.as_uri(),
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000  # a blank page compresses to a few hundred bytes


@needs_chromium
def test_chromium_runs_no_script_from_a_hostile_workbook(tmp_path: Path) -> None:
    browser = chromium()
    assert browser is not None
    page = build_report(
        hostile_master(tmp_path / "master.xlsx"), tmp_path / "report.html", today=TODAY
    )
    dom = run_chromium(browser, tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<script" not in dom and "<img" not in dom
    assert html.escape(HOSTILE_NOTE, quote=False) in dom
