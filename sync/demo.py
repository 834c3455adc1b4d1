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


def _command(*words: str) -> str:
    """A command line as an officer would type it: names with spaces quoted."""
    return "$ " + " ".join(f'"{w}"' if " " in w or not w else w for w in words)


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def run_demo(folder: str | Path, say: Say) -> dict[str, Any]:
    """Copy the samples into `folder` and run issue, edits, validate, merge, status, report,
    telling each step as the command an officer would type, what it did and what comes next."""
    from sync.issue import issue_returns
    from sync.merge.run import merge_files
    from sync.report.build import build_report
    from sync.status import master_status
    from sync.workbooks import validate_workbooks
    from sync.write.patch import patch

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    src = samples_dir()
    samples = [
        name
        for name in (
            "master.xlsx",
            "one_stop_shop.xlsx",
            "city_county_activity.xlsx",
            "indicators.xlsx",
            "risks.xlsx",
        )
        if (src / name).exists()
    ]
    for name in samples:
        shutil.copy2(src / name, folder / name)
    master = folder / "master.xlsx"
    issued_dir, returns, marked = folder / "issued", folder / "returns", folder / "marked-up"
    for old in (issued_dir, returns, marked):
        if old.exists():
            shutil.rmtree(old)
    say(
        f"xlsync demo: a quarter's cycle on the sample county register, in {folder}\n"
        f"Copied the samples there: {_names(samples)}. Each command below runs from that folder:\n"
        f"$ cd {folder}"
    )

    county = "Lancashire County"  # the coordinating council keeps the master itself
    partners = sorted(
        {str(r.get("partner")) for r in read_register(master).records() if r.get("partner")}
        - {county}
    )
    date_text = f"{DEADLINE:%d/%m/%Y}"
    issued = issue_returns(master, issued_dir, partners, deadline=DEADLINE, today=ISSUED)
    say(
        "\n1. The coordinator issues a return to each district.\n"
        + _command(
            "xlsync",
            "issue",
            "master.xlsx",
            "--out",
            "issued",
            "--deadline",
            date_text,
            *[w for p in partners for w in ("--partner", p)],
        )
        + f"\n   Wrote {len(issued)} returns in issued/ ({_names([i.path.name for i in issued])}), due "
        f"{DEADLINE:%d %B %Y}: each holds the district's own rows, with the coordinator's columns "
        f"locked and drop-downs for the rest. {county} keeps the master, so it gets none."
    )

    by_partner = {i.partner: i.path for i in issued}
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
            f"Chorley completed {reg.value(i, 'ref')} and proposed a new recommendation, 28."
        )

    def burnley(ws: Any, reg: Any) -> None:
        i = 0
        ws[_cell(reg, i, "status")] = "Done"  # a synonym: read as Complete, with a warning
        ws[_cell(reg, i, "progress")] = (
            reg.value(i, "progress") or ""
        ) + "\n7 March 2007\nSigned off."
        ws[_cell(reg, i, "updated")] = date(2007, 3, 7)
        story.append(f"Burnley marked {reg.value(i, 'ref')} 'Done' and added a note.")

    def hyndburn(ws: Any, reg: Any) -> None:
        ws[_cell(reg, 0, "status")] = "Maybe"
        story.append(f"Hyndburn typed the status 'Maybe' for {reg.value(0, 'ref')}.")

    def south_ribble(ws: Any, reg: Any) -> None:
        i = len(reg) - 1
        ws[_cell(reg, i, "progress")] = (
            reg.value(i, "progress") or ""
        ) + "\n5 March 2007\nOn track for June."
        ws[_cell(reg, i, "updated")] = date(2007, 3, 5)
        story.append(f"South Ribble added a progress note to {reg.value(i, 'ref')}.")

    def unchanged(ws: Any, reg: Any) -> None:
        story.append("West Lancashire sent its return back unchanged.")

    returns.mkdir(parents=True)
    for partner, edit in (
        ("Chorley", chorley),
        ("Burnley", burnley),
        ("Hyndburn", hyndburn),
        ("South Ribble", south_ribble),
        ("West Lancashire", unchanged),
    ):
        if partner in by_partner:
            back = returns / by_partner[partner].name
            shutil.copy2(by_partner[partner], back)
            _edit_return(back, edit)
    missing = sorted(set(by_partner) - {p.stem for p in returns.glob("*.xlsx")})
    story += [f"{p} has not sent its return back." for p in missing]
    back_names = sorted(p.name for p in returns.glob("*.xlsx"))
    say(
        "\n2. The districts fill their returns in Excel and send them back; the demo makes their "
        "edits:\n"
        + "\n".join(f"   - {line}" for line in story)
        + f"\n   returns/ now holds the {len(back_names)} returns sent back: {_names(back_names)}."
    )

    # the coordinator amends the master after issue: Burnley's first item, so its edit conflicts
    reg = read_register(master)
    burnley_rows = [i for i, r in enumerate(reg.records()) if r.get("partner") == "Burnley"]
    if burnley_rows:
        i = burnley_rows[0]
        patch(master, master, {str(reg.cell(i, "status")): "Paused"})
        say(
            f"\n3. Meanwhile the coordinator pauses Burnley's {reg.value(i, 'ref')} in the master "
            f"(master.xlsx, {reg.cell(i, 'status')}), so Burnley's change to it will conflict."
        )

    committee = f"{COMMITTEE:%d/%m/%Y}"
    report = validate_workbooks([returns], today=COMMITTEE, annotate_dir=marked)
    lines = [
        "\n4. Check the returns before merging them.",
        _command("xlsync", "validate", "returns", "--annotate", "marked-up", "--today", committee),
    ]
    for f in report.files:
        name = Path(f.path).name
        if f.error:
            lines.append(f"   {name}: cannot be read: {f.error}")
        elif f.findings:
            lines.append(
                f"   {name}: {f.errors} error(s), {f.warnings} warning(s): "
                + "; ".join(f"{x.sheet}!{x.cell} {x.message}" for x in f.findings)
            )
        else:
            lines.append(f"   {name}: no findings")
    bad = [Path(f.path).name for f in report.files if f.errors]
    lines.append(
        "   marked-up/ holds a copy of each return with every finding marked on its cell."
        + (f" {_names(bad)} will not be merged until corrected." if bad else "")
    )
    say("\n".join(lines))

    result = merge_files(master, [returns], today=COMMITTEE)
    plan = result.plan
    rejected = [r for r in plan.returns if r.status == "rejected"]
    merged = [r for r in plan.returns if r.status in ("merged", "partial")]
    changed = sorted({f"{c.partner} {c.ref}" for c in plan.changes})
    lines = [
        "\n5. Merge the returns into the master.",
        _command("xlsync", "merge", "master.xlsx", "returns", "--today", committee),
        f"   Merged {len(merged)} return(s) ({_names([Path(r.path).name for r in merged])}): "
        f"{len(plan.changes)} cell(s) updated in {_names(changed)}; "
        f"{len(plan.added)} row(s) added ({_names([f'{a.partner} {a.ref}' for a in plan.added])}).",
    ]
    for c in plan.conflicts:
        lines.append(
            f"   Conflict: {c.partner} {c.ref} {c.field} is {c.master!r} in the master and "
            f"{c.theirs!r} in the return; the master keeps {c.master!r}."
        )
    for e in plan.rejected_edits:
        lines.append(
            f"   Rejected edit: {e.partner} {e.ref} {e.field} belongs to the coordinator; the master "
            f"keeps its value."
        )
    for r in rejected:
        lines.append(f"   Rejected: {Path(r.path).name} ({r.reason}); nothing of it was merged.")
    backup = result.backup.relative_to(folder) if result.backup else None
    lines.append(
        "   Every change is listed in master.xlsx's 'Sync log' sheet and every note in its "
        "'Progress history' sheet"
        + (f"; the master as it was before is kept as {backup}." if backup else ".")
    )
    nexts = [
        f"ask {r.partner} to correct its return (marked-up/{Path(r.path).name} shows where), "
        "then merge the corrected return the same way"
        for r in rejected
    ] + [
        f"settle {c.partner} {c.ref} {c.field} with {c.partner}: type the agreed value in the "
        "master, or merge again with --prefer return to take theirs"
        for c in plan.conflicts
    ]
    if nexts:
        lines.append("   Next: " + "; ".join(nexts) + ".")
    say("\n".join(lines))

    status = master_status(master, returns, today=COMMITTEE, deadline=DEADLINE, exclude=(county,))
    overdue = [f"{p.partner} {ref}" for p in status.partners for ref in p.overdue]
    say(
        "\n6. Who has returned, and what is overdue.\n"
        + _command(
            "xlsync",
            "status",
            "master.xlsx",
            "--returns",
            "returns",
            "--today",
            committee,
            "--deadline",
            date_text,
            "--exclude",
            county,
        )
        + f"\n   Not returned by {DEADLINE:%d %B %Y}: {_names(status.missing)}. "
        f"Overdue at {COMMITTEE:%d %B %Y}: {_names(overdue)}."
        + (
            f"\n   Next: chase {_names(status.missing)} for the missing return."
            if status.missing
            else ""
        )
    )

    xlsx = build_report(master, folder / "report.xlsx", today=COMMITTEE)
    html = build_report(master, folder / "report.html", today=COMMITTEE)
    say(
        "\n7. The committee report.\n"
        + _command("xlsync", "report", "master.xlsx", "--out", xlsx.name, "--today", committee)
        + "\n"
        + _command("xlsync", "report", "master.xlsx", "--out", html.name, "--today", committee)
        + f"\n   Wrote {xlsx.name} (summary with a chart, overdue items, each recommendation's "
        f"history) and {html.name} (the same, for a browser)."
    )

    indicators = _indicator_cycle(folder, say) if (folder / PI_MASTER).exists() else None

    others = [n for n in samples if n not in ("master.xlsx", PI_MASTER)]
    pi_files = (
        [
            (PI_MASTER, "the indicator return, Chorley's revised figure merged"),
            ("pi-issued/", "the indicator returns as issued, the current period marked"),
            (indicators["xlsx"].name, "the performance report, for Excel"),
            (indicators["html"].name, "the performance report, for a browser"),
        ]
        if indicators
        else []
    )
    files = [
        ("master.xlsx", "the merged master register, with its 'Sync log' and 'Progress history'"),
        *([(str(backup), "the master as it was before the merge")] if backup else []),
        ("issued/", f"the {len(issued)} returns as issued"),
        ("returns/", f"the {len(back_names)} returns sent back"),
        ("marked-up/", "each return with its findings marked"),
        (xlsx.name, "the committee report, for Excel"),
        (html.name, "the committee report, for a browser"),
        *pi_files,
        *[(n, "another sample workbook: try xlsync inspect " + n) for n in others],
    ]
    width = max(len(n) for n, _ in files)
    say(
        f"\nEvery file is in {folder}; open any of them in Excel or LibreOffice:\n"
        + "\n".join(f"  {n.ljust(width)}  {what}" for n, what in files)
    )
    return {
        "folder": str(folder),
        "merge": plan,
        "status": status,
        "validation": report,
        "issued": [i.path for i in issued],
        "backup": result.backup,
        "indicators": indicators,
    }


