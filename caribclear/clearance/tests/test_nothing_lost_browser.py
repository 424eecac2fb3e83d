"""Issue 9, point 6, in real headless Chromium on a phone and at a desk: the captain is signed out in
another tab while filling in a notification, presses "Save as draft", signs in again and finds the
draft saved with whatever was filled (no port or time yet), continues it and finishes it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.members import seed_members
from caribclear.accounts.models import Administration, User
from caribclear.reference.services import ports_of_entry_seed

from ..choices import PersonRole, Status
from ..models import Notification, UnfinishedNotification
from .factories import person_make, vessel_make

PASSWORD = "correct horse battery staple"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
SHOTS = os.environ.get("CARIBCLEAR_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sign_in(page: Any, user: User) -> None:
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_signed_out_in_another_tab_the_draft_is_still_saved(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], size: str
) -> None:
    seed_members(Administration)
    ports_of_entry_seed()
    skipper = make_user(email=f"lapse-{size}@example.org", first_name="Ana")
    vessel = vessel_make(account=skipper, name="Albatross")
    master, _passport = person_make(account=skipper, surname="Skipper", given_names="Ana")
    base = live_server.url
    page = new_page(viewport=SIZES[size])
    page.goto(f"{base}/accounts/login/")
    _sign_in(page, skipper)
    page.goto(f"{base}/voyages/new/")
    page.select_option("#id_vessel", str(vessel.pk))
    page.fill("#id_last_port", "Rodney Bay")
    page.select_option(f"#id_role_{master.pk}", PersonRole.MASTER)
    page.check("input[name=is_charter][value=no]")
    # Radio buttons are big enough to hit with a thumb (issue 9, point 13: they were 13 px).
    box = page.locator("input[name=is_charter][value=no]").bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24

    # Another tab signs out (the session ends), then the first tab saves its draft.
    other = page.context.new_page()
    other.goto(f"{base}/voyages/")
    other.click("button:has-text('Sign out')")
    other.wait_for_load_state()
    other.close()
    page.click("button:has-text('Save as draft')")
    page.wait_for_url("**/accounts/login/**")
    assert page.is_visible("text=Your session had ended")
    _shot(page, f"lapse-{size}-1-login")
    _sign_in(page, skipper)
    page.wait_for_url("**/voyages/")
    _shot(page, f"lapse-{size}-2-saved")
    assert page.is_visible("text=Draft saved.")
    kept = UnfinishedNotification.objects.get(account=skipper)
    assert kept.value("last_port") == "Rodney Bay"
    assert page.is_visible("text=Still needs:")

    # Continue it: everything typed is back; give the port and time, and it becomes a draft notification.
    page.click("a:has-text('Continue')")
    page.wait_for_url("**/voyages/new/?unfinished=*")
    assert page.input_value("#id_last_port") == "Rodney Bay"
    assert page.input_value(f"#id_role_{master.pk}") == PersonRole.MASTER
    assert page.is_checked("input[name=is_charter][value=no]")
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_port", "AGSJO")
    page.fill("#id_expected_at", (timezone.now() + dt.timedelta(days=3)).strftime("%d/%m/%Y 14:30"))
    page.click("button:has-text('Save as draft')")
    page.wait_for_url("**/voyages/*/")
    _shot(page, f"lapse-{size}-3-draft")
    draft = Notification.objects.get(account=skipper)
    assert (draft.status, draft.last_port, draft.is_charter) == (Status.DRAFT, "Rodney Bay", False)
    assert not UnfinishedNotification.objects.exists()
    assert page.is_visible(f"text=Draft saved as {draft.reference}")
