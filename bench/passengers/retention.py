"""Masking and deleting passenger lists at the region's scale: a month of lists, timed.

    .venv/bin/python bench/passengers/retention.py [--travellers 300000] [--seed 2026]

Runs on a fresh database: SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is set (the
database is migrated first). The lists are stored directly (no reading or screening: `run.py` times those):
flights of 50 to 300 people and, one list in fifty, a cruise ship of 2,000 to 6,000, until ``--travellers``
people are on them; names from the screening bench's generator (`bench/screening/generate.py`: English,
Spanish, French, Dutch, Portuguese, Russian and Arabic names), one travel document each. Each list has its
declaration, one screening run and a risk assessment, and one traveller in a hundred a watchlist hit.
Some travellers are linked to a case (a hit confirmed as a true match, something found at arrival, a case
reference), so deletion has to keep them and their lists.

The lists are then aged past the masking age and masked (`passenger_lists_mask`), aged past the deletion age
and deleted (`passenger_lists_purge`), each timed (wall, this process's CPU and, on a PostgreSQL server on
this machine, its backend's CPU read from /proc), and the rate is extrapolated to a month of the region's
traffic (3.3 million).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "screening"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
os.environ.setdefault("CARIBCLEAR_DEBUG", "1")
if "DATABASE_URL" not in os.environ:
    os.environ["CARIBCLEAR_VAR_DIR"] = tempfile.mkdtemp(prefix="caribclear-pax-retention-")

MONTH = 3_300_000


def list_sizes(total: int, rng: random.Random) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < total:
        size = rng.randint(2000, 6000) if rng.random() < 0.02 else rng.randint(50, 300)
        sizes.append(min(size, total - sum(sizes)))
    return sizes


def seed(total: int, rng: random.Random) -> dict[str, int]:
    """Store lists of ``total`` travellers with their declarations, runs, assessments and hits."""
    from django.db import transaction
    from django.utils import timezone
    from generate import Generator

    from caribclear.accounts.models import Administration, User
    from caribclear.core.models import Declaration
    from caribclear.core.refs import new_reference
    from caribclear.passengers import protection, services
    from caribclear.passengers.models import ArrivalCheck, Traveller, TravellerDocument, TravelList
    from caribclear.risk.models import Assessment
    from caribclear.screening.models import Hit, ScreeningRun, Watchlist, WatchlistVersion

    generator = Generator(rng.randrange(1 << 30))
    barbados = Administration.objects.get(code="BB")
    operator = User.objects.create(username="ops@bench.example", email="ops@bench.example", role="operator")
    officer = User.objects.create(
        username="officer@bench.example",
        email="officer@bench.example",
        role="officer",
        administration=barbados,
        agency="customs",
    )
    carrier = services.carrier_create(
        actor=None, name="Bench Air", code="BX", kind="airline", administrator=operator
    )
    watchlist = Watchlist.objects.create(name="Bench list", source_format="ftm", sharing="all")
    watchlist.current_version = WatchlistVersion.objects.create(
        watchlist=watchlist, number=1, file_name="bench.json", file_hash="bench", entity_count=0
    )
    watchlist.save(update_fields=["current_version"])
    now = timezone.now()
    counts = {"lists": 0, "travellers": 0, "hits": 0, "linked": 0}
    for number, size in enumerate(list_sizes(total, rng)):
        with transaction.atomic():
            reference = new_reference()
            declaration = Declaration.objects.create(
                kind="passengers.list", administration=barbados, reference=reference, created_at=now
            )
            travel_list = TravelList.objects.create(
                reference=reference,
                carrier=carrier,
                transport="sea" if size > 1000 else "air",
                match_key=f"BX{number}|{now.date()}|USMIA|BBBGI",
                number=f"BX{number}",
                departure_port_code="USMIA",
                arrival_port_code="BBBGI",
                arrival_at=now,
                administration=barbados,
                declaration=declaration,
                filed_at=now,
            )
            rows, documents = [], []
            for _i in range(size):
                person = generator.person()
                surname, given = " ".join(person.surnames).upper(), " ".join(person.given).upper()
                born = dt.date.fromisoformat(person.dob)
                document = f"{rng.choice('ABCDEFGHKLMNPRSTX')}{rng.randrange(10**8):08d}"
                rows.append(
                    Traveller(
                        travel_list=travel_list,
                        identity=protection.identity_of(
                            surname=surname, given_names=given, born=born, document=document, role="passenger"
                        ),
                        surname=surname,
                        given_names=given,
                        gender="M" if person.gender == "male" else "F",
                        date_of_birth=born,
                        nationality=person.nationality,
                        place_of_birth=person.nationality,
                        address=f"{rng.randint(1, 200)} {rng.choice(['Bay St', 'Main Rd', 'Rue Royale'])}",
                        reservation_locator=f"{rng.randrange(36**6):06X}",
                        seat=f"{rng.randint(1, 60)}{rng.choice('ABCDEF')}",
                    )
                )
                documents.append((document, rng.randint(2027, 2036)))
            Traveller.objects.bulk_create(rows, batch_size=2000)
            TravellerDocument.objects.bulk_create(
                [
                    TravellerDocument(
                        traveller=row,
                        type="P",
                        number=number_,
                        issuing_state="USA",
                        expiry=dt.date(year, 1, 1),
                    )
                    for row, (number_, year) in zip(rows, documents, strict=True)
                ],
                batch_size=2000,
            )
            run = ScreeningRun.objects.create(
                declaration=declaration,
                administration=barbados,
                reason="filed",
                declaration_version=1,
                subject_count=size,
            )
            hits = []
            for row in rng.sample(rows, max(1, size // 100)):
                confirmed = rng.random() < 0.05
                hits.append(
                    Hit(
                        declaration=declaration,
                        watchlist=watchlist,
                        entity_id=f"bench-{row.pk}",
                        entity_caption=f"{row.given_names} {row.surname}",
                        subject_kind="person",
                        subject_key=f"traveller:{row.pk}",
                        subject_label=f"{row.surname}, {row.given_names}",
                        score="0.9100",
                        explanation=f"{row.surname} {row.given_names}: name and date of birth",
                        evidence=[{"field": "name", "query": row.surname}],
                        last_run=run,
                        disposition="true_match" if confirmed else "pending",
                    )
                )
                counts["linked"] += confirmed
            Hit.objects.bulk_create(hits)
            run.hit_count = len(hits)
            run.save(update_fields=["hit_count"])
            Assessment.objects.create(
                declaration=declaration, administration=barbados, criteria_lane="green", lane="green"
            )
            # Met at arrival: most found nothing (deleted with the list), a few are cases (kept).
            for row in rng.sample(rows, max(1, size // 200)):
                outcome = "found" if rng.random() < 0.1 else "nothing"
                ArrivalCheck.objects.create(
                    traveller=row, officer=officer, met_at=now, outcome=outcome, notes="bench"
                )
                counts["linked"] += outcome == "found"
            if rng.random() < 0.05:
                Traveller.objects.filter(pk=rng.choice(rows).pk).update(case_reference="SZ-BENCH")
                counts["linked"] += 1
        counts["lists"] += 1
        counts["travellers"] += size
        counts["hits"] += len(hits)
    return counts


def services_linked() -> int:
    from caribclear.passengers.models import TravelList
    from caribclear.passengers.services import linked_traveller_ids

    return len(linked_traveller_ids(TravelList.objects.values_list("pk", flat=True)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--travellers", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--stage",
        choices=("all", "store", "measure"),
        default="all",
        help="store only (then copy the database, e.g. createdb -T, to measure again and again), "
        "or measure a database stored before",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from caribclear.core.models import Declaration
    from caribclear.passengers import services
    from caribclear.passengers.models import Traveller, TravelList
    from caribclear.screening.models import Hit

    print(f"database: {connection.vendor}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.stage == "measure":
        counts = {
            "lists": TravelList.objects.count(),
            "travellers": Traveller.objects.count(),
            "hits": Hit.objects.count(),
            "linked": services_linked(),
        }
        print(f"stored before: {counts['lists']:,} lists of {counts['travellers']:,} travellers")
    else:
        t0 = time.perf_counter()
        counts = seed(args.travellers, random.Random(args.seed))
        print(
            f"stored {counts['lists']:,} lists of {counts['travellers']:,} travellers ({counts['hits']:,} "
            f"hits, {counts['linked']:,} linked to a case) in {time.perf_counter() - t0:.1f} s"
        )
    if args.stage == "store":
        return

    from bench.backend_cpu import backend_cpu

    def timed(label: str, call):  # type: ignore[no-untyped-def]
        backend0 = backend_cpu()
        t0, cpu0 = time.perf_counter(), time.process_time()
        result = call()
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        backend1 = backend_cpu()
        if backend0 is not None and backend1 is not None:
            print(f"{label}: PostgreSQL backend CPU {backend1 - backend0:.1f} s")
        return result, wall, cpu

    masked_at = timezone.now() - dt.timedelta(days=200)
    TravelList.objects.update(arrival_at=masked_at, departure_at=masked_at, filed_at=masked_at)
    masked, mask_wall, mask_cpu = timed("mask", services.passenger_lists_mask)
    assert masked["travellers"] == counts["travellers"], masked
    assert not Traveller.objects.exclude(surname="").exists()
    print(
        f"masked {masked['travellers']:,} travellers on {masked['lists']:,} lists in {mask_wall:.1f} s "
        f"(CPU {mask_cpu:.1f} s): {masked['travellers'] / mask_wall:,.0f} travellers/s; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    deleted_at = timezone.now() - dt.timedelta(days=365 * 5 + 30)
    TravelList.objects.update(arrival_at=deleted_at, departure_at=deleted_at, filed_at=deleted_at)
    deleted, delete_wall, delete_cpu = timed("delete", services.passenger_lists_purge)
    kept = Traveller.objects.count()
    assert kept == services_linked() and kept <= counts["linked"], (kept, counts)
    assert deleted["travellers"] + kept == counts["travellers"], (deleted, kept)
    print(
        f"deleted {deleted['travellers']:,} travellers and {deleted['lists']:,} lists in {delete_wall:.1f} s "
        f"(CPU {delete_cpu:.1f} s): {deleted['travellers'] / delete_wall:,.0f} travellers/s; kept "
        f"{kept:,} travellers linked to a case on {deleted['kept_for_cases']:,} lists; "
        f"{Declaration.objects.count():,} declarations and {Hit.objects.count():,} hits left; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    total_wall = mask_wall + delete_wall
    print(
        f"a month ({MONTH / 1e6:.1f} million travellers) at this rate: masked in "
        f"{mask_wall / counts['travellers'] * MONTH / 60:.1f} min, deleted in "
        f"{delete_wall / counts['travellers'] * MONTH / 60:.1f} min, together "
        f"{total_wall / counts['travellers'] * MONTH / 60:.1f} min (goal: 10 min)"
    )


if __name__ == "__main__":
    main()
