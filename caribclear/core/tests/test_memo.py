"""Values kept per process by key (`core.memo.KeyedProcessCache`): read once while fresh, read again when
the time is up or a record of the watched model is saved, and not kept at all with a time of 0."""

from __future__ import annotations

import pytest

from caribclear.core import memo
from caribclear.reference.models import Port

pytestmark = pytest.mark.django_db


def test_a_keyed_cache_reads_each_key_once_while_fresh_and_again_after_a_save(monkeypatch):
    reads: list[str] = []

    def load(key: str):
        def read() -> str:
            reads.append(key)
            return key.upper()

        return read

    seconds = [60.0]
    cache: memo.KeyedProcessCache[str] = memo.KeyedProcessCache(
        "test.keyed", ttl=lambda: seconds[0], models=[Port]
    )
    assert cache.get("bgi", load("bgi")) == "BGI"
    assert cache.get("bgi", load("bgi")) == "BGI"
    assert cache.get("anu", load("anu")) == "ANU"
    assert reads == ["bgi", "anu"]

    Port.objects.create(
        locode="AGZZZ", name="Test harbour", name_ascii="Test harbour", country="AG"
    )  # saved here
    assert cache.get("bgi", load("bgi")) == "BGI"
    assert reads == ["bgi", "anu", "bgi"]

    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    cache.clear()
    cache.get("bgi", load("bgi"))
    clock[0] += 61
    cache.get("bgi", load("bgi"))
    assert reads[-2:] == ["bgi", "bgi"]

    seconds[0] = 0  # nothing kept: every call reads
    cache.get("anu", load("anu"))
    cache.get("anu", load("anu"))
    assert reads[-2:] == ["anu", "anu"]
    memo._CACHES.remove(cache)
