"""Time a partner agency's TAXII 2.1 pulls as the partner makes them: OASIS' `taxii2-client` over HTTP
against the platform served by gunicorn in a subprocess (production settings, no DEBUG), on PostgreSQL.

1. Seeds, when the database holds fewer seizures than asked: `bench/intel/generate.py` fills the intel
   tables set-based (realistic seizures: labels, releases to members, a linked person each), their dates
   of change are spread over the past days (one a second, as records come in), and the bench partner
   agency (QZ, every seizure category in its agreement) gets `--partner` of the newest non-RED seizures
   released to it, the persons of those with a legal basis too. All set-based: seconds, not hours.
2. The first full pull of the partner's seizure collection (`--page` objects a request), timed: wall time,
   CPU of the client (this process: HTTP, JSON, taxii2-client) and of the server (gunicorn's processes);
   PostgreSQL's own CPU is in neither. `--full-runs 2` pulls again (the server's cache of served objects,
   filled by the first pull, is then warm). `--cold` empties that cache first, so the first pull builds
   every record's objects with stix2; `--fill N` then fills it for the first N records of the pull as
   the job queued on a record's change does (timed), so the first pull reads what was filled.
3. `--pulls` incremental pulls: before each, `--added` new seizures are recorded and released to the
   partner (bulk inserts of copies of existing seizures, each with its own reference and linked person),
   then one `get_objects(added_after=<the last pull's X-TAXII-Date-Added-Last>)`; each must return exactly
   the records added. p50/p95/p99 of the wall time, mean CPU of client and server per pull.

    createdb -h 127.0.0.1 -U postgres bench_partners
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partners
    .venv/bin/python manage.py migrate --settings=caribclear.settings_test
    .venv/bin/python bench/partners/measure_taxii.py --partner 100000 --pulls 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")

import django

django.setup()

import psutil  # noqa: E402
import requests  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from taxii2client.common import _HTTPConnection  # noqa: E402
from taxii2client.v21 import ApiRoot, Server, as_pages  # noqa: E402

from caribclear.accounts.choices import OrganisationKind, Role  # noqa: E402
from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.accounts.services import api_token_create  # noqa: E402
from caribclear.intel.models import Seizure, SeizurePerson  # noqa: E402
from caribclear.partners import stix_cache  # noqa: E402
from caribclear.partners.choices import Category  # noqa: E402
from caribclear.partners.models import PartnerAgreement, StixCache  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PARTNER = "QZ"


# --- Seeding ----------------------------------------------------------------------------------------


def seizure_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM intel_seizure")
        return int(cursor.fetchone()[0])


def seed(total: int) -> None:
    """The intel bench's generator, then the dates of change spread one a second up to now."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench/intel/generate.py"), "--seizures", str(total), "--reads", "0"],
        check=True,
        env=os.environ,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intel_seizure SET updated_at = now() - (SELECT max(id) FROM intel_seizure) * interval "
            "'1 second' + id * interval '1 second', created_at = now() - (SELECT max(id) FROM intel_seizure)"
            " * interval '1 second' + id * interval '1 second'"
        )
        cursor.execute("VACUUM ANALYZE intel_seizure")
    print(f"seeded {total:,} seizures in {time.perf_counter() - started:.0f} s", flush=True)


def partner_analyst(release: int) -> User:
    """The bench partner agency with every seizure category, its analyst, and `release` of the newest
    non-RED seizures released to it (persons too where the seizure states a legal basis)."""
    agency, _created = Administration.organisations.get_or_create(
        code=PARTNER,
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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intel_seizure_released_to WHERE administration_id = %s", [agency.pk]
        )
        missing = max(0, release - int(cursor.fetchone()[0]))
        cursor.execute(
            """
            INSERT INTO intel_seizure_released_to (seizure_id, administration_id)
            SELECT s.id, %s FROM intel_seizure s
            WHERE s.tlp <> 'RED' AND NOT EXISTS (
                SELECT 1 FROM intel_seizure_released_to r WHERE r.seizure_id = s.id AND r.administration_id = %s
            )
            ORDER BY s.id DESC LIMIT %s
            """,
            [agency.pk, agency.pk, missing],
        )
        cursor.execute(
            """
            INSERT INTO intel_seizure_personal_released_to (seizure_id, administration_id)
            SELECT r.seizure_id, r.administration_id FROM intel_seizure_released_to r
            JOIN intel_seizure s ON s.id = r.seizure_id
            WHERE r.administration_id = %s AND s.legal_basis <> ''
            ON CONFLICT DO NOTHING
            """,
            [agency.pk],
        )
    with connection.cursor() as cursor:  # the planner's statistics as autovacuum would leave them
        cursor.execute("ANALYZE intel_seizure_released_to, intel_seizure_personal_released_to")
    return user


