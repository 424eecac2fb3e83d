from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from caribclear.vessels.models import Person, Vessel

from .factories import make_person, make_vessel, td3, vessel_data

pytestmark = pytest.mark.django_db

SPECIMEN_TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _urls(vessel: Vessel, person: Person) -> list[tuple[str, str]]:
    weapon = vessel.weapons.first()
    document = person.documents.first()
    assert weapon is not None and document is not None
    return [
        ("get", reverse("vessels:list")),
        ("get", reverse("vessels:vessel_create")),
        ("get", reverse("vessels:person_create")),
        ("get", reverse("vessels:people_upload")),
        ("get", reverse("vessels:vessel_detail", args=[vessel.pk])),
        ("get", reverse("vessels:vessel_edit", args=[vessel.pk])),
        ("post", reverse("vessels:vessel_edit", args=[vessel.pk])),
        ("post", reverse("vessels:vessel_archive", args=[vessel.pk])),
        ("get", reverse("vessels:weapon_add", args=[vessel.pk])),
        ("post", reverse("vessels:weapon_add", args=[vessel.pk])),
        ("get", reverse("vessels:weapon_edit", args=[vessel.pk, weapon.pk])),
        ("post", reverse("vessels:weapon_remove", args=[vessel.pk, weapon.pk])),
        ("get", reverse("vessels:person_detail", args=[person.pk])),
        ("get", reverse("vessels:person_edit", args=[person.pk])),
        ("post", reverse("vessels:person_edit", args=[person.pk])),
        ("post", reverse("vessels:person_archive", args=[person.pk])),
        ("get", reverse("vessels:document_add", args=[person.pk])),
        ("post", reverse("vessels:document_add", args=[person.pk])),
        ("get", reverse("vessels:document_edit", args=[person.pk, document.pk])),
        ("post", reverse("vessels:document_remove", args=[person.pk, document.pk])),
    ]


@pytest.fixture
def records(operator):
    from caribclear.vessels import services

    vessel = make_vessel(operator)
    services.weapon_add(actor=operator, vessel=vessel, data={"kind": "firearm", "serial_number": "S1"})
    return vessel, make_person(operator)


def test_other_operator_and_officials_get_404_everywhere(
    records, make_user, officer, administrator, client_for
):
    vessel, person = records
    own_pages = {
        reverse(n)
        for n in ("vessels:list", "vessels:vessel_create", "vessels:person_create", "vessels:people_upload")
    }
    for user in (make_user(), officer, administrator):
        client = client_for(user)
        for method, url in _urls(vessel, person):
            if url in own_pages and user.is_operator:
                continue  # another operator has these pages for their own records
            response = getattr(client, method)(url, {"name": "x", "restore": "1"})
            assert response.status_code == 404, (user, method, url)
    vessel.refresh_from_db()
    assert vessel.name == "Sea Breeze" and not vessel.is_archived
    assert vessel.weapons.count() == 1 and person.documents.count() == 1


