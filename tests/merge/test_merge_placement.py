"""New rows land where an officer expects them: in their own section, with their partner's
rows, on their partner's sheet; the master reopened and checked cell by cell."""

from __future__ import annotations

import shutil
import warnings
from datetime import date
from pathlib import Path
from typing import Any

from builders import REGISTER_HEADER as HEADER
from builders import Sheet, build
from clirun import errors, run
from ooxmlcheck import new_findings
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from sync import merge_files, read_register
from sync.state import LOG_SHEET

TODAY = date(2007, 3, 20)
DAY = date(2007, 3, 6)


def rec(partner: str, ref: str, status: str = "In progress", note: str | None = None) -> list[Any]:
    return [partner, ref, f"Recommendation {ref}", "Officer", date(2007, 12, 31), status,
            "Amber", note, None]  # fmt: skip


MASTER = [
    "Partnership Working",
    rec("Chorley", "1."),
    rec("Burnley", "R2"),
    "Customer Access",
    rec("Chorley", "3."),
    rec("Burnley", "R4"),
    "External Publicity",
    rec("Burnley", "R5"),
    rec("Chorley", "6."),
]
# under the title and the header (row 3): Partnership Working at row 4, 1. at 5, R2 at 6,
# Customer Access at 7, 3. at 8, R4 at 9, External Publicity at 10, R5 at 11, 6. at 12


def make_master(tmp_path: Path, rows: list[Any] = MASTER, *, extras: bool = True) -> Path:
    """The master, with what an officer adds in Excel: a RAG colour rule, a print area, a
    name of their own over the table, a tall row and a coloured cell below the new row."""
    path = build(
        tmp_path / "master.xlsx",
        Sheet(
            titles=["Register of Recommendations"],
            header=HEADER,
            rows=rows,
            dropdowns={"Status": ["Not started", "In progress", "Complete"]},
        ),
    )
    if extras:
        wb = load_workbook(path)
        ws = wb["Register"]
        red = PatternFill("solid", fgColor="FFC7CE")
        ws.conditional_formatting.add(
            "G4:G12", CellIsRule(operator="equal", formula=['"Red"'], fill=red)
        )
        ws.print_area = "A1:I12"
        wb.defined_names["Records"] = DefinedName("Records", attr_text="Register!$A$3:$I$12")
        ws.row_dimensions[12].height = 42
        ws["C12"].fill = PatternFill("solid", fgColor="E2EFDA")
        wb.save(path)
    return path


def make_return(tmp_path: Path, rows: list[Any], name: str = "Chorley.xlsx") -> Path:
    return build(
        tmp_path / "returns" / name,
        Sheet(titles=["Return"], header=HEADER, rows=rows),
    )


