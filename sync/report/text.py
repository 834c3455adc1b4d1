"""Tables for people: xlsync's results rendered with tabulate."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

MIN_WIDTH = 6  # a column is never squeezed narrower than this (or its own widest text)
MAX_WORD = 16  # a longer word may break across lines
MIN_WORD = 7  # a table whose columns cannot keep words this long is shown row by row
MAX_LINES = 8  # a wrapped cell longer than this is cut; JSON and workbooks carry it whole
LONG = 40  # values longer than this that differ show only around where they differ
CONTEXT = 16  # characters kept either side of a difference
GAP = 2  # spaces between columns in tabulate's "simple" format


def terminal_width() -> int:
    """The width tables must fit: `COLUMNS` when set, else the terminal's, else 100."""
    return max(40, shutil.get_terminal_size((100, 24)).columns)


def flat(value: Any) -> str:
    """A value as one line of text: a note's line breaks become spaces."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def shorten(value: Any, width: int) -> str:
    """One line of at most `width` characters."""
    text = flat(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[list[Any]], headers: list[str], width: int | None = None) -> str:
    """Rows under headers, fitted to `width` (the terminal): the widest columns wrap first.

    Laid out like tabulate's "simple" format; every value is text, left-aligned (refs such as
    "17." are not numbers to align).
    """
    width = width or terminal_width()
    cells = [[flat(v) for v in row] + [""] * (len(headers) - len(row)) for row in rows]
    columns = list(zip(headers, *cells, strict=True))
    natural = [max(map(len, col)) for col in columns]
    words = [max(len(w) for text in col for w in [*text.split(), ""]) for col in columns]
    room = width - GAP * (len(headers) - 1)
    if sum(min(w, MIN_WORD) for w in words) > room:
        return _records(headers, cells, width)  # too many columns: one block per row instead
    widths = _fit(natural, words, room)
    lines = _lines([_wrap(h, w) for h, w in zip(headers, widths, strict=True)], widths)
    lines.append((" " * GAP).join("-" * w for w in widths))
    for row in cells:
        lines += _lines([_wrap(c, w) for c, w in zip(row, widths, strict=True)], widths)
    return "\n".join(lines)


def _records(headers: list[str], cells: list[list[str]], width: int) -> str:
    """Each row as a block of "header  value" lines, for a terminal too narrow for the table."""
    label = max(map(len, headers))
    room = max(MIN_WIDTH, width - label - GAP)
    blocks = []
    for row in cells:
        lines = []
        for h, c in zip(headers, row, strict=True):
            wrapped = _wrap(c, room).split("\n")
            lines.append(f"{h.ljust(label)}{' ' * GAP}{wrapped[0]}".rstrip())
            lines += [" " * (label + GAP) + more for more in wrapped[1:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _lines(texts: list[str], widths: list[int]) -> list[str]:
    """One table row, each of its cells wrapped onto as many lines as it needs."""
    split = [t.split("\n") for t in texts]
    depth = max(map(len, split))
    return [
        (" " * GAP)
        .join(
            (part[i] if i < len(part) else "").ljust(w)
            for part, w in zip(split, widths, strict=True)
        )
        .rstrip()
        for i in range(depth)
    ]


def _fit(natural: list[int], words: list[int], room: int) -> list[int]:
    """Column widths that fit `room`: the widest columns are cut down to a common cap, and no
    column is made narrower than its longest word (a date, a name) while that can be helped."""
    if sum(natural) <= room:
        return natural
    longest = MAX_WORD
    floor = [min(n, w, longest) for n, w in zip(natural, words, strict=True)]
    while longest > MIN_WIDTH and sum(floor) > room:
        longest -= 1
        floor = [min(n, w, longest) for n, w in zip(natural, words, strict=True)]

    def widths(cap: int) -> list[int]:
        return [max(f, min(n, cap)) for n, f in zip(natural, floor, strict=True)]

    cap = max(natural)
    while cap > 1 and sum(widths(cap)) > room:
        cap -= 1
    return widths(cap)


def _wrap(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: width - 1] + "…"
    return "\n".join(lines)


def show_difference(old: Any, new: Any) -> tuple[Any, Any]:
    """Two long texts that differ, cut to the part that differs and a little either side,
    so that a one-word edit to a long recommendation is not lost when the cells wrap."""
    if not isinstance(old, str) or not isinstance(new, str):
        return old, new
    a, b = flat(old), flat(new)
    if a == b or max(len(a), len(b)) <= LONG:
        return old, new
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = _word_start(a, max(0, head - CONTEXT))
    return _excerpt(a, start, len(a) - tail), _excerpt(b, start, len(b) - tail)


def _word_start(text: str, at: int) -> int:
    """`at`, moved back to the start of the word it falls in."""
    while 0 < at and text[at - 1] != " ":
        at -= 1
    return at


def _excerpt(text: str, start: int, end: int) -> str:
    end = min(len(text), end + CONTEXT)
    while end < len(text) and text[end] != " ":
        end += 1  # finish the word
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


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
    if data.get("skipped"):
        lines += [
            "",
            "skipped rows: " + "; ".join(f"{s['row']} {s['why']}" for s in data["skipped"]),
        ]
    if data["records"]:
        fields = ["_row", *[f for f in data["records"][0] if f != "_row"]]
        lines += [
            "",
            table(
                [[r.get(f) for f in fields] for r in data["records"]],
                ["row" if f == "_row" else f for f in fields],
            ),
        ]
    return "\n".join(lines)


def render_validation(data: dict[str, Any]) -> str:
    """One summary row per file, then every finding with its sheet!cell."""
    summary = [
        [
            f["path"],
            f.get("schema") or "-",
            f.get("sheet") or "-",
            f.get("records", 0),
            f.get("errors", 0),
            f.get("warnings", 0),
            f.get("error") or ("ok" if not f.get("errors") else "errors"),
        ]
        for f in data["files"]
    ]
    lines = [table(summary, ["file", "kind", "sheet", "records", "errors", "warnings", "result"])]
    findings = [
        [
            _name(f["path"]),
            f"{x['sheet']}!{x['cell']}",
            x["severity"],
            x["column"],
            x["value"],
            x["message"],
        ]
        for f in data["files"]
        for x in f["findings"]
    ]
    if findings:
        lines += [
            "",
            table(findings, ["file", "cell", "severity", "column", "value", "message"]),
        ]
    return "\n".join(lines)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def first_finding(findings: list[dict[str, Any]], severity: str) -> str:
    """How many findings of `severity` a file has and the first, with its cell, in the words
    of the findings table: "2 errors, the first: Return!G7 Status 'Maybe' is not one of: ..."."""
    found = [f for f in findings if f["severity"] == severity]
    if not found:
        return ""
    first = found[0]
    where = f"{first['sheet']}!{first['cell']} " if first.get("cell") else ""
    count = f"1 {severity}" if len(found) == 1 else f"{len(found)} {severity}s, the first"
    return f"{count}: {where}{flat(first['message'])}"


def rejected_lines(data: dict[str, Any], told: list[str]) -> list[str]:
    """A line for stderr for each return a merge rejected: its file, the reason its table row
    gives and its first error with the cell; a return refused with a line in `told` (which
    names the file already) is not told twice."""
    lines = []
    for r in data["returns"]:
        if r["status"] != "rejected" or r["reason"] in told:
            continue
        errors = first_finding(r["findings"], "error")
        lines.append(
            f"{_name(r['path'])}: rejected, {r['reason']}" + (f": {errors}" if errors else "")
        )
    return lines


def failed_lines(data: dict[str, Any], strict: bool = False) -> list[str]:
    """A line for stderr for each workbook that fails validation (its errors, or with `strict`
    its warnings), in the words `rejected_lines` uses; unreadable files have their own line."""
    lines = []
    for f in data["files"]:
        if f.get("error") is not None:
            continue
        if f.get("errors"):
            lines.append(f"{_name(f['path'])}: {first_finding(f['findings'], 'error')}")
        elif strict and f.get("warnings"):
            lines.append(
                f"{_name(f['path'])}: {first_finding(f['findings'], 'warning')} (--strict)"
            )
    return lines


def render_kind(data: dict[str, Any]) -> str:
    """A kind's fields, for `xlsync schema show`."""
    rows = [
        [
            name,
            f["type"] + (" (required)" if f["required"] else ""),
            f["owner"],
            ", ".join(f["aliases"][:6]) + (" …" if len(f["aliases"]) > 6 else ""),
            ", ".join(f["allowed"]),
        ]
        for name, f in data["fields"].items()
    ]
    lines = [
        f"{data['name']}: {data['title']}",
        data["description"],
        f"key: {', '.join(data['key'])}",
        "roles: " + ", ".join(f"{k}: {' or '.join(_as_list(v))}" for k, v in data["roles"].items()),
        "",
        table(rows, ["field", "type", "edited by", "headers", "allowed values"]),
    ]
    if data["rules"]:
        lines += ["", "rules:"] + [
            f"  {r['rule']}: {r['sentence']}"
            + (f" ({', '.join(r['fields'])})" if r["fields"] else "")
            for r in data["rules"]
        ]
    return "\n".join(lines)


