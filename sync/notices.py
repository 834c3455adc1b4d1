"""Notices about the input that are not findings, each said once by the command running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# (where a notice goes, the notices already said); None outside a command
_SINK: ContextVar[tuple[Callable[[str], None], set[str]] | None] = ContextVar(
    "xlsync_notices", default=None
)


@contextmanager
def notices_to(say: Callable[[str], None]) -> Iterator[None]:
    """While inside, each distinct notice goes to `say` once. Outside (a library caller, a
    worker process), notices are dropped: a schema file is read the same either way."""
    token = _SINK.set((say, set()))
    try:
        yield
    finally:
        _SINK.reset(token)


def notice(line: str) -> None:
    """Say `line` to the command running, unless it has been said already."""
    current = _SINK.get()
    if current is None:
        return
    say, said = current
    if line not in said:
        said.add(line)
        say(line)
