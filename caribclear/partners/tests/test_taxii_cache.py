"""TAXII pulls served from the cache of served objects: each reader still gets exactly their own view
(personal parts only where released, labels in their language), a changed or withdrawn record is served
as it now is, every read is still logged, and one object is found through the table of served ids."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from taxii2client.exceptions import TAXIIServiceException

from caribclear.accounts.models import Administration
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import AccessLog, Seizure
from caribclear.intel.services import dissemination_change_request
from caribclear.intel.tests.factories import seizure_make
from caribclear.partners import stix
from caribclear.partners.models import StixCache, StixIdIndex

from .test_taxii import incidents, pull, region, token_for, world  # noqa: F401 (world: the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

TAXII = "application/taxii+json;version=2.1"


@pytest.fixture
def both(request: pytest.FixtureRequest, barbados: Administration) -> dict[str, Any]:
    """A seizure released to Barbados and St Kitts, its persons to Barbados only."""
    base = request.getfixturevalue("world")
    kn = Administration.objects.get(code="KN")
    record = seizure_make(
        actor=base["analyst"],
        tlp=Tlp.AMBER,
        released_to=[barbados, kn],
        personal_released_to=[barbados],
        legal_basis="CARICOM Treaty art. 2",
        description="outboard engines with cocaine",
    )
    return {**base, "both": record}


def individuals(objects: list[dict[str, Any]], record: Seizure) -> list[str]:
    main = stix.record_stix_id("seizure", record.reference)
    related = {o["target_ref"] for o in objects if o["type"] == "relationship" and o["source_ref"] == main}
    return [
        o["name"]
        for o in objects
        if o["type"] == "identity" and o["identity_class"] == "individual" and o["id"] in related
    ]


def test_each_reader_gets_their_own_view_from_the_cache_and_every_read_is_logged(both):
    record = both["both"]
    bb, kn = region(both, both["bb"]), region(both, both["kn"])
    assert individuals(pull(bb), record) == ["Jacques Moreau"]
    assert individuals(pull(kn), record) == []  # persons not released to St Kitts
    assert individuals(pull(bb), record) == ["Jacques Moreau"]  # served from the cache, still the persons
    # One stored entry per view of the record (with and without its personal parts), not one per pull.
    assert StixCache.objects.filter(record_id=record.pk, record_type="seizure").count() == 2
    bb_reads = AccessLog.objects.filter(user=both["bb"], record_id=record.pk, via=ReadVia.API)
    assert bb_reads.count() == 2 and all(r.personal_shown and "persons" in r.fields for r in bb_reads)
    (kn_read,) = AccessLog.objects.filter(user=both["kn"], record_id=record.pk, via=ReadVia.API)
    assert not kn_read.personal_shown and "persons" not in kn_read.fields and "commodity" in kn_read.fields


def test_a_changed_record_is_served_as_it_now_is_and_a_withdrawn_one_not_at_all(both):
    record = both["both"]
    bb = region(both, both["bb"])
    assert individuals(pull(bb), record) == ["Jacques Moreau"]
    # Narrowing applies at once: the persons are no longer released to Barbados.
    dissemination_change_request(
        actor=both["analyst"],
        record=record,
        tlp=Tlp.AMBER,
        release_to_all=False,
        released_to=list(record.released_to.all()),
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=record.personal_fields,
        reason="Suspect not charged",
    )
    objects = pull(bb)
    assert record.reference in incidents(objects)
    assert individuals(objects, record) == []
    dissemination_change_request(
        actor=both["analyst"],
        record=record,
        tlp=Tlp.AMBER,
        release_to_all=False,
        released_to=[],
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=record.personal_fields,
        reason="Investigation under way",
    )
    assert record.reference not in incidents(pull(bb))


def test_the_stored_objects_are_what_is_served_until_the_record_changes(both):
    """The pull really comes from the stored objects (what makes it fast): a stored entry stands for the
    record until the record's version moves, and then the record is built again."""
    record = both["both"]
    bb = region(both, both["bb"])
    first = incidents(pull(bb))[record.reference]
    entry = StixCache.objects.get(record_type="seizure", record_id=record.pk, personal=True)
    StixCache.objects.filter(pk=entry.pk).update(
        stix_json=entry.stix_json.replace("outboard engines with cocaine", "stored text")
    )
    assert incidents(pull(bb))[record.reference]["description"] == "stored text"
    Seizure.objects.filter(pk=record.pk).update(description="engines, cocaine in the cowling")
    record.refresh_from_db()
    record.save(update_fields=["updated_at"])  # a change of the record moves its version
    again = incidents(pull(bb))[record.reference]
    assert again["description"] == "engines, cocaine in the cowling"
    assert again["modified"] > first["modified"]


def test_labels_follow_the_readers_language(both):
    record = both["both"]
    url = f"{both['base']}/taxii2/api/collections/{region(both, both['bb']).id}/objects/"
    auth = {"Authorization": f"Bearer {token_for(both['bb'])}", "Accept": TAXII}
    names = {}
    for language in ("en", "es", "en"):
        response = requests.get(url, headers={**auth, "Accept-Language": language}, timeout=30)
        assert response.status_code == 200
        names[language] = incidents(response.json()["objects"])[record.reference]["name"]
    assert "Drugs" in names["en"] or "drugs" in names["en"]
    assert names["es"] != names["en"]


def test_one_object_is_found_through_the_table_of_served_ids(both):
    record = both["both"]
    person = stix.person_identity_id(record.reference, 0)
    bb, kn = region(both, both["bb"]), region(both, both["kn"])
    # Asked before any pull: the records not in the table yet are put there, then it is one lookup.
    found = bb.get_object(person)["objects"]
    assert [o["name"] for o in found] == ["Jacques Moreau"]
    row = StixIdIndex.objects.get(stix_id=person)
    assert (row.record_type, row.record_id) == ("seizure", record.pk)
    assert (
        StixIdIndex.objects.filter(
            main=True, record_id__in=[both["shared"].pk, both["personal"].pk, record.pk]
        ).count()
        == 3
    )
    port = bb.get_object(stix.port_location_id("AGSJO"))["objects"]
    assert port[0]["type"] == "location"
    # St Kitts may see the seizure but not its persons: the person does not exist for it.
    assert kn.get_object(stix.record_stix_id("seizure", record.reference))["objects"]
    with pytest.raises((requests.HTTPError, TAXIIServiceException)) as failure:
        kn.get_object(person)
    assert "404" in str(failure.value)
    # A record withdrawn from Barbados: its objects are gone although their ids are in the table.
    dissemination_change_request(
        actor=both["analyst"],
        record=record,
        tlp=Tlp.AMBER,
        release_to_all=False,
        released_to=[],
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=record.personal_fields,
        reason="Investigation under way",
    )
    with pytest.raises((requests.HTTPError, TAXIIServiceException)) as failure:
        bb.get_object(person)
    assert "404" in str(failure.value)
