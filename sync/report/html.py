"""The committee report as one self-contained web page: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

import html
import math
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync.report.committee import CLOSED_LINE, CommitteeReport, Item, column_label, long_date

# the workbook chart's colours, so the printed and the web report read alike
STATUS_COLOURS = {
    "Not started": "#a6a6a6",
    "In progress": "#2f75b5",
    "Complete": "#548235",
    "Closed": "#375623",
    "Paused": "#bf8f00",
}
OTHER_COLOUR = "#7030a0"
RAG_CLASSES = {"Red": "rag-red", "Amber": "rag-amber", "Green": "rag-green"}

CSS = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #595959; --rule: #c8c8c8; --band: #1f3864;
  --head: #d9e1f2; --section: #ededed; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; color: var(--ink); background: #fff;
  font: 1rem/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; border-bottom: 2px solid var(--band); }
h3.partner-name { font-size: 1.15rem; margin: 2rem 0 .5rem; padding: .4rem .6rem; color: #fff;
  background: var(--band); }
h4 { font-size: 1rem; margin: 1rem 0 .5rem; padding: .25rem .6rem; background: var(--section); }
p { margin: 0 0 .4rem; }
.sub { font-weight: 600; }
.src, .muted { color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: .5rem 0 0; }
a { color: #1f4e79; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; }
thead th { background: var(--head); }
th[scope="colgroup"] { text-align: center; }
time, .date { white-space: nowrap; }
tfoot td, tfoot th { font-weight: 700; border-top: 2px solid var(--ink); }
td.num, th.num { text-align: right; }
table.summary th:first-child, table.summary td:first-child { position: sticky; left: 0;
  background: #fff; }
table.summary thead th:first-child { background: var(--head); }
th.rag-red, .rag-red { background: #f4cccc; }
th.rag-amber, .rag-amber { background: #fce5cd; }
th.rag-green, .rag-green { background: #d9ead3; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; max-width: 40rem; }
figcaption { color: var(--muted); font-size: .9rem; }
ul.legend { list-style: none; padding: 0; margin: .5rem 0; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; }
ul.legend span { display: inline-block; width: .9rem; height: .9rem; margin-right: .35rem;
  vertical-align: -.1rem; }
.item { display: grid; grid-template-columns: 4rem minmax(0, 2fr) minmax(0, 3fr); gap: .25rem 1rem;
  padding: .6rem 0; border-bottom: 1px solid var(--rule); }
.item .ref { font-weight: 700; }
.item .text { margin-bottom: .35rem; }
dl.meta { display: flex; flex-wrap: wrap; gap: .2rem .9rem; margin: 0; font-size: .9rem; }
dl.meta div { display: flex; gap: .3rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.badge { padding: 0 .35rem; border-radius: .25rem; }
.late { color: #c00000; font-weight: 700; }
ol.history { list-style: none; margin: 0; padding: 0; }
ol.history li { margin: 0 0 .5rem; }
ol.history time, ol.history .undated { display: block; font-weight: 700; }
.note { white-space: pre-line; overflow-wrap: anywhere; }
.closed-note { font-style: italic; }
.none { color: var(--muted); font-style: italic; }
@media (max-width: 40rem) {
  body { padding: .75rem; font-size: .95rem; }
  .item { grid-template-columns: 3rem minmax(0, 1fr); }
  .item .progress { grid-column: 1 / -1; padding-left: 3rem; }
  table.cards thead { display: none; }
  table.cards tr { display: block; padding: .4rem 0; border-bottom: 1px solid var(--rule); }
  table.cards td { display: grid; grid-template-columns: 8rem minmax(0, 1fr); gap: .5rem; border: 0;
    padding: .1rem 0; text-align: left; }
  table.cards td::before { content: attr(data-label); color: var(--muted); font-size: .85rem; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.partner { break-before: page; }
  .item { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  figure { break-inside: avoid; }
}
"""


def esc(value: Any) -> str:
    """Any value from a workbook, escaped for HTML text or a quoted attribute."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def write_html(report: CommitteeReport, path: Path) -> Path:
    """Write the page atomically: a temp file beside the target, then a rename."""
    return write_page(render_html(report), path)


def write_page(text: str, path: Path) -> Path:
    """Write a page atomically: a temp file beside the target, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a plainly created temp file, so the page gets the usual permissions rather than mkstemp's 0600
    tmp = path.with_name(f".xlsync-{uuid.uuid4().hex}{path.suffix}")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def render_html(report: CommitteeReport) -> str:
    """The whole page as text."""
    nav = (
        '<a href="#summary">Summary</a><a href="#overdue">Overdue</a>'
        '<a href="#monitoring">Monitoring</a>'
    )
    body = [*summary_section(report), *overdue_section(report), *monitoring_section(report)]
    return page(report.title, report.subtitle, report.master.name, nav, body)


