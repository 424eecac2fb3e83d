"""The TAXII 2.1 server, pulled with `taxii2-client` (a client nobody here wrote) on a live server, and
every object it serves checked with `stix2-validator`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import stix2
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from caribclear.accounts.choices import Role
from caribclear.accounts.services import api_token_create
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import AccessLog
from caribclear.intel.services import dissemination_change_request
from caribclear.intel.tests.factories import seizure_make
from caribclear.partners import stix
from caribclear.reference.services import ports_of_entry_seed

pytestmark = pytest.mark.django_db(transaction=True)


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def token_for(user: Any) -> str:
    return api_token_create(user=user, name="TAXII client", second_factor=True)[1]


@pytest.fixture
def world(make_user, antigua, barbados, settings, live_server):
    settings.SITE_URL = live_server.url
    ports_of_entry_seed()  # a transactional test starts from an empty database but for the members
    analyst = make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")
    bb_officer = make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    kn_officer = make_user(
        role=Role.OFFICER, administration=antigua.__class__.objects.get(code="KN"), email="officer@kn.example"
    )
    shared = seizure_make(actor=analyst, tlp=Tlp.AMBER, released_to=[barbados], description="cocaine bricks")
    personal = seizure_make(
        actor=analyst,
        tlp=Tlp.AMBER,
        released_to=[barbados],
        personal_released_to=[barbados],
        legal_basis="CARICOM Treaty art. 2",
        description="firearm parts",
        commodity="firearms",
    )
    own_only = seizure_make(actor=analyst, tlp=Tlp.AMBER, description="held back")
    red = seizure_make(actor=analyst, tlp=Tlp.RED, recipients=[analyst], description="named people only")
    return {
        "analyst": analyst,
        "bb": bb_officer,
        "kn": kn_officer,
        "shared": shared,
        "personal": personal,
        "own_only": own_only,
        "red": red,
        "base": live_server.url,
    }


def region(world: dict[str, Any], user: Any) -> Collection:
    server = Server(f"{world['base']}/taxii2/", auth=Bearer(token_for(user)))
    root: ApiRoot = server.default
    found = [c for c in root.collections if c.title.startswith("Seizures shared with")]
    assert len(found) == 1
    return found[0]


def pull(collection: Collection, **filters: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=20, **filters):
        objects += page.get("objects", [])
    return objects


def incidents(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["external_references"][0]["external_id"]: o for o in objects if o["type"] == "incident"}


def test_a_member_pulls_what_is_released_to_it_and_nothing_else(world):
    objects = pull(region(world, world["bb"]))
    seen = incidents(objects)
    assert set(seen) == {world["shared"].reference, world["personal"].reference}
    assert world["own_only"].reference not in json.dumps(objects)
    assert "named people only" not in json.dumps(objects) and "held back" not in json.dumps(objects)
    # Persons only where the owner released them, with a legal basis.
    individuals = [o for o in objects if o["type"] == "identity" and o["identity_class"] == "individual"]
    assert [i["name"] for i in individuals] == ["Jacques Moreau"]
    shared = seen[world["shared"].reference]
    related = {
        o["target_ref"] for o in objects if o["type"] == "relationship" and o["source_ref"] == shared["id"]
    }
    assert not related & {i["id"] for i in individuals}  # the person of the other seizure only
    # Every read is logged for the owner, as API reads.
    logged = AccessLog.objects.filter(user=world["bb"], via=ReadVia.API)
    assert {row.record_id for row in logged} == {world["shared"].pk, world["personal"].pk}


def test_every_object_is_valid_stix_with_the_official_tlp_marking_and_the_grading(world):
    objects = pull(region(world, world["analyst"]))
    for obj in objects:
        result = validate_instance(obj, ValidationOptions(version="2.1"))
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])
    bundle = stix2.parse(
        {"type": "bundle", "id": "bundle--" + "0" * 8 + "-0000-4000-8000-" + "0" * 12, "objects": objects},
        allow_custom=True,
    )
    assert len(bundle.objects) == len(objects)
    seen = incidents(objects)
    red = seen[world["red"].reference]  # the analyst is a named recipient
    assert red["object_marking_refs"] == [stix.TLP_IDS["RED"]]
    amber = seen[world["shared"].reference]
    assert amber["object_marking_refs"] == [stix.TLP_IDS["AMBER"]]
    definitions = {o["id"]: o for o in objects if o["type"] == "marking-definition"}
    assert definitions[stix.TLP_IDS["AMBER"]]["extensions"][stix.TLP_EXTENSION]["tlp_2_0"] == "amber"
    grading = amber["extensions"][stix.GRADING_EXTENSION]
    assert grading["grading"] == world["shared"].source_reliability + world["shared"].information_grade + (
        world["shared"].handling_code
    )
    assert amber["confidence"] == stix.CONFIDENCE[world["shared"].information_grade]
    facts = amber["extensions"][stix.SEIZURE_EXTENSION]
    assert (facts["commodity"], facts["quantity"], facts["unit"], facts["port"]) == (
        "drugs",
        "12.5",
        "kg",
        "AGSJO",
    )


def test_tlp_red_never_leaves_the_named_people(world):
    # Other administrations' officials; who of the owner's own administration sees a TLP:RED record is
    # intel's rule (its visibility module), which TAXII applies unchanged.
    for reader in (world["bb"], world["kn"]):
        text = json.dumps(pull(region(world, reader)))
        assert world["red"].reference not in text and "named people only" not in text


def test_a_withdrawn_release_disappears_from_the_next_pull(world):
    collection = region(world, world["bb"])
    assert world["shared"].reference in incidents(pull(collection))
    dissemination_change_request(
        actor=world["analyst"],
        record=world["shared"],
        tlp=Tlp.AMBER,
        release_to_all=False,
        released_to=[],
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=world["shared"].personal_fields,
        reason="Investigation under way",
    )
    assert world["shared"].reference not in incidents(pull(collection))


def test_added_after_serves_only_what_changed_since(world):
    collection = region(world, world["bb"])
    first = collection.get_manifest()
    assert len(first["objects"]) == 2
    last = max(entry["date_added"] for entry in first["objects"])
    assert collection.get_manifest(added_after=last) == {"more": False}
    assert pull(collection, added_after=last) == []
    later = seizure_make(actor=world["analyst"], tlp=Tlp.GREEN, description="cigarettes")
    assert set(incidents(pull(collection, added_after=last))) == {later.reference}


def test_no_token_another_role_or_a_bad_request_is_answered_as_taxii_does(world, make_user):
    base = world["base"]
    taxii = {"Accept": "application/taxii+json;version=2.1"}
    response = requests.get(f"{base}/taxii2/", headers=taxii, timeout=30)
    assert response.status_code == 401 and response.json()["http_status"] == "401"
    operator = make_user(role=Role.OPERATOR)
    response = requests.get(
        f"{base}/taxii2/", headers={**taxii, "Authorization": f"Bearer {token_for(operator)}"}, timeout=30
    )
    assert response.status_code == 404
    auth = {"Authorization": f"Bearer {token_for(world['bb'])}"}
    response = requests.get(f"{base}/taxii2/", headers={**auth, "Accept": "application/json"}, timeout=30)
    assert response.status_code == 406
    collection_id = region(world, world["bb"]).id
    url = f"{base}/taxii2/api/collections/{collection_id}/objects/"
    for query in ("?added_after=yesterday", "?limit=0", "?next=%%%"):
        response = requests.get(url + query, headers={**taxii, **auth}, timeout=30)
        assert response.status_code == 400, query
        assert response.headers["Content-Type"].startswith("application/taxii+json")
    response = requests.get(
        f"{base}/taxii2/api/collections/00000000-0000-0000-0000-000000000000/objects/",
        headers={**taxii, **auth},
        timeout=30,
    )
    assert response.status_code == 404


def test_paging_hands_every_record_once_whole_and_within_the_limit(world):
    collection = region(world, world["analyst"])
    pages = list(as_pages(collection.get_objects, per_request=20))
    assert len(pages) > 1
    ids = [o["id"] for page in pages for o in page["objects"] if o["type"] == "incident"]
    assert len(ids) == len(set(ids)) == 4
    for page in pages:
        incident_ids = {o["id"] for o in page["objects"] if o["type"] == "incident"}
        targets = {o["source_ref"] for o in page["objects"] if o["type"] == "relationship"}
        assert targets <= incident_ids  # a record's relationships come with it
        # Within the limit, the page's platform objects and TLP definitions counted (one record may exceed it).
        assert len(page["objects"]) <= 20 or len(incident_ids) == 1
