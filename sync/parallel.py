"""Read many files across cores; one that fails does not stop the others."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PARALLEL_FROM = 4  # below this, starting worker processes costs more than it saves
# A spawned worker (Windows, macOS) starts a fresh interpreter and imports pandas and pandera
# before its first file. Seven returns of 1,000 rows took 27 and 39 s on two spawned workers
# against 23 and 19 s in one process (a heavily loaded two-core machine), so spawned workers
# start only for many files.
SPAWN_PARALLEL_FROM = 32
BATCHES_PER_WORKER = 8  # many small files go out in batches; enough of them to keep cores even
IN_PROCESS_BATCH = 20  # a batched function given this many at a time when there are no workers


_gate: Any = None  # in a worker: the semaphore it holds while reading a batch


def _start_worker(gate: Any) -> None:
    global _gate
    _gate = gate


def _run_batch(batched: bool, fn: Callable[..., Any], batch: list[Any], *args: Any) -> list[Any]:
    """`fn(item, *args)` for each item of a batch, in a worker: a batch of small files needs
    one task, not one each. With `batched`, `fn` takes the list and returns a result each."""
    with _gate:
        return fn(batch, *args) if batched else [fn(item, *args) for item in batch]


def workers() -> int:
    """Worker processes to use: XLSYNC_WORKERS if set, else one per core."""
    env = os.environ.get("XLSYNC_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _context() -> Any:
    """How worker processes start: XLSYNC_START_METHOD (spawn, fork, forkserver) if set, else
    the platform's default (spawn on Windows and macOS). Setting it to spawn on Linux runs the
    parallel path as Windows does."""
    method = os.environ.get("XLSYNC_START_METHOD", "") or None
    if method is not None and method not in multiprocessing.get_all_start_methods():
        method = None
    return multiprocessing.get_context(method)


class Pending(Generic[T]):
    """Files handed to worker processes; the caller does other work, then collects them.

    With too few files for workers to pay, nothing starts until `results` is called, and
    the files are then read in this process, in order.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        items: Sequence[Any],
        args: tuple[Any, ...],
        label: Callable[[Any], str],
        batched: bool = False,
    ) -> None:
        self._fn, self._items, self._args, self._label = fn, list(items), args, label
        self._batched = batched
        self._pool: ProcessPoolExecutor | None = None
        self._gate: Any = None
        self._futures: dict[Future[list[Any]], range] = {}
        count = workers()
        n = len(self._items)
        context = _context()
        enough = SPAWN_PARALLEL_FROM if context.get_start_method() == "spawn" else PARALLEL_FROM
        if n >= enough and count >= 2:
            # Until `results` is called the caller is busy too (a merge reads its master), so
            # one worker fewer reads at once: three processes on two cores made reading a
            # 100,000-row master take twice as long, and everything after waits for it.
            self._gate = context.Semaphore(count - 1)
            self._pool = ProcessPoolExecutor(
                max_workers=min(count, n),
                mp_context=context,
                initializer=_start_worker,
                initargs=(self._gate,),
            )
            size = max(1, n // (count * BATCHES_PER_WORKER))
            for first in range(0, n, size):
                indices = range(first, min(first + size, n))
                batch = [self._items[i] for i in indices]
                future = self._pool.submit(_run_batch, batched, fn, batch, *args)
                self._futures[future] = indices

    def results(
        self,
        progress: Callable[[int, int, str], None] | None = None,
        then: Callable[[T], Any] | None = None,
    ) -> list[Any]:
        """Every result, in the order of the items; progress is reported as each one is done.

        `then`, if given, is applied in this process to each result as it arrives, so that
        its work overlaps the workers' reading of the rest. A worker that raised has its
        exception re-raised here, after the others finish.
        """
        n = len(self._items)
        finish: Callable[[T], Any] = then if then is not None else _same
        if self._pool is None:
            results = []
            size = IN_PROCESS_BATCH if self._batched else 1
            for first in range(0, n, size):
                batch = self._items[first : first + size]
                got = (
                    self._fn(batch, *self._args)
                    if self._batched
                    else [self._fn(item, *self._args) for item in batch]
                )
                for item, result in zip(batch, got, strict=True):
                    results.append(finish(result))
                    if progress is not None:
                        progress(len(results), n, self._label(item))
            return results
        out: list[Any] = [None] * n
        self._gate.release()  # the caller now waits for the workers: they may have every core
        try:
            done = 0
            for future in as_completed(self._futures):
                for i, result in zip(self._futures[future], future.result(), strict=True):
                    out[i] = finish(result)
                    done += 1
                    if progress is not None:
                        progress(done, n, self._label(self._items[i]))
        finally:
            self.close()
            self._futures.clear()  # a finished future keeps its result; the caller has them now
        return out

    def close(self) -> None:
        """Stop the workers; files not yet started are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _same(result: Any) -> Any:
    return result


def start_files(
    fn: Callable[..., Any],
    items: Sequence[Any],
    *args: Any,
    label: Callable[[Any], str] = str,
    batched: bool = False,
) -> Pending[Any]:
    """Start `fn(item, *args)` for each item on worker processes, when there are enough items.
    With `batched`, `fn(items, *args)` takes a list of items and returns a result for each.

    `fn` must be a module-level function and must turn its own failures into values. Workers
    start now, so they are small copies of this process as it is before it loads anything big.
    """
    return Pending(fn, items, args, label, batched)


def map_files(
    fn: Callable[..., T],
    items: Sequence[Any],
    *args: Any,
    progress: Callable[[int, int, str], None] | None = None,
    label: Callable[[Any], str] = str,
    batched: bool = False,
) -> list[Any]:
    """`fn(item, *args)` for each item, in order; across processes when there are enough items.

    `fn` must be a module-level function and must turn its own failures into values: a
    worker that raises anyway has its exception re-raised here, after the others finish.
    """
    return start_files(fn, items, *args, label=label, batched=batched).results(progress)


_background: list[ThreadPoolExecutor] = []  # started on first use, kept for the next


def in_background(fn: Callable[..., T], *args: Any) -> Future[T]:
    """`fn(*args)`, started now on one of xlsync's two background threads.

    For work that lets go of the interpreter lock (reading a file, hashing, inflating and
    deflating), which then runs on another core while the caller goes on with its Python.
    """
    if not _background:
        _background.append(ThreadPoolExecutor(2, thread_name_prefix="xlsync"))
    return _background[0].submit(fn, *args)
