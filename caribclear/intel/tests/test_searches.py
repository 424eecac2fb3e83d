"""Searches by a person's name never reach a URL (issue 15, finding 9): the intelligence lists post their
search and keep it in the session; the API takes the terms in the body of a search endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create
from caribclear.core.models import IdempotencyRecord

from ..choices import ReadVia
from ..models import AccessLog, Seizure
from .factories import alert_make, seizure_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_seizures(ports: None, analyst: User, barbados: Administration) -> tuple[Seizure, Seizure]:
    moreau = seizure_make(actor=analyst, released_to=[barbados])
    other = seizure_make(
        actor=analyst,
        released_to=[barbados],
        persons=[{"surname": "Lindqvist", "given_names": "Ola", "role": "courier"}],
    )
    return moreau, other


def test_a_seizure_search_by_person_is_posted_and_its_exports_name_no_one(
    two_seizures: tuple[Seizure, Seizure], analyst: User, client_for: Callable[[User], Client]
) -> None:
    moreau, other = two_seizures
    client = client_for(analyst)
    page = client.get(reverse("intel:seizure_list")).content.decode()
    assert 'method="post"' in page
    posted = client.post(reverse("intel:seizure_list"), {"person": "Moreau"})
    assert posted.status_code == 302
    assert "moreau" not in posted["Location"].lower() and "search=" in posted["Location"]
    found = client.get(posted["Location"])
    text = found.content.decode()
    assert moreau.reference in text and other.reference not in text
    assert 'value="Moreau"' in text  # the officer sees what was searched
    # The export links name the saved search, not the person, and export what was found.
    assert "Moreau" not in "".join(a for a in text.split('href="')[1:] if "format=" in a.split('"')[0])
    exported = client.get(f"{posted['Location']}&format=csv").content.decode()
    assert moreau.reference in exported and other.reference not in exported
    # A name in a link is not read: the whole list shows.
    listed = client.get(reverse("intel:seizure_list"), {"person": "Moreau"}).content.decode()
    assert moreau.reference in listed and other.reference in listed
    # Another session cannot replay the search by its id.
    stranger = client_for(analyst).get(posted["Location"]).content.decode()
    assert other.reference in stranger


def test_a_search_with_a_mistyped_date_comes_back_with_what_was_typed(
    two_seizures: tuple[Seizure, Seizure], analyst: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(analyst)
    answer = client.post(reverse("intel:seizure_list"), {"person": "Moreau", "date_from": "31/02/2026"})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert 'value="Moreau"' in text and "Enter the date as day, month, year" in text


def test_an_alert_search_is_posted_and_logged_as_a_search(
    ports: None,
    analyst: User,
    bb_officer: User,
    barbados: Administration,
    client_for: Callable[[User], Client],
) -> None:
    okafor = alert_make(actor=analyst)
    other = alert_make(actor=analyst, surname="Lindqvist", given_names="Ola", title="Cash courier by air")
    client = client_for(analyst)
    posted = client.post(reverse("intel:alert_list"), {"q": "Okafor"})
    assert posted.status_code == 302 and "okafor" not in posted["Location"].lower()
    text = client.get(posted["Location"]).content.decode()
    assert okafor.reference in text and other.reference not in text
    assert AccessLog.objects.filter(user_id=analyst.pk, record_id=okafor.pk, via=ReadVia.SEARCH).exists()


def test_the_api_takes_search_terms_in_the_body_only_and_keeps_no_answer(
    two_seizures: tuple[Seizure, Seizure], analyst: User
) -> None:
    moreau, _other = two_seizures
    _token, raw = api_token_create(user=analyst, name="test", second_factor=True)
    api = Client()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    refused = api.get("/api/intel/seizures", {"person": "Moreau"}, **headers)
    assert refused.status_code == 422
    problem = refused.json()
    assert refused["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in problem["errors"]] == ["person"]
    assert "/api/intel/seizures/search" in problem["detail"]
    # No Idempotency-Key needed for a search, and the answer (names, documents) is not stored.
    found = api.post(
        "/api/intel/seizures/search", {"person": "Moreau"}, content_type="application/json", **headers
    )
    assert found.status_code == 200, found.content
    assert [r["reference"] for r in found.json()["results"]] == [moreau.reference]
    assert not IdempotencyRecord.objects.exists()
    # A term under a name the search does not have is refused, not ignored (which would answer every
    # record as if it had matched).
    misspelt = api.post(
        "/api/intel/seizures/search", {"persons": "Moreau"}, content_type="application/json", **headers
    )
    assert misspelt.status_code == 422 and [e["field"] for e in misspelt.json()["errors"]] == ["persons"]
    misspelt = api.post("/api/intel/alerts/search", {"text": "x"}, content_type="application/json", **headers)
    assert misspelt.status_code == 422 and [e["field"] for e in misspelt.json()["errors"]] == ["text"]
    alerts = api.post("/api/intel/alerts/search", {"q": "nobody"}, content_type="application/json", **headers)
    assert alerts.status_code == 200 and alerts.json()["count"] == 0
    assert api.get("/api/intel/alerts", {"q": "Okafor"}, **headers).status_code == 422
    # A filing POST still needs its key.
    assert (
        api.post(
            "/api/intel/seizures", json.dumps({}), content_type="application/json", **headers
        ).status_code
        == 400
    )
