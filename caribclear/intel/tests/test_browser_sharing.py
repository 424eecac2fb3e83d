"""In real headless Chromium, on a phone and at a desk: each group of boxes of the seizure form has its
question above its boxes, ticking "Antigua and Barbuda" under "Released to" releases the seizure to Antigua
and Barbuda, and the summary says so before saving (live with JavaScript, by "Check" without)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.reference.models import Port
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import sign_in_official

from ..models import Seizure

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _fill_seizure(page: Any) -> None:
    page.fill("#id_occurred_on", "2026-03-14")
    page.select_option("#id_port", str(Port.objects.get(locode="BBBGI").pk))
    page.select_option("#id_detection_method", "dog")
    page.select_option("#id_concealment_method", "hull")
    page.select_option("#id_commodity", "drugs")
    page.fill("#id_description", "cocaine bricks")
    page.fill("#id_quantity", "42")
    page.select_option("#id_unit", "kg")
    page.select_option("#id_conveyance", "vessel")
    page.select_option("#id_tlp", "AMBER")


def _assert_legends_above_their_boxes(page: Any) -> None:
    groups = ["Released to", "Personal data released to", "Treat as personal"]
    previous_bottom = 0.0
    for name in groups:
        group = page.get_by_role("group", name=name, exact=True)
        legend = group.locator("legend").bounding_box()
        boxes = group.get_by_role("checkbox")
        assert boxes.count() > 1
        first, last = boxes.first.bounding_box(), boxes.last.bounding_box()
        fieldset = group.bounding_box()
        # The question sits above the first of its boxes, and every box lies inside its own group, below the
        # previous group: no label can be read as belonging to the list above it.
        assert legend["y"] + legend["height"] <= first["y"] + 1, name
        assert legend["y"] >= previous_bottom - 1, name
        assert (
            fieldset["y"] <= legend["y"]
            and last["y"] + last["height"] <= fieldset["y"] + fieldset["height"] + 1
        )
        previous_bottom = fieldset["y"] + fieldset["height"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_released_to_saves_what_was_ticked_and_the_summary_says_so(
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
    viewport: dict[str, int],
) -> None:
    ports_of_entry_seed()
    barbados = Administration.objects.get(code="BB")
    analyst = make_user(role=Role.SUPERVISOR, administration=barbados, email="analyst@bb.example")
    page = new_page(viewport=viewport)
    sign_in_official(page, live_server.url, analyst)
    page.goto(f"{live_server.url}/intel/seizures/new/")
    _assert_legends_above_their_boxes(page)
    _fill_seizure(page)
    summary = page.locator("#sharing-summary")
    assert "released to nobody yet" in summary.inner_text()

    # Saving AMBER released to nobody is refused beside the boxes, not saved.
    page.click("button:has-text('Record seizure')")
    page.wait_for_selector(".error-summary")
    group = page.get_by_role("group", name="Released to", exact=True)
    assert "released to nobody" in group.inner_text()
    assert not Seizure.objects.exists()

    group.get_by_label("Antigua and Barbuda", exact=True).check()
    # (A locator expectation, not wait_for_function: the page's CSP rightly refuses evaluating strings.)
    expect(page.locator("[data-sharing-lines]")).to_contain_text("Antigua and Barbuda")
    assert "TLP:AMBER: visible to your administration and Antigua and Barbuda." in summary.inner_text()
    assert "none released" in summary.inner_text()
    assert not Seizure.objects.exists()  # the live summary saved nothing
    page.click("button:has-text('Record seizure')")
    page.wait_for_selector("text=recorded")
    seizure = Seizure.objects.get()
    assert list(seizure.released_to.values_list("code", flat=True)) == ["AG"]
    assert not seizure.personal_released_to.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_check_button_shows_the_summary(
    live_server: Any, chromium_browser: Any, make_user: Callable[..., User]
) -> None:
    ports_of_entry_seed()
    barbados = Administration.objects.get(code="BB")
    analyst = make_user(role=Role.SUPERVISOR, administration=barbados, email="analyst@bb.example")
    context = chromium_browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in_official(page, live_server.url, analyst)
        page.goto(f"{live_server.url}/intel/seizures/new/")
        _fill_seizure(page)
        page.get_by_role("group", name="Released to", exact=True).get_by_label("Antigua and Barbuda").check()
        page.click("button:has-text('Check who will see it')")
        page.wait_for_load_state()
        assert page.url.endswith("#sharing-summary")
        assert "visible to your administration and Antigua and Barbuda" in page.inner_text("#sharing-summary")
        assert (
            page.get_by_role("group", name="Released to", exact=True)
            .get_by_label("Antigua and Barbuda")
            .is_checked()
        )
        assert not Seizure.objects.exists()
    finally:
        context.close()
