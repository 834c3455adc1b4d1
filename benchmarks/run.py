"""Measure the xlsync command against plain baselines, each run in a fresh process; write RESULTS.md.

    python benchmarks/run.py                 # full sizes (100,000-row registers, 300 returns)
    python benchmarks/run.py --quick         # small sizes, under a minute: a smoke test
    python benchmarks/run.py --repeat 5 --only validate,merge7
    python benchmarks/run.py --against OTHER/.venv/bin/python   # and another xlsync, side by side

Scenarios (each against its baseline, see baselines.py):
  validate   a 100,002-row register, clean and with 1% bad rows:
             `xlsync validate --format json` vs pandas.read_excel(openpyxl) + an equivalent
             pandera schema
  merge7     7 returns into a 100,002-row master, written losslessly:
             `xlsync merge --format json` vs pandas+openpyxl read, keyed update, openpyxl save
  merge300   300 returns x 1,000 rows into a 300,000-row master, and the same 1,000-row returns
             7 at a time, for how the run grows with the number of returns
  nochange   7 unchanged returns into the 100,002-row master: nothing may be written

xlsync is measured as an officer runs it: the `xlsync` console command installed beside the
interpreter, its JSON read back for the figures. `--against PYTHON` measures a second xlsync (the
one that interpreter imports, say an older commit in its own venv) in the same run, each of its
runs alternating with this one's, so that both see the same machine.

Every measured run is a child process. Wall time runs from starting the child to its exit, so
interpreter start and imports count for both sides. Peak memory is the larger of the child's
ru_maxrss (os.wait4: its own peak, or its largest worker's) and the peak of the proportional set
size summed over the child and its worker processes, sampled every 500 ms (worker processes are
counted once, their shared pages split). Linux carries a process's peak across fork and exec,
so a child's ru_maxrss is never below what this script held when it started the child: the
workbooks are therefore generated in a child of their own, and this script's own peak is
printed with the results. A merge run starts from a fresh copy of the master, copied before
the clock starts.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (beside this script)

TODAY = generate.TODAY.isoformat()


# ------------------------------------------------------------------------------------------
# the tools measured: an xlsync command line, or a baseline child task
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tool:
    """One side of a comparison: its name in the results, and the interpreter it runs on."""

    name: str
    python: str

    @property
    def is_xlsync(self) -> bool:
        return self.name != "baseline"

    def xlsync(self, *args: str) -> list[str]:
        """The `xlsync` command installed beside this tool's interpreter, asked for JSON."""
        exe = Path(self.python).parent / ("xlsync.exe" if os.name == "nt" else "xlsync")
        return [str(exe), *args, "--format", "json", "--today", TODAY]

    def task(self, task: str, *args: str) -> list[str]:
        return child_command(self.python, task, *args)


def child_command(python: str, task: str, *args: str) -> list[str]:
    """This script run by `python` to do one child task (see TASKS)."""
    return [python, str(Path(__file__).resolve()), "--child", task, *args]


def validate_figures(printed: str) -> dict[str, Any]:
    f = json.loads(printed)["files"][0]
    return {k: f.get(k) for k in ("records", "errors", "warnings", "error")}


def merge_figures(printed: str) -> dict[str, Any]:
    out = json.loads(printed)
    statuses: dict[str, int] = {}
    for outcome in out["returns"]:
        statuses[outcome["status"]] = statuses.get(outcome["status"], 0) + 1
    figures = {k: len(out[k]) for k in ("changes", "added", "conflicts", "rejected_edits")}
    figures["history"] = len(out["history"]) if "history" in out else "not reported"
    return {**figures, "returns": statuses, "written": out["written"] is not None}


def measure_validate(tool: Tool, path: Path) -> Run:
    if tool.is_xlsync:
        # exit 1 means the register has errors: that is a result, not a failure
        return measure(tool.xlsync("validate", str(path)), validate_figures, ok=(0, 1))
    return measure(tool.task("baseline-validate", str(path)), _last_line)


def measure_merge(tool: Tool, master: Path, returns: Path) -> Run:
    if tool.is_xlsync:
        return measure(tool.xlsync("merge", str(master), str(returns)), merge_figures, ok=(0, 1))
    return measure(tool.task("baseline-merge", str(master), str(returns)), _last_line)


