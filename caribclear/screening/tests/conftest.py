"""Fixtures shared by the screening tests and the engine's."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail after a minute instead of hanging, for tests of runs that must end even when a worker dies."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError("the run did not end within 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
