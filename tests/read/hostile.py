"""Builders of hostile and awkward workbook files for the open tests: bombs, lies, disguises."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PROLOG = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


# --- Honest packages, written by hand so a test can bend any part ---------------------------


def cells_xml(rows: list[list[object]], first_row: int = 1) -> bytes:
    """`<row>`s of inline strings and numbers, as Excel would place them."""
    out = []
    for r, values in enumerate(rows, first_row):
        cells = []
        for c, value in enumerate(values):
            ref = f"{column_letters(c + 1)}{r}"
            if value is None:
                continue
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out).encode()


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_xml(body: bytes, prolog: bytes = PROLOG, extra: bytes = b"") -> bytes:
    return (
        prolog + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() + body + b"</sheetData>"
        b"" + extra + b"</worksheet>"
    )


def xlsx_parts(
    sheets: dict[str, bytes],
    *,
    macro: bool = False,
    states: dict[str, str] | None = None,
    shared_strings: bytes | None = None,
    workbook_prolog: bytes = PROLOG,
) -> dict[str, bytes]:
    """The parts of a minimal workbook: one worksheet part per entry of `sheets`."""
    states = states or {}
    overrides = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSM_MAIN if macro else XLSX_MAIN}"/>'
    ]
    sheet_tags, rels = [], []
    parts: dict[str, bytes] = {}
    for i, (name, xml) in enumerate(sheets.items(), 1):
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{WORKSHEET}"/>'
        )
        state = f' state="{states[name]}"' if name in states else ""
        sheet_tags.append(f'<sheet name="{escape(name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        )
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        overrides.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS}"/>')
        parts["xl/sharedStrings.xml"] = shared_strings
    parts["[Content_Types].xml"] = (
        PROLOG + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(overrides).encode()
        + b"</Types>"
    )
    parts["_rels/.rels"] = (
        PROLOG
        + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'.encode()
        + b"</Relationships>"
    )
    parts["xl/workbook.xml"] = (
        workbook_prolog
        + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'.encode()
        + "".join(sheet_tags).encode()
        + b"</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        PROLOG
        + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels).encode()
        + b"</Relationships>"
    )
    return parts


def write_zip(path: Path, parts: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def write_xlsx(path: Path, rows: list[list[object]], **kw: object) -> Path:
    return write_zip(path, xlsx_parts({"Tracker": sheet_xml(cells_xml(rows))}, **kw))  # type: ignore[arg-type]


ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def write_ods(
    path: Path, tables_xml: bytes, *, mimetype: bytes = ODS_MIME, manifest_extra: bytes = b""
) -> Path:
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b"<office:body><office:spreadsheet>" + tables_xml + b"</office:spreadsheet></office:body>"
        b"</office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="/" manifest:media-type="' + mimetype + b'"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        + manifest_extra
        + b"</manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", mimetype, zipfile.ZIP_STORED)  # ODF wants it first, unpacked
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def ods_table(name: str, rows_xml: bytes) -> bytes:
    return f'<table:table table:name="{name}">'.encode() + rows_xml + b"</table:table>"


def ods_row(*values: object, repeat: int = 1) -> bytes:
    cells = []
    for value in values:
        if value is None:
            cells.append(b"<table:table-cell/>")
        elif isinstance(value, int | float):
            cells.append(
                f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'.encode()
            )
        else:
            cells.append(
                f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'.encode()
            )
    attr = f' table:number-rows-repeated="{repeat}"'.encode() if repeat > 1 else b""
    return b"<table:table-row" + attr + b">" + b"".join(cells) + b"</table:table-row>"


# --- Zips that lie -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawEntry:
    """A zip entry written exactly as given: data already compressed, sizes as declared."""

    name: str
    data: bytes
    size: int  # the uncompressed size the headers declare
    method: int = 8
    crc: int = 0


def raw_entries(parts: dict[str, bytes]) -> list[RawEntry]:
    """Honest entries for `parts` (deflated, true sizes and CRCs)."""
    entries = []
    for name, data in parts.items():
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append(
            RawEntry(name, packer.compress(data) + packer.flush(), len(data), 8, zlib.crc32(data))
        )
    return entries


def write_raw_zip(path: Path, entries: list[RawEntry], *, claimed_count: int | None = None) -> Path:
    """A zip whose local headers and central directory say what `entries` declare."""
    body = bytearray()
    directory = bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(body)
        body += (
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                entry.method,
                0,
                0x21,
                entry.crc,
                len(entry.data),
                entry.size,
                len(name),
                0,
            )
            + name
            + entry.data
        )
        directory += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                entry.method,
                0,
                0x21,
                entry.crc,
                len(entry.data),
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    count = len(entries) if claimed_count is None else claimed_count
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def repeated_deflate(head: bytes, unit: bytes, copies: int, tail: bytes) -> bytes:
    """Raw deflate of head + unit * copies + tail, built in milliseconds.

    Each copy is an independent, byte-aligned block (a full flush resets the window), so the
    compressed copy can itself be repeated: 1.5 GB of sheet costs a few MB and no CPU.
    """
    first = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = first.compress(head) + first.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = block.compress(unit) + block.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    return start + middle * copies + last.compress(tail) + last.flush()


_SHEET_HEAD = PROLOG + f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'.encode()
_SHEET_TAIL = b"</row></sheetData></worksheet>"
_FILLER = b"<c/>" * 262_144  # 1 MiB of empty cells: period 4, so deflate reaches ~1000:1


def zip_bomb(path: Path, *, inflated_mib: int = 1500, declared: int | None = None) -> Path:
    """A workbook whose one sheet inflates to `inflated_mib` MiB of empty cells.

    `declared` makes the directory lie about that size (the honest size when None).
    """
    data = repeated_deflate(_SHEET_HEAD, _FILLER, inflated_mib, _SHEET_TAIL)
    true_size = len(_SHEET_HEAD) + len(_FILLER) * inflated_mib + len(_SHEET_TAIL)
    parts = xlsx_parts({"Tracker": b""})
    del parts["xl/worksheets/sheet1.xml"]
    entries = raw_entries(parts)
    entries.append(
        RawEntry("xl/worksheets/sheet1.xml", data, true_size if declared is None else declared)
    )
    return write_raw_zip(path, entries)


def overlapping_zip(path: Path) -> Path:
    """Two entries whose directory records point at the same compressed bytes."""
    parts = xlsx_parts({"Tracker": sheet_xml(cells_xml([["Ref"], ["1.1"]]))})
    write_raw_zip(path, raw_entries(parts))
    blob = bytearray(path.read_bytes())
    # Point the last central-directory record at the first entry's data.
    at = blob.rfind(b"PK\x01\x02")
    struct.pack_into("<I", blob, at + 42, 0)
    path.write_bytes(bytes(blob))
    return path


def many_entries(path: Path, count: int) -> Path:
    parts = xlsx_parts({"Tracker": sheet_xml(cells_xml([["Ref"]]))})
    entries = raw_entries(parts)
    entries += [RawEntry(f"xl/media/pad{i}.bin", b"", 0, 0) for i in range(count)]
    return write_raw_zip(path, entries)


def truncated(path: Path, source: Path, keep: float = 0.6) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def billion_laughs(levels: int = 10) -> bytes:
    """The classic entity-expansion DOCTYPE: 10 ** levels copies of one word."""
    lines = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        lines.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{"".join(lines)}]>\n'.encode()


# --- Legacy .xls, written from scratch ------------------------------------------------------


def _record(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def biff8_workbook(
    sheets: dict[str, list[tuple[int, int, object]]],
    *,
    dimensions: tuple[int, int, int, int] | None = None,
) -> bytes:
    """A BIFF8 workbook stream: (row, col, value) cells per sheet, 0-based.

    `dimensions` (first row, last row + 1, first col, last col + 1) overrides every sheet's
    DIMENSIONS record, as a hostile file would.
    """
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006))
    codepage = _record(0x0042, struct.pack("<H", 1200))
    eof = _record(0x000A, b"")
    bodies = []
    for cells in sheets.values():
        rows = [r for r, _, _ in cells] or [0]
        cols = [c for _, c, _ in cells] or [0]
        dims = dimensions or (min(rows), max(rows) + 1, min(cols), max(cols) + 1)
        body = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0006))
        body += _record(0x0200, struct.pack("<IIHHH", *dims, 0))
        for r, c, value in cells:
            if isinstance(value, int | float):
                body += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
            else:
                text = str(value).encode("utf-16-le")
                body += _record(0x0204, struct.pack("<HHHHB", r, c, 15, len(text) // 2, 1) + text)
        bodies.append(body + eof)

    def boundsheets(offsets: list[int]) -> bytes:
        out = b""
        for (name, _), offset in zip(sheets.items(), offsets, strict=True):
            encoded = name.encode("utf-16-le")
            out += _record(
                0x0085, struct.pack("<IBBBB", offset, 0, 0, len(encoded) // 2, 1) + encoded
            )
        return out

    # The globals must be at least 4 KB so the stream lives in the regular FAT.
    size_globals = len(bof_globals + codepage + boundsheets([0] * len(sheets)) + eof)
    pad = _record(0x1234, b"\0" * max(0, 4200 - size_globals))  # an id calamine ignores
    offsets, at = [], size_globals + len(pad)
    for body in bodies:
        offsets.append(at)
        at += len(body)
    return bof_globals + codepage + pad + boundsheets(offsets) + eof + b"".join(bodies)


def write_xls(path: Path, stream: bytes) -> Path:
    """An OLE2 compound file holding `stream` as its Workbook stream (512-byte sectors)."""
    sectors = -(-len(stream) // 512)
    if not 8 <= sectors <= 126:
        raise ValueError("the stream must be 4 KB to 63 KB for this small writer")
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_sector, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (
        struct.pack(
            "<8s16sHHHHH6sIIIIIIIII",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            b"\0" * 16,
            0x3E,
            3,
            0xFFFE,
            9,
            6,
            b"\0" * 6,
            0,
            1,
            1,
            0,
            4096,
            end,
            0,
            end,
            0,
        )
        + struct.pack("<I", 0)
        + struct.pack("<108I", *([free] * 108))
    )

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return struct.pack(
            "<64sHBBIII16sIQQIII",
            encoded,
            len(encoded),
            kind,
            1,
            free,
            free,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
            0,
        )

    directory = entry("Root Entry", 5, end, 0, child=1) + entry("Workbook", 2, 2, len(stream))
    directory += b"\0" * (512 - len(directory))
    data = stream + b"\0" * (sectors * 512 - len(stream))
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + data)
    return path


def encrypt_ooxml(plain: Path, path: Path, password: str) -> Path:
    """Encrypt a workbook the way Excel does (agile encryption) with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(plain, "rb") as f, open(path, "wb") as out:
        OOXMLFile(f).encrypt(password, out)
    return path
