"""The captain's notification form in real headless Chromium (issue 9, findings 4, 5 and 6), on a
390 px phone and at a desk: nothing wider than the screen, the crew on board, every error in one round
trip, the port's local time, and what was typed kept on the device until the server has it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.clearance.choices import PersonRole
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import person_make, vessel_make
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}

WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName + '#' + el.id + '.' + el.className);
}"""


def sign_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/voyages/")


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_form_fits_keeps_the_crew_on_board_reports_all_errors_and_takes_local_time(
    viewport: dict[str, int], live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User]
) -> None:
    ports_of_entry_seed()
    captain = make_user(email=f"captain-{viewport['width']}@example.org")
    vessel = vessel_make(account=captain, name="Frigate Bird")
    master, _ = person_make(
        account=captain,
        surname="Longname-Featherstonehaugh",
        given_names="Bartholomew Alexander",
        document_number="GB99887766",
    )
    master.rank = "Skipper"
    master.save()
    mate, _ = person_make(account=captain, surname="Mate", document_number="GB11223344")
    base = live_server.url
    page = new_page(viewport=viewport)
    sign_in(page, base, captain)
    page.goto(f"{base}/voyages/new/")

    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert page.input_value(f"#id_role_{master.pk}") == PersonRole.MASTER
    assert page.input_value(f"#id_role_{mate.pk}") == PersonRole.CREW
    # Radio buttons are targets of at least 24 px.
    box = page.locator("input[type=radio]").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24

    # Submitting an arrival with nothing else answered: one round trip names the port, the time, the
    # purpose and the declaration, with the summary in view and focused.
    page.check("input[name=kind][value=arrival]")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    for words in ("Port of entry", "Expected date and time", "Purpose of visit", "firearms"):
        assert words in summary.inner_text(), words
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []

    # The port's local time, typed the way people write it.
    day = (timezone.now() + dt.timedelta(days=4)).date()
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_vessel", str(vessel.pk))
    page.select_option("#id_port", "AGSJO")
    page.fill("#id_expected_at", f"{day:%d/%m/%Y} 09:15")
    page.select_option("#id_purpose", "cruising")
    for name in (
        "is_charter",
        "declares_firearms",
        "declares_currency",
        "declares_alcohol_tobacco",
        "declares_animals",
        "declares_plants_food",
        "declares_goods_for_sale",
        "declares_illness",
    ):
        page.check(f"input[name={name}][value=no]")
    page.click("button[value=submit]")
    page.wait_for_selector("#receipt")
    assert "09:15 (AST, UTC-4)" in page.inner_text("#receipt")
    notification = Notification.objects.get(account=captain)
    assert notification.expected_at == dt.datetime.combine(day, dt.time(13, 15), tzinfo=dt.UTC)


def test_what_was_typed_is_kept_on_the_phone_until_the_server_has_it(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User]
) -> None:
    ports_of_entry_seed()
    captain = make_user(email="captain-local@example.org")
    vessel = vessel_make(account=captain, name="Pelican")
    person_make(account=captain, surname="Solo", document_number="GB10101010")
    base = live_server.url
    page = new_page(viewport=PHONE)
    sign_in(page, base, captain)
    page.goto(f"{base}/voyages/new/")
    page.fill("#id_last_port", "Deshaies")
    page.fill("#id_declaration_details", "Two cats")
    # The signal drops, the page is closed, the captain comes back later: it is all there, with a notice.
    page.goto(f"{base}/voyages/")
    page.goto(f"{base}/voyages/new/")
    assert page.input_value("#id_last_port") == "Deshaies"
    assert page.input_value("#id_declaration_details") == "Two cats"
    assert page.is_visible("[data-restored-notice]")
    # A draft with no port yet is kept on the server as typed (My voyages lists it under Drafts): the
    # server has it, so the phone drops its copy and the next new form starts empty.
    page.click("button[value=draft]")
    page.wait_for_selector("text=Draft saved")
    page.goto(f"{base}/voyages/new/")
    assert page.input_value("#id_last_port") == ""
    assert not page.is_visible("[data-restored-notice]")
    page.fill("#id_last_port", "Deshaies")
    page.select_option("#id_vessel", str(vessel.pk))
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_port", "AGSJO")
    day = (timezone.now() + dt.timedelta(days=4)).date()
    page.fill("#id_expected_at", f"{day:%d/%m/%Y} 09:15")
    page.click("button[value=draft]")
    page.wait_for_selector("text=Draft saved")
    page.goto(f"{base}/voyages/new/")
    assert page.input_value("#id_last_port") == ""
    assert not page.is_visible("[data-restored-notice]")
