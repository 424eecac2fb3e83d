"""Screening many queries: on all cores, with progress, from files to a JSON-lines file.

The index is built once in the parent process; workers are forked from it so they share its memory
(copy-on-write) instead of each building or unpickling their own, and the parent screens a share too.
Results come back in input order. If a worker dies (the operating system ends it for want of memory, say),
the run stops with a :class:`WorkerError` instead of waiting for its results forever.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import InputError, WorkerError
from .formats import iter_queries, read_watchlist
from .index import DEFAULT_THRESHOLD, Index
from .model import Entity, ListInfo, Match

#: Default number of matches written per query.
DEFAULT_LIMIT = 10
_CHUNK = 200
_LAST_CHUNK = 20
_MIN_PARALLEL = 400

_WORKER_INDEX: Index | None = None


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _worker_start() -> None:
    """A worker forked from a process that handles SIGTERM itself (a queue worker asks its jobs to stop
    that way) would inherit the handler and ignore the executor's SIGTERM when a sibling dies, leaving
    the run waiting for it forever: a worker ends on SIGTERM, as a plain process does."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _screen_chunk(args: tuple[list[Entity], float, int]) -> list[list[Match]]:
    queries, threshold, limit = args
    assert _WORKER_INDEX is not None
    return _WORKER_INDEX.screen_all(queries, threshold, limit)


def screen_many(
    index: Index,
    queries: Sequence[Entity],
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    workers: int | None = None,
) -> Iterator[list[Match]]:
    """Matches for each query, in input order, using ``workers`` processes (default: all cores): this one
    and ``workers - 1`` forked from it."""
    global _WORKER_INDEX
    workers = workers or default_workers()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or len(queries) < _MIN_PARALLEL or not can_fork:
        for chunk in _chunks(queries, 1):
            yield from index.screen_all(chunk, threshold, limit)
        return
    chunks = _chunks(queries, workers)
    _WORKER_INDEX = index
    # Objects alive now (the index) leave the garbage collector's view, so that collections in the
    # workers do not touch, and thereby copy, every page of the index they share with this process.
    gc.freeze()
    try:
        # With "fork", the executor starts all its workers before any thread of its own.
        pool = ProcessPoolExecutor(
            workers - 1, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start
        )
        try:
            yield from _shared(
                chunks,
                lambda chunk: index.screen_all(chunk, threshold, limit),
                lambda chunk: pool.submit(_screen_chunk, (chunk, threshold, limit)),
                ahead=2 * (workers - 1),
            )
        except BrokenProcessPool as exc:
            raise WorkerError(
                f"a screening worker process died before finishing (one of {workers - 1}); most often the "
                "system ended it for want of memory: run again with fewer workers or more memory"
            ) from exc
        finally:
            # a caller that stops reading early does not wait for the chunks nobody will read
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        _WORKER_INDEX = None
        gc.unfreeze()


def _chunks(queries: Sequence[Entity], workers: int) -> list[list[Entity]]:
    """The queries in chunks of ``_CHUNK``, smaller towards the end (a share of what is left, down to
    ``_LAST_CHUNK``), so that no process is left screening a whole chunk while the others wait."""
    out, i = [], 0
    while i < len(queries):
        size = max(_LAST_CHUNK, min(_CHUNK, (len(queries) - i) // (2 * workers)))
        out.append(list(queries[i : i + size]))
        i += size
    return out


def _shared(
    chunks: list[list[Entity]],
    here: Callable[[list[Entity]], list[list[Match]]],
    submit: Callable[[list[Entity]], Future[list[list[Match]]]],
    ahead: int,
) -> Iterator[list[Match]]:
    """Each chunk's results in order, the chunks shared between the worker processes and this one.

    The workers keep ``ahead`` chunks in hand; whenever the chunk due next is not back yet, this process
    screens the first chunk nobody has taken, so it works instead of waiting. Each worker's private memory
    is the pages of the index it has touched (copied on write) plus its own caches, as much again as this
    process's: screening here instead of in one more worker saves one such copy (bench/screening).
    """
    futures: dict[int, Future[list[list[Match]]]] = {}
    done_here: dict[int, list[list[Match]]] = {}
    free = 0  # chunks[free:] are nobody's yet

    def feed() -> None:
        nonlocal free
        while free < len(chunks) and len(futures) < ahead:
            futures[free] = submit(chunks[free])
            free += 1

    for i in range(len(chunks)):
        feed()  # chunk i is always taken after this: the chunks are taken in order
        if i in done_here:
            yield from done_here.pop(i)
            continue
        due = futures.pop(i)
        while not due.done():
            feed()
            if free == len(chunks):
                break
            done_here[free] = here(chunks[free])
            free += 1
        yield from due.result()


class Progress:
    """A one-line progress bar for a terminal (or a log: it only redraws a few times a second)."""

    def __init__(self, total: int, stream: TextIO | None, label: str = "screening") -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.label = label
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.stream is not None and (now - self._last > 0.25 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        frac = min(1.0, self.done / self.total)
        width = 30
        filled = int(frac * width)
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} {frac:6.1%} {rate:,.0f}/s {elapsed:.1f}s"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


@dataclass(frozen=True, slots=True)
class ScreenSummary:
    watchlist: ListInfo
    queries: int
    queries_with_matches: int
    matches: int
    seconds_reading: float
    seconds_indexing: float
    seconds_screening: float


def match_line(query_id: str, matches: Iterable[Match]) -> str:
    """One output line: ``{"query_id": ..., "matches": [{"entity_id", "score", "explanation"}...]}``."""
    return json.dumps(
        {
            "query_id": query_id,
            "matches": [
                {"entity_id": m.entity_id, "score": m.score, "explanation": m.explanation} for m in matches
            ],
        },
        ensure_ascii=False,
    )


def screen_file(
    watchlist: Path,
    queries: Path,
    out: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    watchlist_format: str | None = None,
    limit: int = DEFAULT_LIMIT,
    workers: int | None = None,
    progress: TextIO | None = sys.stderr,
) -> ScreenSummary:
    """Screen every query in ``queries`` against ``watchlist`` and write JSON lines to ``out``.

    Raises :class:`InputError` for a missing file, an unknown format or a bad row.
    """
    if not 0.0 <= threshold <= 1.0:
        raise InputError(out, f"threshold {threshold} is not between 0 and 1")
    t0 = time.monotonic()
    info, entities = read_watchlist(watchlist, watchlist_format)
    query_list = list(iter_queries(queries))
    t1 = time.monotonic()
    index = Index.build(entities)
    del entities
    t2 = time.monotonic()
    if progress is not None:
        progress.write(
            f"{info.entity_count} watchlist entities ({info.format}) read in {t1 - t0:.1f}s "
            f"with {len(query_list)} queries; index built in {t2 - t1:.1f}s\n"
        )
    bar = Progress(len(query_list), progress)
    with_matches = total = 0
    try:
        fh = out.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(out, f"cannot write: {exc.strerror}") from exc
    with fh:
        for query, matches in zip(
            query_list, screen_many(index, query_list, threshold, limit, workers), strict=True
        ):
            fh.write(match_line(query.id, matches))
            fh.write("\n")
            total += len(matches)
            with_matches += bool(matches)
            bar.update()
    t3 = time.monotonic()
    return ScreenSummary(
        watchlist=info,
        queries=len(query_list),
        queries_with_matches=with_matches,
        matches=total,
        seconds_reading=t1 - t0,
        seconds_indexing=t2 - t1,
        seconds_screening=t3 - t2,
    )
