"""The officer sees what was filed in each version, not the records as they are now, with what changed
since the version before marked in words."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape

from caribclear.accounts.models import User

from .. import services
from ..models import NotificationVersion
from ..versions import version_changes
from .operator_fixtures import crew_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FILED_BIRTH = dt.date(1984, 3, 9)
CORRECTED_BIRTH = dt.date(1984, 9, 3)


def _url(notification: Any, version: int | str | None = None) -> str:
    url = reverse("officer:notification_detail", args=[notification.reference])
    return url if version is None else f"{url}?version={version}"


def _short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _mate(response: Any) -> Any:
    return next(p for p in response.context["people"] if p.entry.person.surname.upper() == "MATE")


@pytest.fixture
def filed(crew: Any) -> Any:
    """Filed with the mate born on FILED_BIRTH; then the operator corrects the mate's record."""
    person = crew.mate[0]
    person.date_of_birth = FILED_BIRTH
    person.save()
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=True
    )
    person.date_of_birth = CORRECTED_BIRTH
    person.save()
    crew.vessel.hull_colour = "Dark blue"
    crew.vessel.save()
    return notification


def test_a_record_changed_after_filing_still_shows_as_filed(
    filed: Any, officer: User, client_for: Any
) -> None:
    response = client_for(officer).get(_url(filed))
    assert response.status_code == 200
    mate = _mate(response)
    assert mate.entry.person.date_of_birth == FILED_BIRTH
    assert mate.changed == {}
    page = response.content.decode()
    assert _short(FILED_BIRTH) in page and _short(CORRECTED_BIRTH) not in page
    assert "Dark blue" not in page  # the vessel as filed, not as it is now
    assert "changed</span>" not in page


def test_the_change_is_marked_on_the_next_version(
    filed: Any, crew: Any, officer: User, client_for: Any
) -> None:
    services.notification_amend(actor=crew.operator, notification=filed, data={})
    assert list(filed.versions.values_list("number", flat=True)) == [2, 1]
    client = client_for(officer)

    latest = client.get(_url(filed))
    mate = _mate(latest)
    assert mate.entry.person.date_of_birth == CORRECTED_BIRTH
    assert mate.changed["date_of_birth"].old == formats.date_format(FILED_BIRTH, "DATE_FORMAT")
    assert latest.context["shown"].vessel_changed["hull_colour"].new == "Dark blue"
    page = latest.content.decode()
    was = formats.date_format(FILED_BIRTH, "DATE_FORMAT")
    assert f"was {was}" in page
    # The list of versions says it in words: labels and dates as the captain entered them.
    assert (
        f"Date of birth of MATE, Ben: {was} → {formats.date_format(CORRECTED_BIRTH, 'DATE_FORMAT')}" in page
    )
    assert "Hull colour:" in page
    assert "date_of_birth" not in page and "1984-09-03" not in page

    earlier = client.get(_url(filed, 1))
    assert _mate(earlier).entry.person.date_of_birth == FILED_BIRTH
    assert "As filed in version 1" in earlier.content.decode()
    assert "Show the latest version" in earlier.content.decode()


@pytest.mark.parametrize("version", ["3", "0", "two", "-1"])
def test_a_version_the_notification_does_not_have_is_not_found(
    filed: Any, officer: User, client_for: Any, version: str
) -> None:
    assert client_for(officer).get(_url(filed, version)).status_code == 404


def test_an_older_version_says_what_it_did_not_keep(filed: Any, officer: User, client_for: Any) -> None:
    # A version filed before snapshots kept the vessel's details and each person's sex.
    version = filed.versions.get()
    data = dict(version.snapshot)
    del data["vessel_details"]
    data["people"] = [
        {k: v for k, v in p.items() if k not in ("surname", "given_names", "sex")} for p in data["people"]
    ]
    NotificationVersion.objects.filter(pk=version.pk).update(snapshot=data)
    response = client_for(officer).get(_url(filed))
    page = response.content.decode()
    assert (
        "This version was filed before versions kept the vessel&#x27;s details; each person&#x27;s sex"
        in page
    )
    assert {(p.entry.person.surname, p.entry.person.given_names) for p in response.context["people"]} == {
        ("SKIPPER", "Ana"),
        ("MATE", "Ben"),
    }
    assert _mate(response).entry.person.date_of_birth == FILED_BIRTH


def test_the_migration_gives_older_versions_each_persons_surname_and_given_names() -> None:
    migration = importlib.import_module("caribclear.clearance.migrations.0004_versions_keep_person_names")
    old = {
        "people": [{"person_id": 1, "name": "MATE, Ben Jo", "role": "crew"}, {"person_id": 2, "name": "SOLO"}]
    }
    assert migration.upgrade_snapshot(old) is True
    assert [(p["surname"], p["given_names"]) for p in old["people"]] == [("MATE", "Ben Jo"), ("SOLO", "")]
    assert migration.upgrade_snapshot(old) is False  # once is enough
    assert migration.upgrade_snapshot({}) is False


def test_the_officer_reads_the_same_words_as_the_captain(crew: Any, officer: User, client_for: Any) -> None:
    """Issue 9, point 10: a changed time and a person taken off read in words on the officer's page (they
    read "expected_at: 2026-12-03T14:30:00+00:00 -> ..." and "people: -> VAN DER BERG")."""
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=True
    )
    later = notification.expected_at + dt.timedelta(hours=5)
    services.notification_amend(
        actor=crew.operator,
        notification=notification,
        data={"expected_at": later},
        people=crew.people()[:1],
    )
    officer_page = client_for(officer).get(_url(notification)).content.decode()
    captain_page = (
        client_for(crew.operator)
        .get(reverse("clearance:notification_detail", args=[notification.reference]))
        .content.decode()
    )
    versions = officer_page.split('id="versions"')[1]
    assert "expected_at" not in versions and "+00:00" not in versions and "people:" not in versions
    assert "(AST, UTC-4)" in versions  # the time on the port's clock, with its zone
    changes = version_changes(notification.versions.get(number=2))
    assert len(changes) >= 2
    for change in changes:
        for words in (str(change.label)[:1].upper() + str(change.label)[1:], change.old, change.new):
            if words:
                assert escape(str(words)) in officer_page and escape(str(words)) in captain_page
