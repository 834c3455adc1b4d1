"""The shared OOXML checker (../shared/ooxml/check.py beside the project), loaded by its path."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

CHECK = Path(__file__).resolve().parents[1].parent / "shared" / "ooxml" / "check.py"
_module: ModuleType | None = None


def checker() -> ModuleType:
    """check.py as a module; the test is skipped where it (or lxml) is absent."""
    global _module
    if _module is None:
        if not CHECK.is_file():
            pytest.skip(f"the OOXML checker is not beside the project ({CHECK})")
        pytest.importorskip("lxml")
        spec = importlib.util.spec_from_file_location("ooxml_check", CHECK)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up by name
        spec.loader.exec_module(module)
        _module = module
    return _module


def findings(path: Path) -> set[tuple[str, str, str]]:
    """(part, rule, message) of every finding; schema findings only where the schemas are
    there to validate against (without them every part is reported as undeclared)."""
    check = checker()
    with_schemas = (check.XSD_DIR / "sml.xsd").is_file()
    out = set()
    for part, result in check.check_package(path).items():
        for f in result.findings:
            if f.rule == "strict":
                continue  # a note that a Strict part was not validated, not a finding
            if f.layer == "rule" or with_schemas:
                # counts and line numbers change with any edit: a kind of finding per part
                out.add((part, f.rule, re.sub(r"\d+", "N", f.message)))
    return out


@functools.lru_cache(maxsize=64)
def _source_findings(path: str, _stamp: tuple[int, int]) -> frozenset[tuple[str, str, str]]:
    return frozenset(findings(Path(path)))


def new_findings(source: Path | None, written: Path) -> list[str]:
    """Findings on `written` that `source` (the file it was made from) did not have."""
    before: frozenset[tuple[str, str, str]] = frozenset()
    if source is not None:  # a source checked once however many files are made from it
        stat = source.stat()
        before = _source_findings(str(source.resolve()), (stat.st_mtime_ns, stat.st_size))
    seen = {(part, rule) for part, rule, _ in before}
    return sorted(
        f"{written.name}: {part} [{rule}] {message}"
        for part, rule, message in findings(written) - before
        if (part, rule) not in seen
    )


def vml_shape_blocks(path: Path) -> dict[str, tuple[set[int], list[str]]]:
    """Each VML drawing's idmap blocks and shape ids."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.lower().endswith(".vml"):
                vml = zf.read(name).decode("utf-8", "replace")
                blocks = {
                    int(n)
                    for m in re.finditer(r"idmap\b[^>]*\bdata=\"([\d,\s]+)\"", vml)
                    for n in re.findall(r"\d+", m.group(1))
                }
                out[name] = (blocks, re.findall(r"<v:shape\b[^>]*\bid=\"(\w+)\"", vml))
    return out
