"""Taking intelligence in over TAXII: a member's supervisor subscribes to a partner's collection, and the
poll pulls it with `taxii2-client` over real HTTP. The partner's server here is the platform's own TAXII
server on a live server, read with a partner agency analyst's token: what the agency receives is what the
subscriber takes in, as alerts with their source, TLP and grading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration
from caribclear.accounts.services import api_token_create
from caribclear.conftest import sign_in
from caribclear.intel.choices import Tlp
from caribclear.intel.models import Alert
from caribclear.intel.tests.factories import alert_make
from caribclear.partners import secrets
from caribclear.partners.choices import Category, Received, TaxiiAuth
from caribclear.partners.models import ReceivedObject, TaxiiSubscription
from caribclear.partners.services import partner_account_create, partner_agency_create
from caribclear.partners.subscriptions import subscription_poll
from caribclear.reference.services import ports_of_entry_seed

pytestmark = pytest.mark.django_db(transaction=True)


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
        categories=[Category.ALERT_PERSON],
    )
    analyst = partner_account_create(
        actor=staff, agency=impacs, email="analyst@impacs.example", first_name="Ana", last_name="Lyst"
    )
    token = api_token_create(user=analyst, name="IMPACS feed", second_factor=True)[1]
    owner = make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")
    courier = release(alert_make(actor=owner, tlp=Tlp.AMBER, title="Gun courier on ferries"), impacs)
    supervisor = make_user(role=Role.SUPERVISOR, administration=barbados, email="supervisor@bb.example")
    collections_url = f"{live_server.url}/taxii2/api/collections/"
    response = sign_in_taxii(live_server.url, token)
    alerts = next(c for c in response["collections"] if c["title"].startswith("Alerts"))
    return {
        "impacs": impacs,
        "token": token,
        "owner": owner,
        "courier": courier,
        "supervisor": supervisor,
        "barbados": barbados,
        "api_root": f"{live_server.url}/taxii2/api/",
        "collection_id": alerts["id"],
        "collections_url": collections_url,
        "base": live_server.url,
    }


def release(alert: Alert, agency: Administration) -> Alert:
    alert.released_to.set([agency])
    alert.personal_released_to.set([agency])
    alert.legal_basis = "MOU CCLEC-IMPACS 2026, art. 4"
    alert.save()
    return alert


def sign_in_taxii(base: str, token: str) -> Any:
    import requests

    response = requests.get(
        f"{base}/taxii2/api/collections/",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/taxii+json;version=2.1"},
        timeout=30,
    )
    assert response.status_code == 200
    return response.json()


def subscribe(client: Any, world: dict[str, Any], **changes: Any) -> Any:
    data = {
        "source": world["impacs"].pk,
        "api_root": world["api_root"],
        "collection_id": world["collection_id"],
        "auth": TaxiiAuth.TOKEN,
        "username": "",
        "secret": world["token"],
        "unmarked_tlp": Tlp.AMBER,
        "source_reliability": "1",
        "interval_minutes": "30",
        **changes,
    }
    return client.post(reverse("partners:subscriptions"), data, follow=True)


def test_a_subscription_pulls_the_partners_collection_over_taxii_and_takes_in_only_what_is_new(client, world):
    sign_in(client, world["supervisor"])
    page = subscribe(client, world).content.decode()
    subscription = TaxiiSubscription.objects.get()
    # The first poll ran once the subscription was saved: a real pull of the partner's collection.
    assert subscription.last_error == "" and subscription.last_count == 1
    assert "CARICOM IMPACS" in page and "Gun courier on ferries" not in page  # the page shows the poll
    received = ReceivedObject.objects.get(administration=world["barbados"])
    alert = received.alert
    assert (received.received_via, received.source, received.tlp) == (
        Received.TAXII,
        world["impacs"],
        "AMBER",
    )
    assert alert.owner == world["barbados"] and world["courier"].reference in alert.title
    assert (alert.subject_kind, alert.surname, alert.given_names) == ("person", "Okafor", "Daniel")
    # The partner's own 3x5x2 grading travels with the indicator.
    assert (alert.source_reliability, alert.information_grade) == (
        world["courier"].source_reliability,
        world["courier"].information_grade,
    )
    assert subscription.added_after is not None
    # The credentials are stored encrypted, never as given.
    assert world["token"].encode() not in bytes(subscription.sealed_secret)
    assert secrets.unseal(subscription.sealed_secret) == world["token"]

    # Nothing added since: the next poll asks with added_after and takes nothing in again.
    polled = subscription_poll(subscription_id=subscription.pk)
    assert (polled.last_count, polled.last_error) == (0, "")
    assert ReceivedObject.objects.count() == 1

    # A new alert released to the agency comes in with the next poll, and only it.
    later = release(alert_make(actor=world["owner"], tlp=Tlp.GREEN, title="Cash courier"), world["impacs"])
    polled = subscription_poll(subscription_id=subscription.pk)
    assert subscription.added_after is not None and polled.added_after is not None
    assert polled.last_count == 1 and polled.added_after > subscription.added_after
    assert ReceivedObject.objects.count() == 2
    assert ReceivedObject.objects.filter(alert__title__contains=later.reference).exists()
    page = client.get(reverse("partners:subscription", args=[subscription.pk])).content.decode()
    assert "Cash courier" not in page and "The last poll failed" not in page


def test_a_poll_that_fails_says_why_on_the_subscription_page_and_keeps_its_mark(client, world):
    sign_in(client, world["supervisor"])
    subscribe(client, world, secret="cc_not_a_real_token")
    subscription = TaxiiSubscription.objects.get()
    assert subscription.last_count == 0 and "401" in subscription.last_error
    assert subscription.added_after is None and not ReceivedObject.objects.exists()
    page = client.get(reverse("partners:subscription", args=[subscription.pk])).content.decode()
    assert "The last poll failed" in page and "401" in page
    listing = client.get(reverse("partners:subscriptions")).content.decode()
    assert "401" in listing


def test_the_subscription_form_says_what_is_wrong_beside_each_field(client, world):
    sign_in(client, world["supervisor"])
    response = subscribe(
        client,
        world,
        api_root="not an address",
        collection_id="",
        auth=TaxiiAuth.BASIC,
        secret="",
        interval_minutes="1",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"api_root", "collection_id", "username", "secret", "interval_minutes"}
    assert not TaxiiSubscription.objects.exists()


def test_only_the_subscribers_officials_see_a_subscription_and_only_supervisors_change_it(
    client, world, make_user, antigua
):
    sign_in(client, world["supervisor"])
    subscribe(client, world)
    subscription = TaxiiSubscription.objects.get()
    url = reverse("partners:subscription", args=[subscription.pk])
    officer = make_user(role=Role.OFFICER, administration=world["barbados"], email="officer@bb.example")
    sign_in(client, officer)
    page = client.get(url).content.decode()
    assert "CARICOM IMPACS" in page and "Poll now" not in page
    assert client.post(url, {"action": "stop"}).status_code == 404
    assert "Subscribe to a partner" not in client.get(reverse("partners:subscriptions")).content.decode()
    other = make_user(role=Role.SUPERVISOR, administration=antigua, email="other@ag.example")
    sign_in(client, other)
    assert client.get(url).status_code == 404
    sign_in(client, world["supervisor"])
    client.post(url, {"action": "stop"})
    subscription.refresh_from_db()
    assert not subscription.is_active
