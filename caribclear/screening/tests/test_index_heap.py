"""A large index, built once and screened against for hours, is kept out of the garbage collector's full
collections; an index dropped from the cache is still freed."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from caribclear.screening.services import indexes


class _Built:
    """Stands for a built index: a size, and a reference cycle (so only the cyclic collector frees it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.me = self

    def __len__(self) -> int:
        return self.size


@pytest.fixture(autouse=True)
def _unfrozen() -> Any:
    yield
    gc.unfreeze()


def test_a_large_index_is_frozen_and_one_dropped_from_the_cache_is_freed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(indexes, "FREEZE_FROM", 100)
    cache = indexes.IndexCache(size=1)
    gc.unfreeze()
    first = cache.get(("a",), lambda: _Built(500))
    assert gc.get_freeze_count() > 0
    assert not gc.is_tracked(first) or first not in gc.get_objects(generation=2)
    gone = weakref.ref(first)
    del first
    cache.get(("b",), lambda: _Built(500))  # drops "a" from the cache; its build settles the heap again
    assert gone() is None


def test_a_small_index_leaves_the_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexes, "FREEZE_FROM", 100)
    gc.unfreeze()
    indexes.IndexCache().get(("small",), lambda: _Built(5))
    assert gc.get_freeze_count() == 0
