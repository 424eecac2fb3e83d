"""Issue 15, finding 9: personal data is not kept forever. Each app registers a retention rule; one
command applies them all, audited with counts only; an administration's own period overrides the default;
stored API responses go after 24 hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.models import NotificationPerson, NotificationVersion
from caribclear.clearance.retention import REMOVED
from caribclear.clearance.services.versions import snapshot
from caribclear.clearance.tests.factories import notification_make
from caribclear.clearance.tests.operator_fixtures import crew_fixture  # noqa: F401
from caribclear.conftest import sign_in
from caribclear.core.models import AuditEvent, IdempotencyRecord, RetentionSetting
from caribclear.core.retention import apply_all, rule, rules

pytestmark = pytest.mark.django_db


def voyage(crew: Any, *, years_ago: float, status: str = Status.CLEARED) -> Any:
    notification = notification_make(
        account=crew.operator,
        vessel=crew.vessel,
        port=crew.port,
        status=status,
        expected_at=timezone.now() - dt.timedelta(days=365 * years_ago),
        people=[crew.master, crew.mate],
    )
    NotificationVersion.objects.create(
        notification=notification,
        number=1,
        created_by=crew.operator,
        snapshot=snapshot(notification),
        changes=[{"field": "people", "old": "", "new": "MATE, Ben (crew)"}],
    )
    return notification


def test_every_app_registers_its_rule() -> None:
    keys = {r.key for r in rules()}
    assert {
        "core.idempotency",
        "clearance.voyages",
        "screening.hits",
        "passengers.mask",
        "passengers.delete",
    } <= keys


def test_old_closed_voyages_lose_their_personal_data_and_nothing_else(crew: Any, officer: User) -> None:
    old = voyage(crew, years_ago=6)
    recent = voyage(crew, years_ago=1)
    still_open = voyage(crew, years_ago=6, status=Status.SUBMITTED)
    outcomes = {o.rule.key: o.count for o in apply_all()}
    assert outcomes["clearance.voyages"] == 1

    assert not NotificationPerson.objects.filter(notification=old).exists()
    kept = NotificationVersion.objects.get(notification=old)
    text = str(kept.snapshot) + str(kept.changes)
    for personal in ("Skipper", "Mate", "GB1234567", "GB7654321", crew.master[0].date_of_birth.isoformat()):
        assert personal not in text
    assert kept.snapshot[REMOVED] is True
    assert [p["role"] for p in kept.snapshot["people"]] == ["master", "crew"]
    assert kept.snapshot["vessel"]["name"] == "Sea Breeze"
    for untouched in (recent, still_open):
        assert NotificationPerson.objects.filter(notification=untouched).count() == 2
        assert "Skipper" in str(NotificationVersion.objects.get(notification=untouched).snapshot)

    event = AuditEvent.objects.get(action="retention.applied", data__rule="clearance.voyages")
    assert event.data["count"] == 1 and "Skipper" not in str(event.data) + event.summary
    # A second run finds nothing more to do.
    assert {o.rule.key: o.count for o in apply_all()}["clearance.voyages"] == 0
    # The officer's page of the minimised voyage still opens.
    page = sign_in(Client(), officer).get(f"/officer/notifications/{old.reference}/")
    assert page.status_code == 200
    html = page.content.decode()  # "Filed by" still names the operator's account, which is not the crew
    assert "GB1234567" not in html and "GB7654321" not in html and "Mate" not in html


def test_an_administrations_own_period_overrides_the_default(crew: Any) -> None:
    two_years = voyage(crew, years_ago=2)
    administration = Administration.objects.get(pk=two_years.administration_id)
    RetentionSetting.objects.create(administration=administration, rule="clearance.voyages", days=365)
    elsewhere = Administration.objects.exclude(pk=administration.pk).first()
    assert elsewhere is not None
    RetentionSetting.objects.create(administration=elsewhere, rule="clearance.voyages", days=3650)
    assert {o.rule.key: o.count for o in apply_all(dry_run=True)}["clearance.voyages"] == 1
    assert NotificationPerson.objects.filter(notification=two_years).count() == 2  # a dry run changes nothing
    call_command("apply_retention")
    assert not NotificationPerson.objects.filter(notification=two_years).exists()


def test_stored_api_responses_are_purged_after_24_hours(operator: User) -> None:
    fresh = IdempotencyRecord.objects.create(user=operator, key="fresh", fingerprint="f")
    stale = IdempotencyRecord.objects.create(user=operator, key="stale", fingerprint="s")
    IdempotencyRecord.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert {o.rule.key: o.count for o in apply_all()}["core.idempotency"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == [fresh.key]
    assert rule("core.idempotency").per_administration is False


def test_an_administrator_sets_the_period_on_a_page(administrator: User, officer: User) -> None:
    client = sign_in(Client(), administrator)
    assert "How long personal data is kept" in client.get("/accounts/officials/").content.decode()
    page = client.get("/accounts/retention/")
    assert page.status_code == 200 and "People on past voyages" in page.content.decode()
    # Passenger data has its own page (months and years): named, with a link, not in the form.
    assert 'href="/passengers/retention/"' in page.content.decode()
    assert "passengers.mask" not in page.content.decode()
    # The page posts every rule's box, filled with its current period.
    shown = {r.key: str(r.default_days) for r in rules() if r.per_administration}
    refused = client.post("/accounts/retention/", {**shown, "clearance.voyages": "5"})
    assert refused.status_code == 400
    assert not RetentionSetting.objects.exists()
    assert client.post("/accounts/retention/", {**shown, "clearance.voyages": "730"}).status_code == 302
    setting = RetentionSetting.objects.get()
    assert (setting.administration_id, setting.rule, setting.days) == (
        administrator.administration_id,
        "clearance.voyages",
        730,
    )
    assert AuditEvent.objects.filter(action="retention.setting").exists()
    assert sign_in(Client(), officer).get("/accounts/retention/").status_code == 404
