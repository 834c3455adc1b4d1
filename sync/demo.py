"""The demo: the whole cycle on the sample workbooks, narrated, leaving every file to open."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook

from sync.read.table import read_register

ISSUED = date(2007, 3, 1)
DEADLINE = date(2007, 3, 9)
COMMITTEE = date(2007, 3, 20)  # the panel meets; every date is judged as on this day
COUNTY = "Lancashire County"  # the coordinating council keeps the master itself
MASTER = "master.xlsx"
SAMPLES = (
    MASTER,
    "one_stop_shop.xlsx",
    "city_county_activity.xlsx",
    "indicators.xlsx",
    "risks.xlsx",
)

PI_MASTER = "indicators.xlsx"
PI_PARTNER = "Chorley"
PI_TODAY = date(2009, 1, 20)  # the indicator return is for 2008/09: its committee meets later

Say = Callable[[str], None]
T = TypeVar("T")


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


@dataclass
class Demo:
    """What the demo's steps share: its folder and voice, and what each step left for the next."""

    folder: Path
    say: Say
    samples: list[str] = field(default_factory=list)
    issued: Any = None  # the returns as issued
    returned: list[str] = field(default_factory=list)  # the names of the returns sent back
    validation: Any = None
    merged: Any = None  # the MergeResult
    status: Any = None
    reports: tuple[Path, ...] = ()
    indicators: dict[str, Any] | None = None

    @property
    def master(self) -> Path:
        return self.folder / MASTER

    @property
    def backup(self) -> Path | None:
        """The master as it was before the merge, named from the demo's folder."""
        kept = self.merged.backup if self.merged is not None else None
        return kept.relative_to(self.folder) if kept else None

    def result(self) -> dict[str, Any]:
        """What `run_demo` hands back: each step's result, for tests to look into."""
        return {
            "folder": str(self.folder),
            "merge": self.merged.plan,
            "status": self.status,
            "validation": self.validation,
            "issued": [i.path for i in self.issued],
            "backup": self.merged.backup,
            "indicators": self.indicators,
        }


def run_demo(folder: str | Path, say: Say) -> dict[str, Any]:
    """Copy the samples into `folder` and run issue, edits, validate, merge, status, report,
    telling each step as the command an officer would type, what it did and what comes next."""
    demo = Demo(Path(folder), say)
    for step in STEPS:
        step(demo)
    return demo.result()


# The steps, each telling what it did


def copy_samples(demo: Demo) -> None:
    """Copy the sample workbooks into the demo's folder, clearing what an earlier run left."""
    demo.folder.mkdir(parents=True, exist_ok=True)
    src = samples_dir()
    demo.samples = [name for name in SAMPLES if (src / name).exists()]
    for name in demo.samples:
        shutil.copy2(src / name, demo.folder / name)
    for old in ("issued", "returns", "marked-up"):
        if (demo.folder / old).exists():
            shutil.rmtree(demo.folder / old)
    demo.say(
        f"xlsync demo: a quarter's cycle on the sample county register, in {demo.folder}\n"
        f"Copied the samples there: {_names(demo.samples)}. Each command below runs from that "
        f"folder:\n$ cd {demo.folder}"
    )


def issue(demo: Demo) -> None:
    """1. The coordinator issues a return to each district; the county keeps the master."""
    from sync.issue import issue_returns

    register = read_register(demo.master)
    whose = _fields(register)["partner"]
    partners = sorted({str(r[whose]) for r in register.records() if r.get(whose)} - {COUNTY})
    demo.issued = issue_returns(
        demo.master, demo.folder / "issued", partners, deadline=DEADLINE, today=ISSUED
    )
    names = _names([i.path.name for i in demo.issued])
    demo.say(
        "\n1. The coordinator issues a return to each district.\n"
        + _command(
            "xlsync",
            "issue",
            MASTER,
            "--out",
            "issued",
            "--deadline",
            f"{DEADLINE:%d/%m/%Y}",
            *[w for p in partners for w in ("--partner", p)],
        )
        + f"\n   Wrote {len(demo.issued)} returns in issued/ ({names}), due {DEADLINE:%d %B %Y}: "
        "each holds the district's own rows, with the coordinator's columns locked and "
        f"drop-downs for the rest. {COUNTY} keeps the master, so it gets none."
    )


