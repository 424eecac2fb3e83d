"""A carrier without a system types its list in real headless Chromium, on a phone and at a desk: a mistake
is shown beside its field and in the summary at the top, what was typed stays, more rows can be added, and
the list is filed. Every state of the page passes axe-core."""

from __future__ import annotations

import pytest

from caribclear.accounts.choices import Role
from caribclear.passengers.models import TravelList
from caribclear.passengers.services import carrier_create
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import TEST_PASSWORD
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 412, "height": 915}
DESK = {"width": 1366, "height": 900}


def type_person(page, row: int, surname: str, given: str, born: str, number: str) -> None:
    page.fill(f"#id_people-{row}-surname", surname)
    page.fill(f"#id_people-{row}-given_names", given)
    page.fill(f"#id_people-{row}-date_of_birth", born)
    page.fill(f"#id_people-{row}-nationality", "TTO")
    page.fill(f"#id_people-{row}-document_number", number)
    page.fill(f"#id_people-{row}-document_issuing_state", "TTO")
    page.fill(f"#id_people-{row}-document_expiry", "2031-01-01")


@pytest.mark.parametrize(("viewport", "flight"), [(PHONE, "BW484"), (DESK, "BW486")], ids=["phone", "desk"])
def test_a_carrier_types_a_list_on_a_phone_and_at_a_desk(
    new_page, live_server, settings, make_user, barbados, viewport, flight
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ports_of_entry_seed()
    script = axe_script()
    operator = make_user(role=Role.OPERATOR, email="ops@bw.example")
    carrier_create(actor=None, name="Caribbean Airlines", code="BW", kind="airline", administrator=operator)

    page = new_page(viewport=viewport)
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    prepare(page, script)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", operator.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()
    page.goto(f"{base}/passengers/")
    page.click("text=Type a list")
    page.wait_for_selector("h1:has-text('Type a passenger or crew list')")
    assert violations_on(page, script) == []

    page.fill("#id_number", flight)
    page.fill("#id_departure_port", "POS")
    page.fill("#id_departure_date", "2026-12-24")
    page.fill("#id_departure_time", "10:00")
    page.fill("#id_arrival_port", "BGI")
    page.fill("#id_arrival_date", "2026-12-24")
    page.fill("#id_arrival_time", "11:00")
    type_person(page, 0, "Garcia", "Ana", "1990-03-04", "TT1234567")
    page.fill("#id_people-1-surname", "Joseph")  # the rest of the row forgotten
    page.click("button:has-text('Send the list')")
    page.wait_for_selector(".error-summary")
    summary = page.inner_text(".error-summary")
    assert "Person 2, Date of birth" in summary and "Person 2, Document number" in summary
    assert page.input_value("#id_people-0-document_number") == "TT1234567"
    assert page.input_value("#id_people-1-surname") == "Joseph"
    assert violations_on(page, script) == []
    page.click(".error-summary a:has-text('Person 2, Date of birth')")
    assert page.evaluate("document.activeElement.id") == "id_people-1-date_of_birth"

    page.click("button:has-text('more rows')")
    page.wait_for_selector("#id_people-7-surname")
    assert page.locator(".error-summary").count() == 0
    assert page.input_value("#id_people-0-surname") == "Garcia"
    assert violations_on(page, script) == []

    type_person(page, 1, "Joseph", "Marc", "1985-07-08", "TT7654321")
    type_person(page, 6, "Charles", "Lea", "2001-11-12", "TT1111111")
    page.click("button:has-text('Send the list')")
    page.wait_for_selector(f"h1:has-text('BW {flight[2:]}')")
    assert violations_on(page, script) == []
    travel_list = TravelList.objects.get()
    assert travel_list.administration == barbados
    assert sorted(travel_list.travellers.values_list("surname", flat=True)) == ["CHARLES", "GARCIA", "JOSEPH"]
