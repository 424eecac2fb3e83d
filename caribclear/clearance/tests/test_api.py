from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.services import api_token_create
from caribclear.reference.models import Port

from .. import services
from ..choices import Decision, Kind, Status
from ..models import Notification
from .factories import person_make, screen
from .operator_fixtures import crew_fixture, later  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/notifications"


class Api:
    """A client for one account's API token."""

    def __init__(self, user: Any) -> None:
        _token, raw = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def send(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        extra = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())} if method == "post" else {}
        payload = json.dumps(body) if body is not None else ""
        return getattr(self.client, method)(path, payload, content_type="application/json", **extra)


NOTHING_DECLARED = {
    "firearms": False,
    "currency": False,
    "alcohol_tobacco": False,
    "animals": False,
    "plants_food": False,
    "goods_for_sale": False,
    "illness": False,
}


def payload(crew, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vessel_id": crew.vessel.pk,
        "kind": "arrival",
        "port": "AGSJO",
        "expected_at": later(2).isoformat(),
        "last_port": "Le Marin",
        "last_port_country": "MQ",
        "next_port": "Bridgetown",
        "next_port_country": "BB",
        "purpose": "cruising",
        "people": [
            {"person_id": crew.master[0].pk, "role": "master"},
            {"person_id": crew.mate[0].pk, "document_id": crew.mate[1].pk, "role": "crew"},
        ],
        "declaration": NOTHING_DECLARED,
    }
    body.update(overrides)
    return body


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


def fields_of(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem.get("errors", [])}


def test_create_a_draft_then_submit_it(crew):
    api = Api(crew.operator)
    response = api.send("post", BASE, payload(crew))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 0
    assert response["Location"] == f"{BASE}/{body['reference']}"
    assert body["people"][0]["document_number"] == "GB1234567"  # newest document when none is given
    assert body["declaration"]["answered"] is True
    submitted = api.send("post", f"{BASE}/{body['reference']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted" and submitted.json()["version"] == 1
    again = api.send("post", f"{BASE}/{body['reference']}/submit")
    assert_problem(again, 409)


def test_create_and_submit_at_once(crew):
    response = Api(crew.operator).send("post", BASE, payload(crew, submit=True))
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert {a["agency"]: a["decision"] for a in response.json()["agencies"]} == {
        "customs": "pending",
        "immigration": "pending",
    }


def test_a_short_stay_visit_files_both(crew):
    response = Api(crew.operator).send(
        "post",
        BASE,
        payload(crew, submit=True, expected_at=later(1).isoformat(), departs_at=later(3).isoformat()),
    )
    assert response.status_code == 201
    body = response.json()
    departure = Notification.objects.get(reference=body["paired_with"])
    assert body["kind"] == Kind.ARRIVAL and departure.kind == Kind.DEPARTURE
    assert departure.status == Status.SUBMITTED


def test_list_shows_only_my_notifications(crew, make_user):
    services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people(), submit=True)
    services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    other = make_user(role=Role.OPERATOR)
    api = Api(crew.operator)
    body = api.get(BASE).json()
    assert body["count"] == 2
    assert api.get(f"{BASE}?status=draft").json()["count"] == 1
    assert Api(other).get(BASE).json() == {"count": 0, "items": []}
    assert "status" in fields_of(assert_problem(api.get(f"{BASE}?status=bogus"), 422))


def test_another_account_gets_404_for_everything(crew, make_user, officer):
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=True
    )
    url = f"{BASE}/{notification.reference}"
    for user in (make_user(role=Role.OPERATOR), officer):
        api = Api(user)
        for response in (
            api.get(url),
            api.get(f"{url}/status"),
            api.send("put", url, payload(crew)),
            api.send("patch", url, {"last_port": "X"}),
            api.send("post", f"{url}/submit"),
            api.send("post", f"{url}/cancel", {"reason": "mine now"}),
        ):
            body = assert_problem(response, 404)
            assert body["type"].endswith("/not-found")
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED and notification.last_port == "Le Marin"


def test_without_a_token_the_answer_is_401(crew):
    assert_problem(Client().get(BASE), 401)


def test_field_errors_are_listed_in_a_422_problem(crew, make_user):
    stranger = make_user(role=Role.OPERATOR)
    their_person, _doc = person_make(account=stranger)
    api = Api(crew.operator)
    problem = assert_problem(
        api.send(
            "post",
            BASE,
            payload(
                crew,
                port="ZZZZZ",
                people=[{"person_id": their_person.pk, "role": "master"}],
            ),
        ),
        422,
    )
    assert fields_of(problem) == {"port", "people.0.person_id"}
    Port.objects.create(locode="GBZZZ", country="GB", name="Nowhere", name_ascii="Nowhere")
    problem = assert_problem(api.send("post", BASE, payload(crew, port="GBZZZ")), 422)
    assert problem["errors"] == [
        {"field": "port", "message": "Choose a port of entry of a member administration."}
    ]
    problem = assert_problem(api.send("post", BASE, {"kind": "arrival"}), 422)
    assert {"vessel_id", "port", "expected_at"} <= fields_of(problem)
    problem = assert_problem(
        api.send(
            "post",
            BASE,
            payload(
                crew,
                submit=True,
                declaration={**NOTHING_DECLARED, "illness": True, "currency": True},
                expected_at=later(-40).isoformat(),
            ),
        ),
        422,
    )
    assert fields_of(problem) == {
        "expected_at",
        "declaration.details",
        "declaration.currency_amount",
        "declaration.currency_code",
    }
    assert not Notification.objects.exists()


