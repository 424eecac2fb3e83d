"""Issue 9 finding 1: a watchlist hit holds the declaration (lane, clearance, referral), for every kind."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision, Status
from caribclear.clearance.models import Notification
from caribclear.clearance.services import clearance_decide
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.models import AuditEvent
from caribclear.risk.choices import Lane
from caribclear.risk.hits import release_blockers
from caribclear.risk.models import Assessment, HitRule, Referral
from caribclear.risk.services import (
    declaration_check,
    hit_review,
    hit_rule_set,
    lane_override,
    referral_resolve,
)
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.choices import SourceFormat
from caribclear.screening.evidence import evidence_text
from caribclear.screening.models import Hit, Watchlist
from caribclear.screening.services import watchlist_create, watchlist_import
from caribclear.screening.tests.helpers import WATCHLISTS, traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(
        role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example", agency=Agency.CUSTOMS
    )


@pytest.fixture
def un_list(db: Any) -> Watchlist:
    watchlist = watchlist_create(
        actor=None, name="UN consolidated", source_format=SourceFormat.UN, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=WATCHLISTS / "UN_consolidated.xml")
    return watchlist


@pytest.fixture
def local_list(db: Any, tmp_path: Any) -> Watchlist:
    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date,notes\nX-1,Marlon DACOSTA,1971-02-03,wanted\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="Regional wanted", source_format=SourceFormat.CSV, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    return watchlist


def kony_voyage(operator: User) -> Notification:
    """The notification of the finding: Joseph Kony, born 1961-09-18, among the crew."""
    kony = traveller(
        account=operator, surname="Kony", given_names="Joseph", born=dt.date(1961, 9, 18), nationality="UG"
    )
    skipper = traveller(account=operator, surname="Lindqvist", given_names="Ebba", sex="F")
    return voyage(account=operator, people=[skipper, kony])


def dacosta_voyage(operator: User) -> Notification:
    person = traveller(account=operator, surname="DaCosta", given_names="Marlon", born=dt.date(1971, 2, 3))
    return voyage(account=operator, people=[person])


def checked(notification: Notification) -> Assessment:
    assessment = declaration_check(declaration_id=declaration_of(notification).pk)
    assert assessment is not None
    return assessment


def test_an_exact_un_sanctions_match_is_red_and_stops_every_agency(
    ports: None,
    un_list: Watchlist,
    operator: User,
    officer: User,
    make_user: Callable[..., User],
    antigua: Administration,
) -> None:
    notification = kony_voyage(operator)
    assessment = checked(notification)
    hit = Hit.objects.get(declaration=notification.declaration, entity_caption__icontains="KONY")
    assert hit.score >= un_list.threshold
    # No criterion fired: the hit alone makes it red.
    assert (assessment.criteria_lane, assessment.hits_lane, assessment.final_lane) == (
        Lane.GREEN,
        Lane.RED,
        Lane.RED,
    )
    assert assessment.open_hits >= 1
    health = make_user(
        role=Role.OFFICER, administration=antigua, email="port-health@ag.example", agency=Agency.PORT_HEALTH
    )
    for actor in (officer, health):
        with pytest.raises(ValidationError) as error:
            clearance_decide(actor=actor, notification=notification, decision=Decision.CLEARED)
        assert "not reviewed yet" in str(error.value)
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED
    # Refusing or referring for inspection (with remarks) is always possible.
    clearance_decide(
        actor=officer, notification=notification, decision=Decision.REFERRED, remarks="Hold on board"
    )


def test_a_lookout_file_hit_is_yellow_and_a_false_positive_releases_it(
    ports: None, local_list: Watchlist, operator: User, officer: User
) -> None:
    notification = dacosta_voyage(operator)
    assessment = checked(notification)
    assert (assessment.hits_lane, assessment.final_lane, assessment.open_hits) == (
        Lane.YELLOW,
        Lane.YELLOW,
        1,
    )
    hit = Hit.objects.get(declaration=notification.declaration)
    with pytest.raises(ValidationError):
        hit_review(actor=officer, hit=hit, disposition="", note="Checked")  # nothing chosen
    with pytest.raises(ValidationError):
        hit_review(actor=officer, hit=hit, disposition=HitDisposition.FALSE_POSITIVE, note="  ")
    assert release_blockers(declaration_of(notification).pk, notification.administration_id)
    hit_review(
        actor=officer,
        hit=hit,
        disposition=HitDisposition.FALSE_POSITIVE,
        note="Born in another year on his passport",
    )
    assessment.refresh_from_db()
    assert (assessment.hits_lane, assessment.final_lane, assessment.open_hits) == ("", Lane.GREEN, 0)
    assert release_blockers(declaration_of(notification).pk, notification.administration_id) == []
    clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    assert not Referral.objects.exists()


def test_a_true_match_is_red_refers_to_a_supervisor_who_releases_it(
    ports: None,
    local_list: Watchlist,
    operator: User,
    officer: User,
    supervisor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    notification = dacosta_voyage(operator)
    checked(notification)
    hit = Hit.objects.get(declaration=notification.declaration)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hit_review(
            actor=officer, hit=hit, disposition=HitDisposition.TRUE_MATCH, note="Photo matches the lookout"
        )
    assessment = Assessment.objects.get(declaration=notification.declaration)
    assert (assessment.hits_lane, assessment.final_lane, assessment.open_hits) == (Lane.RED, Lane.RED, 0)
    referral = Referral.objects.get(declaration=notification.declaration)
    assert (
        referral.is_open
        and referral.referred_by == officer
        and "Photo matches the lookout" in referral.reason
    )
    # The undeletable trail names the hit by its id, not the traveller or the listed person (issue 15).
    opened = AuditEvent.objects.get(action="risk.referral_open")
    assert "DACOSTA" not in opened.summary.upper() and opened.data["hit"] == hit.pk
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert notification.reference in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="risk.referral_open").exists()
    with pytest.raises(ValidationError, match="supervisor"):
        clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    with pytest.raises(PermissionDenied):
        referral_resolve(actor=officer, referral=referral, note="Let it go")
    with pytest.raises(ValidationError):
        referral_resolve(actor=supervisor, referral=referral, note=" ")
    referral_resolve(
        actor=supervisor, referral=referral, note="Police met the vessel; person not aboard on arrival"
    )
    # A true match stays red: the lane says inspect, but the clearance no longer waits.
    assert Assessment.objects.get(declaration=notification.declaration).final_lane == Lane.RED
    clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)


def test_an_officer_cannot_set_a_lane_below_what_open_hits_require(
    ports: None, un_list: Watchlist, operator: User, officer: User
) -> None:
    notification = kony_voyage(operator)
    checked(notification)
    with pytest.raises(ValidationError, match="watchlist hits keep"):
        lane_override(
            actor=officer, declaration=declaration_of(notification), lane=Lane.GREEN, reason="Known to us"
        )


def test_supervisors_change_a_lists_rule_and_open_declarations_follow(
    ports: None, local_list: Watchlist, operator: User, officer: User, supervisor: User
) -> None:
    notification = dacosta_voyage(operator)
    checked(notification)
    with pytest.raises(PermissionDenied):
        hit_rule_set(actor=officer, watchlist=local_list, unreviewed_lane=Lane.RED, true_match_lane=Lane.RED)
    with pytest.raises(ValidationError):
        hit_rule_set(
            actor=supervisor, watchlist=local_list, unreviewed_lane=Lane.GREEN, true_match_lane=Lane.RED
        )
    hit_rule_set(
        actor=supervisor, watchlist=local_list, unreviewed_lane=Lane.RED, true_match_lane=Lane.YELLOW
    )
    assert HitRule.objects.get(watchlist=local_list).changed_by == supervisor
    assert Assessment.objects.get(declaration=notification.declaration).final_lane == Lane.RED
    assert AuditEvent.objects.filter(action="risk.hit_rule_set").exists()
    hit = Hit.objects.get(declaration=notification.declaration)
    hit_review(actor=officer, hit=hit, disposition=HitDisposition.TRUE_MATCH, note="Same person")
    assert Assessment.objects.get(declaration=notification.declaration).final_lane == Lane.YELLOW


def test_a_hit_below_its_lists_raised_threshold_no_longer_holds(
    ports: None, local_list: Watchlist, operator: User, officer: User
) -> None:
    notification = dacosta_voyage(operator)
    checked(notification)
    assert release_blockers(declaration_of(notification).pk, notification.administration_id)
    # The hit scored 0.85 when the list's threshold was 0.80; the list's owner has raised it to 0.90 since.
    Hit.objects.filter(declaration=notification.declaration).update(score=Decimal("0.85"))
    Watchlist.objects.filter(pk=local_list.pk).update(threshold=Decimal("0.90"))
    assert release_blockers(declaration_of(notification).pk, notification.administration_id) == []


def test_the_officers_page_shows_the_banner_and_no_preselected_true_match(
    ports: None, un_list: Watchlist, operator: User, officer: User, client_for: Callable[[User], Client]
) -> None:
    notification = kony_voyage(operator)
    checked(notification)
    client = client_for(officer)
    html = client.get(reverse("officer:notification_detail", args=[notification.reference])).content.decode()
    banner = html.index("Clearance on hold: watchlist hits")
    assert banner < html.index('id="risk"') and banner < html.index('id="decisions"')
    assert "KONY" in html[banner : html.index('id="risk"')]
    # the panel's times on the administration's clock, with the zone (Antigua: AST, UTC-4)
    assert re.search(r"Last screened [^<]*?\(AST, UTC-4\)", html), html[html.index("Last screened") :][:200]
    hit = Hit.objects.filter(declaration=notification.declaration).first()
    assert hit is not None
    select = html[html.index(f'id="hit-{hit.pk}-disposition"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>' in select and 'value="true_match" selected' not in select
    # Clearing from the page: the error is in the summary at the top, the decision is not recorded.
    response = client.post(
        reverse("officer:notification_detail", args=[notification.reference]), {"decision": "cleared"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.index("There is a problem") < page.index("not reviewed yet") < page.index('id="risk"')
    assert not notification.clearances.filter(decision=Decision.CLEARED).exists()
    # A review posted with nothing chosen is refused and nothing is recorded.
    response = client.post(
        reverse("risk:declaration", args=["notifications", notification.reference]),
        {"action": "dispose_hit", "hit": hit.pk, "disposition": "", "note": "Looked at the passport"},
    )
    assert response.status_code == 400
    assert Hit.objects.get(pk=hit.pk).disposition == HitDisposition.PENDING
    # An officer who reads Spanish reads the hit's reasons in Spanish, names and dates as the engine gave them.
    officer.language = "es"
    officer.save(update_fields=["language"])
    spanish = client_for(officer).get(
        reverse("officer:notification_detail", args=[notification.reference]), HTTP_ACCEPT_LANGUAGE="es"
    )
    with translation.override("es"):
        reasons = [evidence_text(ev["detail"]) for ev in hit.evidence]
    assert any(r != ev["detail"] for r, ev in zip(reasons, hit.evidence, strict=True)), hit.evidence
    assert all(escape(r) in spanish.content.decode() for r in reasons)


def test_the_queue_shows_lane_and_open_hits_and_sorts_red_first(
    ports: None, un_list: Watchlist, operator: User, officer: User, client_for: Callable[[User], Client]
) -> None:
    clean = voyage(
        account=operator,
        people=[traveller(account=operator, surname="Lindqvist", given_names="Ebba", sex="F")],
        expected_in_days=0.5,
    )
    checked(clean)
    kony = kony_voyage(operator)  # expected later than the clean one
    checked(kony)
    response = client_for(officer).get(reverse("officer:queue"), {"tab": "expected"})
    rows = list(response.context["page"].object_list)
    assert [n.reference for n in rows[:2]] == [kony.reference, clean.reference]
    assert (rows[0].risk_lane, rows[1].risk_lane) == ("red", "green")
    assert rows[0].risk_open_hits >= 1 and rows[1].risk_open_hits == 0
    html = response.content.decode()
    assert "Open hits" in html and "to review" in html


def test_the_rules_page_lists_defaults_and_only_supervisors_change_them(
    ports: None,
    un_list: Watchlist,
    local_list: Watchlist,
    officer: User,
    supervisor: User,
    client_for: Callable[[User], Client],
) -> None:
    html = client_for(officer).get(reverse("risk:hit_rules")).content.decode()
    assert "UN consolidated" in html and "Regional wanted" in html and "default" in html
    assert client_for(officer).get(reverse("risk:hit_rule_edit", args=[un_list.pk])).status_code in (403, 404)
    client = client_for(supervisor)
    response = client.post(reverse("risk:hit_rule_edit", args=[local_list.pk]), {"unreviewed_lane": "green"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    response = client.post(
        reverse("risk:hit_rule_edit", args=[local_list.pk]),
        {"unreviewed_lane": "red", "true_match_lane": "red"},
    )
    assert response.status_code == 302
    assert HitRule.objects.get(watchlist=local_list).unreviewed_lane == Lane.RED
