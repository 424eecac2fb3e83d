from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation

from caribclear.accounts.choices import Agency, Role
from caribclear.reference.timezones import port_time

from .. import services
from ..choices import Decision, Status
from .factories import screen
from .operator_fixtures import crew_fixture, later  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def immigration(make_user, antigua):
    return make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)


def _submitted(crew):
    return screen(
        services.notification_create(
            actor=crew.operator, data=crew.data(expected_at=later(2)), people=crew.people(), submit=True
        )
    )  # as filing's job does after commit: officers decide on screened ones


def test_the_operator_gets_one_email_in_their_language_when_cleared(
    crew, officer, immigration, django_capture_on_commit_callbacks
):
    crew.operator.language = "es"
    crew.operator.save()
    notification = _submitted(crew)
    with django_capture_on_commit_callbacks(execute=True):
        services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    assert mail.outbox == []  # customs alone does not clear the vessel
    with django_capture_on_commit_callbacks(execute=True):
        services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [crew.operator.email]
    assert message.extra_headers["Content-Language"] == "es"
    with translation.override("es"):
        cleared = str(Status.CLEARED.label)
        # The time of the voyage on the port's clock, with its zone (St. John's keeps AST, UTC-4).
        expected = formats.date_format(
            port_time(notification.expected_at, notification.port), "DATETIME_FORMAT"
        )
    assert message.subject == f"{notification.reference} Sea Breeze: {cleared}"
    # Dates are written the Spanish way (Django ships these translations), e.g. "24 de noviembre de 2026".
    assert expected in message.body and " de " in expected
    assert f"{expected} (AST, UTC-4)" in message.body
    with translation.override("es"):
        decision = translation.gettext("Decision: CLEARED. Every agency has cleared your vessel.")
        hello = translation.gettext("Hello %(name)s,") % {"name": "Ana"}
    assert decision in message.body
    assert message.body.startswith(hello)
    assert hello == "Hola, Ana:"  # the Spanish catalogue ships with CaribClear
    with translation.override("es"):
        for agency in (Agency.CUSTOMS, Agency.IMMIGRATION):
            assert f"- {agency.label}: {Status.CLEARED.label}" in message.body
    link = settings.SITE_URL + reverse("clearance:notification_detail", args=[notification.reference])
    assert link in message.body


def test_the_email_reads_well_and_gives_the_reason_of_a_referral(
    crew, officer, django_capture_on_commit_callbacks
):
    notification = _submitted(crew)
    with django_capture_on_commit_callbacks(execute=True):
        services.clearance_decide(
            actor=officer,
            notification=notification,
            decision=Decision.REFERRED,
            remarks="Bring the vessel to the customs dock at 09:00.",
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith("Hello Ana,")
    assert (
        f"Arrival of Sea Breeze at St. John's (Antigua and Barbuda), reference {notification.reference}."
        in body
    )
    assert "REFERRED FOR INSPECTION" in body
    assert "Bring the vessel to the customs dock at 09:00." in body
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"


def test_a_second_decision_that_changes_nothing_sends_no_second_email(
    crew, officer, immigration, django_capture_on_commit_callbacks
):
    notification = _submitted(crew)
    with django_capture_on_commit_callbacks(execute=True):
        services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
        services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
        services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    assert len(mail.outbox) == 1
