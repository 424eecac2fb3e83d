"""The memory a run really takes, workers included: the sum of the proportional set sizes (PSS) of this
process and every process below it, sampled while the run goes.

A process's own peak (``VmHWM``, ``ru_maxrss``) says nothing of the workers that ``screen_many`` forks: each
starts sharing the parent's pages and takes a private copy of every page it writes to (a reference count is
a write). PSS counts a shared page once over all the processes that share it, so the sum over the tree is
what the machine holds. Linux only (``/proc/<pid>/smaps_rollup``); elsewhere the sampler reports nothing.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path
from types import TracebackType

_PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in (_PROC / str(pid) / "task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += _children(p)
    return found


def _rollup_kb(pid: int) -> dict[str, int]:
    """``Pss``, ``Rss``, ``Private_Dirty`` ... of one process, in kB (empty once it has ended)."""
    fields: dict[str, int] = {}
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return fields
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[name] = int(parts[0])
    return fields


def tree_pss_mb(pid: int | None = None) -> tuple[float, int]:
    """The PSS of ``pid`` (default: this process) and all its descendants, in MB, and how many there are."""
    pids = _tree(pid or os.getpid())
    return sum(_rollup_kb(p).get("Pss", 0) for p in pids) / 1024, len(pids)


class PeakPss:
    """The highest :func:`tree_pss_mb` of this process's tree while the ``with`` block runs, sampled every
    ``interval`` seconds by a small watcher process (not a thread: the block may fork workers, and a fork
    with a second thread running is unsafe). ``peak_mb`` is the highest sum, ``processes`` how many made it.

    >>> with PeakPss() as pss:
    ...     run()
    >>> pss.peak_mb
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self.processes = 0
        self.available = (_PROC / "self" / "smaps_rollup").exists()
        self._watcher: subprocess.Popen[str] | None = None

    def start(self) -> PeakPss:
        if self.available:
            self._watcher = subprocess.Popen(
                [sys.executable, __file__, str(os.getpid()), str(self.interval)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self

    def stop(self) -> None:
        if self._watcher is None:
            return
        out, _ = self._watcher.communicate()  # closing its input ends the watcher, after a last sample
        self._watcher = None
        kb, n = out.split()
        self.peak_mb, self.processes = int(kb) / 1024, int(n)

    def __enter__(self) -> PeakPss:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _watch(pid: int, interval: float) -> None:
    """The watcher: sample ``pid``'s tree (itself left out) until its input closes, then print the peak."""
    me = os.getpid()
    peak = processes = 0
    while True:
        pids = [p for p in _tree(pid) if p != me]
        kb = sum(_rollup_kb(p).get("Pss", 0) for p in pids)
        if kb > peak:
            peak, processes = kb, len(pids)
        ready, _, _ = select.select([sys.stdin], [], [], interval)
        if ready and not sys.stdin.read(1):
            break
    print(peak, processes)


if __name__ == "__main__":
    _watch(int(sys.argv[1]), float(sys.argv[2]))