def fill(user: User, count: int) -> None:
    """What the queued job does after records change (`partners.tasks`), for the `count` records the
    partner's first pull starts with: builds and stores their objects with stix2, both variants."""
    ids = list(
        Seizure.objects.filter(released_to=user.administration_id)
        .exclude(tlp="RED")
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:count]
    )
    cpu, start = time.process_time(), time.perf_counter()
    built = stix_cache.fill("seizure", ids)
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"filled at write time: {built:,} seizures in {wall:.1f} s wall, CPU {used:.1f} s "
        f"({used * 1000 / max(built, 1):.1f} ms a seizure); load average {load()}",
        flush=True,
    )


def released(user: User) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intel_seizure_released_to r JOIN intel_seizure s ON s.id = r.seizure_id "
            "WHERE r.administration_id = %s AND s.tlp <> 'RED'",
            [user.administration_id],
        )
        return int(cursor.fetchone()[0])


class NewSeizures:
    """Records seizures between the incremental pulls: copies of released ones (content, label, person),
    each with a reference of its own, released to the partner; saved as any row is (updated_at now)."""

    def __init__(self, user: User) -> None:
        self.agency_id = user.administration_id
        self.sources = list(
            Seizure.objects.filter(released_to=self.agency_id).exclude(tlp="RED").order_by("-pk")[:500]
        )
        last = Seizure.objects.filter(reference__startswith="T").order_by("-reference").first()
        self.number = int(last.reference[1:]) if last else 0

    def add(self, count: int) -> list[str]:
        copies = []
        for i in range(count):
            source = self.sources[(self.number + i) % len(self.sources)]
            copy = Seizure(**{f.attname: getattr(source, f.attname) for f in Seizure._meta.concrete_fields})
            copy.pk = None
            copy.reference = f"T{self.number + i + 1:08d}"
            copies.append((copy, source))
        self.number += count
        with transaction.atomic():
            Seizure.objects.bulk_create([c for c, _s in copies])
            Seizure.released_to.through.objects.bulk_create(
                [
                    Seizure.released_to.through(seizure_id=c.pk, administration_id=self.agency_id)
                    for c, _s in copies
                ]
            )
            persons = []
            for copy, source in copies:
                for person in source.persons.all():
                    person.pk = None
                    person.seizure_id = copy.pk
                    persons.append(person)
            SeizurePerson.objects.bulk_create(persons)
        return [c.reference for c, _s in copies]


# --- The server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn on a free port of the loopback; its log (one line a request) goes to var/."""
    port = free_port()
    (ROOT / "var").mkdir(exist_ok=True)
    log = (ROOT / "var/bench-taxii-server.log").open("ab")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Production settings (no DEBUG, which keeps every query in memory), plain HTTP on the loopback.
    env.update(
        CARIBCLEAR_DEBUG="0",
        CARIBCLEAR_SECRET_KEY=secrets.token_urlsafe(50),
        CARIBCLEAR_ALLOWED_HOSTS="127.0.0.1",
        CARIBCLEAR_SSL_REDIRECT="0",
        CARIBCLEAR_PLAIN_STATIC="1",
        CARIBCLEAR_LOG_LEVEL="WARNING",
        CARIBCLEAR_SITE_URL=f"http://127.0.0.1:{port}",
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "caribclear.wsgi",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    started = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if server.poll() is not None or time.perf_counter() - started > 300:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.5)


