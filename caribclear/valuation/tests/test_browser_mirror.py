"""The mirror check in real headless Chromium, on a phone's screen: an officer loads a UN Comtrade extract
(first without choosing a file: the error is beside the field and in the summary), sees it listed, and the
check of a line then shows the exporting country's figure beside the region's; both pages pass axe-core."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.tests.browser import sign_in_official
from caribclear.tests.test_accessibility import axe_script, prepare, violations_on
from caribclear.valuation.models import MirrorFigure

from .helpers import store_lines
from .test_comtrade import PLUS, plus_row, table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_load_an_extract_and_see_the_mirror_beside_the_region(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    antigua = Administration.objects.get(code="AG")
    store_lines(
        antigua, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    officer = make_user(
        role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS, email="mirror@ag.example"
    )
    script = axe_script()
    base = live_server.url
    page = new_page(viewport={"width": 390, "height": 844})
    prepare(page, script)
    sign_in_official(page, base, officer)

    page.goto(f"{base}/valuation/")
    page.click("text=Partner countries' reported exports (UN Comtrade)")
    assert violations_on(page, script) == []
    page.check("#id_check_only")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".error-summary a[href='#id_file']").count() == 1
    assert page.is_checked("#id_check_only")  # what was ticked is kept
    assert violations_on(page, script) == []

    extract = tmp_path / "TradeData_AG.csv"
    extract.write_bytes(
        table(PLUS, [plus_row(partnerCode="28", partnerISO="ATG", partnerDesc="Antigua and Barbuda")])
    )
    page.uncheck("#id_check_only")
    page.set_input_files("#id_file", str(extract))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "2 export figures were loaded" in main and "TradeData_AG.csv" in main
    assert MirrorFigure.objects.filter(administration=antigua).count() == 2

    page.goto(f"{base}/valuation/check/")
    for field, value in {
        "#id_declaration": "AG-2026-9", "#id_line": "1", "#id_date": timezone.localdate().isoformat(),
        "#id_hs_code": "851713", "#id_origin": "CN", "#id_quantity": "100", "#id_unit": "u", "#id_value": "80",
        "#id_currency": "USD", "#id_importer": "TIN-AG-9",
    }.items():  # fmt: skip
        page.fill(field, value)
    page.click("button[value=check]")
    page.wait_for_load_state()
    result = page.inner_text("section.panel")
    assert "the region's median" in result
    assert "China reported exports of HS 851713 to Antigua and Barbuda in 2025" in result
    assert "38.20 USD per unit" in result and "never a value to declare" in result
    assert violations_on(page, script) == []
