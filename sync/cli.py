"""The xlsync command line: a thin skin over the library."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import sync
from sync.errors import ExitCode, XlsyncError
from sync.notices import notices_to

F = Callable[..., Any]


class XlsyncGroup(click.Group):
    """Turns XlsyncError into one line on stderr and its exit code; --debug re-raises."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with notices_to(lambda line: click.echo(f"xlsync: {line}", err=True)):
                return super().invoke(ctx)
        except XlsyncError as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"xlsync: {exc.line()}", err=True)
            ctx.exit(int(exc.exit_code))


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table for people, json for machines.",
    )(f)


def schema_option(f: F) -> F:
    return click.option(
        "--schema",
        metavar="NAME|PATH",
        help="Workbook kind (see `xlsync schema list`) or a schema file; default: chosen by header.",
    )(f)


def password_option(f: F) -> F:
    return click.option(
        "--password", metavar="TEXT", help="Password of a password-protected workbook."
    )(f)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=XlsyncGroup)
@click.version_option(package_name="xlsync")
@click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Keep a council's master register and its partners' Excel returns in step.

    Example:

    \b
        xlsync inspect workbooks/master.xlsx
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@schema_option
@click.option("--sheet", metavar="NAME", help="Read this sheet instead of finding the table.")
@password_option
@format_option
def inspect(
    file: Path, schema: str | None, sheet: str | None, password: str | None, fmt: str
) -> None:
    """Show what xlsync understood of a workbook: sheet, header row, columns, records.

    Example:

    \b
        xlsync inspect workbooks/one_stop_shop.xlsx --format json
    """
    from sync.recognise import read_recognised
    from sync.report.text import render_register

    register = read_recognised(file, schema=schema, sheet=sheet, password=password)
    data = register.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_register(data))
    sys.exit(register.exit_code())


class DateParam(click.DateTime):
    """A date typed as year-month-day or day/month/year; a mistake is told in those words."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d", "%d/%m/%Y"])

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        return "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(
                f"{value!r} is not a date: use day/month/year, e.g. 06/03/2007 "
                "(or year-month-day, 2007-03-06)",
                param,
                ctx,
            )


def today_option(f: F) -> F:
    return click.option(
        "--today",
        type=DateParam(),
        help="Judge dates (overdue, in the future) as on this day: YYYY-MM-DD.",
    )(f)


class Bar:
    """A progress callback for the library, drawn on stderr only when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int, name: str) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)
        if done >= total:
            self.bar.__exit__(None, None, None)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@schema_option
@format_option
@click.option(
    "--annotate",
    "annotate_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write a marked-up copy of each workbook with findings into this folder.",
)
@today_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@password_option
def validate(
    paths: tuple[Path, ...],
    schema: str | None,
    fmt: str,
    annotate_dir: Path | None,
    today: Any,
    strict: bool,
    password: str | None,
) -> None:
    """Check workbooks against their kind; every finding names its sheet and cell.

    Exit 0 when clean (warnings allowed unless --strict), 1 on any error, 2 when a file
    cannot be read.

    Example:

    \b
        xlsync validate workbooks/returns --today 2007-03-20 --annotate marked-up
    """
    from sync.report.text import failed_lines, render_validation

    report = sync.validate_workbooks(
        paths,
        schema=schema,
        today=today.date() if today else None,
        password=password,
        annotate_dir=annotate_dir,
        progress=Bar("Validating"),
    )
    data = report.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_validation(data))
    # a workbook that fails is told on stderr too, so a script or --format json user sees why
    for line in failed_lines(data, strict=strict):
        click.echo(f"xlsync: {line}", err=True)
    for bad in report.unreadable:
        click.echo(f"xlsync: {bad.error}", err=True)
    sys.exit(report.exit_code(strict=strict))


@cli.group()
def schema() -> None:
    """Workbook kinds: list them, show one, or draft one from a workbook.

    Example:

    \b
        xlsync schema show recommendations
    """


@schema.command("list")
@format_option
def schema_list(fmt: str) -> None:
    """List the workbook kinds xlsync knows.

    Example:

    \b
        xlsync schema list
    """
    from sync.report.text import table

    kinds = sync.kinds_summary()
    if fmt == "json":
        emit_json(kinds)
    else:
        click.echo(
            table(
                [[k["name"], k["title"], ", ".join(k["key"]), len(k["fields"])] for k in kinds],
                ["kind", "title", "key", "fields"],
            )
        )


@schema.command("show")
@click.argument("name")
@format_option
def schema_show(name: str, fmt: str) -> None:
    """Show a kind's fields: header aliases, type, owner, allowed values.

    Example:

    \b
        xlsync schema show risks
    """
    from sync.report.text import render_kind

    data = sync.kind_to_dict(sync.get_kind(name))
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_kind(data))


