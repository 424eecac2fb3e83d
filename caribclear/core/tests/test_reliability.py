"""A lost database is a 503 the client can retry (never a 500 or a half-made record); a read replica
serves dashboards; jobs of workers that died are taken up again, once; SQLite backs up while it runs."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from caribclear.accounts.services import api_token_create
from caribclear.conftest import sign_in
from caribclear.core.jobs import job_retry_if_transient, jobs_reclaim, jobs_release
from caribclear.core.models import IdempotencyRecord, WorkerHeartbeat
from caribclear.vessels.models import Vessel

pytestmark = pytest.mark.django_db

VESSEL = {
    "name": "Windward",
    "vessel_type": "catamaran",
    "flag": "BB",
    "registration_number": "BB-2231",
    "port_of_registry": "Bridgetown",
    "length_m": "11.9",
    "owner_name": "R. Clarke",
}


def database_gone(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@pytest.fixture
def token(operator):
    _token, raw = api_token_create(user=operator, name="agent system")
    return raw


def post_vessel(client, token, key="key-1"):
    return client.post(
        "/api/vessels",
        json.dumps(VESSEL),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


# --- The database goes away ------------------------------------------------------------------------


def test_the_api_answers_503_problem_json_with_retry_after_when_the_database_is_gone(token):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_gone):
        response = client.get("/api/vessels", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    problem = json.loads(response.content)
    assert problem["status"] == 503 and problem["type"].endswith("/service-unavailable")
    assert "Idempotency-Key" in problem["detail"] and problem["request_id"] == response["X-Request-ID"]


def test_a_page_answers_a_plain_503_page_in_the_users_language(officer):
    client = sign_in(Client(raise_request_exception=False), officer)
    with connection.execute_wrapper(database_gone):
        response = client.get("/officer/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="es">' in page and "no está disponible" in page and "30 segundos" in page
    assert response["X-Request-ID"] in page


@override_settings(CARIBCLEAR_RETRY_AFTER_SECONDS=7)
def test_the_wait_is_a_setting(token):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_gone):
        response = client.get("/api/vessels", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (response.status_code, response["Retry-After"]) == (503, "7")


def test_other_errors_stay_500s(token, monkeypatch):
    from caribclear.vessels import api as vessels_api

    def broken(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(vessels_api.selectors, "vessels_for", broken, raising=False)
    client = Client(raise_request_exception=False)
    response = client.get("/api/vessels", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_submission_cut_off_by_the_outage_leaves_nothing_and_its_retry_files_once(token):
    """The database goes away after the record was written but before its answer was stored: nothing
    stays (neither the vessel nor a claim on the key), and the client's retry with the same key files it
    once. Before, the claim stayed and the retry was refused for five minutes, then filed twice."""
    client = Client(raise_request_exception=False)

    def lost_before_the_answer_is_stored(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "idempotencyrecord" in sql.lower():
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lost_before_the_answer_is_stored):
        cut_off = post_vessel(client, token)
    assert cut_off.status_code == 503 and cut_off["Retry-After"]
    assert Vessel.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0

    retried = post_vessel(client, token)
    assert retried.status_code == 201
    again = post_vessel(client, token)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Vessel.objects.count() == 1


def test_a_failing_request_keeps_no_claim_so_the_key_can_be_used_again(token, monkeypatch):
    from caribclear.vessels import services as vessel_services

    original = vessel_services.vessel_create

    def crash(**kwargs):
        original(**kwargs)
        raise RuntimeError("worker died after writing")

    monkeypatch.setattr(vessel_services, "vessel_create", crash)
    client = Client(raise_request_exception=False)
    assert post_vessel(client, token).status_code == 500
    assert Vessel.objects.count() == 0 and IdempotencyRecord.objects.count() == 0
    monkeypatch.setattr(vessel_services, "vessel_create", original)
    assert post_vessel(client, token).status_code == 201
    assert Vessel.objects.count() == 1


# --- A read replica for dashboards and reports -----------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_dashboards_read_from_the_replica_connection_and_other_pages_do_not(officer, client):
    sign_in(client, officer)
    replica = connections["replica"]
    assert replica is not connection
    with override_settings(CARIBCLEAR_REPLICA_READS=True):
        with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_default:
            assert client.get("/dashboards/").status_code == 200
        assert any("clearance_notification" in q["sql"] for q in on_replica.captured_queries)
        assert not any("clearance_notification" in q["sql"] for q in on_default.captured_queries)
        with CaptureQueriesContext(replica) as queue_on_replica:
            assert client.get("/officer/").status_code == 200
        assert queue_on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_without_a_replica_dashboards_read_the_default_database(officer, client):
    sign_in(client, officer)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/dashboards/").status_code == 200
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_writes_never_go_to_the_replica():
    from caribclear.core.replica import reading_from_replica

    with (
        override_settings(CARIBCLEAR_REPLICA_READS=True),
        reading_from_replica(),
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        WorkerHeartbeat.objects.create(worker_id="w-replica", hostname="h", pid=1)
        assert WorkerHeartbeat.objects.filter(worker_id="w-replica").exists()
    assert [q["sql"].split()[0] for q in on_replica.captured_queries] == ["SELECT"]


# --- Jobs of a dead worker -------------------------------------------------------------------------


def running_job(*, worker_ids, started_minutes_ago):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="caribclear.screening.tasks.rescreen_task",
        backend_name="default",
        queue_name="default",
        run_after=now,
        started_at=now - timedelta(minutes=started_minutes_ago),
        worker_ids=worker_ids,
    )


def beat(worker_id, *, seconds_ago):
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="host", pid=1, seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_job_whose_worker_stopped_answering_goes_back_to_the_queue_once():
    beat("alive", seconds_ago=2)
    beat("dead", seconds_ago=120)
    kept = running_job(worker_ids=["alive"], started_minutes_ago=10)
    orphan = running_job(worker_ids=["dead"], started_minutes_ago=10)
    never_beat = running_job(worker_ids=["plain-db-worker"], started_minutes_ago=10)
    just_started = running_job(worker_ids=["starting"], started_minutes_ago=0)

    assert jobs_reclaim().requeued == 2
    assert jobs_reclaim().requeued == 0  # a second worker reclaiming at the same time finds nothing
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[kept.pk] == statuses[just_started.pk] == TaskResultStatus.RUNNING
    assert statuses[orphan.pk] == statuses[never_beat.pk] == TaskResultStatus.READY
    assert orphan.pk in set(DBTaskResult.objects.ready().values_list("pk", flat=True))


@override_settings(CARIBCLEAR_JOB_MAX_ATTEMPTS=3)
def test_a_job_that_keeps_killing_its_worker_is_failed_not_retried_for_ever():
    poison = running_job(worker_ids=["a", "b", "c"], started_minutes_ago=10)
    result = jobs_reclaim()
    assert (result.requeued, result.failed) == (0, 1)
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert "started 3 times" in poison.traceback


def test_a_worker_puts_back_its_own_job_after_losing_the_database_and_transient_failures_are_retried():
    mine = running_job(worker_ids=["me"], started_minutes_ago=0)
    other = running_job(worker_ids=["other"], started_minutes_ago=0)
    assert jobs_release(worker_id="me") == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)

    DBTaskResult.objects.filter(pk=other.pk).update(
        status=TaskResultStatus.FAILED, exception_class_path="django.db.utils.OperationalError"
    )
    assert job_retry_if_transient(job_id=other.pk)
    other.refresh_from_db()
    assert other.status == TaskResultStatus.READY
    DBTaskResult.objects.filter(pk=other.pk).update(
        status=TaskResultStatus.FAILED, exception_class_path="builtins.ValueError"
    )
    assert not job_retry_if_transient(job_id=other.pk)


@pytest.mark.django_db(transaction=True)
@override_settings(
    CARIBCLEAR_WORKER_HEARTBEAT_SECONDS=0.05,
    CARIBCLEAR_WORKER_LEASE_SECONDS=0.5,
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "screening"]}},
)
def test_the_worker_command_takes_up_a_dead_workers_job_and_runs_it_once():
    """`manage.py worker --batch`: its heartbeat reclaims the job a killed worker left running, and the
    worker runs it (here: the re-screening of open declarations, which answers with their count)."""
    orphan = running_job(worker_ids=["killed-worker"], started_minutes_ago=5)
    # The starting worker reclaims before its first look at the queue: one batch runs the job.
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0.2", "--worker-id", "w2", stdout=StringIO()
    )
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.SUCCESSFUL
    assert orphan.worker_ids == ["killed-worker", "w2"]
    assert not WorkerHeartbeat.objects.filter(worker_id="w2").exists()


# --- SQLite online backup --------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the command copies SQLite databases")
def test_backup_database_copies_a_running_sqlite_database(tmp_path: Path):
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as live:
        live.execute("PRAGMA journal_mode=WAL")
        live.execute("CREATE TABLE arrivals (reference TEXT)")
        live.executemany("INSERT INTO arrivals VALUES (?)", [(f"AG-{i:05d}",) for i in range(5000)])
    connections.settings["backup_source"] = {
        **connections.settings["default"],
        "NAME": str(source),
        "TEST": {"NAME": str(source)},
    }
    try:
        out = StringIO()
        call_command(
            "backup_database", str(tmp_path / "copy.sqlite3"), "--database", "backup_source", stdout=out
        )
    finally:
        del connections.settings["backup_source"]
    assert "integrity ok" in out.getvalue()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM arrivals").fetchone()[0] == 5000
    assert not (tmp_path / "copy.sqlite3.partial").exists()


def test_backup_database_points_postgresql_users_to_its_tools():
    connections.settings["pg_alias"] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "x",
    }
    try:
        with pytest.raises(CommandError, match="pg_basebackup"):
            call_command("backup_database", "/nonexistent/copy", "--database", "pg_alias")
    finally:
        del connections.settings["pg_alias"]


def test_only_the_named_endpoints_commit_before_they_answer(rf):
    """The interactive boarding check screens in a worker thread that must see the committed list; every
    other API POST runs in one transaction with its key's claim."""
    from django.urls import reverse

    from caribclear.core.idempotency import _commits_itself, _view_name

    assert _commits_itself(_view_name(rf.post(reverse("api:boarding_check"))))
    assert not _commits_itself(_view_name(rf.post(reverse("api:notification_create"))))
    assert not _commits_itself(_view_name(rf.post("/api/no-such-endpoint")))
