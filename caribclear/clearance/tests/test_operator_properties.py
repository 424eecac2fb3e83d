"""Property-based tests: whatever an operator's app or browser sends, the answer is a clear 4xx, never a 500."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caribclear.accounts.services import api_token_create

from .. import services
from .operator_fixtures import crew_fixture, later  # noqa: F401

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "vessel_id",
    "kind",
    "port",
    "expected_at",
    "departs_at",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
    "people",
    "declaration",
    "submit",
]

texts = st.text(max_size=120) | st.sampled_from(
    ["", "\x00", "AGSJO", "agsjo", "arrival", "departure", "XX", "ZZ"]
)
# Hypothesis takes naive bounds and adds the time zones itself (none, or any real one).
datetimes = st.datetimes(
    min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001
    max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.one_of(st.none(), st.timezones()),
).map(lambda value: value.isoformat())
near_datetimes = st.integers(-10, 400).map(lambda days: later(days).isoformat())
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
    | datetimes
    | near_datetimes
)
people_rows = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "person_id": st.integers(-5, 2**64) | texts,
            "document_id": st.none() | st.integers(-5, 2**64) | texts,
            "role": st.sampled_from(["master", "crew", "passenger", "captain", ""]) | texts,
        },
    ),
    max_size=4,
)
declarations = st.fixed_dictionaries(
    {},
    optional={
        "firearms": st.booleans() | scalars,
        "currency": st.booleans(),
        "currency_amount": st.none()
        | st.decimals(allow_nan=True, allow_infinity=True).map(str)
        | st.integers(-(10**20), 10**20),
        "currency_code": st.sampled_from(["USD", "XCD", "usd", "", "ZZZ", "EURO"]) | texts,
        "illness": st.booleans(),
        "animals": st.booleans(),
        "goods_for_sale": st.booleans(),
        "details": texts,
    },
)
values = scalars | people_rows | declarations | st.lists(scalars, max_size=3)


def bad_payloads(crew) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads near a valid one: some fields replaced by anything, some removed, some unknown added."""
    base = {
        "vessel_id": crew.vessel.pk,
        "kind": "arrival",
        "port": "AGSJO",
        "expected_at": later(2).isoformat(),
        "purpose": "cruising",
        "people": [{"person_id": crew.master[0].pk, "role": "master"}],
        "declaration": {},
        "submit": True,
    }
    return st.builds(
        lambda changed, removed, extra: {
            **{k: v for k, v in base.items() if k not in removed},
            **changed,
            **extra,
        },
        st.dictionaries(st.sampled_from(FIELDS), values, max_size=4),
        st.sets(st.sampled_from(list(base))),
        st.dictionaries(st.text(max_size=8), scalars, max_size=2),
    )


def assert_clear_answer(response: Any, allowed: set[int]) -> None:
    assert response.status_code in allowed, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == response.status_code
        if response.status_code == 422:
            assert body["errors"] and all(
                isinstance(e["message"], str) and "field" in e for e in body["errors"]
            )


def test_random_bad_payloads_give_422_problem_json_never_500(crew):
    _token, raw = api_token_create(user=crew.operator, name="fuzz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    @SETTINGS
    @given(payload=bad_payloads(crew))
    def check(payload: dict[str, Any]) -> None:
        response = client.post(
            "/api/notifications",
            json.dumps(payload),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert_clear_answer(response, {201, 422})

    check()


def test_random_patches_of_a_draft_give_200_or_422_never_500(crew):
    _token, raw = api_token_create(user=crew.operator, name="fuzz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    url = f"/api/notifications/{draft.reference}"

    @SETTINGS
    @given(patch=st.dictionaries(st.sampled_from(FIELDS), values, max_size=4))
    def check(patch: dict[str, Any]) -> None:
        response = client.patch(url, json.dumps(patch), content_type="application/json")
        assert_clear_answer(response, {200, 422})

    check()


@SETTINGS
@given(body=st.binary(max_size=200))
def test_a_body_that_is_not_json_is_a_problem_not_a_crash(crew, body):
    _token, raw = api_token_create(user=crew.operator, name="fuzz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        "/api/notifications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert_clear_answer(response, {400, 422})


def test_random_form_input_is_shown_back_with_errors_never_500(crew, client_for):
    client = client_for(crew.operator)
    url = reverse("clearance:notification_new")
    person = crew.master[0]
    form_fields = [
        "vessel",
        "kind",
        "port",
        "expected_at",
        "departs_at",
        "last_port",
        "last_port_country",
        "purpose",
        "is_charter",
        "declares_firearms",
        "declares_currency",
        "currency_amount",
        "currency_code",
        "declares_illness",
        "declaration_details",
        f"role_{person.pk}",
        f"document_{person.pk}",
        "action",
    ]
    form_values = (
        st.text(max_size=60).filter(lambda text: "\x00" not in text)
        | st.sampled_from(
            ["yes", "no", "visit", "arrival", "submit", "draft", "master", "AGSJO", "MQ", "1e400"]
        )
        | st.integers(-(2**70), 2**70).map(str)
        | near_datetimes.map(lambda value: value[:16])
    )

    @SETTINGS
    @given(data=st.dictionaries(st.sampled_from(form_fields), form_values, max_size=12))
    def check(data: dict[str, str]) -> None:
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode()

    check()
