"""Open a workbook file of any supported format into plain value grids, sniffing by content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import msoffcrypto
import olefile
import python_calamine as calamine

from sync import limits
from sync.errors import HostileFile, NoTableFound, PasswordRequired, UnreadableFile, XlsyncError
from sync.read import extents, guards
from sync.read.csvfile import read_csv
from sync.read.extents import Extent, check_extent
from sync.read.guards import Package
from sync.read.sniff import Layout, package_layout, sniff

# Excel encrypts an .xls whose structure is protected with this published password, so that
# it opens without asking; try it before asking the officer for one.
DEFAULT_PASSWORD = "VelvetSweatshop"
_HEAD_BYTES = 64 * 1024
# Excel allows 31 characters and LibreOffice more; no program writes a name longer than this,
# which would pass into messages and xlsync's own log cells.
MAX_SHEET_NAME = 255
_PASSWORD_HINT = "is password-protected; give the password with --password"


@dataclass(frozen=True, slots=True)
class SheetGrid:
    """The values of one sheet: rows[0][0] is the cell at (first_row, first_col), 1-based."""

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_row, min_col, max_row, max_col)
    visible: bool = True

    def value(self, row: int, col: int) -> Any:
        r, c = row - self.first_row, col - self.first_col
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1


@dataclass(slots=True)
class Book:
    """An opened workbook: its format, its sheets in order, and a way to read each one."""

    path: Path
    format: str  # xlsx, xlsm, xls, ods, csv
    sheet_names: list[str]  # worksheets only: chart and dialog sheets are left out
    hidden: frozenset[str] = frozenset()  # hidden and very hidden worksheets
    _grids: dict[str, SheetGrid] = field(default_factory=dict)
    _source: Any = None  # the calamine workbook, if any
    encrypted: bool = False  # it was password-protected and has been decrypted in memory
    _loader: Callable[[str], SheetGrid] | None = None

    def sheet(self, name: str) -> SheetGrid:
        """The grid of sheet `name`, read on first use and kept.

        Raises UnreadableFile (naming the sheet) if it cannot be read, HostileFile if reading
        it would exhaust memory, and KeyError for a name not in `sheet_names`.
        """
        if name not in self._grids:
            if name not in self.sheet_names or self._loader is None:
                raise KeyError(name)
            self._grids[name] = self._loader(name)
        return self._grids[name]

    def require_sheet(self, name: str) -> None:
        """Refuse a sheet asked for by name (`--sheet`) that the workbook does not have."""
        if name not in self.sheet_names:
            raise NoTableFound(
                f"has no sheet called {name!r}; its sheets are {', '.join(self.sheet_names)}",
                self.path,
            )

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None
            self._loader = None

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_book(
    path: str | Path,
    password: str | None = None,
) -> Book:
    """Open `path` for reading values; raise UnreadableFile with a one-line reason if we cannot.

    Macros in .xlsm and .xls files are never run: only cell values are read.
    """
    path = check_file(path)
    with open(path, "rb") as f:
        head = f.read(_HEAD_BYTES)
    container = sniff(path, head)
    if container == "text":
        return _open_csv(path)
    size = path.stat().st_size
    if size > limits.MAX_PACKAGE_BYTES:
        raise UnreadableFile(
            f"is {limits.human_size(size)}; xlsync reads workbooks up to "
            f"{limits.human_size(limits.MAX_PACKAGE_BYTES)}",
            path,
        )
    # One snapshot serves every check and calamine too, so a file re-saved while it is being
    # read cannot pass the checks in one version and be read in another.
    data = path.read_bytes()
    if container == "zip":
        return _open_package(path, data, encrypted=False)
    return _open_ole(path, data, password)


def check_file(path: str | Path) -> Path:
    """`path`, if it names a file; UnreadableFile with the usual line if it does not."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile("file not found", path)
    if path.is_dir():
        raise UnreadableFile("is a folder, not a workbook", path)
    return path


# --- CSV ----------------------------------------------------------------------------------


def _open_csv(path: Path) -> Book:
    table = read_csv(path)
    grid = SheetGrid(path.stem, table.rows, table.first_row, table.first_col)
    return Book(path=path, format="csv", sheet_names=[path.stem], _grids={path.stem: grid})


# --- Zip packages: xlsx, xlsm, ods --------------------------------------------------------


