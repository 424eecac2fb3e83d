"""Reference data that every request reads and that changes a few times a year, kept in each process.

`ProcessCache(name, load, ttl=..., models=...)`: `get()` answers what `load()` returned, and loads again
when the entry is older than `ttl` seconds, or once a record of one of `models` was saved or deleted in
this process (Django's signals; the entry is dropped again when that transaction commits, so a reader in
between cannot keep what it saw for longer). Another process sees a change within `ttl` seconds: the
same as if the change had committed that much later, which for what is kept here (the member
administrations, filing deadlines, the HS nomenclature: set by an administrator or a command, never by
the requests that read them) is no different from a request racing the change. A version stamp read on
every request would be exact, but costs the statement the cache is there to save, and every writer
(bulk loads and migrations too) would have to move it.

`KeyedProcessCache(name, ttl=..., models=...)`: the same for values read by a key (a port by its code,
an account's carrier): `get(key, load)`; its `ttl` may be a function (a setting read each time), and a
`ttl` of 0 keeps nothing.

Writes that send no signal (`bulk_create`, `QuerySet.update`, a command in another process) are seen
after `ttl`; a command that writes in bulk calls `clear_all()` for its own process (tests run them
in-process), and the test suite clears every cache before each test (its rolled-back data would
otherwise outlive it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_CACHES: list[ProcessCache[Any] | KeyedProcessCache[Any]] = []


def _register(cache: Any, name: str, models: Iterable[type[Model]]) -> None:
    """Drop the cache's entries when a record of one of ``models`` is saved or deleted in this process (and
    again when that transaction commits); ``clear_all`` reaches it."""
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                cache._changed, sender=model, weak=False, dispatch_uid=f"memo:{name}:{model._meta.label}"
            )
    _CACHES.append(cache)


class ProcessCache(Generic[T]):
    def __init__(
        self, name: str, load: Callable[[], T], *, ttl: float, models: Iterable[type[Model]] = ()
    ) -> None:
        self.name = name
        self.ttl = ttl
        self._load = load
        self._entry: tuple[float, T] | None = None  # (good until, value): replaced whole, never changed
        _register(self, name, models)

    def get(self) -> T:
        entry = self._entry
        now = time.monotonic()
        if entry is not None and now < entry[0]:
            return entry[1]
        value = self._load()
        self._entry = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        self._entry = None

    def _changed(self, sender: Any, using: str | None = None, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=using)

    def __repr__(self) -> str:
        return f"<ProcessCache {self.name} ttl={self.ttl}s>"


class KeyedProcessCache(Generic[T]):
    def __init__(
        self, name: str, *, ttl: float | Callable[[], float], models: Iterable[type[Model]] = ()
    ) -> None:
        self.name = name
        self.ttl = ttl
        self._entries: dict[Hashable, tuple[float, T]] = {}  # key: (good until, value)
        _register(self, name, models)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        ttl = self.ttl() if callable(self.ttl) else self.ttl
        if ttl <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now < entry[0]:
            return entry[1]
        value = load()
        self._entries[key] = (now + ttl, value)
        return value

    def clear(self) -> None:
        self._entries = {}

    def _changed(self, sender: Any, using: str | None = None, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=using)

    def __repr__(self) -> str:
        return f"<KeyedProcessCache {self.name}>"


def clear_all() -> None:
    """Drop every process cache's entry (after a bulk write, and before each test)."""
    for cache in _CACHES:
        cache.clear()
