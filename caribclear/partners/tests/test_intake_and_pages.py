"""Taking a partner's STIX bundle in (checked with stix2-validator, each indicator an alert with its source,
TLP and grading, feeding screening) and the pages around partner agencies, as their users meet them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import stix2
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration
from caribclear.accounts.services import api_token_create
from caribclear.conftest import sign_in
from caribclear.intel.choices import Tlp
from caribclear.intel.models import Alert
from caribclear.intel.selectors import active_lookouts
from caribclear.partners import stix
from caribclear.partners.choices import Category
from caribclear.partners.models import PartnerAgreement, ReceivedObject
from caribclear.partners.services import partner_agency_create

pytestmark = pytest.mark.django_db

NOW = "2026-11-20T10:00:00.000Z"


@pytest.fixture
def staff(make_user):
    return make_user(
        role=Role.SECRETARIAT, administration=Administration.organisations.get(kind="secretariat")
    )


@pytest.fixture
def impacs(staff):
    return partner_agency_create(
        actor=staff,
        name="CARICOM IMPACS",
        legal_basis="MOU CCLEC-IMPACS 2026, art. 4",
        signed_on=dt.date(2026, 1, 15),
        expires_on=None,
        categories=[Category.ALERT_PERSON],
    )


@pytest.fixture
def supervisor(make_user, antigua):
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="supervisor@ag.example")


def partner_bundle(*, red: bool = False, broken: bool = False) -> bytes:
    """A bundle as a partner's own tool (OpenCTI, MISP) would make it, with the stix2 library."""
    source = stix2.v21.Identity(
        id="identity--0f8e3a52-8d3e-4a0c-9a55-1f1b2c3d4e5f",
        name="CARICOM IMPACS",
        identity_class="organization",
    )
    person = stix2.v21.Identity(
        id="identity--5b2f7c1e-3a4d-4e8b-9c0f-2a1b3c4d5e6f",
        name="Marcus Bell",
        identity_class="individual",
        created_by_ref=source.id,
        created=NOW,
        modified=NOW,
    )
    indicator = stix2.v21.Indicator(
        id="indicator--8c7d6e5f-4a3b-4c2d-8e1f-0a9b8c7d6e5f",
        name="Firearms courier on the Grenada ferry",
        description="Travels with dismantled pistols in speaker boxes.",
        pattern="[x-caribclear-subject:identifier = 'P9988776']",
        pattern_type="stix",
        valid_from="2026-11-01T00:00:00Z",
        valid_until="2027-05-01T00:00:00Z",
        confidence=85,
        created=NOW,
        modified=NOW,
        created_by_ref=source.id,
        object_marking_refs=[stix.TLP1_IDS["RED"] if red else stix.TLP_IDS["AMBER"]],
        allow_custom=True,
    )
    relation = stix2.v21.Relationship(
        source_ref=indicator.id,
        relationship_type="related-to",
        target_ref=person.id,
        created=NOW,
        modified=NOW,
    )
    markings = [] if red else [stix.tlp_marking("AMBER")]
    bundle = stix2.v21.Bundle(objects=[source, *markings, person, indicator, relation], allow_custom=True)
    data = json.loads(bundle.serialize())
    if broken:  # what a careless tool might send: a pattern with no closing bracket, no valid_from
        found = next(o for o in data["objects"] if o["type"] == "indicator")
        found["pattern"] = "[file:name = 'x'"
        del found["valid_from"]
    return json.dumps(data).encode()


def upload(client: Any, source: Administration, content: bytes) -> Any:
    return client.post(
        reverse("partners:received"),
        {"source": source.pk, "bundle": SimpleUploadedFile("feed.json", content, "application/json")},
        follow=True,
    )


def test_a_supervisor_takes_in_a_partners_bundle_and_analysts_see_its_source_and_tlp(
    client, supervisor, impacs, make_user, antigua
):
    sign_in(client, supervisor)
    page = upload(client, impacs, partner_bundle()).content.decode()
    assert "1 alerts made; 0 already taken in." in page
    received = ReceivedObject.objects.get()
    alert = received.alert
    assert (received.source, received.tlp, alert.tlp) == (impacs, Tlp.AMBER, Tlp.AMBER)
    assert alert.owner == antigua and alert.released_to.count() == 0
    assert (alert.subject_kind, alert.surname) == ("person", "Marcus Bell")
    assert (alert.source_reliability, alert.information_grade) == ("2", "A")  # untested source, confidence 85
    assert (alert.valid_from, alert.valid_until) == (dt.date(2026, 11, 1), dt.date(2027, 5, 1))
    # An officer of the administration sees it with its source and TLP.
    officer = make_user(role=Role.OFFICER, administration=antigua)
    page = sign_in(client, officer).get(reverse("partners:received")).content.decode()
    assert alert.reference in page and "CARICOM IMPACS" in page and "TLP:AMBER" in page
    assert "Upload a STIX bundle" not in page  # only supervisors take bundles in
    # The alert feeds screening as every alert does.
    lookouts = active_lookouts(administration=antigua, on=dt.date(2026, 12, 1))
    assert [(lk.reference, lk.names) for lk in lookouts] == [(alert.reference, ("Marcus Bell",))]
    # The same bundle again adds nothing.
    sign_in(client, supervisor)
    assert "0 alerts made; 1 already taken in." in upload(client, impacs, partner_bundle()).content.decode()
    assert Alert.objects.count() == 1


