"""Errors where the eye is (issue 9, finding 3), in real headless Chromium on a phone and at a desk.

After a failed post the page opens with the error summary at the top in view and focused, so nobody
mistakes a refused post for a saved one; the links in it lead to each field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision, Status
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import notification_make, person_make, vessel_make
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import sign_in_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 412, "height": 915}
DESK = {"width": 1280, "height": 900}


def summary_has_focus_in_view(page: Any) -> bool:
    """The summary has focus and its top is in the upper half of the window, within five seconds.

    Chromium gives `autofocus` its focus at a rendering step, which may come after the load event, so
    the check waits for it as a person looking at the page would, rather than reading it once.
    """
    try:
        page.wait_for_function(
            """() => {
              const summary = document.querySelector('.error-summary');
              if (!summary || document.activeElement !== summary) return false;
              const box = summary.getBoundingClientRect();
              return box.top > -2 && box.top < window.innerHeight / 2;
            }""",
            polling=50,
            timeout=5000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_refused_without_remarks_puts_the_error_summary_at_the_top_with_focus(
    viewport: dict[str, int],
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    operator = make_user(email="skipper-errors@example.org")
    officer = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS)
    notification = notification_make(
        account=operator,
        vessel=vessel_make(account=operator, name="Tern"),
        port="AGSJO",
        status=Status.SUBMITTED,
        expected_at=timezone.now() + dt.timedelta(hours=5),
        people=[person_make(account=operator, surname="Gull", document_number="G7654321")],
    )
    base = live_server.url
    page = new_page(viewport=viewport)
    sign_in_official(page, base, officer)
    page.goto(f"{base}/officer/notifications/{notification.reference}/")
    page.check(f"input[name=decision][value={Decision.REFUSED}]")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()

    # The summary comes right after the heading, before the vessel's details and the decisions table.
    assert page.evaluate(
        """() => {
          const summary = document.querySelector('.error-summary');
          const decisions = document.getElementById('decisions');
          return summary.compareDocumentPosition(decisions) & Node.DOCUMENT_POSITION_FOLLOWING;
        }"""
    )
    assert summary_has_focus_in_view(page)
    assert page.is_visible(".error-summary >> text=Give the reason")
    # Its link leads to the remarks box.
    page.click(".error-summary a[href='#id_remarks']")
    assert page.evaluate("() => document.activeElement.id") == "id_remarks"
    assert Notification.objects.get(pk=notification.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_summary_takes_focus_on_a_shared_form_without_javascript_too(
    viewport: dict[str, int],
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
    chromium_browser: Any,
) -> None:
    """The vessel form (the shared include): with and without JavaScript the summary has focus."""
    operator = make_user(email="skipper-vessel@example.org")
    for javascript in (True, False):
        context = chromium_browser.new_context(viewport=viewport, java_script_enabled=javascript)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", operator.email)
            page.fill("#id_password", "correct horse battery staple")
            page.click("main button[type=submit]")
            page.wait_for_url("**/voyages/")
            page.goto(f"{live_server.url}/vessels/add/")
            page.click("button:has-text('Save vessel')")
            page.wait_for_load_state()
            assert summary_has_focus_in_view(page), javascript
        finally:
            context.close()
