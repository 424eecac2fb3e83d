"""Officers' pages and decisions: the worklist, referrals, examination results feeding hit rates, release,
the AWMDS export, and what stays on board."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase

from caribclear.accounts.choices import Role
from caribclear.cargo import services
from caribclear.cargo.choices import ExaminationResult, Status
from caribclear.cargo.models import Consignment
from caribclear.cargo.readers import validate_awmds
from caribclear.risk.choices import Disposition, Lane
from caribclear.risk.models import Firing
from caribclear.risk.services import criterion_create

from .conftest import SHARED

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(filer, carrier_user, ship_file, antigua, make_user):
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    criterion_create(
        actor=supervisor,
        kind="cargo.consignment",
        name="Loaded in the Dominican Republic",
        lane=Lane.RED,
        weight=40,
        documentation="Check the seals.",
        conditions=[{"field": "loading_country", "operator": "in", "values": ["DO"]}],
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        manifest = services.manifest_file(actor=carrier_user, data=ship_file(6, seed=3)).manifests[0]
    return manifest


def test_the_worklist_shows_the_administrations_consignments_by_lane_with_reasons(filed, officer, client_for):
    page = client_for(officer).get("/officer/cargo/").content.decode()
    ours = Consignment.objects.filter(manifest=filed, administration__code="AG")
    theirs = Consignment.objects.filter(manifest=filed, administration__code="BB")
    assert all(c.bill_number in page for c in ours) and not any(c.bill_number in page for c in theirs)
    assert all(c.status == Status.ASSESSED for c in ours)
    assert "Loaded in the Dominican Republic" in page and "tag-red" in page


def test_a_referral_needs_a_deadline_and_the_filer_sees_it(filed, officer, client_for, carrier_user):
    consignment = Consignment.objects.filter(manifest=filed, administration__code="AG").first()
    assert consignment is not None
    url = f"/officer/cargo/consignments/{consignment.mrn}/"
    client = client_for(officer)
    response = client.post(url, {"action": "refer", "kind": "information", "question": "Invoice please"})
    assert response.status_code == 200 and "Give the number of hours" in response.content.decode()
    response = client.post(
        url, {"action": "refer", "kind": "information", "question": "Invoice please", "hours": "24"}
    )
    assert response.status_code == 302
    consignment.refresh_from_db()
    assert consignment.status == Status.REFERRED
    page = client_for(carrier_user).get(f"/cargo/manifests/{filed.mrn}/").content.decode()
    assert "Invoice please" in page


def test_an_examination_result_marks_the_criteria_that_fired(filed, officer):
    consignment = Consignment.objects.filter(manifest=filed, administration__code="AG").first()
    assert consignment is not None
    services.manifest_arrive(actor=officer, manifest=filed)
    services.consignment_examine(
        actor=officer,
        consignment=consignment,
        result=ExaminationResult.FOUND,
        findings="200 bottles without stamps",
    )
    firing = Firing.objects.get(assessment__declaration_id=consignment.declaration_id or 0)
    assert firing.disposition == Disposition.TRUE_MATCH
    services.consignment_release(actor=officer, consignment=consignment)
    consignment.refresh_from_db()
    assert consignment.status == Status.RELEASED and consignment.released_at


def test_an_officer_of_another_member_may_not_decide(filed, officer_bb):
    consignment = Consignment.objects.filter(manifest=filed, administration__code="AG").first()
    assert consignment is not None
    with pytest.raises(PermissionDenied):
        services.consignment_release(actor=officer_bb, consignment=consignment)


def test_the_awmds_export_needs_an_office_and_validates_against_the_schema(filed, officer, client_for):
    client = client_for(officer)
    assert client.get(f"/officer/cargo/manifests/{filed.mrn}/awmds.xml").status_code == 302
    response = client.get(f"/officer/cargo/manifests/{filed.mrn}/awmds.xml", {"office": "AGSJ1"})
    assert response.status_code == 200
    data = response.content
    assert b"<Customs_office_code>AGSJ1</Customs_office_code>" in data and b"XXXXX" not in data
    assert validate_awmds(data, SHARED / "asycuda" / "awmds.xsd") == []
    ours = Consignment.objects.filter(manifest=filed, administration__code="AG").count()
    assert data.count(b"<Bol_segment>") == ours


def test_what_stays_on_board_is_counted_not_shown(filed, officer, client_for):
    page = client_for(officer).get(f"/officer/cargo/manifests/{filed.mrn}/").content.decode()
    assert "3 other consignments stay on board" in page
    barbados_bill = Consignment.objects.filter(manifest=filed, administration__code="BB").first()
    assert barbados_bill is not None and barbados_bill.bill_number not in page
