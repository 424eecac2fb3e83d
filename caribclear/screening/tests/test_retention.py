"""Issue 15, finding 9: screening's hits do not keep personal data forever. The hits of closed declarations
last screened before the administration's period lose the names, explanations and notes they copied; the
figures (list, score, review) and the runs stay; confirmed matches are kept whole; open declarations and
kinds that do not say what is closed are left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.models import AuditEvent, RetentionSetting
from caribclear.core.retention import apply_all, policy_for, rule, rules
from caribclear.risk.services import declaration_check, hit_review
from caribclear.screening.choices import Disposition, SourceFormat
from caribclear.screening.models import Hit, ScreeningRun, Watchlist
from caribclear.screening.retention import hits_minimise
from caribclear.screening.services import watchlist_create, watchlist_import

from .helpers import traveller, voyage

pytestmark = pytest.mark.django_db

KEY = "screening.hits"


@pytest.fixture
def wanted(db: Any, tmp_path: Any) -> Watchlist:
    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date,notes\nX-1,Marlon DACOSTA,1971-02-03,wanted\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="Regional wanted", source_format=SourceFormat.CSV, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    return watchlist


def screened_voyage(
    operator: User, *, days_ago: float, status: str = Status.CLEARED
) -> tuple[Notification, Hit]:
    """A voyage with Marlon DaCosta on board, screened `days_ago` and then given `status`."""
    person = traveller(account=operator, surname="DaCosta", given_names="Marlon", born=dt.date(1971, 2, 3))
    notification = voyage(account=operator, people=[person])
    declaration_check(declaration_id=declaration_of(notification).pk)
    ScreeningRun.objects.filter(declaration=notification.declaration).update(
        started_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    Notification.objects.filter(pk=notification.pk).update(status=status)
    return notification, Hit.objects.get(declaration=notification.declaration)


def test_the_rule_is_registered_per_administration() -> None:
    assert KEY in {r.key for r in rules()}
    assert rule(KEY).per_administration and rule(KEY).default_days == 730


def test_old_hits_of_closed_declarations_lose_their_personal_data_and_nothing_else(
    ports: None, wanted: Watchlist, operator: User, officer: User
) -> None:
    _old, old_hit = screened_voyage(operator, days_ago=800)
    hit_review(actor=officer, hit=old_hit, disposition=Disposition.FALSE_POSITIVE, note="Marlon born 1980")
    old_hit.refresh_from_db()
    score, reviewed_at = old_hit.score, old_hit.disposed_at
    _recent, recent_hit = screened_voyage(operator, days_ago=30)
    _open, open_hit = screened_voyage(operator, days_ago=800, status=Status.SUBMITTED)
    _confirmed, true_hit = screened_voyage(operator, days_ago=800)
    hit_review(actor=officer, hit=true_hit, disposition=Disposition.TRUE_MATCH, note="Same passport")
    runs = ScreeningRun.objects.count()

    assert hits_minimise(policy_for(rule(KEY)), dry_run=True) == 1
    assert Hit.objects.get(pk=old_hit.pk).subject_label  # a dry run changes nothing
    outcomes = {o.rule.key: o.count for o in apply_all()}
    assert outcomes[KEY] == 1

    old_hit.refresh_from_db()
    assert (old_hit.subject_label, old_hit.explanation, old_hit.evidence, old_hit.disposition_note) == (
        "",
        "",
        [],
        "",
    )
    # The figures stay: which list, the listed entry, the score, the review and when.
    assert (old_hit.watchlist_id, old_hit.entity_caption, old_hit.score) == (
        wanted.pk,
        "Marlon DACOSTA",
        score,
    )
    assert (old_hit.disposition, old_hit.disposed_by_id, old_hit.disposed_at) == (
        Disposition.FALSE_POSITIVE,
        officer.pk,
        reviewed_at,
    )
    for kept in (recent_hit, open_hit, true_hit):
        assert "DACOSTA" in Hit.objects.get(pk=kept.pk).subject_label.upper()
    assert Hit.objects.get(pk=true_hit.pk).disposition_note == "Same passport"
    assert ScreeningRun.objects.count() == runs
    event = AuditEvent.objects.get(action="retention.applied", data__rule=KEY)
    assert event.data["count"] == 1 and "DACOSTA" not in event.summary.upper()
    # Applying again changes nothing more.
    assert {o.rule.key: o.count for o in apply_all()}[KEY] == 0


def test_an_administrations_own_period_overrides_the_default(
    ports: None, wanted: Watchlist, operator: User, antigua: Administration
) -> None:
    _notification, hit = screened_voyage(operator, days_ago=200)
    assert {o.rule.key: o.count for o in apply_all()}[KEY] == 0
    RetentionSetting.objects.create(administration=antigua, rule=KEY, days=180)
    assert {o.rule.key: o.count for o in apply_all()}[KEY] == 1
    assert Hit.objects.get(pk=hit.pk).subject_label == ""
