"""Filing a large list writes plain rows (COPY on PostgreSQL) instead of model instances: the rows stored
must be the ones Django's own statements stored, for a new list and for a resent one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .. import services
from ..models import Carrier, Traveller, TravellerDocument, TravelList
from .factories import ANA, IVAN, JOHN, Pax, paxlst

pytestmark = pytest.mark.django_db


def _file(carrier: Carrier, data: bytes) -> services.ImportOutcome:
    outcome = services.passenger_list_import(actor=None, data=data, carrier=carrier)
    assert outcome.ok, outcome.to_json()
    return outcome


def test_a_new_traveller_row_holds_what_the_list_says_and_the_models_defaults(
    ports: None, carrier: Carrier
) -> None:
    crew = Pax("JONES", "MARY", "19850505", nationality="BRB", document="C1234", crew=True)
    _file(carrier, paxlst([ANA, JOHN, IVAN, crew]))
    travel_list = TravelList.objects.get()
    rows = {t.surname: t for t in Traveller.objects.filter(travel_list=travel_list)}
    assert sorted(rows) == ["GARCIA MARQUEZ", "JONES", "PETROV", "SMITH"]
    ana = rows["GARCIA MARQUEZ"]
    assert (ana.given_names, ana.date_of_birth, ana.nationality, ana.gender) == (
        "ANA MARIA",
        dt.date(1990, 4, 8),
        "TTO",
        "F",
    )
    assert (ana.reservation_locator, ana.role, rows["JONES"].role) == ("QX7Y2Z", "passenger", "crew")
    assert (ana.added_in, ana.changed_in, ana.removed_in) == (1, 1, None)
    assert len({t.identity for t in rows.values()}) == 4 and all(len(t.identity) == 64 for t in rows.values())
    # Everything the list does not give is the model's default, as a model instance saved by Django has.
    given = {"id", "travel_list", "identity", *services.PERSON_FIELDS, "added_in", "changed_in"}
    for row in rows.values():
        for model_field in Traveller._meta.concrete_fields:
            if model_field.name not in given:
                stored = getattr(row, model_field.attname)
                default = model_field.get_default()
                assert (bytes(stored) if isinstance(stored, memoryview) else stored) == default, (
                    model_field.name
                )
    documents = list(
        TravellerDocument.objects.filter(traveller=ana).values_list("type", "number", "issuing_state")
    )
    assert documents == [("P", "TA1234567", "TTO")]
    assert TravellerDocument.objects.get(traveller=ana).expiry == dt.date(2034, 1, 1)
    assert TravellerDocument.objects.filter(traveller=rows["JONES"]).count() == 1


def _people(n: int, *, nationality: str = "TTO", skip: int = 0, extra: int = 0) -> list[Pax]:
    return [
        Pax(
            f"TRAVELLER{'ABCDEFGHIJ'[i % 10]}{'KLMNOPQRST'[i // 10 % 10]}{'UVWXYZ'[i // 100]}",
            "ALEX",
            f"19{60 + i % 40:02d}{1 + i % 12:02d}{1 + i % 28:02d}",
            nationality=nationality,
            document=f"D{i:07d}",
            locator=f"L{i // 3:05d}",
        )
        for i in range(skip, n + extra)
    ]


def _snapshot(travel_list: TravelList) -> list[tuple[Any, ...]]:
    """The list's people and documents as a user sees them (no ids)."""
    fields = [f.attname for f in Traveller._meta.concrete_fields if f.attname not in ("id", "travel_list_id")]
    rows = []
    for traveller in Traveller.objects.filter(travel_list=travel_list).order_by("identity"):
        values = tuple(
            bytes(v) if isinstance(v, memoryview) else v for v in (getattr(traveller, f) for f in fields)
        )
        documents = tuple(
            traveller.documents.order_by("pk").values_list("type", "number", "issuing_state", "expiry")
        )
        rows.append((*values, documents))
    return rows


@pytest.mark.parametrize("batch_from", [1, 10**6], ids=["staged-update", "django-update"])
def test_a_resent_ship_list_is_stored_the_same_whichever_way_the_rows_are_written(
    ports: None, carrier: Carrier, monkeypatch: pytest.MonkeyPatch, batch_from: int
) -> None:
    # 250 people, then the list resent: 240 changed (nationality), 10 gone, 5 new, then a change message.
    _file(carrier, paxlst(_people(250)))
    monkeypatch.setattr(services, "_BULK_UPDATE_FROM", batch_from)
    outcome = _file(carrier, paxlst(_people(245, nationality="BRB", skip=10, extra=10)))
    version = outcome.filings[0].version
    assert (version.added, version.changed, version.removed) == (5, 240, 10)
    assert (version.passengers, version.crew) == (245, 0)
    removed = Traveller.objects.filter(removed_in__isnull=False).values_list("surname", "removed_in")
    assert sorted(removed) == sorted((p.surname, 2) for p in _people(10))
    renewed = [
        Pax(p.surname, p.given, p.born, nationality="BRB", document="R" + p.document) for p in _people(30)
    ]
    outcome = _file(carrier, paxlst(renewed, document_id="CP"))
    assert (outcome.filings[0].version.added, outcome.filings[0].version.changed) == (0, 30)
    travel_list = TravelList.objects.get()
    assert Traveller.objects.filter(travel_list=travel_list).count() == 255
    snapshot = _snapshot(travel_list)
    # The same filings with the other way of writing give the same rows.
    other = 10**6 if batch_from == 1 else 1
    TravelList.objects.all().delete()
    monkeypatch.setattr(services, "_BULK_UPDATE_FROM", 10**6)
    _file(carrier, paxlst(_people(250)))
    monkeypatch.setattr(services, "_BULK_UPDATE_FROM", other)
    _file(carrier, paxlst(_people(245, nationality="BRB", skip=10, extra=10)))
    _file(carrier, paxlst(renewed, document_id="CP"))
    assert _snapshot(TravelList.objects.get()) == snapshot
    # The change message named the ten taken off by the resent list: they are back on it.
    assert not Traveller.objects.filter(removed_in__isnull=False).exists()