def render_merge(data: dict[str, Any]) -> str:
    """What a merge did (or would do): per return, then each change, addition and problem."""
    return _render_changes(data, push=False)


def render_push(data: dict[str, Any]) -> str:
    """What a push did (or would do) to a partner's own tracker, in the same shape as a merge."""
    return _render_changes(data, push=True)


def _render_changes(data: dict[str, Any], push: bool) -> str:
    source = "tracker" if push else "return"
    status_words = {"merged": "updated"} if push else {}
    lines = [
        table(
            [
                [
                    _name(r["path"]),
                    r["partner"],
                    status_words.get(r["status"], r["status"]),
                    r["updated"],
                    r["added"],
                    *([] if push else [r["conflicts"], r["rejected_edits"]]),
                    r["reason"],
                ]
                for r in data["returns"]
            ],
            [
                source,
                "partner",
                "status",
                "updated",
                "added",
                *([] if push else ["conflicts", "rejected edits"]),
                "note",
            ],
        )
    ]
    dry = " (dry run: nothing written)" if data["dry_run"] else ""
    sections = [
        (
            ("Changes to the tracker" if push else "Changes") + dry,
            [_differing(_added_text(c), "old", "new") for c in data["changes"]],
            ["partner", "ref", "field", "old", "new", "source"],
        ),
        (
            "New rows (added at the end of the tracker)"
            if push
            else "New rows (at the end of their section or partner's rows, else of the register)",
            data["added"],
            ["partner", "ref", "source"],
        ),
        (
            "Conflicts (both sides changed it)",
            [_differing(c, "master", "return") for c in data["conflicts"]],
            ["partner", "ref", "field", "base", "master", "return", "kept"],
        ),
        (
            "Rejected edits (coordinator-owned fields; the master keeps its value)",
            [_differing(c, "master", "return") for c in data["rejected_edits"]],
            ["partner", "ref", "field", "master", "return", "source"],
        ),
        (
            "Cleared in the return (a blank never erases a value: the master keeps it)",
            data.get("cleared", []),
            ["partner", "ref", "field", "kept", "cell", "source"],
        ),
        (
            "Rows not merged (errors in the return; the master keeps its values)",
            [{**r, "errors": "; ".join(r["errors"])} for r in data.get("rejected_rows", [])],
            ["partner", "ref", "source", "errors"],
        ),
        ("Missing from the return (kept in the master)", data["missing"], ["partner", "ref"]),
    ]
    for title, items, keys in sections:
        if items:
            lines += ["", f"{title}:", table([[i.get(k) for k in keys] for i in items], keys)]
    findings = [
        [_name(r["path"]), f"{f['sheet']}!{f['cell']}", f["severity"], f["message"]]
        for r in data["returns"]
        if r["status"] in ("rejected", "partial")
        for f in r["findings"]
    ]
    if findings:
        lines += [
            "",
            "Findings in rejected returns:",
            table(findings, ["file", "cell", "severity", "message"]),
        ]
    if data.get("written"):
        lines += [
            "",
            f"Wrote {data['written']}"
            + (f" (previous copy kept as {data['backup']})" if data.get("backup") else ""),
        ]
    elif not data["dry_run"]:
        what = "the tracker" if push else "the master"
        lines += ["", f"Nothing to change; {what} was not written."]
    return "\n".join(lines)


