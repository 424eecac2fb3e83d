"""The officer's risk pages: panel, reviews, overrides, criteria, test page, dashboard; and 404s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.risk.choices import Lane
from caribclear.risk.models import Assessment, Criterion, CriterionVersion, Firing
from caribclear.risk.services import criterion_create, declaration_assess
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.choices import SourceFormat
from caribclear.screening.models import Hit
from caribclear.screening.services import declaration_screen, watchlist_create, watchlist_import
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


@pytest.fixture
def outsider(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=barbados, email="chief@bb.example")


@pytest.fixture
def screened(ports: None, operator: User, supervisor: User, tmp_path: Any) -> Notification:
    """An Antigua notification with a hit on a local list and a criterion that fired."""
    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date,notes\nX-1,Marlon DACOSTA,1971-02-03,wanted\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="Regional wanted", source_format=SourceFormat.CSV, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Watchlist hit",
        documentation="Hold the person for a secondary check.",
        conditions=[{"field": "watchlist_hit_score", "operator": "gte", "values": ["0.8"]}],
        lane=Lane.RED,
        weight=90,
    )
    person = traveller(account=operator, surname="DaCosta", given_names="Marlon", born=dt.date(1971, 2, 3))
    clean = traveller(account=operator, surname="Lindqvist", given_names="Ebba", sex="F")
    notification = voyage(account=operator, people=[person, clean])
    declaration_screen(declaration=declaration_of(notification))
    declaration_assess(declaration=declaration_of(notification))
    return notification


def url(notification: Notification) -> str:
    return reverse("risk:declaration", args=["notifications", notification.reference])


def test_officer_sees_lane_reasons_and_explained_hits(
    screened: Notification,
    officer: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(officer)
    with django_assert_max_num_queries(14):  # + referrals, + is this version screened
        response = client.get(url(screened))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tag-red" in html and "Hold the person for a secondary check." in html
    assert "Marlon DaCosta" in html and "Marlon DACOSTA" in html and "Regional wanted" in html
    assert "date of birth 1971-02-03 vs 1971-02-03" in html


def test_other_administrations_and_operators_get_404(
    screened: Notification,
    outsider: User,
    operator: User,
    client_for: Callable[[User], Client],
) -> None:
    assert client_for(outsider).get(url(screened)).status_code == 404
    assert client_for(operator).get(url(screened)).status_code == 404
    hit = Hit.objects.get(declaration=screened.declaration)
    response = client_for(outsider).post(
        url(screened), {"action": "dispose_hit", "hit": hit.pk, "disposition": "false_positive", "note": "x"}
    )
    assert response.status_code == 404
    assert Hit.objects.get(pk=hit.pk).disposition == HitDisposition.PENDING


def test_reviewing_a_hit_needs_a_note_and_keeps_what_was_typed(
    screened: Notification, officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    hit = Hit.objects.get(declaration=screened.declaration)
    response = client.post(
        url(screened), {"action": "dispose_hit", "hit": hit.pk, "disposition": "false_positive", "note": ""}
    )
    assert response.status_code == 400
    assert "Write a note" in response.content.decode()
    next_url = reverse("officer:notification_detail", args=[screened.reference])
    response = client.post(
        url(screened),
        {
            "action": "dispose_hit",
            "hit": hit.pk,
            "disposition": "true_match",
            "note": "Passport photo matches",
            "next": next_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == next_url
    hit.refresh_from_db()
    assert hit.disposition == HitDisposition.TRUE_MATCH and hit.disposed_by == officer


def test_lane_override_from_the_page_requires_a_reason(
    screened: Notification, officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    response = client.post(url(screened), {"action": "override", "lane": "green", "reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert Assessment.objects.get(declaration=screened.declaration).override_reason == ""
    # The hit not yet reviewed keeps it in yellow at least.
    response = client.post(
        url(screened), {"action": "override", "lane": "green", "reason": "Known local skipper"}
    )
    assert response.status_code == 400 and "watchlist hits keep this declaration" in response.content.decode()
    assert Assessment.objects.get(declaration=screened.declaration).override_lane == ""
    response = client.post(
        url(screened), {"action": "override", "lane": "yellow", "reason": "Known local skipper"}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(declaration=screened.declaration)
    assert assessment.final_lane == Lane.YELLOW and assessment.override_reason == "Known local skipper"
    assert "Known local skipper" in client.get(url(screened)).content.decode()


def test_firing_review_from_the_page(
    screened: Notification, officer: User, client_for: Callable[[User], Client]
) -> None:
    firing = Firing.objects.get(assessment__declaration=screened.declaration)
    response = client_for(officer).post(
        url(screened),
        {
            "action": "dispose_firing",
            "firing": firing.pk,
            "disposition": "false_positive",
            "note": "Nothing found",
        },
    )
    assert response.status_code == 302
    assert Firing.objects.get(pk=firing.pk).disposition == "false_positive"


def test_a_fired_criterion_asks_for_an_outcome_and_keeps_the_note_when_none_is_chosen(
    screened: Notification, officer: User, client_for: Callable[[User], Client]
) -> None:
    """Nothing is preselected for a criterion not yet reviewed: the officer chooses after checking, and a
    form sent without a choice says so and keeps the note typed."""
    import re

    firing = Firing.objects.get(assessment__declaration=screened.declaration)
    client = client_for(officer)
    page = client.get(url(screened)).content.decode()
    select = re.search(rf'<select id="firing-{firing.pk}-disposition".*?</select>', page, re.S)
    assert select is not None
    assert re.search(r'<option value="" selected>', select.group(0))
    assert " selected" not in select.group(0).replace('<option value="" selected>', "")

    response = client.post(
        url(screened),
        {"action": "dispose_firing", "firing": firing.pk, "disposition": "", "note": "Hold searched"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="firing-{firing.pk}-error"' in body and 'value="Hold searched"' in body
    assert "Choose justified or false positive." in body
    assert Firing.objects.get(pk=firing.pk).disposition == "pending"


def test_panel_template_tag_renders_for_the_officer_page(
    screened: Notification, officer: User, outsider: User, rf: Any
) -> None:
    from django.template import Context, Template

    template = Template("{% load risk %}{% risk_panel notification.declaration %}")
    request = rf.get("/officer/x/")
    request.user = officer
    html = template.render(Context({"request": request, "notification": screened}))
    assert "Risk and screening" in html and "Marlon DACOSTA" in html
    request.user = outsider
    assert "Marlon" not in template.render(Context({"request": request, "notification": screened}))


def test_supervisor_writes_a_criterion_tests_it_then_saves_it(
    ports: None, operator: User, supervisor: User, client_for: Callable[[User], Client]
) -> None:
    voyage(account=operator, people=[], last_port_country="VE")
    voyage(account=operator, people=[], last_port_country="GD")
    client = client_for(supervisor)
    create = reverse("risk:criterion_create")
    assert client.get(create).status_code == 200
    data = {
        "kind": "clearance.notification",
        "name": "From Venezuela",
        "documentation": "Check the hold.",
        "lane": "yellow",
        "weight": "20",
        "valid_from": timezone.localdate().isoformat(),
        "is_active": "on",
        "c-TOTAL_FORMS": "3",
        "c-INITIAL_FORMS": "0",
        "c-0-field": "last_port_country",
        "c-0-operator": "in",
        "c-0-values": "ve",
        "action": "test",
    }
    response = client.post(create, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Would fire on 1 of 2 recent notifications" in html
    assert not Criterion.objects.exists()

    bad = data | {"c-0-operator": "gt", "action": "save"}
    response = client.post(create, bad)
    assert response.status_code == 400 and "can be compared with" in response.content.decode()
    assert 'value="From Venezuela"' in response.content.decode()

    response = client.post(create, data | {"action": "save"})
    criterion = Criterion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "risk:criterion", args=[criterion.pk]
    )
    assert criterion.current_version is not None
    assert criterion.current_version.conditions == [
        {"field": "last_port_country", "operator": "in", "values": ["VE"]}
    ]

    edit = reverse("risk:criterion_edit", args=[criterion.pk])
    response = client.post(
        edit, data | {"lane": "red", "change_note": "Raised", "action": "save", "c-TOTAL_FORMS": "3"}
    )
    assert response.status_code == 302
    assert list(CriterionVersion.objects.filter(criterion=criterion).values_list("number", "lane")) == [
        (2, "red"),
        (1, "yellow"),
    ]
    detail = client.get(reverse("risk:criterion", args=[criterion.pk])).content.decode()
    assert "Version 2" in detail and "Version 1" in detail and "Raised" in detail

    test_page = client.get(reverse("risk:criterion_test", args=[criterion.pk]))
    assert "Would fire on 1 of 2 notifications" in test_page.content.decode()


def test_criteria_pages_are_404_across_administrations_and_for_plain_officers(
    supervisor: User, outsider: User, officer: User, client_for: Callable[[User], Client]
) -> None:
    criterion = criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Charter",
        documentation="Check the charter agreement.",
        conditions=[{"field": "is_charter", "operator": "is_yes", "values": []}],
        lane=Lane.YELLOW,
    )
    for name in ("risk:criterion", "risk:criterion_test", "risk:criterion_edit"):
        assert client_for(outsider).get(reverse(name, args=[criterion.pk])).status_code == 404
    assert client_for(officer).get(reverse("risk:criterion", args=[criterion.pk])).status_code == 200
    assert client_for(officer).get(reverse("risk:criterion_edit", args=[criterion.pk])).status_code == 404
    assert client_for(officer).get(reverse("risk:criterion_create")).status_code == 404
    assert "Charter" not in client_for(outsider).get(reverse("risk:criteria")).content.decode()


def test_random_selection_page(supervisor: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(supervisor)
    response = client.post(
        reverse("risk:random_selection"),
        {"from_lane": "green", "to_lane": "yellow", "rate": "5", "is_active": "on"},
    )
    assert response.status_code == 302
    assert "5.0%" in client.get(reverse("risk:random_selection")).content.decode()


def test_dashboard_counts_hit_and_false_positive_rates(
    ports: None,
    screened: Notification,
    operator: User,
    officer: User,
    outsider: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    from caribclear.risk.selectors import dashboard_for
    from caribclear.risk.services import firing_dispose
    from caribclear.screening.services import hit_dispose

    for _i in range(3):  # three clean notifications, screened and assessed
        notification = voyage(
            account=operator, people=[traveller(account=operator, surname="Nobody", given_names="Neil")]
        )
        declaration_screen(declaration=declaration_of(notification))
        declaration_assess(declaration=declaration_of(notification))
    hit_dispose(
        actor=officer,
        hit=Hit.objects.get(declaration=screened.declaration),
        disposition="false_positive",
        note="Other man",
    )
    firing_dispose(actor=officer, firing=Firing.objects.get(), disposition="false_positive", note="Other man")

    today = timezone.localdate()
    data = dashboard_for(officer, start=today, end=today)
    assert (data.assessed, data.screened) == (4, 4)
    assert data.lanes == {Lane.RED: 1, Lane.GREEN: 3}
    (criterion,) = data.criteria
    assert (criterion.fired, criterion.assessed, criterion.hit_rate) == (1, 4, 0.25)
    assert (criterion.reviewed, criterion.false_positives, criterion.false_positive_rate) == (1, 1, 1.0)
    (regional,) = [r for r in data.lists if r.label == "Regional wanted"]
    assert (regional.fired, regional.assessed, regional.false_positive_rate) == (1, 4, 1.0)
    # Another period has nothing.
    empty = dashboard_for(officer, start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=1))
    assert empty.assessed == 0 and empty.criteria[0].hit_rate is None

    client = client_for(officer)
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("risk:dashboard"), {"start": today.isoformat(), "end": today.isoformat()}
        )
    html = response.content.decode()
    assert "1 / 4" in html and "25%" in html and "100%" in html
    # Barbados sees its own (empty) figures, not Antigua's criteria.
    other = client_for(outsider).get(reverse("risk:dashboard")).content.decode()
    assert "Watchlist hit" not in other and "1 / 4" not in other


def test_every_page_opens_for_a_supervisor(
    screened: Notification, supervisor: User, client_for: Callable[[User], Client]
) -> None:
    from caribclear.screening.models import Lookout, Watchlist
    from caribclear.screening.services import lookout_create

    lookout_create(actor=supervisor, kind="Person", name="Some One", reason="Test")
    criterion = Criterion.objects.get()
    watchlist = Watchlist.objects.get(name="Regional wanted")
    assert watchlist.current_version is not None
    lookout = Lookout.objects.get()
    client = client_for(supervisor)
    pages = [
        reverse("risk:criteria"),
        reverse("risk:criterion_create"),
        reverse("risk:criterion", args=[criterion.pk]),
        reverse("risk:criterion_edit", args=[criterion.pk]),
        reverse("risk:criterion_test", args=[criterion.pk]) + "?days=7",
        reverse("risk:random_selection"),
        reverse("risk:hit_rules"),
        reverse("risk:hit_rule_edit", args=[watchlist.pk]),
        reverse("risk:dashboard") + "?start=2026-01-01&end=2025-01-01",
        reverse("risk:declaration", args=["notifications", screened.reference]),
        reverse("screening:watchlists"),
        reverse("screening:watchlist_create"),
        reverse("screening:watchlist", args=[watchlist.pk]) + "?q=dacosta",
        reverse("screening:watchlist", args=[lookout.watchlist_id]),
        reverse("screening:version", args=[watchlist.current_version.pk]),
        reverse("screening:lookouts") + "?q=some",
        reverse("screening:lookout_create"),
        reverse("screening:lookout", args=[lookout.reference]),
        reverse("screening:lookout_edit", args=[lookout.reference]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert b"</html>" in response.content
    # A watchlist the supervisor's administration does not own has no settings page for them.
    assert client.get(reverse("screening:watchlist_settings", args=[watchlist.pk])).status_code == 404
