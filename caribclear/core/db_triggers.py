# ruff: noqa: S608 - the SQL is built from the fixed table names of LOG_TABLES, never from input
"""Database triggers that keep the logs append-only on SQLite and PostgreSQL.

Two tables: the audit trail (`core_auditevent`) and the intelligence access log (`intel_accesslog`).
Refused on both engines: UPDATE and DELETE. On SQLite also `INSERT OR REPLACE` (REPLACE deletes the
old row without firing delete triggers): a BEFORE INSERT trigger refuses a row whose id exists. On
PostgreSQL also TRUNCATE (a statement trigger). These stop the application's own SQL; someone who can
drop triggers is caught by the hash chain (`core.chain`, `manage.py verify_logs`), and in production the
tables belong to a role other than the application's (README, production notes).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

LOG_TABLES = ("core_auditevent", "intel_accesslog")
MESSAGE = "this log is append-only"


def _sqlite_up(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table}
           WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]


def _sqlite_down(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_{name};" for name in ("no_update", "no_delete", "no_replace")]


POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION caribclear_append_only() RETURNS trigger AS $$
   BEGIN RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


# The head of a chain, read under the chains' transaction-scoped lock. A VOLATILE function takes a new
# snapshot for each statement in it, so the SELECT sees every row committed before the lock was granted
# (one statement `SELECT pg_advisory_xact_lock(...), (SELECT ...)` would not: its snapshot is older).
POSTGRES_CHAIN_HEAD = """CREATE OR REPLACE FUNCTION caribclear_chain_head(tbl regclass, lock_key bigint)
   RETURNS text AS $$
   DECLARE head text;
   BEGIN
     PERFORM pg_advisory_xact_lock(lock_key);
     EXECUTE format('SELECT row_hash FROM %s ORDER BY id DESC LIMIT 1', tbl) INTO head;
     RETURN head;
   END; $$ LANGUAGE plpgsql VOLATILE;"""


def _postgres_up(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION caribclear_append_only();""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION caribclear_append_only();""",
    ]


def _postgres_down(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
    ]


# The function of the first version (audit trail only), replaced by caribclear_append_only.
POSTGRES_LEGACY_FUNCTION = "DROP FUNCTION IF EXISTS core_auditevent_append_only();"


def _tables(connection: BaseDatabaseWrapper, only: tuple[str, ...] | None) -> list[str]:
    existing = set(connection.introspection.table_names())
    return [table for table in (only or LOG_TABLES) if table in existing]


def install(connection: BaseDatabaseWrapper, tables: tuple[str, ...] | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            cursor.execute(POSTGRES_CHAIN_HEAD)
        for table in _tables(connection, tables):
            statements = _postgres_up(table) if connection.vendor == "postgresql" else _sqlite_up(table)
            for statement in statements if connection.vendor in ("postgresql", "sqlite") else []:
                cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper, tables: tuple[str, ...] | None = None) -> None:
    with connection.cursor() as cursor:
        for table in _tables(connection, tables):
            statements = _postgres_down(table) if connection.vendor == "postgresql" else _sqlite_down(table)
            for statement in statements if connection.vendor in ("postgresql", "sqlite") else []:
                cursor.execute(statement)


def reinstall_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: make sure the triggers exist (also after a test database flush, which has to lift
    them to empty the tables)."""
    from django.db import connections

    install(connections[using])