def test_submitting_without_a_declaration_names_it(crew):
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew, declaration=None)).json()["reference"]
    problem = assert_problem(api.send("post", f"{BASE}/{reference}/submit"), 422)
    assert fields_of(problem) == {"declaration"}


def test_amend_with_patch_and_put_files_versions(crew):
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew, submit=True)).json()["reference"]
    patched = api.send("patch", f"{BASE}/{reference}", {"last_port": "Deshaies", "last_port_country": "GP"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == 2 and patched.json()["last_port"] == "Deshaies"
    assert len(patched.json()["people"]) == 2  # untouched by a PATCH without people
    replaced = api.send(
        "put",
        f"{BASE}/{reference}",
        payload(crew, people=[{"person_id": crew.master[0].pk, "role": "master"}]),
    )
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 3 and len(replaced.json()["people"]) == 1
    notification = Notification.objects.get(reference=reference)
    changes = [c["field"] for c in notification.versions.get(number=3).changes]
    assert "people" in changes and "last_port" in changes


def test_a_draft_is_changed_in_place(crew):
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew)).json()["reference"]
    response = api.send("patch", f"{BASE}/{reference}", {"purpose": "repairs"})
    assert response.json()["purpose"] == "repairs" and response.json()["status"] == "draft"
    assert_problem(api.send("patch", f"{BASE}/{reference}", {"purpose": "smuggling"}), 422)


def test_no_amendment_after_a_decision_and_status_shows_each_agency(crew, officer, make_user, antigua):
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew, submit=True)).json()["reference"]
    notification = screen(Notification.objects.get(reference=reference))
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    assert_problem(api.send("patch", f"{BASE}/{reference}", {"last_port": "X"}), 409)
    assert_problem(api.send("post", f"{BASE}/{reference}/cancel"), 409)
    status = api.get(f"{BASE}/{reference}/status").json()
    assert status["status"] == "in_progress"
    assert {a["agency"]: a["decision"] for a in status["agencies"]} == {
        "customs": "cleared",
        "immigration": "pending",
    }
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    assert api.get(f"{BASE}/{reference}/status").json()["status"] == "cleared"


def test_cancel(crew):
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew, submit=True)).json()["reference"]
    response = api.send("post", f"{BASE}/{reference}/cancel", {"reason": "Weather"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    # Without a body too.
    other = api.send("post", BASE, payload(crew)).json()["reference"]
    assert api.send("post", f"{BASE}/{other}/cancel").json()["status"] == "cancelled"


def test_a_retried_create_gives_one_record_and_the_same_response(crew):
    api = Api(crew.operator)
    key = str(uuid.uuid4())
    body = payload(crew, submit=True)
    first = api.send("post", BASE, body, key=key)
    second = api.send("post", BASE, body, key=key)
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Notification.objects.count() == 1
    assert_problem(api.send("post", BASE, payload(crew, last_port="Elsewhere"), key=key), 422)
    assert_problem(api.client.post(BASE, json.dumps(payload(crew)), content_type="application/json"), 400)
    assert Notification.objects.count() == 1


def test_the_openapi_document_describes_the_notifications(crew):
    document = Api(crew.operator).get("/api/openapi.json").json()
    assert "/api/notifications/{reference}/status" in document["paths"]
    assert set(document["paths"]["/api/notifications/{reference}"]) == {"get", "put", "patch"}


def test_an_empty_declaration_is_refused_naming_each_unanswered_question(crew):
    """Issue 9, point 8: `"declaration": {}` used to answer every question "no", firearms included."""
    api = Api(crew.operator)
    reference = api.send("post", BASE, payload(crew, declaration=None)).json()["reference"]
    problem = assert_problem(api.send("patch", f"{BASE}/{reference}", {"declaration": {}}), 422)
    assert fields_of(problem) == {f"declaration.{question}" for question in NOTHING_DECLARED}
    problem = assert_problem(
        api.send("patch", f"{BASE}/{reference}", {"declaration": {"firearms": False}}), 422
    )
    assert "declaration.firearms" not in fields_of(problem) and "declaration.illness" in fields_of(problem)
    assert api.get(f"{BASE}/{reference}").json()["declaration"]["answered"] is False
    response = api.send("patch", f"{BASE}/{reference}", {"declaration": NOTHING_DECLARED})
    assert response.status_code == 200, response.content
    assert response.json()["declaration"]["answered"] is True


def test_an_expired_passport_is_a_warning_not_an_error(crew):
    document = crew.mate[1]
    document.expiry_date = later(-5).date()
    document.save()
    response = Api(crew.operator).send("post", BASE, payload(crew, submit=True))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert [p["document_expired"] for p in body["people"] if p["person_id"] == crew.mate[0].pk] == [True]
    assert body["warnings"] == [
        f"The travel document {document.number} of Ben Mate expires on {document.expiry_date.isoformat()}, "
        "before the expected date."
    ]


def test_a_person_without_a_document_is_named_by_the_field_sent(crew):
    """Issue 9, point 8: no document_id was sent, so the error is about the person, not `document_id`."""
    crew.mate[1].delete()
    body = payload(crew, people=[{"person_id": crew.mate[0].pk, "role": "crew"}])
    problem = assert_problem(Api(crew.operator).send("post", BASE, body), 422)
    assert fields_of(problem) == {"people.0.person_id"}
    assert "no travel document" in problem["detail"]
