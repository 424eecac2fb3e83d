"""Decision 6.1: reason to doubt, evidence requested by e-mail with a deadline, the importer's answer and
documents through the link, the officer's decision by a named method; audited; never a reference price."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.services import api_token_create
from caribclear.core.models import AuditEvent, StatusChange
from caribclear.valuation import readers, services
from caribclear.valuation.choices import CaseStatus, Method, Outcome
from caribclear.valuation.models import Case

from .helpers import store_lines

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def officer_ag(make_user, antigua):
    return make_user(role=Role.OFFICER, administration=antigua, email="valuer@ag.example")


@pytest.fixture
def check(barbados, antigua):
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    line = readers.check_line(
        declaration="AG-2026-77", line="3", date=timezone.localdate(), hs_code="851713", origin="CN", quantity="100",
        unit="u", net_mass_kg=None, value="80", currency="USD", importer="TIN-AG-1",
    )  # fmt: skip
    return services.line_check(administration_id=antigua.pk, line=line)


def test_from_flag_to_decision(officer_ag, check, client_for, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        services.case_open(actor=officer_ag, check=check, reason="low")  # a score alone is not a reason
    case = services.case_open(
        actor=officer_ag,
        check=check,
        reason="Price far below the supplier's catalogue and freight paid separately.",
    )
    assert case.status == CaseStatus.OPEN and "median" in case.explanation
    with pytest.raises(ValidationError) as refused:
        services.case_decide(
            actor=officer_ag,
            case=case,
            outcome=Outcome.DETERMINED,
            method=Method.SIMILAR,
            determined_value=Decimal(4000),
            reason="Similar goods at 40 USD.",
        )
    assert "Ask the importer" in str(refused.value)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_evidence(
            actor=officer_ag, case=case, email="imports@importer.example", questions="Send the invoice, the contract and the proof of payment.",
            deadline=timezone.localdate() + dt.timedelta(days=14),
        )  # fmt: skip
    (message,) = mail.outbox
    assert message.to == ["imports@importer.example"] and "AG-2026-77" in message.subject
    assert "39." not in message.body and "median" not in message.body  # the importer gets no price to copy
    found = re.search(r"https?://[^/\s]+(/valuation/answer/\S+/)", str(message.body))
    assert found is not None
    path = found.group(1)

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Send the invoice" in page.content.decode()
    assert "median" not in page.content.decode()
    bad = anonymous.post(path, {"answer": "Our price.", "documents": [_file("x.exe", b"MZ...")]})
    assert bad.status_code == 422 and "not a PDF, PNG or JPEG" in bad.content.decode()
    ok = anonymous.post(
        path,
        {
            "answer": "Discount for a 5-year contract; invoice attached.",
            "documents": [_file("invoice.pdf", PDF)],
        },
    )
    assert ok.status_code == 200 and "Thank you" in ok.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED and case.documents.count() == 1
    assert anonymous.get(path).content.decode().count("no further answer") == 1

    officer = client_for(officer_ag)
    detail = officer.get(reverse("valuation:case", args=[case.pk])).content.decode()
    assert "Discount for a 5-year contract" in detail and "invoice.pdf" in detail
    # The history names the statuses in words, not their stored codes.
    assert "Evidence requested from the importer → Importer answered" in detail
    assert "evidence_requested" not in detail
    document = case.documents.get()
    download = officer.get(reverse("valuation:case_document", args=[case.pk, document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    missing_method = officer.post(
        reverse("valuation:case", args=[case.pk]),
        {"action": "decide", "outcome": "determined", "reason": "Similar goods."},
    )
    assert missing_method.status_code == 422 and "Name the method" in missing_method.content.decode()
    done = officer.post(
        reverse("valuation:case", args=[case.pk]),
        {
            "action": "decide",
            "outcome": "determined",
            "method": "art3",
            "determined_value": "3900",
            "reason": "Contract discount not shown in the payments.",
        },
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome, case.method, case.determined_value) == (
        CaseStatus.DECIDED,
        "determined",
        "art3",
        3900,
    )
    assert list(StatusChange.objects.filter(record_type="valuation.case").values_list("to_status", flat=True)) == [
        "evidence_requested", "answered", "decided",
    ]  # fmt: skip
    actions = set(AuditEvent.objects.filter(object_type="valuation.case").values_list("action", flat=True))
    assert {
        "valuation.case_open",
        "valuation.case_request",
        "valuation.case_answer",
        "valuation.case_decide",
    } <= actions

    _token, raw = api_token_create(user=officer_ag, name="t")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/valuation/cases/{case.pk}").json()
    assert body["outcome"] == "determined" and body["method"] == "art3"
    assert "reference_price" not in body and "median" not in body


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_another_administration_sees_nothing_of_a_case(officer_ag, check, make_user, barbados, client_for):
    case = services.case_open(
        actor=officer_ag, check=check, reason="Price far below the supplier's catalogue price list."
    )
    outsider = make_user(role=Role.OFFICER, administration=barbados)
    assert client_for(outsider).get(reverse("valuation:case", args=[case.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.case_decide(actor=outsider, case=case, outcome=Outcome.ACCEPTED, reason="Looks fine to me.")
    assert Case.objects.get().status == CaseStatus.OPEN
    assert Client().get("/valuation/answer/not-a-token/").status_code == 404


def test_the_api_checks_a_line_and_loads_lines(officer_ag, check):
    _token, raw = api_token_create(user=officer_ag, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    line = {"declaration": "X1", "line": "1", "date": timezone.localdate().isoformat(), "hs_code": "851713", "origin": "CN",
            "quantity": "100", "unit": "u", "value": "80", "currency": "USD", "importer": "TIN1"}  # fmt: skip
    answer = api.post(
        "/api/valuation/check", line, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["flagged"] and body["cell"] == "hs6_origin" and body["score"] >= 3
    assert "below the 1st percentile" in body["explanation"]
    bad = api.post(
        "/api/valuation/check",
        {**line, "hs_code": "12"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert "lines.0.hs_code" in bad.content.decode()
    refused = api.post(
        "/api/valuation/lines",
        {"lines": [line, {**line, "line": "2", "origin": "ZZ"}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k3",
    )
    assert refused.status_code == 422 and refused.json()["errors"] == [
        {"field": "lines.1.origin", "message": "origin 'ZZ' is not an ISO 3166 country code"}
    ]
    loaded = api.post(
        "/api/valuation/lines", {"lines": [line]}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k4"
    )
    assert loaded.status_code == 200 and loaded.json()["stored"] == 1
