"""In real headless Chromium: a carrier uploads a CUSCAR file and sees its MRNs; an officer of the port of
discharge finds the consignment in the worklist in the red lane with the reason and asks for information;
the carrier answers; the officer releases it; an officer of a member the ship does not call at cannot find
it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.cargo import services
from caribclear.cargo.choices import FilerKind, Status
from caribclear.cargo.models import Consignment
from caribclear.cargo.samples import Bill, Call, container_number, cuscar
from caribclear.risk.choices import Lane
from caribclear.risk.services import criterion_create
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.services import lookout_create
from caribclear.tests.browser import TEST_PASSWORD, sign_in_official

WATCHED = "ISLAND SHADOW TRADING LTD"


def _file(tmp_path: Path) -> Path:
    now = timezone.now()
    rng = random.Random(7)
    bills = [
        Bill(
            number=f"CFL612W{n}",
            loading="DOPOP",
            discharge=port,
            consignor=("ARROCERA DEL CIBAO SRL", "SANTO DOMINGO", "DO"),
            consignee=(f"{port[:2]}0000000{n}", consignee, "CITY", port[:2]),
            goods=[("100630", "RICE, MILLED, IN BAGS OF 50 KG", "BG", 400, 20200)],
            container=container_number(rng),
            seal=f"S{n}",
        )
        for n, (port, consignee) in enumerate([("AGSJO", WATCHED), ("BBBGI", "BAJAN FOODS INC")], start=1)
    ]
    data = cuscar(
        lrn="CFL-612W",
        voyage="612W",
        vessel=("CARIBBEAN FEEDER", "9321483", "3FZA7", "PA"),
        carrier=("CFL", "CARIBBEAN FEEDER LINES"),
        calls=[
            Call("DOPOP", "departure", now + dt.timedelta(hours=30)),
            Call("AGSJO", "call", now + dt.timedelta(hours=50)),
            Call("BBBGI", "arrival", now + dt.timedelta(hours=70)),
        ],
        bills=bills,
    )
    path = tmp_path / "CFL-612W.edi"
    path.write_bytes(data)
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_carrier_files_officer_refers_carrier_answers_officer_releases(
    live_server: Any, new_page: Callable[..., Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    antigua = Administration.objects.get(code="AG")
    carrier = make_user(role=Role.OPERATOR, email="ops@feeder.example")
    services.filer_create(
        actor=None,
        name="Caribbean Feeder Lines",
        trader_id="DO1",
        kind=FilerKind.CARRIER,
        administrator=carrier,
    )
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua, agency=Agency.CUSTOMS)
    officer = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS)
    officer_lc = make_user(role=Role.OFFICER, administration=Administration.objects.get(code="LC"))
    lookout_create(
        actor=supervisor,
        kind=LookoutKind.ORGANIZATION,
        name=WATCHED,
        reason="Seizure 2025",
        sharing=Sharing.ALL,
    )
    criterion_create(
        actor=supervisor,
        kind="cargo.consignment",
        name="Party on a lookout",
        lane=Lane.RED,
        weight=50,
        documentation="Examine the container.",
        conditions=[{"field": "lookout_hit", "operator": "is_yes", "values": []}],
    )
    base = live_server.url

    # The carrier uploads the file and sees the MRNs.
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", carrier.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('Continue')")
    page.wait_for_load_state()
    page.goto(f"{base}/cargo/")
    page.set_input_files("#id_file", str(_file(tmp_path)))
    page.click("button:has-text('Send the file')")
    page.wait_for_url("**/cargo/manifests/**")
    ours = Consignment.objects.get(administration=antigua)
    assert page.is_visible(f"text={ours.mrn}")
    assert page.is_visible("text=registered: MRN")

    # The officer of the port of discharge: red lane with the reason; asks for information.
    desk = new_page()
    sign_in_official(desk, base, officer)
    desk.goto(f"{base}/officer/cargo/")
    row = desk.locator("tr", has_text=ours.bill_number)
    assert row.locator(".tag-red").is_visible()
    assert row.locator("text=Party on a lookout").is_visible()
    assert not desk.is_visible("text=CFL612W2")  # discharged in Barbados
    row.locator(f"text={ours.bill_number}").click()
    desk.wait_for_url(f"**/officer/cargo/consignments/{ours.mrn}/")
    desk.check("input[name=kind][value=information]")
    desk.fill("#id_question", "Send the commercial invoice and the buyer's import licence.")
    desk.click("button:has-text('Send the referral')")
    assert desk.is_visible(".error-summary")  # no deadline yet
    desk.fill("#id_hours", "24")
    desk.click("button:has-text('Send the referral')")
    desk.wait_for_load_state()
    assert desk.is_visible("text=The referral was sent to the filer.")

    # The carrier answers.
    page.reload()
    page.fill("textarea[name=answer]", "Invoice 2026-118 attached to the e-mail; licence AG-IMP-554.")
    page.click("button:has-text('Send the answer')")
    page.wait_for_load_state()
    assert page.is_visible("text=Your answer was sent to the officers.")

    # The officer reads the answer and releases the consignment.
    desk.reload()
    assert desk.is_visible("text=licence AG-IMP-554")
    desk.click("button:has-text('Release the consignment')")
    desk.wait_for_load_state()
    ours.refresh_from_db()
    assert ours.status == Status.RELEASED

    # An officer of a member the ship does not call at cannot find it.
    other = new_page()
    sign_in_official(other, base, officer_lc)
    other.goto(f"{base}/officer/cargo/")
    assert not other.is_visible(f"text={ours.bill_number}")
    response = other.goto(f"{base}/officer/cargo/consignments/{ours.mrn}/")
    assert response is not None and response.status == 404
