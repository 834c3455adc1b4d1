"""The shared string table: new strings appended, existing ones never renumbered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sync.write.package import Package
from sync.write.xmltext import (
    TOKEN,
    Node,
    apply_edits,
    escape_text,
    needs_preserve,
    parse,
    q,
    retag,
    set_attr,
    unescape,
)


@dataclass(slots=True)
class SharedStrings:
    """An existing sharedStrings part; strings are reused when a plain entry already matches."""

    pkg: Package
    part: str
    text: str
    root: Node
    count: int
    _index: dict[str, int] | None = None
    _new: list[str] = field(default_factory=list)
    _refs: int = 0

    @classmethod
    def load(cls, pkg: Package, workbook_part: str) -> SharedStrings | None:
        rel = [r for r in pkg.rels(workbook_part) if r.kind == "sharedStrings" and not r.external]
        if not rel or not pkg.has(rel[0].target):
            return None
        text = pkg.text(rel[0].target)
        try:
            # only the root is needed: the entries are counted by a scan, not parsed
            root = parse(text, opaque=frozenset({"sst"}))
        except ValueError:
            return None
        if root.local != "sst":
            return None
        return cls(pkg, rel[0].target, text, root, _count_entries(text, root))

    def _plain(self) -> dict[str, int]:
        """Entries that are one plain run of text, by their text (first occurrence wins)."""
        if self._index is None:
            p = re.escape(self.root.prefix + ":") if self.root.prefix else ""
            pattern = re.compile(
                rf"<{p}si>\s*<{p}t(?:\s+xml:space=\"preserve\")?>([^<]*)</{p}t>\s*</{p}si>|<{p}si\b",
                re.S,
            )
            index: dict[str, int] = {}
            if "<![CDATA[" in self.text:
                # CDATA could hide markup from the scan below; appending is always safe
                self._index = index
                return index
            n = -1
            for m in pattern.finditer(self.text, self.root.inner_start, self.root.inner_end):
                n += 1
                if m.group(1) is not None:
                    index.setdefault(unescape(m.group(1)), n)
            self._index = index
        return self._index

    def add(self, value: str) -> int:
        """The index of `value`, appending a new entry if no plain one matches."""
        self._refs += 1
        index = self._plain()
        if value in index and "_x" not in value:
            return index[value]
        t = q(self.root.prefix, "t")
        space = ' xml:space="preserve"' if needs_preserve(value) else ""
        si = q(self.root.prefix, "si")
        self._new.append(f"<{si}><{t}{space}>{escape_text(value)}</{t}></{si}>")
        n = index[value] = self.count + len(self._new) - 1
        return n

    @property
    def changed(self) -> bool:
        return bool(self._new)

    def save(self) -> None:
        if not self._new:
            return
        root = self.root
        raw = root.raw_attrs
        attrs = root.attrs
        if "uniqueCount" in attrs:
            raw = set_attr(raw, "uniqueCount", str(self.count + len(self._new)))
        if "count" in attrs and attrs["count"].isdigit():
            # count is every reference to the table; an overwritten cell's old reference may
            # remain counted, which Excel tolerates (it is a hint, recomputed on save)
            raw = set_attr(raw, "count", str(int(attrs["count"]) + self._refs))
        body = "".join(self._new)
        if root.empty:
            edits = [(root.start, root.end, f"<{root.qname}{raw}>{body}</{root.qname}>")]
        else:
            edits = [retag(root, raw), (root.inner_end, root.inner_end, body)]
        self.pkg.put(self.part, apply_edits(self.text, edits))


def _count_entries(text: str, root: Node) -> int:
    """The number of <si> entries. Text cannot hold a raw `<`, so without CDATA, comments or
    processing instructions every `<si>` or `<si ` is an entry; otherwise tokens are walked."""
    si = q(root.prefix, "si")
    start, end = root.inner_start, root.inner_end
    if text.find("<!", start, end) < 0 and text.find("<?", start, end) < 0:
        return sum(
            text.count(f"<{si}{after}", start, end) for after in (">", " ", "/", "\t", "\r", "\n")
        )
    count = 0
    for m in TOKEN.finditer(text, start, end):
        if m.group(2) == si and not m.group(1):
            count += 1
    return count