def _open_package(path: Path, data: bytes, *, encrypted: bool) -> Book:
    pkg = Package(data, path)
    pkg.check_prologs()
    layout = package_layout(pkg)
    _check_read_at_open(pkg, layout)
    try:
        workbook = _calamine(path, data)
    except PasswordRequired:
        raise
    except UnreadableFile:
        # calamine says only that it cannot tell the format; name the damaged part it read.
        _explain_open_failure(pkg, layout)
        raise
    names, hidden = _worksheets(workbook, path)
    checked: set[str] = set()

    def load(name: str) -> SheetGrid:
        if layout.format != "ods":
            for part_name in _parts_for(pkg, layout, name):
                if part_name not in checked:
                    extent = extents.xlsx_sheet_extent(pkg, pkg.parts[part_name])
                    check_extent(extent, f"sheet '{name}'", path, sheet=name)
                    checked.add(part_name)
        return _read_sheet(
            workbook,
            path,
            name,
            name not in hidden,
            lambda exc: _why_unreadable(pkg, layout, name, exc),
        )

    return Book(path, layout.format, names, hidden, {}, workbook, encrypted, load)


def _why_unreadable(
    pkg: Package, layout: Layout, name: str, exc: BaseException
) -> tuple[str, str] | None:
    """What is wrong with a package's sheet that calamine could not read, and the cell it is
    in (or ""); None when we cannot tell better than calamine's own words."""
    if name in layout.unresolved:
        return layout.unresolved[name], ""
    kind = type(exc).__name__
    if kind == "WorksheetNotFound":
        return "its part is missing from the workbook or lies outside it", ""
    if kind != "XmlError":
        return None
    part = pkg.parts.get(layout.sheet_parts.get(name, ""))
    # calamine names only the element it was in; a parse says whether the XML stops early
    # or is malformed, and where (~30 MB a second, so not for the largest parts).
    fault = None
    if part is not None and part.size <= limits.MAX_DIAGNOSED_BYTES:
        fault = guards.xml_fault(pkg, part)
    if "cannot decode input using UTF-8" in str(exc):
        cell = fault.cell if fault is not None else ""
        where = f" in cell {cell}" if cell else ""
        return f"its XML holds bytes that are not UTF-8{where}, the encoding workbooks use", cell
    if fault is not None:
        return fault.reason, fault.cell
    return f"its XML is cut short or malformed (in <{_short(exc)}>)", ""


def _explain_open_failure(pkg: Package, layout: Layout) -> None:
    """Raise UnreadableFile naming a part calamine reads on opening that is not well formed."""
    for name in layout.read_at_open:
        part = pkg.find(name)
        if part is not None and part.size <= limits.MAX_DIAGNOSED_BYTES:
            fault = guards.xml_fault(pkg, part)
            if fault is not None:
                raise UnreadableFile(f"part '{part.name}' is damaged: {fault.reason}", pkg.path)


def _check_read_at_open(pkg: Package, layout: Layout) -> None:
    """Verify the parts calamine reads whole on opening, before it does."""
    for name in layout.read_at_open:
        part = pkg.find(name)
        if part is None:
            continue
        if layout.format == "ods" and name == "content.xml":
            # calamine expands every table of an .ods when it opens the file.
            tables = extents.ods_extents(pkg.chunks(part))
            for number, extent in enumerate(tables, 1):
                check_extent(extent, f"sheet {number}", pkg.path)
            extents.check_book_cells(tables, pkg.path)
        elif part.name.lower().replace("\\", "/").endswith("sharedstrings.xml"):
            extents.check_string_table(pkg, part)
        else:
            pkg.verify(part)


def _parts_for(pkg: Package, layout: Layout, name: str) -> tuple[str, ...]:
    if name in layout.sheet_parts:
        return (layout.sheet_parts[name],)
    # The sheet's part could not be traced: check every part that could be it.
    if layout.worksheet_parts:
        return layout.worksheet_parts
    opened = {p.lower() for p in layout.read_at_open}
    return tuple(n for n in pkg.parts if n.lower().endswith(".xml") and n.lower() not in opened)


# --- OLE2: legacy .xls and encrypted packages ---------------------------------------------


def _open_ole(path: Path, data: bytes, password: str | None) -> Book:
    guards.check_cfb_header(data[:512], len(data), path)
    streams = _ole_streams(path, data)
    if "encryptioninfo" in streams and "encryptedpackage" in streams:
        _check_encryption_info(path, data)
        package = _decrypt(path, data, password)
        return _open_package(path, package, encrypted=True)
    if "workbook" in streams or "book" in streams:
        encrypted = extents.biff_encrypted(_workbook_stream(path, data))
        if encrypted:
            data = _decrypt(path, data, password)
        _check_biff(path, data)
        workbook = _calamine(path, data)
        names, hidden = _worksheets(workbook, path)

        def load(name: str) -> SheetGrid:
            return _read_sheet(workbook, path, name, name not in hidden)

        return Book(path, "xls", names, hidden, {}, workbook, encrypted, load)
    if "worddocument" in streams:
        raise UnreadableFile("is a Word 97-2003 document, not a workbook", path)
    if "powerpoint document" in streams:
        raise UnreadableFile("is a PowerPoint 97-2003 presentation, not a workbook", path)
    raise UnreadableFile("is an OLE2 compound file but not an Excel workbook", path)