def page(
    title: str, subtitle: str, source: str, nav: str, body: list[str], extra_css: str = ""
) -> str:
    """A report page: its head, the heading with where it came from and the section links
    (`nav`, already HTML), then the sections (already HTML)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="xlsync">',
        f"<title>{esc(title)}: {esc(subtitle)}</title>",
        f"<style>{CSS}{extra_css}</style>",
        "</head>",
        "<body>",
        '<header class="page-head">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">{esc(subtitle[:1].upper() + subtitle[1:])}</p>',
        f'<p class="src">From {esc(source)}</p>',
        f'<nav aria-label="Report sections">{nav}</nav>',
        "</header>",
        "<main>",
        *body,
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _ids(report: CommitteeReport) -> tuple[dict[str, str], dict[int, str]]:
    """Anchors made from positions, never from workbook text: partner -> id, item row -> id."""
    partners = {p.partner: f"partner-{n}" for n, p in enumerate(report.partners, start=1)}
    items = {item.row: f"rec-{item.row}" for item in report.items}
    return partners, items


def summary_section(report: CommitteeReport) -> list[str]:
    partner_ids, _ = _ids(report)
    statuses, rags = report.statuses, report.rags
    head_groups = (
        f'<tr><th rowspan="2" scope="col">Partner</th>'
        f'<th colspan="{len(statuses)}" scope="colgroup">Status</th>'
        f'<th rowspan="2" scope="col" class="num">Total</th>'
        + (f'<th colspan="{len(rags)}" scope="colgroup">RAG</th>' if rags else "")
        + '<th rowspan="2" scope="col" class="num">Overdue</th></tr>'
    )
    head_cols = "<tr>" + "".join(
        f'<th scope="col" class="num">{esc(column_label("status", s))}</th>' for s in statuses
    )
    head_cols += (
        "".join(
            f'<th scope="col" class="num {RAG_CLASSES.get(r, "")}">'
            f"{esc(column_label('rag', r))}</th>"
            for r in rags
        )
        + "</tr>"
    )
    rows = []
    for p in report.partners:
        cells = [f'<th scope="row"><a href="#{partner_ids[p.partner]}">{esc(p.partner)}</a></th>']
        cells += [_num(p.by_status.get(s, 0)) for s in statuses]
        cells.append(_num(p.records))
        cells += [_num(p.by_rag.get(r, 0)) for r in rags]
        cells.append(_num(p.overdue))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = ['<th scope="row">Total</th>']
    foot += [_num(report.total(status=s)) for s in statuses]
    foot.append(_num(report.total()))
    foot += [_num(report.total(rag=r)) for r in rags]
    foot.append(_num(sum(p.overdue for p in report.partners)))
    return [
        '<section id="summary">',
        "<h2>Summary</h2>",
        f'<p class="muted">Recommendations by partner, status and RAG at '
        f"{esc(long_date(report.today))}.</p>",
        '<div class="scroll"><table class="summary">',
        f"<thead>{head_groups}{head_cols}</thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "<tfoot><tr>" + "".join(foot) + "</tr></tfoot>",
        "</table></div>",
        *status_chart(report),
        "</section>",
    ]


def _num(value: int) -> str:
    return f'<td class="num">{value}</td>'


def status_chart(report: CommitteeReport) -> list[str]:
    """A stacked bar per partner, drawn as inline SVG; the legend is HTML so it wraps on a phone."""
    if not report.partners:
        return []
    # a narrow drawing, so its text stays legible when a phone scales it to the screen
    label_w, bar_w, row_h, top, gap = 130, 300, 30, 28, 8
    width = label_w + bar_w + 20
    height = top + row_h * len(report.partners) + 10
    biggest = max((p.records for p in report.partners), default=0) or 1
    scale, shapes = bar_axis(biggest, label_w, bar_w, top, height)
    for n, p in enumerate(report.partners):
        y = top + n * row_h
        shapes.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1b1b1b">{esc(_clip(p.partner, 18))}<title>{esc(p.partner)}</title></text>'
        )
        x = float(label_w)
        for status in report.statuses:
            count = p.by_status.get(status, 0)
            if not count:
                continue
            w = count * scale
            colour = STATUS_COLOURS.get(status, OTHER_COLOUR)
            shapes.append(
                f'<rect x="{x:.1f}" y="{y + gap / 2:.1f}" width="{w:.1f}" height="{row_h - gap}" '
                f'fill="{colour}"><title>{esc(p.partner)}: '
                f"{esc(column_label('status', status))} {count}</title></rect>"
            )
            if w >= 16:
                shapes.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="#fff">{count}</text>'
                )
            x += w
    legend = "".join(
        f'<li><span style="background:{STATUS_COLOURS.get(s, OTHER_COLOUR)}"></span>'
        f"{esc(column_label('status', s))}</li>"
        for s in report.statuses
    )
    summary = "; ".join(
        f"{p.partner}: " + ", ".join(f"{k} {v}" for k, v in p.by_status.items())
        for p in report.partners
    )
    return [
        "<figure>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc("Recommendations by partner and status. " + summary)}" '
        f'font-family="system-ui, Arial, sans-serif">',
        *shapes,
        "</svg>",
        f'<ul class="legend">{legend}</ul>',
        "<figcaption>Recommendations by partner and status.</figcaption>",
        "</figure>",
    ]


def bar_axis(
    biggest: int, label_w: int, bar_w: int, top: int, height: int
) -> tuple[float, list[str]]:
    """A bar chart's scale (drawing units per count) and its gridlines with their numbers."""
    step = _tick_step(biggest)
    scale = bar_w / (math.ceil(biggest / step) * step)
    shapes: list[str] = []
    for tick in range(0, math.ceil(biggest / step) * step + 1, step):
        x = label_w + tick * scale
        shapes.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 10}" stroke="#d0d0d0"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" font-size="11" fill="#595959">'
            f"{tick}</text>"
        )
    return scale, shapes


