"""The cargo API for carriers' systems: files and JSON, idempotent, problem JSON with where, CUSRES."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from caribclear.accounts.services import api_token_create
from caribclear.cargo.models import Manifest
from caribclear.edifact.reader import read_interchanges

from .conftest import shared_file

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="carrier system")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_file_in_the_body_is_registered_and_answered_with_mrns(filer, carrier_user, ship_file):
    client = _client(carrier_user)
    response = client.post(
        "/api/cargo/files", ship_file(2), content_type="application/edifact", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert response.status_code == 201, response.content
    (answer,) = response.json()["manifests"]
    assert answer["status"] == "filed" and len(answer["consignments"]) == 2
    assert all(len(c["mrn"]) == 18 for c in answer["consignments"])
    status = client.get(f"/api/cargo/manifests/{answer['mrn']}").json()
    assert (
        status["mrn"] == answer["mrn"]
        and status["consignments"][0]["mrn"] == answer["consignments"][0]["mrn"]
    )


def test_a_retried_filing_with_the_same_key_is_not_registered_twice(filer, carrier_user, ship_file):
    client = _client(carrier_user)
    data = ship_file(1)
    first = client.post(
        "/api/cargo/files", data, content_type="application/edifact", HTTP_IDEMPOTENCY_KEY="same"
    )
    again = client.post(
        "/api/cargo/files", data, content_type="application/edifact", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Manifest.objects.count() == 1


def test_a_rejected_file_is_a_problem_naming_segment_and_line(filer, carrier_user, ship_file):
    client = _client(carrier_user)
    data = re.sub(rb"FTX\+AAA\+\+\+[^']*'", b"FTX+AAA+++FAK'", ship_file(1))
    response = client.post(
        "/api/cargo/files", data, content_type="application/edifact", HTTP_IDEMPOTENCY_KEY="bad"
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] and all(e["where"]["segment"] and e["where"]["line"] for e in problem["errors"])
    assert {e["code"] for e in problem["errors"]} == {"vague_description"}
    assert not Manifest.objects.exists()


def test_an_edifact_filer_can_take_the_answer_as_cusres(filer, carrier_user, ship_file):
    client = _client(carrier_user)
    response = client.post(
        "/api/cargo/files",
        ship_file(2),
        content_type="application/edifact",
        HTTP_ACCEPT="application/edifact",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert response.status_code == 201 and response["Content-Type"] == "application/edifact"
    segments = [s for m in read_interchanges(response.content).messages for s in m.segments]
    mrns = {c.mrn for c in Manifest.objects.get().consignments.all()}
    refs = {s.elements[0][1] for s in segments if s.tag == "RFF" and s.elements[0][0] == "ABT"}
    assert mrns <= refs


def test_a_filing_in_json_with_a_wrong_container_is_refused_with_its_path(filer, carrier_user):
    client = _client(carrier_user)
    body: dict[str, Any] = {
        "lrn": "JSON-1",
        "conveyance": {"mode": "sea", "vessel_name": "SEA STAR", "imo": "9321483", "voyage": "7N"},
        "consignments": [
            {
                "bill_number": "SSL0001",
                "place_of_loading": "USMIA",
                "place_of_discharge": "AGSJO",
                "parties": [{"role": "consignee", "name": "ANTIGUA DISTILLERS LTD", "country": "AG"}],
                "goods": [{"hs_code": "220840", "description": "RUM IN BOTTLES", "package_count": 10}],
                "containers": [{"number": "MSCU1234567", "seals": ["S1"]}],
            }
        ],
    }
    response = client.post(
        "/api/cargo/manifests", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="j-1"
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (
        error["code"] == "container_check_digit"
        and error["where"]["element"] == "consignments[0].containers[0]"
    )
    body["consignments"][0]["containers"][0]["number"] = "MSCU1234566"
    response = client.post(
        "/api/cargo/manifests", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="j-2"
    )
    assert response.status_code == 201, response.content
    assert response.json()["manifests"][0]["consignments"][0]["place_of_discharge"] == "AGSJO"


def test_another_filers_manifest_is_not_found(filer, carrier_user, ship_file, make_user):
    from caribclear.cargo import services

    manifest = services.manifest_file(actor=carrier_user, data=ship_file(1)).manifests[0]
    other = make_user(role="operator", email="other@forwarder.example")
    services.filer_create(actor=None, name="Other", trader_id="X2", kind="forwarder", administrator=other)
    response = _client(other).get(f"/api/cargo/manifests/{manifest.mrn}")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_every_shared_cargo_file_gets_an_answer_never_a_500(filer, carrier_user):
    client = _client(carrier_user)
    for n, name in enumerate(
        [
            ("edifact", "cuscar_d03b_ung_group.edi"),
            ("edifact", "cuscar_d99a_two_messages.edi"),
            ("edifact", "ifcsum_d01b.edi"),
            ("cargo-xml", "xfwb_acas_us.xml"),
            ("cargo-xml", "xfwb_example.xml"),
        ]
    ):
        response = client.post(
            "/api/cargo/files",
            shared_file(*name),
            content_type="application/octet-stream",
            HTTP_IDEMPOTENCY_KEY=f"s{n}",
        )
        assert response.status_code in (201, 422), (name, response.content[:300])


def test_webhooks_are_signed_and_only_go_to_public_https_addresses(monkeypatch):
    import hashlib
    import hmac

    from django.core.exceptions import ValidationError

    from caribclear.cargo import webhooks

    body = b'{"event": "manifest.registered"}'
    header = webhooks.signature("s3cret", 1700000000, body)
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    for url in (
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
    ):
        with pytest.raises(ValidationError):
            webhooks.check_url(url)
    sent: list[Any] = []

    class Answer:
        status = 204

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *args: Any) -> None:
            return None

    monkeypatch.setattr(webhooks, "check_url", lambda url: None)

    def urlopen(request: Any, timeout: int) -> Answer:
        sent.append(request)
        return Answer()

    monkeypatch.setattr(webhooks.urllib.request, "urlopen", urlopen)
    assert (
        webhooks.deliver(url="https://carrier.example/hook", secret="k", event="e", payload={"mrn": "X"})
        == 204
    )
    (request,) = sent
    timestamp = request.headers["X-caribclear-signature"].split(",")[0][2:]
    mac = hmac.new(b"k", f"{timestamp}.".encode() + request.data, hashlib.sha256).hexdigest()
    assert request.headers["X-caribclear-signature"].endswith(mac)
