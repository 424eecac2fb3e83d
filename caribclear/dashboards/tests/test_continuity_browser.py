"""The continuity pack in a real browser at a desk's size: reached from the officer's navigation, the
filters work, the PDF downloads, and the page passes axe-core."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from caribclear.tests.browser import sign_in_official
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on

from .test_continuity import world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_takes_the_pack_from_the_navigation(world, new_page, live_server):  # noqa: F811
    script = axe_script()
    page = new_page(viewport={"width": 1280, "height": 900})
    prepare(page, script)
    sign_in_official(page, live_server.url, world["official"])
    page.click("nav a:has-text('Continuity pack')")
    page.wait_for_url("**/officer/continuity/")
    assert page.locator("h1").inner_text() == "Continuity pack"
    assert world["tomorrow"] in page.content()
    assert violations_on(page, script) == []

    page.select_option("#id_hours", "24")
    page.select_option("#id_port", "AGSJO")
    page.click("main button[type=submit]")
    page.wait_for_url("**hours=24**")
    assert world["tomorrow"] in page.content()
    assert violations_on(page, script) == []

    with page.expect_download() as download:
        page.click("a:has-text('Download the pack (PDF)')")
    path = download.value.path()
    with open(path, "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert world["tomorrow"] in text and "Wanted, Kwame" in text
