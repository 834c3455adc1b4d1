"""Sheets xlsync owns (sync log, history, state) rendered whole as worksheet XML."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sync.cells import a1, column_letter
from sync.write.package import MAIN_NS, REL_NS
from sync.write.xmltext import XML_DECL, escape_attr, escape_text, needs_preserve

_BAD_NAME = re.compile(r"[\[\]:*?/\\]")

# One cell as (t attribute or None, children markup, style index or None).
CellXml = tuple[str | None, str, int | None]


def refuse_sheet_name(name: str) -> str | None:
    """Why Excel would not accept `name` for a sheet, or None."""
    if not name.strip():
        return "a sheet needs a name"
    if len(name) > 31:
        return f"sheet name {name!r} is longer than Excel's 31 characters"
    if _BAD_NAME.search(name):
        return f"sheet name {name!r} holds one of [ ] : * ? / \\"
    if name.startswith("'") or name.endswith("'"):
        return f"sheet name {name!r} starts or ends with an apostrophe"
    return None


def inline_text(value: str) -> CellXml:
    """Text as an inline string: our own sheets never touch the shared string table."""
    space = ' xml:space="preserve"' if needs_preserve(value) else ""
    return "inlineStr", f"<is><t{space}>{escape_text(value)}</t></is>", None


def render_sheet(
    rows: Sequence[Sequence[object]],
    cell: Callable[[int, int, object], CellXml | None],
    *,
    flavour: str,
    widths: dict[int, float],
    links: dict[tuple[int, int], str],
) -> str:
    """A worksheet holding `rows` (the first a frozen header) with widths and internal links.

    `cell` renders a value; text below the header that is not a link needs no style and is
    written here directly, since a sync log or history is hundreds of thousands of such cells.
    """
    body: list[str] = []
    max_col = 0
    letters = [""] + [column_letter(c) for c in range(1, max(map(len, rows), default=0) + 1)]
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            if type(value) is str and value and r > 1 and (r, c) not in links:
                cells.append(f'<c r="{letters[c]}{r}" t="inlineStr">{inline_text(value)[1]}</c>')
                max_col = max(max_col, c)
                continue
            got = cell(r, c, value)
            if got is None:
                continue
            t, inner, style = got
            attrs = (
                f' r="{letters[c]}{r}"'
                + (f' s="{style}"' if style else "")
                + (f' t="{t}"' if t else "")
            )
            cells.append(f"<c{attrs}>{inner}</c>" if inner else f"<c{attrs}/>")
            max_col = max(max_col, c)
        if cells:
            body.append(f'<row r="{r}">{"".join(cells)}</row>')
    last_row = max((r for r, v in enumerate(rows, start=1) if v), default=1)
    dimension = f"A1:{column_letter(max_col)}{last_row}" if max_col else "A1"
    pane = (
        (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        )
        if len(rows) > 1
        else ""
    )
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
        for c, w in sorted(widths.items())
    )
    hyperlinks = "".join(
        f'<hyperlink ref="{a1(r, c)}" location="{escape_attr(target)}" display="{escape_attr(target)}"/>'
        for (r, c), target in sorted(links.items())
    )
    return (
        f'{XML_DECL}<worksheet xmlns="{MAIN_NS[flavour]}" xmlns:r="{REL_NS[flavour]}">'
        f'<dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + (f"<sheetData>{''.join(body)}</sheetData>" if body else "<sheetData/>")
        + (f"<hyperlinks>{hyperlinks}</hyperlinks>" if hyperlinks else "")
        + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