def _differing(item: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    """`item` with its two long, differing values cut to where they differ."""
    shown_a, shown_b = show_difference(item.get(a), item.get(b))
    return {**item, a: shown_a, b: shown_b}


def _added_text(change: dict[str, Any]) -> dict[str, Any]:
    """A change whose new text extends the old shows only what was added ("+ 6 March 2007 …")."""
    old, new = change.get("old"), change.get("new")
    if isinstance(old, str) and isinstance(new, str) and old and new != old and new.startswith(old):
        return {**change, "old": "…" + old[-20:], "new": "+ " + new[len(old) :].strip()}
    return change


BLANK = "(blank)"  # what `status` counts an empty status or RAG under


def render_status(data: dict[str, Any]) -> str:
    """One row per partner: records by the kind's statuses, RAG, the current period reported,
    overdue, last merge, return."""
    statuses = list(data.get("statuses") or [])
    period = data.get("period")
    rag = [] if "rags" in data and not data["rags"] else ["RAG"]
    rows = []
    for p in data["partners"]:
        returned = {None: "", True: "returned", False: "NOT RETURNED"}[p["returned"]]
        if p["returned"] and p["newer_than_merge"]:
            returned += " (not yet merged)"
        reported = [f"{p['due'] - len(p['not_reported'])} of {p['due']}"] if period else []
        rows.append(
            [
                p["partner"],
                p["records"],
                *[p["by_status"].get(s, 0) for s in statuses],
                *[
                    " ".join(f"{k[0]}:{v}" for k, v in sorted(p["by_rag"].items()) if k != BLANK)
                    for _ in rag
                ],
                *reported,
                len(p["overdue"]),
                p["last_merged"] or ("up to date" if p.get("up_to_date") else "never"),
                returned,
            ]
        )
    headers = ["partner", "records", *statuses, *rag]
    headers += [f"reported {period}"] if period else []
    lines = [table(rows, [*headers, "overdue", "last merged", "return"])]
    overdue = [[p["partner"], ", ".join(p["overdue"])] for p in data["partners"] if p["overdue"]]
    if overdue:
        lines += [
            "",
            f"Overdue at {data['today']} (due date passed, not done):",
            table(overdue, ["partner", "records"]),
        ]
    late = [[p["partner"], ", ".join(p["not_reported"])] for p in data["partners"]]
    late = [row for row in late if row[1]]
    if period and late:
        lines += ["", f"Not yet reported for {period}:", table(late, ["partner", "indicators"])]
    if data["missing"]:
        when = f" (deadline {data['deadline']})" if data["deadline"] else ""
        lines += ["", f"Not returned{when}: " + ", ".join(data["missing"])]
    if data["unmatched_returns"]:
        lines += [
            "",
            "Files in the returns folder that match no partner: "
            + ", ".join(_name(p) for p in data["unmatched_returns"]),
        ]
    return "\n".join(lines)


def render_diff(data: dict[str, Any]) -> str:
    """Records added and removed, and each changed field with its cells."""
    lines = [f"--- {data['old']}", f"+++ {data['new']}"]
    if data["added"]:
        lines += [
            "",
            "Added:",
            table(
                [[r["partner"], r["ref"], r["cell"]] for r in data["added"]],
                ["partner", "ref", "cell"],
            ),
        ]
    if data["removed"]:
        lines += [
            "",
            "Removed:",
            table(
                [[r["partner"], r["ref"], r["cell"]] for r in data["removed"]],
                ["partner", "ref", "cell"],
            ),
        ]
    if data["changed"]:
        rows = [
            [c["partner"], c["ref"], c["field"], c["old"], c["new"], c["new_cell"]]
            for c in (_differing(_added_text(c), "old", "new") for c in data["changed"])
        ]
        lines += ["", "Changed:", table(rows, ["partner", "ref", "field", "old", "new", "cell"])]
    if len(lines) == 2:
        lines += ["", "No differences in values."]
    return "\n".join(lines)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
