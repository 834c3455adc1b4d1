"""Hostile-input guards: zip central directory, XML prologs and OLE2 headers, checked before
calamine. How big a grid each sheet would make is measured in sync.read.extents."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from sync.errors import HostileFile, UnreadableFile
from sync.limits import (
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_METADATA_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_PROLOG_BYTES,
    MAX_ZIP_ENTRIES,
    KiB,
    MiB,
    check_part_size,
    human_size,
)

_IN_CHUNK = 256 * KiB
_OUT_CHUNK = 1 * MiB
_STORED, _DEFLATED = 0, 8


@dataclass(frozen=True, slots=True)
class Part:
    """One entry of a zip package as its central directory declares it."""

    name: str
    offset: int  # of the local header
    compressed: int
    size: int
    method: int
    name_length: int


class Package:
    """A zip package whose central directory passed the guards; parts are read through caps."""

    def __init__(self, source: Path | bytes, path: Path):
        self.source = source
        self.path = path
        with self._open() as f:
            f.seek(0, 2)
            self.file_size = f.tell()
            self.parts = _read_central_directory(f, self.file_size, path)
        self._by_key = {part_key(p.name): p for p in self.parts.values()}

    def _open(self) -> BinaryIO:
        # Reopened per read so a Book never holds a file handle between calls.
        if isinstance(self.source, bytes):
            return BytesIO(self.source)
        return open(self.source, "rb")

    def find(self, name: str) -> Part | None:
        """The part called `name`, matched as calamine does (backslashes, any case)."""
        return self._by_key.get(part_key(name))

    def chunks(
        self, part: Part, *, limit: int | None = None, handle: BinaryIO | None = None
    ) -> Iterator[bytes]:
        """Inflate `part` in pieces, refusing any byte beyond its declared size."""
        cap = part.size if limit is None else min(part.size, limit)
        if handle is not None:
            yield from self._part_data(handle, part, cap)
            return
        with self._open() as f:
            yield from self._part_data(f, part, cap)

    def _part_data(self, f: BinaryIO, part: Part, cap: int) -> Iterator[bytes]:
        f.seek(part.offset)
        header = f.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise UnreadableFile(
                f"is a damaged zip archive (part '{part.name}' is missing)", self.path
            )
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        f.seek(part.offset + 30 + name_len + extra_len)
        yield from self._inflate(f, part, cap)

    def _inflate(self, f: BinaryIO, part: Part, cap: int) -> Iterator[bytes]:
        remaining = part.compressed
        if part.method == _STORED:
            while cap > 0:
                data = f.read(min(_OUT_CHUNK, cap))
                if not data:
                    raise UnreadableFile(f"part '{part.name}' is cut short", self.path)
                cap -= len(data)
                yield data
            return
        inflater = zlib.decompressobj(-15)
        produced = 0
        pending = b""
        # A capped read (a prolog) needs only the first few KB: read and inflate no more.
        in_chunk = _IN_CHUNK if cap >= part.size else max(4 * KiB, min(_IN_CHUNK, cap // 4))
        while not inflater.eof:
            if not pending and remaining:
                pending = f.read(min(in_chunk, remaining))
                remaining -= len(pending)
                if not pending:
                    raise UnreadableFile(f"part '{part.name}' is cut short", self.path)
            try:
                # One byte more than the cap, so a part overrunning its size is seen at once.
                out = inflater.decompress(pending, min(_OUT_CHUNK, max(cap - produced, 0) + 1))
            except zlib.error:
                raise UnreadableFile(f"part '{part.name}' is corrupt", self.path) from None
            pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > part.size:
                self._overshoot(f, inflater, pending, remaining, part)
            if out:
                if produced >= cap and cap < part.size:
                    yield out[: len(out) - (produced - cap)]
                    return
                yield out
            elif not pending and not remaining:
                break
        if not inflater.eof or produced != part.size:
            raise UnreadableFile(f"part '{part.name}' is cut short or corrupt", self.path)

    def _overshoot(
        self, f: BinaryIO, inflater: Any, pending: bytes, remaining: int, part: Part
    ) -> None:
        """A part inflating past its declared size: a damaged file, or a bomb in disguise."""
        # Inflate a little further (discarding it) to tell a writer's slip from a bomb.
        slack = max(MiB, part.size)
        while not inflater.eof and slack > 0:
            if not pending and remaining:
                pending = f.read(min(_IN_CHUNK, remaining))
                remaining -= len(pending)
            if not pending and not remaining:
                break
            try:
                slack -= len(inflater.decompress(pending, _OUT_CHUNK))
            except zlib.error:
                break
            pending = inflater.unconsumed_tail
        if inflater.eof or slack > 0:
            raise UnreadableFile(
                f"is a damaged zip archive: part '{part.name}' is larger than its "
                "directory declares",
                self.path,
            )
        raise HostileFile(
            f"is a zip bomb: part '{part.name}' inflates far beyond the "
            f"{human_size(part.size)} its directory declares",
            self.path,
        )

    def read(self, part: Part, *, limit: int = MAX_METADATA_BYTES) -> bytes:
        """The whole of a small part, verified against its declared size."""
        if part.size > limit:
            raise UnreadableFile(
                f"part '{part.name}' is {human_size(part.size)}, too large for workbook metadata",
                self.path,
            )
        return b"".join(self.chunks(part))

    def verify(self, part: Part) -> None:
        """Inflate `part` to its end to prove it holds exactly what it declares."""
        for _ in self.chunks(part):
            pass

    def prolog(self, part: Part, handle: BinaryIO | None = None) -> bytes | None:
        """The root start tag of an XML part after checking its prolog; None if not XML."""
        buf = b""
        for chunk in self.chunks(part, limit=MAX_PROLOG_BYTES, handle=handle):
            buf += chunk
            verdict = _scan_prolog(buf)
            if verdict is _MORE:
                continue
            if verdict is _ENTITIES:
                raise HostileFile(
                    f"declares XML entities in part '{part.name}' (an entity-expansion "
                    "bomb); spreadsheet programs never write them",
                    self.path,
                )
            if isinstance(verdict, bytes):
                self._check_encoding(part, buf)
                return verdict
            return None
        if part.size > MAX_PROLOG_BYTES:
            raise HostileFile(
                f"has an XML prolog over {human_size(MAX_PROLOG_BYTES)} long in part "
                f"'{part.name}', padding that hides what follows",
                self.path,
            )
        return None  # the part ends inside its prolog: calamine will call it corrupt

    def _check_encoding(self, part: Part, head: bytes) -> None:
        """Refuse an XML part whose bytes are not in the encoding it declares: calamine reads
        every part as UTF-8 whatever it says, so a wrong mark or declaration means damage that
        it would read past in silence (where Excel would read the text differently)."""
        if part_key(part.name).startswith(_UNREAD_FOLDERS):
            return  # document properties and custom XML: calamine never reads them
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        if utf16 and b"\x00" not in head[2:6]:
            raise UnreadableFile(
                f"part '{part.name}' is damaged: it starts with the mark of UTF-16 text but "
                "is not UTF-16",
                self.path,
            )
        declared = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
        if utf16 or declared is None:
            return
        encoding = declared.group(1).decode("ascii").lower().replace("_", "-")
        if encoding in _UTF8_NAMES or all(chunk.isascii() for chunk in self.chunks(part)):
            return  # ASCII reads the same in whatever encoding it claims
        raise UnreadableFile(
            f"part '{part.name}' declares the encoding '{declared.group(1).decode('ascii')}', "
            "but xlsync reads a workbook's XML as UTF-8 (as Excel writes it); open the file "
            "in Excel and save it again",
            self.path,
        )

    def check_prologs(self) -> dict[str, bytes]:
        """Scan every part's XML prolog; return the root start tag of each XML part."""
        roots = {}
        with self._open() as handle:
            for part in self.parts.values():
                if part.size and not part.name.endswith("/"):
                    root = self.prolog(part, handle)
                    if root is not None:
                        roots[part.name] = root
        return roots