@schema.command("infer")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the draft here (YAML) instead of printing it.",
)
@click.option("--sheet", metavar="NAME", help="Draft from this sheet.")
@password_option
def schema_infer(file: Path, out: Path | None, sheet: str | None, password: str | None) -> None:
    """Draft a schema file from a workbook, to edit and use with --schema.

    Example:

    \b
        xlsync schema infer our_tracker.xlsx --out our_tracker.yaml
    """
    from sync.infer import infer_schema, schema_yaml

    text = schema_yaml(infer_schema(file, sheet=sheet, password=password))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Drafted {out}; use it with --schema {out}", err=True)


@cli.command()
@click.argument("master", type=click.Path(path_type=Path))
@click.argument("returns", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the plan; write nothing.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the merged master here instead of over MASTER.",
)
@format_option
@click.option(
    "--prefer",
    type=click.Choice(["master", "return"]),
    default="master",
    show_default=True,
    help="Which side wins a conflict (both changed a field differently).",
)
@click.option(
    "--accept-valid-rows",
    is_flag=True,
    help="Merge the valid rows of a return that has errors, and report the rest.",
)
@click.option("--force", is_flag=True, help="Write even though the master is open in Excel.")
@click.option("--partner", metavar="NAME", help="Whose return this is, when its name does not say.")
@schema_option
@today_option
def merge(
    master: Path,
    returns: tuple[Path, ...],
    dry_run: bool,
    out: Path | None,
    fmt: str,
    prefer: str,
    accept_valid_rows: bool,
    force: bool,
    partner: str | None,
    schema: str | None,
    today: Any,
) -> None:
    """Merge partner returns into the master register; nothing lost, everything logged.

    Exit 0 when every return merged (or had nothing new), 1 when a return was rejected or
    a conflict is left, 2 when a file cannot be read.

    Example:

    \b
        xlsync merge workbooks/master.xlsx workbooks/returns --dry-run
    """
    from sync.report.text import rejected_lines, render_merge

    result = sync.merge_files(
        master,
        returns,
        out=out,
        dry_run=dry_run,
        prefer=prefer,
        accept_valid_rows=accept_valid_rows,
        force=force,
        partner=partner,
        schema=schema,
        today=today.date() if today else None,
        progress=Bar("Reading returns"),
    )
    data = result.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_merge(data))
    # every rejected return is told on stderr, whatever --format, so a script sees why
    rejected = rejected_lines(data, told=result.unreadable)
    for line in [*result.notes, *rejected, *result.unreadable]:
        click.echo(f"xlsync: {line}", err=True)
    sys.exit(result.exit_code())


def _date(value: Any) -> Any:
    return value.date() if value is not None else None


@cli.command("issue")
@click.argument("master", type=click.Path(path_type=Path))
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="NAME",
    help="Issue to this partner only (repeatable); default: every partner.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default="issued",
    show_default=True,
    help="Folder for the return workbooks (kept apart from the returns that come back).",
)
@click.option(
    "--deadline",
    type=DateParam(),
    help="Date the returns are due, shown to partners: YYYY-MM-DD.",
)
@click.option(
    "--protect-password", metavar="TEXT", help="Password for the locked columns (default none)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace returns in the folder that partners have filled in (a backup is kept).",
)
@schema_option
@today_option
@format_option
def issue_cmd(
    master: Path,
    partners: tuple[str, ...],
    out: Path,
    deadline: Any,
    protect_password: str | None,
    force: bool,
    schema: str | None,
    today: Any,
    fmt: str,
) -> None:
    """Write one return workbook per partner, holding that partner's rows.

    Partners fill in the unlocked columns; the return remembers what was sent, so the
    merge can tell what they changed.

    Example:

    \b
        xlsync issue workbooks/master.xlsx --out issued --deadline 2007-03-09
    """
    from sync.issue import issue_returns
    from sync.report.text import table

    issued = issue_returns(
        master,
        out,
        partners,
        deadline=_date(deadline),
        password=protect_password,
        schema=schema,
        today=_date(today),
        force=force,
    )
    if fmt == "json":
        emit_json(issued.to_dict())
    else:
        click.echo(
            table(
                [[i.partner, i.records, str(i.path)] for i in issued], ["partner", "rows", "return"]
            )
        )
    for i in issued:
        if i.backup is not None:
            click.echo(f"Replaced {i.path.name}; what it held is kept in {i.backup}", err=True)
    sys.exit(issued.exit_code())


