"""Clearance certificates, crew lists and the public verification page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2
import pytest
import segno
import zxingcpp
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Agency
from caribclear.accounts.models import User
from caribclear.clearance.choices import Decision, Status
from caribclear.clearance.documents import verification_qr, verification_url
from caribclear.clearance.models import Notification
from caribclear.core.models import AuditEvent

from .factories import clearances_make, notification_make, person_make, vessel_make

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cleared_at(ports: None, operator: User) -> Callable[..., Notification]:
    """A cleared arrival at a port (UN/LOCODE) with two people on board and two agency decisions."""

    def build(locode: str = "AGSJO", status: str = Status.CLEARED, imo_number: str = "") -> Notification:
        vessel = vessel_make(
            account=operator,
            name="Morning Star",
            flag="GB",
            registration_number="SSR 12345",
            mmsi="235000777",
            imo_number=imo_number,
        )
        notification = notification_make(
            account=operator,
            vessel=vessel,
            port=locode,
            status=status,
            expected_at=timezone.now() - dt.timedelta(hours=3),
            people=[
                person_make(
                    account=operator, surname="Keel", given_names="Morgan", document_number="K0000001"
                ),
                person_make(
                    account=operator, surname="Rudder", given_names="Sam", document_number="R0000002"
                ),
            ],
        )
        clearances_make(
            notification, {Agency.CUSTOMS: Decision.CLEARED, Agency.IMMIGRATION: Decision.CLEARED}
        )
        return notification

    return build


def test_certificate_pdf_has_vessel_port_date_reference_and_decisions(
    operator: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    response = client_for(operator).get(reverse("documents:certificate", args=[notification.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "Clearance certificate",
        notification.reference,
        "Morning Star",
        "SSR 12345",
        "St. John's (AGSJO)",
        "Antigua and Barbuda",
        "Customs",
        "Immigration",
        "Cleared",
        str(timezone.localtime(notification.expected_at).year),
    ):
        assert expected in text, expected
    # The certificate carries no personal data of the people on board, only how many there are.
    assert "Keel" not in text and "K0000001" not in text
    # English only for an English-speaking member: no "label / label".
    assert "United Kingdom" in text and " / United Kingdom" not in text
    # A yacht without an IMO number (most of them) has no such line.
    assert "235000777" in text and "IMO" not in text


def test_certificate_lists_the_imo_number_of_a_vessel_that_has_one(
    operator: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at("DOSDQ", imo_number="9074729")
    response = client_for(operator).get(reverse("documents:certificate", args=[notification.reference]))
    text = " ".join(pdf_text(response.content).split())
    assert "Número IMO IMO number IMO 9074729" in text


@pytest.mark.parametrize(
    ("locode", "local_flag"),
    [("DOSDQ", "Reino Unido"), ("MQFDF", "Royaume-Uni"), ("SRPBM", "Verenigd Koninkrijk")],
)
def test_certificate_is_in_the_administrations_language_and_english(
    locode: str,
    local_flag: str,
    operator: User,
    client_for: Callable[[User], Client],
    cleared_at: Callable[..., Notification],
) -> None:
    notification = cleared_at(locode)
    response = client_for(operator).get(reverse("documents:certificate", args=[notification.reference]))
    text = pdf_text(response.content)
    # Every value that has a translation is printed in the local language and in English.
    assert f"{local_flag} — SSR 12345 / United Kingdom — SSR 12345" in " ".join(text.split())


def test_certificate_qr_code_encodes_the_verification_url(cleared_at: Callable[..., Notification]) -> None:
    notification = cleared_at()
    url = verification_url(notification)
    assert url == settings.SITE_URL + f"/verify/{notification.verification_token}/"
    assert verification_qr(notification).matrix == segno.make(url, error="m", micro=False).matrix
    assert verification_qr(notification).error in ("M", "Q", "H")


def test_the_qr_code_printed_on_the_certificate_decodes_to_the_verification_url(
    operator: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at("MQFDF")
    content = (
        client_for(operator).get(reverse("documents:certificate", args=[notification.reference])).content
    )
    image = pypdfium2.PdfDocument(content)[0].render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [verification_url(notification)]


def test_certificate_prints_the_verification_address(
    operator: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    content = (
        client_for(operator).get(reverse("documents:certificate", args=[notification.reference])).content
    )
    assert verification_url(notification) in "".join(pdf_text(content).split())


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_PROGRESS, Status.REFERRED, Status.REFUSED])
def test_documents_exist_only_once_cleared(
    status: str,
    operator: User,
    officer: User,
    client_for: Callable[[User], Client],
    cleared_at: Callable[..., Notification],
) -> None:
    notification = cleared_at(status=status)
    for user in (operator, officer):
        client = client_for(user)
        for name in ("documents:certificate", "documents:crew_list", "documents:crew_list_pdf"):
            assert client.get(reverse(name, args=[notification.reference])).status_code == 404


def test_officials_of_the_administration_get_the_certificate(
    officer: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    response = client_for(officer).get(reverse("documents:certificate", args=[notification.reference]))
    assert response.status_code == 200
    assert notification.reference in pdf_text(response.content)


def test_crew_list_page_prints_people_and_documents(
    operator: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    response = client_for(operator).get(reverse("documents:crew_list", args=[notification.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "KEEL" in page and "K0000001" in page and "RUDDER" in page and "R0000002" in page
    # The print layout is in a stylesheet of its own (the Content-Security-Policy allows no inline style).
    assert "caribclear/crew_list.css" in page
    stylesheet = finders.find("caribclear/crew_list.css")
    assert stylesheet and "@media print" in Path(stylesheet).read_text()
    # The master (Keel) comes first, whatever the alphabet says.
    assert page.index("KEEL") < page.index("RUDDER")
    assert reverse("documents:crew_list_pdf", args=[notification.reference]) in page
    # An operator reading their own crew list is not an official viewing travel documents.
    assert not AuditEvent.objects.filter(action="travel_document.view").exists()


@pytest.mark.parametrize("variant", ["query", "path"])
def test_crew_list_pdf(
    variant: str, officer: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    if variant == "query":
        url = reverse("documents:crew_list", args=[notification.reference]) + "?format=pdf"
    else:
        url = reverse("documents:crew_list_pdf", args=[notification.reference])
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "KEEL" in text and "K0000001" in text and "R0000002" in text and "Morning Star" in text
    # Two travel documents shown to an official: two audit events.
    events = AuditEvent.objects.filter(action="travel_document.view", actor=officer)
    assert events.count() == 2


def test_crew_list_page_viewed_by_an_official_is_audited(
    officer: User, client_for: Callable[[User], Client], cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    client_for(officer).get(reverse("documents:crew_list", args=[notification.reference]))
    events = AuditEvent.objects.filter(action="travel_document.view")
    assert {int(e.object_id) for e in events} == {p.document_id for p in notification.people_on_board.all()}


def test_verification_page_says_valid_without_personal_data(
    client: Client,
    operator: User,
    cleared_at: Callable[..., Notification],
    django_assert_max_num_queries: Any,
) -> None:
    notification = cleared_at()
    with django_assert_max_num_queries(1):
        response = client.get(reverse("documents:verify", args=[notification.verification_token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "VALID" in page and "NOT VALID" not in page
    assert 'content="noindex' in page
    assert notification.reference in page and "Morning Star" in page and "St. John&#x27;s" in page
    for personal in (
        "Keel",
        "KEEL",
        "Morgan",
        "K0000001",
        "Rudder",
        "R0000002",
        operator.email,
        "Skipper",
        "Ana",
    ):
        assert personal not in page, personal


@pytest.mark.parametrize("status", [Status.REFUSED, Status.CANCELLED, Status.REFERRED, Status.IN_PROGRESS])
def test_verification_page_says_not_valid_once_the_clearance_is_gone(
    status: str, client: Client, cleared_at: Callable[..., Notification]
) -> None:
    notification = cleared_at()
    Notification.objects.filter(pk=notification.pk).update(status=status)
    response = client.get(reverse("documents:verify", args=[notification.verification_token]))
    assert response.status_code == 200
    assert "NOT VALID" in response.content.decode()


def test_verification_page_for_an_unknown_code_is_not_valid_and_404(client: Client, db: Any) -> None:
    response = client.get(reverse("documents:verify", args=["no-such-token"]))
    assert response.status_code == 404
    assert "NOT VALID" in response.content.decode()


def test_verification_of_a_draft_is_unknown(client: Client, ports: None, operator: User) -> None:
    draft = notification_make(
        account=operator, vessel=vessel_make(account=operator), port="AGSJO", status=Status.DRAFT
    )
    response = client.get(reverse("documents:verify", args=[draft.verification_token]))
    assert response.status_code == 404
