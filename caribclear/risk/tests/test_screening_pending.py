"""Issue 9: clearance waits for the screening. A declaration filed (or amended) moments ago, whose screening
job has not run yet, cannot be cleared by any agency: nobody knows yet whether it has hits. The officer's
page says "screening pending" at the top; refusing or referring stays possible."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision, Status
from caribclear.clearance.models import Notification
from caribclear.clearance.services import clearance_decide, notification_amend, notification_create
from caribclear.clearance.tests.factories import declaration_of, screen
from caribclear.clearance.tests.operator_fixtures import Crew, crew_fixture  # noqa: F401
from caribclear.risk.hits import release_blockers
from caribclear.risk.services import declaration_check
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The service's messages are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


PENDING = "has not run on this version yet"


def filed(operator: User) -> Notification:
    """Filed a moment ago: its declaration exists, its screening job has not run."""
    skipper = traveller(account=operator, surname="Lindqvist", given_names="Ebba", sex="F")
    return voyage(account=operator, people=[skipper])


def detail(notification: Notification) -> str:
    return reverse("officer:notification_detail", args=[notification.reference])


def test_no_agency_clears_before_the_first_screening_and_referring_stays_possible(
    ports: None, operator: User, officer: User, make_user: Callable[..., User], antigua: Administration
) -> None:
    notification = filed(operator)
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    for actor in (officer, immigration):
        with pytest.raises(ValidationError) as error:
            clearance_decide(actor=actor, notification=notification, decision=Decision.CLEARED)
        assert PENDING in str(error.value)
    assert not notification.clearances.exists()
    clearance_decide(
        actor=immigration, notification=notification, decision=Decision.REFERRED, remarks="Passports first"
    )

    assert declaration_check(declaration_id=declaration_of(notification).pk) is not None  # the job runs
    assert release_blockers(declaration_of(notification).pk, notification.administration_id) == []
    clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    assert notification.clearances.get(agency=Agency.CUSTOMS).decision == Decision.CLEARED


def test_an_amendment_waits_for_its_own_screening(crew: Crew, officer: User) -> None:
    notification = screen(
        notification_create(actor=crew.operator, data=crew.data(), people=crew.people(), submit=True)
    )
    assert release_blockers(declaration_of(notification).pk, notification.administration_id) == []
    notification = notification_amend(
        actor=crew.operator, notification=notification, data={"last_port": "Deshaies"}
    )
    # The amended version (new people could be on board) is not screened until its own job runs.
    blockers = release_blockers(declaration_of(notification).pk, notification.administration_id)
    assert len(blockers) == 1 and PENDING in blockers[0]
    screen(notification)
    assert release_blockers(declaration_of(notification).pk, notification.administration_id) == []
    clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)


def test_the_officers_page_says_screening_pending_at_the_top_and_refuses_clear(
    ports: None, operator: User, officer: User, client_for: Callable[[User], Client]
) -> None:
    notification = filed(operator)
    client = client_for(officer)
    html = client.get(detail(notification)).content.decode()
    banner = html.index("Clearance on hold: screening pending")
    assert banner < html.index('id="decisions"')
    assert "Screening pending:" in html
    response = client.post(detail(notification), {"decision": "cleared"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.index("There is a problem") < page.index(PENDING) < page.index('id="decisions"')
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED and not notification.clearances.exists()

    screen(notification)
    html = client.get(detail(notification)).content.decode()
    assert "screening pending" not in html.lower()
    response = client.post(detail(notification), {"decision": "cleared"})
    assert response.status_code == 302
    assert notification.clearances.get().decision == Decision.CLEARED


def test_the_page_in_spanish_says_it_too(
    ports: None, operator: User, officer: User, client_for: Callable[[User], Client]
) -> None:
    officer.language = "es"
    officer.save(update_fields=["language"])
    notification = filed(operator)
    html = client_for(officer).get(detail(notification), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html
    assert "Despacho retenido: cribado pendiente" in html
    assert "Clearance on hold: screening pending" not in html
