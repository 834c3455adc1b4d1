"""The workbook part: its sheets, date system and defined names, edited as text."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.errors import UnreadableFile, WriteRefused
from sync.write.package import MAIN_NS, REL_NS, Package
from sync.write.xmltext import (
    Node,
    apply_edits,
    attr_ns,
    escape_attr,
    escape_text,
    namespaces,
    prefix_for,
    q,
    retag,
    set_attr,
    unescape,
)

WORKBOOK_ORDER = (
    "fileVersion fileSharing workbookPr appInfo workbookProtection bookViews sheets functionGroups "
    "externalReferences definedNames calcPr oleSize customWorkbookViews pivotCaches smartTagPr "
    "smartTagTypes webPublishing fileRecoveryPr webPublishObjects extLst"
).split()


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """One <sheet> of the workbook: its name, id, relationship, state and part."""

    name: str
    sheet_id: int
    rid: str
    state: str
    part: str | None
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet...
    index: int
    node: Node


@dataclass(slots=True)
class Workbook:
    pkg: Package
    part: str
    text: str
    root: Node
    scope: dict[str, str]
    sheets: list[SheetEntry]
    date1904: bool
    _edits: list[tuple[int, int, str]] = field(default_factory=list)
    _tags: dict[int, tuple[Node, str]] = field(default_factory=dict)
    _new_sheets: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, pkg: Package) -> Workbook:
        office = [r for r in pkg.rels("") if r.kind == "officeDocument" and not r.external]
        if not office or not pkg.has(office[0].target):
            raise UnreadableFile("the package has no workbook part", pkg.path)
        part = office[0].target
        text, root = pkg.tree(part)
        scope = namespaces(root)
        main = scope.get(root.prefix)
        if root.local != "workbook" or main not in MAIN_NS.values():
            raise WriteRefused(f"{part} is not a SpreadsheetML workbook", pkg.path)
        pkg.flavour = "strict" if main == MAIN_NS["strict"] else "transitional"
        rels = {r.id: r for r in pkg.rels(part)}
        sheets: list[SheetEntry] = []
        sheets_node = root.child("sheets")
        for i, node in enumerate(sheets_node.all("sheet") if sheets_node else []):
            a = node.attrs
            rid = attr_ns(node, "id", set(REL_NS.values()), scope) or ""
            rel = rels.get(rid)
            sheets.append(
                SheetEntry(
                    name=a.get("name", ""),
                    sheet_id=int(a.get("sheetId", "0") or 0),
                    rid=rid,
                    state=a.get("state", "visible"),
                    part=rel.target if rel and not rel.external else None,
                    kind=rel.kind if rel else "",
                    index=i,
                    node=node,
                )
            )
        pr = root.child("workbookPr")
        date1904 = pr is not None and pr.attrs.get("date1904", "").lower() in ("1", "true")
        return cls(pkg, part, text, root, scope, sheets, date1904)

    def find(self, name: str) -> SheetEntry | None:
        """A sheet by name; Excel treats sheet names without regard to case."""
        return next((s for s in self.sheets if s.name.casefold() == name.casefold()), None)

    # -- edits -------------------------------------------------------------------------------

    def set_attr(self, node: Node, name: str, value: str | None) -> None:
        _, raw = self._tags.get(node.start, (node, node.raw_attrs))
        self._tags[node.start] = (node, set_attr(raw, name, value))

    def set_state(self, sheet: SheetEntry, state: str) -> None:
        if sheet.state != state:
            self.set_attr(sheet.node, "state", None if state == "visible" else state)

    def add_sheet(self, name: str, rid: str, state: str) -> None:
        sheets_node = self.root.child("sheets")
        assert sheets_node is not None
        taken = [s.sheet_id for s in self.sheets] + [0]
        sheet_id = max(taken) + 1 + len(self._new_sheets)
        rel_prefix = prefix_for(self.scope, {REL_NS[self.pkg.flavour]})
        declare = ""
        if not rel_prefix:
            rel_prefix = "r"
            declare = f' xmlns:r="{REL_NS[self.pkg.flavour]}"'
        state_attr = "" if state == "visible" else f' state="{state}"'
        xml = (
            f'<{q(self.root.prefix, "sheet")} name="{escape_attr(name)}" sheetId="{sheet_id}"'
            f'{state_attr}{declare} {rel_prefix}:id="{rid}"/>'
        )
        self._new_sheets.append(name)
        if sheets_node.empty:
            self._edits.append(
                (
                    sheets_node.start,
                    sheets_node.end,
                    f"<{sheets_node.qname}{sheets_node.raw_attrs}>{xml}</{sheets_node.qname}>",
                )
            )
        else:
            self._edits.append((sheets_node.inner_end, sheets_node.inner_end, xml))

    def defined_names(self) -> list[tuple[Node, dict[str, str], str]]:
        names = self.root.child("definedNames")
        if names is None:
            return []
        return [
            (n, n.attrs, unescape(self.text[n.inner_start : n.inner_end]))
            for n in names.all("definedName")
        ]

    def set_defined_name(self, node: Node, formula: str) -> None:
        self._edits.append((node.inner_start, node.inner_end, escape_text(formula)))

    def recalculates(self) -> bool:
        """Whether Excel is already asked to recalculate the workbook on opening."""
        calc = self.root.child("calcPr")
        return calc is not None and calc.attrs.get("fullCalcOnLoad") in ("1", "true")

    def full_calc_on_load(self) -> None:
        """Ask Excel to recalculate on opening, so formulas over changed cells show new results."""
        calc = self.root.child("calcPr")
        if calc is not None:
            if calc.attrs.get("fullCalcOnLoad") not in ("1", "true"):
                self.set_attr(calc, "fullCalcOnLoad", "1")
            return
        xml = f'<{q(self.root.prefix, "calcPr")} fullCalcOnLoad="1"/>'
        rank = WORKBOOK_ORDER.index("calcPr")
        for child in self.root.children:
            if child.local in WORKBOOK_ORDER and WORKBOOK_ORDER.index(child.local) > rank:
                self._edits.append((child.start, child.start, xml))
                return
        self._edits.append((self.root.inner_end, self.root.inner_end, xml))

    def render(self) -> str:
        return apply_edits(
            self.text, self._edits + [retag(n, raw) for n, raw in self._tags.values()]
        )

    @property
    def changed(self) -> bool:
        return bool(self._edits or self._tags)
