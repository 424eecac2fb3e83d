"""Issue 9 finding 11: the criteria editor has an error summary, conditions added and removed at will (no
fixed three slots), and conditions on the expiry of travel documents."""

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
from caribclear.clearance.tests.factories import declaration_of
from caribclear.risk.choices import Lane
from caribclear.risk.forms import MAX_CONDITIONS
from caribclear.risk.models import Criterion
from caribclear.risk.services import criterion_create, declaration_assess
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db
# Several kinds of declaration are registered (yachts, cargo, passenger lists): the editor asks which.
NOTIFICATIONS = "?kind=clearance.notification"


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


def base(**conditions: str) -> dict[str, str]:
    rows = [value.split("|") for value in conditions.values()]
    data = {
        "kind": "clearance.notification",
        "name": "Passports about to expire",
        "documentation": "Check the passports of everyone on board.",
        "lane": "yellow",
        "weight": "20",
        "valid_from": timezone.localdate().isoformat(),
        "is_active": "on",
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": "0",
    }
    for i, (field, operator, values) in enumerate(rows):
        data |= {f"c-{i}-field": field, f"c-{i}-operator": operator, f"c-{i}-values": values}
    return data


def conditions_shown(html: str) -> int:
    return html.count('<fieldset class="condition')


def test_a_new_criterion_starts_with_one_condition_and_adds_and_removes_them(
    supervisor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(supervisor)
    url = reverse("risk:criterion_create") + NOTIFICATIONS
    assert conditions_shown(client.get(url).content.decode()) == 1
    data = base(a="last_port_country|in|VE", b="declares_firearms|is_yes|")
    response = client.post(url, data | {"action": "add"})
    html = response.content.decode()
    assert response.status_code == 200 and conditions_shown(html) == 3
    # Nothing typed is lost, nothing is checked or saved, and the new condition takes the focus.
    assert 'value="Passports about to expire"' in html and 'value="VE"' in html
    assert "There is a problem" not in html and not Criterion.objects.exists()
    new_select = html[html.index('name="c-2-field"') - 200 : html.index('name="c-2-field"') + 200]
    assert "autofocus" in new_select
    response = client.post(url, data | {"action": "remove-0"})
    html = response.content.decode()
    assert conditions_shown(html) == 1 and 'value="VE"' not in html
    assert '<option value="declares_firearms" selected>' in html
    # As many as MAX_CONDITIONS, then the page says so.
    many = base(**{f"k{i}": "people_count|gt|1" for i in range(MAX_CONDITIONS)})
    html = client.post(url, many | {"action": "add"}).content.decode()
    assert conditions_shown(html) == MAX_CONDITIONS and "at most" in html


def test_the_removed_condition_is_the_one_asked_for(
    supervisor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(supervisor)
    data = base(a="last_port_country|in|VE", b="last_port_country|in|CO", c="last_port_country|in|GY")
    response = client.post(reverse("risk:criterion_create") + NOTIFICATIONS, data | {"action": "remove-1"})
    html = response.content.decode()
    assert 'value="VE"' in html and 'value="GY"' in html and 'value="CO"' not in html
    response = client.post(
        reverse("risk:criterion_create") + NOTIFICATIONS,
        base(a="last_port_country|in|VE", b="last_port_country|in|GY") | {"action": "save"},
    )
    assert response.status_code == 302
    version = Criterion.objects.get().current_version
    assert version is not None and version.conditions == [
        {"field": "last_port_country", "operator": "in", "values": ["VE"]},
        {"field": "last_port_country", "operator": "in", "values": ["GY"]},
    ]


def test_errors_are_summarised_at_the_top_linking_to_each_condition(
    supervisor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(supervisor)
    data = base(a="last_port_country|in|VE", b="people_count|gt|many") | {"name": "", "action": "save"}
    response = client.post(reverse("risk:criterion_create") + NOTIFICATIONS, data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("There is a problem") : html.index("</div>", html.index("There is a problem"))]
    assert 'href="#id_name"' in summary
    assert 'href="#id_c-1-field"' in summary and "Condition 2: Give numbers" in summary
    assert html.index("There is a problem") < html.index("<h1>")
    # The error sits in its own row of the condition, above the boxes, which keep their place.
    condition = html[html.index('id="condition-2"') :]
    assert condition.index("condition-error") < condition.index('name="c-1-field"')
    assert not Criterion.objects.exists()
    only_conditions = base(a="people_count|between|3") | {"action": "save"}
    html = client.post(reverse("risk:criterion_create") + NOTIFICATIONS, only_conditions).content.decode()
    assert "There is a problem" in html and "Condition 1: Give two numbers" in html
    none_left = base() | {"action": "save"}
    html = client.post(reverse("risk:criterion_create") + NOTIFICATIONS, none_left).content.decode()
    assert (
        "There is a problem" in html and 'href="#conditions"' in html and "Add at least one condition" in html
    )


def test_a_condition_on_travel_document_expiry_fires(ports: None, operator: User, supervisor: User) -> None:
    criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Passport valid for less than six months",
        documentation="Tell immigration: six months' validity is required to enter.",
        conditions=[{"field": "document_days_valid", "operator": "lt", "values": ["183"]}],
        lane=Lane.YELLOW,
    )
    criterion_create(
        actor=supervisor,
        kind="clearance.notification",
        name="Expired passport",
        documentation="Refer to immigration.",
        conditions=[{"field": "document_expired", "operator": "is_yes", "values": []}],
        lane=Lane.RED,
    )
    arriving = timezone.localdate() + dt.timedelta(days=2)

    def with_passport(expires: dt.date) -> Any:
        person, document = traveller(account=operator, surname="Holm", given_names="Sven")
        document.expiry_date = expires
        document.save()
        return voyage(account=operator, people=[(person, document)], expected_in_days=2)

    fine = declaration_assess(declaration=declaration_of(with_passport(arriving + dt.timedelta(days=400))))
    soon = declaration_assess(declaration=declaration_of(with_passport(arriving + dt.timedelta(days=60))))
    expired = declaration_assess(declaration=declaration_of(with_passport(arriving - dt.timedelta(days=1))))
    assert fine.lane == Lane.GREEN
    assert soon.lane == Lane.YELLOW
    assert [f.version.name for f in soon.firings.all()] == ["Passport valid for less than six months"]
    assert expired.lane == Lane.RED and expired.firings.count() == 2


def test_the_editor_offers_the_expiry_fields(supervisor: User, client_for: Callable[[User], Client]) -> None:
    html = client_for(supervisor).get(reverse("risk:criterion_create") + NOTIFICATIONS).content.decode()
    assert 'value="document_days_valid"' in html and 'value="document_expired"' in html
    assert 'value="document_expiry_date"' in html
