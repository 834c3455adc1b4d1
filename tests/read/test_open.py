"""Opening any workbook safely: formats by content, CSV, passwords, and hostile files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from sync import limits
from sync.errors import HostileFile, PasswordRequired, UnreadableFile
from sync.read import extents
from sync.read.csvfile import detect_encoding, sniff_delimiter
from sync.read.open import open_book

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders beside this file
import hostile as h  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file()) if CORPUS.is_dir() else []
CORPUS_PASSWORDS = {"pass_protected.xlsx": "123"}  # from calamine's own tests
TRACKER = [
    ["Scrutiny recommendations tracker", None, None],
    [None, None, None],
    ["Ref", "Recommendation", "Status"],
    ["4,a", "Publicise the scheme in the parish newsletter", "In progress"],
    ["4,b", "Report back to committee in March", "Complete"],
]


def corpus_file(name: str) -> Path:
    found = [p for p in CORPUS_FILES if p.name == name]
    if not found:
        pytest.skip(f"{name} is not in the shared corpus")
    return found[0]


def read_all(path: Path, password: str | None = None) -> dict[str, list[list[object]]]:
    book = open_book(path, password=password)
    return {name: book.sheet(name).rows for name in book.sheet_names}


def refused(path: Path, kind: type[UnreadableFile] = UnreadableFile, **kw: object) -> str:
    """Open and read every sheet, expecting `kind`; return its one line."""
    with pytest.raises(kind) as caught:
        read_all(path, **kw)  # type: ignore[arg-type]
    line = caught.value.line()
    assert line.startswith(f"{path.name}: ") and "\n" not in line
    return line


# --- Formats, sniffed from content ---------------------------------------------------------


def test_xlsx_values_and_positions(tmp_path: Path) -> None:
    book = open_book(h.write_xlsx(tmp_path / "tracker.xlsx", TRACKER))
    assert (book.format, book.sheet_names, book.hidden) == ("xlsx", ["Tracker"], frozenset())
    grid = book.sheet("Tracker")
    assert (grid.first_row, grid.first_col, grid.last_row) == (1, 1, 5)
    assert grid.value(4, 1) == "4,a" and grid.value(5, 3) == "Complete"


@pytest.mark.parametrize("name", ["return.xls", "return.ods", "return.dat", "return"])
def test_format_comes_from_content_not_extension(tmp_path: Path, name: str) -> None:
    path = h.write_xlsx(tmp_path / name, TRACKER)
    book = open_book(path)
    assert book.format == "xlsx" and book.sheet("Tracker").value(3, 1) == "Ref"


def test_ods_and_xls_under_the_wrong_names(tmp_path: Path) -> None:
    ods = h.write_ods(
        tmp_path / "ods.xlsx", h.ods_table("Plan", h.ods_row("Ref", "Action") + h.ods_row("4,a", 2))
    )
    assert open_book(ods).format == "ods"
    assert read_all(ods) == {"Plan": [["Ref", "Action"], ["4,a", 2.0]]}
    stream = h.biff8_workbook({"Returns": [(0, 0, "Ref"), (1, 0, "4,a"), (1, 1, 12.5)]})
    xls = h.write_xls(tmp_path / "legacy.xlsx", stream)
    assert open_book(xls).format == "xls"
    assert read_all(xls) == {"Returns": [["Ref", ""], ["4,a", 12.5]]}


def test_xlsm_reads_like_xlsx_and_runs_nothing(tmp_path: Path) -> None:
    parts = h.xlsx_parts({"Tracker": h.sheet_xml(h.cells_xml(TRACKER))}, macro=True)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not run, not even read"
    book = open_book(h.write_zip(tmp_path / "plan.xlsx", parts))
    assert book.format == "xlsm"
    assert book.sheet("Tracker").value(5, 1) == "4,b"


def test_strict_iso_package_reads() -> None:
    book = open_book(corpus_file("strict_iso_paths.xlsx"))
    assert book.format == "xlsx" and book.sheet(book.sheet_names[0]).rows


def test_hidden_sheets_listed_and_chartsheets_left_out(tmp_path: Path) -> None:
    sheets = {name: h.sheet_xml(h.cells_xml([[name]])) for name in ("Live", "Lookups", "Archive")}
    parts = h.xlsx_parts(sheets, states={"Lookups": "hidden", "Archive": "veryHidden"})
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Chart1" sheetId="9" r:id="rId9"/></sheets>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId9" Type="{h.REL_NS}/chartsheet" Target="chartsheets/sheet1.xml"/>'
        "</Relationships>".encode(),
    )
    parts["xl/chartsheets/sheet1.xml"] = h.PROLOG + f'<chartsheet xmlns="{h.MAIN_NS}"/>'.encode()
    book = open_book(h.write_zip(tmp_path / "book.xlsx", parts))
    assert book.sheet_names == ["Live", "Lookups", "Archive"]
    assert book.hidden == {"Lookups", "Archive"}
    assert not book.sheet("Archive").visible and book.sheet("Archive").value(1, 1) == "Archive"
    with pytest.raises(KeyError):
        book.sheet("Chart1")


def test_corpus_chartsheet_is_not_a_sheet() -> None:
    book = open_book(corpus_file("chartsheet01.xlsx"))
    assert book.sheet_names == ["Sheet1"]


# --- Files that are not workbooks ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "is a PDF, not a workbook"),
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>", "is a web page (HTML)"),
        (b'<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>', "is a web page (HTML)"),
        (
            b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            "is an Excel 2003 XML spreadsheet",
        ),
        (b'<?xml version="1.0"?><register><row/></register>', "is an XML file, not a workbook"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "is a PNG image"),
        (b"\x00\x01\x02\x03binary", "not a workbook or a text file"),
    ],
)
def test_not_a_workbook_says_what_it_is(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "return.xlsx"
    path.write_bytes(content)
    assert says in refused(path)


def test_office_and_plain_zips_that_are_not_workbooks(tmp_path: Path) -> None:
    docx = tmp_path / "minutes.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="x"><Relationship Type="{h.REL_NS}/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    assert refused(docx) == "minutes.xlsx: is a Word document, not a workbook"
    plain = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("holiday.txt", "not a workbook")
    assert refused(plain) == "photos.xlsx: is a zip archive, not a workbook"
    odt = h.write_ods(
        tmp_path / "notes.ods", b"", mimetype=b"application/vnd.oasis.opendocument.text"
    )
    assert refused(odt) == "notes.ods: is an OpenDocument text document, not a workbook"


def test_binary_workbook_is_named_and_refused(tmp_path: Path) -> None:
    parts = h.xlsx_parts({"T": h.sheet_xml(b"")})
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        h.XLSX_MAIN.encode(), b"application/vnd.ms-excel.sheet.binary.macroEnabled.main"
    )
    line = refused(h.write_zip(tmp_path / "big.xlsx", parts))
    assert (
        line
        == "big.xlsx: is an Excel binary workbook (.xlsb); open it in Excel and save it as .xlsx"
    )


def test_empty_missing_folder_and_lock_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert refused(empty) == "empty.xlsx: the file is empty"
    assert refused(tmp_path / "gone.xlsx") == "gone.xlsx: file not found"
    (tmp_path / "returns.xlsx").mkdir()
    assert refused(tmp_path / "returns.xlsx") == "returns.xlsx: is a folder, not a workbook"
    lock = tmp_path / "~$master.xlsx"
    lock.write_bytes(b"\x0bJ. Smith" + b"\x00" * 40)
    assert "lock file" in refused(lock)


# --- CSV -----------------------------------------------------------------------------------


def test_csv_in_windows_1252_reads_pounds(tmp_path: Path) -> None:
    path = tmp_path / "Chorley return.csv"
    path.write_bytes("Ref,Cost,Note\r\n4,a,£250,café\r\n".replace("4,a", '"4,a"').encode("cp1252"))
    book = open_book(path)
    assert (book.format, book.sheet_names) == ("csv", ["Chorley return"])
    assert book.sheet("Chorley return").rows == [["Ref", "Cost", "Note"], ["4,a", "£250", "café"]]


def test_csv_semicolons_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "kpi.csv"
    path.write_text("Code;Target;Actual\nPI01;2,5;3,1\nPI02;;4\n", encoding="utf-8")
    assert read_all(path) == {
        "kpi": [["Code", "Target", "Actual"], ["PI01", "2,5", "3,1"], ["PI02", "", "4"]]
    }


def test_excel_unicode_text_is_utf16_tabs(tmp_path: Path) -> None:
    path = tmp_path / "actions.txt"
    path.write_bytes("Ref\tAction\n1\tTidy Market Street £\n".encode("utf-16"))
    assert read_all(path) == {"actions": [["Ref", "Action"], ["1", "Tidy Market Street £"]]}


def test_csv_utf8_bom_blank_lines_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "ragged.xlsx"  # text under a workbook's name is still read as CSV
    path.write_bytes(b"\xef\xbb\xbf\n\nRef,Status\n1,Open,extra\n2\n")
    book = open_book(path)
    grid = book.sheet("ragged")
    assert book.format == "csv" and (grid.first_row, grid.first_col) == (3, 1)
    assert grid.rows == [["Ref", "Status", ""], ["1", "Open", "extra"], ["2", "", ""]]


def test_encoding_and_delimiter_detection() -> None:
    assert detect_encoding("£5".encode("cp1252")) == "cp1252"
    assert detect_encoding("£5".encode()) == "utf-8"
    assert detect_encoding("Привет, мир, это отчёт о ходе работ\n".encode("cp1251") * 5) == "cp1251"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"
    assert sniff_delimiter('ref,text\n"4,a","a; b; c"\n') == ","
    assert sniff_delimiter("single column\nonly\n") == ","


# --- Passwords ----------------------------------------------------------------------------


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    rows = TRACKER + [[f"5.{i}", "Keep the register up to date " * 4, "Open"] for i in range(60)]
    plain = h.write_zip(
        tmp_path / "plain.xlsx", h.xlsx_parts({"Tracker": h.sheet_xml(h.cells_xml(rows))}), level=0
    )
    return h.encrypt_ooxml(plain, tmp_path / "return.xlsx", "Preston-2024")


def test_encrypted_workbook_opens_with_its_password(encrypted: Path) -> None:
    book = open_book(encrypted, password="Preston-2024")
    assert (book.format, book.encrypted) == ("xlsx", True)
    assert book.sheet("Tracker").value(4, 1) == "4,a"


def test_encrypted_workbook_without_or_with_wrong_password(encrypted: Path) -> None:
    line = refused(encrypted, PasswordRequired)
    assert line == "return.xlsx: is password-protected; give the password with --password"
    line = refused(encrypted, PasswordRequired, password="preston-2024")
    assert line == "return.xlsx: is password-protected and the password given does not open it"


def test_corpus_password_protected_xlsx() -> None:
    path = corpus_file("pass_protected.xlsx")
    assert open_book(path, password="123").encrypted
    refused(path, PasswordRequired)


def test_xls_protected_with_excels_default_password_opens() -> None:
    book = open_book(corpus_file("issue_385.xls"))
    assert (book.format, book.encrypted) == ("xls", True)


def test_encrypted_ods_is_refused_plainly(tmp_path: Path) -> None:
    path = h.write_ods(
        tmp_path / "secret.ods",
        b"",
        manifest_extra=b'<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>',
    )
    assert "password-protected OpenDocument spreadsheet" in refused(path)
    assert "cannot open" in refused(corpus_file("pass_protected.ods"))


# --- Hostile input ------------------------------------------------------------------------


def test_oversized_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = h.write_xlsx(tmp_path / "huge.xlsx", TRACKER * 100)
    monkeypatch.setattr(limits, "MAX_PACKAGE_BYTES", 1024)
    assert "xlsync reads workbooks up to 1.0 KB" in refused(path)


def test_truncated_zip(tmp_path: Path) -> None:
    whole = h.write_xlsx(tmp_path / "whole.xlsx", TRACKER * 50)
    assert "cut short" in refused(h.truncated(tmp_path / "half.xlsx", whole))


def test_zip_bomb_refused_from_its_directory(tmp_path: Path) -> None:
    path = h.zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 4_000_000
    assert "would inflate to 1.5 GB" in refused(path, HostileFile)


def test_directory_lying_small_about_a_bomb(tmp_path: Path) -> None:
    path = h.zip_bomb(tmp_path / "liar.xlsx", declared=10_000)
    assert "declares only 9.8 KB" in refused(path, HostileFile)


def test_directory_lying_plausibly_about_a_bomb(tmp_path: Path) -> None:
    path = h.zip_bomb(tmp_path / "liar.xlsx", inflated_mib=400, declared=30 * 2**20)
    assert "inflates far beyond the 30 MB its directory declares" in refused(path, HostileFile)


@pytest.mark.parametrize("where", ["sheet", "shared strings", "workbook"])
def test_entity_expansion(tmp_path: Path, where: str) -> None:
    laughs = h.billion_laughs()
    body = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    if where == "sheet":
        parts = h.xlsx_parts({"T": h.sheet_xml(body, prolog=laughs)})
    elif where == "shared strings":
        sst = laughs + f'<sst xmlns="{h.MAIN_NS}"><si><t>&lol9;</t></si></sst>'.encode()
        parts = h.xlsx_parts({"T": h.sheet_xml(b"")}, shared_strings=sst)
    else:
        parts = h.xlsx_parts({"T": h.sheet_xml(b"")}, workbook_prolog=laughs)
    assert "declares XML entities" in refused(
        h.write_zip(tmp_path / "laughs.xlsx", parts), HostileFile
    )


def test_doctype_hidden_behind_padding_or_utf16(tmp_path: Path) -> None:
    padded = h.PROLOG + b"<!--" + b" " * 70_000 + b"-->" + h.billion_laughs()[22:]
    parts = h.xlsx_parts({"T": h.sheet_xml(b"", prolog=padded)})
    assert "prolog over 64 KB" in refused(h.write_zip(tmp_path / "padded.xlsx", parts), HostileFile)
    utf16 = h.billion_laughs().decode().encode(
        "utf-16"
    ) + f'<worksheet xmlns="{h.MAIN_NS}"/>'.encode("utf-16-le")
    parts = h.xlsx_parts({"T": utf16})
    assert "declares XML entities" in refused(
        h.write_zip(tmp_path / "u16.xlsx", parts), HostileFile
    )


def test_too_many_parts_and_overlapping_parts(tmp_path: Path) -> None:
    assert "20,005 parts" in refused(h.many_entries(tmp_path / "many.xlsx", 20_000), HostileFile)
    assert "parts overlap" in refused(h.overlapping_zip(tmp_path / "overlap.xlsx"), HostileFile)


def test_sparse_sheet_that_would_allocate_a_huge_grid(tmp_path: Path) -> None:
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="CV1048576"><v>1</v></c></row>'
    path = h.write_zip(tmp_path / "sparse.xlsx", h.xlsx_parts({"Tracker": h.sheet_xml(body)}))
    book = open_book(path)  # the grid is only sized when the sheet is read
    with pytest.raises(HostileFile) as caught:
        book.sheet("Tracker")
    assert caught.value.line().startswith(
        "sparse.xlsx: sheet 'Tracker' spans 1,048,576 rows by 100 columns"
    )


def test_unusual_but_honest_sheets_are_placed_exactly(tmp_path: Path) -> None:
    # Address-less cells, prefixed tags, other quotes: calamine accepts them all.
    body = (
        b"<row><c><v>1</v></c><c/><c><v>2</v></c></row>"
        b"<x:row r='3' xmlns:x='urn:x'><x:c\n r = 'b3'><x:v>3</x:v></x:c></x:row>"
    )
    path = h.write_zip(tmp_path / "odd.xlsx", h.xlsx_parts({"T": h.sheet_xml(body)}))
    assert read_all(path) == {"T": [[1.0, "", 2.0], ["", "", ""], ["", 3.0, ""]]}


def test_sheets_saved_by_openpyxl_take_the_quick_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # openpyxl writes styled blanks as `<c r="B2" s="1" t="n" />`, with a space before `/>`.
    # A 100,000-row register it saved was once refused as "unusual" for that space alone.
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Ref", "Status"])
    ws["B2"].font = Font(bold=True)  # styled, no value
    ws["A100001"] = "17."
    wb.save(tmp_path / "saved.xlsx")
    xml = zipfile.ZipFile(tmp_path / "saved.xlsx").read("xl/worksheets/sheet1.xml")
    assert b'" />' in xml

    def unusual(*_: object) -> extents.Extent:
        raise AssertionError("an openpyxl sheet was walked as unusual")

    monkeypatch.setattr(extents, "_unusual_extent", unusual)
    rows = read_all(tmp_path / "saved.xlsx")["Register"]
    assert rows[0] == ["Ref", "Status"] and rows[100_000] == ["17.", ""]


def test_styled_blanks_to_the_last_row_are_not_values(tmp_path: Path) -> None:
    # Some writers spread styled empty cells to XFD1048576; calamine drops them, so do we.
    blanks = b"".join(
        f'<c r="{h.column_letters(c)}1048576" s="0"/>'.encode() for c in range(16_000, 16_385)
    )
    body = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t></is></c></row><row r="1048576">'
        + blanks
        + b"</row>"
    )
    path = h.write_zip(tmp_path / "gnumeric.xlsx", h.xlsx_parts({"T": h.sheet_xml(body)}))
    assert read_all(path) == {"T": [["Ref"]]}


def test_ods_repeated_rows_that_would_allocate_a_huge_grid(tmp_path: Path) -> None:
    rows = h.ods_row("Ref") + h.ods_row(*([None] * 10), repeat=1_000_000) + h.ods_row(*range(10))
    path = h.write_ods(tmp_path / "repeat.ods", h.ods_table("Plan", rows))
    assert "spans 1,000,002 rows by 10 columns" in refused(path, HostileFile)


def test_shared_string_count_that_would_abort_the_reader(tmp_path: Path) -> None:
    sst = (
        h.PROLOG
        + f'<sst xmlns="{h.MAIN_NS}" uniqueCount="10000000000"><si><t>x</t></si></sst>'.encode()
    )
    body = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = h.write_zip(
        tmp_path / "sst.xlsx", h.xlsx_parts({"T": h.sheet_xml(body)}, shared_strings=sst)
    )
    assert "announces 10,000,000,000 shared strings" in refused(path, HostileFile)


def test_xls_size_record_that_would_abort_the_reader(tmp_path: Path) -> None:
    stream = h.biff8_workbook({"Data": [(0, 0, "Ref")]}, dimensions=(0, 0xFFFFFF, 0, 255))
    line = refused(h.write_xls(tmp_path / "dims.xls", stream), HostileFile)
    assert "size record spans 16,777,215 rows" in line


def test_corrupt_and_unsupported_zip_data(tmp_path: Path) -> None:
    parts = h.xlsx_parts({"T": h.sheet_xml(h.cells_xml(TRACKER))})
    entries = h.raw_entries(parts)
    sheet = next(e for e in entries if e.name.endswith("sheet1.xml"))
    garbled = h.RawEntry(sheet.name, b"\xff" * len(sheet.data), sheet.size)
    h.write_raw_zip(tmp_path / "garbled.xlsx", [garbled if e is sheet else e for e in entries])
    assert "is corrupt" in refused(tmp_path / "garbled.xlsx")
    bzip = [h.RawEntry(e.name, e.data, e.size, method=12) for e in entries]
    assert "method 12" in refused(h.write_raw_zip(tmp_path / "bzip.xlsx", bzip))


def test_reader_errors_in_a_sheet_name_the_sheet(tmp_path: Path) -> None:
    body = b'<row r="1"><c r="A$1"><v>1</v></c></row>'
    path = h.write_zip(tmp_path / "bad.xlsx", h.xlsx_parts({"Returns": h.sheet_xml(body)}))
    book = open_book(path)
    with pytest.raises(UnreadableFile) as caught:
        book.sheet("Returns")
    assert caught.value.line().startswith("bad.xlsx: sheet 'Returns' cannot be read (")


def test_honest_100000_row_tracker_passes_every_limit(tmp_path: Path) -> None:
    row = (
        '<row r="{r}" spans="1:8"><c r="A{r}" s="1" t="inlineStr"><is><t>{r}.1</t></is></c>'
        '<c r="B{r}" s="2" t="inlineStr"><is><t>Review the partnership publicity plan and report'
        ' progress to the committee</t></is></c><c r="C{r}" s="1" t="inlineStr"><is><t>Chorley'
        '</t></is></c><c r="D{r}" s="3"><v>45292</v></c><c r="E{r}" s="1" t="inlineStr"><is><t>'
        'In progress</t></is></c><c r="F{r}" s="4" t="inlineStr"><is><t>A</t></is></c>'
        '<c r="G{r}" s="2" t="inlineStr"><is><t>Officers met the parish councils in March and '
        'agreed a shared calendar of events for the summer</t></is></c><c r="H{r}" s="3">'
        '<v>45400</v></c><c r="I{r}" s="1"/></row>'
    )
    body = "".join(row.format(r=r) for r in range(1, 100_001)).encode()
    parts = h.xlsx_parts({"Tracker": h.sheet_xml(body)})
    path = h.write_zip(tmp_path / "tracker.xlsx", parts, level=1)
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 50_000_000  # the size of an honest styled tracker
    grid = open_book(path).sheet("Tracker")
    assert grid.last_row == 100_000 and grid.value(100_000, 5) == "In progress"


# --- Memory and time, measured in a child process -----------------------------------------

BOMBS = {
    "bomb.xlsx": lambda p: h.zip_bomb(p),
    "liar.xlsx": lambda p: h.zip_bomb(p, declared=10_000),
    "plausible-liar.xlsx": lambda p: h.zip_bomb(p, inflated_mib=1500, declared=60 * 2**20),
    "laughs.xlsx": lambda p: h.write_zip(
        p,
        h.xlsx_parts(
            {
                "T": h.sheet_xml(
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                    prolog=h.billion_laughs(),
                )
            }
        ),
    ),
    "many.xlsx": lambda p: h.many_entries(p, 50_000),
    "sparse.xlsx": lambda p: h.write_zip(
        p,
        h.xlsx_parts(
            {
                "T": h.sheet_xml(
                    b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                )
            }
        ),
    ),
    "repeat.ods": lambda p: h.write_ods(
        p,
        h.ods_table(
            "P", h.ods_row("x") + h.ods_row(None, repeat=1_048_000) + h.ods_row(*range(200))
        ),
    ),
    "sst.xlsx": lambda p: h.write_zip(
        p,
        h.xlsx_parts(
            {"T": h.sheet_xml(b"")},
            shared_strings=h.PROLOG
            + f'<sst xmlns="{h.MAIN_NS}" uniqueCount="99999999999"/>'.encode(),
        ),
    ),
    "dims.xls": lambda p: h.write_xls(
        p, h.biff8_workbook({"D": [(0, 0, 1)]}, dimensions=(0, 0xFFFFFFF0, 0, 255))
    ),
}

_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from sync.errors import UnreadableFile
    from sync.read.open import open_book
    results = {}
    for path in sys.argv[1:]:
        start = time.perf_counter()
        try:
            book = open_book(path)
            for name in book.sheet_names:
                book.sheet(name)
            outcome = "opened"
        except UnreadableFile as exc:
            outcome = type(exc).__name__ + ": " + exc.line()
        results[path] = [outcome, time.perf_counter() - start]
    print(json.dumps(results))
    """
)
# Linux carries a parent's high-water RSS into a forked child, so a child of the big pytest
# process would report pytest's size: a bare launcher runs the child and reads
# RUSAGE_CHILDREN, which then covers the child alone.
_LAUNCHER = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    child = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps([child.returncode, child.stdout, child.stderr[-2000:], peak]))
    """
)


@pytest.fixture(scope="module")
def bomb_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[object]], int]:
    """Open every bomb in one child process: the outcomes and the child's peak RSS in bytes."""
    pytest.importorskip("resource")  # POSIX only
    folder = tmp_path_factory.mktemp("bombs")
    paths = [str(build(folder / name)) for name, build in BOMBS.items()]
    launcher = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-c", _CHILD, *paths],
        capture_output=True,
        text=True,
        timeout=90,  # a hang guard, not a timing test
    )
    returncode, stdout, stderr, peak = json.loads(launcher.stdout)
    assert returncode == 0, stderr  # a reader abort (SIGABRT) would show here
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes there, KB here
    results = json.loads(stdout)
    return {Path(k).name: v for k, v in results.items()}, peak * scale


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bomb_refused_quickly(
    bomb_run: tuple[dict[str, list[object]], int, int], name: str
) -> None:
    outcome, seconds = bomb_run[0][name]
    assert str(outcome).startswith(f"HostileFile: {name}: ")
    assert float(seconds) < 5  # type: ignore[arg-type]


