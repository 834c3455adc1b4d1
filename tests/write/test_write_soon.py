"""A package written on a background thread while its last parts are made is the package
write() writes once they are made, whatever changes meanwhile; a write refused meanwhile
leaves nothing behind."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sync.errors import WriteRefused
from sync.write.package import Package
from sync.write.patch import Edits, NewSheet, patch, patch_workbook

PARTS = [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/sharedStrings.xml",
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = Workbook()
    wb.active.title = "Register"
    for n in range(1, 200):
        wb.active.append([f"{n}.", f"Recommendation {n}", "In progress", date(2007, 3, 6)])
    wb.create_sheet("Lists").append(["Complete", "In progress"])
    path = tmp_path_factory.mktemp("soon") / "book.xlsx"
    wb.save(path)
    return path


def _read(path: Path) -> Package:
    return Package.read(path.read_bytes(), path)


class _Watched(Package):
    """A package whose writing says (`waiting`) when it has written every entry it can
    before the first part it waits for: a test's changes then come after those entries."""

    def write(self, fileobj: Any, settle: Any = None) -> list[tuple[str, bytes]]:
        if settle is None:
            return super().write(fileobj)

        def watched(name: str | None) -> None:
            if name is None or name in self.later:
                self.waiting.set()
            settle(name)

        return super().write(fileobj, watched)


# what may happen to a part while the package is being written: made anew, put back as it
# was, removed, or a part added
CHANGES = st.lists(
    st.tuples(st.sampled_from(["put", "same", "remove", "add"]), st.sampled_from(PARTS)),
    max_size=4,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(later=st.sets(st.sampled_from(PARTS)), changes=CHANGES)
def test_the_package_written_soon_is_the_package_written_once_made(
    book: Path, later: set[str], changes: list[tuple[str, str]]
) -> None:
    soon = _Watched.read(book.read_bytes(), book)
    soon.later, soon.waiting = later, threading.Event()  # type: ignore[attr-defined]
    plain = _read(book)
    writing = soon.write_soon(later)
    assert soon.waiting.wait(60)  # type: ignore[attr-defined]
    for n, (what, part) in enumerate(changes):
        for pkg in (soon, plain):
            _change(pkg, what, part, n)
    assert writing.result() == _written(plain)


def _change(pkg: Package, what: str, part: str, n: int) -> None:
    if what == "add":
        pkg.put(f"xl/extra{n}.xml", f"<extra n='{n}'/>")
    elif not pkg.has(part):
        return
    elif what == "put":
        pkg.put(part, pkg.get(part) + f"<!-- {n} -->".encode())
    elif what == "same":
        pkg.put(part, bytes(pkg.get(part)))
    else:
        pkg.remove(part)


def _written(pkg: Package) -> bytes:
    import io

    buffer = io.BytesIO()
    pkg.write(buffer)
    return buffer.getvalue()


def test_a_write_refused_while_the_package_is_written_leaves_the_file_and_writes_again(
    book: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.xlsx"
    refused: Any = Edits(sheets=[NewSheet("Sync log", [["When"], [date(1899, 12, 31)]])])
    for _ in range(4):  # more than the threads writing in the background
        with pytest.raises(WriteRefused, match="1899-12-31 is before 1900"):
            patch_workbook(book, target, refused)
        assert not target.exists()
    # the writing given up for each: a write after them is not kept waiting behind them
    done = threading.Thread(target=patch, args=(book, target, {"Register!C2": "Complete"}))
    done.start()
    done.join(60)
    assert target.exists()