@dataclass(frozen=True, slots=True)
class XmlFault:
    """Why an XML part is not well formed, in the officer's words, and the cell it is in."""

    reason: str  # "its XML is cut short", "its XML is malformed (...)"
    cell: str = ""  # the address of the cell it lies in, when it lies in one


# expat's codes for a document that simply stops: the part was cut short.
_CUT_SHORT = frozenset(
    expat.errors.codes[message]
    for message in (
        expat.errors.XML_ERROR_NO_ELEMENTS,
        expat.errors.XML_ERROR_UNCLOSED_TOKEN,
        expat.errors.XML_ERROR_PARTIAL_CHAR,
        expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)
# How far back from a fault the start tag of its cell is looked for.
_CELL_LOOKBACK = 64 * KiB
_CELL_START = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])(?:[^<>]*?\sr\s*=\s*[\"']([A-Za-z]{1,3}\d{1,7})[\"'])?"
)


def xml_fault(pkg: Package, part: Part) -> XmlFault | None:
    """Parse `part` with expat, streaming: None if it is well formed, else what is wrong and
    in which cell. Slow next to the regex scans (~30 MB/s), so only for parts known to be
    odd or to have failed; entities were refused with the prologs, so expat expands none."""
    parser = expat.ParserCreate()
    recent = b""  # the last bytes fed, to find the cell a fault lies in
    start = 0  # offset of recent[0] in the part
    try:
        for chunk in pkg.chunks(part):
            keep = recent[-_CELL_LOOKBACK:]
            start += len(recent) - len(keep)
            recent = keep + chunk
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        if exc.code in _CUT_SHORT:
            return XmlFault("its XML is cut short")
        cell = cell_before(recent, parser.ErrorByteIndex - start)
        where = f"in cell {cell}" if cell else f"at line {exc.lineno}, column {exc.offset + 1}"
        return XmlFault(f"its XML is malformed {where} ({expat.errors.messages[exc.code]})", cell)
    return None


def cell_before(xml: bytes, at: int) -> str:
    """The address of the last cell whose start tag lies before `at` in `xml`, or ""."""
    cells = list(_CELL_START.finditer(xml, max(at - _CELL_LOOKBACK, 0), max(at, 0)))
    return cells[-1].group(1).decode("ascii") if cells and cells[-1].group(1) else ""


def part_key(name: str) -> str:
    """How calamine matches part names: backslashes as slashes, ASCII case ignored."""
    return name.replace("\\", "/").lstrip("/").lower()


# --- The central directory ---------------------------------------------------------------


def _read_central_directory(f: BinaryIO, file_size: int, path: Path) -> dict[str, Part]:
    tail_len = min(file_size, 22 + 65_535)
    f.seek(file_size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    cut = False  # an end record that runs past the end of the file
    while at >= 0 and (at + 22 > len(tail) or at + 22 + _comment_length(tail, at) > len(tail)):
        cut = True
        at = tail.rfind(b"PK\x05\x06", 0, at)
    if at < 0 and cut:
        # A download or copy that stopped a few bytes early: the zip's end record is there
        # but incomplete.
        raise UnreadableFile("the file is cut short (its last bytes are missing)", path)
    if at < 0:
        raise UnreadableFile(
            "is a damaged zip archive (its directory is missing; was the file cut short?)", path
        )
    eocd_pos = file_size - tail_len + at
    _, _, _, count, cd_size, cd_offset = struct.unpack_from("<HHHHII", tail, at + 4)
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        count, cd_size, cd_offset, eocd_pos = _zip64_end(f, eocd_pos, path)
    if count > MAX_ZIP_ENTRIES:
        raise HostileFile(
            f"is a zip archive of {count:,} parts; a workbook has at most {MAX_ZIP_ENTRIES:,}",
            path,
        )
    if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise HostileFile(
            f"has a zip directory of {human_size(cd_size)} "
            f"(limit {human_size(MAX_CENTRAL_DIRECTORY_BYTES)})",
            path,
        )
    if cd_offset + cd_size > eocd_pos:
        raise UnreadableFile("is a damaged zip archive (its directory is cut short)", path)
    f.seek(cd_offset)
    directory = f.read(cd_size)
    parts: dict[str, Part] = {}
    pos = 0
    total = 0
    while pos + 46 <= len(directory) and directory[pos : pos + 4] == b"PK\x01\x02":
        if len(parts) >= MAX_ZIP_ENTRIES:
            raise HostileFile(f"is a zip archive of more than {MAX_ZIP_ENTRIES:,} parts", path)
        (flags, method, crc, csize, usize, nlen, elen, comment_len, offset) = struct.unpack_from(
            "<HH4xIIIHHH8xI", directory, pos + 8
        )
        del crc
        raw_name = directory[pos + 46 : pos + 46 + nlen]
        extra = directory[pos + 46 + nlen : pos + 46 + nlen + elen]
        pos += 46 + nlen + elen + comment_len
        usize, csize, offset = _zip64_sizes(extra, usize, csize, offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        part = Part(name, offset, csize, usize, method, nlen)
        _check_part(part, flags, path)
        if name in parts:
            raise HostileFile(f"has two parts named '{name}'", path)
        total += usize
        if total > MAX_PACKAGE_BYTES:
            raise HostileFile(
                f"is a zip bomb: its parts inflate to over {human_size(MAX_PACKAGE_BYTES)}", path
            )
        parts[name] = part
    if len(parts) != count:
        raise UnreadableFile("is a damaged zip archive (its directory is inconsistent)", path)
    _check_layout(parts.values(), cd_offset, path)
    return parts


def _comment_length(tail: bytes, at: int) -> int:
    """The zip comment length an end record at `at` declares (0 if the record is cut)."""
    return struct.unpack_from("<H", tail, at + 20)[0] if at + 22 <= len(tail) else 0


def _zip64_end(f: BinaryIO, eocd_pos: int, path: Path) -> tuple[int, int, int, int]:
    f.seek(max(eocd_pos - 20, 0))
    locator = f.read(20)
    if len(locator) < 20 or locator[:4] != b"PK\x06\x07":
        raise UnreadableFile("is a damaged zip archive (its zip64 directory is missing)", path)
    (record_pos,) = struct.unpack_from("<Q", locator, 8)
    f.seek(record_pos)
    record = f.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        raise UnreadableFile("is a damaged zip archive (its zip64 directory is missing)", path)
    count, cd_size, cd_offset = struct.unpack_from("<QQQ", record, 32)
    return count, cd_size, cd_offset, record_pos


def _zip64_sizes(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            field = extra[pos + 4 : pos + 4 + size]
            values = [v for (v,) in struct.iter_unpack("<Q", field[: len(field) // 8 * 8])]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
        pos += 4 + size
    return usize, csize, offset


def _check_part(part: Part, flags: int, path: Path) -> None:
    if flags & 0x1:
        raise UnreadableFile(
            "is a zip archive with its own (not Excel's) encryption; xlsync cannot read it", path
        )
    if part.method not in (_STORED, _DEFLATED):
        raise UnreadableFile(
            f"uses a zip compression (method {part.method}) that spreadsheet programs never write",
            path,
        )
    check_part_size(part.name, part.size, part.compressed, path)
    if part.method == _STORED and part.compressed != part.size:
        raise UnreadableFile(f"is a damaged zip archive (part '{part.name}' is mis-sized)", path)
    # Deflate never grows data by more than a few bytes a block, so compressed data much
    # larger than its declared size is a directory lying to hide a bomb.
    bound = part.size if part.method == _STORED else part.size + part.size // 1000 + 1024
    if part.compressed > bound:
        raise HostileFile(
            f"is a zip bomb: part '{part.name}' holds {human_size(part.compressed)} of "
            f"compressed data but declares only {human_size(part.size)}",
            path,
        )


def _check_layout(parts: Iterable[Part], cd_offset: int, path: Path) -> None:
    # Overlapping entries let one block of compressed data be inflated many times over.
    ordered = sorted(parts, key=lambda p: p.offset)
    for part, after in zip(ordered, [*ordered[1:], None], strict=True):
        end = part.offset + 30 + part.name_length + part.compressed
        limit = after.offset if after is not None else cd_offset
        if end > limit:
            if after is None:
                raise UnreadableFile(
                    f"is a damaged zip archive (part '{part.name}' is cut short)", path
                )
            raise HostileFile("is a zip bomb: its parts overlap", path)


# --- XML prologs --------------------------------------------------------------------------

_MORE = object()
_ENTITIES = object()
_NOT_XML = object()


def _scan_prolog(buf: bytes) -> object:
    """Walk `<?...?>`, comments and DOCTYPE up to the root start tag; judge what was seen.

    Returns the root start tag, _ENTITIES, _NOT_XML, or _MORE when `buf` ends too soon.
    """
    if buf[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        buf = buf.replace(b"\x00", b"")  # UTF-16/32: the markup is ASCII, so drop the zeros
    text = buf.removeprefix(b"\xef\xbb\xbf").removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in b" \t\r\n":
            pos += 1
        if pos >= len(text):
            return _MORE
        if text[pos : pos + 1] != b"<":
            return _NOT_XML
        if text.startswith(b"<?", pos):
            end, skip = text.find(b"?>", pos), 2
        elif text.startswith(b"<!--", pos):
            end, skip = text.find(b"-->", pos), 3
        elif text[pos : pos + 9].upper() == b"<!DOCTYPE":
            end = _doctype_end(text, pos)
            if end < 0:
                return _ENTITIES if b"[" in text[pos:] else _MORE
            if b"[" in text[pos:end] or b"ENTITY" in text[pos:end].upper():
                return _ENTITIES
            skip = 1
        elif text.startswith(b"<!", pos):
            return _ENTITIES  # `<!ENTITY`, `<!ELEMENT` and such outside a DOCTYPE
        else:
            end = text.find(b">", pos)
            if end < 0:
                return _MORE
            return text[pos : end + 1]
        if end < 0:
            return _MORE
        pos = end + skip


_DECLARED_ENCODING = re.compile(
    rb"""\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']"""
)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_UNREAD_FOLDERS = ("docprops/", "customxml/")


def _doctype_end(text: bytes, pos: int) -> int:
    quote = None
    for i in range(pos, len(text)):
        ch = text[i]
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in b"\"'":
            quote = ch
        elif ch == ord(">"):
            return i
    return -1


def root_attribute(root: bytes, name: bytes) -> bytes | None:
    """The value of attribute `name` on a root start tag (any quote style)."""
    m = re.search(rb"\s" + re.escape(name) + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", root)
    if m is None:
        return None
    return m.group(1) if m.group(1) is not None else m.group(2)


def check_cfb_header(head: bytes, file_size: int, path: Path) -> None:
    """Refuse an OLE2 header whose table sizes exceed the file (calamine reserves from them)."""
    if len(head) < 512:
        raise UnreadableFile("is a damaged legacy Excel file (its header is cut short)", path)
    shift = struct.unpack_from("<H", head, 30)[0]
    if shift not in (9, 12):
        raise UnreadableFile("is a damaged legacy Excel file (bad sector size)", path)
    sector = 1 << shift
    fat_sectors, mini_fat_sectors, difat_sectors = (
        struct.unpack_from("<I", head, 44)[0],
        struct.unpack_from("<I", head, 64)[0],
        struct.unpack_from("<I", head, 72)[0],
    )
    capacity = file_size // sector + 1
    for what, n in (("FAT", fat_sectors), ("mini FAT", mini_fat_sectors), ("DIFAT", difat_sectors)):
        if n > capacity:
            raise HostileFile(
                f"is a damaged legacy Excel file: its header claims {n:,} {what} sectors, "
                f"more than its {human_size(file_size)} can hold",
                path,
            )
