"""Hash chains that make the audit trail and the intelligence access log tamper-evident.

Each row stores `row_hash = sha256(prev_hash + canonical content)` and the `prev_hash` of the row before
it (by id; the first row links to GENESIS). Changing, deleting or inserting a row in the middle breaks
the link of that row or of the next one, which `verify_chain` (and `manage.py verify_logs`) reports.
Triggers (`db_triggers`) already refuse UPDATE, DELETE, REPLACE and TRUNCATE; the chain catches someone
who drops the triggers first. (Someone who also rewrites every later hash is caught by comparing the
last hash with one kept elsewhere: `verify_logs` prints it.)

Appending takes a transaction-scoped lock on PostgreSQL, so two transactions never link to the same
previous row (the chain cannot fork); SQLite has a single writer (transactions begin IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections, models, router

GENESIS = "0" * 64
HASH_FIELDS = ("prev_hash", "row_hash")
# One lock for both chains: a transaction that appends to both cannot deadlock with another.
ADVISORY_LOCK_KEY = 0x6361726962  # "carib"


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        # As the database gives it back: encoded by the field's encoder, keys in any order.
        return json.loads(json.dumps(value, cls=field.encoder))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def canonical(row: models.Model) -> bytes:
    """The row's content as hashed: every concrete field but the id and the hashes, as stable JSON."""
    return canonical_content(
        {
            field.attname: _value(field, getattr(row, field.attname))
            for field in row._meta.concrete_fields
            if not field.primary_key and field.attname not in HASH_FIELDS
        }
    )


def canonical_content(content: dict[str, Any]) -> bytes:
    """Stable JSON of a row's content (its fields' JSON values by attribute name), as `canonical` hashes
    it: for writers that insert plain values and hash what they insert (`chain_contents`)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _linked(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + content).hexdigest()


def link(prev_hash: str, row: models.Model) -> str:
    return _linked(prev_hash, canonical(row))


class _Head:
    """The chain's last hash as this transaction left it, kept on the connection while it holds the lock.

    Valid only while its marker is among the connection's on-commit callbacks: Django drops the callbacks
    of a savepoint that is rolled back (and all of them at a rollback or commit), which is exactly when the
    rows it hashed are gone, or the lock with them."""

    __slots__ = ("hashes",)

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}

    def __call__(self) -> None:  # the on-commit callback: nothing to do, its presence is the signal
        return None


def _cached_head(connection: Any, table: str) -> tuple[_Head | None, str | None]:
    head = getattr(connection, "_caribclear_chain_head", None)
    if head is None or not any(entry[1] is head for entry in connection.run_on_commit):
        return None, None
    return head, head.hashes.get(table)


def _remember_head(connection: Any, table: str, row_hash: str) -> None:
    """Keep the new head for this transaction, marked at the current savepoint level (see _Head)."""
    head = _Head()
    previous = getattr(connection, "_caribclear_chain_head", None)
    if previous is not None and any(entry[1] is previous for entry in connection.run_on_commit):
        head.hashes.update(previous.hashes)
    head.hashes[table] = row_hash
    connection._caribclear_chain_head = head
    connection.on_commit(head)


def _head(model: type[models.Model], alias: str) -> str:
    """The hash this transaction appends after: the chain's head, read once per transaction (taking the
    chain's lock on PostgreSQL), then the head this transaction left."""
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("chain_rows must run inside the transaction that inserts the rows")
    table = model._meta.db_table
    _cached, prev = _cached_head(connection, table)
    if prev is None and connection.vendor == "postgresql":
        # One round trip: the function takes the lock, then reads the head with a snapshot taken after
        # it (see db_triggers.POSTGRES_CHAIN_HEAD), so it sees every row committed before.
        with connection.cursor() as cursor:
            cursor.execute("SELECT caribclear_chain_head(%s, %s)", [table, ADVISORY_LOCK_KEY])
            prev = cursor.fetchone()[0] or GENESIS
    elif prev is None:
        prev = (
            model._base_manager.using(alias).order_by("-pk").values_list("row_hash", flat=True).first()
            or GENESIS
        )
    return prev


def chain_rows(model: type[models.Model], rows: Sequence[models.Model], using: str | None = None) -> str:
    """Set prev_hash and row_hash on unsaved rows, in order, after the last row of the chain. Must run in
    the transaction that inserts them (it takes the chain's lock on PostgreSQL). Returns the db alias.

    The head is read once per transaction: later appends in the same transaction (a submission writes
    several events) link to the head this transaction left, which nobody else can move while it holds the
    lock (PostgreSQL) or the write transaction (SQLite)."""
    alias = using or router.db_for_write(model)
    prev = _head(model, alias)
    for row in rows:
        row.prev_hash = prev  # type: ignore[attr-defined]
        row.row_hash = prev = link(prev, row)  # type: ignore[attr-defined]
    if rows:
        _remember_head(connections[alias], model._meta.db_table, prev)
    return alias


def chain_contents(
    model: type[models.Model], contents: Iterable[bytes], using: str | None = None
) -> list[tuple[str, str]]:
    """`chain_rows` for writers that insert plain values instead of model instances: each row given as
    its `canonical` bytes (the caller must make exactly what `canonical` makes of the row it inserts;
    `verify_chain` checks it), in insertion order. Returns each row's (prev_hash, row_hash)."""
    alias = using or router.db_for_write(model)
    prev = _head(model, alias)
    links = []
    for content in contents:
        row_hash = _linked(prev, content)
        links.append((prev, row_hash))
        prev = row_hash
    if links:
        _remember_head(connections[alias], model._meta.db_table, prev)
    return links


@dataclass(frozen=True)
class Verification:
    table: str
    rows: int
    last_hash: str
    broken_at: int | None = None  # id of the first row whose link is wrong
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(model: type[models.Model], using: str = "default") -> Verification:
    table = model._meta.db_table
    prev = GENESIS
    count = 0
    rows: Iterable[models.Model] = model._base_manager.using(using).order_by("pk").iterator(chunk_size=5000)
    for row in rows:
        count += 1
        stored_prev, stored_hash = row.prev_hash, row.row_hash  # type: ignore[attr-defined]
        if stored_prev != prev:
            reason = "a row before it was removed or changed, or it was inserted out of turn"
            return Verification(table, count, prev, broken_at=row.pk, reason=reason)
        if stored_hash != link(stored_prev, row):
            return Verification(table, count, prev, broken_at=row.pk, reason="its content was changed")
        prev = stored_hash
    return Verification(table, count, prev)


def rechain_existing(model: type[models.Model], using: str) -> int:
    """Migrations: compute the chain over the rows already there, in id order (the triggers must be
    lifted while it runs). Returns the number of rows."""
    prev = GENESIS
    count = 0
    manager = model._base_manager.using(using)
    for row in manager.order_by("pk").iterator(chunk_size=5000):
        row_hash = link(prev, row)
        manager.filter(pk=row.pk).update(prev_hash=prev, row_hash=row_hash)
        prev = row_hash
        count += 1
    return count
