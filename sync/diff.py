"""A keyed, cell-level diff of two versions of a workbook: values only, never formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.merge.three_way import same
from sync.model import jsonable
from sync.read.open import open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.tables import to_table


@dataclass(frozen=True, slots=True)
class FieldChange:
    key: str
    partner: str
    ref: str
    field: str
    old: Any
    new: Any
    old_cell: str
    new_cell: str


@dataclass(frozen=True, slots=True)
class RowChange:
    partner: str
    ref: str
    cell: str  # where the record's ref is, in the version that has it


@dataclass(slots=True)
class Diff:
    old: str
    new: str
    schema: str
    added: list[RowChange] = field(default_factory=list)
    removed: list[RowChange] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def exit_code(self) -> int:
        """1 when the two versions differ, 0 when they hold the same values."""
        return 1 if self.differs else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "schema": self.schema,
            "added": [{"partner": r.partner, "ref": r.ref, "cell": r.cell} for r in self.added],
            "removed": [{"partner": r.partner, "ref": r.ref, "cell": r.cell} for r in self.removed],
            "changed": [
                {
                    "partner": c.partner,
                    "ref": c.ref,
                    "field": c.field,
                    "old": jsonable(c.old),
                    "new": jsonable(c.new),
                    "old_cell": c.old_cell,
                    "new_cell": c.new_cell,
                }
                for c in self.changed
            ],
        }


def diff_workbooks(old: str | Path, new: str | Path, schema: str | Path | None = None) -> Diff:
    """What changed between two versions: records added, removed, and fields changed."""
    book = open_book(old)
    old_reg = read_register(old, schema=recognise_kind(book, schema), book=book)
    new_reg = read_register(new, schema=schema or old_reg.kind)
    who = old_reg.kind.partner_field
    keyed = who in old_reg.columns or who in new_reg.columns
    before, after = to_table(old_reg, keyed), to_table(new_reg, keyed)
    result = Diff(str(old), str(new), old_reg.kind.name)
    old_by_key = {r.key: r for r in before.records}
    new_by_key = {r.key: r for r in after.records}
    key_field = old_reg.kind.record_field
    for rec in after.records:
        if rec.key not in old_by_key:
            result.added.append(
                RowChange(rec.partner, rec.label, str(after.cell(rec, key_field) or ""))
            )
    for rec in before.records:
        if rec.key not in new_by_key:
            result.removed.append(
                RowChange(rec.partner, rec.label, str(before.cell(rec, key_field) or ""))
            )
    identity = old_reg.kind.identity
    shared = [
        n
        for n in old_reg.kind.names
        if n in before.columns and n in after.columns and n not in identity
    ]
    for rec in before.records:
        other = new_by_key.get(rec.key)
        if other is None:
            continue
        for name in shared:
            a, b = rec.values.get(name), other.values.get(name)
            if not same(a, b):
                result.changed.append(
                    FieldChange(
                        rec.key,
                        rec.partner,
                        rec.label,
                        name,
                        a,
                        b,
                        str(before.cell(rec, name) or ""),
                        str(after.cell(other, name) or ""),
                    )
                )
    return result
