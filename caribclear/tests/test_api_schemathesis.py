"""Schemathesis against the API's own OpenAPI document: every operation, with an operator's token and an
official's (all scopes), fed values generated from the document (and values it does not allow). No
answer may be a 500, each answer's status must be one the document lists for the operation, and each
JSON answer must match the schema the document gives for that status.

Schemathesis (a well-kept property-based API tester built on Hypothesis) generates from the document
itself, so a parameter the document forgets, or an error it does not list, fails here. The number of
examples per operation is `CARIBCLEAR_SCHEMATHESIS_EXAMPLES` (CI can raise it; 15 by default keeps
`./dev test` quick)."""

from __future__ import annotations

import os
import uuid
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create

EXAMPLES = int(os.environ.get("CARIBCLEAR_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture
def tokens(db: Any) -> dict[str, str]:
    antigua = Administration.objects.get(code="AG")
    operator = User.objects.create_user(
        username="fuzz-operator@example.org", email="fuzz-operator@example.org", password="x" * 16
    )
    official = User.objects.create_user(
        username="fuzz-official@example.org",
        email="fuzz-official@example.org",
        password="x" * 16,
        role=Role.SUPERVISOR,
        administration=antigua,
        agency=Agency.CUSTOMS,
    )
    return {
        "operator": api_token_create(user=operator, name="schemathesis")[1],
        "official": api_token_create(user=official, name="schemathesis", second_factor=True)[1],
    }


def _document() -> dict[str, Any]:
    import caribclear.urls  # noqa: F401 - attaches every app's router to the API
    from caribclear.api import api

    return api.get_openapi_schema(path_prefix="/api/")


SCHEMA = schemathesis.openapi.from_dict(_document())
OPERATIONS: dict[str, Any] = {
    operation.label: operation for operation in (cast(Any, r).ok() for r in SCHEMA.get_all_operations())
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """Calls go to the WSGI application, not through Django's test client, so Django's request signals
    would close the test's database connection after a request (on PostgreSQL, the transaction the test
    runs in). Detach them as the test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_answers_as_documented(label: str, tokens: dict[str, str]) -> None:
    from caribclear.wsgi import application

    SCHEMA.app = application
    operation = OPERATIONS[label]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def answers_as_documented(case: Any) -> None:
        for role in ("operator", "official"):
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            if case.method.upper() == "POST":
                headers["Idempotency-Key"] = str(uuid.uuid4())
            response = case.call(headers=headers, app=application)
            case.validate_response(response, checks=CHECKS, headers=headers)

    answers_as_documented()