def test_owner_sees_every_page(records, operator, client_for):
    vessel, person = records
    client = client_for(operator)
    for method, url in _urls(vessel, person):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("vessels:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_shows_vessels_people_and_expired_tag(operator, client_for, django_assert_max_num_queries):
    for n in range(5):
        make_vessel(operator, name=f"Boat {n}", registration_number=f"R{n}")
        make_person(
            operator, surname=f"Person{n}", document={"number": f"N{n}", "expiry_date": dt.date(2020, 1, 1)}
        )
    client = client_for(operator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("vessels:list"))
    body = response.content.decode()
    assert "Boat 4" in body and "PERSON4" in body
    assert body.count("Expired") >= 5
    assert reverse("vessels:vessel_create") in body and reverse("vessels:person_create") in body


def test_create_vessel_with_field_errors_keeps_input(operator, client_for):
    client = client_for(operator)
    data = {
        "name": "Sea Breeze",
        "vessel_type": "sailing_yacht",
        "flag": "BB",
        "registration_number": "BB-1",
        "port_of_registry": "Bridgetown",
        "mmsi": "12345",
        "length_m": "12.5",
        "masts": "1",
        "owner_name": "Ana",
        "hull_colour": "Navy blue",
    }
    response = client.post(reverse("vessels:vessel_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "An MMSI has exactly nine digits." in body
    assert 'value="Navy blue"' in body and 'value="Sea Breeze"' in body
    assert not Vessel.objects.exists()
    data["mmsi"] = "314123456"
    response = client.post(reverse("vessels:vessel_create"), data)
    vessel = Vessel.objects.get()
    assert response["Location"] == reverse("vessels:vessel_detail", args=[vessel.pk])


def test_imo_number_with_a_wrong_check_digit_is_shown_beside_the_field_and_nothing_is_lost(
    operator, client_for
):
    client = client_for(operator)
    data = vessel_data(imo_number="IMO 9074728")
    response = client.post(reverse("vessels:vessel_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["imo_number"]
    assert "check digit" in form.errors["imo_number"][0]
    body = response.content.decode()
    assert f'<p class="error" id="id_imo_number_error">{escape(form.errors["imo_number"][0])}</p>' in body
    for typed in ("IMO 9074728", "Sea Breeze", "BB-1234", "8PAB2", "314123456", "White"):
        assert f'value="{typed}"' in body
    assert not Vessel.objects.exists()

    data["imo_number"] = "imo 9074729"
    response = client.post(reverse("vessels:vessel_create"), data)
    vessel = Vessel.objects.get()
    assert vessel.imo_number == "9074729"
    page = client.get(response["Location"]).content.decode()
    assert "IMO 9074729" in page
    edit = client.get(reverse("vessels:vessel_edit", args=[vessel.pk])).content.decode()
    assert 'value="9074729"' in edit


def test_archive_and_restore_vessel(operator, client_for):
    vessel = make_vessel(operator)
    client = client_for(operator)
    client.post(reverse("vessels:vessel_archive", args=[vessel.pk]))
    assert "Sea Breeze" not in client.get(reverse("vessels:list")).content.decode()
    assert "Sea Breeze" in client.get(reverse("vessels:list") + "?archived=1").content.decode()
    client.post(reverse("vessels:vessel_archive", args=[vessel.pk]), {"restore": "1"})
    vessel.refresh_from_db()
    assert not vessel.is_archived


def test_weapon_add_edit_remove_on_vessel_page(operator, client_for):
    vessel = make_vessel(operator)
    client = client_for(operator)
    response = client.post(
        reverse("vessels:weapon_add", args=[vessel.pk]), {"kind": "firearm", "quantity": "1", "make": "Glock"}
    )
    assert "Enter the serial number of the firearm." in response.content.decode()
    assert 'value="Glock"' in response.content.decode()
    client.post(
        reverse("vessels:weapon_add", args=[vessel.pk]),
        {"kind": "ammunition", "quantity": "50", "calibre": "9 mm"},
    )
    weapon = vessel.weapons.get()
    page = client.get(reverse("vessels:vessel_detail", args=[vessel.pk])).content.decode()
    assert "9 mm" in page and "Ammunition" in page
    client.post(
        reverse("vessels:weapon_edit", args=[vessel.pk, weapon.pk]),
        {"kind": "ammunition", "quantity": "40", "calibre": "9 mm"},
    )
    weapon.refresh_from_db()
    assert weapon.quantity == 40
    client.post(reverse("vessels:weapon_remove", args=[vessel.pk, weapon.pk]))
    assert not vessel.weapons.exists()


# The person form and its MRZ step (works without JavaScript: paste, submit, review, save).


def test_mrz_fills_the_form_without_saving(operator, client_for):
    client = client_for(operator)
    mrz = td3(issuing="BRB", nationality="BRB", expiry="301231")
    response = client.post(
        reverse("vessels:person_create"),
        {"action": "mrz", "mrz": mrz, "place_of_birth": "Oistins", "rank": "Cook", "category": "crew"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert 'value="Eriksson"' in body and 'value="Anna Maria"' in body
    assert 'value="12/08/1974"' in body and 'value="L898902C3"' in body and 'value="31/12/2030"' in body
    assert 'value="BB" selected' in body
    assert 'value="Oistins"' in body and 'value="Cook"' in body  # what was typed stays
    assert "There is a problem" not in body


def test_mrz_with_wrong_check_digit_names_field_and_keeps_typing(operator, client_for):
    client = client_for(operator)
    broken = SPECIMEN_TD3.replace("L898902C36", "L898902C35")
    response = client.post(
        reverse("vessels:person_create"),
        {"action": "mrz", "mrz": broken, "place_of_birth": "Oistins", "surname": "Typed"},
    )
    body = response.content.decode()
    assert "check digit of the document number does not match" in body
    assert 'value="Oistins"' in body and 'value="Typed"' in body
    assert "L898902C35" in body  # the pasted MRZ is still in its box
    assert not Person.objects.exists()


def test_expired_document_warns_on_review_and_saves_with_tag(operator, client_for):
    client = client_for(operator)
    mrz = td3(issuing="BRB", nationality="BRB", expiry="200101")
    response = client.post(reverse("vessels:person_create"), {"action": "mrz", "mrz": mrz})
    assert "expired on 1 Jan 2020" in response.content.decode()
    data = {
        "action": "save",
        "mrz": mrz,
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "sex": "F",
        "date_of_birth": "1974-08-12",
        "nationality": "BB",
        "category": "crew",
        "document_type": "P",
        "document_number": "L898902C3",
        "document_issuing_state": "BB",
        "document_expiry_date": "2020-01-01",
    }
    response = client.post(reverse("vessels:person_create"), data, follow=True)
    person = Person.objects.get()
    assert person.documents.get().mrz == mrz
    body = response.content.decode()
    assert "expired on 1 Jan 2020" in body
    assert "Expired" in client.get(reverse("vessels:person_detail", args=[person.pk])).content.decode()
    assert "Expired" in client.get(reverse("vessels:list")).content.decode()


def test_person_form_field_errors_keep_input(operator, client_for):
    client = client_for(operator)
    response = client.post(
        reverse("vessels:person_create"),
        {
            "action": "save",
            "surname": "Doe",
            "place_of_birth": "Castries",
            "date_of_birth": "31/31/1980",
            "sex": "F",
            "nationality": "LC",
            "category": "crew",
            "document_number": "AB123",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date as day, month, year: 23/04/1985." not in body  # the error, not the hint, says it
    assert "Enter the date as day, month, year: 14/09/2027." in body
    assert "Choose the state that issued the document." in body
    assert "Enter the expiry date of the document." in body
    assert 'value="Castries"' in body and 'value="AB123"' in body
    assert not Person.objects.exists()


def test_document_add_with_mrz_then_save(operator, client_for):
    person = make_person(operator, document={"number": "OLD1"})
    client = client_for(operator)
    mrz = td3(number="NEW123456", issuing="GBR", nationality="GBD", expiry="301231")
    url = reverse("vessels:document_add", args=[person.pk])
    body = client.post(url, {"action": "mrz", "mrz": mrz}).content.decode()
    assert 'value="NEW123456"' in body and 'value="GB" selected' in body
    client.post(
        url,
        {
            "action": "save",
            "mrz": mrz,
            "document_type": "P",
            "number": "NEW123456",
            "issuing_state": "GB",
            "expiry_date": "2030-12-31",
        },
    )
    assert set(person.documents.values_list("number", flat=True)) == {"OLD1", "NEW123456"}


def test_person_edit_and_archive(operator, client_for):
    person = make_person(operator)
    client = client_for(operator)
    response = client.post(
        reverse("vessels:person_edit", args=[person.pk]),
        {
            "surname": "Eriksson",
            "given_names": "Anna",
            "sex": "F",
            "date_of_birth": "1974-08-12",
            "nationality": "SE",
            "category": "passenger",
            "port_of_embarkation": "Bridgetown",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.category == "passenger" and person.port_of_embarkation == "Bridgetown"
    client.post(reverse("vessels:person_archive", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_archived


def test_another_operator_list_shows_only_their_own(records, make_user, client_for):
    body = client_for(make_user()).get(reverse("vessels:list")).content.decode()
    assert "Sea Breeze" not in body and "ERIKSSON" not in body
    assert "No vessels yet." in body
