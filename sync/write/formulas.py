"""Formulas around overwritten cells: array ranges refuse the write, shared formulas move their anchor."""

from __future__ import annotations

import re
from collections.abc import Collection

from sync.cells import a1
from sync.write.ranges import Area
from sync.write.sheetscan import Formula, SheetScan
from sync.write.sheetxml import SheetDoc
from sync.write.xmltext import set_attr, unescape


class FormulaError(ValueError):
    """A write the sheet's formulas do not allow; names the cell (row, col) concerned."""

    def __init__(self, message: str, cell: tuple[int, int]) -> None:
        super().__init__(message)
        self.message = message
        self.cell = cell


_NAME_ENDS = (b">", b"/", b" ", b"\t", b"\r", b"\n")
_PREFIX = re.compile(rb"[A-Za-z_][\w.-]*")


def holds_formula(xml: bytes) -> bool:
    """Whether a worksheet part holds an <f> element, <f> or prefixed (<x:f>).

    Two plain searches, for "<f" and ":f", each hit then looked at: on a 130 MB sheet half
    the time of a search for each spelling. Text that only looks like the tag ("ratio:f 1")
    is not taken for one: text holds no "<", so ":f" is a tag only right after "<prefix".
    """
    for needle in (b"<f", b":f"):
        at = xml.find(needle)
        while at >= 0:
            if xml[at + 2 : at + 3] in _NAME_ENDS and (needle == b"<f" or _after_prefix(xml, at)):
                return True
            at = xml.find(needle, at + 2)
    return False


def _after_prefix(xml: bytes, colon: int) -> bool:
    """Whether the ":" at `colon` ends an element's prefix, as in "<x:f"."""
    start = xml.rfind(b"<", 0, colon)
    return start >= 0 and _PREFIX.fullmatch(xml, start + 1, colon) is not None


def check_array_areas(doc: SheetScan, cells: Collection[tuple[int, int]]) -> None:
    """Refuse a write inside a multi-cell array (or data table) formula: Excel cannot change
    part of an array, and a file that does makes it repair the workbook."""
    areas = doc.formula_areas()
    for cell in cells if areas else ():
        for area, _ in areas:
            if cell in area:
                raise FormulaError(
                    f"is part of the array formula over {area}; Excel cannot change part of an array",
                    cell,
                )


def reanchor_shared(doc: SheetDoc, cells: Collection[tuple[int, int]]) -> bool:
    """Keep a shared formula working when the cell holding its text (its anchor) is overwritten.

    The next cell of the group becomes the anchor, holding the formula translated to its
    position. A group whose remaining cells do not form a block starting there is refused:
    Excel reads every member relative to the anchor at the block's top-left. True if an
    anchor moved.
    """
    moved = False
    for r, c in cells:
        cell = doc.cell(r, c)
        f = doc.formula(cell) if cell is not None else None
        if f is None or f.attrs.get("t") != "shared" or "ref" not in f.attrs:
            continue
        rest = [
            (rr, cc, ff)
            for rr, cc, ff in doc.shared_members(f.attrs.get("si", ""))
            if (rr, cc.col) not in cells and "ref" not in ff.attrs
        ]
        if not rest:
            continue
        rows = [rr for rr, _, _ in rest]
        cols = [cc.col for _, cc, _ in rest]
        area = Area(min(rows), min(cols), max(rows), max(cols))
        new_r, new_cell, new_f = rest[0]
        if (area.min_row, area.min_col) != (new_r, new_cell.col):
            raise FormulaError(
                "holds a formula other cells share, which cannot be moved to a single new "
                "anchor; edit it in Excel",
                (r, c),
            )
        text = _translate(f.text, (r, c), (new_r, new_cell.col))
        raw = set_attr(_raw_attrs(doc, new_f), "ref", str(area))
        fq = doc.qn("f")
        doc.patch_formula(new_r, new_cell.col, f"<{fq}{raw}>{text}</{fq}>")
        moved = True
    return moved


def _translate(xml_text: str, origin: tuple[int, int], dest: tuple[int, int]) -> str:
    """A formula's XML text as it reads from another cell (relative references shifted)."""
    from openpyxl.formula.translate import Translator

    try:
        moved = Translator("=" + unescape(xml_text), origin=a1(*origin)).translate_formula(
            a1(*dest)
        )
    except Exception:  # the translator raises several types for formulas it cannot parse
        raise FormulaError(
            "holds a shared formula xlsync cannot move; edit it in Excel", origin
        ) from None
    return str(moved)[1:].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _raw_attrs(doc: SheetScan, f: Formula) -> str:
    """The attribute text of a formula's start tag, as written."""
    tag = doc.text[f.start : f.end]
    m = re.match(r"<[\w.:\-]+((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)/?>", tag)
    return m.group(1) if m else ""