def test_a_tlp_red_indicator_stays_with_the_named_supervisor(client, supervisor, impacs, antigua):
    sign_in(client, supervisor)
    upload(client, impacs, partner_bundle(red=True))
    alert = ReceivedObject.objects.get().alert
    assert alert.tlp == Tlp.RED and list(alert.recipients.all()) == [supervisor]
    assert active_lookouts(administration=antigua, on=dt.date(2026, 12, 1)) == []


def test_a_bundle_with_errors_is_refused_whole_with_what_is_wrong_and_where(client, supervisor, impacs):
    sign_in(client, supervisor)
    page = upload(client, impacs, partner_bundle(broken=True)).content.decode()
    assert "Nothing was taken in from the file" in page and "indicator--" in page
    assert ReceivedObject.objects.count() == 0 and Alert.objects.count() == 0
    page = upload(client, impacs, b"{not json").content.decode()
    assert "The file is not JSON" in page
    page = upload(client, impacs, json.dumps({"type": "identity"}).encode()).content.decode()
    assert "not a STIX 2.1 bundle" in page
    response = client.post(reverse("partners:received"), {"source": impacs.pk})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


def test_the_secretariat_registers_an_agency_its_agreement_and_an_analyst(
    client, staff, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    url = reverse("partners:agencies")
    response = client.post(
        url, {"name": "Royal Police Force", "signed_on": "2026-02-01", "expires_on": "2026-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert (
        "The agreement cannot expire before it was signed." in page and 'value="Royal Police Force"' in page
    )
    response = client.post(
        url,
        {
            "name": "Royal Police Force",
            "legal_basis": "Police Act s. 12",
            "signed_on": "2026-02-01",
            "categories": [Category.SEIZURE_FIREARMS, Category.ALERT_PERSON],
        },
        follow=True,
    )
    agency = Administration.organisations.get(name="Royal Police Force")
    assert agency.kind == "partner" and response.request["PATH_INFO"] == reverse(
        "partners:agency", args=[agency.code]
    )
    assert agency not in Administration.objects.all()  # not a member: no member list shows it
    page_url = reverse("partners:agency", args=[agency.code])
    client.post(
        page_url,
        {
            "form": "terms",
            "terms-legal_basis": "Police Act s. 12 and MOU 2026",
            "terms-signed_on": "2026-02-01",
            "terms-categories": [Category.SEIZURE_FIREARMS],
        },
    )
    agreement = PartnerAgreement.objects.get(organisation=agency)
    assert (agreement.legal_basis, agreement.categories) == (
        "Police Act s. 12 and MOU 2026",
        ["seizure:firearms"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page_url,
            {
                "form": "analyst",
                "analyst-email": "desk@police.example",
                "analyst-first_name": "Desk",
                "analyst-last_name": "Officer",
            },
        )
    analyst = agency.officials.get()
    assert analyst.role == Role.PARTNER and analyst.is_partner and not analyst.is_official
    assert mail.outbox and mail.outbox[-1].to == ["desk@police.example"]
    assert "desk@police.example" in client.get(page_url).content.decode()
    # The analyst's token can carry the TAXII scope only.
    assert api_token_create(user=analyst, name="feed", second_factor=True)[0].scopes == ["taxii"]


def test_partner_pages_are_for_their_users_only(client, staff, impacs, supervisor, make_user):
    officer_pages = [reverse("partners:agencies"), reverse("partners:agency", args=[impacs.code])]
    sign_in(client, supervisor)
    for url in officer_pages:
        assert client.get(url).status_code == 404
    analyst = make_user(role=Role.PARTNER, administration=impacs)
    sign_in(client, analyst)
    assert client.get("/").url == reverse("accounts:api_tokens")  # their work: the TAXII token
    for url in [
        *officer_pages,
        reverse("partners:received"),
        reverse("intel:seizure_list"),
        reverse("officer:queue"),
    ]:
        assert client.get(url).status_code == 404, url
    sign_in(client, staff)
    assert client.get(reverse("partners:received")).status_code == 404
    assert "CARICOM IMPACS" in client.get(officer_pages[0]).content.decode()
