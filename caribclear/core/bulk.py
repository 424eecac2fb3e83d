"""Writing many rows at once, fast on PostgreSQL and portable to SQLite.

On PostgreSQL the rows go through ``COPY`` into a temporary table and one statement applies them (an upsert
or an update joined on the key): a hundred thousand rows take a second or two instead of the tens of
seconds a statement per row costs the server even when the client pipelines them. On SQLite, where a
statement is a function call in the same process, ``executemany`` is already the fast way.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import AutoField


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy(cursor: Any, target: str, names: str, rows: Iterable[Sequence[Any]] | Any) -> None:
    """COPY the rows into ``target``: a data frame (anything with polars' ``write_csv``) as CSV text the
    frame writes itself, in C; other rows one by one through psycopg."""
    if hasattr(rows, "write_csv"):
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(rows.write_csv(include_header=False))
        return
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _staged(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]] | Any) -> str:
    """A temporary table of ``table``'s ``columns`` (types only, no constraints) filled by COPY."""
    stage = f"_bulk_{secrets.token_hex(4)}"
    names = ", ".join(_q(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT {names} FROM {_q(table)} WITH NO DATA")  # noqa: S608 - names from the models
        _copy(cursor, stage, names, rows)
        # Without statistics the planner takes the stage for a few rows and may join it to a large table
        # by scanning the large table.
        cursor.execute(f"ANALYZE {stage}")
    return stage


@lru_cache(maxsize=256)
def _names(vendor: str, columns: tuple[str, ...]) -> str:
    """The quoted column list (an API request writes the same few tables every time)."""
    return ", ".join(_q(c) for c in columns)


def insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]] | Any, *, chunk: int = 20_000
) -> None:
    """``INSERT`` every row (COPY straight into the table on PostgreSQL)."""
    names = _names(connection.vendor, tuple(columns))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _copy(cursor, _q(table), names, rows)
        return
    if hasattr(rows, "iter_rows"):
        rows = rows.iter_rows()
    sql = f"INSERT INTO {_q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - values bound
    _executemany(sql, rows, chunk)


def insert_instances(objs: Sequence[Any]) -> None:
    """INSERT new model instances of one model as ``bulk_create`` would write them (each field's
    ``pre_save`` and its value for the database; no signals), by ``insert`` (COPY on PostgreSQL), where
    their ids are not needed afterwards: hundreds of rows without the ORM building, and psycopg quoting,
    an INSERT of every value. An automatic key is left to the database (and not set on the instances)."""
    if not objs:
        return
    model: Any = type(objs[0])
    meta: Any = model._meta
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoField) and not f.generated]
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if not isinstance(meta.pk, AutoField) and not obj._is_pk_set():
            obj.pk = meta.pk.get_pk_value_on_save(
                obj
            )  # a default of the key (a UUID), as bulk_create sets it
        rows.append(tuple(f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields))
    insert(meta.db_table, [f.column for f in fields], rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias


def _executemany(sql: str, rows: Iterable[Sequence[Any]], chunk: int) -> None:
    with connection.cursor() as cursor:
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def upsert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]] | Any,
    *,
    conflict: Sequence[str],
    update: Sequence[str],
    chunk: int = 20_000,
) -> None:
    """``INSERT ... ON CONFLICT (conflict) DO UPDATE SET update`` for every row (a data frame's too)."""
    names = ", ".join(_q(c) for c in columns)
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in update)
    on = f"ON CONFLICT ({', '.join(_q(c) for c in conflict)}) DO UPDATE SET {sets}"
    if connection.vendor == "postgresql":
        with transaction.atomic():
            stage = _staged(table, columns, rows)
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {_q(table)} ({names}) SELECT {names} FROM {stage} {on}")  # noqa: S608 - names from the models
                cursor.execute(f"DROP TABLE {stage}")
        return
    sql = f"INSERT INTO {_q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))}) {on}"  # noqa: S608 - values bound
    _executemany(sql, rows.iter_rows() if hasattr(rows, "iter_rows") else rows, chunk)


def update(table: str, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]] | Any) -> None:
    """Set ``columns`` of the rows whose ``key`` is given: each row (or a data frame's) is (key, *values)."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            stage = _staged(table, [key, *columns], rows)
            sets = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in columns)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {_q(table)} AS t SET {sets} FROM {stage} AS s WHERE t.{_q(key)} = s.{_q(key)}"  # noqa: S608 - names from the models
                )
                cursor.execute(f"DROP TABLE {stage}")
        return
    sets = ", ".join(f"{_q(c)} = %s" for c in columns)
    sql = f"UPDATE {_q(table)} SET {sets} WHERE {_q(key)} = %s"  # noqa: S608 - values bound
    if hasattr(rows, "iter_rows"):
        rows = rows.iter_rows()
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row[1:], row[0]) for row in rows])


#: `create` writes up to this many instances by a statement of its own; more go through `bulk_create`, whose
#: building cost is spread over many rows (and which writes large batches as arrays on PostgreSQL).
FEW = 100


@lru_cache(maxsize=256)
def _create_statement(vendor: str, model: Any, rows: int) -> tuple[list[Any], str]:
    """The fields `create` writes of a model (not an automatic key, nor a generated column) and its INSERT
    of that many rows: written once per process."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoField) and not f.generated]
    one = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {_q(meta.db_table)} ({', '.join(_q(f.column) for f in fields)}) "  # noqa: S608 - the model's names
        f"VALUES {', '.join([one] * rows)}"
    )
    if isinstance(meta.pk, AutoField):
        sql += f" RETURNING {_q(meta.pk.column)}"
    return fields, sql


def create(objs: Sequence[Any]) -> None:
    """INSERT new model instances of one model as ``bulk_create`` does (each field's ``pre_save`` and its
    value for the database; the new ids set on them; no signals), by one ``INSERT ... RETURNING`` written
    once per process for a few rows: an API request writes one or two rows per table, and the ORM's
    building of each such INSERT cost several times what the database does with it. Many rows, or an
    engine without RETURNING, go through ``bulk_create``."""
    if not objs:
        return
    model: Any = type(objs[0])
    meta: Any = model._meta
    auto = isinstance(meta.pk, AutoField)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: every value's preparation asks it
    if (
        len(objs) > FEW
        or not db.features.can_return_rows_from_bulk_insert
        or (auto and any(obj._is_pk_set() for obj in objs))  # ids given: bulk_create writes them
    ):
        model._default_manager.bulk_create(objs, batch_size=1000)
        return
    fields, sql = _create_statement(db.vendor, model, len(objs))
    values = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if not obj._is_pk_set():  # a default of the key (a UUID) is set as bulk_create sets it
            obj.pk = meta.pk.get_pk_value_on_save(obj)
        values.append([f.pre_save(obj, True) for f in fields])
    if any(hasattr(v, "resolve_expression") for row in values for v in row):  # an expression, a DB default
        model._default_manager.bulk_create(objs)
        return
    params = [f.get_db_prep_save(v, db) for row in values for f, v in zip(fields, row, strict=True)]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall() if auto else []
    for n, obj in enumerate(objs):
        if auto:
            obj.pk = ids[n][0]
        obj._state.adding, obj._state.db = False, db.alias
