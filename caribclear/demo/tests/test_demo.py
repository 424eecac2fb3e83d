import io

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.models import User
from caribclear.clearance.models import Notification
from caribclear.demo.management.commands.seed_demo import OFFICIALS

pytestmark = pytest.mark.django_db


def test_the_demo_loads_every_role_and_is_idempotent(django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for email, *_rest in OFFICIALS:
        assert email in printed
        assert TOTPDevice.objects.filter(user__email=email, confirmed=True).exists()
    assert "skipper@yacht.demo" in printed
    # Every sign-in is in the summary at the end, after the e-mails the seeding sends (a first run in a
    # terminal ends with them on the screen): the carriers', the partner's and the secretariat's too.
    summary = printed[printed.index("Demo data ready") :]
    for email in ("ops@caribbean-airlines.demo", "manifest@islandcruises.demo", "cargo@feeder.demo"):
        assert email in summary
    assert "programme@cclec.demo" in summary and "supervisor@barbados.demo" in summary
    skipper = Notification.objects.filter(account__email="skipper@yacht.demo")
    statuses = sorted(skipper.values_list("status", flat=True))
    assert statuses == ["cleared", "cleared", "draft", "submitted"]
    assert all(n.versions.exists() for n in Notification.objects.exclude(status="draft"))
    # The crew member on the demo lookout raises a hit and the red lane on the arrival expected in Antigua.
    from caribclear.risk.models import Assessment, Referral
    from caribclear.screening.models import Hit

    expected = skipper.get(status="submitted")
    assert Hit.objects.filter(declaration=expected.declaration).exists()
    assert Assessment.objects.get(declaration=expected.declaration).lane == "red"
    # The charter agent's arrivals held by watchlist hits: one on the sanctions list, one referred.
    assert "agent@charter.demo" in printed
    held = Notification.objects.get(vessel__name="Blue Heron")
    assessment = Assessment.objects.get(declaration=held.declaration)
    assert (assessment.final_lane, assessment.open_hits) == ("red", 1)
    referred = Notification.objects.get(vessel__name="Coral Dancer")
    assert Referral.objects.filter(declaration=referred.declaration, resolved_at__isnull=True).exists()

    # The undeletable audit trail of everything the demo did names no one: no e-mail address, no vessel,
    # no person's name or document number (issue 15, finding 9: the record id suffices).
    from caribclear.core.models import AuditEvent
    from caribclear.vessels.models import Person, TravelDocument, Vessel

    named = (
        [u.email.lower() for u in User.objects.all()]
        + [v.name.lower() for v in Vessel.objects.all() if len(v.name) > 3]
        + [p.surname.lower() for p in Person.objects.all() if len(p.surname) > 3]
        + [d.number.lower() for d in TravelDocument.objects.all()]
    )
    summaries = [(e.action, e.summary.lower()) for e in AuditEvent.objects.exclude(summary="")]
    assert len(summaries) > 20
    leaks = [(action, summary) for action, summary in summaries if any(n in summary for n in named)]
    assert not leaks

    # The valuation demo's UN Comtrade extract: the exporting country's figure beside each case's line.
    from caribclear.valuation.models import Case, MirrorFigure

    assert MirrorFigure.objects.filter(partner="AG").exists()
    assert Case.objects.count() == 3 and all("reported exports of HS" in c.mirror for c in Case.objects.all())

    counts = (User.objects.count(), Notification.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Notification.objects.count()) == counts
