"""A Decision 6.1 case from flag to decision, in real headless Chromium: the officer checks a line, sees
the explanation, records a reason to doubt, asks the importer by e-mail; the importer answers through the
link with an invoice; the officer reads it and records the decision by a named method."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.tests.browser import sign_in_official
from caribclear.valuation.choices import CaseStatus
from caribclear.valuation.models import Case

from .helpers import store_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_flag_to_decision(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    barbados = Administration.objects.get(code="BB")
    antigua = Administration.objects.get(code="AG")
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    officer = make_user(
        role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS, email="valuer@ag.example"
    )
    base = live_server.url
    page = new_page(viewport={"width": 1366, "height": 900})
    sign_in_official(page, base, officer)

    page.goto(f"{base}/valuation/")
    page.click("text=Check a declaration line")
    page.fill("#id_declaration", "AG-2026-77")
    page.fill("#id_line", "3")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.fill("#id_hs_code", "851713")
    page.fill("#id_origin", "CN")
    page.fill("#id_quantity", "100")
    page.fill("#id_unit", "u")
    page.fill("#id_value", "80")
    page.fill("#id_currency", "USD")
    page.fill("#id_importer", "TIN-AG-1")
    page.click("button[value=check]")
    explanation = page.inner_text("#result-heading + p + p")
    assert "Declared 0.80 USD per unit; for HS 851713 from CN the region's median" in explanation
    assert "below the 1st percentile" in explanation
    assert page.locator("text=Flagged: possibly under-valued").count() == 1
    page.fill("#id_reason", "Far below the exporter's catalogue; freight paid separately by the buyer.")
    page.click("button[value=open]")
    page.wait_for_url("**/valuation/cases/*/")
    assert "Reason to doubt recorded" in page.inner_text("main")

    page.fill("#id_email", "imports@importer.example")
    page.fill("#id_questions", "Send the commercial invoice, the contract and the proof of payment.")
    page.click("button[value=request]")
    page.wait_for_load_state()
    assert "Evidence requested from the importer" in page.inner_text("main")
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/valuation/answer/\S+/)", str(message.body))
    assert link is not None

    importer = new_page(viewport={"width": 390, "height": 844})
    importer.goto(base + link.group(1))
    assert "Send the commercial invoice" in importer.inner_text("main")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    importer.fill("#id_answer", "Five-year supply contract with a 30% volume discount; invoice attached.")
    importer.set_input_files("#id_documents", str(invoice))
    importer.click("main button[type=submit]")
    importer.wait_for_load_state()
    assert "Thank you" in importer.inner_text("main")

    page.reload()
    assert "Five-year supply contract" in page.inner_text("main")
    assert page.locator("a:has-text('invoice.pdf')").count() == 1
    page.check("input[name=outcome][value=determined]")
    page.select_option("#id_method", "art3")
    page.fill("#id_determined_value", "3900")
    page.fill("#id_reason", "The discount is not shown in the payments; similar goods from the same origin.")
    page.click("button[value=decide]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert (
        "Value determined by another method" in main
        and "Article 3: transaction value of similar goods" in main
    )
    case = Case.objects.get()
    assert case.status == CaseStatus.DECIDED and case.method == "art3"
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
