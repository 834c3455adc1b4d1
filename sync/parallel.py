"""Read many files across cores; one that fails does not stop the others."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")

PARALLEL_FROM = 4  # below this, starting worker processes costs more than it saves


def workers() -> int:
    """Worker processes to use: XLSYNC_WORKERS if set, else one per core."""
    env = os.environ.get("XLSYNC_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def map_files(
    fn: Callable[..., T],
    items: Sequence[Any],
    *args: Any,
    progress: Callable[[int, int, str], None] | None = None,
    label: Callable[[Any], str] = str,
) -> list[T]:
    """`fn(item, *args)` for each item, in order; across processes when there are enough items.

    `fn` must be a module-level function and must turn its own failures into values: a
    worker that raises anyway has its exception re-raised here, after the others finish.
    """
    n = len(items)
    count = workers()
    if n < PARALLEL_FROM or count < 2:
        results = []
        for done, item in enumerate(items, start=1):
            results.append(fn(item, *args))
            if progress is not None:
                progress(done, n, label(item))
        return results
    out: list[Any] = [None] * n
    with ProcessPoolExecutor(max_workers=min(count, n)) as pool:
        futures = {pool.submit(fn, item, *args): i for i, item in enumerate(items)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            out[i] = future.result()
            if progress is not None:
                progress(done, n, label(items[i]))
    return out