def _ole_streams(path: Path, data: bytes) -> set[str]:
    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir()}
    except Exception as exc:  # olefile raises OSError and friends for damaged files
        raise UnreadableFile(f"is a damaged legacy Excel file ({_short(exc)})", path) from None


def _workbook_stream(path: Path, data: bytes) -> bytes:
    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream: bytes = ole.openstream(name).read()
            return stream
    except Exception as exc:
        raise UnreadableFile(f"is a damaged legacy Excel file ({_short(exc)})", path) from None


def _check_biff(path: Path, data: bytes) -> None:
    # calamine reads every sheet of an .xls when it opens it, so the cap covers the whole book.
    sheets = extents.biff_extents(_workbook_stream(path, data), path)
    for number, extent in enumerate(sheets[1:], 1):
        check_extent(extent, f"sheet {number}", path)
    extents.check_book_cells(sheets, path)


def _check_encryption_info(path: Path, data: bytes) -> None:
    """msoffcrypto parses this XML with minidom: refuse entities and absurd key stretching."""
    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            info = ole.openstream("EncryptionInfo").read(limits.MAX_PROLOG_BYTES + 1)
    except Exception as exc:
        raise UnreadableFile(f"has a damaged encryption header ({_short(exc)})", path) from None
    if len(info) > limits.MAX_PROLOG_BYTES or b"<!DOCTYPE" in info or b"<!ENTITY" in info:
        raise HostileFile("has an encryption header built to exhaust memory", path)
    spin = guards.root_attribute(info, b"spinCount")
    if spin is not None and spin.isdigit() and int(spin) > limits.MAX_SPIN_COUNT:
        raise HostileFile(
            f"asks for {int(spin):,} rounds of password hashing "
            f"(Excel uses 100,000; xlsync allows {limits.MAX_SPIN_COUNT:,})",
            path,
        )


def _decrypt(path: Path, data: bytes, password: str | None) -> bytes:
    """Decrypt into memory with the officer's password, else the default Excel uses."""
    tries = [password] if password is not None else []
    tries.append(DEFAULT_PASSWORD)
    for attempt in tries:
        try:
            office = msoffcrypto.OfficeFile(BytesIO(data))
            if getattr(office, "format", "") == "ooxml":
                office.load_key(password=attempt, verify_password=True)
            else:
                office.load_key(password=attempt)
            out = BytesIO()
            office.decrypt(out)
        except msoffcrypto.exceptions.InvalidKeyError:
            continue
        except Exception as exc:  # msoffcrypto raises its own errors and plain ones alike
            raise UnreadableFile(f"could not be decrypted ({_short(exc)})", path) from None
        return out.getvalue()
    if password is None:
        raise PasswordRequired(_PASSWORD_HINT, path)
    raise PasswordRequired("is password-protected and the password given does not open it", path)


# --- calamine -----------------------------------------------------------------------------


def _calamine(path: Path, data: bytes) -> Any:
    """Load with calamine from memory: it then picks its reader by content, not extension."""
    try:
        return calamine.CalamineWorkbook.from_filelike(BytesIO(data))
    except calamine.PasswordError:
        raise PasswordRequired(_PASSWORD_HINT, path) from None
    except BaseException as exc:  # calamine raises unrelated types, and panics as BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise UnreadableFile(f"is not a readable workbook ({_short(exc)})", path) from None


def _worksheets(workbook: Any, path: Path) -> tuple[list[str], frozenset[str]]:
    sheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    names = [m.name for m in sheets]
    for name in names:
        if len(name) > MAX_SHEET_NAME:
            raise UnreadableFile(
                f"is damaged: it has a sheet name {len(name):,} characters long "
                f"('{name[:16]}\u2026'; Excel allows 31)",
                path,
            )
    hidden = frozenset(m.name for m in sheets if m.visible != calamine.SheetVisibleEnum.Visible)
    return names, hidden


def _read_sheet(
    workbook: Any,
    path: Path,
    name: str,
    visible: bool,
    why: Callable[[BaseException], tuple[str, str] | None] | None = None,
) -> SheetGrid:
    try:
        sheet = workbook.get_sheet_by_name(name)
        check_extent(Extent(sheet.height, sheet.width), f"sheet '{name}'", path)
        rows = sheet.to_python(skip_empty_area=True)
        start = sheet.start or (0, 0)
        merged = tuple(
            (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        )
    except XlsyncError:
        raise
    except BaseException as exc:  # see _calamine
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        known = why(exc) if why is not None else None
        if known is not None:
            reason, cell = known
            raise UnreadableFile(
                f"sheet '{name}' cannot be read: {reason}", path, f"{name}!{cell}" if cell else None
            ) from None
        raise UnreadableFile(f"sheet '{name}' cannot be read ({_short(exc)})", path) from None
    return SheetGrid(
        name=name,
        rows=rows,
        first_row=start[0] + 1,
        first_col=start[1] + 1,
        merged=merged,
        visible=visible,
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
