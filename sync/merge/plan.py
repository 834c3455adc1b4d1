"""Plan a merge: master records + return records (+ base) -> a MergePlan. Pure: no IO."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sync.cells import CellRef
from sync.findings import Finding
from sync.keys import map_distinct, normalise_partner, normalise_ref
from sync.kinds import Kind
from sync.merge.matching import Match, match_rows
from sync.merge.three_way import NOTHING, RecordDecision, comparable, decide_record, same
from sync.tables import Record, Table, Values


@dataclass(frozen=True, slots=True)
class ReturnInput:
    """A return to merge: its table, whose it is, the base it was issued with, its findings."""

    table: Table
    partner: str
    base: Mapping[str, Values] | None = None
    findings: Sequence[Finding] = ()
    bad_rows: frozenset[int] = frozenset()  # sheet rows with errors


@dataclass(frozen=True, slots=True)
class CellChange:
    partner: str
    ref: str
    field: str
    old: Any
    new: Any
    cell: CellRef
    source: str


@dataclass(frozen=True, slots=True)
class AddedRow:
    partner: str
    ref: str
    values: Values
    source: str


@dataclass(frozen=True, slots=True)
class Conflict:
    partner: str
    ref: str
    field: str
    base: Any
    master: Any
    theirs: Any
    cell: CellRef
    source: str
    kept: str  # "master" or "return"


@dataclass(frozen=True, slots=True)
class RejectedEdit:
    partner: str
    ref: str
    field: str
    master: Any
    theirs: Any
    source: str


@dataclass(frozen=True, slots=True)
class Cleared:
    """A cell the partner cleared in the return: a blank never erases the master's value."""

    partner: str
    ref: str
    field: str
    kept: Any  # the master's value, kept
    cell: CellRef  # the master's cell
    source: str  # the return's cell


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A return's row not merged (--accept-valid-rows) for the errors found in it."""

    partner: str
    ref: str
    source: str
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    partner: str
    ref: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A progress note that joined a record's history."""

    when: date | None
    partner: str
    ref: str
    text: str
    source: str


@dataclass(slots=True)
class ReturnOutcome:
    path: str
    partner: str
    status: str  # merged | partial | unchanged | rejected
    updated: int = 0
    added: int = 0
    conflicts: int = 0
    rejected_edits: int = 0
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""


@dataclass(slots=True)
class MergePlan:
    """Everything a merge would do, and everything it noticed."""

    master: str
    returns: list[ReturnOutcome] = field(default_factory=list)
    changes: list[CellChange] = field(default_factory=list)
    added: list[AddedRow] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejected_edits: list[RejectedEdit] = field(default_factory=list)
    cleared: list[Cleared] = field(default_factory=list)
    rejected_rows: list[RejectedRow] = field(default_factory=list)  # --accept-valid-rows
    history: list[HistoryEntry] = field(default_factory=list)
    agreed: dict[str, dict[str, Values]] = field(default_factory=dict)  # partner -> key -> values


def plan_merge(
    kind: Kind,
    master: Table,
    returns: Sequence[ReturnInput],
    *,
    keyed_by_partner: bool,
    prefer: str = "master",
    accept_valid_rows: bool = False,
    state: Mapping[str, Mapping[str, Values]] | None = None,
    history_field: str | None = None,
    date_field: str | None = None,
    kept_notes: Iterable[tuple[Any, Any, Any]] = (),
) -> MergePlan:
    """The merge plan for `returns` into `master`. Later returns see earlier ones' changes
    and rows, so merging returns together or one command each comes to the same master.

    Only fields both tables have are compared; the key and partner columns never change.
    `state` holds, per partner, the values last agreed: the base of a record that a return
    does not carry its own base for. `kept_notes` are the (partner, ref, note) of the
    master's progress history so far.
    """
    plan = MergePlan(master=master.path)
    merge = _Merge(kind, master, plan, keyed_by_partner, prefer, state or {})
    merge.history_field = history_field
    merge.date_field = date_field
    merge.notes_kept = {
        (normalise_partner(partner), normalise_ref(ref), comparable(text))
        for partner, ref, text in kept_notes
    }
    for ret in returns:
        outcome = ReturnOutcome(
            ret.table.path, ret.partner, "unchanged", findings=list(ret.findings)
        )
        plan.returns.append(outcome)
        has_errors = any(f.severity == "error" for f in ret.findings)
        if has_errors and not accept_valid_rows:
            outcome.status = "rejected"
            outcome.reason = "the return has validation errors"
            continue
        rows = [r for r in ret.table.records if r.row not in ret.bad_rows and r.label]
        merge.one_return(ret, outcome, rows)
        if has_errors:
            outcome.status = "partial"
            skipped = sum(1 for r in ret.table.records if r.row in ret.bad_rows)
            outcome.reason = f"{skipped} row(s) with errors were not merged"
    merge.finish()
    return plan


