"""Fill a dedicated PostgreSQL database with 1,000,000 seizures and 10,000,000 access-log rows.

Seeded (setseed) and set-based: every table is filled by one INSERT ... SELECT over generate_series, so
the 2-core machine spends its time in PostgreSQL, not in Python. Run `manage.py migrate` first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_intel \\
        .venv/bin/python bench/intel/generate.py --seizures 1000000 --reads 10000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from caribclear.accounts.choices import Agency, Role  # noqa: E402
from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.reference.models import Port  # noqa: E402
from caribclear.reference.services import ports_of_entry_seed  # noqa: E402

COMMODITIES = {
    "drugs": ["cocaine", "cannabis", "heroin", "methamphetamine", "ecstasy tablets", "ketamine"],
    "firearms": ["pistols", "rifles", "ammunition", "shotgun", "revolver", "magazines"],
    "currency": ["US dollars cash", "euro banknotes", "bearer cheques", "gold bars"],
    "tobacco": ["cigarettes", "cigars", "hookah tobacco"],
    "alcohol": ["rum", "whisky", "vodka", "beer"],
    "fuel": ["diesel", "gasoline", "aviation fuel"],
    "wildlife": ["parrots", "iguanas", "conch", "sea turtle shells", "coral"],
    "counterfeit": ["handbags", "watches", "medicines", "sportswear"],
    "other": ["prohibited knives", "fireworks", "drones"],
}
SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Martinez",
    "Rodriguez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Flores",
    "Rivera",
    "Gomez",
    "Diaz",
    "Reyes",
    "Moreau",
    "Dubois",
    "Lefebvre",
    "Bernard",
    "Joseph",
    "Pierre",
    "Charles",
    "Baptiste",
    "Francis",
    "Henry",
    "Campbell",
    "Thompson",
    "Clarke",
    "Richards",
    "Edwards",
    "Walker",
    "Lewis",
    "Robinson",
    "Wright",
    "King",
    "De Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Okafor",
    "Mendes",
    "Silva",
    "Costa",
]
GIVEN = [
    "Ana",
    "Juan",
    "Maria",
    "Jose",
    "Luis",
    "Carlos",
    "Jean",
    "Marie",
    "David",
    "John",
    "Sarah",
    "Kevin",
    "Andre",
    "Michel",
    "Daniel",
    "Peter",
    "Lucia",
    "Pieter",
    "Emma",
    "Noah",
]
COUNTRIES = [
    "VE",
    "CO",
    "GY",
    "SR",
    "TT",
    "JM",
    "HT",
    "DO",
    "PR",
    "US",
    "GB",
    "NL",
    "FR",
    "ES",
    "BR",
    "PA",
    "MX",
    "BS",
    "BB",
    "AG",
    "LC",
    "VC",
    "GD",
    "KN",
    "DM",
    "CW",
    "AW",
    "BZ",
    "HN",
    "NI",
]
DETECTION = ["risk_profile", "intelligence", "random", "dog", "scanner", "physical", "patrol", "other"]
CONCEALMENT = [
    "none",
    "luggage",
    "body",
    "hull",
    "fuel_tank",
    "cargo",
    "container",
    "false_compartment",
    "postal",
    "other",
]
CONVEYANCE = ["vessel", "aircraft", "container", "passenger"]
UNITS = {
    "drugs": "kg",
    "firearms": "items",
    "currency": "usd",
    "tobacco": "sticks",
    "alcohol": "l",
    "fuel": "l",
    "wildlife": "items",
    "counterfeit": "items",
    "other": "items",
}
# Label mix: mostly AMBER (released to named members), some GREEN/CLEAR, a little AMBER+STRICT and RED.
TLPS = ["AMBER"] * 50 + ["GREEN"] * 25 + ["CLEAR"] * 5 + ["AMBER+STRICT"] * 15 + ["RED"] * 5


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def step(label: str, sql: str, params: list[object] | None = None) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    print(f"{label}: {count:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def officials() -> dict[int, int]:
    """One analyst (supervisor) per member administration: {administration id: user id}."""
    result = {}
    for administration in Administration.objects.all():
        email = f"bench-{administration.code.lower()}@intel.bench"
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email,
                "role": Role.SUPERVISOR,
                "administration": administration,
                "agency": Agency.CUSTOMS,
            },
        )
        result[administration.pk] = user.pk
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seizures", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=5, help="seizure dates spread over this many years")
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL.")

    ports_of_entry_seed()
    users = officials()
    ports = list(Port.objects.ports_of_entry().values_list("pk", "administration_id", "name"))
    port_ids = [p[0] for p in ports]
    port_admins = [p[1] for p in ports]
    port_users = [users[p[1]] for p in ports]
    port_names = [p[2] for p in ports]
    admin_ids = sorted(users)
    user_ids = [users[a] for a in admin_ids]
    commodities = list(COMMODITIES)
    descriptions = [d for c in commodities for d in COMMODITIES[c]]
    # For commodity c, its descriptions sit at offsets[c] .. offsets[c] + len - 1 in `descriptions` (1-based).
    offsets, lengths, at = [], [], 1
    for c in commodities:
        offsets.append(at)
        lengths.append(len(COMMODITIES[c]))
        at += len(COMMODITIES[c])

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM intel_seizure")
        if cursor.fetchone()[0]:
            raise SystemExit("intel_seizure is not empty: use a fresh database (dropdb/createdb, migrate).")
        cursor.execute("SELECT setseed(%s)", [args.seed])

    with transaction.atomic():
        step(
            "seizures",
            f"""
            INSERT INTO intel_seizure (
                created_at, updated_at, reference, tlp, source_reliability, information_grade, handling_code,
                handling_conditions, release_to_all, legal_basis, review_on, personal_fields, search_text,
                personal_text, search_vector, personal_vector, created_by_id, operation_id, owner_id, occurred_on,
                port_id, latitude, longitude, detection_method, concealment_method, commodity, description,
                quantity, unit, estimated_value_usd, route_origin, route_transit, route_destination, conveyance,
                conveyance_identity, narrative, vessel_id)
            SELECT now(), now(), 'B' || lpad(g::text, 7, '0'), tlp, '2', 'C', 'P', '', tlp = 'AMBER' AND r1 < 0.2,
                   CASE WHEN r2 < 0.1 THEN 'CCLEC MoU 1989' ELSE '' END, NULL,
                   '["persons","conveyance","narrative","attachments"]'::jsonb,
                   description || ' ' || commodity || ' ' || port_name,
                   surname || ' ' || given || ' vessel ' || vessel_name,
                   to_tsvector('simple', description || ' ' || commodity || ' ' || port_name),
                   to_tsvector('simple', surname || ' ' || given || ' vessel ' || vessel_name),
                   created_by, NULL, owner, occurred_on, port, NULL, NULL, detection, concealment, commodity,
                   description, round((r1 * 500)::numeric, 3), unit, round((r2 * 1000000)::numeric, 2),
                   origin, '', destination, conveyance, vessel_name, '', NULL
            FROM (
                SELECT g,
                       ({sql_array(TLPS)})[1 + floor(random() * {len(TLPS)})::int] AS tlp,
                       random() AS r1, random() AS r2,
                       p, c,
                       (ARRAY{port_ids})[p] AS port, (ARRAY{port_admins})[p] AS owner,
                       (ARRAY{port_users})[p] AS created_by, ({sql_array(port_names)})[p] AS port_name,
                       ({sql_array(commodities)})[c] AS commodity,
                       ({sql_array([UNITS[x] for x in commodities])})[c] AS unit,
                       ({sql_array(descriptions)})[(ARRAY{offsets})[c] + floor(random() * (ARRAY{lengths})[c])::int]
                           AS description,
                       ({sql_array(DETECTION)})[1 + floor(random() * {len(DETECTION)})::int] AS detection,
                       ({sql_array(CONCEALMENT)})[1 + floor(random() * {len(CONCEALMENT)})::int] AS concealment,
                       ({sql_array(CONVEYANCE)})[1 + floor(random() * {len(CONVEYANCE)})::int] AS conveyance,
                       ({sql_array(COUNTRIES)})[1 + floor(random() * 10)::int] AS origin,
                       ({sql_array(COUNTRIES)})[1 + floor(random() * {len(COUNTRIES)})::int] AS destination,
                       ({sql_array(SURNAMES)})[1 + floor(random() * {len(SURNAMES)})::int] AS surname,
                       ({sql_array(GIVEN)})[1 + floor(random() * {len(GIVEN)})::int] AS given,
                       'Yacht' || (floor(random() * 20000))::int AS vessel_name,
                       current_date - floor(random() * 365 * %s)::int AS occurred_on
                FROM (SELECT g, 1 + floor(random() * {len(port_ids)})::int AS p,
                             1 + floor(random() * {len(commodities)})::int AS c
                      FROM generate_series(1, %s) AS g) AS picks
            ) AS s
        """,
            [args.years, args.seizures],
        )
        step(
            "released_to (AMBER, AMBER+STRICT: 1-3 members)",
            f"""
            INSERT INTO intel_seizure_released_to (seizure_id, administration_id)
            SELECT s.id, (ARRAY{admin_ids})[1 + floor(random() * {len(admin_ids)})::int]
            FROM intel_seizure s CROSS JOIN generate_series(1, 3) AS k
            WHERE s.tlp IN ('AMBER', 'AMBER+STRICT') AND NOT s.release_to_all AND k <= 1 + (s.id % 3)
            ON CONFLICT DO NOTHING
        """,
        )
        step(
            "personal_released_to (where a legal basis is stated)",
            """
            INSERT INTO intel_seizure_personal_released_to (seizure_id, administration_id)
            SELECT r.seizure_id, r.administration_id FROM intel_seizure_released_to r
            JOIN intel_seizure s ON s.id = r.seizure_id WHERE s.legal_basis <> ''
            ON CONFLICT DO NOTHING
        """,
        )
        step(
            "recipients (TLP:RED)",
            f"""
            INSERT INTO intel_seizure_recipients (seizure_id, user_id)
            SELECT s.id, (ARRAY{user_ids})[1 + floor(random() * {len(user_ids)})::int]
            FROM intel_seizure s WHERE s.tlp = 'RED' ON CONFLICT DO NOTHING
        """,
        )
        step(
            "linked persons",
            f"""
            INSERT INTO intel_seizureperson (seizure_id, surname, given_names, date_of_birth, nationality,
                                             document_number, role)
            SELECT s.id, split_part(s.personal_text, ' ', 1), split_part(s.personal_text, ' ', 2),
                   date '1950-01-01' + floor(random() * 18000)::int,
                   ({sql_array(COUNTRIES)})[1 + floor(random() * {len(COUNTRIES)})::int],
                   'P' || lpad((floor(random() * 99999999))::int::text, 8, '0'), 'master'
            FROM intel_seizure s
        """,
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM intel_seizure")
        low, high = cursor.fetchone()
    batch = 2_000_000
    done = 0
    while done < args.reads:
        size = min(batch, args.reads - done)
        step(
            f"access log {done + size:,}/{args.reads:,}",
            f"""
            INSERT INTO intel_accesslog (at, user_id, administration_id, record_type, record_id, via,
                                         personal_shown, fields, request_id, ip)
            SELECT now() - random() * interval '730 days', (ARRAY{user_ids})[i], (ARRAY{admin_ids})[i],
                   'seizure', {low} + floor(random() * {high - low + 1})::bigint,
                   (ARRAY['list','detail','search','export','api'])[1 + floor(random() * 5)::int],
                   random() < 0.3, '["commodity","reference"]'::jsonb, md5(g::text), '10.0.0.1'
            FROM (SELECT g, 1 + floor(random() * {len(user_ids)})::int AS i
                  FROM generate_series(1, %s) AS g) AS picks
        """,
            [size],
        )
        done += size
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"vacuum analyze in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