@cli.command()
@click.argument("master", type=click.Path(path_type=Path))
@click.argument("partner_workbook", type=click.Path(path_type=Path))
@click.option(
    "--partner", metavar="NAME", help="Whose workbook this is, when its name does not say."
)
@click.option("--dry-run", is_flag=True, help="Show the changes; write nothing.")
@click.option("--force", is_flag=True, help="Write even though the workbook is open in Excel.")
@format_option
@schema_option
def push(
    master: Path,
    partner_workbook: Path,
    partner: str | None,
    dry_run: bool,
    force: bool,
    fmt: str,
    schema: str | None,
) -> None:
    """Bring a partner's own tracker up to date with the master's coordinator-owned fields.

    New recommendations are added in the partner's layout; their own progress notes and
    extra columns are never touched.

    Example:

    \b
        xlsync push workbooks/master.xlsx "Chorley tracker.xlsx" --partner Chorley --dry-run
    """
    from sync.push import push_to_tracker
    from sync.report.text import render_push

    result = push_to_tracker(
        master, partner_workbook, partner=partner, dry_run=dry_run, force=force, schema=schema
    )
    data = result.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_push(data))
    sys.exit(result.exit_code())


@cli.command()
@click.argument("master", type=click.Path(path_type=Path))
@click.option(
    "--returns",
    "returns_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of returns: shows who has returned and who has not.",
)
@today_option
@click.option(
    "--deadline",
    type=DateParam(),
    help="Return deadline (default: the one issued returns carry).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="NAME",
    help="A partner not expected to return, such as the coordinating council (repeatable).",
)
@format_option
@schema_option
def status(
    master: Path,
    returns_dir: Path | None,
    today: Any,
    deadline: Any,
    exclude: tuple[str, ...],
    fmt: str,
    schema: str | None,
) -> None:
    """Per partner: records by status and RAG, overdue items, last merge, returns.

    Exit 1 when a partner has not returned and the deadline has passed.

    Example:

    \b
        xlsync status workbooks/master.xlsx --returns workbooks/returns --exclude "Lancashire County"
    """
    from sync.report.text import render_status
    from sync.status import master_status

    report = master_status(
        master,
        returns_dir,
        today=_date(today),
        deadline=_date(deadline),
        schema=schema,
        exclude=exclude,
    )
    data = report.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_status(data))
    sys.exit(report.exit_code())


@cli.command()
@click.argument("master", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="report.xlsx (a workbook with a live chart) or report.html (one self-contained page).",
)
@today_option
@click.option("--partner", metavar="NAME", help="Only this partner's records.")
@schema_option
def report(master: Path, out: Path, today: Any, partner: str | None, schema: str | None) -> None:
    """Write a committee-ready report: summary, chart, overdue items, dated progress.

    Example:

    \b
        xlsync report workbooks/master.xlsx --out report.html --today 2007-03-20
    """
    from sync.report.build import build_report

    written = build_report(master, out, today=_date(today), partner=partner, schema=schema)
    click.echo(f"Wrote {written}", err=True)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@schema_option
@format_option
def diff(old: Path, new: Path, schema: str | None, fmt: str) -> None:
    """Compare two versions of a workbook record by record, cell by cell (values only).

    Exit 1 when they differ, 0 when they hold the same values.

    Example:

    \b
        xlsync diff master-before.xlsx workbooks/master.xlsx
    """
    from sync.diff import diff_workbooks
    from sync.report.text import render_diff

    result = diff_workbooks(old, new, schema=schema)
    data = result.to_dict()
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_diff(data))
    sys.exit(result.exit_code())


@cli.command()
@click.argument(
    "folder",
    required=False,
    default="xlsync-demo",
    type=click.Path(path_type=Path, file_okay=False),
)
def demo(folder: Path) -> None:
    """Run the whole cycle on the sample workbooks, explaining each step.

    Copies the samples into FOLDER (default ./xlsync-demo), issues returns, simulates
    partners' edits, validates, merges, shows status and writes the committee report.

    Example:

    \b
        xlsync demo my-demo
    """
    from sync.demo import run_demo

    run_demo(folder, say=lambda line: click.echo(line))


# The xlsync command is a short process that builds millions of small objects while it
# reads a register and makes almost no reference cycles; at Python's default threshold the
# collector walks them all again and again, for nothing. The command, not the library, sets
# the threshold for its own process: `xlsync validate` of the 100,002-row benchmark register
# took 8.1 s with the default and 5.3 s with this (medians of 3, run side by side).
COLLECTOR_THRESHOLD = (100_000, 50, 100)


def main() -> None:
    """Console entry point."""
    gc.set_threshold(*COLLECTOR_THRESHOLD)
    try:
        cli.main(prog_name="xlsync", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("xlsync: interrupted", err=True)
        sys.exit(int(ExitCode.BAD_INPUT))
