"""The officer's page of one notification: what it shows, voyage history, audit, and agency decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import User
from caribclear.clearance.choices import Decision, Kind, Status
from caribclear.clearance.models import AgencyClearance, Notification, NotificationVersion
from caribclear.clearance.versions import version_changes
from caribclear.core.models import AuditEvent
from caribclear.vessels.models import Weapon

from .factories import notification_make, person_make, vessel_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def voyage(ports: None, operator: User, make_user: Callable[..., User]) -> dict[str, Any]:
    """A vessel cleared in Barbados last month, now arriving in Antigua; one of the crew also sailed
    on another operator's boat (the same passport), to Saint Lucia."""
    vessel = vessel_make(account=operator, name="Blue Heron", mmsi="235111222", imo_number="9074729")
    Weapon.objects.create(
        vessel=vessel, kind="firearm", make="Mossberg", model="500", serial_number="MB-4411"
    )
    skipper = person_make(
        account=operator, surname="Harbour", given_names="Jonas", document_number="GB7654321"
    )
    expired = person_make(
        account=operator,
        surname="Oldpass",
        given_names="Rita",
        document_number="GB1111111",
        expiry_date=timezone.localdate() - dt.timedelta(days=3),
    )
    bajan_only = person_make(account=operator, surname="Bajanonly", document_number="BBONLY123")
    earlier = notification_make(
        account=operator,
        vessel=vessel,
        port="BBBGI",
        status=Status.CLEARED,
        expected_at=timezone.now() - dt.timedelta(days=30),
        people=[skipper, bajan_only],
        declares_goods_for_sale=True,
        declaration_details="SECRET-BB-DECLARATION",
    )
    other_operator = make_user(email="other-skipper@example.org")
    twin = person_make(
        account=other_operator, surname="Harbour", given_names="Jonas", document_number="GB7654321"
    )
    elsewhere = notification_make(
        account=other_operator,
        vessel=vessel_make(account=other_operator, name="Other Boat"),
        port="LCCAS",
        status=Status.REFUSED,
        expected_at=timezone.now() - dt.timedelta(days=60),
        people=[twin],
    )
    current = notification_make(
        account=operator,
        vessel=vessel,
        port="AGSJO",
        status=Status.SUBMITTED,
        expected_at=timezone.now() + dt.timedelta(hours=6),
        people=[skipper, expired],
        declares_firearms=True,
        declaration_details="One shotgun in the locker.",
        screened=True,
    )
    NotificationVersion.objects.create(
        notification=current, number=1, created_by=operator, snapshot={}, changes=[]
    )
    NotificationVersion.objects.create(
        notification=current,
        number=2,
        created_by=operator,
        snapshot={},
        changes=[{"field": "expected_at", "old": "Monday", "new": "Tuesday"}],
    )
    return {"current": current, "earlier": earlier, "elsewhere": elsewhere, "skipper": skipper}


def detail_url(notification: Notification) -> str:
    return reverse("officer:notification_detail", args=[notification.reference])


