"""In real headless Chromium on a phone-sized screen: a skipper files an arrival, forgets a question of the
declaration, sees the error with everything typed kept, answers it and submits; then amends it."""

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
from ..models import Notification
from .factories import person_make, vessel_make

PASSWORD = "correct horse battery staple"
QUESTIONS = [
    "is_charter",
    "declares_firearms",
    "declares_currency",
    "declares_alcohol_tobacco",
    "declares_animals",
    "declares_plants_food",
    "declares_goods_for_sale",
    "declares_illness",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_skipper_files_an_arrival_on_a_phone(
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    # A transactional test may start after another one's flush emptied the seeded members: seed again.
    seed_members(Administration)
    ports_of_entry_seed()
    skipper = make_user(email="ana-browser@example.org", first_name="Ana")
    vessel_make(account=skipper, name="Albatross")
    master, _passport = person_make(account=skipper, surname="Skipper", given_names="Ana")
    deckhand, _ = person_make(account=skipper, surname="Hand", given_names="Deck")
    base = live_server.url
    page = new_page()

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", skipper.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_url("**/voyages/")

    page.click("text=New notification")
    page.wait_for_url("**/voyages/new/")
    page.select_option("#id_vessel", index=1)
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_port", "AGSJO")
    expected = (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_expected_at", expected)
    page.fill("#id_last_port", "Le Marin")
    page.select_option("#id_last_port_country", "MQ")
    page.select_option("#id_purpose", "cruising")
    page.select_option(f"#id_role_{master.pk}", PersonRole.MASTER)
    page.select_option(f"#id_role_{deckhand.pk}", PersonRole.CREW)
    for name in QUESTIONS[:-1]:  # the last question is forgotten
        page.check(f"input[name={name}][value=no]")
    page.click("button:has-text('Submit notification')")
    page.wait_for_load_state()

    assert page.is_visible(".error-summary")
    assert page.is_visible("text=Answer yes or no.")
    assert page.input_value("#id_last_port") == "Le Marin"
    assert page.input_value("#id_expected_at") == expected
    assert page.input_value(f"#id_role_{deckhand.pk}") == PersonRole.CREW
    assert not Notification.objects.exists()
    if os.environ.get("CARIBCLEAR_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["CARIBCLEAR_SCREENSHOTS"], "operator-form-error.png"), full_page=True
        )

    page.check("input[name=declares_illness][value=no]")
    page.click("button:has-text('Submit notification')")
    page.wait_for_load_state()
    notification = Notification.objects.get()
    assert notification.status == Status.SUBMITTED
    assert page.is_visible(f"text=Your reference is {notification.reference}")
    if os.environ.get("CARIBCLEAR_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["CARIBCLEAR_SCREENSHOTS"], "operator-detail.png"), full_page=True
        )

    page.click("a.button:has-text('Amend')")
    page.fill("#id_last_port", "Deshaies")
    page.select_option("#id_last_port_country", "GP")
    page.click("button:has-text('File amendment')")
    page.wait_for_load_state()
    assert page.is_visible("text=this is now version 2")
    assert page.is_visible("text=Le Marin → Deshaies")
