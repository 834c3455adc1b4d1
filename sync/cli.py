"""The xlsync command line: a thin skin over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

import sync
from sync.errors import ExitCode, XlsyncError

F = Callable[..., Any]


class XlsyncGroup(click.Group):
    """Turns XlsyncError into one line on stderr and its exit code; --debug re-raises."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
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

        xlsync inspect workbooks/master.xlsx
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@schema_option
@click.option("--sheet", metavar="NAME", help="Read this sheet instead of finding the table.")
@password_option
@format_option
def inspect(file: Path, schema: str | None, sheet: str | None, password: str | None, fmt: str) -> None:
    """Show what xlsync understood of a workbook: sheet, header row, columns, records.

    Example:

        xlsync inspect workbooks/one_stop_shop.xlsx --format json
    """
    from sync.report.data import register_to_dict
    from sync.report.text import render_register

    register = sync.read_register(file, schema=schema, sheet=sheet, password=password)
    data = register_to_dict(register)
    if fmt == "json":
        emit_json(data)
    else:
        click.echo(render_register(data))


def main() -> None:
    """Console entry point."""
    try:
        cli.main(prog_name="xlsync", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("xlsync: interrupted", err=True)
        sys.exit(int(ExitCode.BAD_INPUT))
