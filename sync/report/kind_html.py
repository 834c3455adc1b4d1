"""A kind's report as one self-contained web page: the workbook's sections, tables and charts,
drawn as inline SVG; every value from a workbook escaped, nothing fetched."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sync.report.committee import long_date
from sync.report.html import RAG_CLASSES, _clip, bar_axis, esc, page, write_page
from sync.report.kind_workbook import BAR_COLOURS, LINE_COLOURS
from sync.report.kinds import Cell, Chart, KindReport, Section, Table
from sync.report.workbook import OTHER_COLOUR

EXTRA_CSS = """
.covers { font-weight: 600; color: #1f3864; margin: .25rem 0; }
table.heat { width: auto; }
table.heat td { text-align: center; min-width: 3rem; font-weight: 700; }
h3.table { margin: 1.25rem 0 .4rem; font-size: 1.05rem; }
"""


def write_kind_html(report: KindReport, path: Path) -> Path:
    return write_page(render_kind_html(report), path)


def render_kind_html(report: KindReport) -> str:
    nav = "".join(f'<a href="#{s.id}">{esc(s.title)}</a>' for s in report.sections)
    body = [line for section in report.sections for line in _section(section)]
    return page(report.title, report.subtitle, report.master.name, nav, body, EXTRA_CSS)


def _section(section: Section) -> list[str]:
    out = [
        f'<section id="{esc(section.id)}">',
        f"<h2>{esc(section.title)}</h2>",
        f'<p class="covers">Covers: {esc(section.covers)}</p>',
    ]
    if section.note:
        out.append(f'<p class="muted">{esc(section.note)}</p>')
    for table in section.tables:
        out += _table(table)
    out.append("</section>")
    return out


def _table(table: Table) -> list[str]:
    out = [f'<h3 class="table">{esc(table.heading)}</h3>'] if table.heading else []
    if not table.rows:
        return [*out, f'<p class="none">{esc(table.empty)}</p>']
    classes = "heat" if table.label_rows else "cards"
    out += [
        f'<div class="scroll"><table class="{classes}">',
        "<thead><tr>"
        + "".join(
            f'<th scope="col"{_align(table, n)}>{esc(h)}</th>' for n, h in enumerate(table.headers)
        )
        + "</tr></thead>",
        "<tbody>",
    ]
    for row in table.rows:
        cells: list[str] = []
        for header, cell in zip(table.headers, row, strict=True):
            cells.append(_cell(header, cell, table.label_rows and not cells))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table></div>"]
    if table.chart is not None:
        out += _chart(table, table.chart)
    return out


def _align(table: Table, col: int) -> str:
    """A column of numbers has its heading over them, on the right."""
    values = [row[col].value for row in table.rows if row[col].value is not None]
    numbers = bool(values) and all(isinstance(v, int | float) for v in values)
    return ' class="num"' if numbers and not (table.label_rows and col == 0) else ""


def _cell(header: str, cell: Cell, row_label: bool) -> str:
    classes = [RAG_CLASSES[cell.tone]] if cell.tone in RAG_CLASSES else []
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and not row_label:
        classes.append("num")
    attr = f' class="{" ".join(classes)}"' if classes else ""
    text = esc(_show(cell.value))
    if cell.bold:
        text = f"<strong>{text}</strong>"
    if row_label:
        return f'<th scope="row"{attr}>{text}</th>'
    return f'<td data-label="{esc(header)}"{attr}>{text}</td>'


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numbers(table: Table, col: int) -> list[float | None]:
    out: list[float | None] = []
    for row in table.rows:
        v = row[col].value
        out.append(float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None)
    return out


def _chart(table: Table, spec: Chart) -> list[str]:
    return _line_chart(table, spec) if spec.sort == "line" else _bar_chart(table, spec)


def _legend(items: list[tuple[str, str]]) -> str:
    return (
        '<ul class="legend">'
        + "".join(f'<li><span style="background:{c}"></span>{esc(n)}</li>' for n, c in items)
        + "</ul>"
    )


def _line_chart(table: Table, spec: Chart) -> list[str]:
    """One line per series across the categories (periods); the first, the target, dashed."""
    cats = [_show(r[0].value) for r in table.rows]
    series = [(table.headers[c], _numbers(table, c)) for c in spec.series]
    values = [v for _, vs in series for v in vs if v is not None]
    if not values:
        return []
    low, high = min(0.0, min(values)), max(values)
    high = high if high > low else low + 1
    left, top, w, h = 48, 12, 360, 160
    step_x = w / max(len(cats) - 1, 1)

    def y(v: float) -> float:
        return top + h - (v - low) / (high - low) * h

    shapes = [f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#808080"/>']
    for tick in (low, (low + high) / 2, high):
        shapes.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#595959">{tick:g}</text>'
        )
    for i, cat in enumerate(cats):
        shapes.append(
            f'<text x="{left + i * step_x:.1f}" y="{top + h + 16}" text-anchor="middle" '
            f'font-size="11" fill="#595959">{esc(_clip(cat, 12))}</text>'
        )
    legend = []
    for n, (name, vs) in enumerate(series):
        colour = "#" + LINE_COLOURS[n % len(LINE_COLOURS)]
        points = [(left + i * step_x, y(v)) for i, v in enumerate(vs) if v is not None]
        dash = ' stroke-dasharray="6 4"' if n == 0 else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
            shapes.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for (x, yy), v in zip(points, [v for v in vs if v is not None], strict=True):
            shapes.append(
                f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3" fill="{colour}">'
                f"<title>{esc(name)}: {v:g}</title></circle>"
            )
        legend.append((name, colour))
    summary = "; ".join(
        f"{name}: "
        + ", ".join(f"{c} {v:g}" for c, v in zip(cats, vs, strict=True) if v is not None)
        for name, vs in series
    )
    return [
        "<figure>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + w + 48} {top + h + 28}" '
        f'role="img" aria-label="{esc(spec.title + ". " + summary)}" '
        'font-family="system-ui, Arial, sans-serif">',
        *shapes,
        "</svg>",
        _legend(legend),
        f"<figcaption>{esc(spec.title)}: {esc(spec.axis)} by period.</figcaption>",
        "</figure>",
    ]


def _bar_chart(table: Table, spec: Chart) -> list[str]:
    """A stacked bar per row (partner), one colour per series (status)."""
    label_w, bar_w, row_h, top, gap = 130, 300, 30, 28, 8
    totals = [sum(int(row[c].value or 0) for c in spec.series) for row in table.rows]
    biggest = max(totals, default=0) or 1
    height = top + row_h * len(table.rows) + 10
    scale, shapes = bar_axis(biggest, label_w, bar_w, top, height)
    for n, row in enumerate(table.rows):
        y = top + n * row_h
        name = _show(row[0].value)
        shapes.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="12">'
            f"{esc(_clip(name, 18))}<title>{esc(name)}</title></text>"
        )
        x = float(label_w)
        for c in spec.series:
            count = int(row[c].value or 0)
            if not count:
                continue
            w = count * scale
            colour = "#" + BAR_COLOURS.get(table.headers[c], OTHER_COLOUR)
            shapes.append(
                f'<rect x="{x:.1f}" y="{y + gap / 2:.1f}" width="{w:.1f}" height="{row_h - gap}" '
                f'fill="{colour}"><title>{esc(name)}: {esc(table.headers[c])} {count}</title></rect>'
            )
            x += w
    legend = [
        (table.headers[c], "#" + BAR_COLOURS.get(table.headers[c], OTHER_COLOUR))
        for c in spec.series
    ]
    return [
        "<figure>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 20} {height}" '
        f'role="img" aria-label="{esc(spec.title)}" font-family="system-ui, Arial, sans-serif">',
        *shapes,
        "</svg>",
        _legend(legend),
        f"<figcaption>{esc(spec.title)}.</figcaption>",
        "</figure>",
    ]
