"""The partner pages in a real browser, checked with axe-core: the secretariat registers an agency (with
a mistake first, shown in the error summary and beside the field, what was typed kept), and a supervisor
uploads a partner's bundle and sees the alert it became with its source and TLP."""

from __future__ import annotations

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration
from caribclear.partners.tests.test_intake_and_pages import partner_bundle
from caribclear.partners.tests.test_subscriptions import world  # noqa: F401 (the fixture)
from caribclear.tests.browser import sign_in_official
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_and_supervisor_pages_work_and_pass_axe(
    new_page, live_server, make_user, antigua, tmp_path
):
    script = axe_script()
    base = live_server.url
    staff = make_user(
        role=Role.SECRETARIAT, administration=Administration.organisations.get(kind="secretariat")
    )
    page = new_page(viewport={"width": 1280, "height": 900})
    prepare(page, script)
    sign_in_official(page, base, staff)
    page.click("nav a:has-text('Partner agencies')")
    assert violations_on(page, script) == []
    page.fill("#id_name", "CARICOM IMPACS")
    page.fill("#id_signed_on", "2026-01-15")
    page.fill("#id_expires_on", "2025-12-31")
    page.click("button:has-text('Register the agency')")
    summary = page.locator(".error-summary")
    assert "The agreement cannot expire before it was signed." in summary.inner_text()
    assert page.input_value("#id_name") == "CARICOM IMPACS"
    assert violations_on(page, script) == []
    page.fill("#id_legal_basis", "MOU CCLEC-IMPACS 2026, art. 4")
    page.fill("#id_expires_on", "")
    page.check("input[value='alert:person']")
    page.click("button:has-text('Register the agency')")
    page.wait_for_url("**/partners/agencies/Q*/")
    assert "CARICOM IMPACS is registered." in page.inner_text("body")
    assert violations_on(page, script) == []
    page.context.close()

    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    page = new_page(viewport={"width": 1280, "height": 900})
    prepare(page, script)
    sign_in_official(page, base, supervisor)
    page.click("nav a:has-text('Received from partners')")
    assert violations_on(page, script) == []
    bundle = tmp_path / "feed.json"
    bundle.write_bytes(partner_bundle())
    page.select_option("#id_source", label="CARICOM IMPACS")
    page.set_input_files("#id_bundle", str(bundle))
    page.click("button:has-text('Take it in')")
    page.wait_for_load_state()
    table = page.inner_text("table")
    assert (
        "Firearms courier on the Grenada ferry" in table
        and "CARICOM IMPACS" in table
        and "TLP:AMBER" in table
    )
    assert violations_on(page, script) == []
    page.context.close()


def test_a_supervisor_subscribes_to_a_partners_taxii_collection_and_the_pages_pass_axe(
    subscription_world, new_page
):
    ctx = subscription_world
    script = axe_script()
    page = new_page(viewport={"width": 390, "height": 844})  # a phone
    prepare(page, script)
    sign_in_official(page, ctx["base"], ctx["supervisor"])
    page.click("nav a:has-text('Received from partners')")
    page.click("main a:has-text('TAXII subscriptions')")
    assert "No subscription yet." in page.inner_text("main")
    assert violations_on(page, script) == []
    page.select_option("#id_source", label="CARICOM IMPACS")
    page.fill("#id_api_root", ctx["api_root"])
    page.check("input[name='auth'][value='token']")
    page.fill("#id_secret", ctx["token"])
    page.click("button:has-text('Subscribe')")
    summary = page.locator(".error-summary")
    assert "Collection id" in summary.inner_text() or "collection" in summary.inner_text().lower()
    assert page.input_value("#id_api_root") == ctx["api_root"]
    assert page.input_value("#id_secret") == ""  # a secret is never sent back to the page
    assert violations_on(page, script) == []
    page.fill("#id_collection_id", ctx["collection_id"])
    page.fill("#id_secret", ctx["token"])
    # Saving runs the first poll (the test settings run tasks in-process after commit): a real TAXII pull
    # of the live server by itself, slow on a loaded machine, so the navigation gets more than the default.
    with page.expect_navigation(url="**/partners/subscriptions/*/", timeout=180_000):
        page.click("button:has-text('Subscribe')", no_wait_after=True)
    body = page.inner_text("main")
    assert "The subscription is saved" in body and "The last poll failed" not in body
    assert "Alerts made at the last poll\n1" in body or "Alerts made at the last poll 1" in body
    assert violations_on(page, script) == []
    page.click("button:has-text('Stop polling')")
    assert "Polling stopped." in page.inner_text("main")
    assert violations_on(page, script) == []
    page.context.close()


@pytest.fixture
def subscription_world(request):
    """The world of the subscription tests: a partner agency, its analyst's token, an alert released to it."""
    return request.getfixturevalue("world")