def _last_line(printed: str) -> dict[str, Any]:
    """A child task prints its figures as JSON on its last line."""
    return dict(json.loads(printed.strip().splitlines()[-1]))


# ------------------------------------------------------------------------------------------
# child tasks: what a baseline's measured process does, and the generator's own process
# ------------------------------------------------------------------------------------------
def task_baseline_validate(path: str) -> dict[str, Any]:
    import baselines

    return baselines.validate(path, TODAY)


def task_baseline_merge(master: str, returns: str) -> dict[str, Any]:
    import baselines

    return baselines.merge(master, returns)


def task_generate(data: str, sizes: str) -> dict[str, Any]:
    generate_data(Path(data), Sizes(**json.loads(sizes)))
    return {}


TASKS = {
    "baseline-validate": task_baseline_validate,
    "baseline-merge": task_baseline_merge,
    "generate": task_generate,
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


def measure(
    cmd: list[str], figures: Callable[[str], dict[str, Any]], ok: tuple[int, ...] = (0,)
) -> Run:
    """Run one child to its exit; `figures` turns what it printed into the run's figures."""
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
    if proc.returncode not in ok:
        raise SystemExit(
            f"{' '.join(cmd)} exited {proc.returncode}:\n{outputs['err'].decode()[-3000:]}"
        )
    return Run(seconds, usage.ru_maxrss / 1024, peak[0] / 1024, figures(outputs["out"].decode()))


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
    runs: dict[str, list[Run]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def xlsync(self) -> list[Run]:
        return self.runs.get("xlsync", [])

    @property
    def baseline(self) -> list[Run]:
        return self.runs.get("baseline", [])

    def add(self, tool: Tool, run: Run) -> None:
        self.runs.setdefault(tool.name, []).append(run)

    @staticmethod
    def median(runs: list[Run], attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)


def _data_paths(data: Path) -> dict[str, Path]:
    return {
        "clean": data / "tracker.xlsx",
        "bad": data / "tracker_bad.xlsx",
        "merge7": data / "merge7",
        "nochange": data / "nochange",
        "scale": data / "scale",
        "scale7": data / "scale7",
    }


def prepare_data(work: Path, sizes: Sizes, force: bool) -> dict[str, Path]:
    """Generate the workbooks once per size, in a child process; later runs reuse them."""
    tag = f"{sizes.partners}x{sizes.rows}-{sizes.scale_returns}x{sizes.scale_rows}"
    data = work / f"data-{tag}"
    marker = data / "complete"
    if force or not marker.exists():
        t = time.perf_counter()
        print(f"generating workbooks in {data} ...", flush=True)
        sizes_json = json.dumps(sizes.__dict__)
        subprocess.run(child_command(sys.executable, "generate", str(data), sizes_json), check=True)
        marker.write_text("ok")
        print(f"  generated in {time.perf_counter() - t:.0f} s", flush=True)
    return _data_paths(data)


def generate_data(data: Path, sizes: Sizes) -> None:
    paths = _data_paths(data)
    data.mkdir(parents=True, exist_ok=True)
    generate.tracker(paths["clean"], sizes.partners, sizes.rows)
    generate.tracker(paths["bad"], sizes.partners, sizes.rows, bad=0.01)
    generate.merge_set(paths["merge7"], sizes.partners, sizes.rows)
    generate.merge_set(paths["nochange"], sizes.partners, sizes.rows, edits=0)
    generate.merge_set(paths["scale"], sizes.scale_returns, sizes.scale_rows)
    generate.merge_set(paths["scale7"], 7, sizes.scale_rows)


def fresh_master(set_dir: Path, run_dir: Path) -> Path:
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    target = run_dir / "master.xlsx"
    shutil.copy2(set_dir / "master.xlsx", target)
    return target


def run_validate(
    paths: dict[str, Path], sizes: Sizes, repeat: int, tools: list[Tool]
) -> list[Result]:
    results = []
    rows = sizes.partners * sizes.rows
    for name in ("clean", "bad"):
        res = Result(f"validate ({'clean' if name == 'clean' else '1% bad rows'})", rows)
        for i in range(repeat):
            for tool in tools:
                res.add(tool, measure_validate(tool, paths[name]))
            _progress(res, i)
        results.append(res)
    return results


def run_merge(
    label: str, set_dir: Path, rows: int, work: Path, repeat: int, tools: list[Tool]
) -> Result:
    res = Result(label, rows)
    for i in range(repeat):
        for tool in tools:
            master = fresh_master(set_dir, work / "run")
            res.add(tool, measure_merge(tool, master, set_dir / "returns"))
        _progress(res, i)
    return res


def run_nochange(set_dir: Path, rows: int, work: Path, repeat: int, tools: list[Tool]) -> Result:
    res = Result("merge, nothing changed", rows)
    masters = {t.name: fresh_master(set_dir, work / f"run-{i}") for i, t in enumerate(tools)}
    for i in range(repeat):
        for tool in tools:
            master = masters[tool.name]
            before = _stamp(master)
            time.sleep(0.05)  # an mtime written now would differ from the one taken before
            run = measure_merge(tool, master, set_dir / "returns")
            res.add(tool, run)
            after = _stamp(master)
            written = run.output.get("written")
            # the writer's lock file may stay beside the master; any other new file is a write
            others = sorted(p.name for p in master.parent.iterdir() if p.name != master.name)
            written_files = [n for n in others if not n.endswith(".xlsync-lock")]
            ok = before == after and not written and not written_files
            res.notes.append(
                f"{tool.name} run {i + 1}: master bytes and mtime "
                f"{'unchanged' if before == after else 'CHANGED'}; "
                f"written={written}; other files beside it: {others or 'none'}"
            )
            run.output["unchanged"] = ok
        _progress(res, i)
    return res


def _stamp(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def _progress(res: Result, i: int) -> None:
    parts = [
        f"{name} {runs[-1].seconds:.2f} s {runs[-1].peak_mb:.0f} MB"
        for name, runs in res.runs.items()
    ]
    print(f"  {res.scenario} run {i + 1}: " + " | ".join(parts), flush=True)


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------
def machine(tools: list[Tool]) -> dict[str, str]:
    import importlib.metadata as md

    info = {f"{t.name} source": _source(t.python) for t in tools if t.is_xlsync}
    info |= {
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


def _where_sync(python: str) -> Path:
    """The folder of the sync package that interpreter imports (run away from any checkout)."""
    out = subprocess.run(
        [python, "-c", "import sync, pathlib; print(pathlib.Path(sync.__file__).parent)"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=True,
    )
    return Path(out.stdout.strip())


def precompile(tools: list[Tool]) -> None:
    """Compile each xlsync's modules, and these scripts, to bytecode before anything is measured.

    The baselines import pandas and openpyxl from the bytecode pip wrote when it installed
    them, and an installed xlsync is imported the same way. An editable xlsync writes its
    bytecode on first use, unless PYTHONDONTWRITEBYTECODE is set (as it is on the machine
    these figures come from): then every measured process compiled xlsync from source
    afresh, 0.15 s of CPU that no officer's run pays twice.
    """
    for tool in tools:
        if tool.is_xlsync:
            folder = str(_where_sync(tool.python))
            subprocess.run([tool.python, "-m", "compileall", "-q", folder], check=True)
    compileall.compile_dir(HERE, quiet=1)


def _source(python: str) -> str:
    """Which xlsync was measured: the folder it was installed from (or runs from), and its commit."""
    ask = (
        "import importlib.metadata as m, json, pathlib, sync\n"
        "url = json.loads(m.distribution('xlsync').read_text('direct_url.json') or '{}')\n"
        "print(url.get('url', '').removeprefix('file://') or pathlib.Path(sync.__file__).parent.parent)"
    )
    out = subprocess.run(
        [python, "-c", ask], capture_output=True, text=True, cwd=tempfile.gettempdir(), check=True
    )
    root = out.stdout.strip()
    git = subprocess.run(
        ["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", root, "status", "--porcelain", "sync"], capture_output=True, text=True
    )
    commit = git.stdout.strip() + (" with changes to sync/" if dirty.stdout.strip() else "")
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


def _own_peak_mb() -> float:
    """This script's own peak: the floor under every child's ru_maxrss."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    command += f" --repeat {args.repeat}" + (f" --only {args.only}" if args.only else "")
    command += f" --against {args.against}" if args.against else ""
    lines = [
        "# xlsync benchmarks",
        "",
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `{command}`. Medians of "
        f"{args.repeat} runs, each in a fresh process, the tools' runs alternating;",
        "xlsync is the `xlsync` command as installed, asked for `--format json`. Wall time",
        "includes starting Python and importing pandas/pandera (every side), each side's modules",
        "read from bytecode as after an install. Peak memory is the larger of the process's",
        "maxrss and the PSS summed over it and its worker processes.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| load average (1, 5, 15 min) at start | {loads[0]} |",
        f"| load average at end | {loads[1]} |",
        f"| this script's own peak (no child's maxrss is below it) | {_own_peak_mb():.0f} MB |",
        "",
        "## Results",
        "",
        "| scenario | rows | tool | median s | rows/s | peak MB | ratio |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in results.values():
        xs, xm = Result.median(r.xlsync, "seconds"), Result.median(r.xlsync, "peak_mb")
        first = f"| {r.scenario} | {r.rows:,} |"
        for name, runs in r.runs.items():
            s, m = Result.median(runs, "seconds"), Result.median(runs, "peak_mb")
            ratio = ""
            if name == "baseline":
                ratio = f"xlsync {s / xs:.1f}x faster, {m / xm:.1f}x less memory"
            elif name != "xlsync":
                ratio = f"xlsync takes {xs / s:.2f}x its time, {xm / m:.2f}x its memory"
            lines.append(f"{first} {name} | {s:.2f} | {r.rows / s:,.0f} | {m:.0f} | {ratio} |")
            first = "| | |"
    lines += ["", "## Targets", "", "| target | met | measured |", "| --- | --- | --- |"]
    lines += [
        f"| {name} | {'yes' if ok else '**no**'} | {value} |"
        for name, ok, value in verdicts(results)
    ]
    lines += ["", "## Every run", ""]
    for r in results.values():
        lines.append(f"**{r.scenario}**")
        lines.append("")
        for who, runs in r.runs.items():
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
    ap.add_argument(
        "--against",
        default="",
        metavar="PYTHON",
        help="also measure the xlsync that this interpreter imports (say another commit's venv)",
    )
    ap.add_argument(
        "--against-name", default="before", help="its name in the results (default: before)"
    )
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return
    sizes = QUICK if args.quick else FULL
    only = set(filter(None, args.only.split(","))) or {"validate", "merge7", "merge300", "nochange"}
    work = args.work / ("quick" if args.quick else "full")
    xlsyncs = [Tool("xlsync", sys.executable)]
    if args.against:
        xlsyncs.append(Tool(args.against_name, args.against))
    with_baseline = [*xlsyncs, Tool("baseline", sys.executable)]
    loads_start = _load()
    precompile(xlsyncs)
    paths = prepare_data(work, sizes, args.regenerate)
    results: dict[str, Result] = {}
    rows = sizes.partners * sizes.rows
    if "validate" in only:
        clean, bad = run_validate(paths, sizes, args.repeat, with_baseline)
        results["validate-clean"], results["validate-bad"] = clean, bad
    if "merge7" in only:
        results["merge7"] = run_merge(
            f"merge {sizes.partners} returns into {rows:,} rows",
            paths["merge7"],
            rows,
            work,
            args.repeat,
            with_baseline,
        )
    if "merge300" in only:
        scale_rows = sizes.scale_returns * sizes.scale_rows
        results["scale"] = run_merge(
            f"merge {sizes.scale_returns} returns x {sizes.scale_rows:,} rows into {scale_rows:,}",
            paths["scale"],
            scale_rows,
            work,
            args.repeat,
            with_baseline if args.scale_baseline else xlsyncs,
        )
        results["scale7"] = run_merge(
            f"merge 7 returns x {sizes.scale_rows:,} rows into {7 * sizes.scale_rows:,}",
            paths["scale7"],
            7 * sizes.scale_rows,
            work,
            args.repeat,
            xlsyncs,
        )
    if "nochange" in only:
        results["nochange"] = run_nochange(paths["nochange"], rows, work, args.repeat, xlsyncs)
    info = machine(xlsyncs)
    text = render(results, args, info, (loads_start, _load()))
    target = args.results or (work / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    target.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {target}")


if __name__ == "__main__":
    main()
