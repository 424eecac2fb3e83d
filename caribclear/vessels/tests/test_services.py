from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from caribclear.core.models import AuditEvent
from caribclear.vessels import selectors, services
from caribclear.vessels.models import Person, TravelDocument, Vessel

from .factories import document_data, make_person, make_vessel, person_data, vessel_data

pytestmark = pytest.mark.django_db


def test_vessel_create_normalises_and_audits(operator) -> None:
    vessel = make_vessel(
        operator, registration_number=" bb-1234 ", call_sign="8p ab2", hull_id="xyz 12345c404"
    )
    assert vessel.account == operator
    assert (vessel.registration_number, vessel.call_sign, vessel.hull_id) == (
        "BB-1234",
        "8PAB2",
        "XYZ12345C404",
    )
    event = AuditEvent.objects.get(action="vessels.vessel_create")
    assert event.object_id == str(vessel.pk) and event.actor == operator


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("mmsi", "12345678", "nine digits"),
        ("mmsi", "912345678", "2 to 7"),
        ("imo_number", "IMO 9074728", "check digit"),
        ("imo_number", "907472", "seven digits"),
        ("length_m", Decimal("0.5"), ""),
        ("flag", "QQ", ""),
        ("vessel_type", "submarine", ""),
        ("name", "", ""),
    ],
)
def test_vessel_field_errors(operator, field, value, fragment) -> None:
    with pytest.raises(ValidationError) as caught:
        services.vessel_create(actor=operator, data=vessel_data(**{field: value}))
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])
    assert not Vessel.objects.exists()


def test_imo_number_is_kept_as_seven_digits_whatever_the_spelling(operator) -> None:
    vessel = make_vessel(operator, imo_number="IMO 9074729")
    vessel.refresh_from_db()
    assert vessel.imo_number == "9074729"
    services.vessel_update(actor=operator, vessel=vessel, data={"imo_number": " imo9187629 "})
    vessel.refresh_from_db()
    assert vessel.imo_number == "9187629"
    services.vessel_update(actor=operator, vessel=vessel, data={"imo_number": None})
    vessel.refresh_from_db()
    assert vessel.imo_number == ""  # a vessel without one, as most pleasure craft


def test_too_long_imo_number_gets_one_message(operator) -> None:
    with pytest.raises(ValidationError) as caught:
        make_vessel(operator, imo_number="12345678")
    assert caught.value.message_dict["imo_number"] == ["An IMO number has seven digits, e.g. IMO 9074729."]


def test_same_registration_twice_is_refused_until_archived(operator) -> None:
    first = make_vessel(operator)
    with pytest.raises(ValidationError) as caught:
        make_vessel(operator, name="Other")
    assert "registration_number" in caught.value.message_dict
    services.vessel_archive(actor=operator, vessel=first)
    make_vessel(operator, name="Other")  # the archived one no longer blocks
    with pytest.raises(ValidationError):
        services.vessel_archive(actor=operator, vessel=first, archived=False)


def test_vessel_update_and_archive(operator) -> None:
    vessel = make_vessel(operator)
    services.vessel_update(actor=operator, vessel=vessel, data={"hull_colour": "Blue"})
    vessel.refresh_from_db()
    assert vessel.hull_colour == "Blue"
    assert AuditEvent.objects.filter(action="vessels.vessel_update", data__changed=["hull_colour"]).exists()
    services.vessel_archive(actor=operator, vessel=vessel)
    assert list(selectors.vessels_for(operator)) == []
    assert list(selectors.vessels_for(operator, include_archived=True)) == [vessel]


def test_services_refuse_another_accounts_records(operator, make_user) -> None:
    other = make_user()
    vessel = make_vessel(operator)
    person = make_person(operator)
    with pytest.raises(Http404):
        services.vessel_update(actor=other, vessel=vessel, data={"name": "Mine now"})
    with pytest.raises(Http404):
        services.weapon_add(actor=other, vessel=vessel, data={"kind": "firearm", "serial_number": "X1"})
    with pytest.raises(Http404):
        services.document_add(actor=other, person=person, data=document_data(number="X1"))
    with pytest.raises(Http404):
        services.person_update(actor=other, person=person, data={"surname": "X"})


def test_selectors_only_show_own_records(operator, make_user, officer) -> None:
    other = make_user()
    mine = make_vessel(operator)
    make_vessel(other)
    me = make_person(operator)
    make_person(other)
    assert list(selectors.vessels_for(operator)) == [mine]
    assert list(selectors.people_for(operator)) == [me]
    assert list(selectors.documents_for(operator)) == list(me.documents.all())
    assert not selectors.vessels_for(officer).exists()
    assert not selectors.people_for(officer).exists()


def test_person_with_document_and_field_errors(operator) -> None:
    person = make_person(operator)
    assert person.documents.get().number == "L898902C3"
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=operator,
            data=person_data(date_of_birth=dt.date.today() + dt.timedelta(days=1), nationality="XX"),  # noqa: DTZ011
            documents=[document_data(number="AB-12", expiry_date=dt.date(1970, 1, 1))],
        )
    errors = caught.value.message_dict
    assert {"date_of_birth", "nationality", "documents.0.number"} <= set(errors)
    assert Person.objects.count() == 1


def test_expired_document_is_kept_and_flagged(operator) -> None:
    person = make_person(operator, document={"expiry_date": dt.date(2020, 1, 1)})
    document = person.documents.get()
    assert document.is_expired


def test_document_twice_for_same_person_is_refused(operator) -> None:
    person = make_person(operator)
    with pytest.raises(ValidationError) as caught:
        services.document_add(actor=operator, person=person, data=document_data(number="l898902 c3"))
    assert "number" in caught.value.message_dict
    assert TravelDocument.objects.count() == 1


def test_a_document_used_on_a_notification_stays_and_an_unused_one_goes(operator, ports) -> None:
    from caribclear.clearance.tests.factories import notification_make, person_make, vessel_make

    vessel = vessel_make(account=operator)
    used = person_make(account=operator)
    notification_make(account=operator, vessel=vessel, port="AGSJO", people=[used])
    with pytest.raises(ValidationError) as caught:
        services.document_remove(actor=operator, document=used[1])
    assert "stays on record" in " ".join(caught.value.messages)
    assert TravelDocument.objects.filter(pk=used[1].pk).exists()
    assert not AuditEvent.objects.filter(action="vessels.document_remove").exists()

    _person, unused = person_make(account=operator)
    services.document_remove(actor=operator, document=unused)
    assert not TravelDocument.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="vessels.document_remove").count() == 1


def test_weapons(operator) -> None:
    vessel = make_vessel(operator)
    with pytest.raises(ValidationError) as caught:
        services.weapon_add(actor=operator, vessel=vessel, data={"kind": "firearm", "quantity": 1})
    assert "serial_number" in caught.value.message_dict
    weapon = services.weapon_add(
        actor=operator,
        vessel=vessel,
        data={
            "kind": "firearm",
            "make": "Mossberg",
            "model": "500",
            "serial_number": "u123",
            "calibre": "12 ga",
        },
    )
    assert weapon.serial_number == "U123"
    services.weapon_update(actor=operator, weapon=weapon, data={"quantity": 2})
    services.weapon_remove(actor=operator, weapon=weapon)
    assert not vessel.weapons.exists()
    assert AuditEvent.objects.filter(action="vessels.weapon_remove").exists()
