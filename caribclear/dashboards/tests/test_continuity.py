"""The continuity pack: tomorrow's arrivals of an official's administration, with the people on board and
the open hits, as a page, a PDF and a CSV; only the official's own administration; every download logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Kind, PersonRole, Purpose
from caribclear.clearance.services import Aboard, notification_create
from caribclear.conftest import sign_in
from caribclear.core.models import AuditEvent
from caribclear.reference.models import Port
from caribclear.reference.services import ports_of_entry_seed
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.services import lookout_create
from caribclear.vessels.models import Person, TravelDocument, Vessel

pytestmark = pytest.mark.django_db


def _file(operator: User, port: str, hours: float, surname: str, vessel_name: str) -> str:
    vessel = Vessel.objects.create(
        account=operator, name=vessel_name, vessel_type="sailing_yacht", flag="GB",
        registration_number=f"REG-{vessel_name}", port_of_registry="Southampton", length_m=12, owner_name="O",
    )  # fmt: skip
    person = Person.objects.create(
        account=operator, surname=surname, given_names="Kwame", sex="M",
        date_of_birth=dt.date(1977, 5, 6), nationality="GB",
    )  # fmt: skip
    document = TravelDocument.objects.create(
        person=person, number=f"P{surname[:6].upper()}1", issuing_state="GB",
        expiry_date=timezone.localdate() + dt.timedelta(days=2000),
    )  # fmt: skip
    data = {
        "vessel": vessel, "kind": Kind.ARRIVAL, "port": Port.objects.get(locode=port),
        "expected_at": timezone.now() + dt.timedelta(hours=hours), "last_port": "Las Palmas",
        "last_port_country": "ES", "next_port": "Castries", "next_port_country": "LC",
        "purpose": Purpose.CRUISING, "is_charter": False, "declares_firearms": False,
        "declares_currency": False, "declares_alcohol_tobacco": False, "declares_animals": False,
        "declares_plants_food": False, "declares_goods_for_sale": False, "declares_illness": False,
        "declaration_details": "",
    }  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        notification = notification_create(
            actor=operator,
            data=data,
            people=[Aboard(person=person, document=document, role=PersonRole.MASTER)],
            submit=True,
        )
    return notification.reference


@pytest.fixture
def world(
    make_user: Callable[..., User], antigua: Administration, barbados: Administration
) -> dict[str, Any]:
    ports_of_entry_seed()
    official = make_user(role=Role.OFFICER, administration=antigua)
    lookout_create(
        actor=official, kind=LookoutKind.PERSON, name="Kwame Wanted", birth_date="1977-05-06",
        reason="Known courier", sharing=Sharing.OWN,
    )  # fmt: skip
    operator = make_user(role=Role.OPERATOR)
    return {
        "official": official,
        "barbadian": make_user(role=Role.OFFICER, administration=barbados),
        "operator": operator,
        "tomorrow": _file(operator, "AGSJO", 20, "Wanted", "Tomorrow Belle"),
        "next_week": _file(operator, "AGSJO", 24 * 6, "Later", "Next Week Star"),
        "barbados": _file(operator, "BBBGI", 20, "Elsewhere", "Bajan Breeze"),
    }


def _pax_list(official: User) -> str:
    """A flight arriving at Antigua in 10 hours with one passenger (PAXLST through the importer)."""
    from caribclear.passengers.services import carrier_create, passenger_list_import
    from caribclear.passengers.tests.factories import Pax, paxlst

    carrier = carrier_create(actor=None, name="Island Air", code="IA", kind="airline")
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = passenger_list_import(
            actor=None,
            data=paxlst([Pax("FLYER", "AMINA", "19850203", document="PX1234567")], flight="IA101", arrival="AGSJO", hours_ahead=8),
            carrier=carrier,
        )  # fmt: skip
    assert outcome.ok, outcome.to_json()
    return outcome.filings[0].travel_list.reference


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_page_lists_the_next_two_days_of_the_officials_own_administration(world, client):
    sign_in(client, world["official"])
    response = client.get("/officer/continuity/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world["tomorrow"] in page and "Tomorrow Belle" in page
    assert world["next_week"] not in page  # six days ahead: not in the next 48 hours
    assert world["barbados"] not in page and "Bajan Breeze" not in page  # another administration's
    assert "(AST, UTC-4)" in page  # the port's clock, with its zone
    assert 'href="/officer/continuity/"' in page  # in the officer's navigation


def test_the_csv_has_each_person_on_board_with_their_open_hit(world, client):
    reference = _pax_list(world["official"])
    sign_in(client, world["official"])
    response = client.get("/officer/continuity/pack.csv?hours=24")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response.content)
    by_name = {row["Name"]: row for row in rows}
    master = by_name["Wanted, Kwame"]
    assert master["Reference"] == world["tomorrow"]
    assert master["Kind"] == "Yacht notification"
    assert master["Port"] == "AGSJO"
    assert master["Travel document"] == "PWANTED1"
    assert master["Date of birth"] == "1977-05-06"
    assert "Kwame Wanted" in master["Open hits"]
    assert master["Expected"].endswith("(AST, UTC-4)")
    flyer = by_name["FLYER, AMINA"]
    assert flyer["Reference"] == reference and flyer["Kind"] == "Passenger list"
    assert flyer["Travel document"] == "PX1234567"
    assert not any(r["Reference"] in (world["barbados"], world["next_week"]) for r in rows)


def test_the_pdf_reads_back_in_the_officials_language_with_port_times(world, client, make_user, antigua):
    spanish = make_user(role=Role.OFFICER, administration=antigua, language="es")
    sign_in(client, spanish)
    response = client.get("/officer/continuity/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Paquete de continuidad" in text
    assert world["tomorrow"] in text and "Tomorrow Belle" in text
    assert "Wanted, Kwame" in text and "PWANTED1" in text
    assert "Kwame Wanted" in text  # the open hit, with the name it is listed under
    assert "(AST, UTC-4)" in text
    assert world["barbados"] not in text and world["next_week"] not in text


def test_each_download_is_on_the_audit_trail(world, client):
    sign_in(client, world["official"])
    client.get("/officer/continuity/pack.pdf")
    client.get("/officer/continuity/pack.csv?port=AGSJO&hours=48")
    events = list(AuditEvent.objects.filter(action="continuity.pack").order_by("pk"))
    assert [e.data["format"] for e in events] == ["pdf", "csv"]
    assert all(e.actor_id == world["official"].pk for e in events)
    assert events[1].data["port"] == "AGSJO"
    assert events[1].data["references"] == [world["tomorrow"]]
    client.get("/officer/continuity/")  # looking at the page downloads nothing
    assert AuditEvent.objects.filter(action="continuity.pack").count() == 2


def test_another_administration_and_operators_get_nothing(world, client, client_for):
    sign_in(client, world["barbadian"])
    rows = _csv(client.get("/officer/continuity/pack.csv").content)
    assert [r["Reference"] for r in rows] == [world["barbados"]]
    # A port of another administration is not a choice: the form refuses it and shows the default pack.
    page = client.get("/officer/continuity/?port=AGSJO").content.decode()
    assert world["tomorrow"] not in page
    operator = client_for(world["operator"])
    assert operator.get("/officer/continuity/").status_code == 404
    assert operator.get("/officer/continuity/pack.csv").status_code == 404