def edit_returns(demo: Demo) -> None:
    """2. The districts fill in their returns in Excel (the demo makes their edits) and send
    them back, all but one."""
    returns = demo.folder / "returns"
    returns.mkdir(parents=True)
    issued = {i.partner: i.path for i in demo.issued}
    story = []
    for partner, edit in PARTNER_EDITS:
        if partner in issued:
            back = Path(shutil.copy2(issued[partner], returns / issued[partner].name))
            story.append(_edit_return(back, edit))
    missing = sorted(set(issued) - {p.stem for p in returns.glob("*.xlsx")})
    story += [f"{p} has not sent its return back." for p in missing]
    demo.returned = sorted(p.name for p in returns.glob("*.xlsx"))
    demo.say(
        "\n2. The districts fill their returns in Excel and send them back; the demo makes their "
        "edits:\n"
        + "\n".join(f"   - {line}" for line in story)
        + f"\n   returns/ now holds the {len(demo.returned)} returns sent back: "
        f"{_names(demo.returned)}."
    )


def pause_in_master(demo: Demo) -> None:
    """3. The coordinator amends the master after issue: Burnley's first item, so Burnley's
    edit to it conflicts."""
    from sync.write.patch import patch

    register = read_register(demo.master)
    f = _fields(register)
    burnley = [i for i, r in enumerate(register.records()) if r.get(f["partner"]) == "Burnley"]
    if not burnley:
        return
    cell = register.cell(burnley[0], f["status"])
    patch(demo.master, demo.master, {str(cell): "Paused"})
    demo.say(
        f"\n3. Meanwhile the coordinator pauses Burnley's {register.value(burnley[0], f['key'])} "
        f"in the master ({MASTER}, {cell}), so Burnley's change to it will conflict."
    )


def validate(demo: Demo) -> None:
    """4. The returns are checked before they are merged, and marked up where they are wrong."""
    from sync.workbooks import validate_workbooks

    demo.validation = validate_workbooks(
        [demo.folder / "returns"], today=COMMITTEE, annotate_dir=demo.folder / "marked-up"
    )
    files = demo.validation.files
    bad = [Path(f.path).name for f in files if f.errors]
    demo.say(
        "\n".join(
            [
                "\n4. Check the returns before merging them.",
                _command(
                    "xlsync", "validate", "returns", "--annotate", "marked-up", *_today(COMMITTEE)
                ),
                *[_validated(f) for f in files],
                "   marked-up/ holds a copy of each return with every finding marked on its cell."
                + (f" {_names(bad)} will not be merged until corrected." if bad else ""),
            ]
        )
    )


def merge(demo: Demo) -> None:
    """5. The returns are merged into the master: what changed, what conflicted, what was
    rejected, and what the coordinator does next."""
    from sync.merge.run import merge_files

    demo.merged = merge_files(demo.master, [demo.folder / "returns"], today=COMMITTEE)
    plan = demo.merged.plan
    backup = demo.backup
    nexts = _next_steps(plan)
    demo.say(
        "\n".join(
            [
                "\n5. Merge the returns into the master.",
                _command("xlsync", "merge", MASTER, "returns", *_today(COMMITTEE)),
                *_merged(plan),
                "   Every change is listed in master.xlsx's 'Sync log' sheet and every note in "
                "its 'Progress history' sheet"
                + (f"; the master as it was before is kept as {backup}." if backup else "."),
                *(["   Next: " + "; ".join(nexts) + "."] if nexts else []),
            ]
        )
    )


