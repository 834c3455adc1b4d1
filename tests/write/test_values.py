"""Values are written as Excel stores them: text never a formula, dates as serials, limits refused."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from xlfixtures import changed_cells, changed_parts, load, part, register_workbook

from sync.cells import CellRef
from sync.errors import WriteRefused
from sync.write.patch import Edits, patch, patch_workbook

SHEET = "xl/worksheets/sheet1.xml"


def officer_book(path: Path, *, date1904: bool = False) -> Path:
    """A small register saved by openpyxl: a bold header, a dated column, a filled cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws.append(["Ref", "Progress", "Updated", "Score"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["4,a", "Strap line in use", dt.date(2006, 10, 30), 3])
    ws["C2"].number_format = "dd/mm/yyyy"
    ws["B2"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws.append(["4,b", "Web site promoted", None, 4])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example","Click")', "+44 1257 515151", "-5 days", "@mention", "=1+1"],
)
def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path: Path, text: str) -> None:
    src, out = officer_book(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    patch(src, out, {"Register!B3": text})
    cell = load(out)["Register"]["B3"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.quotePrefix  # Excel would keep it text if the officer edits the cell
    assert "<f>" not in part(out, SHEET).decode()


def test_numbers_booleans_and_clearing(tmp_path: Path) -> None:
    src, out = officer_book(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    patch(
        src,
        out,
        {"Register!D2": 2.5, "Register!D3": 10**12, "Register!E2": True, "Register!B2": None},
    )
    ws = load(out)["Register"]
    assert (ws["D2"].value, ws["D3"].value, ws["E2"].value) == (2.5, 10**12, True)
    assert ws["B2"].value is None
    assert ws["B2"].fill.fgColor.rgb == "00FFF2CC"  # cleared, still formatted


@pytest.mark.parametrize("date1904", [False, True])
def test_dates_are_serials_in_the_workbooks_date_system(tmp_path: Path, date1904: bool) -> None:
    src, out = officer_book(tmp_path / "a.xlsx", date1904=date1904), tmp_path / "b.xlsx"
    when = dt.datetime(2007, 3, 6, 14, 30)
    patch(
        src,
        out,
        {
            "Register!C2": dt.date(2007, 3, 20),
            "Register!C3": dt.date(2007, 3, 6),
            "Register!B3": when,
        },
    )
    ws = load(out)["Register"]
    assert ws["C2"].value == dt.datetime(2007, 3, 20)
    assert ws["C2"].number_format == "dd/mm/yyyy"  # its own date format kept
    assert ws["C3"].value == dt.datetime(2007, 3, 6)
    assert ws["C3"].is_date  # a plain cell was given a date format
    assert ws["B3"].value == when and ws["B3"].number_format == "dd/mm/yyyy hh:mm"
    serial = re.search(r'<c r="C3"[^>]*><v>([^<]+)</v>', part(out, SHEET).decode()).group(1)
    assert float(serial) == (39147 - 1462 if date1904 else 39147)


@pytest.mark.parametrize("strings", ["shared", "inline"])
def test_xml_special_characters_spaces_and_control_characters(tmp_path: Path, strings: str) -> None:
    out = tmp_path / "b.xlsx"
    if strings == "shared":
        src, sheet, where = (
            register_workbook(tmp_path / "a.xlsx"),
            "Register",
            "xl/sharedStrings.xml",
        )
    else:  # openpyxl writes no shared string table for this book
        src, sheet, where = officer_book(tmp_path / "a.xlsx"), "Register", SHEET
    patch(
        src,
        out,
        {
            f"{sheet}!B2": '  A & B <ok> "quoted"  ',
            f"{sheet}!B3": "line\x01one\x0bx",
            f"{sheet}!A3": "literal _x0041_ kept",
        },
    )
    ws = load(out)[sheet]
    assert ws["B2"].value == '  A & B <ok> "quoted"  '
    xml = part(out, where).decode()
    assert "line_x0001_one_x000B_x" in xml  # as Excel escapes characters XML cannot carry
    assert "_x005F_x0041_" in xml  # a literal escape sequence is itself escaped
    assert '<t xml:space="preserve">  A &amp; B &lt;ok&gt; "quoted"  </t>' in xml


def test_excel_limits_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    src = officer_book(tmp_path / "a.xlsx")
    before = src.read_bytes()
    for cells in (
        {"Register!B2": "x" * 32_768},
        {"Register!B2": float("nan")},
        {"Register!B2": dt.date(1899, 12, 1)},
    ):
        with pytest.raises(WriteRefused):
            patch(src, src, cells)
    with pytest.raises(WriteRefused, match="outside Excel"):
        patch_workbook(src, src, Edits(cells={CellRef("Register", 1_048_577, 1): 1}))
    with pytest.raises(WriteRefused, match="no sheet named"):
        patch(src, src, {"Nowhere!A1": 1})
    assert src.read_bytes() == before
    patch(src, tmp_path / "ok.xlsx", {"Register!B2": "x" * 32_767})


def test_new_cells_go_in_column_order_and_grow_the_dimension(tmp_path: Path) -> None:
    src, out = officer_book(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    patch(src, out, {"Register!F2": "late", "Register!A6": "new row", "Register!C5": 1})
    xml = part(out, SHEET).decode()
    assert re.findall(r'<c r="([A-Z]+)2"', xml) == ["A", "B", "C", "D", "F"]
    assert re.findall(r'<row r="(\d+)"', xml) == ["1", "2", "3", "5", "6"]
    assert re.search(r'<dimension ref="([^"]+)"', xml).group(1) == "A1:F6"
    assert changed_cells(src, out) == {"Register": {(2, 6), (6, 1), (5, 3)}}


def test_a_workbook_without_shared_strings_gets_inline_strings(tmp_path: Path) -> None:
    import xlsxwriter

    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet("Register").write_number("A1", 1)
    wb.close()
    patch(src, out, {"Register!B1": "=not a formula"})
    cell = load(out)["Register"]["B1"]
    assert (cell.value, cell.data_type) == ("=not a formula", "s")
    assert 't="inlineStr"' in part(out, SHEET).decode()


def test_overwriting_a_formula_drops_it_and_the_calc_chain(tmp_path: Path) -> None:
    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    register_workbook(src, x14_validation=False)
    with_chain = tmp_path / "chain.xlsx"
    chain = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<calcChain xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="H2" i="1"/><c r="H3"/></calcChain>'
    )
    _add_part(
        src,
        with_chain,
        "xl/calcChain.xml",
        chain,
        "calcChain",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml",
    )
    patch(with_chain, out, {"Register!H2": 5})
    assert "<f>" not in re.search(r'<c r="H2".*?</c>', part(out, SHEET).decode()).group(0)
    with zipfile.ZipFile(out) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert b"calcChain" not in zf.read("[Content_Types].xml")
        assert b"calcChain" not in zf.read("xl/_rels/workbook.xml.rels")
    assert load(out)["Register"]["H2"].value == 5


def _add_part(src: Path, out: Path, name: str, text: str, kind: str, content_type: str) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode(),
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    (
                        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/{kind}" Target="{name[3:]}"/></Relationships>'
                    ).encode(),
                )
            zout.writestr(info, data)
        zout.writestr(name, text)


def _shared_formula_book(path: Path, sheet_data: str) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write("A1", 1)
    wb.close()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == SHEET:
                data = re.sub(
                    rb"<sheetData>.*</sheetData>",
                    f"<sheetData>{sheet_data}</sheetData>".encode(),
                    data,
                    flags=re.S,
                )
            zout.writestr(info, data)
    tmp.replace(path)
    return path


COLUMN = "".join(
    f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}">'
    + (f'<f t="shared" ref="B1:B4" si="0">A{r}*2</f>' if r == 1 else '<f t="shared" si="0"/>')
    + f"<v>{2 * r}</v></c></row>"
    for r in range(1, 5)
)


def test_overwriting_a_shared_formula_anchor_moves_it_to_the_next_cell(tmp_path: Path) -> None:
    src, out = _shared_formula_book(tmp_path / "a.xlsx", COLUMN), tmp_path / "b.xlsx"
    patch(src, out, {"Sheet1!B1": "n/a"})
    xml = part(out, SHEET).decode()
    assert '<c r="B2"><f t="shared" si="0" ref="B2:B4">A2*2</f><v>4</v></c>' in xml
    ws = load(out)["Sheet1"]
    assert (ws["B1"].value, ws["B2"].value, ws["B3"].value, ws["B4"].value) == (
        "n/a",
        "=A2*2",
        "=A3*2",
        "=A4*2",
    )


def test_a_shared_formula_that_cannot_be_re_anchored_is_refused(tmp_path: Path) -> None:
    block = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{c}{r}">'
            + (
                '<f t="shared" ref="A1:B2" si="0">C1+1</f>'
                if (c, r) == ("A", 1)
                else '<f t="shared" si="0"/>'
            )
            + "<v>1</v></c>"
            for c in "AB"
        )
        + "</row>"
        for r in (1, 2)
    )
    src = _shared_formula_book(tmp_path / "a.xlsx", block)
    with pytest.raises(WriteRefused, match="other cells share"):
        patch(src, tmp_path / "b.xlsx", {"Sheet1!A1": 0})
    patch(
        src, tmp_path / "c.xlsx", {"Sheet1!A1": 0, "Sheet1!B1": 0, "Sheet1!A2": 0}
    )  # B2 alone: fine


