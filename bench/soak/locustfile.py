"""The load benchmark's mix (bench/load/locustfile.py), every request also written to SOAK_EVENTS as
`epoch seconds,name,milliseconds,failed` so the soak computes its own windows."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from locust import events

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

from locustfile import Agent, Officer  # noqa: F401

_out = open(os.environ["SOAK_EVENTS"], "a", buffering=1)  # noqa: SIM115 - open for the whole run
_lock = threading.Lock()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_kwargs: Any) -> None:
    with _lock:
        _out.write(f"{time.time():.3f},{name},{response_time:.1f},{int(exception is not None)}\n")
