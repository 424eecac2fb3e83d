"""Issue 9, findings 1 and 11 walked in French and Spanish too, in real headless Chromium at a desk: the hold
banner, the refused "cleared" with its reason in the error summary, and the criteria editor's add button
and error summary speak the official's language (never the English), and each page passes axe-core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.reference.services import ports_of_entry_seed
from caribclear.risk.services import declaration_check
from caribclear.screening.tests.helpers import traveller, voyage
from caribclear.tests.browser import sign_in_official
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on

from .test_hits_browser import _sanctions

DESK = {"width": 1366, "height": 900}


def _t(language: str, english: str) -> str:
    """What the reader sees for an English wording, in their language (never the English itself)."""
    with translation.override(language):
        text = gettext(english)
    assert text != english, f"{english!r} is not translated into {language}"
    return text


def _signed_in(new_page: Callable[..., Any], base: str, user: User, language: str) -> Any:
    """Signed in on an English browser; the pages after follow the account's own language. axe-core goes
    in as an init script (the pages' CSP refuses an injected script tag)."""
    page = new_page(viewport=DESK, locale="en-GB")
    prepare(page, axe_script())
    sign_in_official(page, base, user)
    user.language = language
    user.save(update_fields=["language"])
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_hold_banner_and_the_refused_clearance_in_french(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    operator = make_user(email="agent-fr@example.org")
    officer = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS)
    _sanctions(tmp_path)
    kony = voyage(
        account=operator,
        people=[traveller(account=operator, surname="Kony", given_names="Joseph", born=dt.date(1961, 9, 18))],
        expected_in_days=1,
    )
    declaration_check(declaration_id=declaration_of(kony).pk)
    script = axe_script()
    page = _signed_in(new_page, live_server.url, officer, "fr")

    page.goto(f"{live_server.url}/officer/notifications/{kony.reference}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    banner = page.locator(".hold-banner")
    assert _t("fr", "Clearance on hold: watchlist hits") in banner.inner_text()
    assert banner.bounding_box()["y"] < DESK["height"], "the banner is on the first screen"
    assert violations_on(page, script) == []

    page.check(f"input[name=decision][value={Decision.CLEARED}]")
    page.click(f"button:has-text('{_t('fr', 'Record decision')}')")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    with translation.override("fr"):
        reason = gettext(
            "%(count)d watchlist hit is not reviewed yet: record whether it is a true match or a false "
            "positive, with a note, before clearing."
        ) % {"count": 1}
    assert reason in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert violations_on(page, script) == []
    assert not Notification.objects.get(pk=kony.pk).clearances.filter(decision=Decision.CLEARED).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_criteria_editor_in_spanish(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User]
) -> None:
    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua, agency=Agency.CUSTOMS)
    script = axe_script()
    page = _signed_in(new_page, live_server.url, supervisor, "es")
    page.goto(f"{live_server.url}/risk/criteria/new/?kind=clearance.notification")
    assert page.locator("html").get_attribute("lang") == "es"
    page.fill("#id_name", "Pasaportes a punto de caducar")
    page.fill("#id_documentation", "Avisar a inmigración: se exigen seis meses de validez.")
    page.select_option("#id_c-0-field", "document_days_valid")
    page.select_option("#id_c-0-operator", "lt")
    page.fill("#id_c-0-values", "seis meses")

    page.click(f"button:has-text('{_t('es', 'Add a condition')}')")
    page.wait_for_load_state()
    assert page.locator("fieldset.condition").count() == 2
    assert page.input_value("#id_name") == "Pasaportes a punto de caducar"
    page.click(f"button:has-text('{_t('es', 'Save')}')")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert _t("es", "There is a problem") in text and _t("es", "Give numbers, e.g. 24 or 0.85.") in text
    assert "Give numbers" not in text
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert violations_on(page, script) == []
