"""Time taking a partner's STIX bundle in: stix2-validator over the whole bundle, then one intel alert
(and its screening index) per indicator, through `partners.services.bundle_take_in`.

The bundle is made with the stix2 library as a partner's tool would make it: N indicators, each with
its TLP 2.0 marking and a related person. Run on any migrated database (the bench's, or a fresh one);
the alerts it makes belong to a bench supervisor of the member given and stay in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_partners \\
        .venv/bin/python bench/partners/measure_intake.py --indicators 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")

import django

django.setup()

import stix2  # noqa: E402

from caribclear.accounts.choices import Agency, OrganisationKind, Role  # noqa: E402
from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.partners import stix  # noqa: E402
from caribclear.partners.services import bundle_take_in, validate_bundle  # noqa: E402


def bundle(count: int) -> bytes:
    source = stix2.v21.Identity(name="Bench partner", identity_class="organization")
    objects: list = [source, stix.tlp_marking("AMBER")]
    for n in range(count):
        person = stix2.v21.Identity(name=f"Bench Person {n}", identity_class="individual")
        indicator = stix2.v21.Indicator(
            id=f"indicator--{uuid.uuid4()}",
            name=f"Courier {n}",
            pattern=f"[x-caribclear-subject:identifier = 'P{n:08d}']",
            pattern_type="stix",
            valid_from="2026-01-01T00:00:00Z",
            confidence=70,
            created_by_ref=source.id,
            object_marking_refs=[stix.TLP_IDS["AMBER"]],
            allow_custom=True,
        )
        relation = stix2.v21.Relationship(
            source_ref=indicator.id, relationship_type="related-to", target_ref=person.id
        )
        objects += [person, indicator, relation]
    return stix2.v21.Bundle(objects=objects, allow_custom=True).serialize().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--member", default="AG")
    args = parser.parse_args()
    member = Administration.objects.get(code=args.member)
    email = f"intake-bench@{args.member.lower()}.bench"
    actor = User.objects.filter(email=email).first() or User.objects.create(
        username=email, email=email, role=Role.SUPERVISOR, administration=member, agency=Agency.CUSTOMS
    )
    source, _created = Administration.organisations.get_or_create(
        code="QY",
        defaults={"name": "Bench intake partner", "languages": "en", "kind": OrganisationKind.PARTNER},
    )
    content = bundle(args.indicators)
    print(f"bundle: {args.indicators} indicators, {len(content) / 1e6:.1f} MB")
    import json

    start = time.perf_counter()
    problems = validate_bundle(json.loads(content))
    validated = time.perf_counter() - start
    assert not problems, problems[:5]
    start = time.perf_counter()
    result = bundle_take_in(actor=actor, source=source, content=content)
    total = time.perf_counter() - start
    assert not result.problems, result.problems[:5]
    print(f"stix2-validator alone: {validated:.1f} s ({args.indicators / validated:.0f} indicators/s)")
    print(
        f"taken in: {len(result.created)} alerts in {total:.1f} s, validation included "
        f"({len(result.created) / total:.0f} indicators/s)"
    )


if __name__ == "__main__":
    main()
