"""Every API POST is idempotent by its Idempotency-Key, and every API error is RFC 9457 problem JSON."""

import json

import pytest

from caribclear.accounts.services import api_token_create
from caribclear.vessels.models import Vessel

pytestmark = pytest.mark.django_db

VESSEL = {
    "name": "Windward",
    "vessel_type": "catamaran",
    "flag": "BB",
    "registration_number": "BB-2231",
    "port_of_registry": "Bridgetown",
    "length_m": "11.9",
    "owner_name": "R. Clarke",
}


@pytest.fixture
def auth(operator):
    _token, raw = api_token_create(user=operator, name="agent system")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, auth, body, key="key-1"):
    headers = dict(auth)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/vessels", json.dumps(body), content_type="application/json", **headers)


def test_a_retried_post_returns_the_first_answer_and_creates_nothing_new(client, auth):
    first = post(client, auth, VESSEL)
    again = post(client, auth, VESSEL)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == json.loads(first.content)
    assert Vessel.objects.count() == 1


def test_a_post_without_a_key_is_refused_with_a_problem(client, auth):
    response = post(client, auth, VESSEL, key=None)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["type"].endswith("/idempotency-key-missing")
    assert problem["status"] == 400 and "Idempotency-Key" in problem["detail"]
    assert Vessel.objects.count() == 0


def test_the_same_key_for_another_request_is_refused(client, auth):
    post(client, auth, VESSEL)
    response = post(client, auth, {**VESSEL, "name": "Leeward"})
    assert response.status_code == 422
    assert json.loads(response.content)["type"].endswith("/idempotency-key-reused")
    assert list(Vessel.objects.values_list("name", flat=True)) == ["Windward"]


def test_keys_belong_to_an_account(client, auth, make_user):
    other = make_user(email="other-agent@example.org")
    _token, raw = api_token_create(user=other, name="other")
    post(client, auth, VESSEL)
    response = post(client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}, VESSEL)
    assert response.status_code == 201
    assert Vessel.objects.count() == 2


def test_a_request_that_fails_validation_is_a_problem_with_field_errors_and_can_be_retried(client, auth):
    response = post(client, auth, {**VESSEL, "length_m": "long"}, key="k-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["title"] and problem["status"] == 422
    assert any(error["field"] == "length_m" for error in problem["errors"])


def test_no_token_is_a_401_problem(client):
    response = client.get("/api/vessels")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_no_longer_works(client, operator):
    from caribclear.accounts.services import api_token_revoke

    token, raw = api_token_create(user=operator, name="old")
    api_token_revoke(user=operator, token=token)
    assert client.get("/api/vessels", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_openapi_document_describes_the_api(client):
    document = json.loads(client.get("/api/openapi.json").content)
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/vessels",
        "/api/people",
        "/api/notifications",
        "/api/notifications/{reference}/submit",
    ):
        assert path in document["paths"], path


def test_an_unknown_endpoint_and_a_wrong_method_are_problems_too(client, auth):
    response = client.get("/api/no-such-thing", **auth)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client.delete("/api/vessels", **auth)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]
    assert json.loads(response.content)["status"] == 405


def test_a_post_reads_its_token_once(client, auth):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert post(client, auth, VESSEL).status_code == 201
    token_reads = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "accounts_apitoken" in q["sql"]
    ]
    assert len(token_reads) == 1


@pytest.mark.parametrize("sqlite_version", [(3, 34, 1), (3, 40, 1)])
def test_keys_work_on_every_sqlite_django_supports(client, auth, monkeypatch, sqlite_version):
    """The key is claimed by INSERT ... ON CONFLICT ... RETURNING where the engine has it (SQLite 3.35+,
    PostgreSQL), by a plain INSERT in a savepoint on older SQLite: a retry is replayed, another request
    with the key refused, either way."""
    from caribclear.core import idempotency

    monkeypatch.setattr(idempotency.sqlite3, "sqlite_version_info", sqlite_version)
    first = post(client, auth, VESSEL)
    again = post(client, auth, VESSEL)
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    other = post(client, auth, {**VESSEL, "name": "Leeward"})
    assert other.status_code == 422
    assert list(Vessel.objects.values_list("name", flat=True)) == ["Windward"]
