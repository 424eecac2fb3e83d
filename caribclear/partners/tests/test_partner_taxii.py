"""A partner agency pulls over TAXII with `taxii2-client`, as its own tools would: it gets what is released
to it under its agreement and nothing else, its token reads TAXII and nothing else, alerts come as valid
STIX indicators, and single objects and their versions are served as TAXII 2.1 says."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import requests
from stix2validator import ValidationOptions, validate_instance
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, Server, as_pages

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration
from caribclear.accounts.services import api_token_create
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import AccessLog, DisseminationChange
from caribclear.intel.selectors import access_log_for
from caribclear.intel.services import dissemination_change_approve, dissemination_change_request
from caribclear.intel.tests.factories import alert_make, seizure_make
from caribclear.partners import stix
from caribclear.partners.choices import Category
from caribclear.partners.services import (
    partner_account_create,
    partner_agency_create,
    partner_agreement_update,
)
from caribclear.reference.services import ports_of_entry_seed

from .test_taxii import Bearer, incidents

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(user: Any, **kwargs: Any) -> str:
    return api_token_create(user=user, name="Partner's tool", second_factor=True, **kwargs)[1]


@pytest.fixture
def world(make_user, antigua, barbados, settings, live_server):
    settings.SITE_URL = live_server.url
    ports_of_entry_seed()
    staff = make_user(
        role=Role.SECRETARIAT, administration=Administration.organisations.get(kind="secretariat")
    )
    impacs = partner_agency_create(
        actor=staff,
        name="CARICOM IMPACS",
        legal_basis="MOU CCLEC-IMPACS 2026, art. 4",
        signed_on=dt.date(2026, 1, 15),
        expires_on=None,
        categories=[Category.SEIZURE_FIREARMS, Category.ALERT_PERSON],
    )
    police = partner_agency_create(
        actor=staff,
        name="Royal Police Force",
        legal_basis="Police Act s. 12",
        signed_on=dt.date(2026, 1, 15),
        expires_on=None,
        categories=[Category.SEIZURE_FIREARMS],
    )
    analyst = partner_account_create(
        actor=staff, agency=impacs, email="analyst@impacs.example", first_name="Ana", last_name="Lyst"
    )
    officer = make_user(role=Role.SUPERVISOR, administration=antigua, email="supervisor@ag.example")
    second = make_user(role=Role.SUPERVISOR, administration=antigua, email="second@ag.example")
    guns = seizure_make(
        actor=officer,
        tlp=Tlp.AMBER,
        commodity="firearms",
        description="pistol parts",
        released_to=[impacs],
        personal_released_to=[impacs],
        legal_basis="MOU CCLEC-IMPACS 2026, art. 4",
    )
    guns_no_personal = seizure_make(
        actor=officer, tlp=Tlp.AMBER_STRICT, commodity="firearms", description="rifle", released_to=[impacs]
    )
    drugs = seizure_make(
        actor=officer, tlp=Tlp.AMBER, commodity="drugs", description="cocaine to impacs", released_to=[impacs]
    )
    green = seizure_make(actor=officer, tlp=Tlp.GREEN, commodity="firearms", description="region only")
    all_members = seizure_make(
        actor=officer, tlp=Tlp.AMBER, commodity="firearms", description="all members", release_to_all=True
    )
    to_police = seizure_make(
        actor=officer, tlp=Tlp.AMBER, commodity="firearms", description="police only", released_to=[police]
    )
    courier = alert_make(actor=officer, tlp=Tlp.AMBER, title="Gun courier on ferries")
    courier.released_to.set([impacs])
    vessel = alert_make(actor=officer, tlp=Tlp.AMBER, subject_kind="vessel", title="Go-fast boat")
    vessel.released_to.set([impacs])  # not a category of the agreement
    return {
        "staff": staff,
        "impacs": impacs,
        "police": police,
        "analyst": analyst,
        "officer": officer,
        "second": second,
        "guns": guns,
        "guns_no_personal": guns_no_personal,
        "drugs": drugs,
        "green": green,
        "all_members": all_members,
        "to_police": to_police,
        "courier": courier,
        "vessel": vessel,
        "base": live_server.url,
    }


def collections(world: dict[str, Any], user: Any, token: str | None = None) -> dict[str, Collection]:
    server = Server(f"{world['base']}/taxii2/", auth=Bearer(token or token_for(user)))
    return {c.title.split(" ", 1)[0]: c for c in server.default.collections}


def pull(collection: Collection, **filters: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=50, **filters):
        objects += page.get("objects", [])
    return objects


def indicators(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["external_references"][0]["external_id"]: o for o in objects if o["type"] == "indicator"}


def test_a_partner_gets_what_is_released_to_it_under_its_agreement_and_nothing_else(world):
    found = collections(world, world["analyst"])
    assert set(found) == {"Seizures", "Alerts"}
    seizures = pull(found["Seizures"])
    assert set(incidents(seizures)) == {world["guns"].reference, world["guns_no_personal"].reference}
    text = json.dumps(seizures)
    for left_out in ("drugs", "green", "all_members", "to_police"):
        assert world[left_out].reference not in text, left_out
    # Persons only where the owner released personal data to the agency, with a legal basis.
    names = [o["name"] for o in seizures if o["type"] == "identity" and o["identity_class"] == "individual"]
    assert names == ["Jacques Moreau"]
    alerts = pull(found["Alerts"])
    assert set(indicators(alerts)) == {world["courier"].reference}
    # The courier's name and documents are personal and not released to the agency: not in the feed.
    assert "Okafor" not in json.dumps(alerts) and "A1234567" not in json.dumps(alerts)
    # Every read is logged, and the owner sees the partner's reads like any other.
    logged = AccessLog.objects.filter(user=world["analyst"], via=ReadVia.API)
    assert {row.record_id for row in logged if row.record_type == "seizure"} == {
        world["guns"].pk,
        world["guns_no_personal"].pk,
    }
    owner_view = access_log_for(user=world["officer"], record=world["guns"])
    assert [row.administration_id for row in owner_view] == [world["impacs"].pk]


def test_alerts_are_valid_stix_indicators_with_markings_grading_and_the_subject_where_released(world):
    courier = world["courier"]
    courier.personal_released_to.set([world["impacs"]])
    courier.legal_basis = "MOU CCLEC-IMPACS 2026, art. 4"
    courier.save()
    objects = pull(collections(world, world["analyst"])["Alerts"])
    for obj in objects:
        result = validate_instance(obj, ValidationOptions(version="2.1"))
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])
    indicator = indicators(objects)[courier.reference]
    assert indicator["object_marking_refs"] == [stix.TLP_IDS["AMBER"]]
    assert indicator["pattern_type"] == "stix"
    assert "x-caribclear-subject:identifier = 'A1234567'" in indicator["pattern"]
    assert indicator["valid_from"].startswith(courier.valid_from.isoformat())
    assert indicator["extensions"][stix.GRADING_EXTENSION]["grading"] == (
        courier.source_reliability + courier.information_grade + courier.handling_code
    )
    assert indicator["extensions"][stix.ALERT_EXTENSION]["subject_kind"] == "person"
    subject = next(o for o in objects if o["type"] == "identity" and o["identity_class"] == "individual")
    assert subject["name"] == "Daniel Okafor"
    assert any(
        o["type"] == "relationship"
        and o["source_ref"] == indicator["id"]
        and o["target_ref"] == subject["id"]
        for o in objects
    )


def test_a_partners_token_reads_taxii_and_nothing_else(world):
    token = token_for(world["analyst"])
    assert api_token_create(user=world["analyst"], name="x", second_factor=True)[0].scopes == ["taxii"]
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/intel/seizures", "/api/notifications", "/api/vessels"):
        response = requests.get(f"{world['base']}{path}", headers=headers, timeout=30)
        assert response.status_code in (403, 404), path
        assert world["guns"].reference not in response.text
    # And the pages of the platform's records are not theirs either.
    assert set(collections(world, world["analyst"], token)) == {"Seizures", "Alerts"}
    # An official's token without the taxii scope is refused by the TAXII server.
    bare = api_token_create(user=world["officer"], name="read only", scopes=["read"], second_factor=True)[1]
    response = requests.get(
        f"{world['base']}/taxii2/",
        headers={"Authorization": f"Bearer {bare}", "Accept": "application/taxii+json;version=2.1"},
        timeout=30,
    )
    assert response.status_code == 403 and "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_an_agreement_out_of_force_or_narrowed_stops_what_the_partner_receives(world):
    found = collections(world, world["analyst"])
    assert pull(found["Seizures"])
    agreement = world["impacs"].partner_agreement
    partner_agreement_update(
        actor=world["staff"],
        agreement=agreement,
        legal_basis=agreement.legal_basis,
        signed_on=agreement.signed_on,
        expires_on=None,
        categories=[Category.ALERT_PERSON],
    )
    assert set(collections(world, world["analyst"])) == {"Alerts"}
    with pytest.raises(requests.HTTPError):
        pull(found["Seizures"])  # the collection is gone: 404
    partner_agreement_update(
        actor=world["staff"],
        agreement=agreement,
        legal_basis=agreement.legal_basis,
        signed_on=agreement.signed_on,
        expires_on=dt.date(2026, 1, 31),
        categories=[Category.ALERT_PERSON],
    )
    response = requests.get(
        f"{world['base']}/taxii2/",
        headers={
            "Authorization": f"Bearer {token_for(world['analyst'])}",
            "Accept": "application/taxii+json;version=2.1",
        },
        timeout=30,
    )
    assert response.status_code == 403 and response.json()["title"] == "No agreement in force"


def test_releasing_to_a_partner_needs_a_second_official_and_withdrawing_removes_it_from_the_next_pull(world):
    record = world["drugs"]
    world["impacs"].partner_agreement.categories += [Category.SEIZURE_DRUGS]
    world["impacs"].partner_agreement.save()
    collection = collections(world, world["analyst"])["Seizures"]
    assert record.reference in incidents(pull(collection))
    green = world["green"]
    common: dict[str, Any] = {
        "release_to_all": False,
        "personal_released_to": [],
        "recipients": [],
        "legal_basis": "",
    }
    change = dissemination_change_request(
        actor=world["officer"],
        record=green,
        tlp=Tlp.GREEN,
        released_to=[world["impacs"]],
        reason="Joint case",
        personal_fields=green.personal_fields,
        **common,
    )
    assert isinstance(change, DisseminationChange)  # widening: waits for a second official
    assert green.reference not in incidents(pull(collection))
    dissemination_change_approve(actor=world["second"], change=change)
    assert green.reference in incidents(pull(collection))
    dissemination_change_request(
        actor=world["officer"],
        record=record,
        tlp=Tlp.AMBER,
        released_to=[],
        reason="Case closed",
        personal_fields=record.personal_fields,
        **common,
    )
    assert record.reference not in incidents(pull(collection))


def test_one_object_and_its_versions_through_taxii2_client(world):
    collection = collections(world, world["analyst"])["Seizures"]
    objects = pull(collection)
    incident = incidents(objects)[world["guns"].reference]
    envelope = collection.get_object(incident["id"])
    assert envelope["objects"] == [incident]
    assert envelope.get("more") is False
    versions = collection.object_versions(incident["id"])
    assert versions["versions"] == [incident["modified"]]
    assert collection.get_object(incident["id"], version=incident["modified"])["objects"] == [incident]
    assert "objects" not in collection.get_object(incident["id"], version="2020-01-01T00:00:00.000Z")
    relationship = next(
        o for o in objects if o["type"] == "relationship" and o["source_ref"] == incident["id"]
    )
    assert collection.get_object(relationship["id"])["objects"] == [relationship]
    tlp = collection.get_object(stix.TLP_IDS["AMBER"])["objects"][0]
    assert tlp["name"] == "TLP:AMBER"
    # An object of a record not released to the agency does not exist for it.
    hidden = stix.record_stix_id("seizure", world["to_police"].reference)
    for call in (collection.get_object, collection.object_versions):
        with pytest.raises((requests.HTTPError, TAXIIServiceException)) as failure:
            call(hidden)
        assert "404" in str(failure.value)
    assert AccessLog.objects.filter(user=world["analyst"], record_id=world["to_police"].pk).count() == 0
