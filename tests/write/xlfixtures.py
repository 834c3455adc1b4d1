"""Workbooks for the writer's tests, built the way Excel writes them, and ways to compare them."""

from __future__ import annotations

import datetime as dt
import io
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# An Excel 2010 data validation (list from another sheet) as Excel stores it: in the extLst.
X14_VALIDATION = (
    '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>D2:D6</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>"
)

HEADER = ["Ref", "Recommendation", "Lead", "Status", "Updated", "Score", "Trend", "Double"]
ROWS = [
    [
        "4,a",
        "Support the vision for the town centre",
        "Chorley",
        "Ongoing",
        dt.date(2007, 3, 1),
        40,
    ],
    [
        "4,b",
        "Publish the partnership action plan",
        "South Ribble",
        "Complete",
        dt.date(2007, 3, 6),
        75,
    ],
    [
        "5",
        "Review the One Stop Shop opening hours",
        "Chorley",
        "Not started",
        dt.date(2007, 2, 1),
        10,
    ],
    [
        "6.",
        "Promote the web site with a strap line",
        "West Lancs",
        "Ongoing",
        dt.date(2006, 10, 30),
        55,
    ],
    ["7", "Produce a breakdown of enquiries", "Chorley", "Complete", dt.date(2007, 3, 20), 90],
]


def png(width: int = 4, height: int = 4) -> bytes:
    """A small red PNG, made here so the tests need no image file."""
    raw = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def register_workbook(path: Path, *, date1904: bool = False, x14_validation: bool = True) -> Path:
    """A council register as Excel would save it: styles, drop-downs, a data bar, sparklines,
    a text box, an image, a note, an autofilter, formulas, a table on a second sheet."""
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904})
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    day = wb.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    num = wb.add_format({"border": 1})
    ws = wb.add_worksheet("Register")
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 40)
    ws.write_row(0, 0, HEADER, head)
    for i, row in enumerate(ROWS, start=1):
        ws.write(i, 0, row[0], text)
        ws.write(i, 1, row[1], text)
        ws.write(i, 2, row[2], text)
        ws.write(i, 3, row[3], text)
        ws.write_datetime(i, 4, dt.datetime.combine(row[4], dt.time()), day)
        ws.write_number(i, 5, row[5], num)
        ws.write_formula(i, 7, f"=F{i + 1}*2", num, row[5] * 2)
    ws.data_validation(
        1, 2, 5, 2, {"validate": "list", "source": ["Chorley", "South Ribble", "West Lancs"]}
    )
    ws.conditional_format(1, 5, 5, 5, {"type": "data_bar", "data_bar_2010": True})
    ws.conditional_format(
        1,
        3,
        5,
        3,
        {
            "type": "cell",
            "criteria": "==",
            "value": '"Complete"',
            "format": wb.add_format({"bg_color": "#C6EFCE"}),
        },
    )
    ws.add_sparkline(1, 6, {"range": "Register!F2:F6"})
    ws.autofilter(0, 0, 5, 7)
    ws.insert_textbox(8, 1, "Officers: date each progress entry", {"width": 300, "height": 60})
    ws.insert_image(8, 4, "logo.png", {"image_data": io.BytesIO(png())})
    ws.write_comment(1, 1, "Agreed at Overview and Scrutiny, March 2007")
    lists = wb.add_worksheet("Lists")
    lists.write_column(0, 0, ["Ongoing", "Complete", "Not started"])
    actions = wb.add_worksheet("Actions")
    actions.add_table(
        0,
        0,
        3,
        2,
        {
            "name": "Actions",
            "columns": [{"header": "Ref"}, {"header": "Action"}, {"header": "Status"}],
            "data": [
                ["1", "Publish", "Ongoing"],
                ["2", "Consult", "Complete"],
                ["3", "Report", "Ongoing"],
            ],
        },
    )
    actions.data_validation(1, 2, 3, 2, {"validate": "list", "source": ["Ongoing", "Complete"]})
    actions.conditional_format(
        1,
        2,
        3,
        2,
        {
            "type": "cell",
            "criteria": "==",
            "value": '"Complete"',
            "format": wb.add_format({"bold": True}),
        },
    )
    wb.close()
    if x14_validation:
        add_x14_validation(path)
    return path


def add_x14_validation(path: Path, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Give the sheet an Excel 2010 drop-down fed from another sheet, as Excel writes it."""
    entries = read_parts(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            if name == sheet:
                text = data.decode()
                at = text.rindex("<extLst>") + len("<extLst>")  # the worksheet's own, the last
                data = (text[:at] + X14_VALIDATION + text[at:]).encode()
            zf.writestr(name, data)
    path.write_bytes(out.getvalue())


def read_parts(path: Path) -> list[tuple[str, bytes]]:
    """Every entry of the package, in zip order, uncompressed."""
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def load(path: Path, **kw: Any) -> openpyxl.Workbook:
    """openpyxl's view, without its warnings about the extensions it does not read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, **kw)


def dump(path: Path) -> dict[str, dict[tuple[int, int], tuple[Any, ...]]]:
    """Every cell the file holds: value, type and the style as openpyxl resolves it."""
    wb = load(path)
    out: dict[str, dict[tuple[int, int], tuple[Any, ...]]] = {}
    for ws in wb.worksheets:
        cells = {}
        for cell in list(ws._cells.values()):
            if cell.value is None and not cell.has_style:
                continue
            style = tuple(
                repr(x)
                for x in (
                    cell.number_format,
                    cell.font,
                    cell.fill,
                    cell.border,
                    cell.alignment,
                    cell.protection,
                )
            )
            value = cell.value
            if hasattr(value, "text") and hasattr(value, "ref"):
                value = ("array", value.ref, value.text)
            cells[(cell.row, cell.column)] = (value, cell.data_type, style)
        out[ws.title] = cells
    return out


def changed_cells(before: Path, after: Path) -> dict[str, set[tuple[int, int]]]:
    """Cells (by sheet) whose value, type or style differs between two workbooks."""
    a, b = dump(before), dump(after)
    out: dict[str, set[tuple[int, int]]] = {}
    for sheet in set(a) | set(b):
        x, y = a.get(sheet, {}), b.get(sheet, {})
        diff = {k for k in set(x) | set(y) if x.get(k) != y.get(k)}
        if diff:
            out[sheet] = diff
    return out


def changed_parts(before: Path, after: Path) -> set[str]:
    a, b = dict(read_parts(before)), dict(read_parts(after))
    return {n for n in set(a) | set(b) if a.get(n) != b.get(n)}
