"""Every screen, e-mail and PDF ships in English, Spanish, French and Dutch: the catalogues are complete
and the compiled files the server reads match them."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    stale = []
    with translation.override(language):
        for entry in catalogue:
            if entry.msgid_plural or entry.obsolete:
                continue
            got = (
                translation.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else translation.gettext(entry.msgid)
            )
            if got != entry.msgstr:
                stale.append(entry.msgid)
    assert not stale, f"django.mo is older than django.po for {len(stale)} messages: run compilemessages"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Crear una cuenta"), ("fr", "Créer un compte"), ("nl", "Een account aanmaken")],
)
def test_a_visitor_sees_the_site_in_their_language(language, expected):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Language"] == language
    assert expected in response.content.decode()