def dump(path: Path, sheet: str = "Register") -> dict[str, tuple[Any, Any, Any]]:
    """Sheet!A1 -> (value, fill, number format) of every cell of `sheet`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = load_workbook(path)[sheet]
    return {
        c.coordinate: (c.value, c.fill.fgColor.rgb, c.number_format)
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.has_style
    }


def moved(address: str, at: int, by: int = 1) -> str:
    col = address.rstrip("0123456789")
    row = int(address[len(col) :])
    return f"{col}{row + by if row >= at else row}"


def sections_of(path: Path) -> dict[str, tuple[int, Any]]:
    reg = read_register(path)
    return {
        str(reg.value(i, "ref")): (reg.rows[i], reg.value(i, "section")) for i in range(len(reg))
    }


def test_a_new_row_goes_at_the_end_of_its_own_section(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    before = dump(master)
    source = tmp_path / "before.xlsx"
    shutil.copy(master, source)
    ret = make_return(
        tmp_path,
        [
            "Partnership Working",
            rec("Chorley", "1."),
            rec("Chorley", "7.", "Not started", "6 March 2007\nA new idea."),
            "Customer Access",
            rec("Chorley", "3.", "Complete", "6 March 2007\nDone."),
            "External Publicity",
            rec("Chorley", "6."),
        ],
    )
    result = merge_files(master, [ret], today=TODAY)
    assert [a.ref for a in result.plan.added] == ["7."] and result.notes == []

    # 7. sits after R2, the last record of Partnership Working; all below moved down one
    assert sections_of(master) == {
        "1.": (5, "Partnership Working"),
        "R2": (6, "Partnership Working"),
        "7.": (7, "Partnership Working"),
        "3.": (9, "Customer Access"),
        "R4": (10, "Customer Access"),
        "R5": (12, "External Publicity"),
        "6.": (13, "External Publicity"),
    }
    after = dump(master)
    changed = {"F9", "H9"}  # 3.'s status and note, at its new row
    for address, value in before.items():
        if moved(address, 7) not in changed:
            assert after[moved(address, 7)] == value, address
    new = {a for a in after if a.endswith("7") and a[:-1].isalpha()}
    assert set(after) == {moved(a, 7) for a in before} | new | changed
    assert after["B7"][0] == "7." and after["F7"][0] == "Not started"
    assert after["F9"][0] == "Complete" and after["H9"][0].endswith("Done.")
    assert after["C7"][1:] == before["C6"][1:]  # formatted like the row above

    wb = load_workbook(master)
    ws = wb["Register"]
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A11:I11", "A4:I4", "A8:I8"]
    assert ws.row_dimensions[13].height == 42  # the tall row moved with its record
    assert after["C13"][1] == before["C12"][1]  # and the officer's colour with its cell
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["G4:G13"]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["F4:F204"]
    assert ws.print_area == "'Register'!$A$1:$I$13"
    assert wb.defined_names["Records"].attr_text == "Register!$A$3:$I$13"
    log = {(r[2], r[3]): r[7] for r in wb[LOG_SHEET].iter_rows(min_row=2, values_only=True)}
    assert log[("7.", "(new row)")] == "Register!B7"
    assert log[("3.", "status")] == "Register!F9"  # where the cell is now
    assert {str(c.cell) for c in result.plan.changes} == {"Register!F9", "Register!H9"}
    assert new_findings(source, master) == []


def test_a_section_heading_is_matched_as_headings_are_read(tmp_path: Path) -> None:
    master = make_master(tmp_path, extras=False)
    ret = make_return(
        tmp_path, ["customer\u00a0 ACCESS", rec("Chorley", "3."), rec("Chorley", "8.")]
    )
    merge_files(master, [ret], today=TODAY)
    assert sections_of(master)["8."] == (10, "Customer Access")
    assert sections_of(master)["R5"] == (12, "External Publicity")


def test_without_its_section_a_row_joins_its_partners_rows_when_they_are_together(
    tmp_path: Path,
) -> None:
    rows = [
        "Partnership Working",
        rec("Chorley", "1."),
        rec("Chorley", "2."),
        rec("Burnley", "R1"),
        "Customer Access",
        rec("Burnley", "R4"),
    ]
    master = make_master(tmp_path, rows, extras=False)
    ret = make_return(tmp_path, ["Waste", rec("Chorley", "1."), rec("Chorley", "9.")])
    merge_files(master, [ret], today=TODAY)
    assert sections_of(master) == {
        "1.": (5, "Partnership Working"),
        "2.": (6, "Partnership Working"),
        "9.": (7, "Partnership Working"),
        "R1": (8, "Partnership Working"),
        "R4": (10, "Customer Access"),
    }


def test_a_partners_rows_spread_about_the_register_take_a_new_row_at_the_end(
    tmp_path: Path,
) -> None:
    master = make_master(tmp_path, extras=False)
    ret = make_return(tmp_path, [rec("Chorley", "1."), rec("Chorley", "9.")])
    merge_files(master, [ret], today=TODAY)
    assert sections_of(master)["9."] == (13, "External Publicity")
    assert sections_of(master)["6."] == (12, "External Publicity")


def test_rows_that_cannot_move_safely_keep_the_new_row_at_the_end_and_say_where_it_belongs(
    tmp_path: Path,
) -> None:
    master = make_master(tmp_path, extras=False)
    wb = load_workbook(master)
    wb["Register"]["C6"].comment = Comment("Check with the lead", "Officer")
    wb.save(master)
    before = dump(master)
    ret = make_return(tmp_path, ["Partnership Working", rec("Chorley", "1."), rec("Chorley", "7.")])
    result = run("merge", master, ret, "--today", "2007-03-20")
    assert result.exit_code == 0
    assert errors(result) == [
        "xlsync: Chorley 7. belongs in the section 'Partnership Working', below row 6 of 'Register', "
        "but was added at the end of the register (Register!B13): rows cannot be inserted "
        "there safely, as sheet 'Register' has notes anchored to its cells"
    ]
    assert sections_of(master)["7."] == (13, "External Publicity")
    after = dump(master)
    assert {a: after[a] for a in before} == before  # nothing moved
    assert load_workbook(master)["Register"]["C6"].comment.text == "Check with the lead"


def test_a_register_over_several_sheets_takes_a_new_row_on_its_partners_sheet(
    tmp_path: Path,
) -> None:
    chorley = [rec("Chorley", "1."), rec("Chorley", "2.")]
    burnley = [rec("Burnley", "R1"), rec("Burnley", "R2"), rec("Burnley", "R3")]
    master = build(
        tmp_path / "master.xlsx",
        Sheet(name="Chorley", titles=["Register"], header=HEADER, rows=chorley),
        Sheet(name="Burnley", titles=["Register"], header=HEADER, rows=burnley),
    )
    before = {name: dump(master, name) for name in ("Chorley", "Burnley")}
    ret = make_return(tmp_path, [rec("Burnley", "R1"), rec("Burnley", "R9")], "Burnley.xlsx")
    merge_files(master, [ret], today=TODAY)
    reg = read_register(master)
    where = {str(reg.value(i, "ref")): (reg.sheet_of(i), reg.rows[i]) for i in range(len(reg))}
    assert where["R9"] == ("Burnley", 7)
    assert dump(master, "Chorley") == before["Chorley"]
    after = dump(master, "Burnley")
    assert {a: after[a] for a in before["Burnley"]} == before["Burnley"]
    assert after["B7"][0] == "R9"


def test_a_register_over_several_sheets_takes_a_new_row_in_its_sections_sheet(
    tmp_path: Path,
) -> None:
    access = ["Customer Access", rec("Chorley", "1."), rec("Burnley", "R1")]
    publicity = ["External Publicity", rec("Burnley", "R2"), rec("Chorley", "2."), "Closed"]
    master = build(
        tmp_path / "master.xlsx",
        Sheet(name="Access", titles=["Register"], header=HEADER, rows=access),
        Sheet(name="Publicity", titles=["Register"], header=HEADER, rows=publicity),
    )
    ret = make_return(tmp_path, ["External Publicity", rec("Chorley", "2."), rec("Chorley", "5.")])
    merge_files(master, [ret], today=TODAY)
    reg = read_register(master)
    where = {
        str(reg.value(i, "ref")): (reg.sheet_of(i), reg.rows[i], reg.value(i, "section"))
        for i in range(len(reg))
    }
    assert where["5."] == ("Publicity", 7, "External Publicity")
    ws = load_workbook(master)["Publicity"]
    assert ws["A8"].value == "Closed" and "A8:I8" in [str(r) for r in ws.merged_cells.ranges]


def test_many_rows_that_cannot_move_are_named_three_and_counted_after(tmp_path: Path) -> None:
    master = make_master(tmp_path, extras=False)
    wb = load_workbook(master)
    wb["Register"]["C6"].comment = Comment("Check with the lead", "Officer")
    wb.save(master)
    news = [rec("Chorley", f"{n}.") for n in range(7, 13)]
    ret = make_return(tmp_path, ["Partnership Working", rec("Chorley", "1."), *news])
    result = run("merge", master, ret, "--today", "2007-03-20")
    assert result.exit_code == 0
    lines = errors(result)
    assert [line.split(" belongs")[0] for line in lines[:3]] == [
        "xlsync: Chorley 7.",
        "xlsync: Chorley 8.",
        "xlsync: Chorley 9.",
    ]
    assert lines[3:] == [
        "xlsync: 3 more new rows that belong inside the register were added at its end "
        "(Register!B16 to Register!B18), as rows cannot be inserted there safely"
    ]
    assert [sections_of(master)[f"{n}."][0] for n in range(7, 13)] == list(range(13, 19))


def _as_excel_lists_names(path: Path) -> None:
    """docProps/app.xml as Excel writes it: the titles of the parts, names among them."""
    import zipfile

    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><Application>Microsoft Excel</Application><TitlesOfParts>'
        '<vt:vector size="3" baseType="lpstr"><vt:lpstr>Register</vt:lpstr>'
        "<vt:lpstr>Register!Print_Area</vt:lpstr><vt:lpstr>Records</vt:lpstr></vt:vector>"
        "</TitlesOfParts></Properties>"
    )
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["docProps/app.xml"] = app.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_a_print_area_excel_lists_among_its_titles_does_not_keep_a_row_out(
    tmp_path: Path,
) -> None:
    # Excel lists each sheet's print area and titles by name in docProps/app.xml: a name,
    # not a reference to the cells, so the new row still goes into its section
    master = make_master(tmp_path)
    _as_excel_lists_names(master)
    source = Path(shutil.copy(master, tmp_path / "before.xlsx"))
    ret = make_return(tmp_path, ["Partnership Working", rec("Chorley", "1."), rec("Chorley", "7.")])
    result = merge_files(master, [ret], today=TODAY)
    assert result.notes == []
    assert sections_of(master)["7."] == (7, "Partnership Working")
    assert load_workbook(master)["Register"].print_area == "'Register'!$A$1:$I$13"
    assert new_findings(source, master) == []


def test_cells_logged_by_an_earlier_merge_are_named_where_they_are_after_rows_go_in(
    tmp_path: Path,
) -> None:
    master = make_master(tmp_path)
    first = [
        "Partnership Working",
        rec("Chorley", "1."),
        "Customer Access",
        rec("Chorley", "3."),
        "External Publicity",
        rec("Chorley", "6.", "Complete", "6 March 2007\nDone."),
    ]
    merge_files(master, [make_return(tmp_path, first)], today=TODAY)
    second = [*first[:2], rec("Chorley", "7.", "Not started", "6 March 2007\nNew."), *first[2:]]
    merge_files(master, [make_return(tmp_path, second)], today=TODAY)

    wb = load_workbook(master)
    logged = [r for r in wb[LOG_SHEET].iter_rows(min_row=2, values_only=True) if r[2] == "6."]
    assert [(r[3], r[5], r[7]) for r in logged] == [
        ("status", "Complete", "Register!F13"),  # was F12: the new row 7 went in above it
        ("progress", "6 March 2007\nDone.", "Register!H13"),
    ]
    ws = wb["Register"]
    for *_, field, _, new, _, cell in logged:
        assert ws[cell.split("!")[1]].value == new, field
