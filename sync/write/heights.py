"""How tall a row must be to show its text, worked out from the text, the font and the column width."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sync.write.ranges import parse_area
from sync.write.xmltext import attrs_of, set_attr

if TYPE_CHECKING:
    from sync.write.sheetxml import SheetDoc
    from sync.write.styles import Styles

# Excel measures a column in widths of the digit "0" of the workbook's normal font: about 7
# pixels (Calibri 11, Arial 10), plus 5 pixels of margin. Text is measured here with an
# average character a little wider than real prose needs (half the font's size in pixels,
# bold a tenth more), so that a row is never made too short: a line to spare is better than
# a note cut off.
DIGIT_PX = 7
MARGIN_PX = 5
CELL_PADDING_PX = 3  # the gap Excel and LibreOffice leave either side of a cell's text
CHAR_EM = 0.5
BOLD = 1.1
LINE = 15 / 11  # a line of text takes 1.36 times the font's size in points (Excel: 11 pt -> 15 pt)
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
DEFAULT_COL_WIDTH = 8.43
DEFAULT_ROW_HEIGHT = 15.0
DEFAULT_FONT_PT = 11.0


def text_lines(text: str, chars_per_line: int) -> int:
    """How many lines `text` takes in a wrapping cell `chars_per_line` characters wide: its
    line breaks, and its words wrapped as a spreadsheet wraps them (a word longer than a
    line is broken)."""
    width = max(1, chars_per_line)
    return sum(_paragraph_lines(p, width) for p in text.split("\n"))


def _paragraph_lines(paragraph: str, width: int) -> int:
    if len(paragraph) <= width:
        return 1
    lines, used = 1, 0
    for word in paragraph.split():
        n = len(word)
        if used and used + 1 + n <= width:
            used += 1 + n
            continue
        if used:
            lines += 1
        while n > width:
            n -= width
            lines += 1
        used = n
    return lines


def text_height(text: str, column_width: float, font_pt: float, bold: bool = False) -> float:
    """The row height, in points, that shows all of `text` in a wrapping cell of one column
    (`column_width` in Excel's units) in a font of `font_pt` points."""
    lines = text_lines(text, chars_per_line(column_width, font_pt, bold))
    return min(MAX_ROW_HEIGHT, round(lines * font_pt * LINE, 2))


def chars_per_line(column_width: float, font_pt: float, bold: bool = False) -> int:
    """How many characters of prose a wrapping cell `column_width` wide holds on one line."""
    inner_px = column_width * DIGIT_PX + MARGIN_PX - 2 * CELL_PADDING_PX
    char_px = font_pt * 96 / 72 * CHAR_EM * (BOLD if bold else 1.0)
    return max(1, int(inner_px / char_px))


class _Look:
    """What a sheet's cells look like, read from its columns and the workbook's styles."""

    def __init__(self, doc: SheetDoc, styles: Styles) -> None:
        self.doc = doc
        self.styles = styles
        self._fonts: dict[int | None, tuple[float, bool, bool]] = {}
        fmt = doc.root.child("sheetFormatPr")
        a = fmt.attrs if fmt is not None else {}
        self.default_width = _number(a.get("defaultColWidth")) or (
            (_number(a.get("baseColWidth")) or 8) + 0.43
        )
        self.default_height = _number(a.get("defaultRowHeight")) or DEFAULT_ROW_HEIGHT
        self.widths: list[tuple[int, int, float]] = []
        cols = doc.root.child("cols")
        for col in cols.all("col") if cols is not None else []:
            c = col.attrs
            lo, hi = _number(c.get("min")), _number(c.get("max"))
            if lo is None or hi is None:
                continue
            hidden = c.get("hidden") in ("1", "true")
            width = 0.0 if hidden else _number(c.get("width"))
            self.widths.append((int(lo), int(hi), self.default_width if width is None else width))
        self.spans: dict[tuple[int, int], int] = {}  # a merged area's first cell -> its last column
        self.covered: set[tuple[int, int]] = set()  # cells whose height a merge decides
        merges = doc.root.child("mergeCells")
        for m in merges.all("mergeCell") if merges is not None else []:
            area = parse_area(m.attrs.get("ref", ""))
            if area is None:
                continue
            if area.min_row == area.max_row:
                self.spans[(area.min_row, area.min_col)] = area.max_col
            else:
                self.covered.add((area.min_row, area.min_col))

    def width(self, r: int, c: int) -> float:
        last = self.spans.get((r, c), c)
        return sum(self._column(col) for col in range(c, last + 1))

    def _column(self, c: int) -> float:
        for lo, hi, width in self.widths:
            if lo <= c <= hi:
                return width
        return self.default_width

    def font(self, style: int | None) -> tuple[float, bool, bool]:
        """(size in points, bold, wraps) of cell format `style`."""
        if style not in self._fonts:
            self._fonts[style] = self._read_font(style)
        return self._fonts[style]

    def _read_font(self, style: int | None) -> tuple[float, bool, bool]:
        raw, inner = self.styles._xf(style)  # the format as written, or as added by this write
        wraps = bool(re.search(r"wrapText\s*=\s*[\"'](1|true)", inner))
        m = re.search(r"fontId\s*=\s*[\"'](\d+)", raw)
        fonts = self.styles._items("fonts")
        font_id = int(m.group(1)) if m else 0
        if font_id >= len(fonts):
            return DEFAULT_FONT_PT, False, wraps
        node = fonts[font_id]
        text = self.styles.text[node.inner_start : node.inner_end]
        size = re.search(r"<(?:\w+:)?sz\s+val\s*=\s*[\"']([\d.]+)", text)
        bold = re.search(r"<(?:\w+:)?b(?:\s+val\s*=\s*[\"'](1|true)[\"'])?\s*/?>", text)
        return (float(size.group(1)) if size else DEFAULT_FONT_PT), bold is not None, wraps


def fit_rows(doc: SheetDoc, styles: Styles, texts: Mapping[tuple[int, int], str]) -> list[int]:
    """Make each row whose new text (`texts`, by (row, column)) would be cut off tall enough to
    show it, and let the application fit it again when it is edited; rows whose height
    already shows their text keep it. Returns the rows changed."""
    look = _Look(doc, styles)
    needed: dict[int, float] = {}
    for (r, c), text in texts.items():
        if not text or (r, c) in look.covered:
            continue
        style = doc.planned_style(r, c)
        if style is None:
            cell = doc.cell(r, c)
            style = cell.style if cell is not None else doc.default_style(r, c)
        size, bold, wraps = look.font(style)
        if not wraps:
            continue  # the text runs on to the right on one line; a taller row shows nothing more
        width = look.width(r, c)
        if width <= 0 or text_lines(text, chars_per_line(width, size, bold)) < 2:
            continue  # one line shows in a row of any usual height
        needed[r] = max(needed.get(r, 0.0), text_height(text, width, size, bold))
    changed = []
    for r, height in sorted(needed.items()):
        raw = doc.planned_row_attrs(r)
        if raw is None:
            raw = ""
        a = attrs_of(raw)
        if a.get("hidden") in ("1", "true"):
            continue
        shown = _number(a.get("ht")) or look.default_height
        if height <= shown:
            continue
        raw = set_attr(set_attr(raw, "ht", _points(height)), "customHeight", None)
        doc.set_row_attrs(r, raw)
        changed.append(r)
    return changed


def _points(height: float) -> str:
    return f"{height:.2f}".rstrip("0").rstrip(".")


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def texts_of(values: Mapping[tuple[int, int], object]) -> dict[tuple[int, int], str]:
    """The text values among a sheet's planned cell values."""
    return {rc: v for rc, v in values.items() if isinstance(v, str)}