def status(demo: Demo) -> None:
    """6. Who has returned by the deadline, and what is overdue at the committee."""
    from sync.status import master_status

    returns = demo.folder / "returns"
    demo.status = master_status(
        demo.master, returns, today=COMMITTEE, deadline=DEADLINE, exclude=(COUNTY,)
    )
    missing = _names(demo.status.missing)
    overdue = [f"{p.partner} {ref}" for p in demo.status.partners for ref in p.overdue]
    demo.say(
        "\n6. Who has returned, and what is overdue.\n"
        + _command(
            "xlsync",
            "status",
            MASTER,
            "--returns",
            "returns",
            *_today(COMMITTEE),
            "--deadline",
            f"{DEADLINE:%d/%m/%Y}",
            "--exclude",
            COUNTY,
        )
        + f"\n   Not returned by {DEADLINE:%d %B %Y}: {missing}. "
        f"Overdue at {COMMITTEE:%d %B %Y}: {_names(overdue)}."
        + (f"\n   Next: chase {missing} for the missing return." if demo.status.missing else "")
    )


def report(demo: Demo) -> None:
    """7. The committee report, for Excel and for a browser."""
    from sync.report.build import build_report

    xlsx, html = (
        build_report(demo.master, demo.folder / name, today=COMMITTEE)
        for name in ("report.xlsx", "report.html")
    )
    demo.reports = (xlsx, html)
    demo.say(
        "\n7. The committee report.\n"
        + "\n".join(
            _command("xlsync", "report", MASTER, "--out", p.name, *_today(COMMITTEE))
            for p in demo.reports
        )
        + f"\n   Wrote {xlsx.name} (summary with a chart, overdue items, each recommendation's "
        f"history) and {html.name} (the same, for a browser)."
    )


def indicator_cycle(demo: Demo) -> None:
    """8. Another kind through the same cycle: the districts' performance indicator return."""
    from sync.issue import issue_returns
    from sync.merge.run import merge_files
    from sync.status import master_status

    master = demo.folder / PI_MASTER
    if not master.exists():
        return
    issued_dir, back_dir = demo.folder / "pi-issued", demo.folder / "pi-returns"
    for old in (issued_dir, back_dir):
        if old.exists():
            shutil.rmtree(old)
    issued = issue_returns(master, issued_dir, today=PI_TODAY)
    period = master_status(master, today=PI_TODAY).period
    back_dir.mkdir(parents=True)
    mine = next(i.path for i in issued if i.partner == PI_PARTNER)
    back = Path(shutil.copy2(mine, back_dir / mine.name))
    revised = _edit_return(back, lambda ws, reg: _revise(ws, reg, period))
    plan = merge_files(master, [back_dir], today=PI_TODAY).plan
    demo.indicators = _indicator_report(demo, issued, revised, plan)


def list_files(demo: Demo) -> None:
    """Every file the demo left, and what each one is."""
    files = [
        (MASTER, "the merged master register, with its 'Sync log' and 'Progress history'"),
        *([(str(demo.backup), "the master as it was before the merge")] if demo.backup else []),
        ("issued/", f"the {len(demo.issued)} returns as issued"),
        ("returns/", f"the {len(demo.returned)} returns sent back"),
        ("marked-up/", "each return with its findings marked"),
        (demo.reports[0].name, "the committee report, for Excel"),
        (demo.reports[1].name, "the committee report, for a browser"),
        *_indicator_files(demo.indicators),
        *[
            (n, "another sample workbook: try xlsync inspect " + n)
            for n in demo.samples
            if n not in (MASTER, PI_MASTER)
        ],
    ]
    width = max(len(n) for n, _ in files)
    demo.say(
        f"\nEvery file is in {demo.folder}; open any of them in Excel or LibreOffice:\n"
        + "\n".join(f"  {n.ljust(width)}  {what}" for n, what in files)
    )


STEPS: tuple[Callable[[Demo], None], ...] = (
    copy_samples,
    issue,
    edit_returns,
    pause_in_master,
    validate,
    merge,
    status,
    report,
    indicator_cycle,
    list_files,
)


# What the districts do in Excel: each edit changes a return and says what it did


