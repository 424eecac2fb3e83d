"""Sharing between member administrations, for every officer and document view.

Rule: an administration's notifications are opened in full only by its own officials and by the operator
who filed them. Other members' officials see them only as voyage history (date, port, administration,
kind, status). Everything else of another administration is "not found" (404), never "forbidden".

Views covered:
- officer:queue — every tab, and searching by the other member's reference, vessel and person
- officer:notification_detail — GET, and POST (the agency decision)
- documents:certificate
- documents:crew_list — HTML and ?format=pdf
- documents:crew_list_pdf
- documents:verify — public by design: shows no personal data (see test_documents.py)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision, Kind, Status
from caribclear.clearance.models import AgencyClearance, Notification
from caribclear.clearance.officer_selectors import TABS
from caribclear.core.models import AuditEvent

from .factories import clearances_make, notification_make, person_make, vessel_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    ports: None,
    operator: User,
    make_user: Callable[..., User],
    antigua: Administration,
    barbados: Administration,
) -> dict[str, Any]:
    """One vessel cleared out of Antigua, then arriving in Barbados; both cleared."""
    vessel = vessel_make(account=operator, name="Tradewind", registration_number="TW-1", mmsi="235999888")
    crew = person_make(account=operator, surname="Windward", given_names="Lee", document_number="W9999999")
    in_antigua = notification_make(
        account=operator,
        vessel=vessel,
        port="AGSJO",
        kind=Kind.DEPARTURE,
        status=Status.CLEARED,
        expected_at=timezone.now() - dt.timedelta(days=2),
        next_port="Bridgetown",
        next_port_country="BB",
        people=[crew],
        declaration_details="ANTIGUA-ONLY-DETAILS",
    )
    clearances_make(in_antigua, {Agency.CUSTOMS: Decision.CLEARED, Agency.IMMIGRATION: Decision.CLEARED})
    in_barbados = notification_make(
        account=operator,
        vessel=vessel,
        port="BBBGI",
        kind=Kind.ARRIVAL,
        status=Status.CLEARED,
        expected_at=timezone.now() - dt.timedelta(days=1),
        people=[crew],
        declaration_details="BARBADOS-ONLY-DETAILS",
    )
    clearances_make(in_barbados, {Agency.CUSTOMS: Decision.CLEARED, Agency.IMMIGRATION: Decision.CLEARED})
    pending_in_antigua = notification_make(
        account=operator,
        vessel=vessel,
        port="AGSJO",
        kind=Kind.ARRIVAL,
        status=Status.SUBMITTED,
        expected_at=timezone.now() + dt.timedelta(hours=12),
        people=[crew],
    )
    return {
        "in_antigua": in_antigua,
        "in_barbados": in_barbados,
        "pending_in_antigua": pending_in_antigua,
        "ag_officer": make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS),
        "bb_officer": make_user(role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS),
        "bb_supervisor": make_user(role=Role.SUPERVISOR, administration=barbados, agency=Agency.IMMIGRATION),
        "bb_administrator": make_user(
            role=Role.ADMINISTRATOR, administration=barbados, agency=Agency.CUSTOMS
        ),
        "other_operator": make_user(email="someone-else@example.org"),
    }


def record_urls(notification: Notification) -> list[str]:
    """Every officer and document page of one notification (GET)."""
    ref = notification.reference
    return [
        reverse("officer:notification_detail", args=[ref]),
        reverse("documents:certificate", args=[ref]),
        reverse("documents:crew_list", args=[ref]),
        reverse("documents:crew_list", args=[ref]) + "?format=pdf",
        reverse("documents:crew_list_pdf", args=[ref]),
    ]


@pytest.mark.parametrize("role", ["bb_officer", "bb_supervisor", "bb_administrator"])
def test_another_members_officials_get_404_on_every_record_page(
    role: str, world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world[role])
    for notification in (world["in_antigua"], world["pending_in_antigua"]):
        for url in record_urls(notification):
            assert client.get(url).status_code == 404, url
    # ... while the same pages of their own administration's record open.
    for url in record_urls(world["in_barbados"]):
        assert client.get(url).status_code == 200, url
    # Nothing of Antigua's people was shown, so nothing was logged as viewed for Antigua's records.
    antigua_documents = {str(p.document_id) for p in world["in_antigua"].people_on_board.all()}
    viewed = AuditEvent.objects.filter(
        action="travel_document.view", data__notification=world["in_antigua"].reference
    )
    assert not viewed.exists()
    assert antigua_documents  # the same document was logged only for the Barbados record
    assert set(
        AuditEvent.objects.filter(action="travel_document.view").values_list("data__notification", flat=True)
    ) == {world["in_barbados"].reference}


def test_another_members_official_cannot_decide(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    pending = world["pending_in_antigua"]
    response = client_for(world["bb_officer"]).post(
        reverse("officer:notification_detail", args=[pending.reference]),
        {"decision": Decision.CLEARED, "remarks": ""},
    )
    assert response.status_code == 404
    assert not AgencyClearance.objects.filter(notification=pending).exists()
    pending.refresh_from_db()
    assert pending.status == Status.SUBMITTED


def test_another_members_queue_never_lists_the_record_even_when_searched(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["bb_officer"])
    antigua_refs = {world["in_antigua"].reference, world["pending_in_antigua"].reference}
    searches: list[dict[str, str]] = [
        {},
        {"reference": world["in_antigua"].reference},
        {"reference": world["pending_in_antigua"].reference},
        {"vessel": "Tradewind"},
        {"vessel": "235999888"},
        {"person": "Windward"},
        {"person": "W9999999"},
    ]
    for tab, _label in TABS:
        for search in searches:
            response = client.post(reverse("officer:queue"), {"tab": tab, **search}, follow=True)
            assert response.status_code == 200
            listed = {n.reference for n in response.context["page"].object_list}
            assert not listed & antigua_refs, (tab, search)
            page = response.content.decode()
            for ref in antigua_refs:  # (a searched reference is echoed in its box, but never linked)
                assert reverse("officer:notification_detail", args=[ref]) not in page, (tab, search)
    # Barbados finds its own record by the same searches.
    response = client.post(reverse("officer:queue"), {"tab": "all", "person": "Windward"}, follow=True)
    assert {n.reference for n in response.context["page"].object_list} == {world["in_barbados"].reference}


def test_the_queue_of_each_member_holds_only_its_own(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    ag = client_for(world["ag_officer"]).get(reverse("officer:queue"), {"tab": "all"})
    assert {n.reference for n in ag.context["page"].object_list} == {
        world["in_antigua"].reference,
        world["pending_in_antigua"].reference,
    }
    # The Antigua departure to Barbados is en route for Antigua, never on Barbados' own tabs.
    en_route = client_for(world["ag_officer"]).get(reverse("officer:queue"), {"tab": "en_route"})
    assert world["in_antigua"] not in en_route.context["page"].object_list  # Barbados arrival cleared since


def test_voyage_history_is_shared_with_other_members(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    response = client_for(world["bb_officer"]).get(
        reverse("officer:notification_detail", args=[world["in_barbados"].reference])
    )
    assert response.status_code == 200
    page = response.content.decode()
    in_antigua = world["in_antigua"]
    vessel_history = response.context["vessel_history"]
    expected = {
        ("Antigua and Barbuda", "St. John's (AGSJO)", Kind.DEPARTURE, Status.CLEARED),
        ("Antigua and Barbuda", "St. John's (AGSJO)", Kind.ARRIVAL, Status.SUBMITTED),
    }
    assert {(r.administration, r.port, r.kind, r.status) for r in vessel_history} == expected
    (person,) = response.context["people"]
    assert {(r.administration, r.port, r.kind, r.status) for r in person.history} == expected
    assert "Antigua and Barbuda" in page and "St. John&#x27;s (AGSJO)" in page
    # Only those fields: no reference, no link, no declaration of Antigua's record.
    assert in_antigua.reference not in page
    assert world["pending_in_antigua"].reference not in page
    assert "ANTIGUA-ONLY-DETAILS" not in page
    assert reverse("officer:notification_detail", args=[in_antigua.reference]) not in page


def test_the_antigua_official_sees_the_barbados_record_only_as_history(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["ag_officer"])
    for url in record_urls(world["in_barbados"]):
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("officer:notification_detail", args=[world["in_antigua"].reference]))
    text = page.content.decode()
    assert "Barbados" in text and "Bridgetown (BBBGI)" in text
    assert world["in_barbados"].reference not in text and "BARBADOS-ONLY-DETAILS" not in text


def test_operators_see_only_their_own_documents_and_no_officer_pages(
    world: dict[str, Any], operator: User, client_for: Callable[[User], Client]
) -> None:
    owner, stranger = client_for(operator), client_for(world["other_operator"])
    for notification in (world["in_antigua"], world["in_barbados"]):
        ref = notification.reference
        for name in ("documents:certificate", "documents:crew_list", "documents:crew_list_pdf"):
            assert owner.get(reverse(name, args=[ref])).status_code == 200
            assert stranger.get(reverse(name, args=[ref])).status_code == 404
        # Officer pages are for officials only, even of one's own notification.
        assert owner.get(reverse("officer:notification_detail", args=[ref])).status_code == 404
        assert (
            owner.post(
                reverse("officer:notification_detail", args=[ref]), {"decision": Decision.CLEARED}
            ).status_code
            == 404
        )
    assert owner.get(reverse("officer:queue")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: dict[str, Any], client: Client) -> None:
    for url in [reverse("officer:queue"), *record_urls(world["in_antigua"])]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_officials_without_two_factor_verification_are_sent_to_sign_in(
    world: dict[str, Any], client: Client
) -> None:
    client.force_login(world["ag_officer"], backend="django.contrib.auth.backends.ModelBackend")
    for url in [reverse("officer:queue"), *record_urls(world["in_antigua"])]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_drafts_are_the_operators_alone(
    world: dict[str, Any], operator: User, client_for: Callable[[User], Client]
) -> None:
    draft = notification_make(
        account=operator, vessel=world["in_antigua"].vessel, port="AGSJO", status=Status.DRAFT
    )
    client = client_for(world["ag_officer"])
    for url in record_urls(draft):
        assert client.get(url).status_code == 404, url
    for tab, _label in TABS:
        response = client.get(reverse("officer:queue"), {"tab": tab, "reference": draft.reference})
        assert list(response.context["page"].object_list) == []
    history = client.get(reverse("officer:notification_detail", args=[world["in_antigua"].reference]))
    assert all(record.status != Status.DRAFT for record in history.context["vessel_history"])
