"""XML as text: escape values, read attributes and find elements by offset, never re-serialising."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# One token of markup. CDATA, comments and processing instructions are matched whole so that
# a "<row" inside a CDATA section is never taken for an element.
TOKEN = re.compile(
    r"<(?:!\[CDATA\[.*?\]\]>|!--.*?-->|\?.*?\?>|!DOCTYPE"
    r"|(/?)((?:[A-Za-z_][\w.\-]*:)?[A-Za-z_][\w.\-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)",
    re.S,
)
ATTR = re.compile(r"([A-Za-z_][\w.\-:]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

# Characters XML 1.0 cannot carry. Excel stores them as _xHHHH_, and a literal "_xHHHH_" in
# text must itself be escaped as _x005F_xHHHH_ or Excel would decode it.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff\ud800-\udfff]")
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def escape_text(text: str) -> str:
    """Element text: &, <, > escaped; characters XML cannot hold stored the way Excel does."""
    # most cell text: nothing to change. Every character XML cannot hold is unprintable to
    # Python, so printable text skips the regex (a line break sends a note to it).
    if not ("&" in text or "<" in text or ">" in text or "_x" in text) and (
        text.isprintable() or _ILLEGAL.search(text) is None
    ):
        return text
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """An attribute value in double quotes (tabs and newlines kept as references)."""
    text = _ILLEGAL.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def unescape(text: str) -> str:
    """Resolve the five named entities and character references."""
    if "&" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        if m.group(2):
            return chr(int(m.group(2)))
        return _NAMED[m.group(3)]

    return _ENTITY.sub(sub, text)


def needs_preserve(text: str) -> bool:
    """Whether a <t> needs xml:space="preserve" to keep its whitespace."""
    return bool(text) and (
        "\n" in text or "\t" in text or "  " in text or text[0].isspace() or text[-1].isspace()
    )


def attrs_of(raw: str) -> dict[str, str]:
    """Attribute text of a start tag -> {qualified name: unescaped value}."""
    return {
        m.group(1): unescape(m.group(2) if m.group(2) is not None else m.group(3))
        for m in ATTR.finditer(raw)
    }


@functools.lru_cache(maxsize=64)
def _attr_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(\s*)(?<![\w.\-:])" + re.escape(name) + r"\s*=\s*(?:\"[^\"]*\"|'[^']*')")


def set_attr(raw: str, name: str, value: str | None, *, first: bool = False) -> str:
    """Change, add (at the end, or first) or remove (value None) one attribute of a start tag.

    Only that attribute's text changes, so the order and quoting of the others are kept.
    """
    m = _attr_pattern(name).search(raw)
    if value is None:
        return raw if m is None else raw[: m.start()] + raw[m.end() :]
    new = f'{name}="{escape_attr(value)}"'
    if m is not None:
        return raw[: m.start()] + m.group(1) + new + raw[m.end() :]
    if first:
        return f" {new}{raw}" if not raw or raw[0].isspace() else f" {new} {raw}"
    body = raw.rstrip()
    closing = "/" if body.endswith("/") else ""
    body = body[:-1].rstrip() if closing else body
    return f"{body} {new}{closing}"


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new) span replaced; spans must not overlap.

    An insertion (start == end) sorts before a replacement starting at the same offset.
    """
    return "".join(edited_pieces(text, edits))


def edited_pieces(text: str, edits: list[tuple[int, int, str]]) -> list[str]:
    """apply_edits' result as the pieces it joins: kept spans and replacements in turn."""
    out = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError("two edits of one part overlap")  # a bug, never the user's doing
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return out


def retag(node: Node, raw: str) -> tuple[int, int, str]:
    """The edit that gives `node` new start-tag attributes, keeping its content."""
    if node.empty:
        return node.start, node.end, f"<{node.qname}{raw}/>"
    return node.start, node.inner_start, f"<{node.qname}{raw}>"


def split_qname(qname: str) -> tuple[str, str]:
    prefix, _, local = qname.rpartition(":")
    return prefix, local


@dataclass(slots=True)
class Node:
    """An element found in a text: where it starts, where its content starts and ends, where it ends."""

    qname: str
    raw_attrs: str
    start: int
    inner_start: int
    inner_end: int
    end: int
    children: list[Node] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.qname.rpartition(":")[2]

    @property
    def prefix(self) -> str:
        return self.qname.rpartition(":")[0]

    @property
    def empty(self) -> bool:
        return self.inner_start == self.end

    @property
    def attrs(self) -> dict[str, str]:
        return attrs_of(self.raw_attrs)

    def child(self, local: str) -> Node | None:
        return next((c for c in self.children if c.local == local), None)

    def all(self, local: str) -> list[Node]:
        return [c for c in self.children if c.local == local]

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.walk()


def parse(text: str, *, opaque: frozenset[str] = frozenset(), start: int = 0) -> Node:
    """The element tree of `text` as offsets, from its root element.

    Elements whose local name is in `opaque` are skipped over unparsed (a worksheet's
    sheetData, which may hold millions of cells). Raises ValueError on markup we cannot follow.
    """
    stack: list[Node] = []
    root: Node | None = None
    pos = start
    while True:
        m = TOKEN.search(text, pos)
        if m is None:
            break
        pos = m.end()
        qname = m.group(2)
        if qname is None:
            if m.group(0) == "<!DOCTYPE":
                raise ValueError("a DOCTYPE declaration (entities are not allowed)")
            continue
        if m.group(1):
            if not stack or stack[-1].qname != qname:
                raise ValueError(f"unbalanced </{qname}>")
            node = stack.pop()
            node.inner_end, node.end = m.start(), m.end()
            if not stack:
                return node
            continue
        raw = m.group(3)
        selfclosing = raw.endswith("/")
        node = Node(qname, raw[:-1] if selfclosing else raw, m.start(), m.end(), m.end(), m.end())
        if stack:
            stack[-1].children.append(node)
        elif root is None:
            root = node
        if selfclosing:
            if not stack:
                return node
            continue
        if split_qname(qname)[1] in opaque:
            close = re.compile(r"</" + re.escape(qname) + r"\s*>").search(text, pos)
            if close is None:
                raise ValueError(f"<{qname}> is never closed")
            node.inner_end, node.end = close.start(), close.end()
            pos = close.end()
            if not stack:
                return node
            continue
        stack.append(node)
    raise ValueError("the document ends inside an element")


def namespaces(node: Node) -> dict[str, str]:
    """The xmlns declarations on one start tag: prefix ('' for the default) -> namespace."""
    out: dict[str, str] = {}
    for name, value in node.attrs.items():
        if name == "xmlns":
            out[""] = value
        elif name.startswith("xmlns:"):
            out[name[6:]] = value
    return out


def attr_ns(node: Node, local: str, uris: set[str], scope: dict[str, str]) -> str | None:
    """The value of attribute `local` in one of the namespaces `uris` (any prefix)."""
    own = {**scope, **namespaces(node)}
    for name, value in node.attrs.items():
        prefix, _, loc = name.rpartition(":")
        if loc == local and prefix and own.get(prefix) in uris:
            return value
    return None


def prefix_for(scope: dict[str, str], uris: set[str]) -> str | None:
    """The prefix bound to one of `uris` ('' when it is the default namespace), or None."""
    for prefix, uri in scope.items():
        if uri in uris:
            return prefix
    return None


def q(prefix: str, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local
