"""A one-consignment API filing stays cheap (statements), and what it answers and queues is unchanged by
the shortcuts that made it cheap: the first answer equals the status read back, the screening and the
webhook are queued together with the filing (and only if it commits), a retry is still replayed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from caribclear.accounts.services import api_token_create
from caribclear.cargo import selectors
from caribclear.cargo.models import Consignment, Manifest
from caribclear.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

#: Statements of a one-consignment JSON filing (token, idempotency claim, filer, LRN, manifest, port calls,
#: declaration, consignment, parties, goods, containers, waiting houses, version, queued tasks, audit chain
#: head and event, stored answer, plus BEGIN/COMMIT where the engine reports them; here a savepoint, and
#: the immediate task backend queues after commit). It was 36 before the filing path was trimmed, then 22;
#: the member administrations, deadlines and HS codes are now kept per process (`core.memo`).
MAX_STATEMENTS = 17

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "screening"]}
}


def _client(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="carrier system")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _body(lrn: str, bills: list[str]) -> dict[str, Any]:
    return {
        "lrn": lrn,
        "conveyance": {
            "mode": "sea",
            "vessel_name": "SEA STAR",
            "imo": "9321483",
            "voyage": "7N",
            "itinerary": [
                {"port": "USMIA", "function": "departure", "departure": "2027-01-05T10:00:00Z"},
                {"port": "AGSJO", "function": "arrival", "arrival": "2027-01-07T08:00:00Z"},
            ],
        },
        "consignments": [
            {
                "bill_number": bill,
                "place_of_loading": "USMIA",
                # one of them discharged at a port not in the itinerary: added to it
                "place_of_discharge": "BBBGI" if n == 1 else "AGSJO",
                "parties": [
                    {"role": "consignor", "name": "MIAMI EXPORTS INC", "country": "US"},
                    {"role": "consignee", "name": "ANTIGUA DISTILLERS LTD", "country": "AG"},
                ],
                "goods": [{"hs_code": "220840", "description": "RUM IN BOTTLES", "package_count": 10}],
                "containers": [{"number": "MSCU1234566", "seals": ["S1"]}],
            }
            for n, bill in enumerate(bills)
        ],
    }


def _post(client: Client, body: dict[str, Any], key: str) -> Any:
    return client.post(
        "/api/cargo/manifests", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_one_consignment_filing_takes_a_bounded_number_of_statements(filer, carrier_user):
    client = _client(carrier_user)
    _post(client, _body("WARM-1", ["SSL0000"]), "warm")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as captured:
        response = _post(client, _body("COST-1", ["SSL0001"]), "cost-1")
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(s[:120] for s in statements)
    # One: the request's own transaction, a savepoint here only because the test runs inside one.
    assert sum(s.upper().startswith("SAVEPOINT") for s in statements) <= 1


@pytest.mark.parametrize("bills", [["SSL0001"], ["SSL0003", "SSL0001", "SSL0002"]])
def test_the_first_answer_is_the_status_read_back(filer, carrier_user, bills):
    client = _client(carrier_user)
    response = _post(client, _body("SAME-1", bills), "same-1")
    assert response.status_code == 201, response.content
    (answer,) = response.json()["manifests"]
    # The answer as it is made for a filing read back from the database (its status, its webhook)
    manifest = Manifest.objects.get(mrn=answer["mrn"])
    read_back = selectors.answer_json(carrier_user, manifest, warnings=answer["warnings"])
    assert answer == json.loads(json.dumps(read_back))
    status = client.get(f"/api/cargo/manifests/{answer['mrn']}")
    assert status.status_code == 200
    assert [(c["bill_number"], c["mrn"], c["status"]) for c in status.json()["consignments"]] == [
        (c["bill_number"], c["mrn"], c["status"]) for c in answer["consignments"]
    ]
    assert [c["bill_number"] for c in answer["consignments"]] == sorted(bills)
    assert {c["mrn"] for c in answer["consignments"]} == set(
        Consignment.objects.values_list("mrn", flat=True)
    )
    # the port of discharge missing from the itinerary was added to it, after the itinerary's own ports
    calls = list(manifest.port_calls.order_by("sequence").values_list("locode", "sequence"))
    expected = [("USMIA", 1), ("AGSJO", 2)] + ([("BBBGI", 3)] if len(bills) > 1 else [])
    assert calls == expected


def test_a_retry_is_replayed_and_another_request_with_the_key_refused(filer, carrier_user):
    client = _client(carrier_user)
    body = _body("RETRY-1", ["SSL0001"])
    first = _post(client, body, "retry-1")
    again = _post(client, body, "retry-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = _post(client, _body("RETRY-2", ["SSL0002"]), "retry-1")
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert Manifest.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_an_amendment_by_lrn_is_still_an_amendment(filer, carrier_user):
    client = _client(carrier_user)
    assert _post(client, _body("AMEND-1", ["SSL0001"]), "a-1").status_code == 201
    amended = _post(client, _body("AMEND-1", ["SSL0001", "SSL0002"]), "a-2")
    assert amended.status_code == 201, amended.content
    (answer,) = amended.json()["manifests"]
    assert answer["version"] == 2 and answer["status"] == "amended"
    assert Manifest.objects.count() == 1 and Consignment.objects.count() == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_the_screening_and_the_webhook_are_queued_with_the_filing(filer, carrier_user):
    client = _client(carrier_user)
    response = _post(client, _body("QUEUE-1", ["SSL0001"]), "queue-1")
    assert response.status_code == 201, response.content
    manifest = Manifest.objects.get()
    consignment = manifest.consignments.get()
    jobs = {j.task_path: j for j in DBTaskResult.objects.all()}
    assert set(jobs) == {
        "caribclear.risk.tasks.check_declaration_task",
        "caribclear.cargo.tasks.webhook_task",
    }
    check, webhook = (
        jobs["caribclear.risk.tasks.check_declaration_task"],
        jobs["caribclear.cargo.tasks.webhook_task"],
    )
    assert check.args_kwargs == {"args": [], "kwargs": {"declaration_id": consignment.declaration_id}}
    assert check.queue_name == "screening" and check.status == "READY"
    assert webhook.args_kwargs["kwargs"] == {
        "filer_id": filer.pk,
        "manifest_id": manifest.pk,
        "event": "manifest.registered",
    }
    # what a worker takes: both are ready to run now, and each is the task it names
    assert set(DBTaskResult.objects.ready().values_list("task_path", flat=True)) == set(jobs)
    assert check.task.name == "check_declaration_task"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_filing_rolled_back_leaves_no_queued_task(filer, carrier_user):
    from caribclear.cargo import readers, services
    from caribclear.cargo.api import CargoManifestIn, _to_reader

    payload = CargoManifestIn(**_body("ROLLBACK-1", ["SSL0001"]))
    result = readers.ManifestResult(format="json", manifests=[_to_reader(payload)])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.manifest_register(actor=carrier_user, filer=filer, result=result, digest="x")
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError("the caller's transaction fails after the filing")
    assert not Manifest.objects.exists() and not DBTaskResult.objects.exists()
