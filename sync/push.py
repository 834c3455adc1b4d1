"""Push coordinator-owned changes from the master into a partner's own tracker, in their layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.errors import XlsyncError
from sync.keys import key_of, normalise_partner
from sync.kinds import Kind
from sync.merge.apply import row_edits
from sync.merge.plan import AddedRow, CellChange, MergePlan, ReturnOutcome
from sync.merge.three_way import comparable, same
from sync.merge.wide import refuse_unplaceable
from sync.partners import partner_of
from sync.read.open import check_file, open_book
from sync.read.table import read_register
from sync.recognise import recognise_kind
from sync.report.data import merge_to_dict
from sync.tables import Table, to_table
from sync.write.atomic import check_not_open, fingerprint, lock
from sync.write.patch import patch_workbook


def plan_push(kind: Kind, master: Table, tracker: Table, partner: str, keyed: bool) -> MergePlan:
    """Changes that bring `tracker` up to date with the master's coordinator-owned fields.

    The partner's own fields (status, progress, their extra columns) are never touched; a
    recommendation the tracker lacks is added at its end. Pure: no IO.
    """
    plan = MergePlan(master=tracker.path)
    outcome = ReturnOutcome(path=tracker.path, partner=partner, status="unchanged")
    plan.returns.append(outcome)
    # a partner's own tracker has no partner column: records match on the rest of the key
    theirs = {key_of(kind, r.values, keyed=False): r for r in tracker.records if r.label}
    identity = (*kind.identity, kind.partner_field)
    owned = [
        f.name
        for f in kind.fields
        if not f.partner_edits and f.name not in identity and f.name != "section"
    ]
    for rec in master.records:
        if keyed and normalise_partner(rec.partner) != normalise_partner(partner):
            continue
        target = theirs.get(key_of(kind, rec.values, keyed=False))
        if target is None:
            values = {
                k: v
                for k, v in rec.values.items()
                if k in tracker.columns
                and (k in owned or k in identity)
                and comparable(v) is not None
            }
            plan.added.append(
                AddedRow(partner, rec.label, values, master.source(rec, kind.record_field))
            )
            outcome.added += 1
            continue
        for name in owned:
            if name not in tracker.columns or name not in master.columns:
                continue
            new = rec.values.get(name)
            if comparable(new) is None or same(new, target.values.get(name)):
                continue
            cell = tracker.cell(target, name)
            assert cell is not None
            plan.changes.append(
                CellChange(
                    partner,
                    target.label,
                    name,
                    target.values.get(name),
                    new,
                    cell,
                    master.source(rec, name),
                )
            )
            outcome.updated += 1
    if outcome.updated or outcome.added:
        outcome.status = "merged"
    return plan


@dataclass(slots=True)
class PushResult:
    """A push plan and the tracker it was written to (None for a dry run or no change)."""

    plan: MergePlan
    written: Path | None = None
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """What `xlsync push --format json` prints: the plan, as a merge's."""
        return merge_to_dict(self.plan, self.written, None, self.dry_run)

    def exit_code(self) -> int:
        """0: a tracker that cannot be pushed to stops the run with an error instead."""
        return 0


def push_to_tracker(
    master_path: str | Path,
    tracker_path: str | Path,
    partner: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    schema: str | Path | None = None,
) -> PushResult:
    """Bring a partner's own workbook up to date with the master; only planned cells change."""
    tracker_path = check_file(tracker_path)
    stamp = None if dry_run else fingerprint(tracker_path)
    book = open_book(master_path)
    master_reg = read_register(master_path, schema=recognise_kind(book, schema), book=book)
    keyed = master_reg.kind.partner_field in master_reg.columns
    master = to_table(master_reg, keyed)
    tracker_reg = read_register(tracker_path, schema=master_reg.kind)
    partners = sorted({r.partner for r in master.records if r.partner})
    try:
        who = (
            partner_of(tracker_reg, partners, partner)
            if keyed
            else (partner or Path(tracker_path).stem)
        )
    except XlsyncError:  # partner_of speaks of a return; here it is the partner's own tracker
        raise XlsyncError(
            "cannot tell whose tracker this is; name the file after the partner "
            f"({', '.join(partners[:8])}) or use --partner",
            tracker_path,
        ) from None
    if keyed and normalise_partner(who) not in {normalise_partner(p) for p in partners}:
        raise XlsyncError(
            f"the master has no partner called {who!r}; partners: {', '.join(partners)}",
            tracker_path,
        )
    tracker = to_table(tracker_reg, keyed=False, partner=who)
    plan = plan_push(master_reg.kind, master, tracker, who, keyed)
    refuse_unplaceable(plan, tracker_reg, keyed=False)  # a wide tracker lacks some periods
    result = PushResult(plan=plan, dry_run=dry_run)
    if dry_run or not (plan.changes or plan.added):
        return result
    check_not_open(tracker_path, force=force)
    with lock(tracker_path):
        edits = row_edits(plan, tracker_reg)
        patch_workbook(tracker_path, tracker_path, edits, expect_fingerprint=stamp)
    result.written = tracker_path
    return result
