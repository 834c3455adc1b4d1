"""Notes (legacy comments) added to a sheet: the comments part, its VML shapes, rels and content types."""

from __future__ import annotations

import re

from sync.write.package import CT, MAIN_NS, REL_NS, Package
from sync.write.sheetxml import SheetDoc
from sync.write.xmltext import (
    XML_DECL,
    apply_edits,
    attr_ns,
    escape_text,
    namespaces,
    needs_preserve,
    parse,
    prefix_for,
    q,
)

AUTHOR = "xlsync"
VML_NS = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "x": "urn:schemas-microsoft-com:office:excel",
}
_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"'
    ' path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


class CommentError(ValueError):
    """The note cannot be added without breaking what the sheet already has."""


def add_notes(
    pkg: Package, sheet_part: str, doc: SheetDoc, notes: dict[tuple[int, int], str]
) -> None:
    """Add `notes` ((row, col) -> text) to the sheet, keeping every comment it has."""
    if not notes:
        return
    rels = pkg.rels(sheet_part)
    comments_rel = next((r for r in rels if r.kind == "comments" and not r.external), None)
    vml_part = _vml_part(pkg, sheet_part, doc)
    if comments_rel is not None and pkg.has(comments_rel.target):
        comments_part = comments_rel.target
        text = pkg.text(comments_part)
    else:
        comments_part = pkg.unused_name("xl/comments{}.xml")
        main = MAIN_NS[pkg.flavour]
        text = f'{XML_DECL}<comments xmlns="{main}"><authors></authors><commentList></commentList></comments>'
        pkg.add_override(comments_part, CT["comments"])
        pkg.add_rel(sheet_part, "comments", comments_part)
    text, new_cells = _merge_comments(text, notes)
    pkg.put(comments_part, text)

    if vml_part is None:
        vml_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
        pkg.put(vml_part, _new_vml(_free_block(pkg)))
        pkg.ensure_default("vml", CT["vml"])
        rid = pkg.add_rel(sheet_part, "vmlDrawing", vml_part)
        scope = namespaces(doc.root)
        rel_ns = REL_NS[pkg.flavour]
        prefix = prefix_for(scope, {rel_ns})
        declare = "" if prefix else f' xmlns:r="{rel_ns}"'
        doc.insert_child(
            "legacyDrawing", f'<{doc.qn("legacyDrawing")}{declare} {prefix or "r"}:id="{rid}"/>'
        )
    if new_cells:
        pkg.put(vml_part, _add_shapes(pkg.text(vml_part), new_cells))


def _vml_part(pkg: Package, sheet_part: str, doc: SheetDoc) -> str | None:
    node = doc.root.child("legacyDrawing")
    if node is None:
        return None
    rid = attr_ns(node, "id", set(REL_NS.values()), namespaces(doc.root))
    rel = next((r for r in pkg.rels(sheet_part) if r.id == rid and not r.external), None)
    return rel.target if rel is not None and pkg.has(rel.target) else None


def _merge_comments(
    text: str, notes: dict[tuple[int, int], str]
) -> tuple[str, list[tuple[int, int]]]:
    """The comments part with `notes` in it, and the cells that need a new shape."""
    from sync.cells import a1, parse_a1

    try:
        root = parse(text)
    except ValueError as exc:
        raise CommentError(f"its comments part is not well-formed ({exc})") from None
    p = root.prefix
    edits: list[tuple[int, int, str]] = []
    authors = root.child("authors")
    names = (
        []
        if authors is None
        else [text[a.inner_start : a.inner_end] for a in authors.all("author")]
    )
    if AUTHOR in names:
        author_id = names.index(AUTHOR)
    else:
        author_id = len(names)
        new_author = f"<{q(p, 'author')}>{AUTHOR}</{q(p, 'author')}>"
        if authors is None:
            edits.append(
                (
                    root.inner_start,
                    root.inner_start,
                    f"<{q(p, 'authors')}>{new_author}</{q(p, 'authors')}>",
                )
            )
        elif authors.empty:
            edits.append(
                (
                    authors.start,
                    authors.end,
                    f"<{authors.qname}{authors.raw_attrs}>{new_author}</{authors.qname}>",
                )
            )
        else:
            edits.append((authors.inner_end, authors.inner_end, new_author))
    clist = root.child("commentList")
    existing = {}
    for c in clist.all("comment") if clist is not None else []:
        try:
            existing[parse_a1(c.attrs.get("ref", ""))] = c
        except ValueError:
            continue
    added: list[str] = []
    new_cells: list[tuple[int, int]] = []
    for (r, col), note in sorted(notes.items()):
        t = q(p, "t")
        space = ' xml:space="preserve"' if needs_preserve(note) else ""
        body = f"<{q(p, 'text')}><{t}{space}>{escape_text(note)}</{t}></{q(p, 'text')}>"
        xml = f'<{q(p, "comment")} ref="{a1(r, col)}" authorId="{author_id}">{body}</{q(p, "comment")}>'
        old = existing.get((r, col))
        if old is not None:
            old_author = old.attrs.get("authorId", "")
            if (
                old_author.isdigit()
                and int(old_author) < len(names)
                and names[int(old_author)].startswith("tc=")
            ):
                raise CommentError(
                    f"{a1(r, col)} has a threaded comment, which a note cannot replace"
                )
            edits.append((old.start, old.end, xml))  # one note a cell: its shape is reused
        else:
            added.append(xml)
            new_cells.append((r, col))
    if added:
        if clist is None:
            edits.append(
                (
                    root.inner_end,
                    root.inner_end,
                    f"<{q(p, 'commentList')}>{''.join(added)}</{q(p, 'commentList')}>",
                )
            )
        elif clist.empty:
            edits.append(
                (
                    clist.start,
                    clist.end,
                    f"<{clist.qname}{clist.raw_attrs}>{''.join(added)}</{clist.qname}>",
                )
            )
        else:
            edits.append((clist.inner_end, clist.inner_end, "".join(added)))
    return apply_edits(text, edits), new_cells


