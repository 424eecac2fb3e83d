"""Time TAXII pulls: the first full pull of a collection, incremental pulls (`added_after`) and one
object by id, through the real server code (token and scope check, intel's visibility rule, redaction,
STIX building with stix2, access-log writes), with Django's test Client in-process.

As a member's official (`--member BB`), or as a partner agency's analyst (`--partner 100000`: a bench
partner agency is registered with every seizure category, and that many of the newest non-RED seizures
are released to it, set-based, before the pull).

Use a database filled by `bench/intel/generate.py` (see README.md beside this file).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partners \\
        .venv/bin/python bench/partners/measure_taxii.py --member BB --runs 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partners \\
        .venv/bin/python bench/partners/measure_taxii.py --partner 100000 --runs 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from caribclear.accounts.choices import Agency, OrganisationKind, Role  # noqa: E402
from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.accounts.services import api_token_create  # noqa: E402
from caribclear.intel.access import visible_records  # noqa: E402
from caribclear.intel.models import Seizure  # noqa: E402
from caribclear.partners.choices import Category  # noqa: E402
from caribclear.partners.models import PartnerAgreement  # noqa: E402

TAXII = "application/taxii+json;version=2.1"


def reader(code: str) -> User:
    administration = Administration.objects.get(code=code)
    email = f"taxii-bench@{code.lower()}.bench"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            username=email,
            email=email,
            role=Role.OFFICER,
            administration=administration,
            agency=Agency.CUSTOMS,
        )
    return user


def partner_reader(release: int) -> User:
    """A bench partner agency with every seizure category, its analyst, and `release` of the newest
    non-RED seizures released to it (added to what earlier runs released)."""
    agency, _created = Administration.organisations.get_or_create(
        code="QZ",
        defaults={"name": "Bench partner agency", "languages": "en", "kind": OrganisationKind.PARTNER},
    )
    email = "taxii-bench@partner.bench"
    user = User.objects.filter(email=email).first() or User.objects.create(
        username=email, email=email, role=Role.PARTNER, administration=agency
    )
    PartnerAgreement.objects.get_or_create(
        organisation=agency,
        defaults={
            "legal_basis": "Bench MOU",
            "signed_on": dt.date(2020, 1, 1),
            "categories": [c for c in Category.values if c.startswith("seizure:")],
            "updated_by": user,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO intel_seizure_released_to (seizure_id, administration_id)
            SELECT s.id, %s FROM intel_seizure s
            WHERE s.tlp <> 'RED' AND NOT EXISTS (
                SELECT 1 FROM intel_seizure_released_to r WHERE r.seizure_id = s.id AND r.administration_id = %s
            )
            ORDER BY s.id DESC LIMIT %s
            """,
            [agency.pk, agency.pk, max(0, release - released_count(agency))],
        )
    return user


def released_count(agency: Administration) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intel_seizure_released_to WHERE administration_id = %s", [agency.pk]
        )
        return int(cursor.fetchone()[0])


def get(client: Client, token: str, path: str) -> dict:
    response = client.get(path, HTTP_ACCEPT=TAXII, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response.json() if response.content else {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--member", default="BB")
    parser.add_argument(
        "--partner", type=int, default=0, help="pull as a partner with this many seizures released"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--page", type=int, default=1000, help="limit (objects) per request")
    parser.add_argument("--recent", type=int, default=20, help="records changed since the incremental mark")
    parser.add_argument("--skip-full", action="store_true", help="measure the incremental pull only")
    parser.add_argument(
        "--full-runs",
        type=int,
        default=2,
        help="full pulls in a row (the first builds what the server caches, the next ones read it)",
    )
    args = parser.parse_args()
    setup_test_environment()
    user = partner_reader(args.partner) if args.partner else reader(args.member)
    token = api_token_create(user=user, name="bench", second_factor=True)[1]
    client = Client()
    collections = get(client, token, "/taxii2/api/collections/")["collections"]
    region = next(c for c in collections if c["title"].startswith("Seizures "))
    base = f"/taxii2/api/collections/{region['id']}/objects/"
    shared = visible_records(user, Seizure.objects.all(), with_personal=False).count()

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for run in range(0 if args.skip_full else args.full_runs):
        start, cpu = time.perf_counter(), time.process_time()
        pages = objects = incidents = 0
        path = f"{base}?limit={args.page}"
        while True:
            body = get(client, token, path)
            pages += 1
            page_objects = body.get("objects", [])
            objects += len(page_objects)
            incidents += sum(1 for o in page_objects if o["type"] == "incident")
            if not body.get("more"):
                break
            path = f"{base}?limit={args.page}&next={body['next']}"
        full, used = time.perf_counter() - start, time.process_time() - cpu
        if run == 0:
            print(f"records the reader may see: {shared}")
        print(
            f"full pull {run + 1}: {incidents} seizures, {objects} STIX objects, {pages} requests in "
            f"{full:.1f} s wall, {used:.1f} s CPU of this process ({incidents / full:.0f} seizures/s); "
            f"load average {os.getloadavg()[0]:.1f}"
        )

    # The records changed since the mark: `--recent` of the reader's records are touched now (the
    # generator gives every record the same updated_at, so a mark between them would select none).
    mark_moment = timezone.now()
    changed = list(
        visible_records(user, Seizure.objects.all(), with_personal=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[: args.recent]
    )
    Seizure.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    mark = mark_moment.isoformat().replace("+00:00", "Z")
    timings = []
    cpu = time.process_time()
    for _run in range(args.runs + 2):
        start = time.perf_counter()
        body = get(client, token, f"{base}?added_after={mark}&limit={args.page}")
        timings.append((time.perf_counter() - start) * 1000)
        if _run == 1:
            cpu = time.process_time()
    timings = timings[2:]
    cpu_ms = (time.process_time() - cpu) * 1000 / len(timings)
    served = sum(1 for o in body.get("objects", []) if o["type"] == "incident")
    print(
        f"incremental pull (added_after, {served} seizures): p50 {statistics.median(timings):.0f} ms, "
        f"p95 {p95_of(timings):.0f} ms over {len(timings)} runs (mean CPU {cpu_ms:.0f} ms); "
        f"load average {os.getloadavg()[0]:.1f}"
    )

    # One object by id: the newest record's incident and a relationship of it (each found through the
    # server's table of served ids where it has one).
    newest = next(o for o in body.get("objects", []) if o["type"] == "incident")
    relationship = next(
        o for o in body["objects"] if o["type"] == "relationship" and o["source_ref"] == newest["id"]
    )
    for label, object_id, runs in (
        ("incident", newest["id"], args.runs),
        ("relationship", relationship["id"], 3),
    ):
        timings = []
        for _run in range(runs):
            start = time.perf_counter()
            get(client, token, f"{base}{object_id}/")
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"one object by id ({label}): p50 {statistics.median(timings):.0f} ms, "
            f"max {max(timings):.0f} ms over {runs} runs"
        )


def p95_of(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[18] if len(timings) >= 20 else max(timings)


if __name__ == "__main__":
    main()
