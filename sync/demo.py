"""The demo: the whole cycle on the sample workbooks, narrated, leaving every file to open."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sync.read.table import read_register

ISSUED = date(2007, 3, 1)
DEADLINE = date(2007, 3, 9)
COMMITTEE = date(2007, 3, 20)  # the panel meets; every date is judged as on this day

Say = Callable[[str], None]


def samples_dir() -> Path:
    """The sample workbooks shipped with xlsync."""
    try:
        # an installed wheel's samples folder is a namespace package, whose files() is a
        # MultiplexedPath: ask it for the file itself, which is a real path on disk
        master = resources.files("sync.samples") / "master.xlsx"
        if isinstance(master, Path) and master.is_file():
            return master.parent
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "workbooks"


def _edit_return(path: Path, edits: Callable[[Any, Any], None]) -> None:
    """Open a return as a partner would in Excel, change it, save it."""
    register = read_register(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    edits(wb[register.sheet], register)
    wb.save(path)


def _cell(register: Any, index: int, field: str) -> str:
    return str(register.cell(index, field).address)


def run_demo(folder: str | Path, say: Say) -> dict[str, Any]:
    """Copy the samples into `folder` and run issue, edits, validate, merge, status, report."""
    from sync.issue import issue_returns
    from sync.merge.run import merge_files
    from sync.report.committee import build_report
    from sync.status import master_status
    from sync.workbooks import validate_workbooks
    from sync.write.patch import patch

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    src = samples_dir()
    for name in (
        "master.xlsx",
        "one_stop_shop.xlsx",
        "city_county_activity.xlsx",
        "indicators.xlsx",
        "risks.xlsx",
    ):
        if (src / name).exists():
            shutil.copy2(src / name, folder / name)
    master = folder / "master.xlsx"
    say(f"1. Copied the sample county master register and trackers into {folder}.")

    returns = folder / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    issued = issue_returns(master, returns, deadline=DEADLINE, today=ISSUED)
    districts = [i for i in issued if i.partner != "Lancashire County"]
    for extra in [i for i in issued if i not in districts]:
        extra.path.unlink()  # the county keeps the master itself
    say(
        f"2. Issued a return to each of {len(districts)} districts in {returns} (due {DEADLINE:%d %B %Y}), "
        "with their rows, locked coordinator columns and drop-downs."
    )

    by_partner = {i.partner: i.path for i in districts}
    story: list[str] = []

    def chorley(ws: Any, reg: Any) -> None:
        i = 0
        ws[_cell(reg, i, "status")] = "Complete"
        if "rag" in reg.columns:
            ws[_cell(reg, i, "rag")] = "Green"
        note = reg.value(i, "progress") or ""
        ws[_cell(reg, i, "progress")] = (
            note + "\n" if note else ""
        ) + "8 March 2007\nDone: reported to the panel."
        ws[_cell(reg, i, "updated")] = date(2007, 3, 8)
        new_row = reg.last_row + 1
        ws.cell(new_row, reg.columns["partner"], "Chorley")
        ws.cell(new_row, reg.columns["ref"], "28.")
        ws.cell(
            new_row,
            reg.columns["recommendation"],
            "To publicise the text phone service once installed.",
        )
        ws.cell(new_row, reg.columns["status"], "Not started")
        story.append(
            f"Chorley completed {reg.value(i, 'ref')} and proposed a new recommendation 28."
        )

    def burnley(ws: Any, reg: Any) -> None:
        i = 0
        ws[_cell(reg, i, "status")] = "Done"  # a synonym: read as Complete, with a warning
        ws[_cell(reg, i, "progress")] = (
            reg.value(i, "progress") or ""
        ) + "\n7 March 2007\nSigned off."
        ws[_cell(reg, i, "updated")] = date(2007, 3, 7)
        story.append(f"Burnley marked {reg.value(i, 'ref')} 'Done'.")

    def hyndburn(ws: Any, reg: Any) -> None:
        ws[_cell(reg, 0, "status")] = "Maybe"
        story.append(f"Hyndburn typed status 'Maybe' for {reg.value(0, 'ref')}.")

    def south_ribble(ws: Any, reg: Any) -> None:
        i = len(reg) - 1
        ws[_cell(reg, i, "progress")] = (
            reg.value(i, "progress") or ""
        ) + "\n5 March 2007\nOn track for June."
        ws[_cell(reg, i, "updated")] = date(2007, 3, 5)
        story.append(f"South Ribble added a progress note to {reg.value(i, 'ref')}.")

    for partner, edit in (
        ("Chorley", chorley),
        ("Burnley", burnley),
        ("Hyndburn", hyndburn),
        ("South Ribble", south_ribble),
    ):
        if partner in by_partner:
            _edit_return(by_partner[partner], edit)
    if "Rossendale" in by_partner:
        by_partner["Rossendale"].unlink()
        story.append("Rossendale has not sent its return back.")
    story.append("West Lancashire sent its return back unchanged.")
    say("3. Partners edited their returns in Excel: " + " ".join(story))

    # the coordinator amends the master after issue: Burnley's first item, so its edit conflicts
    reg = read_register(master)
    burnley_rows = [i for i, r in enumerate(reg.records()) if r.get("partner") == "Burnley"]
    if burnley_rows:
        i = burnley_rows[0]
        patch(master, master, {str(reg.cell(i, "status")): "Paused"})
        say(
            f"4. Meanwhile the coordinator paused Burnley's {reg.value(i, 'ref')} in the master "
            f"({reg.cell(i, 'status')}), so Burnley's change to it will conflict."
        )

    marked = folder / "marked-up"
    report = validate_workbooks([returns], today=COMMITTEE, annotate_dir=marked)
    bad = [Path(f.path).name for f in report.files if f.errors]
    say(
        f"5. Validated {len(report.files)} returns: {sum(f.errors for f in report.files)} error(s), "
        f"{sum(f.warnings for f in report.files)} warning(s); marked-up copies of each are in {marked}"
        + (f" ({', '.join(bad)} must be corrected)." if bad else ".")
    )

    result = merge_files(master, [returns], today=COMMITTEE)
    plan = result.plan
    say(
        f"6. Merged the returns into {master.name}: {len(plan.changes)} cell(s) updated, {len(plan.added)} row(s) "
        f"added, {len(plan.conflicts)} conflict(s) (master kept), {len(plan.rejected_edits)} rejected edit(s), "
        f"{sum(r.status == 'rejected' for r in plan.returns)} return(s) rejected; every change is in its "
        f"'Sync log' sheet and the previous master was kept as a backup."
    )

    status = master_status(
        master, returns, today=COMMITTEE, deadline=DEADLINE, exclude=("Lancashire County",)
    )
    say(
        f"7. Status at {COMMITTEE:%d %B %Y}: not returned: {', '.join(status.missing) or 'nobody'}; "
        f"overdue items: {sum(len(p.overdue) for p in status.partners)}."
    )

    xlsx = build_report(master, folder / "report.xlsx", today=COMMITTEE)
    html = build_report(master, folder / "report.html", today=COMMITTEE)
    say(
        f"8. Wrote the committee report as {xlsx.name} and {html.name}. Open any file in {folder} to look."
    )
    return {"folder": str(folder), "merge": plan, "status": status, "validation": report}
