"""The passenger list story in real headless Chromium: a carrier uploads a PAXLST file; an officer of the
arrival administration sees the flight, a passenger with a watchlist hit and the reason, and records the
disposition; an officer of another member cannot find the flight."""

from __future__ import annotations

import pytest

from caribclear.accounts.choices import Role
from caribclear.passengers.models import TravelList
from caribclear.passengers.services import carrier_create
from caribclear.reference.services import ports_of_entry_seed
from caribclear.screening.models import Hit
from caribclear.screening.services import lookout_create
from caribclear.tests.browser import TEST_PASSWORD, sign_in_official

from .factories import ANA, IVAN, JOHN, paxlst

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def slow_machine(page):
    """Two cores shared with other work: give each step a minute."""
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    return page


def test_a_carrier_uploads_a_paxlst_and_the_arrival_officer_disposes_of_a_hit(
    new_page, live_server, settings, make_user, barbados, antigua, tmp_path
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ports_of_entry_seed()
    base = live_server.url
    operator = make_user(role=Role.OPERATOR, email="ops@bw.example")
    carrier_create(actor=None, name="Caribbean Airlines", code="BW", kind="airline", administrator=operator)
    supervisor = make_user(role=Role.SUPERVISOR, administration=barbados, email="sup@bb.example")
    lookout_create(
        actor=supervisor,
        kind="Person",
        name="Ivan Petrov",
        reason="Wanted for questioning about a cocaine shipment",
        birth_date="1980-02-15",
        document_numbers="750012345",
    )
    officer = make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    stranger = make_user(role=Role.OFFICER, administration=antigua, email="officer@ag.example")
    file = tmp_path / "BW484.edi"
    file.write_bytes(paxlst([ANA, JOHN, IVAN]))

    # The carrier sends the file from its page.
    page = slow_machine(new_page())
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", operator.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()
    page.click("nav >> text=Passenger lists")
    page.click("text=Send a list")
    page.set_input_files("#id_file", str(file))
    page.click("button:has-text('Send')")
    page.wait_for_selector("h1:has-text('BW 484')")
    assert "3 passengers, 0 crew" in page.content()
    reference = TravelList.objects.get().reference
    page.close()

    # The officer of Barbados sees the flight, the passenger with the hit and why, and decides.
    page = slow_machine(new_page())
    sign_in_official(page, base, officer)
    page.click("nav >> text=Passenger lists")
    page.click("a:has-text('BW 484')")
    page.wait_for_selector(f"h1:has-text('{reference}')")
    page.click("text=PETROV, IVAN")
    page.wait_for_selector("h1:has-text('PETROV, IVAN')")
    assert "Wanted for questioning about a cocaine shipment" in page.content()
    assert "750012345" in page.content()
    page.select_option("select[name=disposition]", "true_match")
    page.fill("input[name=note]", "Same passport number and date of birth; held for questioning")
    page.click("button:has-text('Record disposition')")
    page.wait_for_selector("text=Same passport number and date of birth")
    assert Hit.objects.get().disposition == "true_match"
    assert "PETROV, IVAN" in page.content()
    page.close()

    # An officer of Antigua cannot find it.
    page = slow_machine(new_page())
    sign_in_official(page, base, stranger)
    page.click("nav >> text=Passenger lists")
    assert "BW 484" not in page.content()
    response = page.goto(f"{base}/passengers/lists/{reference}/")
    assert response is not None and response.status == 404
