"""Issue 15, finding 5: the audit trail and the access log are append-only in the database, on both
engines, and hash-chained, so an attacker who drops the triggers is still caught by `verify_logs`."""

from __future__ import annotations

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from caribclear.core.audit import audit_record
from caribclear.core.chain import GENESIS, link, verify_chain
from caribclear.core.db_triggers import install, uninstall
from caribclear.core.models import AppendOnlyError, AuditEvent
from caribclear.intel.choices import ReadVia, RecordType
from caribclear.intel.models import AccessLog

pytestmark = pytest.mark.django_db

TABLES = {"core_auditevent": AuditEvent, "intel_accesslog": AccessLog}


def verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_logs", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def some_events(officer, n: int = 4) -> list[AuditEvent]:
    return [
        audit_record(actor=officer, action="test.action", summary=f"event {i}", data={"i": i})
        for i in range(n)
    ]


def some_reads(officer, n: int = 4) -> list[AccessLog]:
    return AccessLog.objects.bulk_create(
        AccessLog(
            user=officer,
            administration=officer.administration,
            record_type=RecordType.SEIZURE,
            record_id=i,
            via=ReadVia.DETAIL,
            fields=["reference", "narrative"],
            request_id=f"r{i}",
        )
        for i in range(n)
    )


def as_attacker(sql: str, params: list | None = None, table: str = "core_auditevent") -> None:
    """Raw SQL with the table's triggers dropped, as someone with the database's owner rights would."""
    uninstall(connection, (table,))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        install(connection, (table,))


def test_every_row_links_to_the_one_before(officer):
    events = some_events(officer)
    reads = some_reads(officer)
    for rows in (events, reads):
        stored = list(type(rows[0])._base_manager.order_by("pk"))
        assert stored[0].prev_hash == GENESIS
        for before, after in itertools.pairwise(stored):
            assert after.prev_hash == before.row_hash
        assert all(row.row_hash == link(row.prev_hash, row) for row in stored)
    code, output = verify()
    assert code == 0, output
    assert "core_auditevent: 4 rows, chain intact" in output
    assert "intel_accesslog: 4 rows, chain intact" in output


@pytest.mark.parametrize("table", TABLES)
def test_the_database_refuses_update_delete_and_replace(officer, table):
    rows = some_events(officer) if table == "core_auditevent" else some_reads(officer)
    target = rows[1]
    statements = [
        (f"UPDATE {table} SET request_id = 'x' WHERE id = %s", [target.pk]),
        (f"DELETE FROM {table} WHERE id = %s", [target.pk]),
        (f"DELETE FROM {table}", []),
    ]
    if connection.vendor == "sqlite":
        # REPLACE deletes the old row without firing delete triggers: refused by the insert trigger.
        statements.append(
            (f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE id = %s", [target.pk])
        )
        statements.append((f"REPLACE INTO {table} SELECT * FROM {table} WHERE id = %s", [target.pk]))
    else:
        statements.append((f"TRUNCATE {table}", []))
        statements.append((f"TRUNCATE {table} CASCADE", []))
    for sql, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert TABLES[table]._base_manager.count() == 4
    assert verify()[0] == 0


def test_the_orm_refuses_even_through_djangos_base_manager(officer):
    some_events(officer)
    some_reads(officer)
    with pytest.raises(AppendOnlyError):
        AccessLog._base_manager.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent._base_manager.all().update(summary="x")


@pytest.mark.parametrize("table", TABLES)
def test_a_row_changed_with_the_triggers_dropped_is_caught(officer, table):
    rows = some_events(officer) if table == "core_auditevent" else some_reads(officer)
    as_attacker(f"UPDATE {table} SET ip = '192.0.2.66' WHERE id = %s", [rows[2].pk], table)
    code, output = verify()
    assert code == 1
    assert f"{table}: BROKEN at id {rows[2].pk}: its content was changed" in output


@pytest.mark.parametrize("table", TABLES)
def test_a_row_deleted_with_the_triggers_dropped_is_caught(officer, table):
    rows = some_events(officer) if table == "core_auditevent" else some_reads(officer)
    as_attacker(f"DELETE FROM {table} WHERE id = %s", [rows[1].pk], table)
    code, output = verify()
    assert code == 1
    assert f"{table}: BROKEN at id {rows[2].pk}: a row before it was removed" in output


def test_a_row_rewritten_with_its_own_hash_recomputed_is_caught_at_the_next_link(officer):
    events = some_events(officer)
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.summary = "nothing happened"
    forged = link(victim.prev_hash, victim)
    as_attacker(
        "UPDATE core_auditevent SET summary = %s, row_hash = %s WHERE id = %s",
        ["nothing happened", forged, victim.pk],
    )
    result = verify_chain(AuditEvent)
    assert result.broken_at == events[2].pk


def test_a_forged_row_inserted_in_the_middle_is_caught(officer):
    events = some_events(officer)
    as_attacker(
        "INSERT INTO core_auditevent (id, at, actor_label, administration_code, action, object_type, object_id,"
        " summary, data, request_id, client_request_id, ip, user_agent, method, path, prev_hash, row_hash)"
        " SELECT id + 1000, at, actor_label, administration_code, action, object_type, object_id, 'forged',"
        " data, request_id, client_request_id, ip, user_agent, method, path, prev_hash, row_hash"
        " FROM core_auditevent WHERE id = %s",
        [events[3].pk],
    )
    result = verify_chain(AuditEvent)
    assert result.broken_at == events[3].pk + 1000


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain(officer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the lock matters on PostgreSQL")
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def append(worker: int) -> None:
        from django.db import connection as own

        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", summary=f"{worker}-{i}")
                    some_reads(officer, 2)
        except BaseException as error:
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert verify_chain(AuditEvent).ok and verify_chain(AccessLog).ok
    assert AuditEvent.objects.filter(action="test.concurrent").count() == 40
    assert AccessLog.objects.count() == 80


def test_a_transaction_reads_the_head_once_and_a_rolled_back_savepoint_leaves_no_gap(officer):
    """A submission writes several events: the head is read once per transaction, and an event rolled
    back with its savepoint is never linked to."""
    heads: list[str] = []

    def count_heads(execute, sql, params, many, context):
        if "caribclear_chain_head" in sql or ('"core_auditevent"' in sql and "ORDER BY" in sql):
            heads.append(sql)
        return execute(sql, params, many, context)

    before = AuditEvent.objects.count()
    with connection.execute_wrapper(count_heads), transaction.atomic():
        audit_record(actor=officer, action="test.kept", summary="first")
        try:
            with transaction.atomic():
                audit_record(actor=officer, action="test.rolled_back", summary="undone")
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        audit_record(actor=officer, action="test.kept", summary="second")
        audit_record(actor=officer, action="test.kept", summary="third")
    kept = list(AuditEvent.objects.order_by("pk").values_list("summary", flat=True)[before:])
    assert kept == ["first", "second", "third"]
    assert verify_chain(AuditEvent).ok
    # Read at the start, and again only after the savepoint that appended was rolled back.
    assert len(heads) == 2
