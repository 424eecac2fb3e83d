"""A list loaded for its check (screening's subjects, the criteria's facts) reads its travellers as plain
records, not model instances: the subjects and facts must be the ones the model instances gave."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from caribclear.core.declarations import Subject, kind_of

from .. import services
from ..choices import ListKind
from ..choices import Role as TravellerRole
from ..declaration import (
    age_on,
    alpha2,
    arrival_day,
    document_expired,
    traveller_subject,
    vessel_subjects,
)
from ..models import Carrier, Traveller, TravelList
from .factories import ANA, IVAN, JOHN, Pax, paxlst

pytestmark = pytest.mark.django_db


def _file(carrier: Carrier, data: bytes) -> None:
    outcome = services.passenger_list_import(actor=None, data=data, carrier=carrier)
    assert outcome.ok, outcome.to_json()


def _from_instances(travel_list: TravelList) -> tuple[list[Subject], dict[str, list[Any]]]:
    """The subjects and facts as they were made from model instances (the code before plain records)."""
    record = TravelList.objects.select_related("departure_port", "arrival_port", "carrier__organisation").get(
        pk=travel_list.pk
    )
    people = [
        t
        for t in Traveller.objects.filter(travel_list=record).order_by("pk").prefetch_related("documents")
        if t.removed_in is None
    ]
    subjects = [traveller_subject(t) for t in people if t.masked_at is None] + vessel_subjects(record)
    on = arrival_day(record)
    by_locator = Counter(t.reservation_locator for t in people if t.reservation_locator)
    documents = [d for t in people for d in t.documents.all()]
    passengers = [t for t in people if t.role == TravellerRole.PASSENGER]
    alone = [bool(t.reservation_locator) and by_locator[t.reservation_locator] == 1 for t in passengers]
    facts: dict[str, list[Any]] = {
        "traveller_count": [Decimal(len(people))],
        "nationality": sorted({alpha2(t.nationality) for t in people if alpha2(t.nationality)}),
        "residence": sorted(
            {alpha2(t.country_of_residence) for t in people if alpha2(t.country_of_residence)}
        ),
        "age": [Decimal(age_on(t.date_of_birth, on)) for t in people if t.date_of_birth],
        "gender": sorted({t.gender for t in people if t.gender}),
        "document_issuing_state": sorted(
            {alpha2(d.issuing_state) for d in documents if alpha2(d.issuing_state)}
        ),
        "document_expired": [document_expired(d.expiry, on) for d in documents],
        "document_missing": [not any(d.number for d in t.documents.all()) for t in people],
        "travelling_alone": alone,
        "minor_alone": [
            a and t.date_of_birth is not None and age_on(t.date_of_birth, on) < 18
            for a, t in zip(alone, passengers, strict=True)
        ],
        "crew_on_passenger_list": [
            record.kind == ListKind.PASSENGERS and any(t.role == TravellerRole.CREW for t in people)
        ],
        "in_transit": [t.in_transit for t in people],
        "bags": [Decimal(t.bags) for t in people if t.bags is not None],
    }
    return subjects, facts


def test_a_loaded_list_gives_the_subjects_and_facts_its_model_instances_gave(
    ports: None, carrier: Carrier
) -> None:
    minor = Pax("BROWN", "TOM", f"{timezone.now().year - 10}0101", document="TB1", locator="MINOR1")
    expired = Pax("LEE", "KIM", "19700303", nationality="JAM", document="JA99", expiry="20200101")
    no_document = Pax("DOE", "JANE", "19880808", locator="AB12CD")
    crew = Pax("JONES", "MARY", "19850505", nationality="BRB", document="C1234", crew=True)
    _file(carrier, paxlst([ANA, JOHN, IVAN, minor, expired, no_document, crew]))
    # Resent without Ivan: he stays on the list, removed, and is neither screened nor counted.
    _file(carrier, paxlst([ANA, JOHN, minor, expired, no_document, crew], function="5"))
    travel_list = TravelList.objects.get()
    assert Traveller.objects.filter(travel_list=travel_list, removed_in__isnull=False).count() == 1
    # One traveller masked (as retention leaves them): not screened, still counted in the facts.
    Traveller.objects.filter(surname="LEE").update(
        surname="", given_names="", masked_at=dt.datetime.now(dt.UTC)
    )
    kind = kind_of("passengers.list")
    assert travel_list.declaration_id is not None
    record = kind.load([travel_list.declaration_id])[travel_list.declaration_id]
    subjects, facts = _from_instances(travel_list)

    assert kind.subjects(record) == subjects
    assert len(subjects) == 5 and "PETROV, IVAN" not in {s.label for s in subjects}
    loaded = kind.facts(record)
    assert {name: loaded[name] for name in facts} == facts
    # What the case holds, so the comparison above compares something.
    assert facts["traveller_count"] == [Decimal(6)]
    assert facts["document_missing"].count(True) == 1 and facts["document_expired"].count(True) == 1
    assert facts["minor_alone"].count(True) == 1 and facts["crew_on_passenger_list"] == [True]
    # John and Jane share a reservation; Lee has none of her own.
    assert facts["travelling_alone"].count(False) == 3
    # A list given without loading (a record read elsewhere) reads its travellers itself, the same way.
    plain = TravelList.objects.get(pk=travel_list.pk)
    assert kind.subjects(plain) == subjects and kind.facts(plain) == loaded
