"""Tell what a file is from its bytes, never its extension, and map a package's sheets to parts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sync.errors import UnreadableFile
from sync.read.guards import Package, Part, part_key

Container = Literal["zip", "ole", "text"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Files officers save by mistake under a spreadsheet name, and what to tell them.
_NOT_WORKBOOKS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "is a PDF, not a workbook"),
    (b"\x89PNG", "is a PNG image, not a workbook"),
    (b"\xff\xd8\xff", "is a JPEG image, not a workbook"),
    (b"GIF8", "is a GIF image, not a workbook"),
    (b"{\\rtf", "is a rich-text (RTF) document, not a workbook"),
    (b"\x1f\x8b", "is a gzip archive, not a workbook"),
    (b"7z\xbc\xaf\x27\x1c", "is a 7-Zip archive, not a workbook"),
    (b"Rar!\x1a\x07", "is a RAR archive, not a workbook"),
)
# Excel 2-4 saved a bare BIFF stream (BOF record first) rather than an OLE2 container.
_BARE_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
_SAVE_AS = "open it in Excel and save it as .xlsx"


def sniff(path: Path, head: bytes) -> Container:
    """Classify a file by its first bytes; raise UnreadableFile for anything not a workbook."""
    if not head:
        raise UnreadableFile("the file is empty", path)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    for magic, message in _NOT_WORKBOOKS:
        if head.startswith(magic):
            raise UnreadableFile(message, path)
    if path.name.startswith("~$"):
        raise UnreadableFile(
            "is the lock file Excel keeps while a workbook is open, not a workbook", path
        )
    if head[:2] in _BARE_BIFF and len(head) > 4 and head[3] == 0:
        raise UnreadableFile(f"is an Excel 2-4 worksheet (before 1997); {_SAVE_AS}", path)
    _refuse_markup(head, path)
    if _looks_binary(head):
        raise UnreadableFile("is not a workbook or a text file (unrecognised binary data)", path)
    return "text"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    return b"\x00" in head


def _refuse_markup(head: bytes, path: Path) -> None:
    """Web pages and XML saved with a spreadsheet name get a message, not a garbled CSV."""
    text = head
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text[2:].replace(b"\x00", b"")
    text = text.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    first_kb = text[:1024]
    if text.startswith(b"mime-version:"):
        raise UnreadableFile(f"is a single-file web page (MHTML), not a workbook; {_SAVE_AS}", path)
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<body", b"<meta")) or (
        text.startswith(b"<") and b"<html" in first_kb
    ):
        raise UnreadableFile(
            f"is a web page (HTML) saved with a spreadsheet name; {_SAVE_AS}", path
        )
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text or b"excel.sheet" in first_kb:
            raise UnreadableFile(f"is an Excel 2003 XML spreadsheet; {_SAVE_AS}", path)
        if b"opendocument" in text:
            raise UnreadableFile(
                "is a flat OpenDocument file (.fods); save it from LibreOffice as .ods", path
            )
        if text.startswith(b"<?xml"):
            raise UnreadableFile("is an XML file, not a workbook", path)


# --- Zip packages -------------------------------------------------------------------------

_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "xlsm",
}
_OTHER_OFFICE = (
    ("spreadsheetml.sheet.binary", "binary"),
    ("ms-excel.sheet.binary", "binary"),
    ("wordprocessingml", "is a Word document, not a workbook"),
    ("ms-word", "is a Word document, not a workbook"),
    ("presentationml", "is a PowerPoint presentation, not a workbook"),
    ("ms-powerpoint", "is a PowerPoint presentation, not a workbook"),
)
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "an OpenDocument text document",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation",
    "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing",
}
_ODS_TYPES = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
)


@dataclass(frozen=True, slots=True)
class Layout:
    """What a zip package holds: its format and where calamine will look for each sheet."""

    format: str  # xlsx, xlsm or ods
    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name -> part name
    worksheet_parts: tuple[str, ...] = ()  # every part typed as a worksheet
    read_at_open: tuple[str, ...] = ()  # parts calamine reads whole when it opens the book
    # sheet name -> why its part could not be found, for a sheet that names one
    unresolved: dict[str, str] = field(default_factory=dict)


def package_layout(pkg: Package) -> Layout:
    """Recognise a spreadsheet package, or say plainly what else the zip is."""
    if pkg.find("[Content_Types].xml") is not None:
        return _ooxml_layout(pkg)
    if pkg.find("mimetype") is not None or pkg.find("META-INF/manifest.xml") is not None:
        return _odf_layout(pkg)
    if pkg.find("xl/workbook.xml") is not None:
        return _ooxml_layout(pkg)
    if pkg.find("word/document.xml") is not None:
        raise UnreadableFile("is a Word document, not a workbook", pkg.path)
    raise UnreadableFile("is a zip archive, not a workbook", pkg.path)


def _ooxml_layout(pkg: Package) -> Layout:
    overrides, defaults = _content_types(pkg)
    main = _office_document(pkg) or "xl/workbook.xml"
    main_type = overrides.get(part_key(main)) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    fmt = _MAIN_TYPES.get(main_type.lower())
    if fmt is None:
        for marker, message in _OTHER_OFFICE:
            if marker in main_type.lower():
                if message == "binary":
                    raise UnreadableFile(
                        f"is an Excel binary workbook (.xlsb); {_SAVE_AS}", pkg.path
                    )
                raise UnreadableFile(message, pkg.path)
        if pkg.find(main) is None:
            raise UnreadableFile("is an Office package with no workbook in it", pkg.path)
        fmt = "xlsx"  # a workbook part with an unusual content type: let calamine try
    # calamine takes the folder of the main part and fixed names inside it.
    base = main.rpartition("/")[0] + "/" if "/" in main else ""
    sheet_parts, unresolved = _sheet_parts(pkg, base)
    worksheets = tuple(
        part.name
        for part in pkg.parts.values()
        if overrides.get(part_key(part.name), "").endswith("spreadsheetml.worksheet+xml")
    )
    shared = tuple(
        name
        for name in (
            f"{base}sharedStrings.xml",
            f"{base}styles.xml",
            f"{base}workbook.xml",
            f"{base}_rels/workbook.xml.rels",
            "_rels/.rels",
        )
        if pkg.find(name) is not None
    )
    return Layout(fmt, sheet_parts, worksheets, shared, unresolved)


def _content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str]]:
    part = pkg.find("[Content_Types].xml")
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    if part is None:
        return overrides, defaults
    for element in _parse(pkg, part).iter():
        local = _local(element.tag)
        if local == "Override":
            overrides[part_key(element.get("PartName", ""))] = element.get("ContentType", "")
        elif local == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
    return overrides, defaults


def _office_document(pkg: Package) -> str | None:
    part = pkg.find("_rels/.rels")
    if part is None:
        return None
    for element in _parse(pkg, part).iter():
        if _local(element.tag) == "Relationship" and element.get("Type", "").endswith(
            "/relationships/officeDocument"
        ):
            return element.get("Target", "").lstrip("/") or None
    return None


def _sheet_parts(pkg: Package, base: str) -> tuple[dict[str, str], dict[str, str]]:
    """Sheet name -> part name, resolved the way calamine resolves them; and sheet name ->
    why not, for each sheet whose part cannot be found."""
    workbook = pkg.find(f"{base}workbook.xml")
    rels = pkg.find(f"{base}_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}, {}
    targets: dict[str, tuple[str, str]] = {}  # id -> (part name, target as written)
    for element in _parse(pkg, rels).iter():
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else base + target
            if element.get("TargetMode", "") == "External" or "://" in target:
                path = ""  # outside the package, however it is spelt
            targets[element.get("Id", "")] = (path, target)
    sheets, unresolved = {}, {}
    for element in _parse(pkg, workbook).iter():
        name = element.get("name")
        if _local(element.tag) != "sheet" or name is None:
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        path, target = targets.get(rel_id, ("", ""))
        found = pkg.find(path) if path else None
        if found is not None:
            sheets[name] = found.name
        elif rel_id not in targets:
            unresolved[name] = f"the workbook names no part for it (relationship '{rel_id}')"
        elif not path:
            unresolved[name] = f"its part lies outside the workbook ({target[:80]})"
        else:
            unresolved[name] = f"its part '{path[:80]}' is missing from the workbook"
    return sheets, unresolved


def _odf_layout(pkg: Package) -> Layout:
    mimetype = pkg.find("mimetype")
    media = pkg.read(mimetype, limit=1024).decode("ascii", "replace").strip() if mimetype else ""
    manifest = pkg.find("META-INF/manifest.xml")
    manifest_xml = pkg.read(manifest) if manifest is not None else b""
    if not media:
        found = re.search(rb'full-path="/"[^>]*media-type="([^"]+)"', manifest_xml)
        media = found.group(1).decode("ascii", "replace") if found else ""
    if media in _ODF_KINDS:
        raise UnreadableFile(f"is {_ODF_KINDS[media]}, not a workbook", pkg.path)
    if media not in _ODS_TYPES:
        raise UnreadableFile("is an OpenDocument file but not a spreadsheet", pkg.path)
    if b"encryption-data" in manifest_xml:
        raise UnreadableFile(
            "is a password-protected OpenDocument spreadsheet, whose encryption xlsync "
            "cannot open; save a copy without a password (untick 'Save with password')",
            pkg.path,
        )
    if pkg.find("content.xml") is None:
        raise UnreadableFile("is an OpenDocument spreadsheet with no content", pkg.path)
    return Layout("ods", read_at_open=("content.xml",))


def _parse(pkg: Package, part: Part) -> ET.Element:
    # Safe to hand to expat: every part's prolog was checked for DOCTYPE and entities.
    try:
        return ET.fromstring(pkg.read(part))
    except ET.ParseError as exc:
        raise UnreadableFile(f"part '{part.name}' is not valid XML ({exc})", pkg.path) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]