def test_part_of_an_array_formula_is_refused(tmp_path: Path) -> None:
    rows = (
        '<row r="1"><c r="A1"><f t="array" ref="A1:A2">B1:B2*2</f><v>2</v></c></row>'
        '<row r="2"><c r="A2"><v>4</v></c></row>'
    )
    src = _shared_formula_book(tmp_path / "a.xlsx", rows)
    with pytest.raises(WriteRefused, match="array formula over A1:A2"):
        patch(src, tmp_path / "b.xlsx", {"Sheet1!A2": 1})


def test_changed_parts_are_reported(tmp_path: Path) -> None:
    src, out = officer_book(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"
    result = patch(src, out, {"Register!C3": dt.date(2007, 1, 1)})
    assert set(result.parts_changed) == changed_parts(src, out) == {SHEET, "xl/styles.xml"}
    assert result.parts_kept == len(zipfile.ZipFile(out).namelist()) - 2


def test_rows_are_inserted_in_a_gap_and_after_the_last(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for r in (1, 2, 6, 9):
        ws.cell(r, 1, f"row {r}")
    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    wb.save(src)
    patch(
        src,
        out,
        {
            "Register!B4": "gap",
            "Register!A3": "gap too",
            "Register!C12": "after",
            "Register!B6": "beside",
        },
    )
    xml = part(out, SHEET).decode()
    assert re.findall(r'<row r="(\d+)"', xml) == ["1", "2", "3", "4", "6", "9", "12"]
    ws = load(out)["Register"]
    assert [ws.cell(r, 1).value for r in (1, 2, 3, 6, 9)] == [
        "row 1",
        "row 2",
        "gap too",
        "row 6",
        "row 9",
    ]
    assert (ws["B4"].value, ws["C12"].value, ws["B6"].value) == ("gap", "after", "beside")


def test_parts_of_many_megabytes_read_back_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parts over BIG_PART are deflated at zlib's fastest level; with the threshold at zero
    # every part of a small workbook goes that way.
    from sync.write import package

    src, fast, plain = (
        register_workbook(tmp_path / "a.xlsx"),
        tmp_path / "b.xlsx",
        tmp_path / "c.xlsx",
    )
    edits = {"Register!D2": 2.5, "Register!B3": "Agreed at committee & noted"}
    patch(src, plain, edits)
    monkeypatch.setattr(package, "BIG_PART", 0)
    patch(src, fast, edits)
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(plain) as b:
        assert a.testzip() is None  # every CRC checks out
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
            assert a.getinfo(name).compress_type == b.getinfo(name).compress_type
    assert fast.read_bytes() != plain.read_bytes()  # the fastest level did pack differently
    assert changed_cells(plain, fast) == {}
    ws = load(fast)["Register"]
    assert (ws["D2"].value, ws["B3"].value) == (2.5, "Agreed at committee & noted")


def test_a_part_given_as_pieces_is_stored_as_their_joined_text(tmp_path: Path) -> None:
    """The patched sheet goes to Package.put as pieces, encoded one by one; the stored bytes
    are those of the joined text, byte order mark and non-ASCII notes included."""
    from sync.write.package import Package

    src = register_workbook(tmp_path / "a.xlsx")
    pkg = Package.read(src.read_bytes(), src)
    pieces = ["<x>", "Cost £250 – agreed", "</x>", "", "\U0001f4c5 diary"]
    pkg.put("xl/new.xml", pieces)
    assert pkg.get("xl/new.xml") == "".join(pieces).encode("utf-8")
    pkg.data["xl/worksheets/sheet1.xml"] = b"\xef\xbb\xbf" + pkg.get("xl/worksheets/sheet1.xml")
    pkg.put("xl/worksheets/sheet1.xml", pieces)
    assert pkg.get("xl/worksheets/sheet1.xml") == b"\xef\xbb\xbf" + "".join(pieces).encode()
    # a write through the pieces path reads back with its note intact
    out = tmp_path / "b.xlsx"
    patch(src, out, {"Register!B3": "Agreed – £250"})
    assert load(out)["Register"]["B3"].value == "Agreed – £250"


def test_every_character_xml_cannot_hold_is_stored_escaped() -> None:
    """Printable text skips the escaping regex; none of these characters is printable, so
    each still comes out as Excel's _xHHHH_, alone or amid ordinary text."""
    from sync.write.xmltext import escape_text

    illegal = [*map(chr, range(0x00, 0x09)), "\x0b", "\x0c", *map(chr, range(0x0E, 0x20))]
    illegal += ["\r", "\ufffe", "\uffff", "\ud800", "\udfff"]
    for c in illegal:
        assert escape_text(f"Cost {c}agreed") == f"Cost _x{ord(c):04X}_agreed", repr(c)
    assert escape_text("Plain text, £250 – agreed") == "Plain text, £250 – agreed"
    assert escape_text("line one\nline two\tend") == "line one\nline two\tend"
