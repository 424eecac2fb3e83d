"""One definition of an expired travel document: expired if it expires on or before the day of the
voyage in the port's calendar; the operator's warning, the officer's page and the API agree."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.accounts.services import api_token_create
from caribclear.reference.models import Port
from caribclear.reference.timezones import port_zone, zone_name_for

from .. import services
from ..expiry import document_expired, expired_on_board, travel_day
from .operator_fixtures import crew_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ANTIGUA = zoneinfo.ZoneInfo("America/Antigua")  # St. John's: UTC-4 all year


def test_a_document_expiring_on_the_day_of_travel_is_expired_the_day_after_is_not() -> None:
    day = dt.date(2026, 12, 10)
    assert document_expired(dt.date(2026, 12, 9), day)
    assert document_expired(day, day)
    assert not document_expired(dt.date(2026, 12, 11), day)


def test_the_day_of_travel_is_the_ports_day_not_utcs(ports: None) -> None:
    port = Port.objects.get(locode="AGSJO")
    assert str(port_zone(port)) == "America/Antigua"
    # 23:30 in St. John's on 10 December is already 11 December in UTC.
    late_evening = dt.datetime(2026, 12, 11, 3, 30, tzinfo=dt.UTC)
    assert travel_day(late_evening, port) == dt.date(2026, 12, 10)
    assert travel_day(dt.datetime(2026, 12, 11, 4, 0, tzinfo=dt.UTC), port) == dt.date(2026, 12, 11)


def test_a_port_in_a_country_of_several_zones_is_placed_by_its_subdivision() -> None:
    assert zone_name_for("US", "FL") == "America/New_York"  # Miami
    assert zone_name_for("US", "TX") == "America/Chicago"  # Houston
    assert zone_name_for("ES", "GC") == "Atlantic/Canary"  # Las Palmas
    assert zone_name_for("CA") == "America/Halifax"  # no subdivision: the Caribbean-facing zone
    assert zone_name_for("BB") == "America/Barbados"
    assert zone_name_for("GP") == "America/Guadeloupe"


def _arriving_late_evening(crew: Any, *, mate_expires: dt.date) -> tuple[Any, dt.date]:
    """Crew's notification arriving at 23:30 in St. John's, three days ahead; the mate's passport
    expires on `mate_expires`. Returns the notification and the day of arrival in Antigua."""
    day = timezone.now().astimezone(ANTIGUA).date() + dt.timedelta(days=3)
    arrives = dt.datetime.combine(day, dt.time(23, 30), tzinfo=ANTIGUA)
    document = crew.mate[1]
    document.expiry_date = mate_expires
    document.save()
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(expected_at=arrives), people=crew.people(), submit=True
    )
    return notification, day


def _operator_warned(client: Any, notification: Any) -> bool:
    page = client.get(reverse("clearance:notification_detail", args=[notification.reference])).content
    return "will have expired by the expected date" in page.decode()


def _officer_flags(client: Any, notification: Any) -> dict[str, bool]:
    response = client.get(reverse("officer:notification_detail", args=[notification.reference]))
    return {p.entry.person.surname: p.document_expired for p in response.context["people"]}


def _api_flags(operator: User, notification: Any) -> dict[str, bool]:
    _token, raw = api_token_create(user=operator, name="expiry")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = client.get(reverse("api:notification_get", args=[notification.reference])).json()
    return {p["name"]: p["document_expired"] for p in body["people"]}


@pytest.mark.parametrize(
    ("expires_after_arrival_day", "expired"),
    [
        (-1, True),  # the day before arrival
        (0, True),  # the day of arrival (in Antigua): not valid to enter on
        (1, False),  # the day after: valid, although in UTC the craft arrives on that day
    ],
)
def test_operator_officer_and_api_agree_on_the_boundary_day(
    crew: Any,
    officer: User,
    client_for: Any,
    expires_after_arrival_day: int,
    expired: bool,
) -> None:
    probe_day = timezone.now().astimezone(ANTIGUA).date() + dt.timedelta(days=3)
    notification, day = _arriving_late_evening(
        crew, mate_expires=probe_day + dt.timedelta(days=expires_after_arrival_day)
    )
    assert day == probe_day
    assert notification.expected_at.astimezone(dt.UTC).date() == day + dt.timedelta(days=1)

    assert [row.person.surname for row in expired_on_board(notification)] == (["Mate"] if expired else [])
    assert _operator_warned(client_for(crew.operator), notification) is expired
    assert _officer_flags(client_for(officer), notification) == {"Skipper": False, "Mate": expired}
    assert _api_flags(crew.operator, notification)["Ben Mate"] is expired