PI_MASTER = "indicators.xlsx"
PI_PARTNER = "Chorley"
PI_TODAY = date(2009, 1, 20)  # the indicator return is for 2008/09: its committee meets later


def _indicator_cycle(folder: Path, say: Say) -> dict[str, Any]:
    """Another kind through the same cycle: the districts' performance indicator return."""
    from sync.issue import issue_returns
    from sync.merge.run import merge_files
    from sync.report.build import build_report
    from sync.status import master_status

    master = folder / PI_MASTER
    issued_dir, back_dir = folder / "pi-issued", folder / "pi-returns"
    for old in (issued_dir, back_dir):
        if old.exists():
            shutil.rmtree(old)
    today = f"{PI_TODAY:%d/%m/%Y}"
    issued = issue_returns(master, issued_dir, today=PI_TODAY)
    status_before = master_status(master, today=PI_TODAY)
    back_dir.mkdir(parents=True)
    mine = next(i.path for i in issued if i.partner == PI_PARTNER)
    back = Path(shutil.copy2(mine, back_dir / mine.name))
    revised: list[str] = []

    def revise(ws: Any, reg: Any) -> None:
        role = reg.kind.role
        code = reg.kind.identity[0]
        # its call-answering figure for the current period, the row its return leaves open
        i = next(
            n
            for n, rec in enumerate(reg.records())
            if rec.get(code) == "LPI 12" and rec.get(role("period")) == status_before.period
        )
        ws[_cell(reg, i, role("actual"))] = 79.1
        ws[_cell(reg, i, role("rag"))] = "Amber"
        ws[_cell(reg, i, role("notes"))] = "Revised: calls answered after the new rota began."
        revised.append(f"{reg.value(i, code)} {reg.value(i, role('period'))}")

    _edit_return(back, revise)
    plan = merge_files(master, [back_dir], today=PI_TODAY).plan
    status = master_status(master, today=PI_TODAY)
    xlsx = build_report(master, folder / "indicators-report.xlsx", today=PI_TODAY)
    html = build_report(master, folder / "indicators-report.html", today=PI_TODAY)
    not_reported = [f"{p.partner} {ref}" for p in status.partners for ref in p.not_reported]
    say(
        "\n8. Another kind, the same cycle: the districts' performance indicator return.\n"
        + _command("xlsync", "issue", PI_MASTER, "--out", "pi-issued", "--today", today)
        + f"\n   Issued {len(issued)} returns; each opens only the rows of {status.period}, "
        "marked yellow, and locks the earlier periods.\n"
        + f"   {PI_PARTNER} revises its {_names(revised)} actual and RAG and sends it back to "
        "pi-returns/.\n"
        + _command("xlsync", "merge", PI_MASTER, "pi-returns", "--today", today)
        + f"\n   {len(plan.changes)} cell(s) updated.\n"
        + _command("xlsync", "status", PI_MASTER, "--today", today)
        + f"\n   Current period {status.period}: not yet reported: {_names(not_reported)}.\n"
        + _command("xlsync", "report", PI_MASTER, "--out", xlsx.name, "--today", today)
        + "\n"
        + _command("xlsync", "report", PI_MASTER, "--out", html.name, "--today", today)
        + f"\n   Wrote {xlsx.name} (each indicator against its target, polarity named, a trend "
        f"chart, the latest commentary, who has not reported) and {html.name}."
    )
    return {"plan": plan, "status": status, "xlsx": xlsx, "html": html}
