"""Fill a database with a realistic volume for the load benchmark.

    python bench/load/seed.py --notifications 100000 --out bench/results/load-credentials.json

Creates operators with vessels and crews, notifications at every seeded port of entry across the
members over the past and next months (each with two to five people on board and agency decisions for
the past ones), officials with authenticated sessions, and an API token per simulated agent. The
credentials file is what the locustfile reads. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--operators", type=int, default=2_000)
    parser.add_argument("--officials", type=int, default=20)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("bench/results/load-credentials.json"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from caribclear.accounts.choices import Agency
    from caribclear.accounts.models import Administration, User
    from caribclear.accounts.services import api_token_create
    from caribclear.clearance.choices import Decision, Kind, PersonRole, Purpose, Status
    from caribclear.clearance.declaration import KEY as NOTIFICATION_KIND
    from caribclear.clearance.models import AgencyClearance, Notification, NotificationPerson
    from caribclear.core.models import Declaration
    from caribclear.core.refs import new_reference
    from caribclear.reference.models import Port
    from caribclear.reference.services import ports_of_entry_seed
    from caribclear.vessels.models import Person, TravelDocument, Vessel

    rng = random.Random(args.seed)
    started = time.perf_counter()
    ports_of_entry_seed()
    ports = list(Port.objects.ports_of_entry().select_related("administration"))
    antigua = Administration.objects.get(code="AG")
    now = timezone.now()
    surnames = [
        "Smith",
        "García",
        "Martin",
        "de Vries",
        "Brown",
        "Rodríguez",
        "Dubois",
        "Jansen",
        "Williams",
        "López",
        "Bernard",
        "van Dijk",
        "Johnson",
        "Hernández",
        "Thomas",
        "Bakker",
        "Joseph",
        "Charles",
    ]
    given = [
        "Ana",
        "John",
        "Marie",
        "Pieter",
        "Carlos",
        "Sophie",
        "James",
        "Lucía",
        "Daan",
        "Grace",
        "Luis",
        "Claire",
        "Kevin",
        "Emma",
        "Jean",
        "Isabel",
        "Mark",
        "Sanne",
        "Pedro",
        "Olivia",
    ]
    countries = ["US", "GB", "FR", "NL", "ES", "CA", "DE", "AG", "BB", "JM", "TT", "LC", "VE", "CO"]

    if User.objects.filter(email="bench-operator-0@example.org").exists():
        sys.exit("This database is already seeded; use a fresh database.")

    with transaction.atomic():
        operators = User.objects.bulk_create(
            User(
                username=f"bench-operator-{i}@example.org",
                email=f"bench-operator-{i}@example.org",
                role="operator",
                password="!",
                email_confirmed_at=now,
            )
            for i in range(args.operators)
        )
        vessels = Vessel.objects.bulk_create(
            Vessel(
                account=op,
                name=f"{rng.choice(given)}'s {rng.choice(['Dream', 'Wind', 'Star', 'Spirit'])} {i}",
                vessel_type=rng.choice(["sailing_yacht", "motor_yacht", "catamaran"]),
                flag=rng.choice(countries),
                registration_number=f"REG{i:06d}",
                port_of_registry="Somewhere",
                mmsi=f"{rng.randint(2, 7)}{i:08d}",
                length_m=Decimal(rng.randint(8, 30)),
                owner_name=f"Owner {i}",
            )
            for i, op in enumerate(operators)
        )
        people = Person.objects.bulk_create(
            Person(
                account=op,
                surname=rng.choice(surnames),
                given_names=rng.choice(given),
                sex=rng.choice("FM"),
                date_of_birth=dt.date(rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28)),
                nationality=rng.choice(countries),
            )
            for op in operators
            for _ in range(4)
        )
        documents = TravelDocument.objects.bulk_create(
            TravelDocument(
                person=p, number=f"P{idx:08d}", issuing_state=p.nationality, expiry_date=dt.date(2030, 1, 1)
            )
            for idx, p in enumerate(people)
        )
    print(f"accounts, vessels, people: {time.perf_counter() - started:.1f}s")

    used: set[str] = set()

    def unique_reference() -> str:
        # Random codes collide now and then at this volume (the services retry; a bulk insert cannot).
        while (reference := new_reference()) in used:
            pass
        used.add(reference)
        return reference

    crews = {
        op.pk: list(zip(people[i * 4 : (i + 1) * 4], documents[i * 4 : (i + 1) * 4], strict=True))
        for i, op in enumerate(operators)
    }
    batch = 5000
    made = 0
    while made < args.notifications:
        size = min(batch, args.notifications - made)
        with transaction.atomic():
            rows = []
            for _ in range(size):
                index = rng.randrange(len(operators))
                port = (
                    rng.choice(ports)
                    if rng.random() > 0.3
                    else rng.choice([p for p in ports if p.administration_id == antigua.pk])
                )
                when = now + dt.timedelta(hours=rng.uniform(-24 * 180, 24 * 30))
                past = when < now - dt.timedelta(hours=6)
                status = (
                    rng.choice([Status.CLEARED] * 8 + [Status.REFUSED, Status.REFERRED])
                    if past
                    else rng.choice([Status.SUBMITTED] * 6 + [Status.IN_PROGRESS, Status.DRAFT])
                )
                rows.append(
                    Notification(
                        reference=unique_reference(),
                        account=operators[index],
                        vessel=vessels[index],
                        kind=rng.choice([Kind.ARRIVAL, Kind.DEPARTURE]),
                        administration_id=port.administration_id,
                        port=port,
                        expected_at=when,
                        last_port="Previous",
                        last_port_country=rng.choice(countries),
                        next_port="Next",
                        next_port_country=rng.choice(countries),
                        purpose=Purpose.CRUISING,
                        status=status,
                        version=1,
                        submitted_at=when - dt.timedelta(days=1),
                        decided_at=when if past else None,
                    )
                )
            created = Notification.objects.bulk_create(rows)
            # Filed notifications are declarations (as filing through the services makes them).
            filed = [n for n in created if n.status != Status.DRAFT]
            declarations = Declaration.objects.bulk_create(
                Declaration(
                    kind=NOTIFICATION_KIND,
                    administration_id=n.administration_id,
                    reference=n.reference,
                    version=n.version,
                    created_at=n.submitted_at,
                )
                for n in filed
            )
            for notification, declaration in zip(filed, declarations, strict=True):
                notification.declaration = declaration
            Notification.objects.bulk_update(filed, ["declaration"], batch_size=1000)
            on_board, decisions = [], []
            for notification in created:
                crew = crews[notification.account_id]
                count = rng.randint(2, 4)
                for position, (person, document) in enumerate(crew[:count]):
                    on_board.append(
                        NotificationPerson(
                            notification=notification,
                            person=person,
                            document=document,
                            role=PersonRole.MASTER if position == 0 else PersonRole.CREW,
                        )
                    )
                if notification.decided_at:
                    decision = {
                        Status.CLEARED: Decision.CLEARED,
                        Status.REFUSED: Decision.REFUSED,
                        Status.REFERRED: Decision.REFERRED,
                    }[notification.status]
                    for agency in (Agency.CUSTOMS, Agency.IMMIGRATION):
                        decisions.append(
                            AgencyClearance(
                                notification=notification,
                                agency=agency,
                                decision=decision,
                                decided_at=notification.decided_at,
                                remarks="" if decision == Decision.CLEARED else "Benchmark",
                            )
                        )
            NotificationPerson.objects.bulk_create(on_board)
            AgencyClearance.objects.bulk_create(decisions)
        made += size
        print(
            f"notifications: {made}/{args.notifications} ({time.perf_counter() - started:.1f}s)", flush=True
        )

    # Officials of Antigua with authenticated (TOTP-verified) sessions, and agents with API tokens.
    sessions = []
    for i in range(args.officials):
        official = User.objects.create(
            username=f"bench-officer-{i}@ag.example",
            email=f"bench-officer-{i}@ag.example",
            role="officer",
            administration=antigua,
            agency=Agency.CUSTOMS if i % 2 else Agency.IMMIGRATION,
            password="!",
            email_confirmed_at=now,
        )
        device = TOTPDevice.objects.create(user=official, name="bench", confirmed=True)
        store = SessionStore()
        store[SESSION_KEY] = str(official.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = official.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        sessions.append(store.session_key)
    agents = []
    for i in range(args.agents):
        operator = operators[i]
        _token, raw = api_token_create(user=operator, name="bench agent")
        vessel = vessels[i]
        crew = crews[operator.pk]
        agents.append(
            {
                "token": raw,
                "vessel_id": vessel.pk,
                "people": [{"person_id": p.pk, "document_id": d.pk} for p, d in crew[:3]],
            }
        )
    references = list(
        Notification.objects.filter(administration=antigua)
        .exclude(status=Status.DRAFT)
        .values_list("reference", flat=True)[:5000]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"sessions": sessions, "agents": agents, "references": references, "port": "AGSJO"})
    )
    print(f"done in {time.perf_counter() - started:.1f}s; credentials in {args.out}")


if __name__ == "__main__":
    main()
