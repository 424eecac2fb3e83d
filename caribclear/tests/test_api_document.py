"""The API as a client's developer meets it: the OpenAPI document, paging bounds and role checks."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from ninja import Schema
from openapi_spec_validator import validate

from caribclear.accounts.choices import Role
from caribclear.accounts.services import api_token_create
from caribclear.clearance import services as clearance_services
from caribclear.clearance.tests.operator_fixtures import crew_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"
HUGE = "9223372036854775808"  # 2**63: one more than the largest 64-bit id


def openapi() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def client_for(user: Any) -> Client:
    _token, raw = api_token_create(user=user, name="test", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


def test_the_openapi_document_is_valid_openapi_3() -> None:
    document = openapi()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_post_declares_the_idempotency_key_header() -> None:
    posts = [(path, op) for method, path, op in operations(openapi()) if method == "post"]
    assert len(posts) >= 10
    for path, operation in posts:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", True)], path


def test_every_operation_documents_its_problem_responses() -> None:
    document = openapi()
    assert {"type", "title", "status", "detail", "errors"} <= set(
        document["components"]["schemas"]["Problem"]["properties"]
    )
    for method, path, operation in operations(document):
        responses = operation["responses"]
        expected = {"401", "404"}
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        if method == "post":
            expected |= {"400", "409", "422"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if int(code) >= 400:
                schema = response["content"][PROBLEM_JSON]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, code)
    # Amending a notification its status no longer allows is a documented conflict.
    assert "409" in document["paths"]["/api/notifications/{reference}"]["patch"]["responses"]


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document keys schemas by class name: two classes of one name would show one of them
    for both (POST /api/people once showed the intelligence person)."""
    openapi()  # every router is loaded

    def subclasses(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in [sub, *subclasses(sub)]]

    ours = {cls for cls in subclasses(Schema) if cls.__module__.startswith("caribclear.")}
    names = sorted(cls.__name__ for cls in ours)
    assert len(names) == len(set(names)), [n for n in set(names) if names.count(n) > 1]
    document = openapi()
    body = document["paths"]["/api/people"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    person = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert {"surname", "sex", "category", "documents"} <= set(person["properties"])


def test_paging_outside_its_bounds_is_a_422_problem(operator, officer) -> None:
    mine = client_for(operator)
    for query in (f"offset={HUGE}", "offset=-1", "offset=1000001", "limit=0", "limit=201", f"limit={HUGE}"):
        problem = assert_problem(mine.get(f"/api/notifications?{query}"), 422)
        assert query.split("=")[0] in {e["field"] for e in problem["errors"]}
    official = client_for(officer)
    for path in ("/api/intel/seizures", "/api/intel/alerts"):
        assert_problem(official.get(f"{path}?offset={HUGE}"), 422)
        assert official.get(f"{path}?offset=0&limit=200").json() == {"count": 0, "results": []}
    assert_problem(official.get(f"/api/intel/seizures/{'A' * 300}"), 422)
    huge_id = official.post(
        f"/api/risk/hits/{HUGE}/disposition",
        json.dumps({"disposition": "false_positive", "note": "x"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert_problem(huge_id, 422)


def test_pages_of_notifications(crew) -> None:
    for _n in range(3):
        clearance_services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    api = client_for(crew.operator)
    first = api.get("/api/notifications?limit=2").json()
    rest = api.get("/api/notifications?limit=2&offset=2").json()
    assert (first["count"], len(first["items"]), rest["count"], len(rest["items"])) == (3, 2, 3, 1)
    references = [n["reference"] for n in first["items"] + rest["items"]]
    assert len(set(references)) == 3


def test_each_router_answers_only_its_role(operator, officer, make_user) -> None:
    """Another role's endpoint is not found (404), as the pages answer; no token at all is 401."""
    administrator = make_user(role=Role.ADMINISTRATOR, administration=officer.administration)
    for user, foreign in (
        (operator, ["/api/intel/seizures", "/api/intel/alerts", "/api/risk/lookouts"]),
        (officer, ["/api/vessels", "/api/people", "/api/notifications"]),
        (administrator, ["/api/vessels", "/api/notifications"]),
    ):
        api = client_for(user)
        for path in foreign:
            assert assert_problem(api.get(path), 404)["type"].endswith("/not-found"), (user.role, path)
    assert client_for(operator).get("/api/vessels").status_code == 200
    assert client_for(officer).get("/api/risk/lookouts").status_code == 200
    anonymous = assert_problem(Client().get("/api/vessels"), 401)
    assert anonymous["type"].endswith("/unauthenticated")