class _Merge:
    """The master as the merge goes (values changed, rows added) and the plan it fills.

    Values are never changed in place: a record's values are replaced by a new dict when a
    return changes them, so the master's, the returns' and the bases' dicts can be shared
    as agreed views (most records of a big merge change nothing: a copy each would be a third
    of a 300,000-row merge's memory).
    """

    def __init__(
        self,
        kind: Kind,
        master: Table,
        plan: MergePlan,
        keyed: bool,
        prefer: str,
        state: Mapping[str, Mapping[str, Values]],
    ) -> None:
        self.kind, self.master, self.plan, self.keyed = kind, master, plan, keyed
        self.prefer, self.state = prefer, state
        self.history_field: str | None = None
        # (partner, ref, note) of every note in the history, kept or planned
        self.notes_kept: set[tuple[str, str, Any]] = set()
        self.date_field: str | None = None
        self.records = {r.key: r for r in master.records}  # and rows added, as they are
        self.now: dict[str, Values] = {}  # the values of records changed so far
        self.new: dict[str, tuple[str, str]] = {}  # rows added: key -> (partner, source)
        # beside plan.changes: the return that made each, and the record's key
        self.changed_by: list[tuple[ReturnOutcome, str]] = []
        self.again: set[str] = set()  # records changed by more than one return
        fixed = {kind.partner_field, "section", *kind.identity}  # a changed key is another record
        owned = {f.name: f.partner_edits for f in kind.fields}
        self.fields = {n: owned[n] for n in master.columns if n not in fixed}
        owners = (
            map_distinct(normalise_partner, [rec.partner for rec in master.records])
            if keyed
            else [""] * len(master.records)
        )
        self.by_partner: dict[str, list[Record]] = {}
        for rec, who in zip(master.records, owners, strict=True):
            self.by_partner.setdefault(who, []).append(rec)

    def values(self, key: str) -> Values:
        held = self.now.get(key)
        return self.records[key].values if held is None else held

    def one_return(self, ret: ReturnInput, outcome: ReturnOutcome, rows: list[Record]) -> None:
        partner = normalise_partner(ret.partner)
        # what the partner agrees to in this return is kept only if the return changes
        # something: merged on its own, a return that changes nothing writes nothing, sync
        # state included, and merged with others it must come to the same
        earlier = self.plan.agreed.setdefault(partner, {})
        agreed: dict[str, Values] = {}
        notes = len(self.plan.history)
        prior = self.state.get(partner, {})
        issued = ret.base
        matches = match_rows(self.kind, rows, ret.partner, self.records, issued, keyed=self.keyed)
        for match in matches:
            if match.refused:
                self.refuse(ret, outcome, match)
                continue
            if match.key not in self.records:
                self.add_row(ret, outcome, match, agreed)
                continue
            base = None if issued is None else issued.get(match.key)
            if base is None:  # not issued in this return: what the partner agreed last
                base = agreed.get(match.key) or earlier.get(match.key) or prior.get(match.key)
            now = self.values(match.key)
            decision = decide_record(
                now, match.record.values, base, fields=self.fields, prefer=self.prefer
            )
            if decision is not NOTHING or match.retyped:
                self.record(ret, outcome, match, now, decision)
            view = now if base is None else base  # before this return's changes
            agreed[match.key] = {**view, **decision.agreed} if decision.agreed else view
        if outcome.updated or outcome.added or self.new_notes(notes):
            earlier.update(agreed)
        seen = {m.key for m in matches if not m.refused}
        mine = self.by_partner.get(partner if self.keyed else "", [])
        # rows issued in this return and gone from it; a return without a base (a partner's own
        # copy, or an old one) cannot say what it was sent: every row of theirs not in it
        self.plan.missing += [
            Missing(ret.partner, r.label)
            for r in mine
            if r.key not in seen and (issued is None or r.key in issued)
        ]

    def new_notes(self, since: int) -> bool:
        """Whether the history entries planned since `since` hold a note not kept yet."""
        found = False
        for entry in self.plan.history[since:]:
            mark = (
                normalise_partner(entry.partner),
                normalise_ref(entry.ref),
                comparable(entry.text),
            )
            if mark not in self.notes_kept:
                self.notes_kept.add(mark)
                found = True
        return found

    def refuse(self, ret: ReturnInput, outcome: ReturnOutcome, match: Match) -> None:
        """A row naming another partner's record: a return only changes its own partner's
        records, so none of it is merged; its partner cell is reported as a rejected edit."""
        rec, (name,) = match.record, match.retyped
        self.plan.rejected_edits.append(
            RejectedEdit(
                ret.partner,
                rec.label,
                name,
                ret.partner,
                rec.values.get(name),
                ret.table.source(rec, name),
            )
        )
        outcome.rejected_edits += 1

    def add_row(
        self, ret: ReturnInput, outcome: ReturnOutcome, match: Match, agreed: dict[str, Values]
    ) -> None:
        rec = match.record
        values = {k: v for k, v in rec.values.items() if comparable(v) is not None}
        if self.kind.partner_field:
            values[self.kind.partner_field] = ret.partner
        source = ret.table.source(rec, self.kind.record_field)
        row = self.master.last_row + 1 + len(self.new)
        self.records[match.key] = Record(match.key, ret.partner, rec.label, values, row)
        self.new[match.key] = (ret.partner, source)
        outcome.added += 1
        agreed[match.key] = dict(values)
        if self.history_field and values.get(self.history_field):
            self.plan.history.append(self.note(ret, rec, values, rec.label))

    def record(
        self,
        ret: ReturnInput,
        outcome: ReturnOutcome,
        match: Match,
        now: Values,
        decision: RecordDecision,
    ) -> None:
        """What the decision on one record means for the plan: changes, reports, history."""
        plan, target, rec = self.plan, self.records[match.key], match.record
        source = functools.partial(ret.table.source, rec)
        for name in match.retyped:
            plan.rejected_edits.append(
                RejectedEdit(
                    ret.partner,
                    target.label,
                    name,
                    now.get(name),
                    rec.values.get(name),
                    source(name),
                )
            )
        outcome.rejected_edits += len(match.retyped)
        if decision.take:
            for name, value in decision.take.items():
                plan.changes.append(
                    CellChange(
                        ret.partner,
                        target.label,
                        name,
                        now.get(name),
                        value,
                        self.cell(target, name),
                        source(name),
                    )
                )
                self.changed_by.append((outcome, match.key))
            if match.key in self.now:
                self.again.add(match.key)
            self.now[match.key] = {**now, **decision.take}
            outcome.updated += len(decision.take)
        for c in decision.conflicts:
            plan.conflicts.append(
                Conflict(
                    ret.partner,
                    target.label,
                    c.field,
                    c.base,
                    c.master,
                    c.theirs,
                    self.cell(target, c.field),
                    source(c.field),
                    kept=self.prefer,
                )
            )
        outcome.conflicts += len(decision.conflicts)
        for c in decision.rejected:
            plan.rejected_edits.append(
                RejectedEdit(
                    ret.partner, target.label, c.field, c.master, c.theirs, source(c.field)
                )
            )
        outcome.rejected_edits += len(decision.rejected)
        for c in decision.cleared:
            plan.cleared.append(
                Cleared(
                    ret.partner,
                    target.label,
                    c.field,
                    c.master,
                    self.cell(target, c.field),
                    source(c.field),
                )
            )
        note = self.history_field
        if note and (note in decision.take or any(c.field == note for c in decision.conflicts)):
            # a partner's note joins the history, in a conflict too: nothing is lost
            self.join_history(ret, rec, target)

    def join_history(self, ret: ReturnInput, rec: Record, target: Record) -> None:
        """The return's note joins the record's history, after the note the master showed
        until now (when it had one)."""
        assert self.history_field is not None
        note = self.history_field
        before = target.values.get(note)
        if comparable(before) is not None:
            when = target.values.get(self.date_field) if self.date_field else None
            self.plan.history.append(
                HistoryEntry(
                    when if isinstance(when, date) else None,
                    target.partner or ret.partner,
                    target.label,
                    str(before),
                    self.master.source(target, note),
                )
            )
        self.plan.history.append(self.note(ret, rec, rec.values, target.label))

    def cell(self, target: Record, name: str) -> CellRef:
        at = self.master.cell(target, name)
        assert at is not None  # the fields compared are the master's columns
        return at

    def note(self, ret: ReturnInput, rec: Record, values: Values, ref: str) -> HistoryEntry:
        """The history entry of a return's note, under the ref as the master writes it."""
        assert self.history_field is not None
        when = values.get(self.date_field) if self.date_field else None
        return HistoryEntry(
            when=when if isinstance(when, date) else None,
            partner=ret.partner,
            ref=ref,
            text=str(values.get(self.history_field) or ""),
            source=ret.table.source(rec, self.history_field),
        )

    def finish(self) -> None:
        """Rows added with their final values; changes that came back to where the cell
        started dropped (two returns of one partner taken in turn with --prefer return), so
        a merge that changes nothing writes nothing; each return's status."""
        plan = self.plan
        plan.added = [
            AddedRow(partner, self.records[key].label, self.values(key), source)
            for key, (partner, source) in self.new.items()
        ]
        kept: list[CellChange] = []
        for change, (outcome, key) in zip(plan.changes, self.changed_by, strict=True):
            if (
                key in self.again
                and key not in self.new
                and same(
                    self.records[key].values.get(change.field), self.values(key).get(change.field)
                )
            ):
                outcome.updated -= 1
                continue
            kept.append(change)
        plan.changes = kept
        for outcome in plan.returns:
            if outcome.status == "unchanged" and (outcome.updated or outcome.added):
                outcome.status = "merged"