def server_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user and system) of gunicorn and its workers so far."""
    total = 0.0
    for process in [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


class Marks:
    """The last response's X-TAXII-Date-Added-Last, read by a response hook on taxii2-client's session: the
    client's mark for its next `added_after`, as TAXII 2.1 (section 3.4.2) suggests."""

    def __init__(self, conn: _HTTPConnection) -> None:
        self.last: str | None = None
        conn.session.hooks["response"].append(self.remember)

    def remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last = response.headers.get("X-TAXII-Date-Added-Last") or self.last


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- The measurement --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partner", type=int, default=100_000, help="seizures released to the partner")
    parser.add_argument("--page", type=int, default=1000, help="objects asked for per request (limit)")
    parser.add_argument("--full-runs", type=int, default=1, help="full pulls in a row")
    parser.add_argument("--cold", action="store_true", help="empty the cache of served objects first")
    parser.add_argument(
        "--fill",
        type=int,
        default=0,
        help="after --cold, fill the cache (as the queued job does when records change) for the N oldest "
        "records released to the partner, timed, so the first pull reads what was filled at write time",
    )
    parser.add_argument(
        "--max-requests", type=int, default=0, help="stop a full pull after this many requests (a sample)"
    )
    parser.add_argument("--pulls", type=int, default=200, help="incremental pulls")
    parser.add_argument("--added", type=int, default=5, help="seizures added before each incremental pull")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (the client pulls serially)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL.")

    wanted = args.partner * 100 // 93 + 1000  # about 5% of generated seizures are RED
    if seizure_count() < wanted:
        if seizure_count():
            raise SystemExit(f"The database holds fewer than {wanted:,} seizures: use a fresh one.")
        seed(wanted)
    user = partner_analyst(args.partner)
    shared = released(user)
    if args.cold:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {StixCache._meta.db_table}")
    if args.fill:
        fill(user, args.fill)
    token = api_token_create(user=user, name="bench", second_factor=True)[1]
    connection.close()

    server, base = start_server(args.workers)
    try:
        conn = _HTTPConnection(auth=Bearer(token), version="2.1")
        marks = Marks(conn)
        root = ApiRoot(Server(f"{base}/taxii2/", conn=conn).default.url, conn=conn)
        collection = next(c for c in root.collections if c.title.startswith("Seizures "))
        print(f"records released to the partner: {shared:,}; load average at start: {load()}", flush=True)

        for run in range(args.full_runs):
            cpu, served_cpu, start = time.process_time(), server_cpu(server), time.perf_counter()
            pages = objects = incidents = 0
            for page in as_pages(collection.get_objects, per_request=args.page):
                pages += 1
                page_objects = page.get("objects", [])
                objects += len(page_objects)
                incidents += sum(1 for o in page_objects if o["type"] == "incident")
                if pages == args.max_requests:
                    break
            wall = time.perf_counter() - start
            client, served = time.process_time() - cpu, server_cpu(server) - served_cpu
            print(
                f"full pull {run + 1}{' (first requests only)' if pages == args.max_requests else ''}: "
                f"{incidents:,} seizures, {objects:,} STIX objects, {pages} requests: "
                f"{wall:.1f} s wall, CPU server {served:.1f} s + client {client:.1f} s "
                f"({incidents / wall:,.0f} seizures/s); load average {load()}",
                flush=True,
            )
            assert incidents == shared or pages == args.max_requests, (incidents, shared)

        adder = NewSeizures(user)
        # The client's mark: the last date added of its full pull; after a sampled or no full pull, now.
        complete = args.full_runs and not args.max_requests
        mark = marks.last if complete else timezone.now().isoformat().replace("+00:00", "Z")
        timings, client_cpu, server_cpus = [], 0.0, 0.0
        for _pull in range(args.pulls):
            added = set(adder.add(args.added))
            cpu, served_cpu, start = time.process_time(), server_cpu(server), time.perf_counter()
            got: list[dict[str, Any]] = []
            for page in as_pages(collection.get_objects, per_request=args.page, added_after=mark):
                got += page.get("objects", [])
            timings.append((time.perf_counter() - start) * 1000)
            client_cpu += time.process_time() - cpu
            server_cpus += server_cpu(server) - served_cpu
            references = {o["external_references"][0]["external_id"] for o in got if o["type"] == "incident"}
            assert references == added, (sorted(references), sorted(added))
            mark = marks.last
        print(
            f"incremental pull (added_after, {args.added} seizures added before each): p50 "
            f"{percentile(timings, 50):.0f} ms, p95 {percentile(timings, 95):.0f} ms, p99 "
            f"{percentile(timings, 99):.0f} ms, max {max(timings):.0f} ms over {len(timings)} pulls; mean CPU "
            f"server {server_cpus * 1000 / len(timings):.0f} ms + client {client_cpu * 1000 / len(timings):.0f} "
            f"ms; load average {load()}",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"done at {timezone.now():%H:%M:%S} UTC")


if __name__ == "__main__":
    main()
