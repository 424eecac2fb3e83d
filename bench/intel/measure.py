"""Measure p50/p95 of the intelligence dashboards and search on the generated database.

Every request goes through Django's test Client as a signed-in official (two-factor verified), so the
figures include the real visibility rule, redaction, the access log writes and template rendering.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_intel .venv/bin/python bench/intel/measure.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from caribclear.accounts.models import User  # noqa: E402
from caribclear.dashboards.selectors import Period, seizure_summary  # noqa: E402
from caribclear.intel.models import AccessLog, Seizure  # noqa: E402
from caribclear.intel.selectors import SeizureFilters, seizure_search  # noqa: E402


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "bench", "confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(label: str, call: Callable[[], Any], runs: int) -> tuple[str, float, float]:
    for _warm in range(2):
        call()
    samples = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
    print(f"{label:<62} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    return label, p50, p95


def get(client: Client, path: str, data: dict[str, Any] | None = None) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path, data or {})
        assert response.status_code == 200, (path, response.status_code)
        return response

    return call


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--member", default="BS", help="ISO code of the reader's administration")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to the PostgreSQL benchmark database.")
    user = User.objects.get(email=f"bench-{args.member.lower()}@intel.bench")
    print(
        f"{Seizure.objects.count():,} seizures, {AccessLog.objects.count():,} access-log rows; reader {user.email}"
    )
    client = signed_in(user)
    sample = seizure_search(user=user).first()
    assert sample is not None
    results = [
        timed("dashboard, last 12 months", get(client, "/dashboards/"), args.runs),
        timed(
            "dashboard, commodity = firearms",
            get(client, "/dashboards/", {"commodity": "firearms"}),
            args.runs,
        ),
        timed(
            "dashboard, members = JM, TT, 2 years",
            get(client, "/dashboards/", {"members": ["JM", "TT"], "date_from": "2024-11-01"}),
            args.runs,
        ),
        timed(
            "selector seizure_summary (no HTTP), last 12 months",
            lambda: seizure_summary(user=user, period=Period.last_year()),
            args.runs,
        ),
        timed(
            "search q=cocaine (full text, page 1)",
            get(client, "/intel/", {"q": "cocaine"}),
            args.runs,
        ),
        timed(
            "search q=rifles, commodity, 1 year",
            get(client, "/intel/", {"q": "rifles", "commodity": "firearms", "date_from": "2025-11-22"}),
            args.runs,
        ),
        timed(
            "search q=Moreau (personal text, where released)",
            get(client, "/intel/", {"q": "Moreau"}),
            args.runs,
        ),
        timed("search person=Rivera", get(client, "/intel/", {"person": "Rivera"}), args.runs),
        timed(
            "search origin=VE destination=US",
            get(client, "/intel/", {"origin": "VE", "destination": "US"}),
            args.runs,
        ),
        timed("seizure list, no filter (page 1)", get(client, "/intel/"), args.runs),
        timed(
            "seizure detail (with the owner's access log)",
            get(client, f"/intel/seizures/{sample.reference}/"),
            args.runs,
        ),
        timed(
            "selector seizure_search q=heroin, first 50",
            lambda: list(seizure_search(user=user, filters=SeizureFilters(q="heroin"))[:50]),
            args.runs,
        ),
    ]
    worst = max(p95 for _label, _p50, p95 in results)
    print(f"worst p95: {worst:.1f} ms ({'under' if worst < 500 else 'OVER'} 500 ms)")


if __name__ == "__main__":
    main()
