"""The whole yacht clearance story in real headless Chromium, on a phone-sized screen:

an operator registers, confirms the e-mail, adds a vessel and crew (one by MRZ), files an arrival; an
officer signs in with TOTP and clears it for customs, a second officer for immigration; the operator sees it
cleared and downloads the certificate; the QR code printed on it opens a page that says valid.
"""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.clearance.models import Notification
from caribclear.reference.services import ports_of_entry_seed
from caribclear.tests.browser import sign_in_official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sunset over Falmouth 7"
# The ICAO 9303 specimen passport, issued here by the United Kingdom instead of Utopia (the states are not
# covered by check digits, so they stay valid).
MRZ = "P<GBRERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36GBR7408122F1204159ZE184226B<<<<<10"


def decide(page, base: str, reference: str, decision: str) -> None:
    page.goto(f"{base}/officer/notifications/{reference}/")
    page.check(f"input[name=decision][value={decision}]")
    page.click("text=Record decision")
    page.wait_for_load_state()


def test_a_yacht_clears_in_from_registration_to_a_verified_certificate(
    new_page, live_server, settings, make_user, antigua
):
    settings.SITE_URL = live_server.url
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ports_of_entry_seed()
    base = live_server.url
    page = new_page()

    # The operator registers on a phone and confirms the address from the e-mail.
    page.goto(f"{base}/")
    page.click("text=Create an account")
    page.fill("#id_first_name", "Lena")
    page.fill("#id_last_name", "Hart")
    page.fill("#id_email", "lena@example.org")
    page.select_option("#id_language", "en")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_selector("text=Check your e-mail")
    link = re.search(r"https?://\S+/accounts/confirm/\S+", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(link[0])
    page.wait_for_selector("text=You can sign in now")
    page.fill("#id_username", "lena@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/voyages/")

    # A vessel.
    page.goto(f"{base}/vessels/add/")
    page.fill("#id_name", "Blue Heron")
    page.select_option("#id_vessel_type", "sailing_yacht")
    page.select_option("#id_flag", "GB")
    page.fill("#id_registration_number", "SSR 123456")
    page.fill("#id_port_of_registry", "Southampton")
    page.fill("#id_mmsi", "235012345")
    page.fill("#id_length_m", "12.5")
    page.fill("#id_owner_name", "Lena Hart")
    page.click("button:has-text('Save vessel')")
    page.wait_for_selector("h1:has-text('Blue Heron')")

    # The master, filled in from the passport's MRZ.
    page.goto(f"{base}/vessels/people/add/")
    page.fill("#id_mrz", MRZ)
    page.click("button:has-text('Fill in from MRZ')")
    assert page.input_value("#id_surname").upper() == "ERIKSSON"
    assert page.input_value("#id_document_number") == "L898902C3"
    # Dates are plain boxes typed day first (issue 9, finding 5), the MRZ's written back that way.
    assert page.get_attribute("#id_date_of_birth", "type") == "text"
    assert page.input_value("#id_date_of_birth") == "12/08/1974"
    # The specimen expired in 2012: the operator renews it before sailing.
    page.fill("#id_document_expiry_date", "15/04/2031")
    if page.locator("input[name=category]").count():
        page.check("input[name=category][value=crew]")
    page.locator("form button[name=action][value=save]").last.click()
    page.wait_for_selector("text=ERIKSSON")

    # A second crew member, typed in.
    page.goto(f"{base}/vessels/people/add/")
    page.fill("#id_surname", "Hart")
    page.fill("#id_given_names", "Lena")
    page.select_option("#id_sex", "F")
    page.fill("#id_date_of_birth", "02/06/1985")
    page.select_option("#id_nationality", "GB")
    if page.locator("input[name=category]").count():
        page.check("input[name=category][value=crew]")
    page.fill("#id_document_number", "123456789")
    page.select_option("#id_document_issuing_state", "GB")
    page.fill("#id_document_expiry_date", "31/01/2032")
    page.locator("form button[name=action][value=save]").last.click()
    page.wait_for_selector("text=HART")

    # The arrival at St. John's, Antigua.
    page.goto(f"{base}/voyages/new/")
    page.select_option(
        "#id_vessel", page.locator("#id_vessel option", has_text="Blue Heron").get_attribute("value")
    )
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_port", "AGSJO")
    arrival = (timezone.now() + dt.timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_expected_at", arrival)
    page.fill("#id_last_port", "Bridgetown")
    page.select_option("#id_last_port_country", "BB")
    page.select_option("#id_purpose", "cruising")
    page.check("input[name=is_charter][value=no]")
    hart = page.locator("select[aria-label='Role of Lena Hart']")
    eriksson = page.locator("select[aria-label^='Role of Anna Maria']")
    hart.select_option("master")
    eriksson.select_option("crew")
    for question in (
        "firearms",
        "currency",
        "alcohol_tobacco",
        "animals",
        "plants_food",
        "goods_for_sale",
        "illness",
    ):
        page.check(f"input[name=declares_{question}][value=no]")
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("text=Submitted")
    notification = Notification.objects.get(vessel__name="Blue Heron")
    reference = notification.reference
    assert page.locator(f"text={reference}").count() >= 1

    # Customs and immigration officers of Antigua sign in with their authenticator and clear it.
    for agency, email in (
        (Agency.CUSTOMS, "customs@ag.example"),
        (Agency.IMMIGRATION, "immigration@ag.example"),
    ):
        official = make_user(
            role=Role.OFFICER, administration=antigua, agency=agency, email=email, password=PASSWORD
        )
        officer_page = new_page(viewport={"width": 1280, "height": 900})
        sign_in_official(officer_page, base, official, PASSWORD)
        officer_page.goto(f"{base}/officer/?tab=expected")
        officer_page.wait_for_selector(f"text={reference}")
        decide(officer_page, base, reference, "cleared")
        officer_page.wait_for_selector("text=Cleared")

    # The operator sees it cleared and downloads the certificate.
    page.goto(f"{base}/voyages/{reference}/")
    page.wait_for_selector(".tag-cleared")
    certificate_link = page.locator("a:has-text('Clearance certificate')")
    response = page.context.request.get(base + certificate_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"

    # The QR code printed on the certificate opens a page that says valid.
    pdf = pypdfium2.PdfDocument(response.body())
    image = pdf[0].render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1, "one QR code on the certificate"
    verify_url = codes[0].text
    assert verify_url.startswith(f"{base}/verify/")
    public = new_page()
    public.goto(verify_url)
    assert public.locator("text=VALID").first.is_visible() or public.locator("text=Valid").first.is_visible()
    body = public.content()
    assert "Blue Heron" in body
    assert "ERIKSSON" not in body.upper() and "L898902C3" not in body  # no personal data
