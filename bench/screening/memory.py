"""The memory a run really takes, workers included: the sum of the proportional set sizes (PSS) of this
process and every process below it, sampled while the run goes.

A process's own peak (``VmHWM``, ``ru_maxrss``) says nothing of the workers that ``screen_many`` forks: each
starts sharing the parent's pages and takes a private copy of every page it writes to (a reference count is
a write). PSS counts a shared page once over all the processes that share it, so the sum over the tree is
what the machine holds. Linux only (``/proc/<pid>/smaps_rollup``); elsewhere the sampler reports nothing.
The reading of ``/proc`` is the drills' (``ops/drills/common.py``: ``descendants``, ``memory_kib``).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ops" / "drills"))

from common import descendants, memory_kib


class PeakPss:
    """The highest PSS of this process and its descendants between :meth:`start` and :meth:`stop`, sampled
    every ``interval`` seconds by a small watcher process (not a thread: the run forks workers, and a fork
    with a second thread running is unsafe). ``peak_mb`` is the highest sum, ``processes`` how many made it.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self.processes = 0
        self.available = Path("/proc/self/smaps_rollup").exists()
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


def _watch(pid: int, interval: float) -> None:
    """The watcher: sample ``pid``'s tree (itself left out) until its input closes, then print the peak."""
    me = os.getpid()
    peak = processes = 0
    while True:
        pids = [p for p in [pid, *descendants(pid)] if p != me]
        kb = sum(memory_kib(p)[1] for p in pids)
        if kb > peak:
            peak, processes = kb, len(pids)
        ready, _, _ = select.select([sys.stdin], [], [], interval)
        if ready and not sys.stdin.read(1):
            break
    print(peak, processes)


if __name__ == "__main__":
    _watch(int(sys.argv[1]), float(sys.argv[2]))
