"""Metrics in the Prometheus text format, through the official client library (prometheus_client).

What each process counts itself: requests by route, method and status, their latency, job failures and
the time of each screening run. Under gunicorn with several workers (and db_worker processes on the same
machine) set `PROMETHEUS_MULTIPROC_DIR` to an empty folder before they start: prometheus_client then keeps
these figures in files there and `/metrics` adds up every process's (its multiprocess mode). The queue's
depth and the age of its oldest ready job are read from the database when `/metrics` is scraped, so they
are the same whichever process or machine answers.

`/metrics` is closed unless `CARIBCLEAR_METRICS_TOKEN` (sent as `Authorization: Bearer <token>`) or
`CARIBCLEAR_METRICS_ALLOW` (addresses or networks, comma-separated, compared with the client's address as
`core.clientip` reads it) is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from .clientip import client_ip
from .health import queue_figures

# Seconds; the load benchmark's pages take tens of milliseconds, a slow export a few seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "caribclear_http_requests",
    "HTTP requests answered, by URL route (the pattern, not the path), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "caribclear_http_request_duration_seconds",
    "Time from the request reaching the application to its answer, by URL route and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
JOB_FAILURES = Counter(
    "caribclear_job_failures",
    "Background jobs that ended in failure, by task (counted by the process that ran them).",
    ["task"],
)
SCREENING_SECONDS = Histogram(
    "caribclear_screening_run_duration_seconds",
    "Time of one screening run of a declaration against every list of its administration, by kind.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
)

# Methods a client may invent are counted under one label, so the label's values stay bounded.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (`officer/notifications/<int:pk>/`), never the path itself: a path
    holds record ids and whatever a client typed, which would make a label per request."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "(unmatched)"
    return "/" + match.route if match.route else match.view_name or "(unnamed)"


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    method = request.method if request.method in METHODS else "OTHER"
    route = route_of(request)
    HTTP_REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    HTTP_LATENCY.labels(route=route, method=method).observe(seconds)


def observe_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' `task_finished` signal: count the job if it failed."""
    if str(getattr(task_result, "status", "")) == "FAILED":
        task = getattr(getattr(task_result, "task", None), "module_path", "") or "(unknown)"
        JOB_FAILURES.labels(task=task).inc()


class QueueCollector(Collector):
    """The job queue as the database holds it now, per queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        ready = GaugeMetricFamily(
            "caribclear_job_queue_ready", "Background jobs ready to run now, by queue.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "caribclear_job_queue_oldest_ready_age_seconds",
            "How long the longest-waiting ready job has waited since it became due, by queue.",
            labels=["queue"],
        )
        running = GaugeMetricFamily(
            "caribclear_job_queue_running", "Background jobs a worker is running, by queue.", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "caribclear_job_queue_failed",
            "Failed jobs whose results the queue table still keeps, by queue.",
            labels=["queue"],
        )
        up = GaugeMetricFamily("caribclear_job_queue_up", "1 if the queue's table could be read, else 0.")
        try:
            figures = queue_figures()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for f in figures:
            ready.add_metric([f.queue], f.ready)
            age.add_metric([f.queue], f.oldest_age_seconds(now))
            running.add_metric([f.queue], f.running)
            failed.add_metric([f.queue], f.failed)
        yield from (up, ready, age, running, failed)


def exposition() -> bytes:
    """Everything `/metrics` answers, in the Prometheus text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
        counted = generate_latest(processes)
    else:
        counted = generate_latest(REGISTRY)
    queue = CollectorRegistry()
    queue.register(QueueCollector())
    return counted + generate_latest(queue)


def metrics_allowed(request: HttpRequest) -> bool | None:
    """True if the scraper may read `/metrics`, False if it may not, None if no one may (not set up)."""
    token = getattr(settings, "CARIBCLEAR_METRICS_TOKEN", "")
    networks = getattr(settings, "CARIBCLEAR_METRICS_ALLOW", [])
    if not token and not networks:
        return None
    if token:
        sent = request.headers.get("Authorization", "")
        if sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip().encode(), token.encode()):
            return True
    if networks:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
    return False
