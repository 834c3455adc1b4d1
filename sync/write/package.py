"""The zip package of a workbook: parts in their original order, relationships and content types."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from sync.errors import UnreadableFile, WriteRefused
from sync.limits import check_zip_infos
from sync.write.xmltext import Node, apply_edits, escape_attr, parse, retag, set_attr

# Transitional and Strict (ISO 29500) spellings of the same namespaces; a package keeps the
# one it was written in, and every part we add must use it too.
MAIN_NS = {
    "transitional": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "strict": "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
REL_NS = {
    "transitional": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "strict": "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

CT = {
    "worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "sharedStrings": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    "styles": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
}

# The workbook part's content type each file extension calls for: Excel picks its loader by
# the extension and refuses a package whose workbook is another format's.
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml."
MAIN_BY_EXTENSION = {
    ".xlsx": _MAIN + "sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": _MAIN + "template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
MACRO_FREE = (".xlsx", ".xltx")

BIG_PART = 8 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The last segment of the type URI: 'worksheet', 'sharedStrings', 'comments'..."""
        return self.type.rstrip("/").rpartition("/")[2]


@dataclass(slots=True)
class Package:
    """A workbook package read into memory; parts we change are replaced, all others kept as read."""

    path: Path
    infos: list[zipfile.ZipInfo]
    data: dict[str, bytes]
    changed: dict[str, bytes] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    _names: dict[str, str] = field(default_factory=dict)  # normalised part name -> zip name
    flavour: str = "transitional"

    # -- reading -----------------------------------------------------------------------------

    @classmethod
    def read(cls, raw: bytes, path: Path) -> Package:
        if raw[:8] == _OLE:
            raise UnreadableFile(
                "is a legacy .xls or a password-protected workbook, which xlsync cannot patch; "
                "save it as .xlsx (without a password) first",
                path,
            )
        try:
            zf = zipfile.ZipFile(io.BytesIO(raw))
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnreadableFile(f"not an Excel .xlsx/.xlsm package ({exc})", path) from None
        check_zip_infos(infos, path)
        data: dict[str, bytes] = {}
        names: dict[str, str] = {}
        try:
            for info in infos:
                if info.filename in data:
                    raise UnreadableFile(f"the package holds {info.filename} twice", path)
                data[info.filename] = b"" if info.is_dir() else zf.read(info)
                names.setdefault(_norm(info.filename), info.filename)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            raise UnreadableFile(f"a part of the package cannot be read ({exc})", path) from None
        pkg = cls(path=path, infos=infos, data=data, _names=names)
        if "[content_types].xml" not in names:
            raise UnreadableFile("not an Excel package (no [Content_Types].xml)", path)
        return pkg

    def has(self, part: str) -> bool:
        name = self._names.get(_norm(part))
        return name is not None and name not in self.removed

    def part_names(self) -> list[str]:
        """Every part's zip name, those added included, in the package's order."""
        kept = [i.filename for i in self.infos if i.filename not in self.removed]
        return kept + [n for n in self.added if n not in self.removed]

    def get(self, part: str) -> bytes:
        name = self._names.get(_norm(part))
        if name is None or name in self.removed:
            raise KeyError(part)
        return self.changed.get(name, self.data.get(name, b""))

    def text(self, part: str) -> str:
        """A part's XML as text (UTF-8, a byte order mark kept aside)."""
        raw = self.get(part)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise WriteRefused(f"{part} is UTF-16 XML, which xlsync does not rewrite", self.path)
        head = raw[:100].lower()
        m = re.search(rb"encoding\s*=\s*[\"']([\w.\-]+)", head)
        if m and m.group(1) not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
            raise WriteRefused(
                f"{part} is {m.group(1).decode()} XML, which xlsync does not rewrite", self.path
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{part} is not valid UTF-8", self.path) from None

    def tree(self, part: str, *, opaque: frozenset[str] = frozenset()) -> tuple[str, Node]:
        text = self.text(part)
        try:
            return text, parse(text, opaque=opaque)
        except ValueError as exc:
            raise UnreadableFile(f"{part} is not well-formed XML ({exc})", self.path) from None

    # -- changing ---------------------------------------------------------------------------

    def put(self, part: str, payload: bytes | str | list[str]) -> None:
        """Replace a part (keeping its zip entry and place) or add a new one at the end.

        Text may come as pieces to be joined, which are encoded one by one: a large sheet's
        kept spans are plain ASCII and encode as a copy, whereas joined with one note holding
        a "£" the whole text would be stored two bytes a character and encode slowly.
        """
        if isinstance(payload, str | list):
            name = self._names.get(_norm(part))
            bom = name is not None and self.data.get(name, b"").startswith(b"\xef\xbb\xbf")
            pieces = [payload] if isinstance(payload, str) else payload
            payload = b"".join([b"\xef\xbb\xbf" if bom else b"", *(p.encode() for p in pieces)])
        name = self._names.get(_norm(part))
        if name is None or name in self.removed:
            if name in self.removed:
                self.removed.discard(name)
            else:
                name = part.lstrip("/")
                self._names[_norm(name)] = name
                self.added.append(name)
        if name in self.data and self.data[name] == payload:
            self.changed.pop(name, None)
            return
        self.changed[name] = payload

    def remove(self, part: str) -> None:
        name = self._names.get(_norm(part))
        if name is not None:
            self.removed.add(name)
            self.changed.pop(name, None)

    def unused_name(self, pattern: str) -> str:
        """The first free part name for a pattern such as 'xl/comments{}.xml'."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def changed_parts(self) -> list[str]:
        """Part names (as in the zip) that differ from the source: changed, added, removed."""
        out = [n for n in self.changed if n not in self.added]
        return sorted(set(out) | set(self.added) | self.removed)

    # -- writing ----------------------------------------------------------------------------

    def write(self, fileobj: io.BufferedIOBase | io.BytesIO) -> None:
        """The package as a zip: every kept entry in its original order and compression."""
        with zipfile.ZipFile(fileobj, "w", allowZip64=True) as out:
            for info in self.infos:
                if info.filename not in self.removed:
                    payload = self.changed.get(info.filename, self.data[info.filename])
                    out.writestr(_clone(info), payload, compresslevel=_level(payload))
            for name in self.added:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                payload = self.changed[name]
                out.writestr(info, payload, compresslevel=_level(payload))

    # -- relationships and content types ----------------------------------------------------

    def rels_part(self, part: str) -> str:
        folder, _, base = part.replace("\\", "/").lstrip("/").rpartition("/")
        return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"

    def rels(self, part: str) -> list[Relationship]:
        """The relationships of `part` ('' for the package), targets resolved to part names."""
        rels_name = self.rels_part(part) if part else "_rels/.rels"
        if not self.has(rels_name):
            return []
        _, root = self.tree(rels_name)
        out = []
        for node in root.children:
            if node.local != "Relationship":
                continue
            a = node.attrs
            external = a.get("TargetMode", "") == "External"
            target = a.get("Target", "")
            out.append(
                Relationship(
                    a.get("Id", ""),
                    a.get("Type", ""),
                    target if external else resolve(part, target),
                    external,
                )
            )
        return out

    def rel_by_kind(self, part: str, kind: str) -> list[Relationship]:
        return [r for r in self.rels(part) if r.kind == kind and not r.external]

    def add_rel(self, part: str, kind: str, target_part: str) -> str:
        """Add a relationship of `kind` from `part` to `target_part`; returns its new Id."""
        rels_name = self.rels_part(part)
        type_uri = f"{rel_type_base(self.flavour)}{kind}"
        target = relative(part, target_part)
        if not self.has(rels_name):
            self.put(
                rels_name,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                f'<Relationships xmlns="{PKG_REL_NS}"></Relationships>',
            )
            self.ensure_default("rels", CT["rels"])
        text, root = self.tree(rels_name)
        taken = {n.attrs.get("Id") for n in root.children}
        n = 1
        while f"rId{n}" in taken:
            n += 1
        rid = f"rId{n}"
        el = _qname(root, "Relationship")
        new = f'<{el} Id="{rid}" Type="{type_uri}" Target="{escape_attr(target)}"/>'
        self.put(rels_name, insert_before_close(text, root, new))
        return rid

    def remove_rel(self, part: str, rid: str) -> None:
        rels_name = self.rels_part(part) if part else "_rels/.rels"
        text, root = self.tree(rels_name)
        for node in root.children:
            if node.attrs.get("Id") == rid:
                self.put(rels_name, text[: node.start] + text[node.end :])
                return

    def content_type(self, part: str) -> str | None:
        _, root = self.tree("[Content_Types].xml")
        want = "/" + _norm(part)
        ext = want.rpartition(".")[2]
        default = None
        for node in root.children:
            a = node.attrs
            if node.local == "Override" and a.get("PartName", "").lower() == want:
                return a.get("ContentType")
            if node.local == "Default" and a.get("Extension", "").lower() == ext:
                default = a.get("ContentType")
        return default

    def add_override(self, part: str, content_type: str) -> None:
        text, root = self.tree("[Content_Types].xml")
        want = "/" + _norm(part)
        for node in root.children:
            if node.local == "Override" and node.attrs.get("PartName", "").lower() == want:
                return
        el = _qname(root, "Override")
        name = "/" + part.lstrip("/")
        new = f'<{el} PartName="{escape_attr(name)}" ContentType="{content_type}"/>'
        self.put("[Content_Types].xml", insert_before_close(text, root, new))

    def remove_override(self, part: str) -> None:
        text, root = self.tree("[Content_Types].xml")
        want = "/" + _norm(part)
        for node in root.children:
            if node.local == "Override" and node.attrs.get("PartName", "").lower() == want:
                self.put("[Content_Types].xml", text[: node.start] + text[node.end :])
                return

    def set_override(self, part: str, content_type: str) -> None:
        """Give `part` its own content type, replacing the one its Override names."""
        text, root = self.tree("[Content_Types].xml")
        want = "/" + _norm(part)
        for node in root.children:
            if node.local == "Override" and node.attrs.get("PartName", "").lower() == want:
                if node.attrs.get("ContentType") != content_type:
                    new = set_attr(node.raw_attrs, "ContentType", content_type)
                    self.put("[Content_Types].xml", apply_edits(text, [retag(node, new)]))
                return
        self.add_override(part, content_type)

    def remove_part_tree(self, part: str) -> None:
        """Remove a part, its Override and its relationships' internal targets, depth first."""
        for rel in self.rels(part):
            if not rel.external and self.has(rel.target):
                self.remove_part_tree(rel.target)
        rels_name = self.rels_part(part)
        if self.has(rels_name):
            self.remove(rels_name)
        self.remove_override(part)
        self.remove(part)

    def ensure_default(self, ext: str, content_type: str) -> None:
        text, root = self.tree("[Content_Types].xml")
        for node in root.children:
            if node.local == "Default" and node.attrs.get("Extension", "").lower() == ext:
                return
        el = _qname(root, "Default")
        new = f'<{el} Extension="{ext}" ContentType="{content_type}"/>'
        # Defaults come first in Excel's own files; any order is valid.
        first = root.children[0] if root.children else None
        at = first.start if first is not None else root.inner_start
        if root.empty:
            self.put("[Content_Types].xml", insert_before_close(text, root, new))
        else:
            self.put("[Content_Types].xml", text[:at] + new + text[at:])


def _norm(name: str) -> str:
    """A part name as compared: forward slashes, no leading slash, case-insensitive (OPC)."""
    return name.replace("\\", "/").lstrip("/").lower()


def _level(payload: bytes) -> int:
    """zlib's default level, but its fastest for parts of many megabytes: a 100,000-row sheet
    then saves in a fifth of the time for a file about a fifth larger (Excel recompresses on
    its next save anyway)."""
    return 1 if len(payload) > BIG_PART else 6


def _clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out.compress_type = info.compress_type
    out.external_attr = info.external_attr
    out.create_system = info.create_system
    out.comment = info.comment
    return out


def _qname(root: Node, local: str) -> str:
    """An element name with the root's prefix, so a child matches its parent's namespace."""
    return f"{root.prefix}:{local}" if root.prefix else local


def insert_before_close(text: str, node: Node, new: str) -> str:
    """`new` as the last child of `node`, expanding a self-closing <node/> if need be."""
    if node.empty:
        start_tag = text[node.start : node.end]
        opened = start_tag[:-2].rstrip() + ">"
        return text[: node.start] + opened + new + f"</{node.qname}>" + text[node.end :]
    return text[: node.inner_end] + new + text[node.inner_end :]


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name, relative to the source part's folder."""
    target = unquote(target.replace("\\", "/"))
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    folder = posixpath.dirname(source.replace("\\", "/"))
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def relative(source: str, target_part: str) -> str:
    folder = posixpath.dirname(source.replace("\\", "/").lstrip("/")) or "."
    return posixpath.relpath(target_part.lstrip("/"), folder)


def rel_type_base(flavour: str) -> str:
    if flavour == "strict":
        return "http://purl.oclc.org/ooxml/officeDocument/relationships/"
    return "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
