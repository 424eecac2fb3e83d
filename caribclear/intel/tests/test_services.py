"""Handling changes need a second official; requests for information; operations; lookouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.tests.factories import notification_make, vessel_make
from caribclear.core.models import AuditEvent
from caribclear.core.pipeline import status_history

from ..access import visible_records
from ..choices import ChangeStatus, RfiStatus, Tlp
from ..models import InformationRequest, Seizure
from ..selectors import active_lookouts, voyage_history
from ..services import (
    dissemination_change_approve,
    dissemination_change_reject,
    dissemination_change_request,
    information_request_answer,
    information_request_create,
    information_request_set_status,
    operation_create,
)
from .factories import alert_make, seizure_make

pytestmark = pytest.mark.django_db


def change(actor: User, seizure: Seizure, **overrides: object) -> object:
    values: dict[str, object] = {
        "tlp": seizure.tlp,
        "release_to_all": seizure.release_to_all,
        "released_to": list(seizure.released_to.all()),
        "personal_released_to": list(seizure.personal_released_to.all()),
        "recipients": [],
        "legal_basis": seizure.legal_basis,
        "personal_fields": seizure.personal_fields,
        "reason": "Needed",
    }
    values.update(overrides)
    return dissemination_change_request(actor=actor, record=seizure, **values)  # type: ignore[arg-type]


def test_downgrading_waits_for_a_second_official(
    ports: None, analyst: User, second_analyst: User, kn_officer: User
) -> None:
    seizure = seizure_make(actor=analyst, tlp=Tlp.AMBER)
    pending = change(analyst, seizure, tlp=Tlp.GREEN)
    assert pending.status == ChangeStatus.PENDING  # type: ignore[attr-defined]
    assert not visible_records(kn_officer, Seizure.objects.all()).exists()
    with pytest.raises(PermissionDenied):
        dissemination_change_approve(actor=analyst, change=pending)  # type: ignore[arg-type]
    dissemination_change_approve(actor=second_analyst, change=pending)  # type: ignore[arg-type]
    seizure.refresh_from_db()
    assert seizure.tlp == Tlp.GREEN
    assert visible_records(kn_officer, Seizure.objects.all()).exists()
    assert AuditEvent.objects.filter(action="intel.dissemination_change_approved").exists()


def test_an_officer_cannot_approve_and_another_administration_cannot_either(
    ports: None,
    analyst: User,
    make_user: Callable[..., User],
    antigua: Administration,
    barbados: Administration,
) -> None:
    seizure = seizure_make(actor=analyst)
    pending = change(analyst, seizure, released_to=[barbados])
    officer = make_user(role=Role.OFFICER, administration=antigua)
    foreign = make_user(role=Role.SUPERVISOR, administration=barbados)
    for actor in (officer, foreign):
        with pytest.raises(PermissionDenied):
            dissemination_change_approve(actor=actor, change=pending)  # type: ignore[arg-type]
    assert not seizure.released_to.exists()


def test_revealing_personal_fields_needs_approval_and_a_legal_basis(
    ports: None, analyst: User, second_analyst: User, barbados: Administration, bb_officer: User
) -> None:
    seizure = seizure_make(actor=analyst, released_to=[barbados])
    with pytest.raises(ValidationError) as error:
        change(analyst, seizure, personal_released_to=[barbados])
    assert "legal_basis" in error.value.message_dict
    pending = change(analyst, seizure, personal_released_to=[barbados], legal_basis="CCLEC MoU art. 4")
    assert pending.status == ChangeStatus.PENDING  # type: ignore[attr-defined]
    record = visible_records(bb_officer, Seizure.objects.all()).get()
    assert getattr(record, "personal_visible") is False  # noqa: B009
    dissemination_change_approve(actor=second_analyst, change=pending)  # type: ignore[arg-type]
    record = visible_records(bb_officer, Seizure.objects.all()).get()
    assert getattr(record, "personal_visible") is True  # noqa: B009


def test_unflagging_a_personal_field_is_widening(ports: None, analyst: User) -> None:
    seizure = seizure_make(actor=analyst)
    pending = change(analyst, seizure, personal_fields=["persons"])
    assert pending.status == ChangeStatus.PENDING  # type: ignore[attr-defined]


def test_narrowing_applies_at_once_and_rejection_changes_nothing(
    ports: None, analyst: User, second_analyst: User, barbados: Administration, bb_officer: User
) -> None:
    seizure = seizure_make(actor=analyst, tlp=Tlp.GREEN)
    narrowed = change(analyst, seizure, tlp=Tlp.AMBER)
    assert narrowed.status == ChangeStatus.APPLIED  # type: ignore[attr-defined]
    assert not visible_records(bb_officer, Seizure.objects.all()).exists()
    seizure.refresh_from_db()
    pending = change(analyst, seizure, tlp=Tlp.CLEAR)
    dissemination_change_reject(actor=second_analyst, change=pending)  # type: ignore[arg-type]
    seizure.refresh_from_db()
    assert seizure.tlp == Tlp.AMBER
    with pytest.raises(ValidationError):
        dissemination_change_approve(actor=second_analyst, change=pending)  # type: ignore[arg-type]


def test_approval_pages(
    ports: None, analyst: User, second_analyst: User, client_for: Callable[[User], Client]
) -> None:
    seizure = seizure_make(actor=analyst, tlp=Tlp.AMBER)
    response = client_for(analyst).post(
        reverse("intel:handling", args=["seizure", seizure.reference]),
        {
            "tlp": Tlp.GREEN,
            "legal_basis": "",
            "personal_fields": seizure.personal_fields,
            "reason": "Regional",
        },
    )
    assert response.status_code == 302
    own = client_for(analyst).get(reverse("intel:changes")).content.decode()
    assert "another official decides" in own
    pending = seizure_change_pk(seizure)
    client_for(analyst).post(reverse("intel:change_decide", args=[pending]), {"decision": "approve"})
    seizure.refresh_from_db()
    assert seizure.tlp == Tlp.AMBER
    client_for(second_analyst).post(reverse("intel:change_decide", args=[pending]), {"decision": "approve"})
    seizure.refresh_from_db()
    assert seizure.tlp == Tlp.GREEN


def seizure_change_pk(seizure: Seizure) -> int:
    from ..models import DisseminationChange

    return DisseminationChange.objects.get(record_id=seizure.pk, status=ChangeStatus.PENDING).pk


def test_request_for_information_pipeline(
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    kn_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    rfi = information_request_create(
        actor=analyst,
        fields={
            "subject": "Vessel Blue Heron",
            "question": "Any record of Jacques Moreau?",
            "deadline": timezone.localdate() + dt.timedelta(days=7),
        },
        addressed_to=[barbados],
    )
    assert client_for(kn_officer).get(reverse("intel:rfi_detail", args=[rfi.reference])).status_code == 404
    page = client_for(bb_officer).get(reverse("intel:rfi_detail", args=[rfi.reference])).content.decode()
    assert "Vessel Blue Heron" in page and "Jacques Moreau" not in page  # question is personal, not released
    with pytest.raises(PermissionDenied):
        information_request_answer(actor=kn_officer, rfi=rfi, text="No")
    information_request_answer(actor=bb_officer, rfi=rfi, text="Arrived Bridgetown in May.")
    rfi.refresh_from_db()
    assert rfi.status == RfiStatus.ANSWERED
    owner_page = client_for(analyst).get(reverse("intel:rfi_detail", args=[rfi.reference])).content.decode()
    assert "Arrived Bridgetown in May." in owner_page
    information_request_set_status(actor=analyst, rfi=rfi, status=RfiStatus.CLOSED)
    with pytest.raises(ValidationError):
        information_request_set_status(actor=analyst, rfi=rfi, status=RfiStatus.OPEN)
    assert InformationRequest.objects.get().status == RfiStatus.CLOSED


def test_request_for_information_moves_are_in_its_status_history_and_a_bad_move_is_a_form_error(
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    rfi = information_request_create(
        actor=analyst,
        fields={
            "subject": "Vessel Blue Heron",
            "question": "Seen?",
            "deadline": timezone.localdate() + dt.timedelta(days=7),
        },
        addressed_to=[barbados],
    )
    information_request_answer(actor=bb_officer, rfi=rfi, text="Yes, in May.")
    information_request_set_status(actor=analyst, rfi=rfi, status=RfiStatus.CLOSED)
    assert [(c.from_status, c.to_status, c.actor) for c in status_history(rfi)] == [
        (RfiStatus.OPEN, RfiStatus.ANSWERED, bb_officer),
        (RfiStatus.ANSWERED, RfiStatus.CLOSED, analyst),
    ]
    assert AuditEvent.objects.filter(action="status.change", object_id=str(rfi.pk)).count() == 2
    # Reopening a closed request is not a move the pipeline allows: the form says so, nothing changes.
    response = client_for(analyst).post(
        reverse("intel:rfi_detail", args=[rfi.reference]), {"action": "status", "status": RfiStatus.OPEN}
    )
    assert response.status_code == 200
    assert "A request that is Closed cannot move to that status." in response.content.decode()
    assert InformationRequest.objects.get().status == RfiStatus.CLOSED
    assert len(status_history(rfi)) == 2


def test_operation_members_share_records_and_get_a_report(
    ports: None,
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    kn_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    today = timezone.localdate()
    operation = operation_create(
        actor=analyst,
        code="caribbean-shield",
        name="Caribbean Shield",
        description="Small arms",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today,
        members=[barbados],
    )
    seizure = seizure_make(actor=analyst, operation=operation, commodity="firearms", description="pistols")
    assert visible_records(bb_officer, Seizure.objects.all()).get() == seizure
    assert not visible_records(kn_officer, Seizure.objects.all()).exists()
    assert (
        client_for(kn_officer).get(reverse("intel:operation_detail", args=["caribbean-shield"])).status_code
        == 404
    )
    report = client_for(bb_officer).get(
        reverse("intel:operation_detail", args=["caribbean-shield"]), {"format": "csv"}
    )
    assert seizure.reference in report.content.decode() and "Moreau" not in report.content.decode()
    pdf = client_for(bb_officer).get(
        reverse("intel:operation_detail", args=["caribbean-shield"]), {"format": "pdf"}
    )
    assert pdf.content.startswith(b"%PDF")
    from ..models import AccessLog

    assert AccessLog.objects.filter(user_id=bb_officer.pk, record_id=seizure.pk, via="report").count() == 2
    with pytest.raises(ValidationError):
        seizure_make(actor=kn_officer, operation=operation)


def test_active_lookouts_for_screening(
    analyst: User, barbados: Administration, make_user: Callable[..., User], antigua: Administration
) -> None:
    alert_make(actor=analyst, tlp=Tlp.GREEN)
    alert_make(
        actor=analyst,
        tlp=Tlp.GREEN,
        title="Expired",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 2, 1),
    )
    alert_make(actor=analyst, tlp=Tlp.AMBER, title="Not released")
    [lookout] = active_lookouts(administration=barbados)
    assert lookout.title == "Courier using charter yachts" and lookout.names == ()  # personal not released
    assert lookout.pattern == "Cash in fuel tank"
    own = {lk.title: lk for lk in active_lookouts(administration=antigua)}
    assert set(own) == {"Courier using charter yachts", "Not released"}
    assert own["Not released"].names == ("Daniel Okafor",)
    assert own["Not released"].identifiers == ("A1234567", "B7654321")


def test_voyage_history_of_a_seized_vessel_is_limited_to_what_clearance_sharing_allows(
    ports: None,
    analyst: User,
    operator: User,
    bb_officer: User,
    barbados: Administration,
    client_for: Callable[[User], Client],
) -> None:
    vessel = vessel_make(account=operator)
    own = notification_make(account=operator, vessel=vessel, port="AGSJO", status=Status.CLEARED)
    other = notification_make(account=operator, vessel=vessel, port="BBBGI", status=Status.CLEARED)
    seizure = seizure_make(actor=analyst, vessel=vessel, released_to=[barbados])
    lines = voyage_history(user=analyst, vessel_id=vessel.pk)
    assert {line.reference for line in lines} == {own.reference, ""}
    page = client_for(analyst).get(reverse("intel:seizure_detail", args=[seizure.reference])).content.decode()
    assert own.reference in page and other.reference not in page and "Barbados" in page
    # Barbados may not see the vessel's identity here (personal), so no voyage history either.
    bb_page = (
        client_for(bb_officer).get(reverse("intel:seizure_detail", args=[seizure.reference])).content.decode()
    )
    assert "Earlier voyages" not in bb_page


def test_recording_a_seizure_through_the_form(
    ports: None, analyst: User, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    from caribclear.reference.models import Port

    client = client_for(analyst)
    form = {
        "occurred_on": "2026-02-01",
        "port": Port.objects.get(locode="AGSJO").pk,
        "detection_method": "dog",
        "concealment_method": "hull",
        "commodity": "drugs",
        "description": "cannabis",
        "quantity": "40",
        "unit": "kg",
        "conveyance": "vessel",
        "tlp": "AMBER",
        "source_reliability": "1",
        "information_grade": "B",
        "handling_code": "P",
        "released_to": [barbados.pk],
        "personal_fields": ["persons"],
        "person-TOTAL_FORMS": "2",
        "person-INITIAL_FORMS": "0",
        "person-0-surname": "Rivera",
        "company-TOTAL_FORMS": "1",
        "company-INITIAL_FORMS": "0",
    }
    bad = client.post(reverse("intel:seizure_new"), {**form, "quantity": ""})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert 'value="cannabis"' in bad.content.decode()  # what was typed is kept
    response = client.post(reverse("intel:seizure_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    seizure = Seizure.objects.get()
    assert seizure.persons.get().surname == "Rivera" and (
        seizure.source_reliability,
        seizure.information_grade,
    ) == ("1", "B")


def test_every_page_opens_for_an_analyst(
    ports: None, analyst: User, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    seizure = seizure_make(actor=analyst, released_to=[barbados])
    alert = alert_make(actor=analyst)
    client = client_for(analyst)
    for name, args in [
        ("intel:seizure_list", []),
        ("intel:seizure_new", []),
        ("intel:alert_list", []),
        ("intel:alert_new", []),
        ("intel:rfi_list", []),
        ("intel:rfi_new", []),
        ("intel:changes", []),
        ("intel:operation_list", []),
        ("intel:operation_new", []),
        ("intel:handling", ["seizure", seizure.reference]),
        ("intel:handling", ["alert", alert.reference]),
        ("dashboards:home", []),
        ("dashboards:threat_assessment", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert client.get(reverse("intel:handling", args=["nothing", seizure.reference])).status_code == 404


def test_an_officer_cannot_open_the_approvals_or_operations_forms(
    officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    assert client.get(reverse("intel:changes")).status_code == 404
    assert client.get(reverse("intel:operation_new")).status_code == 404
