"""Intelligence alerts feed screening: each administration is screened against the alerts it may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.declarations import declaration_filed, send_on_commit
from caribclear.intel.choices import ChangeStatus, Tlp
from caribclear.intel.models import Alert, DisseminationChange
from caribclear.intel.services import (
    alert_create,
    dissemination_change_approve,
    dissemination_change_request,
)
from caribclear.risk.choices import Lane
from caribclear.risk.models import Firing
from caribclear.risk.services import criterion_create, declaration_check
from caribclear.screening.choices import Disposition, ScreeningReason, SourceFormat
from caribclear.screening.models import Hit, Watchlist
from caribclear.screening.selectors import intel_lookouts
from caribclear.screening.services import declaration_screen, index_cache

from .helpers import traveller, voyage

pytestmark = pytest.mark.django_db

LEGAL_BASIS = "CCLEC Memorandum of Understanding, article 5"
TITLE = "Courier using charter yachts"


@pytest.fixture
def lucia(db: Any) -> Administration:
    return Administration.objects.get(code="LC")


@pytest.fixture
def analyst(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")


@pytest.fixture
def bb_officer(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")


def issue(
    actor: User,
    *,
    tlp: str = Tlp.AMBER,
    released_to: Sequence[Administration] = (),
    personal_released_to: Sequence[Administration] = (),
    **fields: Any,
) -> Alert:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "subject_kind": "person",
        "title": TITLE,
        "surname": "Okafor",
        "given_names": "Daniel",
        "date_of_birth": dt.date(1988, 6, 1),
        "nationality": "NG",
        "identifiers": "A1234567; B7654321",
        "pattern": "Cash in the fuel tank",
        "narrative": "Known courier.",
        "valid_from": today - dt.timedelta(days=1),
        "valid_until": today + dt.timedelta(days=30),
        "tlp": tlp,
        "legal_basis": LEGAL_BASIS if personal_released_to else "",
    }
    values.update(fields)
    return alert_create(
        actor=actor, fields=values, released_to=released_to, personal_released_to=personal_released_to
    )


def okafor(operator: User, **fields: Any) -> Any:
    values: dict[str, Any] = {"born": dt.date(1988, 6, 1), "nationality": "NG"}
    return traveller(account=operator, surname="OKAFOR", given_names="DANIEL", **(values | fields))


def file(notification: Notification, capture: Callable[..., Any]) -> None:
    with capture(execute=True):
        send_on_commit(declaration_filed, declaration_of(notification))


def alert_hits(notification: Notification) -> list[Hit]:
    return list(
        Hit.objects.filter(
            declaration=notification.declaration, is_current=True, watchlist__source_format="intel"
        )
    )


def test_an_amber_alert_with_released_personal_data_hits_only_where_it_is_released(
    ports: None,
    operator: User,
    analyst: User,
    barbados: Administration,
    lucia: Administration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = issue(analyst, released_to=[barbados], personal_released_to=[barbados])
    person = okafor(operator)
    at_barbados = voyage(account=operator, people=[person], port="BBBGI")
    at_lucia = voyage(account=operator, people=[person], port="LCCAS")
    for notification in (at_barbados, at_lucia):
        file(notification, django_capture_on_commit_callbacks)

    [hit] = alert_hits(at_barbados)
    assert (hit.alert_reference, hit.entity_id, hit.entity_caption) == (
        alert.reference,
        alert.reference,
        TITLE,
    )
    assert hit.subject_label == "DANIEL OKAFOR" and hit.score >= hit.watchlist.threshold
    assert hit.watchlist.owner == barbados and hit.watchlist.sharing == "own"
    assert hit.is_lookout and hit.lookout is None
    # Saint Lucia was not released the alert: nothing, not even an empty list of its own.
    assert not Hit.objects.filter(declaration=at_lucia.declaration).exists()
    assert intel_lookouts(lucia) == []
    assert not Watchlist.objects.filter(owner=lucia, source_format=SourceFormat.INTEL).exists()


def test_a_subject_not_released_to_the_administration_cannot_be_matched(
    ports: None,
    operator: User,
    analyst: User,
    barbados: Administration,
    lucia: Administration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Barbados sees the alert (title, pattern) but not its subject: no name, no identifiers to match.
    issue(analyst, released_to=[barbados, lucia], personal_released_to=[lucia])
    [seen] = intel_lookouts(barbados)
    assert seen.names == () and seen.identifiers == () and seen.date_of_birth is None
    person = okafor(operator, document_number="A1234567")
    at_barbados = voyage(account=operator, people=[person], port="BBBGI")
    at_lucia = voyage(account=operator, people=[person], port="LCCAS")
    for notification in (at_barbados, at_lucia):
        file(notification, django_capture_on_commit_callbacks)
    assert not Hit.objects.filter(declaration=at_barbados.declaration).exists()
    [hit] = alert_hits(at_lucia)
    assert "same identifier" in hit.explanation  # Saint Lucia may see the document number


def test_an_alert_known_by_identifiers_only_matches_where_they_are_visible(
    ports: None, operator: User, analyst: User, django_capture_on_commit_callbacks: Any
) -> None:
    # A vessel alert with no name, only its MMSI (personal by default): GREEN, so every member sees
    # the alert, but only Antigua (the owner) sees the number.
    alert = issue(
        analyst,
        tlp=Tlp.GREEN,
        subject_kind="vessel",
        title="Yacht used for transhipment",
        surname="",
        given_names="",
        date_of_birth=None,
        nationality="",
        identifiers="MMSI 232999001",
    )
    crew = [traveller(account=operator, surname="Clean", given_names="Carla")]
    vessel = {"name": "Anything Goes", "mmsi": "232999001"}
    at_antigua = voyage(account=operator, people=crew, port="AGSJO", vessel_fields=vessel)
    at_barbados = voyage(account=operator, people=crew, port="BBBGI", vessel_fields=vessel)
    for notification in (at_antigua, at_barbados):
        file(notification, django_capture_on_commit_callbacks)
    [hit] = alert_hits(at_antigua)
    assert hit.alert_reference == alert.reference and hit.subject_kind == "vessel"
    assert "mmsi 232999001" in hit.explanation
    assert not Hit.objects.filter(declaration=at_barbados.declaration).exists()


def test_issuing_widening_and_narrowing_an_alert_screens_pending_notifications_again(
    ports: None,
    operator: User,
    analyst: User,
    make_user: Callable[..., User],
    antigua: Administration,
    barbados: Administration,
    lucia: Administration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = okafor(operator)
    at_barbados = voyage(account=operator, people=[person], port="BBBGI")
    at_lucia = voyage(account=operator, people=[person], port="LCCAS")
    arrived = voyage(account=operator, people=[person], port="BBBGI", expected_in_days=-1)
    for notification in (at_barbados, at_lucia, arrived):
        file(notification, django_capture_on_commit_callbacks)
    assert not Hit.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        alert = issue(analyst, released_to=[barbados], personal_released_to=[barbados])
    assert [h.alert_reference for h in alert_hits(at_barbados)] == [alert.reference]
    assert (
        declaration_of(at_barbados).screening_runs.latest("started_at").reason == ScreeningReason.LIST_CHANGED
    )
    assert not Hit.objects.filter(
        declaration__notification__in=[at_lucia, arrived]
    ).exists()  # not released; arrived

    # Widening to Saint Lucia waits for a second official; once approved, Saint Lucia is screened again.
    with django_capture_on_commit_callbacks(execute=True):
        change = dissemination_change_request(
            actor=analyst,
            record=alert,
            tlp=Tlp.AMBER,
            release_to_all=False,
            released_to=[barbados, lucia],
            personal_released_to=[barbados, lucia],
            recipients=[],
            legal_basis=LEGAL_BASIS,
            personal_fields=alert.personal_fields,
            reason="Saint Lucia asked",
        )
    assert change.status == ChangeStatus.PENDING and not alert_hits(at_lucia)
    second = make_user(role=Role.SUPERVISOR, administration=antigua, email="second@ag.example")
    with django_capture_on_commit_callbacks(execute=True):
        dissemination_change_approve(actor=second, change=change)
    assert [h.alert_reference for h in alert_hits(at_lucia)] == [alert.reference]

    # Narrowing applies at once: Barbados loses the personal data, so its hit no longer applies.
    alert.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        dissemination_change_request(
            actor=analyst,
            record=alert,
            tlp=Tlp.AMBER,
            release_to_all=False,
            released_to=[barbados, lucia],
            personal_released_to=[lucia],
            recipients=[],
            legal_basis=LEGAL_BASIS,
            personal_fields=alert.personal_fields,
            reason="Need to know",
        )
    assert DisseminationChange.objects.filter(status=ChangeStatus.APPLIED).count() == 1
    assert alert_hits(at_barbados) == []
    assert Hit.objects.get(declaration=at_barbados.declaration).is_current is False
    assert len(alert_hits(at_lucia)) == 1


def test_the_alert_index_is_built_once_per_set_of_visible_alerts(
    ports: None, operator: User, analyst: User, barbados: Administration
) -> None:
    index_cache.clear()
    issue(analyst, released_to=[barbados], personal_released_to=[barbados])
    notification = voyage(account=operator, people=[okafor(operator)], port="BBBGI")
    declaration_screen(declaration=declaration_of(notification))
    builds = index_cache.builds
    declaration_screen(declaration=declaration_of(notification))
    assert index_cache.builds == builds
    # Another alert released to Barbados changes what it sees: the index is built again, once.
    issue(
        analyst,
        released_to=[barbados],
        personal_released_to=[barbados],
        surname="Mensah",
        given_names="Kofi",
        identifiers="",
    )
    declaration_screen(declaration=declaration_of(notification))
    declaration_screen(declaration=declaration_of(notification))
    assert index_cache.builds == builds + 1
    assert len(alert_hits(notification)) == 1


def test_officers_see_the_alert_hit_in_the_risk_panel_and_review_it(
    ports: None,
    operator: User,
    analyst: User,
    bb_officer: User,
    barbados: Administration,
    client_for: Callable[[User], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    alert = issue(analyst, released_to=[barbados], personal_released_to=[barbados])
    notification = voyage(account=operator, people=[okafor(operator)], port="BBBGI")
    file(notification, django_capture_on_commit_callbacks)
    [hit] = alert_hits(notification)
    client = client_for(bb_officer)
    url = reverse("risk:declaration", args=["notifications", notification.reference])
    page = client.get(url).content.decode()
    assert alert.reference in page and TITLE in page and "Intelligence alerts of" in page

    response = client.post(
        url, {"action": "dispose_hit", "hit": hit.pk, "disposition": "false_positive", "note": ""}
    )
    assert response.status_code == 400  # a note is needed
    response = client.post(
        url,
        {
            "action": "dispose_hit",
            "hit": hit.pk,
            "disposition": "false_positive",
            "note": "Different father's name",
        },
    )
    assert response.status_code == 302
    # Screening again keeps the review.
    declaration_screen(declaration=declaration_of(notification), reason=ScreeningReason.MANUAL)
    hit.refresh_from_db()
    assert (hit.disposition, hit.disposed_by, hit.is_current) == (
        Disposition.FALSE_POSITIVE,
        bb_officer,
        True,
    )


def test_the_lookout_hit_criterion_fires_on_an_alert_hit(
    ports: None,
    operator: User,
    analyst: User,
    make_user: Callable[..., User],
    barbados: Administration,
) -> None:
    chief = make_user(role=Role.SUPERVISOR, administration=barbados, email="chief@bb.example")
    criterion = criterion_create(
        actor=chief,
        kind="clearance.notification",
        name="Regional lookout",
        documentation="Stop and search: someone in the region asked to watch for this.",
        conditions=[{"field": "lookout_hit", "operator": "is_yes", "values": []}],
        lane=Lane.RED,
    )
    clean = voyage(account=operator, people=[okafor(operator)], port="BBBGI")
    assessment = declaration_check(declaration_id=declaration_of(clean).pk)
    assert assessment is not None and assessment.lane == Lane.GREEN

    issue(analyst, released_to=[barbados], personal_released_to=[barbados])
    notification = voyage(account=operator, people=[okafor(operator)], port="BBBGI")
    assessment = declaration_check(declaration_id=declaration_of(notification).pk)
    assert assessment is not None and assessment.lane == Lane.RED
    assert Firing.objects.filter(assessment=assessment, criterion=criterion, is_current=True).exists()


def test_company_and_vessel_alerts_without_personal_subject_hit_every_member_they_reach(
    ports: None, operator: User, analyst: User, django_capture_on_commit_callbacks: Any
) -> None:
    # GREEN, and the subject is not treated as personal: every member matches on the names.
    company = issue(
        analyst,
        tlp=Tlp.GREEN,
        subject_kind="company",
        title="Charter company laundering cash",
        surname="Heron Charters Ltd",
        given_names="",
        date_of_birth=None,
        nationality="",
        identifiers="",
        personal_fields=[],
    )
    vessel = issue(
        analyst,
        tlp=Tlp.GREEN,
        subject_kind="vessel",
        title="Yacht seen at sea transfers",
        surname="Blue Heron",
        given_names="",
        date_of_birth=None,
        nationality="GB",
        identifiers="",
        personal_fields=[],
    )
    expired = issue(
        analyst,
        tlp=Tlp.GREEN,
        personal_fields=[],
        valid_from=timezone.localdate() - dt.timedelta(days=10),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    notification = voyage(
        account=operator,
        people=[okafor(operator)],
        port="BBBGI",
        vessel_fields={"name": "Blue Heron", "owner_name": "Heron Charters Ltd"},
    )
    file(notification, django_capture_on_commit_callbacks)
    found = {(h.subject_kind, h.alert_reference) for h in alert_hits(notification)}
    assert found == {("owner", company.reference), ("vessel", vessel.reference)}
    assert expired.reference not in {h.alert_reference for h in Hit.objects.all()}


def test_the_intelligence_alerts_list_is_never_shared_or_imported(
    tmp_path: Any, make_user: Callable[..., User], barbados: Administration
) -> None:
    from django.core.exceptions import ValidationError

    from caribclear.screening.services import intel_list_for, watchlist_import, watchlist_update

    chief = make_user(role=Role.SUPERVISOR, administration=barbados, email="chief@bb.example")
    watchlist = intel_list_for(barbados)
    assert intel_list_for(barbados) == watchlist and watchlist.is_lookouts
    with pytest.raises(ValidationError):
        watchlist_update(actor=chief, watchlist=watchlist, sharing="all", threshold=0.8, is_active=True)
    watchlist_update(actor=chief, watchlist=watchlist, sharing="own", threshold=0.9, is_active=True)
    (tmp_path / "list.csv").write_text("name\nSomeone\n")
    with pytest.raises(ValidationError):
        watchlist_import(actor=chief, watchlist=watchlist, path=tmp_path / "list.csv")