def test_bombs_stay_under_300_mb(bomb_run: tuple[dict[str, list[object]], int]) -> None:
    _, peak = bomb_run
    assert peak < 300 * 2**20


# --- The shared corpus: every file opens or is refused in one line -------------------------


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_opens_or_is_refused(path: Path) -> None:
    try:
        book = open_book(path, password=CORPUS_PASSWORDS.get(path.name))
    except UnreadableFile as exc:
        assert exc.line().startswith(f"{path.name}: ")
        return
    assert book.format in {"xlsx", "xlsm", "xls", "ods", "csv"}
    assert set(book.hidden) <= set(book.sheet_names)
    for name in book.sheet_names:
        try:
            grid = book.sheet(name)
        except UnreadableFile as exc:
            assert exc.line().startswith(f"{path.name}: sheet '{name}'")
        else:
            assert all(len(row) == len(grid.rows[0]) for row in grid.rows)


def test_limits_are_documented() -> None:
    for limit in (
        limits.MAX_ZIP_ENTRIES,
        limits.MAX_PART_BYTES,
        limits.MAX_INFLATE_RATIO,
        limits.MAX_PROLOG_BYTES,
        limits.MAX_SHEET_CELLS,
    ):
        assert limit > 0
    source = Path(limits.__file__).read_text(encoding="utf-8")
    for name in ("MAX_ZIP_ENTRIES", "MAX_PART_BYTES", "MAX_INFLATE_RATIO", "MAX_SHEET_CELLS"):
        before = source[: source.index(f"\n{name} =")]
        assert before.rstrip().splitlines()[-1].startswith("#"), f"{name} has no reason given"
