"""Reading a large file builds hundreds of thousands of small objects that all survive: the cyclic
garbage collector would walk them again and again for nothing (a third of the time of a 10,000-consignment
CUSCAR). The readers pause it while they build, as bulk loaders do."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
