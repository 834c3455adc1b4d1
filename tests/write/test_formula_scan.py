"""Whether a sheet holds a formula is answered alike by the quick look around each "f" and
by plain substring tests, on generated sheet text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.write.formulas import FORMULA_TAGS, _holds_formula_by_f, holds_formula

PIECES = st.sampled_from(
    [b"<", b":", b"f", b">", b" ", b"/", b"x", b"<c r=\"F7\">", b"<v>12</v>", b"</c>", b"<f>",
     b"<formula>", b"xm:f", b"<f t=\"shared\"", b"of ", b"<is><t>for</t></is>"]
)  # fmt: skip


def _plain(xml: bytes) -> bool:
    return any(tag in xml for tag in FORMULA_TAGS)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map(b"".join))
def test_looking_around_each_f_finds_what_the_substring_tests_find(xml: bytes) -> None:
    assert _holds_formula_by_f(xml) == _plain(xml)
    assert holds_formula(xml) == _plain(xml)


def test_a_large_sheet_with_few_fs_and_one_with_many_are_read_alike() -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 5000)
    )
    few = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    assert not holds_formula(few)
    assert holds_formula(few.replace(b"<v>4000</v>", b"<f>A1</f><v>4000</v>"))
    many = few.replace(b"<v>", b"<is><t>of fifty files for Fylde</t></is><v>")
    assert not holds_formula(many)
    assert holds_formula(many.replace(b"</sheetData>", b"</sheetData><x:f>A1</x:f>"))
