"""Issue 9: "the whole yacht story passes in Spanish and Dutch too", in real headless Chromium.

A captain whose browser speaks Spanish (or Dutch) registers in that language, adds a vessel, fills the
master in from the passport's MRZ, uploads the rest of the crew from a list written in that language
(headers, countries as the Caribbean writes them, document types and sexes in words), files an arrival
typing the port's local time, to the Dominican Republic (or Curaçao); that administration's officers, who
read Spanish (or Dutch), sign in with their authenticator and clear it; the captain downloads the
certificate, written in that language, and its QR code opens the public page. Every button is found by what the reader sees in their language
(`gettext` of the English wording), and each page says it is in that language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration
from caribclear.clearance.models import Notification
from caribclear.reference.services import ports_of_entry_seed
from caribclear.vessels.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sunset over Falmouth 7"
MRZ = "P<GBRERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36GBR7408122F1204159ZE184226B<<<<<10"

# The crew list each captain keeps, in their own language and spellings.
CREW_LISTS = {
    "es": (
        ["N.º", "Apellidos", "Nombres", "Sexo", "Cargo o categoría", "Nacionalidad", "Fecha de nacimiento",
         "Tipo de documento", "Número de pasaporte", "País de expedición", "Fecha de caducidad"],
        [["1", "Pérez", "Lucía", "Mujer", "Marinera", "España", "14/03/1985", "Pasaporte", "PAB123456", "ESPAÑA", "14/03/2032"],
         ["2", "Joseph", "Kervin", "hombre", "Cocinero", "St Lucia", "09/09/1990", "pasaporte", "LC112233", "Santa Lucía", "09/09/2031"]],
    ),
    "nl": (
        ["Nr.", "Achternaam", "Voornamen", "Geslacht", "Rang of functie", "Nationaliteit", "Geboortedatum",
         "Soort identiteitsbewijs", "Nummer van het identiteitsbewijs", "Land van afgifte van het identiteitsbewijs",
         "Vervaldatum van het identiteitsbewijs"],
        [["1", "de Vries", "Pieter", "man", "Matroos", "Nederland", "12-08-1970", "Paspoort", "NP1234567", "Nederland", "31-12-2031"],
         ["2", "Richardson", "Dwayne", "M", "Kok", "Sint Maarten", "01-02-1988", "Monsterboekje", "SM88776", "St. Maarten", "01-02-2031"]],
    ),
}  # fmt: skip
LOCALES = {"es": "es-ES", "nl": "nl-NL"}
# Each captain sails to a member that writes its certificates in their language.
PORTS = {"es": ("DOSDQ", "DO"), "nl": ("CWWIL", "CW")}


def _t(language: str, english: str) -> str:
    """What the reader sees for an English wording, in their language (never the English itself)."""
    with translation.override(language):
        text = gettext(english)
    assert text != english, f"{english!r} is not translated into {language}"
    return text


def _in_language(page: Any, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language


def _sign_in_official(page: Any, base: str, user: Any) -> None:
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "phone", "confirmed": True}
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/login/verify/**")
    device.refresh_from_db()
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login" not in page.url


@pytest.mark.parametrize("language", ["es", "nl"])
def test_the_yacht_story_in_spanish_and_dutch(new_page, live_server, settings, make_user, language):
    settings.SITE_URL = live_server.url
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ports_of_entry_seed()
    base = live_server.url
    t = lambda english: _t(language, english)  # noqa: E731
    page = new_page(locale=LOCALES[language])
    page.set_default_timeout(60_000)  # a shared machine: the story is long, each step is not
    email = f"capitana-{language}@example.org"

    # Registration, in the browser's language.
    page.goto(f"{base}/")
    _in_language(page, language)
    page.click(f"text={t('Create an account')}")
    page.fill("#id_first_name", "Lena")
    page.fill("#id_last_name", "Hart")
    page.fill("#id_email", email)
    page.select_option("#id_language", language)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click(f"button:has-text('{t('Create account')}')")
    page.wait_for_load_state()
    _in_language(page, language)
    link = re.search(r"https?://\S+/accounts/confirm/\S+", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    page.goto(link[0])
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/voyages/")
    assert page.is_visible(f"h1:has-text('{t('My voyages')}')")

    # A vessel.
    page.goto(f"{base}/vessels/add/")
    page.fill("#id_name", "Blue Heron")
    page.select_option("#id_vessel_type", "sailing_yacht")
    page.select_option("#id_flag", "GB")
    page.fill("#id_registration_number", "SSR 123456")
    page.fill("#id_port_of_registry", "Southampton")
    page.fill("#id_mmsi", "235012345")
    page.fill("#id_length_m", "12.5")  # a number box: the browser shows it the language's way
    page.fill("#id_owner_name", "Lena Hart")
    page.click(f"button:has-text('{t('Save vessel')}')")
    page.wait_for_selector("h1:has-text('Blue Heron')")

    # The master, filled in from the passport's MRZ; the specimen's expiry renewed.
    page.goto(f"{base}/vessels/people/add/")
    page.fill("#id_mrz", MRZ)
    page.click(f"button:has-text('{t('Fill in from MRZ')}')")
    assert page.input_value("#id_surname").upper() == "ERIKSSON"
    page.fill("#id_document_expiry_date", "15/04/2031")  # typed day first, as every language writes it
    if page.locator("input[name=category]").count():
        page.check("input[name=category][value=crew]")
    page.locator("form button[name=action][value=save]").last.click()
    page.wait_for_selector("text=ERIKSSON")

    # The rest of the crew from the captain's own list, in their language.
    header, rows = CREW_LISTS[language]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    page.goto(f"{base}/vessels/people/upload/")
    _in_language(page, language)
    page.check("input[name=category][value=crew]")
    page.set_input_files(
        "input[type=file]",
        {"name": "crew.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode("utf-8")},
    )
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert Person.objects.filter(account__email=email).count() == 3, page.inner_text("main")

    # The arrival (Santo Domingo, Willemstad), typed in the port's local time, day first.
    locode, code = PORTS[language]
    page.goto(f"{base}/voyages/new/")
    page.select_option(
        "#id_vessel", page.locator("#id_vessel option", has_text="Blue Heron").get_attribute("value")
    )
    page.check("input[name=kind][value=arrival]")
    page.select_option("#id_port", locode)
    arrival = (timezone.now() + dt.timedelta(days=1)).strftime("%d/%m/%Y 10:30")
    page.fill("#id_expected_at", arrival)
    page.fill("#id_last_port", "Bridgetown")
    page.select_option("#id_last_port_country", "BB")
    page.select_option("#id_purpose", "cruising")
    page.check("input[name=is_charter][value=no]")
    for person in Person.objects.filter(account__email=email):
        role = "master" if person.surname.upper() == "ERIKSSON" else "crew"
        page.select_option(f"#id_role_{person.pk}", role)
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
    page.wait_for_url("**/voyages/*-*/")
    _in_language(page, language)
    notification = Notification.objects.get(vessel__name="Blue Heron")
    reference = notification.reference
    assert notification.people_on_board.count() == 3
    assert page.locator(f"text={reference}").count() >= 1
    # The time as typed, on the port's clock, with its zone.
    assert "10:30" in page.inner_text("main") and "AST" in page.inner_text("main")

    # Officers of that administration clear it for customs and immigration, in their language.
    administration = Administration.objects.get(code=code)
    assert administration.document_language == language
    for agency in (Agency.CUSTOMS, Agency.IMMIGRATION):
        official = make_user(
            role=Role.OFFICER,
            administration=administration,
            agency=agency,
            email=f"{agency}-{language}@{code.lower()}.example",
            password=PASSWORD,
            language=language,
        )
        officer_page = new_page(viewport={"width": 1366, "height": 900}, locale=LOCALES[language])
        officer_page.set_default_timeout(60_000)
        _sign_in_official(officer_page, base, official)
        officer_page.goto(f"{base}/officer/notifications/{reference}/")
        _in_language(officer_page, language)
        officer_page.check("input[name=decision][value=cleared]")
        officer_page.click(f"button:has-text('{t('Record decision')}')")
        officer_page.wait_for_load_state()
    notification.refresh_from_db()
    assert notification.status == "cleared"

    # The captain sees it cleared and downloads the certificate, written in their language.
    page.goto(f"{base}/voyages/{reference}/")
    page.wait_for_selector(".tag-cleared")
    certificate_link = page.locator(f"a:has-text('{t('Clearance certificate (PDF)')}')")
    response = page.context.request.get(base + certificate_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert t("Clearance certificate") in text

    # Its QR code opens the public page, which shows no personal data.
    image = pypdfium2.PdfDocument(response.body())[0].render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1
    public = new_page(locale=LOCALES[language])
    public.goto(codes[0].text)
    _in_language(public, language)
    body = public.content()
    assert "Blue Heron" in body and "ERIKSSON" not in body.upper()
