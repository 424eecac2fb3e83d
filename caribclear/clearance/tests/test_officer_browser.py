"""In real headless Chromium on a phone-sized screen: an officer finds an arrival in the queue, tries to
refuse it without a reason, is shown the error with the choice kept, gives the reason, then revises the
decision to cleared; with immigration's clearance the certificate appears and verifies publicly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import sign_in_official

from ..choices import Decision, Status
from ..models import Notification
from .factories import clearances_make, notification_make, person_make, vessel_make


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_refuses_without_reason_then_clears_on_a_phone(
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    operator = make_user(email="skipper-browser@example.org")
    officer = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS)
    vessel = vessel_make(account=operator, name="Albatross")
    notification = notification_make(
        account=operator,
        vessel=vessel,
        port="AGSJO",
        status=Status.SUBMITTED,
        expected_at=timezone.now() + dt.timedelta(hours=5),
        people=[person_make(account=operator, surname="Gull", document_number="G1234567")],
    )
    base = live_server.url
    page = new_page()
    sign_in_official(page, base, officer)

    page.goto(f"{base}/officer/")
    page.click(f"text={notification.reference}")
    page.wait_for_url(f"**/officer/notifications/{notification.reference}/")
    assert page.is_visible("text=GULL")

    page.check(f"input[name=decision][value={Decision.REFUSED}]")
    page.click("button:has-text('Record decision')")
    assert page.is_visible(".error-summary")
    assert page.is_checked(f"input[name=decision][value={Decision.REFUSED}]")
    page.fill("#id_remarks", "Master not on board at arrival.")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()
    assert page.is_visible("text=Your decision is recorded.")
    notification.refresh_from_db()
    assert notification.status == Status.REFUSED

    # The decision is revised: the form starts from it, the officer changes it to cleared.
    assert page.input_value("#id_remarks") == "Master not on board at arrival."
    page.check(f"input[name=decision][value={Decision.CLEARED}]")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()
    clearances_make(Notification.objects.get(pk=notification.pk), {Agency.IMMIGRATION: Decision.CLEARED})
    Notification.objects.filter(pk=notification.pk).update(status=Status.CLEARED)
    page.reload()
    assert page.is_visible("text=Clearance certificate (PDF)")

    public = new_page()
    public.goto(f"{base}/verify/{notification.verification_token}/")
    assert public.is_visible("text=This clearance certificate is valid.")
    assert not public.is_visible("text=GULL")