def _tick_step(biggest: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if biggest / step <= 10:
            return step
    return int(10 ** len(str(biggest // 10)))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def overdue_section(report: CommitteeReport) -> list[str]:
    _, item_ids = _ids(report)
    overdue = report.overdue_items
    out = ['<section id="overdue">', "<h2>Overdue</h2>"]
    if not overdue:
        out += [
            f'<p class="none">No recommendation was past its target date on '
            f"{esc(long_date(report.today))}.</p>",
            "</section>",
        ]
        return out
    labels = ["Partner", "Ref", "Recommendation", "Target date", "Status", "Days overdue"]
    out += [
        '<div class="scroll"><table class="cards overdue">',
        "<thead><tr>"
        + "".join(f'<th scope="col"{_num_class(h)}>{h}</th>' for h in labels)
        + "</tr></thead>",
        "<tbody>",
    ]
    for item in overdue:
        values = [
            esc(item.partner),
            f'<a href="#{item_ids[item.row]}">{esc(item.ref)}</a>',
            esc(item.recommendation),
            f'<span class="date">{esc(_day(item.target_date))}</span>',
            esc(item.status),
            str(item.days_overdue),
        ]
        out.append(
            "<tr>"
            + "".join(
                f'<td data-label="{label}"{_num_class(label)}>{v}</td>'
                for label, v in zip(labels, values, strict=True)
            )
            + "</tr>"
        )
    out += ["</tbody>", "</table></div>", "</section>"]
    return out


def _num_class(label: str) -> str:
    return ' class="num"' if label == "Days overdue" else ""


def _day(when: Any) -> str:
    return long_date(when) if when is not None else ""


def monitoring_section(report: CommitteeReport) -> list[str]:
    """Partner by partner, section by section, each recommendation with its dated history."""
    partner_ids, item_ids = _ids(report)
    out = ['<section id="monitoring">', "<h2>Monitoring</h2>"]
    for partner, sections in report.grouped():
        out += [
            f'<section class="partner" id="{partner_ids[partner]}">',
            f'<h3 class="partner-name">{esc(partner)}</h3>',
        ]
        for section, items in sections:
            if section:
                out.append(f"<h4>{esc(section)}</h4>")
            for item in items:
                out += _item(item, item_ids[item.row])
        out.append("</section>")
    out.append("</section>")
    return out


def _item(item: Item, anchor: str) -> list[str]:
    classes = "item" + (" closed" if item.closed else "") + (" overdue" if item.overdue else "")
    meta = list(_meta(item))
    out = [
        f'<article class="{classes}" id="{anchor}">',
        f'<p class="ref">{esc(item.ref)}</p>',
        '<div class="recommendation">',
        f'<p class="text">{esc(item.recommendation)}</p>',
        '<dl class="meta">' + "".join(meta) + "</dl>",
        "</div>",
        '<div class="progress">',
    ]
    if item.history:
        out.append('<ol class="history">')
        for entry in item.history:
            when = (
                f'<time datetime="{entry.when.isoformat()}">{esc(long_date(entry.when))}</time>'
                if entry.when
                else ""
            )
            out.append(f'<li>{when}<p class="note">{esc(entry.text)}</p></li>')
        out.append("</ol>")
    else:
        out.append('<p class="none">No progress reported.</p>')
    if item.closed and not item.says_closed:
        out.append(f'<p class="closed-note">{esc(CLOSED_LINE)}</p>')
    out += ["</div>", "</article>"]
    return out


def _meta(item: Item) -> Iterable[str]:
    def pair(term: str, value: str) -> str:
        return f"<div><dt>{term}</dt><dd>{value}</dd></div>"

    if item.lead:
        yield pair("Lead", esc(item.lead))
    if item.target_date:
        late = (
            f' <span class="late">({item.days_overdue} days overdue)</span>' if item.overdue else ""
        )
        yield pair("Target", esc(long_date(item.target_date)) + late)
    if item.status:
        yield pair("Status", f'<span class="badge">{esc(item.status)}</span>')
    if item.rag:
        yield pair(
            "RAG", f'<span class="badge {RAG_CLASSES.get(item.rag, "")}">{esc(item.rag)}</span>'
        )
    if item.updated:
        yield pair("Updated", esc(long_date(item.updated)))
