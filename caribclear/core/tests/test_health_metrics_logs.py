"""Health you can watch: liveness, readiness (database and job queue), Prometheus metrics behind a token
or an allow-list, and JSON log lines carrying the request id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client, override_settings
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families

from caribclear.core.health import readiness
from caribclear.core.logs import JsonFormatter, RequestIdFilter

TOKEN = "scrape-token-for-tests-0123456789"
QUEUE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "screening"]}
}


@task()
def failing_job() -> None:
    raise RuntimeError("this job fails on purpose")


@task()
def waiting_job() -> None:
    """Enqueued on the database queue and left there: nothing runs it during the test."""


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@contextmanager
def sqlite_alias(alias: str, path: Path) -> Iterator[str]:
    """A real second database connection to a SQLite file (which may not be openable)."""
    configured = connections.configure_settings(
        {
            "default": {**connections.settings["default"]},
            alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        }
    )
    connections.settings[alias] = configured[alias]
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections.settings[alias]
        delattr(connections._connections, alias)  # type: ignore[attr-defined]


# --- Liveness and readiness -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readiness_reports_the_database_and_the_queue(client):
    with override_settings(TASKS=QUEUE_BACKEND):
        waiting_job.enqueue()
        waiting_job.enqueue()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["ok"] is True
    assert body["checks"]["queue"]["ready"] == 2
    assert 0 <= body["checks"]["queue"]["oldest_ready_age_seconds"] < 60
    assert response["Cache-Control"] == "no-store"


def test_readiness_is_503_when_the_database_cannot_be_opened(tmp_path, django_db_blocker):
    """Outside a test database (Django's test cases forbid other connections), a real connection."""
    with (
        django_db_blocker.unblock(),
        sqlite_alias("unreachable", tmp_path / "no-such-folder" / "db.sqlite3") as alias,
    ):
        ok, body = readiness(alias)
    assert ok is False
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["queue"]["ok"] is False


def test_readiness_is_503_when_the_queue_table_is_missing(tmp_path, django_db_blocker):
    """A database that answers but has no job queue (migrations not run): not ready."""
    with django_db_blocker.unblock(), sqlite_alias("empty", tmp_path / "empty.sqlite3") as alias:
        ok, body = readiness(alias)
    assert ok is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"] == {"ok": False, "error": "OperationalError"}


# --- Metrics ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_closed_until_a_token_or_an_allow_list_is_set(client):
    with override_settings(CARIBCLEAR_METRICS_TOKEN="", CARIBCLEAR_METRICS_ALLOW=[]):
        assert client.get("/metrics").status_code == 404
    with override_settings(CARIBCLEAR_METRICS_TOKEN=TOKEN, CARIBCLEAR_METRICS_ALLOW=[]):
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    # The test client comes from 127.0.0.1.
    with override_settings(CARIBCLEAR_METRICS_TOKEN="", CARIBCLEAR_METRICS_ALLOW=["10.0.0.0/8"]):
        assert client.get("/metrics").status_code == 403
    with override_settings(CARIBCLEAR_METRICS_TOKEN="", CARIBCLEAR_METRICS_ALLOW=["127.0.0.0/8", "::1"]):
        assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
@override_settings(CARIBCLEAR_METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_route_method_and_status_with_latency(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/api/notifications/NO-SUCH-REF")  # 401 without a token, counted by its route
    client.get("/no/such/page/12345")
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert delta("caribclear_http_requests_total", route="/healthz", method="GET", status="200") == 2
    assert (
        delta(
            "caribclear_http_requests_total",
            route="/api/notifications/<reference>",
            method="GET",
            status="401",
        )
        == 1
    )
    # An unknown path is one label, not one per path typed.
    assert delta("caribclear_http_requests_total", route="(unmatched)", method="GET", status="404") == 1
    assert delta("caribclear_http_request_duration_seconds_count", route="/healthz", method="GET") == 2
    assert (
        delta("caribclear_http_request_duration_seconds_bucket", route="/healthz", method="GET", le="+Inf")
        == 2
    )
    assert not any("12345" in str(labels) for _name, labels in after)


@pytest.mark.django_db
@override_settings(CARIBCLEAR_METRICS_TOKEN=TOKEN)
def test_queue_depth_and_age_are_read_from_the_database(client):
    with override_settings(TASKS=QUEUE_BACKEND):
        for _ in range(3):
            waiting_job.enqueue()
    samples = scrape(client)
    assert samples[("caribclear_job_queue_up", ())] == 1
    assert samples[("caribclear_job_queue_ready", (("queue", "default"),))] == 3
    assert 0 <= samples[("caribclear_job_queue_oldest_ready_age_seconds", (("queue", "default"),))] < 60


@pytest.mark.django_db
@override_settings(CARIBCLEAR_METRICS_TOKEN=TOKEN)
def test_a_failed_job_is_counted(client):
    name = f"{failing_job.module_path}"
    key = ("caribclear_job_failures_total", (("task", name),))
    before = scrape(client).get(key, 0)
    result = failing_job.enqueue()  # the test settings run jobs at once
    assert result.status == "FAILED"
    assert scrape(client)[key] == before + 1


@pytest.mark.django_db
@override_settings(CARIBCLEAR_METRICS_TOKEN=TOKEN)
def test_each_screening_run_is_timed_by_kind(client, django_capture_on_commit_callbacks, operator):
    from caribclear.clearance.tests.factories import notification_make, person_make, vessel_make
    from caribclear.reference.services import ports_of_entry_seed
    from caribclear.screening.services import declaration_screen

    ports_of_entry_seed()
    notification = notification_make(
        account=operator,
        vessel=vessel_make(account=operator),
        port="AGSJO",
        people=[person_make(account=operator)],
    )
    key = ("caribclear_screening_run_duration_seconds_count", (("kind", "clearance.notification"),))
    before = scrape(client).get(key, 0)
    assert notification.declaration is not None
    with django_capture_on_commit_callbacks(execute=True):
        run = declaration_screen(declaration=notification.declaration)
    samples = scrape(client)
    assert samples[key] == before + 1
    total = ("caribclear_screening_run_duration_seconds_sum", (("kind", "clearance.notification"),))
    assert samples[total] >= run.duration_ms / 1000


# --- Logs ---------------------------------------------------------------------------------------------------


@contextmanager
def json_lines(logger_name: str) -> Iterator[list[dict]]:
    """The JSON lines the configured formatter and request filter write for one logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


@pytest.mark.django_db
def test_each_request_writes_one_json_access_line_with_its_request_id(client):
    with json_lines("caribclear.access") as lines:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="filer-trace-42")
    (line,) = lines
    assert line["request_id"] == response["X-Request-ID"]
    assert line["client_request_id"] == "filer-trace-42"
    assert line["logger"] == "caribclear.access"
    assert line["method"] == "GET"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_problem_answer_its_header_and_its_log_line_name_the_same_request(client):
    with json_lines("caribclear.access") as lines:
        response = client.get("/api/no-such-endpoint", HTTP_X_REQUEST_ID="bad id with spaces")
    body = response.json()
    assert response.status_code == 404
    assert body["request_id"] == response["X-Request-ID"] == lines[0]["request_id"]
    assert "client_request_id" not in lines[0]  # a malformed client id is not kept


def test_log_lines_written_outside_a_request_carry_no_request_id():
    with json_lines("caribclear.tests") as lines:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("caribclear.tests").exception("failed %s", "here", extra={"job": 7})
    (line,) = lines
    assert line["message"] == "failed here"
    assert line["level"] == "ERROR"
    assert line["job"] == 7
    assert "ValueError: boom" in line["exception"]
    assert "request_id" not in line


@pytest.mark.django_db
def test_the_api_document_tells_filers_how_to_retry(client):
    description = client.get("/api/openapi.json").json()["info"]["description"]
    assert "same `Idempotency-Key`" in description
    assert "`Retry-After`" in description
    assert "jitter" in description


COUNT_IN_A_PROCESS = """
import sys
import django
django.setup()
from caribclear.core.metrics import HTTP_REQUESTS, exposition
if sys.argv[1] == "count":
    HTTP_REQUESTS.labels(route="/healthz", method="GET", status="200").inc(int(sys.argv[2]))
else:
    sys.stdout.write(exposition().decode())
"""


def test_several_processes_are_added_up_in_multiprocess_mode(tmp_path):
    """gunicorn's workers each count their own requests; /metrics in any of them reports the sum."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "caribclear.settings_test",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", COUNT_IN_A_PROCESS, *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    run("count", "2")
    run("count", "3")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(run("show"))
        for s in family.samples
    }
    key = (
        "caribclear_http_requests_total",
        (("method", "GET"), ("route", "/healthz"), ("status", "200")),
    )
    assert samples[key] == 5
