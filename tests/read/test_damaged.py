"""Damaged workbooks are refused in one line that says what is wrong and where."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from sync import limits
from sync.errors import UnreadableFile
from sync.read.open import open_book

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders beside this file
import hostile as h  # noqa: E402

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def sheet_refusal(path: Path, sheet: str) -> str:
    book = open_book(path)
    with pytest.raises(UnreadableFile) as caught:
        book.sheet(sheet)
    return caught.value.line()


@pytest.mark.parametrize(
    ("cell", "where", "why"),
    [
        ('<c r="XFE3"><v>1</v></c>', "XFE3", "a cell beyond column XFD, the last column"),
        ('<c r="ZZZ3" s="1"/>', "ZZZ3", "a cell beyond column XFD, the last column"),  # no value
        ('<c r="xfe3"><v>1</v></c>', "xfe3", "a cell beyond column XFD, the last column"),
        ('<c r="B1048577"><v>1</v></c>', "B1048577", "a cell beyond row 1,048,576, the last row"),
        (
            '<c r="B9999999" t="s"><v>0</v></c>',
            "B9999999",
            "a cell beyond row 1,048,576, the last row",
        ),
        (
            '<c r="AAAA3"><v>1</v></c>',
            "AAAA3",
            "a cell beyond column XFD, the last column",
        ),  # walked exactly
        (
            '<c t="n" r="XFE3"><v>1</v></c>',
            "XFE3",
            "a cell beyond column XFD, the last column",
        ),  # walked exactly
        ('<c r="B12345678"><v>1</v></c>', "B12345678", "a cell beyond row 1,048,576, the last row"),
    ],
)
def test_a_cell_outside_excels_grid_is_refused(
    tmp_path: Path, cell: str, where: str, why: str
) -> None:
    body = h.cells_xml([["Ref", "Title"], [1, "Publicity"]]) + f'<row r="3">{cell}</row>'.encode()
    path = h.write_zip(tmp_path / "bad.xlsx", h.xlsx_parts({"Returns": h.sheet_xml(body)}))
    assert sheet_refusal(path, "Returns") == (
        f"bad.xlsx (Returns!{where}): sheet 'Returns' is damaged: it has {why} Excel has"
    )


@pytest.mark.parametrize("ref", ["XFD1", "A1048576", "xfd1"])
def test_the_last_row_and_column_of_excels_grid_are_read(tmp_path: Path, ref: str) -> None:
    row = ref.lstrip("AXFDxfd")
    body = f'<row r="{row}"><c r="{ref}"><v>7</v></c></row>'.encode()
    path = h.write_zip(tmp_path / "edge.xlsx", h.xlsx_parts({"S": h.sheet_xml(body)}))
    grid = open_book(path).sheet("S")
    assert grid.value(int(row), 16_384 if ref.lower().startswith("xfd") else 1) == 7


def book_of(tmp_path: Path, sheet: bytes) -> Path:
    """A one-sheet workbook ("Returns") whose sheet part is `sheet`."""
    return h.write_zip(tmp_path / "bad.xlsx", h.xlsx_parts({"Returns": sheet}))


TRACKER = h.cells_xml([["Ref", "Title"], [1, "Publicity"], [2, "Outreach"]])


def test_a_nul_character_in_a_cell_is_refused_naming_the_cell(tmp_path: Path) -> None:
    body = TRACKER.replace(b"Outreach", b"Out\x00reach")
    path = book_of(tmp_path, h.sheet_xml(body))
    assert sheet_refusal(path, "Returns") == (
        "bad.xlsx (Returns!B3): sheet 'Returns' is damaged: its XML holds a NUL character "
        "(byte 0), which no spreadsheet program writes"
    )


def test_a_nul_character_in_the_shared_strings_is_refused(tmp_path: Path) -> None:
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>Out\x00reach</t></si></sst>'
    )
    body = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = h.write_zip(
        tmp_path / "bad.xlsx", h.xlsx_parts({"Returns": h.sheet_xml(body)}, shared_strings=strings)
    )
    with pytest.raises(UnreadableFile) as caught:
        open_book(path)
    assert caught.value.line() == (
        "bad.xlsx: part 'xl/sharedStrings.xml' is damaged: its XML holds a NUL character "
        "(byte 0), which no spreadsheet program writes"
    )


@pytest.mark.parametrize(
    ("cell", "at"),
    [
        ('<c r="B2" t&="s"><v>0</v></c>', "B2"),  # a stray character in a tag
        ('<c r="B2"><v>1</v></c><c/><c r="D2"><v>2</x></c>', "D2"),  # a wrong end tag
    ],
)
def test_a_malformed_cell_calamine_would_read_past_is_refused(
    tmp_path: Path, cell: str, at: str
) -> None:
    body = TRACKER + f'<row r="4"><c r="A4"><v>4</v></c>{cell}</row>'.encode().replace(
        b'r="B2"', b'r="B4"'
    ).replace(b'r="D2"', b'r="D4"')
    path = book_of(tmp_path, h.sheet_xml(body))
    line = sheet_refusal(path, "Returns")
    where = at.replace("2", "4")
    assert line.startswith(
        f"bad.xlsx (Returns!{where}): sheet 'Returns' is damaged: its XML is malformed in cell "
        f"{where} ("
    ), line


def test_sheet_xml_cut_short_says_so(tmp_path: Path) -> None:
    whole = h.sheet_xml(TRACKER)
    path = book_of(tmp_path, whole[: whole.index(b"Outreach") + 3])
    assert sheet_refusal(path, "Returns") == (
        "bad.xlsx: sheet 'Returns' cannot be read: its XML is cut short"
    )


@pytest.mark.parametrize(
    ("rels", "says"),
    [
        (
            'Id="rId1" Target="worksheets/sheet9.xml"',
            "its part 'xl/worksheets/sheet9.xml' is missing from the workbook",
        ),
        (
            'Id="rId1" Target="../../../etc/x.xml" TargetMode="External"',
            "its part lies outside the workbook (../../../etc/x.xml)",
        ),
    ],
)
def test_a_sheet_whose_part_cannot_be_found_says_why(tmp_path: Path, rels: str, says: str) -> None:
    relationships = (
        h.PROLOG + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Type="'
        + h.REL_NS.encode()
        + b'/worksheet" '
        + rels.encode()
        + b"/></Relationships>"
    )
    parts = h.xlsx_parts({"Returns": h.sheet_xml(TRACKER)})
    parts["xl/_rels/workbook.xml.rels"] = relationships
    path = h.write_zip(tmp_path / "bad.xlsx", parts)
    assert sheet_refusal(path, "Returns") == f"bad.xlsx: sheet 'Returns' cannot be read: {says}"


# calamine reads every part as UTF-8, whatever it declares.
@pytest.mark.parametrize(
    ("prolog", "encoding", "text", "says"),
    [
        (b"\xff\xfe", "utf-8", "Tea\u00e9", "it starts with the mark of UTF-16 text but is not"),
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?>',
            "utf-8",
            "\u00a35",
            "declares the encoding 'ISO-8859-1', but xlsync reads a workbook's XML as UTF-8",
        ),
        (
            b'<?xml version="1.0" encoding="windows-1252"?>',
            "cp1252",
            "\u00a35",
            "declares the encoding 'windows-1252', but xlsync reads a workbook's XML as UTF-8",
        ),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?>', "utf-8", "Cafe", None),  # ASCII
        (b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>', "utf-8", "Tea\u00e9", None),
    ],
)
def test_an_encoding_the_bytes_do_not_follow_is_refused(
    tmp_path: Path, prolog: bytes, encoding: str, text: str, says: str | None
) -> None:
    body = h.cells_xml([["Ref", "Title"], [1, text]]).decode().encode(encoding)
    path = book_of(tmp_path, h.sheet_xml(body, prolog=prolog))
    if says is None:
        assert open_book(path).sheet("Returns").value(2, 2) == text
        return
    with pytest.raises(UnreadableFile) as caught:
        open_book(path).sheet("Returns")
    assert caught.value.line().startswith("bad.xlsx: part 'xl/worksheets/sheet1.xml' "), says
    assert says in caught.value.line()


def test_a_utf16_sheet_is_refused_as_utf16(tmp_path: Path) -> None:
    xml = h.sheet_xml(TRACKER, prolog=b"").decode().encode("utf-16")
    path = book_of(tmp_path, xml)
    assert sheet_refusal(path, "Returns") == (
        "bad.xlsx: sheet 'Returns' is damaged: its XML is in UTF-16, which xlsync does not "
        "read; open the file in Excel and save it again"
    )


@pytest.mark.parametrize("length", [31, 255, 256, 70_000])
def test_an_absurdly_long_sheet_name_is_refused(tmp_path: Path, length: int) -> None:
    name = "R" * length
    path = h.write_zip(tmp_path / "bad.xlsx", h.xlsx_parts({name: h.sheet_xml(TRACKER)}))
    if length <= 255:
        assert open_book(path).sheet_names == [name]
        return
    with pytest.raises(UnreadableFile) as caught:
        open_book(path)
    assert caught.value.line() == (
        f"bad.xlsx: is damaged: it has a sheet name {length:,} characters long "
        "('RRRRRRRRRRRRRRRR\u2026'; Excel allows 31)"
    )


def test_a_sheet_too_large_to_diagnose_still_says_its_xml_is_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = h.sheet_xml(TRACKER)
    path = book_of(tmp_path, whole[: whole.index(b"Outreach") + 3])
    monkeypatch.setattr(limits, "MAX_DIAGNOSED_BYTES", 100)
    assert sheet_refusal(path, "Returns") == (
        "bad.xlsx: sheet 'Returns' cannot be read: its XML is cut short or malformed (in <t>)"
    )


def test_bytes_that_are_not_utf8_are_refused_naming_the_cell(tmp_path: Path) -> None:
    body = TRACKER.replace(b"Outreach", b"Out\xe9reach")  # Latin-1, in a UTF-8 part
    path = book_of(tmp_path, h.sheet_xml(body))
    assert sheet_refusal(path, "Returns") == (
        "bad.xlsx (Returns!B3): sheet 'Returns' cannot be read: its XML holds bytes that are "
        "not UTF-8 in cell B3, the encoding workbooks use"
    )


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda xml: xml[: len(xml) // 2], "its XML is cut short"),
        (
            lambda xml: xml.replace(b'" />', b'"\xc3 />', 1),
            "its XML is malformed at line 1, column",
        ),
    ],
)
def test_a_damaged_part_read_on_opening_is_named(tmp_path: Path, damage: object, says: str) -> None:
    with zipfile.ZipFile(WORKBOOKS / "master.xlsx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/styles.xml"] = damage(parts["xl/styles.xml"])  # type: ignore[operator]
    path = h.write_zip(tmp_path / "bad.xlsx", parts)
    with pytest.raises(UnreadableFile) as caught:
        open_book(path)
    assert caught.value.line().startswith(f"bad.xlsx: part 'xl/styles.xml' is damaged: {says}")


def test_document_properties_in_another_encoding_do_not_matter(tmp_path: Path) -> None:
    parts = h.xlsx_parts({"Returns": h.sheet_xml(TRACKER)})
    parts["docProps/core.xml"] = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><cp:coreProperties xmlns:cp="urn:x">'
        b"<cp:lastModifiedBy>Jos\xe9</cp:lastModifiedBy></cp:coreProperties>"
    )
    path = h.write_zip(tmp_path / "props.xlsx", parts)
    assert open_book(path).sheet("Returns").value(3, 2) == "Outreach"
