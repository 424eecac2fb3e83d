"""In real headless Chromium: an analyst shares a seizure AMBER with two members; a released member's
officer sees it without personal fields; a third member's officer cannot find it; the owner sees the reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.reference.models import Port
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import sign_in_official

from ..models import AccessLog, Seizure


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_amber_seizure_shared_with_two_members(
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    ports_of_entry_seed()
    antigua, barbados, lucia, kitts = (Administration.objects.get(code=c) for c in ("AG", "BB", "LC", "KN"))
    analyst = make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")
    reader = make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    outsider = make_user(role=Role.OFFICER, administration=kitts, email="officer@kn.example")
    base = live_server.url

    owner_page = new_page(viewport={"width": 1280, "height": 900})
    sign_in_official(owner_page, base, analyst)
    owner_page.click("nav >> text=Intelligence")
    owner_page.click("text=Record a seizure")
    owner_page.fill("#id_occurred_on", "2026-03-14")
    owner_page.select_option("#id_port", str(Port.objects.get(locode="AGSJO").pk))
    owner_page.select_option("#id_detection_method", "dog")
    owner_page.select_option("#id_concealment_method", "hull")
    owner_page.select_option("#id_commodity", "drugs")
    owner_page.fill("#id_description", "cocaine bricks")
    owner_page.fill("#id_quantity", "42")
    owner_page.select_option("#id_unit", "kg")
    owner_page.select_option("#id_route_origin", "VE")
    owner_page.select_option("#id_route_destination", "US")
    owner_page.select_option("#id_conveyance", "vessel")
    owner_page.fill("#id_conveyance_identity", "Blue Heron GB123")
    owner_page.select_option("#id_tlp", "AMBER")
    owner_page.check(f"input[name=released_to][value='{barbados.pk}']")
    owner_page.check(f"input[name=released_to][value='{lucia.pk}']")
    owner_page.fill("#id_person-0-surname", "Moreau")
    owner_page.fill("#id_person-0-given_names", "Jacques")
    owner_page.click("button:has-text('Record seizure')")
    owner_page.wait_for_selector("text=recorded")
    seizure = Seizure.objects.get()
    assert sorted(seizure.released_to.values_list("code", flat=True)) == ["BB", "LC"]
    assert "MOREAU" in owner_page.inner_text("#persons")

    reader_page = new_page()
    sign_in_official(reader_page, base, reader)
    reader_page.goto(f"{base}/intel/")
    reader_page.click(f"text={seizure.reference}")
    body = reader_page.inner_text("main")
    assert "cocaine bricks" in body
    assert "Moreau" not in body and "MOREAU" not in body and "Blue Heron" not in body
    assert reader_page.is_visible("#withheld")

    outsider_page = new_page()
    sign_in_official(outsider_page, base, outsider)
    outsider_page.goto(f"{base}/intel/")
    outsider_page.fill("#id_q", "cocaine")
    outsider_page.click("form[role=search] button")
    assert "No seizure you may see matches" in outsider_page.inner_text("#seizures")
    assert seizure.reference not in outsider_page.content()
    response = outsider_page.goto(f"{base}/intel/seizures/{seizure.reference}/")
    assert response.status == 404

    owner_page.reload()
    log = owner_page.inner_text("#access-log")
    assert log.count("officer@bb.example") == 2  # the list and the detail page
    assert "officer@kn.example" not in log
    assert AccessLog.objects.filter(user_id=outsider.pk).count() == 0