def _chorley(ws: Any, reg: Any) -> str:
    """Chorley completes its first item, with a dated note, and proposes a new one."""
    f = _fields(reg)
    ws[_cell(reg, 0, f["status"])] = "Complete"
    if f["rag"] in reg.columns:
        ws[_cell(reg, 0, f["rag"])] = "Green"
    note = reg.value(0, f["notes"]) or ""
    ws[_cell(reg, 0, f["notes"])] = (
        note + "\n" if note else ""
    ) + "8 March 2007\nDone: reported to the panel."
    ws[_cell(reg, 0, f["updated"])] = date(2007, 3, 8)
    new_row = reg.last_row + 1
    ws.cell(new_row, reg.columns[f["partner"]], "Chorley")
    ws.cell(new_row, reg.columns[f["key"]], "28.")
    ws.cell(new_row, reg.columns[f["title"]], "To publicise the text phone service once installed.")
    ws.cell(new_row, reg.columns[f["status"]], "Not started")
    return f"Chorley completed {reg.value(0, f['key'])} and proposed a new recommendation, 28."


def _burnley(ws: Any, reg: Any) -> str:
    """Burnley writes its status another way and adds a note."""
    f = _fields(reg)
    ws[_cell(reg, 0, f["status"])] = "Done"  # a synonym: read as Complete, with a warning
    ws[_cell(reg, 0, f["notes"])] = (reg.value(0, f["notes"]) or "") + "\n7 March 2007\nSigned off."
    ws[_cell(reg, 0, f["updated"])] = date(2007, 3, 7)
    return f"Burnley marked {reg.value(0, f['key'])} 'Done' and added a note."


def _hyndburn(ws: Any, reg: Any) -> str:
    """Hyndburn types a status the list does not allow: its return will be rejected."""
    f = _fields(reg)
    ws[_cell(reg, 0, f["status"])] = "Maybe"
    return f"Hyndburn typed the status 'Maybe' for {reg.value(0, f['key'])}."


def _south_ribble(ws: Any, reg: Any) -> str:
    """South Ribble adds a progress note to its last item."""
    f = _fields(reg)
    i = len(reg) - 1
    ws[_cell(reg, i, f["notes"])] = (
        reg.value(i, f["notes"]) or ""
    ) + "\n5 March 2007\nOn track for June."
    ws[_cell(reg, i, f["updated"])] = date(2007, 3, 5)
    return f"South Ribble added a progress note to {reg.value(i, f['key'])}."


def _unchanged(ws: Any, reg: Any) -> str:
    return "West Lancashire sent its return back unchanged."


PARTNER_EDITS: tuple[tuple[str, Callable[[Any, Any], str]], ...] = (
    ("Chorley", _chorley),
    ("Burnley", _burnley),
    ("Hyndburn", _hyndburn),
    ("South Ribble", _south_ribble),
    ("West Lancashire", _unchanged),
)


def _revise(ws: Any, reg: Any, period: str | None) -> str:
    """Chorley revises its call-answering figure for the current period, the row its return
    leaves open."""
    role = reg.kind.role
    code = reg.kind.identity[0]
    i = next(
        n
        for n, rec in enumerate(reg.records())
        if rec.get(code) == "LPI 12" and rec.get(role("period")) == period
    )
    ws[_cell(reg, i, role("actual"))] = 79.1
    ws[_cell(reg, i, role("rag"))] = "Amber"
    ws[_cell(reg, i, role("notes"))] = "Revised: calls answered after the new rota began."
    return f"{reg.value(i, code)} {reg.value(i, role('period'))}"


# What the steps tell


def _validated(file: Any) -> str:
    """One return's line in step 4: unreadable, its findings with their cells, or none."""
    name = Path(file.path).name
    if file.error:
        return f"   {name}: cannot be read: {file.error}"
    if not file.findings:
        return f"   {name}: no findings"
    return f"   {name}: {file.errors} error(s), {file.warnings} warning(s): " + "; ".join(
        f"{x.sheet}!{x.cell} {x.message}" for x in file.findings
    )


