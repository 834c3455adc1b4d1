"""Measure xlsync against plain baselines, each run in a fresh process; write RESULTS.md.

    python benchmarks/run.py                 # full sizes (100,000-row registers, 300 returns)
    python benchmarks/run.py --quick         # small sizes, under a minute: a smoke test
    python benchmarks/run.py --repeat 5 --only validate,merge7

Scenarios (each against its baseline, see baselines.py):
  validate   a 100,002-row register, clean and with 1% bad rows:
             xlsync.validate_workbooks vs pandas.read_excel(openpyxl) + an equivalent pandera schema
  merge7     7 returns into a 100,002-row master, written losslessly:
             xlsync.merge_files vs pandas+openpyxl read, keyed update, openpyxl save
  merge300   300 returns x 1,000 rows into a 300,000-row master, and the same 1,000-row returns
             7 at a time, for how the run grows with the number of returns
  nochange   7 unchanged returns into the 100,002-row master: nothing may be written

Every measured run is a child process (`run.py --child TASK ARGS...`). Wall time runs from
starting the child to its exit, so interpreter start and imports count for both sides. Peak
memory is the larger of the child's ru_maxrss (os.wait4: its own peak, or its largest worker's)
and the peak of the proportional set size summed over the child and its worker processes,
sampled every 500 ms (worker processes are counted once, their shared pages split). A merge run
starts from a fresh copy of the master, copied before the clock starts.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (beside this script)

TODAY = generate.TODAY.isoformat()


# ------------------------------------------------------------------------------------------
# child tasks: what one measured process does
# ------------------------------------------------------------------------------------------
def task_xlsync_validate(path: str) -> dict[str, Any]:
    from sync import validate_workbooks

    report = validate_workbooks([path], today=date.fromisoformat(TODAY))
    f = report.files[0]
    return {"records": f.records, "errors": f.errors, "warnings": f.warnings, "error": f.error}


def task_baseline_validate(path: str) -> dict[str, Any]:
    import baselines

    return baselines.validate(path, TODAY)


def task_xlsync_merge(master: str, returns: str) -> dict[str, Any]:
    from sync import merge_files

    result = merge_files(master, [returns], today=date.fromisoformat(TODAY))
    plan = result.plan
    statuses: dict[str, int] = {}
    for outcome in plan.returns:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {
        "changes": len(plan.changes),
        "added": len(plan.added),
        "conflicts": len(plan.conflicts),
        "rejected_edits": len(plan.rejected_edits),
        "history": len(plan.history),
        "returns": statuses,
        "written": result.written is not None,
    }


def task_baseline_merge(master: str, returns: str) -> dict[str, Any]:
    import baselines

    return baselines.merge(master, returns)


TASKS = {
    "xlsync-validate": task_xlsync_validate,
    "baseline-validate": task_baseline_validate,
    "xlsync-merge": task_xlsync_merge,
    "baseline-merge": task_baseline_merge,
}


def child(task: str, args: list[str]) -> None:
    started = time.perf_counter()
    out = TASKS[task](*args)
    out["in_process_s"] = round(time.perf_counter() - started, 3)
    print(json.dumps(out, default=str))


# ------------------------------------------------------------------------------------------
# measuring one child
# ------------------------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    maxrss_mb: float
    pss_mb: float
    output: dict[str, Any]

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.pss_mb)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(task: str, *args: str) -> Run:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", task, *args]
    peak = [0]
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE.parent)

    def sample() -> None:
        while not done.is_set():
            total = sum(_pss_kb(p) for p in _descendants(proc.pid))
            peak[0] = max(peak[0], total)
            # smaps_rollup walks the whole address space: at 1.7 GB one read takes ~27 ms of
            # CPU from the run being measured (a quarter of a core at 10 Hz, on two cores), so
            # sample at 2 Hz; the single largest process's peak comes exactly from wait4
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # read the pipes on threads so a chatty child never blocks; reap with wait4 for its rusage
    outputs: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=n, s=s: outputs.__setitem__(n, s.read()), daemon=True)
        for n, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    for r in readers:
        r.join()
    if proc.returncode != 0:
        raise SystemExit(f"{task} {' '.join(args)} failed:\n{outputs['err'].decode()[-3000:]}")
    lines = outputs["out"].decode().strip().splitlines()
    return Run(seconds, usage.ru_maxrss / 1024, peak[0] / 1024, json.loads(lines[-1]))


# ------------------------------------------------------------------------------------------
# scenarios
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sizes:
    partners: int = 7
    rows: int = 14_286  # per partner: 7 x 14,286 = 100,002 records
    scale_returns: int = 300
    scale_rows: int = 1_000


FULL = Sizes()
QUICK = Sizes(partners=7, rows=300, scale_returns=24, scale_rows=100)


@dataclass
class Result:
    scenario: str
    rows: int
    xlsync: list[Run] = field(default_factory=list)
    baseline: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def median(runs: list[Run], attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)


def prepare_data(work: Path, sizes: Sizes, force: bool) -> dict[str, Path]:
    """Generate the workbooks once per size; later runs reuse them."""
    tag = f"{sizes.partners}x{sizes.rows}-{sizes.scale_returns}x{sizes.scale_rows}"
    data = work / f"data-{tag}"
    marker = data / "complete"
    paths = {
        "clean": data / "tracker.xlsx",
        "bad": data / "tracker_bad.xlsx",
        "merge7": data / "merge7",
        "nochange": data / "nochange",
        "scale": data / "scale",
        "scale7": data / "scale7",
    }
    if marker.exists() and not force:
        return paths
    data.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    print(f"generating workbooks in {data} ...", flush=True)
    generate.tracker(paths["clean"], sizes.partners, sizes.rows)
    generate.tracker(paths["bad"], sizes.partners, sizes.rows, bad=0.01)
    generate.merge_set(paths["merge7"], sizes.partners, sizes.rows)
    generate.merge_set(paths["nochange"], sizes.partners, sizes.rows, edits=0)
    generate.merge_set(paths["scale"], sizes.scale_returns, sizes.scale_rows)
    generate.merge_set(paths["scale7"], 7, sizes.scale_rows)
    marker.write_text("ok")
    print(f"  generated in {time.perf_counter() - t:.0f} s", flush=True)
    return paths


def fresh_master(set_dir: Path, run_dir: Path) -> Path:
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    target = run_dir / "master.xlsx"
    shutil.copy2(set_dir / "master.xlsx", target)
    return target


def run_validate(paths: dict[str, Path], sizes: Sizes, repeat: int, baseline: bool) -> list[Result]:
    results = []
    rows = sizes.partners * sizes.rows
    for name in ("clean", "bad"):
        res = Result(f"validate ({'clean' if name == 'clean' else '1% bad rows'})", rows)
        for i in range(repeat):
            res.xlsync.append(measure("xlsync-validate", str(paths[name])))
            if baseline:
                res.baseline.append(measure("baseline-validate", str(paths[name])))
            _progress(res, i)
        results.append(res)
    return results


def run_merge(
    label: str, set_dir: Path, rows: int, work: Path, repeat: int, baseline: bool
) -> Result:
    res = Result(label, rows)
    for i in range(repeat):
        master = fresh_master(set_dir, work / "run")
        res.xlsync.append(measure("xlsync-merge", str(master), str(set_dir / "returns")))
        if baseline:
            master = fresh_master(set_dir, work / "run")
            res.baseline.append(measure("baseline-merge", str(master), str(set_dir / "returns")))
        _progress(res, i)
    return res


def run_nochange(set_dir: Path, rows: int, work: Path, repeat: int) -> Result:
    res = Result("merge, nothing changed", rows)
    master = fresh_master(set_dir, work / "run")
    for i in range(repeat):
        before = _stamp(master)
        time.sleep(0.05)  # an mtime written now would differ from the one taken before
        res.xlsync.append(measure("xlsync-merge", str(master), str(set_dir / "returns")))
        after = _stamp(master)
        written = res.xlsync[-1].output.get("written")
        # the writer's lock file may stay beside the master; any other new file is a write
        others = sorted(p.name for p in master.parent.iterdir() if p.name != master.name)
        written_files = [n for n in others if not n.endswith(".xlsync-lock")]
        ok = before == after and not written and not written_files
        res.notes.append(
            f"run {i + 1}: master bytes and mtime {'unchanged' if before == after else 'CHANGED'}; "
            f"written={written}; other files beside it: {others or 'none'}"
        )
        res.xlsync[-1].output["unchanged"] = ok
        _progress(res, i)
    return res


def _stamp(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def _progress(res: Result, i: int) -> None:
    x = res.xlsync[-1]
    line = f"  {res.scenario} run {i + 1}: xlsync {x.seconds:.2f} s {x.peak_mb:.0f} MB"
    if res.baseline:
        b = res.baseline[-1]
        line += f" | baseline {b.seconds:.2f} s {b.peak_mb:.0f} MB"
    print(line, flush=True)


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    import importlib.metadata as md

    info = {
        "xlsync source": _source(),
        "cores": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "ram": f"{_mem_total_gb():.1f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for pkg in (
        "xlsync",
        "pandas",
        "pandera",
        "numpy",
        "openpyxl",
        "python-calamine",
        "xlsxwriter",
    ):
        try:
            info[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            info[pkg] = "not installed"
    return info


def precompile() -> None:
    """Compile xlsync's modules, and these scripts, to bytecode before anything is measured.

    The baselines import pandas and openpyxl from the bytecode pip wrote when it installed
    them, and an installed xlsync is imported the same way. An editable xlsync writes its
    bytecode on first use, unless PYTHONDONTWRITEBYTECODE is set (as it is on the machine
    these figures come from): then every measured process compiled xlsync from source
    afresh, 0.15 s of CPU that no officer's run pays twice.
    """
    out = subprocess.run(
        [sys.executable, "-c", "import sync, pathlib; print(pathlib.Path(sync.__file__).parent)"],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=True,
    )
    for folder in (Path(out.stdout.strip()), HERE):
        compileall.compile_dir(folder, quiet=1)


def _source() -> str:
    """Which xlsync was measured: the package the child processes import, and its commit."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sync, pathlib; print(pathlib.Path(sync.__file__).parent.parent)",
        ],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    root = out.stdout.strip()
    commit = os.environ.get("XLSYNC_BENCH_COMMIT", "")
    if not commit and root:
        git = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        commit = git.stdout.strip()
    return f"{root} ({commit or 'commit unknown'})"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def verdicts(results: dict[str, Result]) -> list[tuple[str, bool, str]]:
    out: list[tuple[str, bool, str]] = []
    for key in ("validate-clean", "validate-bad"):
        r = results.get(key)
        if r and r.baseline:
            speed = Result.median(r.baseline, "seconds") / Result.median(r.xlsync, "seconds")
            mem_x, mem_b = Result.median(r.xlsync, "peak_mb"), Result.median(r.baseline, "peak_mb")
            out.append((f"{r.scenario}: >= 6x faster", speed >= 6, f"{speed:.1f}x"))
            out.append(
                (
                    f"{r.scenario}: peak memory no higher than baseline",
                    mem_x <= mem_b,
                    f"{mem_x:.0f} MB vs {mem_b:.0f} MB",
                )
            )
    r = results.get("merge7")
    if r and r.baseline:
        speed = Result.median(r.baseline, "seconds") / Result.median(r.xlsync, "seconds")
        mem_x, mem_b = Result.median(r.xlsync, "peak_mb"), Result.median(r.baseline, "peak_mb")
        out.append((f"{r.scenario}: >= 10x faster", speed >= 10, f"{speed:.1f}x"))
        out.append(
            (
                f"{r.scenario}: under half the baseline's peak memory",
                mem_x < mem_b / 2,
                f"{mem_x:.0f} MB vs {mem_b:.0f} MB ({mem_x / mem_b:.2f}x)",
            )
        )
    r, small = results.get("scale"), results.get("scale7")
    if r:
        secs, mem = Result.median(r.xlsync, "seconds"), Result.median(r.xlsync, "peak_mb")
        out.append((f"{r.scenario}: under 30 s", secs < 30, f"{secs:.1f} s"))
        out.append((f"{r.scenario}: under 2 GB", mem < 2048, f"{mem:.0f} MB"))
        if small:
            ratio = secs / Result.median(small.xlsync, "seconds")
            out.append(
                (f"{r.scenario}: no more than 50x the 7-return run", ratio <= 50, f"{ratio:.1f}x")
            )
    r = results.get("nochange")
    if r:
        ok = all(run.output.get("unchanged") for run in r.xlsync)
        out.append(
            (
                "a merge that changes nothing writes nothing",
                ok,
                "master bytes and mtime unchanged" if ok else "written",
            )
        )
    return out


