"""A worksheet's XML patched in place: changed cells spliced into their rows, all else kept as written."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sync.cells import a1
from sync.write.ranges import Area, grow_sqref, parse_area
from sync.write.sheetscan import CellSpan, RowSpan, SheetError, SheetScan
from sync.write.xmltext import (
    Node,
    attrs_of,
    edited_pieces,
    escape_text,
    needs_preserve,
    retag,
    set_attr,
)

__all__ = ["CellWrite", "Content", "SheetDoc", "SheetError"]

# The order of a worksheet's children (CT_Worksheet); a new child goes before the first later one.
WORKSHEET_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins pageSetup "
    "headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors smartTags drawing "
    "legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts "
    "extLst"
).split()


@dataclass(frozen=True, slots=True)
class Content:
    """What a cell will hold: kind 'n' (number), 's' (shared string index), 'b', 'inline' or 'clear'."""

    kind: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CellWrite:
    """A change to one cell: new content (None keeps it) and a new style index (None keeps it)."""

    content: Content | None = None
    style: int | None = None


@dataclass(slots=True)
class SheetDoc(SheetScan):
    """A worksheet with the edits planned for it; render() splices them into the text."""

    _writes: dict[int, dict[int, CellWrite]] = field(default_factory=dict)
    _row_raw: dict[int, str] = field(default_factory=dict)
    _formula_patch: dict[tuple[int, int], str] = field(default_factory=dict)
    _edits: list[tuple[int, int, str]] = field(default_factory=list)
    _tags: dict[int, tuple[Node, str]] = field(default_factory=dict)

    # -- planning edits ----------------------------------------------------------------------

    def write(self, r: int, c: int, change: CellWrite) -> None:
        row = self._writes.setdefault(r, {})
        old = row.get(c)
        if old is not None:
            change = CellWrite(
                change.content or old.content,
                change.style if change.style is not None else old.style,
            )
        row[c] = change

    def planned_style(self, r: int, c: int) -> int | None:
        """The style index a cell is already planned to get, if any."""
        planned = self._writes.get(r, {}).get(c)
        return None if planned is None else planned.style

    def set_row_attrs(self, r: int, raw: str) -> None:
        """The start-tag attributes a (new or rewritten) row gets, e.g. copied from a style row."""
        self._row_raw[r] = raw

    def planned_row_attrs(self, r: int) -> str | None:
        """The start-tag attributes row `r` will have: as planned, else as written (None: no row)."""
        return self._row_raw.get(r, self.row_attrs(r))

    def patch_formula(self, r: int, c: int, new_f: str) -> None:
        self._formula_patch[(r, c)] = new_f

    def set_attr(self, node: Node, name: str, value: str | None) -> None:
        """Change one attribute of an element outside sheetData (e.g. dimension ref)."""
        _, raw = self._tags.get(node.start, (node, node.raw_attrs))
        self._tags[node.start] = (node, set_attr(raw, name, value))

    def replace_text(self, node: Node, new_inner: str) -> None:
        self._edits.append((node.inner_start, node.inner_end, new_inner))

    def insert_child(self, local: str, xml: str) -> None:
        """Insert a new child of <worksheet> at its place in the schema's order."""
        rank = WORKSHEET_ORDER.index(local)
        for child in self.root.children:
            if child.local in WORKSHEET_ORDER and WORKSHEET_ORDER.index(child.local) > rank:
                self._edits.append((child.start, child.start, xml))
                return
        self._edits.append((self.root.inner_end, self.root.inner_end, xml))

    def ranges(self) -> Iterator[tuple[Node, str, bool]]:
        """Every (node, sqref, is_text) a row append may extend: autofilter, conditional formats,
        data validations, and their x14 versions (whose sqref is element text)."""
        for child in self.root.children:
            if child.local == "autoFilter" and "ref" in child.attrs:
                yield child, child.attrs["ref"], False
            elif child.local == "conditionalFormatting" and "sqref" in child.attrs:
                yield child, child.attrs["sqref"], False
            elif child.local == "dataValidations":
                for dv in child.all("dataValidation"):
                    if "sqref" in dv.attrs:
                        yield dv, dv.attrs["sqref"], False
            elif child.local == "extLst":
                for ext in child.children:
                    for block in ext.children:
                        if block.local not in ("dataValidations", "conditionalFormattings"):
                            continue
                        for item in block.children:
                            sq = item.child("sqref")
                            if sq is not None:
                                yield sq, self.text[sq.inner_start : sq.inner_end], True

    def extend_ranges(self, style_row: int, start_row: int, end_row: int) -> list[str]:
        """Extend the sheet's filters, formats and validations that run down to the new rows."""
        done = []
        for node, sqref, is_text in self.ranges():
            new = grow_sqref(sqref, style_row, start_row, end_row)
            if new is None:
                continue
            if is_text:
                self.replace_text(node, new)
            else:
                self.set_attr(node, "ref" if node.local == "autoFilter" else "sqref", new)
            done.append(node.local)
        return done

    # -- rendering ---------------------------------------------------------------------------

    def render(self) -> str:
        return "".join(self.render_pieces())

    def render_pieces(self) -> list[str]:
        """The sheet's new XML as pieces to be joined (see Package.put)."""
        edits = list(self._edits)
        edits += self._render_rows()
        extent = self._extent()
        dim = self.root.child("dimension")
        if dim is not None and extent is not None:
            old = parse_area(dim.attrs.get("ref", ""))
            new = (
                extent
                if old is None or self._sheet_was_empty()
                else Area(
                    min(old.min_row, extent.min_row),
                    min(old.min_col, extent.min_col),
                    max(old.max_row, extent.max_row),
                    max(old.max_col, extent.max_col),
                )
            )
            if new != old:
                self.set_attr(dim, "ref", str(new))
        edits += [retag(node, raw) for node, raw in self._tags.values()]
        try:
            return edited_pieces(self.text, edits)
        except ValueError as exc:
            raise SheetError(str(exc)) from None

    def _sheet_was_empty(self) -> bool:
        # an empty sheet's dimension is "A1"; it must not stay in the new used range
        return self.used_area() == Area(1, 1, 1, 1) and self.cell(1, 1) is None

    def _extent(self) -> Area | None:
        cells = [
            (r, c)
            for r, cols in self._writes.items()
            for c, w in cols.items()
            if w.content is None or w.content.kind != "clear"
        ]
        if not cells:
            return None
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        return Area(min(rows), min(cols), max(rows), max(cols))

    def _render_rows(self) -> list[tuple[int, int, str]]:
        targets = sorted(
            set(self._writes) | set(self._row_raw) | {r for r, _ in self._formula_patch}
        )
        if not targets:
            return []
        existing = [self.row(r) for r in targets]
        if self._rows is None and not self.sheet_data.empty:
            # Every row was found by its number, and any missing one lies beyond the last:
            # written rows change in place and new ones go at the end, so no other row of a
            # large sheet needs to be indexed.
            last = self.last_row()
            at = last.end if last is not None else self.sheet_data.inner_end
            appended = [
                (at, at, self._new_row(r))
                for r, span in zip(targets, existing, strict=True)
                if span is None
            ]
            edited = [e for row in existing if row is not None for e in self._edit_row(row, False)]
            return edited + appended
        rows = self.rows()
        sd = self.sheet_data
        if sd.empty:
            body = "".join(self._new_row(r) for r in targets)
            sdq = sd.qname
            return [(sd.start, sd.end, f"<{sdq}{sd.raw_attrs.rstrip()}>{body}</{sdq}>")]
        edits: list[tuple[int, int, str]] = []
        touched = set(targets)
        # a row after an inserted one can no longer count its number from its predecessor
        after_new = {
            rows[i].r
            for r in targets
            if (i := bisect.bisect_left(self._row_nums, r)) < len(rows) and rows[i].r != r
        }
        for r in targets:
            i = bisect.bisect_left(self._row_nums, r)
            if i < len(rows) and rows[i].r == r:
                edits += self._edit_row(rows[i], r in after_new)
            else:
                edits += self._add_row(r, rows[i] if i < len(rows) else None, touched)
        return edits

    def _edit_row(self, row: RowSpan, after_new: bool) -> list[tuple[int, int, str]]:
        """The edits writing an existing row: its written cells replaced in place where they
        all exist, else the row rebuilt. `after_new`: a row is inserted just above it."""
        in_place = self._cells_in_place(row)
        if in_place is None:
            explicit = row.has_r or after_new or row.r in self._row_raw
            return [(row.start, row.end, self._rebuild_row(row, explicit))]
        # every written cell exists: replace just those, the row stays as it was
        if not row.has_r and after_new and row.r not in self._row_raw:
            # it can no longer count its number from the row before it
            in_place.append(self._numbered_start(row))
        return in_place

    def _add_row(
        self, r: int, following: RowSpan | None, touched: set[int]
    ) -> list[tuple[int, int, str]]:
        """The edits adding row `r` before the row `following` it (None: after the last)."""
        edits = []
        if following is None:
            rows = self.rows()
            at = rows[-1].end if rows else self.sheet_data.inner_end
        else:
            at = following.start
            if not following.has_r and following.r not in touched:
                # the next row's number was implicit (previous + 1): make it explicit
                edits.append(self._numbered_start(following))
        edits.append((at, at, self._new_row(r)))
        return edits

    def _numbered_start(self, row: RowSpan) -> tuple[int, int, str]:
        """The edit giving a row's start tag its number."""
        raw = set_attr(row.raw, "r", str(row.r), first=True)
        close = "/" if row.open_end == row.end else ""
        return (row.start, row.open_end, f"<{self.qn('row')}{raw}{close}>")

    def _cells_in_place(self, row: RowSpan) -> list[tuple[int, int, str]] | None:
        """Edits replacing each written cell of an existing row, and its start tag when it
        takes new attributes, when all of them exist; None when the row must be rebuilt (new
        cells, a row written `<row/>`). A row made taller for a longer note keeps every other
        byte so: rebuilt, 5,000 such rows cost 1.3 s of a 300,000-row merge."""
        cols = set(self._writes.get(row.r, {})) | {c for r, c in self._formula_patch if r == row.r}
        edits = []
        raw = self._row_raw.get(row.r)
        if raw is not None:
            # the start tag _rebuild_row would write; a row whose end tag it would respell
            # (`</row >`) is left to it
            if row.open_end == row.end or self.text[row.inner_end : row.end] != (
                f"</{self.qn('row')}>"
            ):
                return None
            edits.append((row.start, row.open_end, self._row_start(row.r, raw, [])))
        for c in sorted(cols):
            cell = self.cell(row.r, c)
            if cell is None:
                return None
            edits.append(
                (
                    cell.start,
                    cell.end,
                    self._changed_cell(row.r, cell, self._writes.get(row.r, {}).get(c)),
                )
            )
        return edits

    def _row_start(self, r: int, raw: str, cols: list[int], explicit: bool = True) -> str:
        if explicit:
            raw = set_attr(raw, "r", str(r), first=True)
        spans = attrs_of(raw).get("spans")
        if spans and cols:
            m = re.fullmatch(r"\s*(\d+):(\d+)\s*", spans)
            if m:
                lo, hi = min(int(m.group(1)), *cols), max(int(m.group(2)), *cols)
                if (lo, hi) != (int(m.group(1)), int(m.group(2))):
                    raw = set_attr(raw, "spans", f"{lo}:{hi}")
        return f"<{self.qn('row')}{raw}>"

    def _new_row(self, r: int) -> str:
        writes = self._writes.get(r, {})
        cols = sorted(writes)
        raw = self._row_raw.get(r, "")
        if not cols:
            return f"<{self.qn('row')}{set_attr(raw, 'r', str(r), first=True)}/>"
        body = "".join(self._new_cell(r, c, writes[c]) for c in cols)
        return self._row_start(r, raw, cols) + body + f"</{self.qn('row')}>"

    def _rebuild_row(self, row: RowSpan, explicit: bool) -> str:
        writes = self._writes.get(row.r, {})
        cells = self.cells(row)
        present = {c.col for c in cells}
        new_cols = sorted(c for c in writes if c not in present)
        raw = self._row_raw.get(row.r, row.raw)
        out = [self._row_start(row.r, raw, new_cols, explicit)]
        pos = row.open_end
        k = 0
        for cell in cells:
            out.append(self.text[pos : cell.start])
            inserted = False
            while k < len(new_cols) and new_cols[k] < cell.col:
                out.append(self._new_cell(row.r, new_cols[k], writes[new_cols[k]]))
                k += 1
                inserted = True
            if cell.col in writes or (row.r, cell.col) in self._formula_patch:
                out.append(self._changed_cell(row.r, cell, writes.get(cell.col)))
            elif inserted and not cell.has_r:
                out.append(self._changed_cell(row.r, cell, None))
            else:
                out.append(self.text[cell.start : cell.end])
            pos = cell.end
        tail = self.text[pos : row.inner_end]
        out.extend(self._new_cell(row.r, c, writes[c]) for c in new_cols[k:])
        out.append(tail)
        out.append(f"</{self.qn('row')}>")
        return "".join(out)

    def _content_xml(self, content: Content) -> tuple[str | None, str]:
        """(t attribute, children) for a cell's new content."""
        if content.kind == "clear":
            return None, ""
        if content.kind == "inline":
            tq = self.qn("t")
            space = ' xml:space="preserve"' if needs_preserve(content.text) else ""
            body = escape_text(content.text)
            return "inlineStr", f"<{self.qn('is')}><{tq}{space}>{body}</{tq}></{self.qn('is')}>"
        v = f"<{self.qn('v')}>{content.text}</{self.qn('v')}>"
        return {"n": None, "s": "s", "b": "b"}[content.kind], v

    def _new_cell(self, r: int, c: int, change: CellWrite) -> str:
        raw = f' r="{a1(r, c)}"'
        if change.style:
            raw += f' s="{change.style}"'
        inner = ""
        if change.content is not None:
            t, inner = self._content_xml(change.content)
            if t:
                raw += f' t="{t}"'
        cq = self.qn("c")
        return f"<{cq}{raw}>{inner}</{cq}>" if inner else f"<{cq}{raw}/>"

    def _changed_cell(self, r: int, cell: CellSpan, change: CellWrite | None) -> str:
        ref = a1(r, cell.col)
        raw = (
            cell.raw
            if cell.raw.startswith(f' r="{ref}"')
            else set_attr(cell.raw, "r", ref, first=True)
        )
        inner = self.text[cell.inner_start : cell.inner_end]
        if change is not None and change.style is not None:
            raw = set_attr(
                raw, "s", str(change.style) if change.style or "s" in cell.attrs else None
            )
        if change is not None and change.content is not None:
            t, inner = self._content_xml(change.content)
            raw = set_attr(raw, "t", t)
            # cell and value metadata belong to the old value (spills, pictures in cells)
            if "cm=" in raw or "vm=" in raw:
                raw = set_attr(set_attr(raw, "cm", None), "vm", None)
        elif (r, cell.col) in self._formula_patch:
            f = self.formula(cell)
            if f is not None:
                local_start = f.start - cell.inner_start
                local_end = f.end - cell.inner_start
                inner = inner[:local_start] + self._formula_patch[(r, cell.col)] + inner[local_end:]
        cq = self.qn("c")
        return f"<{cq}{raw}>{inner}</{cq}>" if inner else f"<{cq}{raw}/>"
