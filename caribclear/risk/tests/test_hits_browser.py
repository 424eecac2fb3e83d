"""In real headless Chromium, on a phone (390x844) and at a desk (1366x900): issue 9 findings 1 and 11.

1. A crew member on a sanctions list: the queue shows the vessel first, red, with a hit to review; the
   notification page opens with the hold banner at the top; "cleared" is refused with the reason in the
   error summary, which takes the focus; the review starts with nothing chosen; after a review with a note
   the officer can clear.
11. The criteria editor: conditions are added and removed; an error is summarised at the top (focused) and
   shown in its condition's own row, the boxes staying where they were; nothing overflows a phone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Decision
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.reference.services import ports_of_entry_seed
from caribclear.risk.models import Criterion
from caribclear.risk.services import declaration_check
from caribclear.screening.choices import SourceFormat
from caribclear.screening.services import watchlist_create, watchlist_import
from caribclear.screening.tests.helpers import traveller, voyage
from caribclear.tests.browser import sign_in_official

SIZES = [
    pytest.param({"width": 390, "height": 844}, id="phone"),
    pytest.param({"width": 1366, "height": 900}, id="desk"),
]


def _sanctions(tmp_path: Path) -> None:
    path = tmp_path / "sanctions.ftm.json"
    entity = {
        "id": "un-cfi-009",
        "schema": "Person",
        "properties": {"name": ["Joseph KONY"], "birthDate": ["1961-09-18"], "topics": ["sanction"]},
    }
    path.write_text(json.dumps(entity) + "\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="UN consolidated", source_format=SourceFormat.FTM, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", SIZES)
def test_a_sanctions_hit_holds_the_clearance_until_reviewed(
    viewport: dict[str, int],
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    operator = make_user(email="agent-browser@example.org")
    officer = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS)
    _sanctions(tmp_path)
    quiet = voyage(
        account=operator,
        people=[traveller(account=operator, surname="Lindqvist", given_names="Ebba", sex="F")],
        expected_in_days=0.3,
    )
    kony = voyage(
        account=operator,
        people=[
            traveller(account=operator, surname="Baptiste", given_names="Jean"),
            traveller(account=operator, surname="Kony", given_names="Joseph", born=dt.date(1961, 9, 18)),
        ],
        expected_in_days=1,
    )
    for notification in (quiet, kony):
        declaration_check(declaration_id=declaration_of(notification).pk)

    base = live_server.url
    page = new_page(viewport=viewport)
    sign_in_official(page, base, officer)
    page.goto(f"{base}/officer/?tab=expected")
    first_row = page.locator("table tbody tr").first
    assert kony.reference in first_row.inner_text()
    assert first_row.locator(".tag-red", has_text="Red").is_visible()
    assert first_row.get_by_text("1 hit to review").is_visible()
    _no_horizontal_overflow(page)

    page.click(f"text={kony.reference}")
    page.wait_for_url(f"**/officer/notifications/{kony.reference}/")
    banner = page.locator(".hold-banner")
    assert banner.is_visible() and "KONY" in banner.inner_text()
    assert banner.bounding_box()["y"] < page.locator("#risk").bounding_box()["y"]
    assert banner.bounding_box()["y"] < viewport["height"], "the banner is on the first screen"
    _no_horizontal_overflow(page)

    # "Cleared" is refused: the reason is in the summary at the top, which has the focus.
    page.check(f"input[name=decision][value={Decision.CLEARED}]")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "not reviewed yet" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert not Notification.objects.get(pk=kony.pk).clearances.filter(decision=Decision.CLEARED).exists()

    # The review starts with nothing chosen; a note is required.
    select = page.locator("select[id^=hit-][id$=-disposition]")
    assert select.input_value() == ""
    select.select_option("false_positive")
    page.click("button:has-text('Record review')")
    page.wait_for_load_state()
    assert page.locator(".error", has_text="Write a note").is_visible()
    page.locator("select[id^=hit-][id$=-disposition]").select_option("false_positive")
    page.fill("input[id^=hit-][id$=-note]", "Passport shows born 1984, seen in person; not the listed man")
    page.click("button:has-text('Record review')")
    page.wait_for_load_state()
    assert page.get_by_text("Your review of the hit is recorded.").is_visible()
    assert page.locator(".hold-banner").count() == 0

    page.check(f"input[name=decision][value={Decision.CLEARED}]")
    page.click("button:has-text('Record decision')")
    page.wait_for_load_state()
    assert page.get_by_text("Your decision is recorded.").is_visible()
    assert Notification.objects.get(pk=kony.pk).clearances.filter(decision=Decision.CLEARED).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", SIZES)
def test_the_criteria_editor_adds_removes_and_summarises_errors(
    viewport: dict[str, int],
    live_server: Any,
    new_page: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    antigua = Administration.objects.get(code="AG")
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua, agency=Agency.CUSTOMS)
    base = live_server.url
    page = new_page(viewport=viewport)
    sign_in_official(page, base, supervisor)
    page.goto(f"{base}/risk/criteria/new/?kind=clearance.notification")
    assert page.locator("fieldset.condition").count() == 1
    page.fill("#id_name", "Passports about to expire")
    page.fill("#id_documentation", "Tell immigration: six months' validity is required.")
    page.select_option("#id_c-0-field", "last_port_country")
    page.select_option("#id_c-0-operator", "in")
    page.fill("#id_c-0-values", "VE")

    page.click("button:has-text('Add a condition')")
    page.wait_for_load_state()
    assert page.locator("fieldset.condition").count() == 2
    assert page.evaluate("document.activeElement.id") == "id_c-1-field"
    assert page.input_value("#id_name") == "Passports about to expire"
    page.select_option("#id_c-1-field", "document_days_valid")
    page.select_option("#id_c-1-operator", "lt")
    page.fill("#id_c-1-values", "six months")
    before = [page.locator(f"#id_c-1-{name}").bounding_box() for name in ("field", "operator", "values")]

    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "Condition 2: Give numbers" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    after = [page.locator(f"#id_c-1-{name}").bounding_box() for name in ("field", "operator", "values")]
    # The error takes its own row: the boxes keep their widths and their places side by side (or stacked).
    assert [round(b["x"]) for b in after] == [round(b["x"]) for b in before]
    assert [round(b["width"]) for b in after] == [round(b["width"]) for b in before]
    _no_horizontal_overflow(page)
    summary.get_by_role("link", name="Condition 2: Give numbers, e.g. 24 or 0.85.").click()
    assert page.evaluate("document.activeElement.id") == "id_c-1-field"

    page.click("button:has-text('Remove condition 1')")
    page.wait_for_load_state()
    assert page.locator("fieldset.condition").count() == 1
    assert page.input_value("#id_c-0-field") == "document_days_valid"
    page.fill("#id_c-0-values", "183")
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    criterion = Criterion.objects.get()
    assert criterion.current_version is not None
    assert criterion.current_version.conditions == [
        {"field": "document_days_valid", "operator": "lt", "values": ["183"]}
    ]