def render(
    results: dict[str, Result],
    args: argparse.Namespace,
    info: dict[str, str],
    loads: tuple[str, str],
) -> str:
    lines = [
        "# xlsync benchmarks",
        "",
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `python benchmarks/run.py"
        f"{' --quick' if args.quick else ''} --repeat {args.repeat}`"
        f"{' --only ' + args.only if args.only else ''}. Medians of {args.repeat} runs, each in a fresh process;",
        "wall time includes starting Python and importing pandas/pandera (both sides), each side's",
        "modules read from bytecode as after an install. Peak memory is the larger of the process's",
        "maxrss and the PSS summed over it and its worker processes.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| load average (1, 5, 15 min) at start | {loads[0]} |",
        f"| load average at end | {loads[1]} |",
        "",
        "## Results",
        "",
        "| scenario | rows | tool | median s | rows/s | peak MB | ratio (baseline / xlsync) |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in results.values():
        xs, xm = Result.median(r.xlsync, "seconds"), Result.median(r.xlsync, "peak_mb")
        ratio = ""
        if r.baseline:
            bs, bm = Result.median(r.baseline, "seconds"), Result.median(r.baseline, "peak_mb")
            ratio = f"{bs / xs:.1f}x faster, {bm / xm:.1f}x less memory"
        lines.append(
            f"| {r.scenario} | {r.rows:,} | xlsync | {xs:.2f} | {r.rows / xs:,.0f} | {xm:.0f} | {ratio} |"
        )
        if r.baseline:
            lines.append(f"| | | baseline | {bs:.2f} | {r.rows / bs:,.0f} | {bm:.0f} | |")
    lines += ["", "## Targets", "", "| target | met | measured |", "| --- | --- | --- |"]
    lines += [
        f"| {name} | {'yes' if ok else '**no**'} | {value} |"
        for name, ok, value in verdicts(results)
    ]
    lines += ["", "## Every run", ""]
    for r in results.values():
        lines.append(f"**{r.scenario}**")
        lines.append("")
        for who, runs in (("xlsync", r.xlsync), ("baseline", r.baseline)):
            for i, run in enumerate(runs, 1):
                lines.append(
                    f"- {who} run {i}: {run.seconds:.2f} s wall, maxrss {run.maxrss_mb:.0f} MB, "
                    f"PSS peak {run.pss_mb:.0f} MB; {json.dumps(run.output, default=str)}"
                )
        lines += [f"- {n}" for n in r.notes]
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="small workbooks: a smoke test under a minute"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    ap.add_argument("--only", default="", help="comma-separated: validate,merge7,merge300,nochange")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlsync-bench")
    ap.add_argument(
        "--results",
        type=Path,
        default=None,
        help="default benchmarks/RESULTS.md (full) or RESULTS-quick.md in --work",
    )
    ap.add_argument("--regenerate", action="store_true", help="generate the workbooks again")
    ap.add_argument(
        "--scale-baseline", action="store_true", help="also run the baseline on 300 returns (slow)"
    )
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return
    sizes = QUICK if args.quick else FULL
    only = set(filter(None, args.only.split(","))) or {"validate", "merge7", "merge300", "nochange"}
    work = args.work / ("quick" if args.quick else "full")
    loads_start = _load()
    precompile()
    paths = prepare_data(work, sizes, args.regenerate)
    results: dict[str, Result] = {}
    rows = sizes.partners * sizes.rows
    if "validate" in only:
        clean, bad = run_validate(paths, sizes, args.repeat, baseline=True)
        results["validate-clean"], results["validate-bad"] = clean, bad
    if "merge7" in only:
        results["merge7"] = run_merge(
            f"merge {sizes.partners} returns into {rows:,} rows",
            paths["merge7"],
            rows,
            work,
            args.repeat,
            True,
        )
    if "merge300" in only:
        scale_rows = sizes.scale_returns * sizes.scale_rows
        results["scale"] = run_merge(
            f"merge {sizes.scale_returns} returns x {sizes.scale_rows:,} rows into {scale_rows:,}",
            paths["scale"],
            scale_rows,
            work,
            args.repeat,
            args.scale_baseline,
        )
        results["scale7"] = run_merge(
            f"merge 7 returns x {sizes.scale_rows:,} rows into {7 * sizes.scale_rows:,}",
            paths["scale7"],
            7 * sizes.scale_rows,
            work,
            args.repeat,
            False,
        )
    if "nochange" in only:
        results["nochange"] = run_nochange(paths["nochange"], rows, work, args.repeat)
    info = machine()
    text = render(results, args, info, (loads_start, _load()))
    target = args.results or (work / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    target.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {target}")


if __name__ == "__main__":
    main()