def _free_block(pkg: Package) -> int:
    """A block of shape ids no VML drawing of the workbook uses.

    Excel numbers the shapes of all VML drawings in one space, 1024 ids a block, each
    drawing claiming its blocks in <o:idmap data="...">; two drawings in one block make it
    renumber (or drop) notes when it opens the file.
    """
    used: set[int] = set()
    for name in pkg.part_names():
        if not name.lower().endswith(".vml"):
            continue
        vml = pkg.get(name).decode("utf-8", "replace")
        for m in re.finditer(r"idmap\b[^>]*\bdata\s*=\s*[\"']([\d,\s]+)", vml):
            used.update(int(n) for n in re.findall(r"\d+", m.group(1)))
        used.update(int(n) // 1024 for n in re.findall(r"_x0000_s(\d+)", vml))
    block = 1
    while block in used:
        block += 1
    return block


def _new_vml(block: int) -> str:
    return (
        f'<xml xmlns:v="{VML_NS["v"]}" xmlns:o="{VML_NS["o"]}" xmlns:x="{VML_NS["x"]}">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        f"{_SHAPETYPE}</xml>"
    )


def _add_shapes(vml: str, cells: list[tuple[int, int]]) -> str:
    """The VML drawing with a hidden note box for each cell, appended before </xml>.

    VML from Excel is not always well-formed XML, so it is never parsed: we only read the
    prefixes the root declares, the shape ids in use and the block they are numbered in.
    """
    root = re.search(r"<xml\b([^>]*)>", vml)
    # the root's end tag, which may carry whitespace before its '>' (`</xml >`) as any may
    ends = [m.start() for m in re.finditer(r"</xml\s*>", vml)]
    close = ends[-1] if ends else -1
    if root is None or close < 0:
        raise CommentError("its VML drawing has no <xml> root")
    declared = {
        m.group(2): m.group(1)
        for m in re.finditer(r"xmlns:(\w+)\s*=\s*[\"']([^\"']+)", root.group(1))
    }
    prefixes = {key: declared.get(uri, key) for key, uri in VML_NS.items()}
    extra = "".join(f' xmlns:{key}="{uri}"' for key, uri in VML_NS.items() if uri not in declared)

    def pre(markup: str) -> str:
        return re.sub(r"(</?|\s)([vox]):", lambda m: f"{m.group(1)}{prefixes[m.group(2)]}:", markup)

    ids = [int(m.group(1)) for m in re.finditer(r"_x0000_s(\d+)", vml)]
    idmap = re.search(r"idmap\b[^>]*\bdata\s*=\s*[\"'](\d+)", vml)
    block = int(idmap.group(1)) if idmap else 1
    next_id = max([block * 1024, *ids]) + 1
    shapes = []
    if "_x0000_t202" not in vml.replace("#_x0000_t202", ""):
        shapes.append(pre(_SHAPETYPE))
    for r, c in cells:
        top = max(r - 2, 0)
        shapes.append(
            pre(
                f'<v:shape id="_x0000_s{next_id}" type="#_x0000_t202" style="position:absolute;'
                "margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:1;"
                'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
                '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
                '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
                '<div style="text-align:left"></div></v:textbox>'
                '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
                f"<x:Anchor>{c}, 15, {top}, 10, {c + 2}, 15, {top + 4}, 4</x:Anchor>"
                f"<x:AutoFill>False</x:AutoFill><x:Row>{r - 1}</x:Row><x:Column>{c - 1}</x:Column>"
                "</x:ClientData></v:shape>"
            )
        )
        next_id += 1
    head = vml[: root.end()]
    if extra:
        head = vml[: root.start()] + f"<xml{root.group(1)}{extra}>"
    return head + vml[root.end() : close] + "".join(shapes) + vml[close:]
