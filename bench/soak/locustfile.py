"""The load benchmark's mix (bench/load/locustfile.py), every request also written to SOAK_EVENTS as
`epoch seconds,name,milliseconds,failed` so the soak computes its own windows."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from pathlib import Path
from typing import Any

from locust import events

# The load benchmark's users, loaded by path (this file has the same module name).
_spec = importlib.util.spec_from_file_location(
    "bench_load_locustfile", Path(__file__).resolve().parents[1] / "load" / "locustfile.py"
)
assert _spec is not None and _spec.loader is not None
_mix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mix)
Officer = _mix.Officer
Agent = _mix.Agent

_out = open(os.environ["SOAK_EVENTS"], "a", buffering=1)  # noqa: SIM115 - open for the whole run
_lock = threading.Lock()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_kwargs: Any) -> None:
    with _lock:
        _out.write(f"{time.time():.3f},{name},{response_time:.1f},{int(exception is not None)}\n")
