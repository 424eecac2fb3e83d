"""The smaller points of issue 9 (finding 13), each as a user would notice it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_countries import countries

from caribclear.accounts.choices import Agency, Role

from .. import services
from ..choices import Decision
from .operator_fixtures import crew_fixture  # noqa: F401
from .test_documents import pdf_text
from .test_operator_views import submitted

pytestmark = pytest.mark.django_db


def _cleared(crew, officer, make_user, antigua):
    notification = submitted(crew)
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    return notification


def test_the_certificate_names_the_master_and_writes_the_time_with_its_zone(
    crew, client_for, officer, make_user, antigua
):
    notification = _cleared(crew, officer, make_user, antigua)
    response = client_for(crew.operator).get(reverse("documents:certificate", args=[notification.reference]))
    text = " ".join(pdf_text(response.content).split())
    assert "Master Ana SKIPPER" in text
    assert "(AST, UTC-4)" in text


def test_the_crew_list_has_a_way_back_and_its_pdf_signature_lines(
    crew, client_for, officer, make_user, antigua
):
    notification = _cleared(crew, officer, make_user, antigua)
    client = client_for(crew.operator)
    page = client.get(reverse("documents:crew_list", args=[notification.reference])).content.decode()
    assert f'href="{reverse("clearance:notification_detail", args=[notification.reference])}"' in page
    assert f"Back to {notification.reference}" in page
    text = pdf_text(client.get(reverse("documents:crew_list_pdf", args=[notification.reference])).content)
    assert "Signature of the master" in text and "Signature and stamp of the officer" in text
    # Dates in the language's one short format, not ISO.
    assert "01/01/1980" in text or "/1980" in text
    assert "1980-01-" not in text


def test_page_titles_are_separated_from_the_site_name(crew, client_for):
    page = client_for(crew.operator).get(reverse("clearance:home")).content.decode()
    assert "<title>My voyages — CaribClear</title>" in page


def test_nauru_and_the_netherlands_by_their_common_names():
    assert countries.name("NR") == "Nauru"
    assert countries.name("NL") == "Netherlands"
    with translation.override("nl"):
        assert countries.name("NL") == "Nederland"


def test_administration_names_in_the_readers_language(antigua):
    assert antigua.display_name == "Antigua and Barbuda"
    with translation.override("es"):
        assert str(antigua) == "Antigua y Barbuda"


def test_my_voyages_lists_the_nearest_date_first(crew, client_for):
    now = timezone.now()
    soon = submitted(crew, expected_at=now + dt.timedelta(days=2))
    later = submitted(crew, expected_at=now + dt.timedelta(days=40))
    page = client_for(crew.operator).get(reverse("clearance:home")).content.decode()
    assert page.index(soon.reference) < page.index(later.reference)


def test_the_vessel_forms_required_fields_are_marked(crew, client_for):
    page = client_for(crew.operator).get(reverse("vessels:vessel_create")).content.decode()
    assert "Fields marked * are required." in page
    assert 'Vessel name <span class="required-mark" aria-hidden="true">*</span>' in page
