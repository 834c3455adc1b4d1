"""Fidelity of xlsync's patch writer against a plain openpyxl load-and-save, over real Excel files.

Usage: python benchmarks/fidelity.py [CORPUS] [--no-libreoffice] [--verbose]

For every workbook in CORPUS (default ../shared/corpus beside the repository) and in
workbooks/**/*.xlsx, one cell of each worksheet is changed (its first value cell that is not
a formula, else A1) and the file is written twice: by patch_workbook and by openpyxl. Each
result is compared with the original:

- parts: of the package parts xlsync did not need to change, how many are byte-identical;
- collateral: cells other than the changed ones whose value (calamine) or value and style
  (openpyxl) differ, plus, for xlsync, any difference in the changed sheet's XML outside
  the changed cells;
- LibreOffice: whether `soffice --headless --convert-to ods` loads the result (and the original).

Files that are not OOXML packages (.xls, .ods) or are encrypted are listed as out of scope.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync.cells import CellRef, a1  # noqa: E402
from sync.errors import XlsyncError  # noqa: E402
from sync.write.book import Workbook  # noqa: E402
from sync.write.package import Package  # noqa: E402
from sync.write.patch import Edits, patch_workbook  # noqa: E402
from sync.write.sheetscan import SheetScan as SheetDoc  # noqa: E402

EDIT_TEXT = "xlsync edit"


@dataclass
class Outcome:
    written: bool = False
    error: str = ""
    kept_same: int = 0  # parts xlsync left alone that are byte-identical in the result
    kept_total: int = 0
    changed: list[str] = field(default_factory=list)
    collateral: list[str] = field(default_factory=list)
    xml_only_cells: bool | None = None  # the changed sheets differ only in the changed cells
    openpyxl_same: bool | None = None
    libreoffice: bool | None = None
    seconds: float = 0.0


@dataclass
class FileReport:
    path: Path
    scope: str = ""  # why it is out of scope, or ""
    libreoffice: bool | None = None  # whether LibreOffice opens the file as given
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    xlsync: Outcome = field(default_factory=Outcome)
    openpyxl: Outcome = field(default_factory=Outcome)


def out_of_scope(path: Path) -> str:
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if path.suffix.lower() == ".xls":
            return "legacy .xls (BIFF), not an OOXML package"
        return "encrypted (password-protected) workbook"
    if not head.startswith(b"PK"):
        return "not a zip package"
    with zipfile.ZipFile(path) as zf:
        names = {n.lower() for n in zf.namelist()}
    if "mimetype" in names and "[content_types].xml" not in names:
        return "OpenDocument (.ods), not OOXML"
    if "[content_types].xml" not in names:
        return "zip without [Content_Types].xml"
    with zipfile.ZipFile(path) as zf:
        try:
            bad = zf.testzip()
        except Exception as exc:
            bad = str(exc)
    if bad:
        return f"corrupt package (bad CRC in {bad}); xlsync refuses it with UnreadableFile"
    return ""


def pick_cells(path: Path) -> dict[str, tuple[int, int]]:
    """Per worksheet: its first cell holding a value that is not a formula, else A1."""
    pkg = Package.read(path.read_bytes(), path)
    book = Workbook.load(pkg)
    out: dict[str, tuple[int, int]] = {}
    for entry in book.sheets:
        if entry.kind != "worksheet" or not entry.part or not pkg.has(entry.part):
            continue
        doc = SheetDoc.load(pkg.text(entry.part))
        choice = (1, 1)
        areas = [a for a, _ in doc.formula_areas()]
        for row in doc.rows():
            found = next(
                (
                    c
                    for c in doc.cells(row)
                    if doc.has_value(c)
                    and doc.formula(c) is None
                    and not any((row.r, c.col) in a for a in areas)
                ),
                None,
            )
            if found is not None:
                choice = (row.r, found.col)
                break
        if any((choice[0], choice[1]) in a for a in areas):
            continue
        out[entry.name] = choice
    return out


def parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def calamine_values(path: Path) -> dict[str, dict[tuple[int, int], object]] | None:
    import python_calamine as calamine

    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
        out = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            out[name] = {
                (r + 1, c + 1): v
                for r, row in enumerate(rows)
                for c, v in enumerate(row)
                if v not in ("", None)
            }
        return out
    except Exception:
        return None


def openpyxl_dump(path: Path) -> dict[str, dict[tuple[int, int], tuple[object, ...]]] | None:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        out = {}
        resolved: dict[tuple[int, ...], str] = {}
        for ws in wb.worksheets:
            cells = {}
            # only the cells the file holds (iter_rows would fill a huge dimension with blanks)
            for c in list(ws._cells.values()):
                if c.value is None and not c.has_style:
                    continue
                if True:
                    key = tuple(c._style)
                    if key not in resolved:
                        # the style as openpyxl resolves it: compared by content, not by index
                        text = "|".join(
                            repr(x)
                            for x in (
                                c.number_format,
                                c.font,
                                c.fill,
                                c.border,
                                c.alignment,
                                c.protection,
                            )
                        )
                        resolved[key] = hashlib.sha1(text.encode()).hexdigest()[:12]
                    value = c.value
                    if hasattr(value, "ref") and hasattr(value, "text"):  # ArrayFormula
                        value = ("array", value.ref, value.text)
                    elif value is not None and type(value).__name__ == "DataTableFormula":
                        value = ("table", repr(dict(value)))
                    cells[(c.row, c.column)] = (value, c.data_type, resolved[key])
            out[ws.title] = cells
        return out
    except Exception:
        return None


def diff_dumps(before, after, changed: dict[str, tuple[int, int]], label: str) -> list[str]:
    if before is None or after is None:
        return [] if before is None else [f"{label}: result unreadable"]
    out = []
    for sheet, cells in before.items():
        new = after.get(sheet)
        if new is None:
            out.append(f"{label}: sheet {sheet} missing")
            continue
        skip = changed.get(sheet)
        for key in set(cells) | set(new):
            if key == skip:
                continue
            if cells.get(key) != new.get(key):
                out.append(f"{label}: {sheet}!{a1(*key)} {cells.get(key)!r} -> {new.get(key)!r}")
    return out


_DIM = re.compile(r"(<(?:\w+:)?dimension\b[^>]*\bref=\")[^\"]*")
_SPANS = re.compile(r"\sspans=\"[^\"]*\"")


def xml_collateral(src: Path, out: Path, changed: dict[str, tuple[int, int]]) -> list[str]:
    """Differences in the changed sheets' XML outside the changed cells (dimension and row spans
    masked, as a new cell may widen them)."""
    found = []
    a_pkg = Package.read(src.read_bytes(), src)
    b_pkg = Package.read(out.read_bytes(), out)
    a_book, b_book = Workbook.load(a_pkg), Workbook.load(b_pkg)
    for sheet, cell in changed.items():
        a_entry, b_entry = a_book.find(sheet), b_book.find(sheet)
        if a_entry is None or b_entry is None or not a_entry.part or not b_entry.part:
            found.append(f"xml: sheet {sheet} missing")
            continue
        a_doc, b_doc = (
            SheetDoc.load(a_pkg.text(a_entry.part)),
            SheetDoc.load(b_pkg.text(b_entry.part)),
        )

        def outside(doc: SheetDoc) -> str:
            sd = doc.sheet_data
            text = doc.text[: sd.start] + doc.text[sd.end :]
            text = re.sub(r"<(?:\w+:)?legacyDrawing\b[^>]*/>", "", text)
            return _DIM.sub(r"\1", text)

        if outside(a_doc) != outside(b_doc):
            found.append(f"xml: {sheet} differs outside sheetData")

        def cells(doc: SheetDoc) -> dict[tuple[int, int], str]:
            got = {}
            for row in doc.rows():
                got[(row.r, 0)] = _SPANS.sub("", row.raw)
                for c in doc.cells(row):
                    got[(row.r, c.col)] = doc.text[c.start : c.end]
            return got

        a_cells, b_cells = cells(a_doc), cells(b_doc)
        for key in set(a_cells) | set(b_cells):
            if key == cell or (key == (cell[0], 0) and key not in a_cells):
                continue
            if a_cells.get(key) != b_cells.get(key):
                found.append(f"xml: {sheet} row {key[0]} col {key[1]} changed")
    return found


def convert(soffice: str, source: Path, outdir: Path, profile: Path, fmt: str = "ods") -> bool:
    """Whether LibreOffice loads `source` and saves it as `fmt` within two minutes.

    ODS rather than CSV or XLSX: this LibreOffice hangs exporting a few Excel files with notes
    to those two (their originals too), which would measure LibreOffice, not the file. A hung
    run is killed with its whole process group (the soffice script starts soffice.bin).
    """
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(source),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        proc.wait()
        return False
    return (outdir / f"{source.stem}.{fmt}").exists()


def libreoffice_check(files: list[Path], soffice: str, work: Path) -> dict[Path, bool]:
    """Which files LibreOffice loads: one file a call, two at a time (each lane with its own
    profile), so a file that hangs it counts against that file only."""
    from concurrent.futures import ThreadPoolExecutor

    def one(job: tuple[int, Path]) -> tuple[Path, bool]:
        n, f = job
        outdir = work / f"lo-{n}"
        outdir.mkdir()
        profile = work / f"lo-profile-{n % 2}"
        # a first start on a busy machine can fail while it sets up the profile: try twice
        return f, convert(soffice, f, outdir, profile) or convert(soffice, f, outdir, profile)

    jobs = list(enumerate(files))
    with ThreadPoolExecutor(2) as pool:
        lanes = [
            pool.submit(lambda lane: [one(j) for j in jobs if j[0] % 2 == lane], k) for k in (0, 1)
        ]
        return dict(item for lane in lanes for item in lane.result())


def run_openpyxl(src: Path, out: Path, cells: dict[str, tuple[int, int]]) -> Outcome:
    import openpyxl

    outcome = Outcome()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
            for sheet, (r, c) in cells.items():
                if sheet in wb.sheetnames:
                    wb[sheet].cell(r, c).value = EDIT_TEXT
            wb.save(out)
        outcome.written = True
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:120]
    outcome.seconds = time.perf_counter() - start
    return outcome


def run_xlsync(
    src: Path, out: Path, cells: dict[str, tuple[int, int]]
) -> tuple[Outcome, list[str]]:
    outcome = Outcome()
    edits = Edits(cells={CellRef(s, r, c): EDIT_TEXT for s, (r, c) in cells.items()})
    start = time.perf_counter()
    try:
        result = patch_workbook(src, out, edits, backup=False)
        outcome.written = True
        changed = list(result.parts_changed)
    except XlsyncError as exc:
        outcome.error = exc.line()[:160]
        changed = []
    except Exception as exc:  # a bug: report it rather than stop the run
        outcome.error = f"BUG {type(exc).__name__}: {exc}"[:160]
        changed = []
    outcome.seconds = time.perf_counter() - start
    return outcome, changed


def compare_parts(src: Path, out: Path, outcome: Outcome, needed: set[str]) -> None:
    before = parts(src)
    after = dict(parts(out))
    outcome.changed = [n for n, data in before if after.get(n) != data]
    for name, data in before:
        if name in needed:
            continue
        outcome.kept_total += 1
        outcome.kept_same += after.get(name) == data


def evaluate(path: Path, work: Path, verbose: bool) -> FileReport:
    report = FileReport(path)
    report.scope = out_of_scope(path)
    if report.scope:
        return report
    try:
        report.cells = pick_cells(path)
    except XlsyncError as exc:
        report.xlsync.error = exc.line()
    except Exception as exc:
        report.xlsync.error = f"BUG picking cells: {type(exc).__name__}: {exc}"
    tag = f"{path.parent.name}-{path.stem}"
    ours, theirs = work / f"{tag}.x{path.suffix}", work / f"{tag}.o{path.suffix}"
    if not report.xlsync.error:
        report.xlsync, needed = run_xlsync(path, ours, report.cells)
    else:
        needed = []
    report.openpyxl = run_openpyxl(path, theirs, report.cells)
    cal_before, pyx_before = calamine_values(path), openpyxl_dump(path)
    for outcome, result in ((report.xlsync, ours), (report.openpyxl, theirs)):
        if not outcome.written:
            continue
        compare_parts(path, result, outcome, set(needed))
        outcome.collateral = diff_dumps(
            cal_before, calamine_values(result), report.cells, "calamine"
        )
        pyx = diff_dumps(pyx_before, openpyxl_dump(result), report.cells, "openpyxl")
        outcome.openpyxl_same = None if pyx_before is None else not pyx
        outcome.collateral += pyx
    if report.xlsync.written:
        xml = xml_collateral(path, ours, report.cells)
        report.xlsync.xml_only_cells = not xml
        report.xlsync.collateral += xml
    if verbose:
        for name, o in (("xlsync", report.xlsync), ("openpyxl", report.openpyxl)):
            for line in o.collateral[:5]:
                print(f"    {path.name} [{name}] {line}"[:200])
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--no-libreoffice", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    files = sorted(
        p for p in corpus.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods")
    )
    files += sorted((ROOT / "workbooks").rglob("*.xlsx"))
    soffice = (
        None if args.no_libreoffice else shutil.which("soffice") or shutil.which("libreoffice")
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        reports = []
        for p in files:
            began = time.perf_counter()
            reports.append(evaluate(p, work, args.verbose))
            if args.verbose:
                print(f"  {p.name}: {time.perf_counter() - began:.1f} s", flush=True)
        if soffice:
            results = [
                work / f"{r.path.parent.name}-{r.path.stem}.{k}{r.path.suffix}"
                for r in reports
                if not r.scope
                for k in "xo"
            ]
            originals = [r.path for r in reports if not r.scope]
            opened = libreoffice_check(
                [p for p in results if p.exists()] + originals, soffice, work
            )
            for r in reports:
                if r.scope:
                    continue
                r.libreoffice = opened.get(r.path)
                for k, o in (("x", r.xlsync), ("o", r.openpyxl)):
                    if o.written:
                        o.libreoffice = opened.get(
                            work / f"{r.path.parent.name}-{r.path.stem}.{k}{r.path.suffix}"
                        )
    print_report(reports, bool(soffice))
    return 0


def _mark(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def print_report(reports: list[FileReport], libreoffice: bool) -> None:
    in_scope = [r for r in reports if not r.scope]
    print(
        f"{'file':44} | {'xlsync: parts same':>18} {'collat':>6} {'LO':>3} | "
        f"{'openpyxl: parts same':>20} {'collat':>6} {'LO':>3}"
    )
    for r in in_scope:
        x, o = r.xlsync, r.openpyxl
        xs = f"{x.kept_same}/{x.kept_total}" if x.written else "FAILED"
        os_ = f"{o.kept_same}/{o.kept_total}" if o.written else "FAILED"
        name = f"{r.path.parent.name[:10]}/{r.path.name}"[:44]
        print(
            f"{name:44} | {xs:>18} {len(x.collateral):>6} {_mark(x.libreoffice):>3} | "
            f"{os_:>20} {len(o.collateral):>6} {_mark(o.libreoffice):>3}"
        )
        if x.error:
            print(f"{'':44}   xlsync: {x.error}")
        if o.error:
            print(f"{'':44}   openpyxl: {o.error}")
    print()
    print("Out of scope:")
    for r in reports:
        if r.scope:
            print(f"  {r.path.parent.name}/{r.path.name}: {r.scope}")
    print()

    def totals(pick) -> list[str]:
        outs = [pick(r) for r in in_scope]
        n = len(outs)
        written = sum(o.written for o in outs)
        same = sum(o.kept_same for o in outs)
        total = sum(o.kept_total for o in outs)
        collat = sum(1 for o in outs if o.written and o.collateral)
        # only files LibreOffice opens as given can tell whether the writer broke them
        lo = [
            o.libreoffice
            for r, o in zip(in_scope, outs, strict=True)
            if o.written and o.libreoffice is not None and r.libreoffice
        ]
        seconds = sum(o.seconds for o in outs)
        return [
            f"{written}/{n} ({100 * written / max(n, 1):.1f}%)",
            f"{same}/{total} ({100 * same / max(total, 1):.1f}%)",
            f"{collat}",
            f"{sum(lo)}/{len(lo)} ({100 * sum(lo) / max(len(lo), 1):.1f}%)" if lo else "not run",
            f"{seconds:.1f} s",
        ]

    rows = [
        "written",
        "untouched parts identical",
        "files with collateral cell differences",
        "LibreOffice opens (of those it opens as given)",
        "time writing",
    ]
    xs, os_ = totals(lambda r: r.xlsync), totals(lambda r: r.openpyxl)
    print(f"Totals over {len(in_scope)} OOXML files ({len(reports) - len(in_scope)} out of scope)")
    if libreoffice:
        unopened = [r.path.name for r in in_scope if r.libreoffice is False]
        print(f"LibreOffice cannot open {len(unopened)} of the originals: {', '.join(unopened)}")
    print(f"{'':40} {'xlsync patch':>24} {'openpyxl load+save':>24}")
    for label, a, b in zip(rows, xs, os_, strict=True):
        print(f"{label:40} {a:>24} {b:>24}")

    def share(hits: int, total: int) -> str:
        return f"{hits}/{total} ({100 * hits / max(total, 1):.1f}%)"

    only = [r for r in in_scope if r.xlsync.xml_only_cells is not None]
    xml_only = share(sum(bool(r.xlsync.xml_only_cells) for r in only), len(only))
    print(f"{'changed sheets differ only in the cells':40} {xml_only:>24} {'(not measured)':>24}")
    rere = [r.xlsync.openpyxl_same for r in in_scope if r.xlsync.openpyxl_same is not None]
    rere_o = [r.openpyxl.openpyxl_same for r in in_scope if r.openpyxl.openpyxl_same is not None]
    a, b = share(sum(map(bool, rere)), len(rere)), share(sum(map(bool, rere_o)), len(rere_o))
    print(f"{'openpyxl re-reads other cells identically':40} {a:>24} {b:>24}")
    changed = [len(r.xlsync.changed) for r in in_scope if r.xlsync.written]
    changed_o = [len(r.openpyxl.changed) for r in in_scope if r.openpyxl.written]
    a = f"{sum(changed) / max(len(changed), 1):.1f}"
    b = f"{sum(changed_o) / max(len(changed_o), 1):.1f}"
    print(f"{'parts changed per file (mean)':40} {a:>24} {b:>24}")


if __name__ == "__main__":
    raise SystemExit(main())
