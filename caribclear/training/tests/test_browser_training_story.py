"""The training story in real headless Chromium: the secretariat opens an intake (desk), an administrator
nominates two officers (phone), the secretariat confirms them, a tutor records results (desk), an officer
downloads the certificate (phone) and the QR code on it opens a page that says valid."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration
from caribclear.tests.browser import sign_in_official
from caribclear.training import services
from caribclear.training.models import Credential

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


def test_an_intake_from_opening_to_a_verified_certificate(
    new_page, live_server, settings, make_user, antigua
):
    settings.SITE_URL = live_server.url
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    base = live_server.url
    secretariat = Administration.organisations.get(kind="secretariat")
    staff = make_user(
        role=Role.SECRETARIAT, administration=secretariat, agency="", email="programme@cclec.example"
    )
    tutor = make_user(
        role=Role.TUTOR, agency="", email="tutor@uni.example", first_name="Curtis", last_name="Alleyne"
    )
    administrator = make_user(role=Role.ADMINISTRATOR, administration=antigua, agency=Agency.CUSTOMS)
    kendra = make_user(
        role=Role.OFFICER,
        administration=antigua,
        agency=Agency.CUSTOMS,
        first_name="Kendra",
        last_name="Joseph",
    )
    make_user(
        role=Role.OFFICER,
        administration=antigua,
        agency=Agency.IMMIGRATION,
        first_name="Marlon",
        last_name="Henry",
    )
    services.course_create(
        actor=staff, code="CCM103", title="International Trade Terms", credits=Decimal(3), hours=45
    )

    # The secretariat opens an intake, at a desk.
    desk = new_page(viewport=DESK)
    sign_in_official(desk, base, staff)
    desk.goto(f"{base}/training/")
    desk.click("text=Open an intake")
    desk.select_option("#id_course", label="CCM103 International Trade Terms")
    desk.fill("#id_code", "CCM103-2027-1")
    desk.fill("#id_starts_on", "11/01/2027")
    desk.fill("#id_ends_on", "26/03/2027")
    desk.select_option("#id_mode", "online")
    desk.select_option("#id_tutors", label="Curtis Alleyne (external tutor)")
    desk.click("button:has-text('Open intake')")
    desk.wait_for_selector("h1:has-text('CCM103-2027-1')")
    assert desk.locator("text=Open for nominations").first.is_visible()
    assert desk.locator("text=11 Jan 2027 – 26 Mar 2027").first.is_visible()

    # Antigua's administrator nominates two officers, on a phone.
    phone = new_page()
    sign_in_official(phone, base, administrator)
    phone.goto(f"{base}/training/")
    phone.click("text=CCM103-2027-1")
    for name in ("Kendra Joseph", "Marlon Henry"):
        option = phone.locator("#id_official option", has_text=name)
        phone.select_option("#id_official", value=option.get_attribute("value"))
        phone.click("button:has-text('Nominate')")
        phone.wait_for_selector("text=Nominated. The secretariat will confirm the place.")

    # The secretariat confirms both and starts the course.
    desk.reload()
    for _ in range(2):
        desk.click("button:has-text('Confirm')")
        desk.wait_for_load_state()
    desk.click("button:has-text('Mark as Running')")
    desk.wait_for_selector("text=Running")

    # The tutor records the results.
    tutor_page = new_page(viewport=DESK)
    sign_in_official(tutor_page, base, tutor)
    tutor_page.goto(f"{base}/training/intakes/CCM103-2027-1/")
    tutor_page.click("text=Record results")
    grades = tutor_page.locator("input[name$='-grade']")
    assert grades.count() == 2
    tutor_page.locator("fieldset", has_text="Kendra Joseph").locator("input[name$='-grade']").fill("81")
    tutor_page.locator("fieldset", has_text="Marlon Henry").locator("input[name$='-grade']").fill("42")
    tutor_page.click("button:has-text('Save results')")
    tutor_page.wait_for_selector("text=Results saved.")
    results = tutor_page.content()
    assert "Passed (81" in results and "Not passed (42" in results

    # Kendra downloads her certificate on a phone; its QR code opens a page that says valid.
    officer = new_page()
    sign_in_official(officer, base, kendra)
    officer.goto(f"{base}/training/record/")
    link = officer.locator("a", has_text="Certificate (PDF)")
    response = officer.context.request.get(base + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    image = pypdfium2.PdfDocument(response.body())[0].render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    credential = Credential.objects.get(holder=kendra)
    assert [c.text for c in codes] == [f"{base}/training/verify/{credential.token}/"]
    public = new_page()
    public.goto(codes[0].text)
    assert public.locator(".tag-valid", has_text="Valid").is_visible()
    assert public.locator("text=Kendra").first.is_visible()