def _merged(plan: Any) -> list[str]:
    """Step 5's account of the plan: what was merged, each conflict, rejected edit and
    rejected return."""
    merged = [Path(r.path).name for r in plan.returns if r.status in ("merged", "partial")]
    changed = sorted({f"{c.partner} {c.ref}" for c in plan.changes})
    added = [f"{a.partner} {a.ref}" for a in plan.added]
    return [
        f"   Merged {len(merged)} return(s) ({_names(merged)}): {len(plan.changes)} cell(s) "
        f"updated in {_names(changed)}; {len(plan.added)} row(s) added ({_names(added)}).",
        *[
            f"   Conflict: {c.partner} {c.ref} {c.field} is {c.master!r} in the master and "
            f"{c.theirs!r} in the return; the master keeps {c.master!r}."
            for c in plan.conflicts
        ],
        *[
            f"   Rejected edit: {e.partner} {e.ref} {e.field} belongs to the coordinator; the "
            "master keeps its value."
            for e in plan.rejected_edits
        ],
        *[
            f"   Rejected: {Path(r.path).name} ({r.reason}); nothing of it was merged."
            for r in _rejected(plan)
        ],
    ]


def _next_steps(plan: Any) -> list[str]:
    """What the coordinator does after the merge: chase each rejected return, settle each
    conflict."""
    return [
        f"ask {r.partner} to correct its return (marked-up/{Path(r.path).name} shows where), "
        "then merge the corrected return the same way"
        for r in _rejected(plan)
    ] + [
        f"settle {c.partner} {c.ref} {c.field} with {c.partner}: type the agreed value in the "
        "master, or merge again with --prefer return to take theirs"
        for c in plan.conflicts
    ]


def _rejected(plan: Any) -> list[Any]:
    return [r for r in plan.returns if r.status == "rejected"]


def _indicator_report(demo: Demo, issued: Any, revised: str, plan: Any) -> dict[str, Any]:
    """Step 8 after the merge: the indicator master's status and report, and what it says."""
    from sync.report.build import build_report
    from sync.status import master_status

    master = demo.folder / PI_MASTER
    today = f"{PI_TODAY:%d/%m/%Y}"
    status = master_status(master, today=PI_TODAY)
    xlsx = build_report(master, demo.folder / "indicators-report.xlsx", today=PI_TODAY)
    html = build_report(master, demo.folder / "indicators-report.html", today=PI_TODAY)
    not_reported = [f"{p.partner} {ref}" for p in status.partners for ref in p.not_reported]
    demo.say(
        "\n8. Another kind, the same cycle: the districts' performance indicator return.\n"
        + _command("xlsync", "issue", PI_MASTER, "--out", "pi-issued", "--today", today)
        + f"\n   Issued {len(issued)} returns; each opens only the rows of {status.period}, "
        "marked yellow, and locks the earlier periods.\n"
        + f"   {PI_PARTNER} revises its {revised} actual and RAG and sends it back to "
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


def _indicator_files(indicators: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not indicators:
        return []
    return [
        (PI_MASTER, "the indicator return, Chorley's revised figure merged"),
        ("pi-issued/", "the indicator returns as issued, the current period marked"),
        (indicators["xlsx"].name, "the performance report, for Excel"),
        (indicators["html"].name, "the performance report, for a browser"),
    ]


# Helpers


def _edit_return(path: Path, edits: Callable[[Any, Any], T]) -> T:
    """Open a return as a partner would in Excel, change it, save it; what `edits` says."""
    register = read_register(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    said = edits(wb[register.sheet], register)
    wb.save(path)
    return said


def _fields(register: Any) -> dict[str, str]:
    """A register's fields by the part they play (its kind's roles), and its key as `key`:
    the edits name fields through these, as the kind declares them."""
    kind = register.kind
    return {**kind.roles, "key": kind.identity[0]}


def _cell(register: Any, index: int, field: str) -> str:
    return str(register.cell(index, field).address)


def _today(day: date) -> tuple[str, str]:
    return ("--today", f"{day:%d/%m/%Y}")


def _command(*words: str) -> str:
    """A command line as an officer would type it: names with spaces quoted."""
    return "$ " + " ".join(f'"{w}"' if " " in w or not w else w for w in words)


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"