def test_detail_shows_vessel_people_declaration_and_versions(
    officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    response = client_for(officer).get(detail_url(voyage["current"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Blue Heron" in page and "235111222" in page and "IMO 9074729" in page
    assert "Mossberg" in page and "MB-4411" in page
    assert "HARBOUR" in page and "GB7654321" in page
    assert "One shotgun in the locker." in page
    # The expired passport is flagged, the valid one is not.
    rows = {p.entry.person.surname: p.document_expired for p in response.context["people"]}
    assert rows == {"Harbour": False, "Oldpass": True}
    assert page.count("tag tag-red") == 1
    # Versions newest first, with their changes.
    assert [row["version"].number for row in response.context["versions"]] == [2, 1]
    # Each change in words: the field's label as the captain's form shows it, not its key.
    assert "Expected date and time: Monday → Tuesday" in page
    assert "expected_at" not in page


def test_detail_shows_regional_history_but_nothing_else_of_other_members(
    officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    response = client_for(officer).get(detail_url(voyage["current"]))
    page = response.content.decode()
    earlier, elsewhere = voyage["earlier"], voyage["elsewhere"]

    vessel_history = response.context["vessel_history"]
    assert [(r.administration, r.port, r.kind, r.status) for r in vessel_history] == [
        ("Barbados", "Bridgetown (BBBGI)", Kind.ARRIVAL, Status.CLEARED)
    ]
    skipper = next(p for p in response.context["people"] if p.entry.person.surname == "Harbour")
    # Both the same person record and the same passport filed by another account count.
    assert {r.administration for r in skipper.history} == {"Barbados", "Saint Lucia"}
    assert "Saint Lucia" in page and "Castries" in page

    # Only date, port, administration, kind and status: not the other members' references,
    # declarations, people or vessels.
    assert earlier.reference not in page and elsewhere.reference not in page
    assert "SECRET-BB-DECLARATION" not in page
    assert "BBONLY123" not in page and "BAJANONLY" not in page.upper()
    assert "Other Boat" not in page
    assert all(r.reference == "" for r in vessel_history + skipper.history)


def test_history_links_own_administrations_records(
    officer: User, operator: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    previous = notification_make(
        account=operator,
        vessel=voyage["current"].vessel,
        port="AGSJO",
        kind=Kind.DEPARTURE,
        status=Status.CLEARED,
        expected_at=timezone.now() - dt.timedelta(days=90),
    )
    page = client_for(officer).get(detail_url(voyage["current"])).content.decode()
    assert detail_url(previous) in page


def test_every_travel_document_shown_is_audited(
    officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    current = voyage["current"]
    client_for(officer).get(detail_url(current))
    events = AuditEvent.objects.filter(action="travel_document.view")
    assert events.count() == 2
    shown = {entry.document_id for entry in current.people_on_board.all()}
    assert {int(e.object_id) for e in events} == shown
    assert {e.actor_id for e in events} == {officer.pk}
    assert {e.administration_code for e in events} == {"AG"}
    assert {e.data["notification"] for e in events} == {current.reference}


def test_detail_query_count_is_pinned(
    officer: User,
    operator: User,
    client_for: Callable[[User], Any],
    voyage: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    current = voyage["current"]
    client = client_for(officer)
    client.get(detail_url(current))
    # 12 reads, 3 for the risk panel (assessment, hits, fired criteria), one audit insert per travel document (2)
    with django_assert_max_num_queries(20):  # + the hold banner: hits, their lists' rules, referrals
        client.get(detail_url(current))
    # More people and more history: only the audit inserts grow (one per document shown).
    for _ in range(5):
        person = person_make(account=operator)
        current.people_on_board.create(person=person[0], document=person[1], role="crew")
        notification_make(account=operator, vessel=current.vessel, port="BBBGI", people=[person])
    with django_assert_max_num_queries(17 + 5):
        response = client.get(detail_url(current))
    assert len(response.context["people"]) == 7


def post_decision(client: Any, notification: Notification, decision: str, remarks: str = "") -> Any:
    return client.post(detail_url(notification), {"decision": decision, "remarks": remarks})


def test_customs_and_immigration_cleared_clears_the_notification(
    officer: User,
    antigua: Any,
    make_user: Callable[..., User],
    client_for: Callable[[User], Any],
    voyage: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    current = voyage["current"]
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    response = post_decision(client_for(officer), current, Decision.CLEARED)
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.status == Status.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        post_decision(client_for(immigration), current, Decision.CLEARED)
    current.refresh_from_db()
    assert current.status == Status.CLEARED
    assert len(mail.outbox) == 1  # the operator is told
    page = client_for(officer).get(detail_url(current)).content.decode()
    assert "Clearance certificate (PDF)" in page
    assert AuditEvent.objects.filter(action="clearance.decide").count() == 2


def test_port_health_is_required_when_illness_is_declared(
    officer: User,
    antigua: Any,
    make_user: Callable[..., User],
    client_for: Callable[[User], Any],
    voyage: dict[str, Any],
) -> None:
    current = voyage["current"]
    current.declares_illness = True
    current.save()
    for agency in (Agency.IMMIGRATION, Agency.PORT_HEALTH):
        user = make_user(role=Role.OFFICER, administration=antigua, agency=agency)
        post_decision(client_for(user), current, Decision.CLEARED)
        current.refresh_from_db()
        if agency == Agency.IMMIGRATION:
            assert current.status == Status.IN_PROGRESS
    page = client_for(officer).get(detail_url(current)).content.decode()
    assert "Port health" in page
    post_decision(client_for(officer), current, Decision.CLEARED)
    current.refresh_from_db()
    assert current.status == Status.CLEARED


def test_any_refusal_refuses_and_a_decision_can_be_revised(
    officer: User,
    antigua: Any,
    make_user: Callable[..., User],
    client_for: Callable[[User], Any],
    voyage: dict[str, Any],
) -> None:
    current = voyage["current"]
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    post_decision(client_for(immigration), current, Decision.CLEARED)
    post_decision(client_for(officer), current, Decision.REFUSED, "Undeclared firearm serial number.")
    current.refresh_from_db()
    assert current.status == Status.REFUSED

    client = client_for(officer)
    page = client.get(detail_url(current)).content.decode()
    assert "Undeclared firearm serial number." in page
    assert "you may revise the decision" in page
    # The form starts from the agency's decision.
    assert client.get(detail_url(current)).context["form"].initial == {
        "decision": Decision.REFUSED,
        "remarks": "Undeclared firearm serial number.",
    }
    post_decision(client, current, Decision.REFERRED, "Inspect the locker on arrival.")
    current.refresh_from_db()
    assert current.status == Status.REFERRED
    post_decision(client, current, Decision.CLEARED)
    current.refresh_from_db()
    assert current.status == Status.CLEARED
    customs = AgencyClearance.objects.get(notification=current, agency=Agency.CUSTOMS)
    assert customs.decision == Decision.CLEARED and customs.decided_by == officer


@pytest.mark.parametrize("decision", [Decision.REFUSED, Decision.REFERRED])
def test_remarks_are_required_unless_cleared_and_nothing_typed_is_lost(
    decision: str, officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    current = voyage["current"]
    response = post_decision(client_for(officer), current, decision, "   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Give the reason" in page
    assert f'value="{decision}" required id="id_decision_' in page or f'value="{decision}"' in page
    assert response.context["form"].data["decision"] == decision
    current.refresh_from_db()
    assert current.status == Status.SUBMITTED
    assert not AgencyClearance.objects.filter(notification=current).exists()


def test_a_missing_decision_is_a_field_error(
    officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    response = client_for(officer).post(detail_url(voyage["current"]), {"remarks": "Typed but no choice."})
    assert response.status_code == 400
    assert "Typed but no choice." in response.content.decode()
    assert "decision" in response.context["form"].errors


def test_a_cancelled_notification_cannot_be_decided(
    officer: User, client_for: Callable[[User], Any], voyage: dict[str, Any]
) -> None:
    current = voyage["current"]
    current.status = Status.CANCELLED
    current.save()
    client = client_for(officer)
    assert "Record decision" not in client.get(detail_url(current)).content.decode()
    response = post_decision(client, current, Decision.CLEARED)
    assert response.status_code == 400
    assert "there is nothing to decide" in response.content.decode()


def test_version_changes_read_the_shape_changes_are_stored_in() -> None:
    # Services store changes as [{"field", "old", "new"}] (the only shape written); pages read them in
    # words: the field's label and each value as the captain entered it.
    version = NotificationVersion(
        changes=[
            {"field": "port", "old": "St. John's", "new": "Falmouth"},
            {"field": "purpose", "old": "", "new": "charter"},
            {"field": "expected_at", "old": "2026-12-10T14:00:00+00:00", "new": "2026-12-11T09:30:00+00:00"},
        ]
    )
    assert [(str(c.label), str(c.old), str(c.new)) for c in version_changes(version)] == [
        ("port of entry", "St. John's", "Falmouth"),
        ("purpose of visit", "", "Charter"),
        ("expected date and time", "10 Dec 2026, 14:00 UTC", "11 Dec 2026, 09:30 UTC"),
    ]
    assert version_changes(NotificationVersion(changes=[])) == []
