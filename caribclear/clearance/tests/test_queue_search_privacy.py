"""Issue 15, finding 9: names and passport numbers typed into the queue's search never reach a URL (access
logs, history, Referer), and a search by document number is logged as a view of each document it finds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.models import Notification
from caribclear.core.models import AuditEvent

from .factories import notification_make, person_make, vessel_make

pytestmark = pytest.mark.django_db

QUEUE = "officer:queue"


@pytest.fixture
def voyages(ports: None, operator: User) -> dict[str, Notification]:
    marlowe = person_make(
        account=operator, surname="Marlowe", given_names="Philippa", document_number="X1234567"
    )
    quint = person_make(account=operator, surname="Quint", document_number="Q7654321")
    soon = timezone.now() + dt.timedelta(hours=10)
    return {
        "marlowe": notification_make(
            account=operator,
            vessel=vessel_make(account=operator),
            port="AGSJO",
            expected_at=soon,
            people=[marlowe],
        ),
        "quint": notification_make(
            account=operator,
            vessel=vessel_make(account=operator),
            port="AGSJO",
            expected_at=soon,
            people=[quint],
        ),
        # The same passport on a voyage to Barbados: not the Antigua officer's to see.
        "barbados": notification_make(
            account=operator,
            vessel=vessel_make(account=operator),
            port="BBBGI",
            expected_at=soon,
            people=[marlowe],
            status=Status.SUBMITTED,
        ),
    }


def listed(response: Any) -> set[str]:
    return {n.reference for n in response.context["page"].object_list}


def test_a_search_for_a_person_is_posted_and_the_url_names_only_a_saved_search(
    voyages: dict[str, Notification], officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    form = client.get(reverse(QUEUE), {"tab": "all"}).content.decode()
    assert 'method="post"' in form[form.index('role="search"') - 200 :][:400]
    posted = client.post(reverse(QUEUE), {"tab": "all", "person": "Philippa Marlowe"})
    assert posted.status_code == 302
    location = posted["Location"]
    assert "marlowe" not in location.lower() and "philippa" not in location.lower()
    assert set(parse_qs(urlsplit(location).query)) == {"tab", "search"}
    page = client.get(location)
    assert listed(page) == {voyages["marlowe"].reference}
    html = page.content.decode()
    assert 'value="Philippa Marlowe"' in html  # the box still shows what was searched for
    # Every link of the page (tabs, pages, clear) is free of it as well.
    for href in (part.split('"', 1)[0] for part in html.split('href="')[1:]):
        assert "marlowe" not in href.lower() and "philippa" not in href.lower(), href
    # A tab of the same search keeps it, by its id.
    search_id = parse_qs(urlsplit(location).query)["search"][0]
    assert listed(client.get(reverse(QUEUE), {"tab": "expected", "search": search_id})) == {
        voyages["marlowe"].reference
    }


def test_personal_terms_in_a_url_are_not_read_and_a_search_id_is_only_its_sessions(
    voyages: dict[str, Notification],
    officer: User,
    make_user: Callable[..., User],
    antigua: Administration,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(officer)
    everything = listed(client.get(reverse(QUEUE), {"tab": "all"}))
    assert everything == {voyages["marlowe"].reference, voyages["quint"].reference}
    # An old bookmark or a crafted link with a name filters nothing: the term is never taken from a URL.
    assert listed(client.get(reverse(QUEUE), {"tab": "all", "person": "Quint"})) == everything
    # Non-personal filters still work from a link.
    assert listed(client.get(reverse(QUEUE), {"tab": "all", "status": "cleared"})) == set()
    location = client.post(reverse(QUEUE), {"tab": "all", "person": "Quint"})["Location"]
    colleague = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    shared = client_for(colleague).get(location)
    assert shared.status_code == 200 and listed(shared) == everything
    assert "Quint" not in shared.content.decode()


def test_a_search_by_document_number_is_logged_as_a_view_of_each_document_found(
    voyages: dict[str, Notification], officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    client.post(reverse(QUEUE), {"tab": "all", "person": "Marlowe"})
    assert not AuditEvent.objects.filter(action="travel_document.view").exists()  # a name: no document

    location = client.post(reverse(QUEUE), {"tab": "all", "person": "x1234567"})["Location"]
    assert listed(client.get(location)) == {voyages["marlowe"].reference}
    events = list(AuditEvent.objects.filter(action="travel_document.view"))
    entry = voyages["marlowe"].people_on_board.get()
    # One event, for the Antigua voyage only (the Barbados one is not shown to this officer).
    assert [(e.actor_id, e.object_id, e.data["notification"], e.data["search"]) for e in events] == [
        (officer.pk, str(entry.document_id), voyages["marlowe"].reference, True)
    ]
    assert "1234567" not in events[0].summary and "Marlowe" not in events[0].summary
    assert "1234567" not in events[0].path


def test_a_search_with_a_mistake_comes_back_with_what_was_typed(
    voyages: dict[str, Notification], officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(officer).post(
        reverse(QUEUE), {"tab": "all", "person": "Quint", "date_from": "2026-12-31", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "on or after the start date" in html
    assert 'value="Quint"' in html and listed(response) == set()
