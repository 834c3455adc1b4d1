"""The styles part: new cell formats appended (dates, fills, bold headers); existing indices never move."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.styles.numbers import is_date_format

from sync.errors import WriteRefused
from sync.write.package import CT, MAIN_NS, Package
from sync.write.xmltext import Node, apply_edits, escape_attr, parse, q, set_attr

STYLES_ORDER = (
    "numFmts fonts fills borders cellStyleXfs cellXfs cellStyles dxfs tableStyles colors extLst"
).split()
BUILTIN_DATE_FORMATS = (
    set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
)
DATE_FORMAT = 14  # the short date, shown dd/mm/yyyy on a UK desktop
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

# Light red and amber as in Excel's own "Bad" and "Neutral" cell styles: the text stays legible.
FILL_COLOURS = {"error": "FFFFC7CE", "warning": "FFFFEB9C"}
LINK_COLOUR = "FF0563C1"

_DEFAULTS = {
    "fonts": [
        '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
        '<scheme val="minor"/></font>'
    ],
    "fills": [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
    ],
    "borders": ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
    "cellXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'],
}
_ITEM = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellXfs": "xf",
}


def _prefixed(xml: str, prefix: str) -> str:
    """Default-namespace markup rewritten with `prefix` on every element."""
    if not prefix:
        return xml
    return re.sub(r"<(/?)([A-Za-z]\w*)", rf"<\1{prefix}:\2", xml)


@dataclass(slots=True)
class Styles:
    pkg: Package
    part: str
    text: str
    root: Node
    workbook_part: str = ""
    created: bool = False
    touched: bool = False
    _new: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _ITEM})
    _base: dict[str, int] = field(default_factory=dict)
    _cache: dict[tuple[object, ...], int] = field(default_factory=dict)
    _existing: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, pkg: Package, workbook_part: str) -> Styles:
        rels = [r for r in pkg.rels(workbook_part) if r.kind == "styles"]
        folder = workbook_part.rpartition("/")[0]
        part = f"{folder}/styles.xml" if folder else "styles.xml"
        if rels:
            rel = rels[0]
            if rel.external or not pkg.has(rel.target):
                # The cells still number their formats in a stylesheet we cannot find (a reader
                # may well find it by its usual name): a stylesheet of our own would take its
                # place and every date format and fill would be lost.
                raise WriteRefused(
                    "the workbook's styles relationship points to no part of the package, "
                    "so its cell formats cannot be kept; xlsync will not write it",
                    pkg.path,
                )
            text, root = pkg.tree(rel.target)
            if root.local != "styleSheet":
                raise WriteRefused(
                    f"the workbook's styles relationship points to {rel.target}, which holds "
                    f"a {root.local}, not a stylesheet; xlsync will not write it",
                    pkg.path,
                )
            styles = cls(pkg, rel.target, text, root, workbook_part)
        elif pkg.has(part):
            raise WriteRefused(
                f"its workbook does not name {part} as its styles, "
                "so its cell formats cannot be kept; xlsync will not write it",
                pkg.path,
            )
        else:
            # No styles part (some generators skip it): start an empty one, added only if used.
            text = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                f'<styleSheet xmlns="{MAIN_NS[pkg.flavour]}"></styleSheet>'
            )
            styles = cls(pkg, part, text, parse(text), workbook_part, created=True)
        for coll in _ITEM:
            node = styles.root.child(coll)
            styles._base[coll] = len(node.children) if node is not None else 0
            if node is None and coll in _DEFAULTS:
                # a collection Excel requires is missing: it will be written with its defaults
                styles._new[coll] = [_prefixed(x, styles.root.prefix) for x in _DEFAULTS[coll]]
        return styles

    def _items(self, coll: str) -> list[Node]:
        node = self.root.child(coll)
        return [] if node is None else node.all(_ITEM[coll])

    def _xf(self, index: int | None) -> tuple[str, str]:
        """(raw attributes, children) of cell format `index`, from the file or from those we added."""
        i = index or 0
        items = self._items("cellXfs")
        if i < len(items):
            node = items[i]
            return node.raw_attrs, self.text[node.inner_start : node.inner_end]
        added = self._new["cellXfs"]
        j = i - self._base["cellXfs"]
        if 0 <= j < len(added):
            m = re.match(
                r"<[\w:]+((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>(.*?)(?:</[\w:]+>)?$",
                added[j],
                re.S,
            )
            assert m is not None
            return m.group(1), m.group(3) if not m.group(2) else ""
        return self._xf(0) if i else (' numFmtId="0" fontId="0" fillId="0" borderId="0"', "")

    def number_format(self, index: int | None) -> int:
        raw, _ = self._xf(index)
        m = re.search(r"numFmtId\s*=\s*[\"'](\d+)", raw)
        return int(m.group(1)) if m else 0

    def is_date(self, index: int | None) -> bool:
        fmt = self.number_format(index)
        if fmt in BUILTIN_DATE_FORMATS:
            return True
        for node in self._items("numFmts"):
            a = node.attrs
            if a.get("numFmtId") == str(fmt):
                return bool(is_date_format(a.get("formatCode", "")))
        return False

    def _add(self, coll: str, xml: str) -> int:
        """The index of `xml` in a collection: an identical existing item (one a previous run
        added) is reused, so rewriting xlsync's sheets each run does not grow the styles."""
        index = self._existing.get(coll)
        if index is None:
            index = self._existing[coll] = {}
            for i, node in enumerate(self._items(coll)):
                index.setdefault(self.text[node.start : node.end], i)
        if xml in index:
            return index[xml]
        self.touched = True
        self._new[coll].append(xml)
        return self._base[coll] + len(self._new[coll]) - 1

    def _custom_format(self, code: str) -> int:
        for node in self._items("numFmts"):
            if node.attrs.get("formatCode") == code:
                return int(node.attrs.get("numFmtId", "0"))
        ids = [int(n.attrs.get("numFmtId", "0")) for n in self._items("numFmts")]
        for xml in self._new["numFmts"]:
            m = re.search(r'numFmtId="(\d+)" formatCode="([^"]*)"', xml)
            if m and m.group(2) == escape_attr(code):
                return int(m.group(1))
            if m:
                ids.append(int(m.group(1)))
        new_id = max([163, *ids]) + 1
        self._new["numFmts"].append(
            f'<{q(self.root.prefix, "numFmt")} numFmtId="{new_id}" formatCode="{escape_attr(code)}"/>'
        )
        return new_id

    def derive(
        self,
        base: int | None,
        *,
        date: str | None = None,
        fill: str | None = None,
        quote: bool = False,
        font: str | None = None,
    ) -> int:
        """A cell format like `base` plus a date format, a fill, a quote prefix or a font.

        The new format is appended; `base` and every other index keep their meaning.
        `date` is 'date' or 'datetime' and is ignored when `base` already shows a date.
        """
        key = (base or 0, date, fill, quote, font)
        if key in self._cache:
            return self._cache[key]
        raw, inner = self._xf(base)
        changed = False
        if date and not self.is_date(base):
            fmt = DATE_FORMAT if date == "date" else self._custom_format(DATETIME_FORMAT)
            raw = set_attr(set_attr(raw, "numFmtId", str(fmt)), "applyNumberFormat", "1")
            changed = True
        if fill:
            colour = FILL_COLOURS[fill]
            p = self.root.prefix
            xml = _prefixed(
                f'<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/>'
                '<bgColor indexed="64"/></patternFill></fill>',
                p,
            )
            fill_id = self._cache.get(("fill", fill))
            if fill_id is None:
                fill_id = self._cache[("fill", fill)] = self._add("fills", xml)
            raw = set_attr(set_attr(raw, "fillId", str(fill_id)), "applyFill", "1")
            changed = True
        if quote:
            raw = set_attr(raw, "quotePrefix", "1")
            changed = True
        if font:
            raw = set_attr(set_attr(raw, "fontId", str(self._font(raw, font))), "applyFont", "1")
            changed = True
        if not changed:
            self._cache[key] = base or 0
            return base or 0
        xq = q(self.root.prefix, "xf")
        xml = f"<{xq}{raw}>{inner}</{xq}>" if inner else f"<{xq}{raw}/>"
        index = self._cache[key] = self._add("cellXfs", xml)
        return index

    def _font(self, xf_raw: str, kind: str) -> int:
        """A font like the format's own, made bold ('bold') or a hyperlink ('link')."""
        m = re.search(r"fontId\s*=\s*[\"'](\d+)", xf_raw)
        base = int(m.group(1)) if m else 0
        key = ("font", base, kind)
        if key in self._cache:
            return self._cache[key]
        fonts = self._items("fonts")
        if base < len(fonts):
            inner = self.text[fonts[base].inner_start : fonts[base].inner_end]
        else:
            inner = _prefixed(_DEFAULTS["fonts"][0][6:-7], self.root.prefix)
        p = self.root.prefix
        if kind == "bold":
            if not re.search(rf"<{re.escape(q(p, 'b'))}\b", inner):
                inner = f"<{q(p, 'b')}/>" + inner
        else:
            inner = re.sub(
                rf"<{re.escape(q(p, 'color'))}\b[^>]*?(?:/>|>.*?</{re.escape(q(p, 'color'))}>)",
                "",
                inner,
                flags=re.S,
            )
            inner = re.sub(rf"<{re.escape(q(p, 'u'))}\b[^>]*?/>", "", inner)
            sz = re.search(rf"<{re.escape(q(p, 'sz'))}\b", inner)
            at = sz.start() if sz else 0
            inner = inner[:at] + f"<{q(p, 'u')}/>" + inner[at:]
            name = re.search(rf"<{re.escape(q(p, 'name'))}\b", inner)
            at = name.start() if name else len(inner)
            inner = inner[:at] + f'<{q(p, "color")} rgb="{LINK_COLOUR}"/>' + inner[at:]
        fq = q(p, "font")
        index = self._cache[key] = self._add("fonts", f"<{fq}>{inner}</{fq}>")
        return index

    @property
    def changed(self) -> bool:
        return self.touched

    def render(self) -> str:
        edits: list[tuple[int, int, str]] = []
        missing: dict[str, str] = {}
        for coll in _ITEM:
            new = self._new[coll]
            if not new:
                continue
            node = self.root.child(coll)
            total = self._base[coll] + len(new)
            if node is None:
                missing[coll] = (
                    f'<{q(self.root.prefix, coll)} count="{total}">{"".join(new)}</{q(self.root.prefix, coll)}>'
                )
                continue
            raw = (
                node.raw_attrs
                if "count" not in node.attrs
                else set_attr(node.raw_attrs, "count", str(total))
            )
            if node.empty:
                edits.append(
                    (node.start, node.end, f"<{node.qname}{raw}>{''.join(new)}</{node.qname}>")
                )
            else:
                edits.append((node.start, node.inner_start, f"<{node.qname}{raw}>"))
                edits.append((node.inner_end, node.inner_end, "".join(new)))
        if missing and self.root.empty:
            body = "".join(missing.values())
            edits.append(
                (
                    self.root.start,
                    self.root.end,
                    f"<{self.root.qname}{self.root.raw_attrs}>{body}</{self.root.qname}>",
                )
            )
            missing = {}
        for coll, xml in missing.items():
            rank = STYLES_ORDER.index(coll)
            later = [
                c
                for c in self.root.children
                if c.local in STYLES_ORDER and STYLES_ORDER.index(c.local) > rank
            ]
            at = later[0].start if later else self.root.inner_end
            edits.append((at, at, xml))
        return apply_edits(self.text, edits)

    def save(self) -> bool:
        """Write the styles part back if anything was added; True if it changed."""
        if not self.changed:
            return False
        self.pkg.put(self.part, self.render())
        if self.created:
            self.pkg.add_override(self.part, CT["styles"])
            self.pkg.add_rel(self.workbook_part, "styles", self.part)
        return True
