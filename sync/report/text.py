"""Tables for people: xlsync's results rendered with tabulate."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

CELL_WIDTH = 48  # long progress notes are cut in tables; JSON and workbooks carry them whole


def shorten(value: Any, width: int = CELL_WIDTH) -> str:
    """One line of at most `width` characters."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[list[Any]], headers: list[str]) -> str:
    return tabulate(
        [[shorten(v) for v in row] for row in rows], headers=headers, tablefmt="simple"
    )


def render_register(data: dict[str, Any]) -> str:
    """The `inspect` view: where the table is, how each column was understood, the records."""
    lines = [
        f"{data['path']}",
        f"  kind: {data['schema']}   sheet: {data['sheet']}   header row: {data['header_row']}"
        f"   records: {data['record_count']}",
        "",
        table(
            [[f, c, data["headers"].get(f, "")] for f, c in data["columns"].items()],
            ["field", "column", "header as written"],
        ),
    ]
    if data["ignored"]:
        lines += ["", "ignored columns: " + ", ".join(data["ignored"])]
    if data["sections"]:
        lines += ["", "sections: " + "; ".join(data["sections"])]
    if data["records"]:
        fields = ["_row", *[f for f in data["records"][0] if f != "_row"]]
        lines += [
            "",
            table([[r.get(f) for f in fields] for r in data["records"]], [
                "row" if f == "_row" else f for f in fields
            ]),
        ]
    return "\n".join(lines)
