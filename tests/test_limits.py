"""One set of zip limits serves every reader of a package: the reader and the writer refuse a
bomb with the same line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import sync
from sync.errors import HostileFile
from sync.read.open import open_book

sys.path.insert(0, str(Path(__file__).resolve().parent / "read"))
import hostile as h  # noqa: E402


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda p: h.zip_bomb(p, inflated_mib=1500), "would inflate to 1.5 GB (limit 512 MB)"),
        (
            lambda p: h.zip_bomb(p, inflated_mib=40, declared=40 * 2**20),
            "would inflate 999 times, to 40 MB",  # honest parts inflate under 100 times
        ),
    ],
)
def test_reader_and_writer_refuse_a_bomb_alike(tmp_path: Path, build: object, says: str) -> None:
    bomb = build(tmp_path / "bomb.xlsx")  # type: ignore[operator]
    with pytest.raises(HostileFile) as read:
        open_book(bomb)
    with pytest.raises(HostileFile) as written:
        sync.patch(bomb, tmp_path / "out.xlsx", {"Tracker!A1": "x"})
    assert read.value.line() == written.value.line()
    assert says in read.value.line()
    assert not (tmp_path / "out.xlsx").exists()
