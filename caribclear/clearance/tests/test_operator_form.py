"""The captain's notification form (issue 9, findings 4, 6, 9 and 13): every error in one round trip,
the crew on board by default, drafts with whatever is filled, a receipt, warnings while filing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ..choices import PersonRole
from .factories import screen
from .operator_fixtures import crew_fixture  # noqa: F401
from .test_operator_views import form_data

pytestmark = pytest.mark.django_db


def test_the_form_reports_every_error_at_once(crew, client_for):
    """Time missing, the declaration unanswered, no master and no purpose: one post names them all."""
    master, mate = crew.master[0], crew.mate[0]
    data = form_data(
        crew,
        expected_at="",
        purpose="",
        **{f"role_{master.pk}": PersonRole.CREW, f"role_{mate.pk}": PersonRole.CREW},
    )
    for name in [key for key in data if key.startswith("declares_")]:
        del data[name]
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "expected_at" in form.errors
    assert "declares_firearms" in form.errors
    assert "purpose" in form.errors
    assert any("master" in error for error in form.non_field_errors())
    page = response.content.decode()
    assert page.count('class="error-summary"') == 1
    assert "Say who is the master (captain)." in page
    assert "Choose the purpose of the visit." in page


def test_crew_on_the_list_start_on_board_and_passengers_do_not(crew, client_for):
    from caribclear.vessels.choices import PersonCategory

    from .factories import person_make

    master = crew.master[0]
    master.rank = "Master"
    master.save()
    guest, _document = person_make(account=crew.operator, surname="Guest", document_number="GB5550001")
    guest.category = PersonCategory.PASSENGER
    guest.save()
    form: Any = client_for(crew.operator).get(reverse("clearance:notification_new")).context["form"]
    assert form[f"role_{master.pk}"].value() == PersonRole.MASTER
    assert form[f"role_{crew.mate[0].pk}"].value() == PersonRole.CREW
    assert form[f"role_{guest.pk}"].value() == ""


def test_captains_type_the_ports_local_time_and_see_it_with_its_zone(crew, client_for):
    """St. John's keeps Atlantic Standard Time (UTC-4): 14:30 typed there is 18:30 UTC."""
    import datetime as dt

    from django.utils import timezone

    from ..models import Notification

    day = (timezone.now() + dt.timedelta(days=3)).date()
    typed = f"{day:%d/%m/%Y} 14:30"
    client = client_for(crew.operator)
    response = client.post(reverse("clearance:notification_new"), form_data(crew, expected_at=typed))
    assert response.status_code == 302, response.context["form"].errors
    notification = Notification.objects.get(account=crew.operator)
    assert notification.expected_at == dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
    page = client.get(response["Location"]).content.decode()
    assert "14:30 (AST, UTC-4)" in page
    # Changing it, the form gives back the time as typed and says whose clock it is.
    change = client.get(reverse("clearance:notification_change", args=[notification.reference]))
    assert change.context["form"]["expected_at"].value() == typed
    assert "Local time at St. John&#x27;s (AST, UTC-4)." in change.content.decode()


def test_the_port_list_gives_each_port_its_zone_under_its_administration(crew, client_for):
    page = client_for(crew.operator).get(reverse("clearance:notification_new")).content.decode()
    assert '<optgroup label="Antigua and Barbuda">' in page
    assert "St. John&#x27;s (AGSJO), AST, UTC-4" in page


def test_a_time_without_a_port_is_not_guessed(crew, client_for):
    response = client_for(crew.operator).post(
        reverse("clearance:notification_new"), form_data(crew, port="", expected_at="24/12/2026 14:30")
    )
    form = response.context["form"]
    assert "port" in form.errors and "expected_at" not in form.cleaned_data


def test_submitting_sends_a_receipt_in_the_captains_language_and_the_page_opens_as_the_receipt(
    crew, client_for, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ..models import Notification

    crew.operator.language = "es"
    crew.operator.save()
    client = client_for(crew.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clearance:notification_new"), form_data(crew))
    notification = Notification.objects.get(account=crew.operator)
    receipts = [m for m in mail.outbox if notification.reference in m.subject]
    assert len(receipts) == 1
    body = receipts[0].body
    assert receipts[0].extra_headers["Content-Language"] == "es"
    assert notification.reference in body and "AGSJO" in body and "(AST, UTC-4)" in body
    assert "Antigua y Barbuda" in receipts[0].subject
    page = client.get(response["Location"]).content.decode()
    assert 'id="receipt"' in page and notification.reference in page
    # Once: the notification's page is the ordinary page the next time.
    assert 'id="receipt"' not in client.get(response["Location"]).content.decode()


def test_a_draft_shows_documents_that_expire_before_the_voyage_and_a_cleared_one_does_not(
    crew, client_for, officer, make_user, antigua
):
    import datetime as dt

    from caribclear.accounts.choices import Agency, Role

    from .. import services
    from ..choices import Decision

    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=False
    )
    document = crew.mate[1]
    document.expiry_date = notification.expected_at.date() - dt.timedelta(days=1)
    document.save()
    client = client_for(crew.operator)
    change = client.get(reverse("clearance:notification_change", args=[notification.reference]))
    page = change.content.decode()
    assert 'id="document-warnings"' in page and document.number in page
    assert "expired on the day of the voyage" in page
    # A passport expiring within six months of the voyage is a warning too.
    document.expiry_date = notification.expected_at.date() + dt.timedelta(days=60)
    document.save()
    page = client.get(
        reverse("clearance:notification_change", args=[notification.reference])
    ).content.decode()
    assert "expires within six months of the voyage" in page

    document.expiry_date = notification.expected_at.date() - dt.timedelta(days=1)
    document.save()
    notification = screen(services.notification_submit(actor=crew.operator, notification=notification))
    detail = reverse("clearance:notification_detail", args=[notification.reference])
    assert "will have expired by the expected date" in client.get(detail).content.decode()
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    assert "will have expired by the expected date" not in client.get(detail).content.decode()
