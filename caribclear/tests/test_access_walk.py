"""Walk every URL pattern and API route, as every kind of reader, and look for another's data.

The routes come from the resolver (and the API's own list of operations), so a new page or endpoint is
walked without anyone adding it here. Two administrations each hold a full set of records — an operator's
vessel, people and notifications; an official's seizure, alert, request for information, operation,
watchlist, lookout, criterion, hits and audit trail; an officer's and the administrator's training (their
nominations on a regional intake, a result and the credential it earned) — each carrying a unique marker
word. The walk runs
as anonymous, as Antigua's operator, as Antigua's official (another administration) and as Barbados'
official and operator (the owners), with every path parameter filled with a record of BARBADOS, and fails
on:
- any response that shows a marker the reader may not see (another administration's, another operator's,
  or an administration's own intelligence to an operator);
- any 500;
- a page of a Barbados record that answers anyone but Barbados with something other than "not found"
  (or, for the anonymous, a sign-in);
- a page of a Barbados record that Barbados itself cannot open (the parameter was filled wrongly, so the
  walk would prove nothing);
- a POST (PUT, PATCH) on a Barbados record by anyone else that is not a 404, or that changes any record.

A route whose parameters cannot be filled fails the walk, saying how to add it to PARAMS below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pycountry
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create
from caribclear.clearance.choices import Decision, Kind, PersonRole, Purpose, Status
from caribclear.clearance.models import Notification
from caribclear.clearance.pipeline import required_agencies
from caribclear.clearance.services import Aboard, clearance_decide, notification_create, unfinished_save
from caribclear.conftest import sign_in
from caribclear.core.visibility import registered_models
from caribclear.dashboards.services import assessment_create
from caribclear.intel.choices import Tlp
from caribclear.intel.services import (
    alert_create,
    dissemination_change_request,
    information_request_create,
    operation_create,
    seizure_create,
)
from caribclear.reference.models import Port
from caribclear.reference.services import ports_of_entry_seed
from caribclear.risk.choices import Lane
from caribclear.risk.services import criterion_create, hit_review
from caribclear.screening.choices import LookoutKind, Sharing, SourceFormat
from caribclear.screening.models import Hit, Lookout
from caribclear.screening.services import lookout_create, watchlist_create, watchlist_import
from caribclear.training import services as training
from caribclear.training.choices import IntakeStatus, Mode
from caribclear.training.models import Credential
from caribclear.valuation import readers as valuation_readers
from caribclear.valuation import services as valuation
from caribclear.vessels.models import Person, TravelDocument, Vessel, Weapon

pytestmark = pytest.mark.django_db

OWNER = "BB"  # every path parameter is a record of this administration
OTHER = "AG"

# --- The records ---------------------------------------------------------------------------------------
# Markers are words no template contains; each is "Zorblax" + what + the administration's code, so
# a leak names itself. Operator markers are seen by the operator and by officials of the administration
# the operator filed to; official markers by that administration's officials only.
OPERATOR_KINDS = ("vessel", "person", "weapon", "document", "cargo", "traveller")
OFFICIAL_KINDS = (
    "seizure",
    "alert",
    "rfi",
    "operation",
    "watchlist",
    "entry",
    "lookout",
    "criterion",
    "officer",
    "assessment",
    "valuation",
)


def marker(kind: str, code: str) -> str:
    return f"Zorblax{kind}{code}"


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    refs: dict[str, Any]  # the OWNER administration's records, by kind: what path parameters are filled with


def _operator_side(code: str, port: str, users: dict[str, User]) -> dict[str, Any]:
    """An operator with a vessel, crew, a weapon and three notifications to `port`: submitted (screened
    and assessed on commit), cleared, and a draft."""
    operator = users[f"operator_{code}"]
    vessel = Vessel.objects.create(
        account=operator,
        name=marker("vessel", code),
        vessel_type="sailing_yacht",
        flag="GB",
        registration_number=f"REG-{code}-1",
        port_of_registry="Southampton",
        mmsi="232000001" if code == "AG" else "232000002",
        length_m=12,
        owner_name="Owner Example",
    )
    weapon = Weapon.objects.create(
        vessel=vessel, kind="flare_gun", make=marker("weapon", code), model="12 gauge", quantity=1
    )
    person = Person.objects.create(
        account=operator,
        surname=marker("person", code),
        given_names="Kwame",
        sex="M",
        date_of_birth=dt.date(1977, 5, 6),
        nationality="GB",
    )
    document = TravelDocument.objects.create(
        person=person,
        number=marker("document", code).upper()[:20],
        issuing_state="GB",
        expiry_date=timezone.localdate() + dt.timedelta(days=2000),
    )
    aboard = [Aboard(person=person, document=document, role=PersonRole.MASTER)]

    def file(days: float, *, submit: bool = True) -> Notification:
        data = {
            "vessel": vessel,
            "kind": Kind.ARRIVAL,
            "port": Port.objects.get(locode=port),
            "expected_at": timezone.now() + dt.timedelta(days=days),
            "last_port": "Las Palmas",
            "last_port_country": "ES",
            "next_port": "Castries",
            "next_port_country": "LC",
            "purpose": Purpose.CRUISING,
            "is_charter": False,
            "declares_firearms": True,
            "declares_currency": False,
            "declares_alcohol_tobacco": False,
            "declares_animals": False,
            "declares_plants_food": False,
            "declares_goods_for_sale": False,
            "declares_illness": False,
            "declaration_details": "One flare gun.",
        }
        return notification_create(actor=operator, data=data, people=aboard, submit=submit)

    with TestCase.captureOnCommitCallbacks(execute=True):
        submitted = file(1)
        cleared = file(2)
    # A watchlist hit holds the clearance until reviewed (the lookout names the person on board).
    for pending in Hit.objects.filter(declaration=cleared.declaration):
        hit_review(
            actor=users[f"official_{code}"], hit=pending, disposition="false_positive", note="Walk: seen"
        )
    for agency in required_agencies(cleared):
        clearance_decide(actor=users[f"{agency}_{code}"], notification=cleared, decision=Decision.CLEARED)
    cleared.refresh_from_db()
    assert cleared.status == Status.CLEARED, "the walk needs a cleared notification (certificates)"
    draft = file(6, submit=False)
    unfinished = unfinished_save(actor=operator, data={"last_port": [marker("unfinished", code)]})
    cargo = _cargo_side(code, port, operator, users[f"official_{code}"])
    hit = Hit.objects.filter(declaration=submitted.declaration).first()
    assert hit is not None, "the walk needs a screening hit (the lookout names the person on board)"
    return {
        "vessel": vessel,
        "weapon": weapon,
        "person": person,
        "document": document,
        "notification": submitted,
        "cleared": cleared,
        "draft": draft,
        "unfinished": unfinished,
        "hit": hit,
        **cargo,
    }


def _cargo_side(code: str, port: str, operator: User, official: User) -> dict[str, Any]:
    """The operator as a carrier (a filer) with a manifest discharged at `port`, and a referral on it."""
    from caribclear.cargo import services as cargo_services
    from caribclear.cargo.samples import Bill, Call, cuscar

    filer = cargo_services.filer_create(
        actor=None,
        name=marker("cargo", code),
        trader_id=f"WALK{code}",
        kind="carrier",
        administrator=operator,
    )
    now = timezone.now()
    data = cuscar(
        lrn=f"WALK-{code}",
        voyage="W1",
        vessel=("WALK VESSEL", "9321483", "3FZA7", "PA"),
        carrier=("WLK", "WALK LINES"),
        calls=[
            Call("USMIA", "departure", now + dt.timedelta(days=1)),
            Call(port, "arrival", now + dt.timedelta(days=2)),
        ],
        bills=[
            Bill(
                number=f"WALK{code}1",
                loading="USMIA",
                discharge=port,
                consignor=("WALK SHIPPER", "MIAMI", "US"),
                consignee=("X1", marker("cargo", code), "CITY", port[:2]),
                goods=[("220840", "RUM IN GLASS BOTTLES", "BX", 10, 100)],
            )
        ],
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        manifest = cargo_services.manifest_file(actor=operator, data=data, filer=filer).manifests[0]
    consignment = manifest.consignments.get()
    referral = cargo_services.consignment_refer(
        actor=official,
        consignment=consignment,
        kind="information",
        question=marker("cargo", code),
        deadline=now + dt.timedelta(days=1),
    )
    return {"manifest": manifest, "consignment": consignment, "referral": referral}


def _passenger_side(code: str, port: str, users: dict[str, User]) -> dict[str, Any]:
    """A carrier (the operator files for it) and a passenger list from Port of Spain to `port`, screened;
    an unmasking request on its traveller."""
    from caribclear.passengers.models import UnmaskRequest
    from caribclear.passengers.services import carrier_create, passenger_list_import
    from caribclear.passengers.tests.factories import Pax, paxlst

    # The operator's organisation files cargo (its filer, above) and passenger lists: one set of users.
    filer_organisation = users[f"operator_{code}"].organisation_memberships.get().organisation
    filer_organisation.carrier_code = f"W{code}"
    filer_organisation.save(update_fields=["carrier_code"])
    carrier = carrier_create(actor=None, kind="airline", organisation=filer_organisation)
    traveller = Pax(marker("traveller", code).upper(), "KWAME", "19770506", document=f"WALK{code}1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = passenger_list_import(
            actor=None, data=paxlst([traveller], flight=f"W{code}1", arrival=port), carrier=carrier
        )
    assert outcome.ok, outcome.to_json()
    travel_list = outcome.filings[0].travel_list
    person = travel_list.travellers.get()
    unmask = UnmaskRequest.objects.create(
        traveller=person, requested_by=users[f"officer_{code}"], reason="Walk: a lookout names this traveller"
    )
    return {"travel_list": travel_list, "traveller": person, "unmask_request": unmask}


def _valuation_side(code: str, admin: User) -> dict[str, Any]:
    """A line loaded by the administration and a Decision 6.1 case on it, answered with a document."""
    raw = valuation_readers.check_line(
        declaration=f"VAL-{code}-1", line="1", date=timezone.localdate(), hs_code="85171300", origin="CN",
        quantity="10", unit="u", net_mass_kg=None, value="80", currency="USD", importer=marker("valuation", code),
    )  # fmt: skip
    read = valuation_readers.ReadResult(format="api", declarations=1, lines=[raw])
    stored = valuation.lines_store(actor=admin, administration=admin.administration, read=read, name="walk")
    line = stored.batch.line_rows.get()  # type: ignore[union-attr]
    check = valuation.line_check(administration_id=admin.administration_id or 0, line=raw)
    case = valuation.case_open(
        actor=admin, check=check, reason=f"{marker('valuation', code)} below the catalogue", line=line
    )
    case = valuation.case_request_evidence(
        actor=admin, case=case, email="importer@walk.example", questions="Send the invoice.",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )  # fmt: skip
    token = valuation.answer_token(case)
    # A UN Comtrade extract (its file name carries the marker, shown on the mirror page to its officials only)
    # whose figure is the line's mirror: another administration's check of the same goods shows nothing of it.
    destination = pycountry.countries.get(alpha_2=code)
    assert destination is not None
    extract = (
        "reporterISO,partnerISO,flowCode,period,cmdCode,qtyUnitCode,qty,netWgt,primaryValue\r\n"
        f"CHN,{destination.alpha_3},X,2025,851713,5,1000,200,7000\r\n"
    ).encode()
    mirror = valuation.mirror_load(
        actor=admin,
        administration=admin.administration,
        data=extract,
        name=f"{marker('valuation', code)}.csv",
    )
    assert mirror.ok, mirror.to_json()
    case = valuation.case_answer(
        case=case, answer="Our invoice is attached.", documents=[("invoice.pdf", b"%PDF-1.4\n")]
    )
    return {
        "valuation_line": line,
        "valuation_case": case,
        "valuation_document": case.documents.get(),
        "valuation_token": token,
    }


def _official_side(code: str, users: dict[str, User], tmp_dir: Any) -> dict[str, Any]:
    """An administration's own, unshared records: intelligence, a list, a lookout, a criterion."""
    admin = users[f"official_{code}"]
    second = users[f"customs_{code}"]
    administration = admin.administration
    assert administration is not None
    port = "AGSJO" if code == "AG" else "BBBGI"
    lookout_create(
        actor=admin,
        kind=LookoutKind.PERSON,
        name=f"Kwame {marker('person', code)}",
        birth_date="1977-05-06",
        reason=marker("lookout", code),
        sharing=Sharing.OWN,
    )
    criterion = criterion_create(
        actor=admin,
        kind="clearance.notification",
        name=marker("criterion", code),
        documentation=marker("criterion", code),
        lane=Lane.YELLOW,
        weight=20,
        conditions=[{"field": "declares_firearms", "operator": "is_yes", "values": []}],
    )
    watchlist = watchlist_create(
        actor=admin,
        name=marker("watchlist", code),
        source_format=SourceFormat.CSV,
        owner=administration,
        sharing=Sharing.OWN,
    )
    path = tmp_dir / f"list-{code}.csv"
    path.write_text(f"id,name,birth_date\nL-1,{marker('entry', code)} Somebody,1950\n", encoding="utf-8")
    version = watchlist_import(actor=admin, watchlist=watchlist, path=path)
    operation = operation_create(
        actor=admin,
        code=f"zorblax-{code.lower()}",
        name=marker("operation", code),
        description=marker("operation", code),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        members=[],
    )
    seizure = seizure_create(
        actor=admin,
        fields={
            "occurred_on": timezone.localdate() - dt.timedelta(days=3),
            "port": Port.objects.get(locode=port),
            "detection_method": "dog",
            "concealment_method": "hull",
            "commodity": "drugs",
            "description": marker("seizure", code),
            "quantity": 12,
            "unit": "kg",
            "estimated_value_usd": 300000,
            "route_origin": "VE",
            "route_transit": "GD",
            "route_destination": "US",
            "conveyance": "vessel",
            "conveyance_identity": marker("seizure", code),
            "narrative": marker("seizure", code),
            "tlp": Tlp.AMBER,
            "legal_basis": "",
        },
        persons=[{"surname": marker("seizure", code), "given_names": "Jacques", "role": "master"}],
        files=[(SimpleUploadedFile("photo.txt", marker("seizure", code).encode()), marker("seizure", code))],
    )
    alert = alert_create(
        actor=admin,
        fields={
            "subject_kind": "person",
            "title": marker("alert", code),
            "surname": marker("alert", code),
            "pattern": marker("alert", code),
            "narrative": marker("alert", code),
            "valid_from": timezone.localdate() - dt.timedelta(days=1),
            "valid_until": timezone.localdate() + dt.timedelta(days=30),
            "tlp": Tlp.AMBER,
        },
    )
    assessment = assessment_create(
        actor=admin,
        title=marker("assessment", code),
        date_from=timezone.localdate() - dt.timedelta(days=365),
        date_to=timezone.localdate(),
    )
    kitts = Administration.objects.get(code="KN")
    rfi = information_request_create(
        actor=admin,
        fields={
            "subject": marker("rfi", code),
            "question": marker("rfi", code),
            "deadline": timezone.localdate() + dt.timedelta(days=10),
            "tlp": Tlp.AMBER_STRICT,
        },
        addressed_to=[kitts],
    )
    change = dissemination_change_request(
        actor=second if second.is_supervisor else admin,
        record=seizure,
        tlp=Tlp.GREEN,
        release_to_all=False,
        released_to=[],
        personal_released_to=[],
        recipients=[],
        legal_basis="",
        personal_fields=seizure.personal_fields,
        reason=marker("seizure", code),
    )
    valuation_records = _valuation_side(code, admin)
    return {
        **valuation_records,
        "lookout": Lookout.objects.get(reason=marker("lookout", code)),
        "criterion": criterion,
        "watchlist": watchlist,
        "version": version,
        "operation": operation,
        "seizure": seizure,
        "attachment": seizure.attachments.get(),
        "alert": alert,
        "rfi": rfi,
        "change": change,
        "assessment": assessment,
        "officer": users[f"officer_{code}"],
    }


def _training_side(users: dict[str, User]) -> dict[str, dict[str, Any]]:
    """A regional intake run by the secretariat, on which each administration's administrator nominated
    their officer (who passed: a result and a credential, in the officer's marked name) and themself
    (no result yet). Returns each administration's training records, by kind."""
    staff = users["secretariat"]
    tutor = training.tutor_account_create(
        actor=staff, email="tutor@walk.example", first_name="Walker", last_name="Tutor"
    )
    course = training.course_create(
        actor=staff, code="WALK101", title="Walking the platform", credits=Decimal(3), hours=45
    )
    intake = training.intake_open(
        actor=staff,
        course=course,
        code="WALK101-2026-1",
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        mode=Mode.ONLINE,
        seats_per_member=3,
        tutors=[tutor],
    )
    places = {}
    for code in (OTHER, OWNER):
        administrator = users[f"official_{code}"]
        places[code] = [
            training.enrolment_confirm(
                actor=staff,
                enrolment=training.enrolment_nominate(actor=administrator, intake=intake, official=official),
            )
            for official in (users[f"officer_{code}"], administrator)
        ]
    intake = training.intake_set_status(actor=staff, intake=intake, status=IntakeStatus.RUNNING)
    refs: dict[str, dict[str, Any]] = {}
    for code, (enrolment, own) in places.items():
        enrolment = training.result_record(
            actor=tutor, enrolment=enrolment, grade=Decimal(80), days_attended=None
        )
        refs[code] = {
            "intake": intake,
            "enrolment": enrolment,  # the officer's
            "own_enrolment": own,  # the administrator's own (they evaluate the course)
            "credential": Credential.objects.get(holder=users[f"officer_{code}"]),
            "trainee": users[f"officer_{code}"],
        }
    return refs


def _taxii_subscription(users: dict[str, User]) -> Any:
    """The owner's subscription to a partner agency's TAXII collection (never polled in the walk)."""
    from caribclear.partners import secrets as sealed
    from caribclear.partners.choices import Category, TaxiiAuth
    from caribclear.partners.models import TaxiiSubscription
    from caribclear.partners.services import partner_agency_create

    agency = partner_agency_create(
        actor=users["secretariat"],
        name="Walk partner agency",
        legal_basis="Memorandum of understanding, article 4",
        signed_on=timezone.localdate() - dt.timedelta(days=100),
        expires_on=None,
        categories=[Category.SEIZURE_DRUGS],
    )
    owner = users[f"official_{OWNER}"].administration
    assert owner is not None
    return TaxiiSubscription.objects.create(
        administration=owner,
        source=agency,
        api_root="https://taxii.partner.example/api1/",
        collection_id="walk-collection",
        auth=TaxiiAuth.TOKEN,
        sealed_secret=sealed.seal("walk-token"),
        unmarked_tlp=Tlp.AMBER,
        source_reliability="F",
        created_by=users[f"customs_{OWNER}"],
    )


def build_world(tmp_dir: Any) -> World:
    ports_of_entry_seed()
    users: dict[str, User] = {}
    counter = iter(range(1, 1000))

    def user(key: str, role: str, code: str | None, *, agency: str = "", last: str = "") -> User:
        n = next(counter)
        made = User(
            username=f"{key}.{n}@walk.example",
            email=f"{key}.{n}@walk.example",
            first_name="Walker",
            last_name=last or f"Number{n}",
            role=role,
            administration=Administration.objects.get(code=code) if code else None,
            agency=agency or (Agency.CUSTOMS if role != Role.OPERATOR else ""),
            email_confirmed_at=timezone.now(),
        )
        made.set_password("correct horse battery staple")
        made.save()
        users[key] = made
        return made

    for code in (OTHER, OWNER):
        user(f"operator_{code}", Role.OPERATOR, None)
        user(f"official_{code}", Role.ADMINISTRATOR, code)  # sees every official page
        user(f"officer_{code}", Role.OFFICER, code, last=marker("officer", code))
        for agency in (Agency.CUSTOMS, Agency.IMMIGRATION, Agency.PORT_HEALTH):
            user(f"{agency}_{code}", Role.SUPERVISOR, code, agency=agency)
    users["secretariat"] = training.secretariat_staff_create(
        email="secretariat@walk.example", first_name="Walker", last_name="Secretariat"
    )
    refs_by_code: dict[str, dict[str, Any]] = {}
    for code, port in ((OTHER, "AGSJO"), (OWNER, "BBBGI")):
        official = _official_side(code, users, tmp_dir)
        refs_by_code[code] = {
            **official,
            **_operator_side(code, port, users),
            **_passenger_side(code, port, users),
        }
    for code, records in _training_side(users).items():
        refs_by_code[code].update(records)
    tokens = {}
    for key in ("operator_AG", "operator_BB", "official_AG", "official_BB"):
        _token, secret = api_token_create(user=users[key], name=f"walk {key}", second_factor=True)
        tokens[key] = secret
    refs = refs_by_code[OWNER]
    refs["subscription"] = _taxii_subscription(users)
    refs["token"] = api_token_create(user=users["official_BB"], name="walk revoke")[0]
    refs["user"] = users["official_BB"]
    return World(users=users, tokens=tokens, refs=refs)


# --- Readers -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reader:
    key: str  # "" for anonymous
    forbidden: tuple[str, ...]  # marker words this reader must never be shown
    owner: bool  # on the owning side of the walked records (Barbados)


def _markers(kinds: tuple[str, ...], *codes: str) -> tuple[str, ...]:
    return tuple(marker(kind, code) for kind in kinds for code in codes)


READERS = [
    Reader("", _markers(OPERATOR_KINDS + OFFICIAL_KINDS, OTHER, OWNER), owner=False),
    Reader("operator_AG", _markers(OPERATOR_KINDS, OWNER) + _markers(OFFICIAL_KINDS, OTHER, OWNER), False),
    Reader("official_AG", _markers(OPERATOR_KINDS + OFFICIAL_KINDS, OWNER), owner=False),
    Reader("official_BB", _markers(OPERATOR_KINDS + OFFICIAL_KINDS, OTHER), owner=True),
    Reader("operator_BB", _markers(OPERATOR_KINDS, OTHER) + _markers(OFFICIAL_KINDS, OTHER, OWNER), True),
]

# --- Path parameters ---------------------------------------------------------------------------------
# How to fill each path parameter with a record of the owning administration, looked up by
# "namespace:url_name.param", then "namespace.param", then "param". A value is a function of the
# records; RECORD says whether it addresses a record (then only its owners may open the page).
Fill = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    fill: Fill
    record: bool = True


def _ref(kind: str) -> Fill:
    return lambda refs: refs[kind].reference


def _pk(kind: str) -> Fill:
    return lambda refs: refs[kind].pk


PARAMS: dict[str, Param] = {
    # accounts
    "accounts:api_token_revoke.pk": Param(_pk("token")),
    "accounts:official_edit.pk": Param(_pk("officer")),
    "accounts.uidb64": Param(lambda refs: urlsafe_base64_encode(force_bytes(refs["user"].pk)), record=False),
    "accounts.token": Param(lambda refs: "set-password", record=False),
    # vessels (the operator's own)
    "vessels:vessel_detail.pk": Param(_pk("vessel")),
    "vessels:vessel_edit.pk": Param(_pk("vessel")),
    "vessels:vessel_archive.pk": Param(_pk("vessel")),
    "vessels:weapon_add.pk": Param(_pk("vessel")),
    "vessels:weapon_edit.pk": Param(_pk("vessel")),
    "vessels:weapon_remove.pk": Param(_pk("vessel")),
    "vessels.weapon_pk": Param(_pk("weapon")),
    "vessels.pk": Param(_pk("person")),  # people/<pk>/...
    "vessels.document_pk": Param(_pk("document")),
    "vessels:upload_template.category": Param(lambda refs: "crew", record=False),
    # clearance: the operator's, the officer's, documents
    "clearance.reference": Param(_ref("notification")),
    "clearance:unfinished_discard.pk": Param(_pk("unfinished")),
    "officer.reference": Param(_ref("notification")),
    "documents.reference": Param(_ref("cleared")),
    # The public verification page: anyone holding the certificate's token sees its vessel and status.
    "documents:verify.token": Param(lambda refs: refs["cleared"].verification_token, record=False),
    # screening
    "screening:watchlist.pk": Param(_pk("watchlist")),
    "screening:watchlist_settings.pk": Param(_pk("watchlist")),
    "screening:version.pk": Param(_pk("version")),
    "screening.reference": Param(_ref("lookout")),
    # risk
    "risk.reference": Param(_ref("notification")),
    "risk.kind": Param(lambda refs: "notifications", record=False),
    "risk.pk": Param(_pk("criterion")),
    "risk:hit_rule_edit.pk": Param(_pk("watchlist")),
    # cargo: the carrier's filings (by MRN), and the officers' pages of the administration of discharge
    "cargo.mrn": Param(lambda refs: refs["manifest"].mrn),
    "cargo:answer.pk": Param(_pk("referral")),
    "cargo_officer.mrn": Param(lambda refs: refs["manifest"].mrn),
    "cargo_officer:consignment.mrn": Param(lambda refs: refs["consignment"].mrn),
    "api:manifest_status.mrn": Param(lambda refs: refs["manifest"].mrn),
    "api:manifest_cusres.mrn": Param(lambda refs: refs["manifest"].mrn),
    "api:manifest_invalidate.mrn": Param(lambda refs: refs["manifest"].mrn),
    "api:referral_answer.referral_id": Param(_pk("referral")),
    # intel
    "intel:seizure_detail.reference": Param(_ref("seizure")),
    "intel:seizure_attachment.reference": Param(_ref("seizure")),
    "intel:seizure_attachment.pk": Param(_pk("attachment")),
    "intel:alert_detail.reference": Param(_ref("alert")),
    "intel:rfi_detail.reference": Param(_ref("rfi")),
    "intel:handling.record_type": Param(lambda refs: "seizure"),
    "intel:handling.reference": Param(_ref("seizure")),
    "intel:change_decide.pk": Param(_pk("change")),
    "intel:operation_detail.code": Param(lambda refs: refs["operation"].code),
    # dashboards
    "dashboards.reference": Param(_ref("assessment")),
    # training: intakes are the region's course runs, public by design to every official (each sees only
    # their own administration's participants on them); a person's enrolments, career record and
    # credentials are their administration's.
    "training.code": Param(lambda refs: refs["intake"].code, record=False),
    "training:enrolment_action.pk": Param(_pk("enrolment")),
    "training:enrolment_action.action": Param(lambda refs: "withdraw", record=False),
    "training:evaluate.pk": Param(_pk("own_enrolment")),
    "training.official_id": Param(_pk("trainee")),
    "training.token": Param(lambda refs: refs["credential"].token),
    # The public verification page: anyone holding the credential's link sees its holder's name and status.
    "training:verify.token": Param(lambda refs: refs["credential"].token, record=False),
    # The CEN export: a supervisor of the owner marks its seizures
    "partners:cen_mark.reference": Param(_ref("seizure")),
    "partners:cen_mark.action": Param(lambda refs: "mark", record=False),
    # TAXII (answers only an official's API token; the walk's signed-in sessions get 401 everywhere)
    "partners.collection_id": Param(lambda refs: "4f0c2d55-0c53-5a4e-9d1e-7a1e3c2b9f10", record=False),
    "partners.object_id": Param(lambda refs: "incident--4f0c2d55-0c53-5a4e-9d1e-7a1e3c2b9f10", record=False),
    # A partner agency's page: the secretariat's alone (every reader of the walk gets 404)
    "partners:agency.code": Param(lambda refs: "QM", record=False),
    # A TAXII subscription: its administration's supervisors and administrators see it
    "partners:subscription.pk": Param(_pk("subscription")),
    # passengers: a list of the owner's carrier to the owner's port, its traveller, an unmasking request
    "passengers.reference": Param(_ref("travel_list")),
    "passengers:traveller.pk": Param(_pk("traveller")),
    "passengers:unmask_decide.pk": Param(_pk("unmask_request")),
    "api:passenger_list_get.reference": Param(_ref("travel_list")),
    "api:passenger_list_acknowledgement.reference": Param(_ref("travel_list")),
    "api:passenger_list_cancel.reference": Param(_ref("travel_list")),
    # valuation: lines and cases are their administration's; the importer's answer page is reached by its
    # link (no account), and shows the question, not the statistics nor the officer's reason.
    "valuation:line.pk": Param(_pk("valuation_line")),
    "valuation:case.pk": Param(_pk("valuation_case")),
    "valuation:case_document.pk": Param(_pk("valuation_case")),
    "valuation:case_document.document_pk": Param(_pk("valuation_document")),
    "valuation:answer.token": Param(lambda refs: refs["valuation_token"], record=False),
    "api:case_detail.case_id": Param(_pk("valuation_case")),
    # API
    "api:seizure_get.reference": Param(_ref("seizure")),
    "api:alert_get.reference": Param(_ref("alert")),
    "api:hit_disposition.hit_id": Param(_pk("hit")),
    "api.reference": Param(_ref("notification")),
    "api.kind": Param(lambda refs: "notifications", record=False),
    "api.vessel_id": Param(_pk("vessel")),
    "api.person_id": Param(_pk("person")),
}

# Pages where the owner's marker of a kind is public by design, for every reader.
PUBLIC_MARKERS = {"documents:verify": ("vessel",), "training:verify": ("officer",)}

# Pages of a Barbados record that someone other than its owners opens, by design: the walk checks that this
# account opens it (instead of the owners), and still that nobody else does.
OPENED_BY = {"training:credential_revoke": "secretariat"}  # the regional secretariat revokes credentials

# Valid bodies for API writes on a record, by "METHOD path", so the walk reaches the record's lookup (a
# body that does not validate is answered 422 before it).
API_BODIES: dict[str, dict[str, Any]] = {
    "PUT /api/notifications/<reference>": {
        "vessel_id": 1,
        "kind": "arrival",
        "port": "BBBGI",
        "expected_at": "2030-01-01T12:00:00Z",
    },
    "POST /api/cargo/manifests/<mrn>/invalidate": {"reason": "walk"},
    "POST /api/cargo/referrals/<referral_id>/answer": {"answer": "walk"},
    "POST /api/passengers/lists/<reference>/cancel": {"reason": "walk"},
    "POST /api/risk/hits/<hit_id>/disposition": {"disposition": "false_positive", "note": "walk"},
    "POST /api/risk/<kind>/<reference>/lane": {"lane": "green", "reason": "walk"},
    "POST /api/vessels/<vessel_id>/weapons": {
        "kind": "flare_gun",
        "make": "Orion",
        "model": "12",
        "quantity": 1,
    },
    "POST /api/people/<person_id>/documents": {
        "document_type": "P",
        "number": "W1234567",
        "issuing_state": "GB",
        "expiry_date": "2035-01-01",
    },
}

# Every list is also walked searching for the markers' common stem, and asked for its export.
# Form bodies for pages that only take POST and answer an unknown request "not found" whoever asks: the
# walk posts these (rolled back), so the owners' answer shows the record is found and another's is a 404.
FORM_BODIES: dict[str, dict[str, Any]] = {
    "dashboards:assessment_action": {"action": "submit"},
    "cargo:answer": {"answer": "walk"},
    "cargo:invalidate": {"reason": "walk"},
}

SEARCH = {
    "q": "zorblax",
    "vessel": "zorblax",
    "person": "zorblax",
    "who": "zorblax",
    "tab": "all",
    "format": "csv",
}


# --- The routes ----------------------------------------------------------------------------------------
@dataclass
class Route:
    path: str  # with <converter:name> placeholders
    name: str  # namespace:url_name
    params: dict[str, str]  # name -> converter class name
    api_methods: set[str] = field(default_factory=set)  # for API routes: the methods the API declares
    opened: list[bool] = field(default_factory=list)  # whether each owner could open the page

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if ":" in self.name else ""

    @property
    def is_api(self) -> bool:
        return self.namespace == "api"


def _routes() -> list[Route]:
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                path = prefix + str(pattern.pattern)
                converters = getattr(pattern.pattern, "converters", {})
                params = {name: type(conv).__name__ for name, conv in converters.items()}
                if not converters and isinstance(pattern.pattern.regex.pattern, str):
                    # A regular-expression route: its named groups are its parameters.
                    params = {name: "regex" for name in pattern.pattern.regex.groupindex}
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or path)
                # The API declares one pattern per operation on the same path: one route per path.
                if path in found:
                    continue
                found[path] = Route(path=path, name=name, params=params)

    walk(get_resolver().url_patterns, "/", "")
    from caribclear.api import api

    api_paths: dict[str, set[str]] = {}
    for prefix, router in api._routers:
        for sub, path_view in router.path_operations.items():
            full = "/api" + ("" if prefix == "/" else prefix.rstrip("/")) + re.sub(r"{(\w+)}", r"<\1>", sub)
            for operation in path_view.operations:
                api_paths.setdefault(full.replace("//", "/"), set()).update(operation.methods)
    for path, methods in api_paths.items():
        assert path in found, f"The API route {path} is not in the URL resolver"
        found[path].api_methods = methods
    return list(found.values())


def _param(route: Route, name: str) -> Param | None:
    for key in (f"{route.name}.{name}", f"{route.namespace}.{name}", name):
        if key in PARAMS:
            return PARAMS[key]
    return None


def _fill(route: Route, refs: dict[str, Any]) -> tuple[str, bool, list[str]]:
    """The concrete path, whether it addresses a record, and the parameters that could not be filled."""
    path = route.path
    missing = []
    addresses_record = False
    for name in route.params:
        param = _param(route, name)
        if param is None:
            missing.append(name)
            continue
        addresses_record |= param.record
        path = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(param.fill(refs)), path)
    return path.replace("^", "").replace("$", ""), addresses_record, missing


# --- What changes ---------------------------------------------------------------------------------------
IGNORED_FIELDS = {"last_used_at", "last_login"}


def fingerprint() -> str:
    """A digest of every record of every kind the visibility layer knows (which is every kind a page
    shows): a write that slipped through changes it."""
    digest = hashlib.sha256()
    for model in registered_models():
        for row in model._default_manager.order_by("pk").values():
            digest.update(
                json.dumps({k: v for k, v in row.items() if k not in IGNORED_FIELDS}, default=str).encode()
            )
    return digest.hexdigest()


# --- The walk ------------------------------------------------------------------------------------------
@pytest.fixture
def world(tmp_path: Any, settings: Any) -> Iterator[World]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield build_world(tmp_path)


def _clients(world: World) -> dict[str, Client]:
    clients = {"": Client(raise_request_exception=False)}
    for key in ("operator_AG", "official_AG", "official_BB", "operator_BB", *OPENED_BY.values()):
        clients[key] = sign_in(Client(raise_request_exception=False), world.users[key])
    return clients


def _request(
    client: Client, method: str, path: str, token: str, *, api: bool, data: Any = None
) -> tuple[Any, str | None]:
    """One request in its own savepoint, rolled back: the walk's records stay as they were. Returns the
    response and, for a write, the records' fingerprint just after it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    after = None
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, data or {}, headers=headers)
        elif api:
            headers["Idempotency-Key"] = f"walk-{hashlib.sha256(path.encode()).hexdigest()[:20]}-{method}"
            response = client.generic(
                method, path, json.dumps(data or {}), content_type="application/json", headers=headers
            )
            after = fingerprint()
        else:
            response = client.post(path, data or {}, headers=headers)
            after = fingerprint()
        transaction.set_rollback(True)
    return response, after


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_every_route_shows_each_reader_only_what_it_may_see(world: World) -> None:
    routes = _routes()
    clients = _clients(world)
    before = fingerprint()
    failures: list[str] = []
    walked = 0
    seen: dict[str, set[str]] = {reader.key: set() for reader in READERS}
    every_marker = _markers(OPERATOR_KINDS + OFFICIAL_KINDS, OTHER, OWNER)

    for route in sorted(routes, key=lambda r: r.path):
        path, record, missing = _fill(route, world.refs)
        if missing:
            failures.append(
                f"{route.name} ({route.path}): cannot fill {', '.join(missing)}. Add "
                f"'{route.name}.{missing[0]}' to PARAMS in caribclear/tests/test_access_walk.py with a "
                f"record of the owning administration ({OWNER}), so the walk checks who may open it."
            )
            continue
        public = PUBLIC_MARKERS.get(route.name, ())
        get_allowed = not route.is_api or "GET" in route.api_methods
        writes = sorted(route.api_methods - {"GET"}) if route.is_api else ["POST"]
        for reader in READERS:
            client = clients[reader.key]
            token = world.tokens.get(reader.key, "") if route.is_api else ""
            forbidden = [m for m in reader.forbidden if not any(m == marker(k, OWNER) for k in public)]
            variants = [{}] if record else [{}, SEARCH]
            owner_opened = False
            for query in variants if get_allowed else []:
                response, _after = _request(client, "GET", path, token, api=route.is_api, data=query)
                walked += 1
                where = f"GET {path}{'?…' if query else ''} as {reader.key or 'anonymous'}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                    continue
                body = _body(response).lower()
                seen[reader.key].update(m for m in every_marker if m.lower() in body)
                shown = [m for m in forbidden if m.lower() in body]
                if shown:
                    failures.append(f"{where}: shows {', '.join(shown)}")
                # 405: a page that only takes POST answers a GET the same way whoever asks.
                if record and not reader.owner and response.status_code not in (302, 401, 404, 405):
                    failures.append(f"{where}: {response.status_code}, not 'not found'")
                if record and reader.owner and response.status_code == 405:
                    # A page that only takes POST: the owner's POST (rolled back) must find the record.
                    form = FORM_BODIES.get(route.name)
                    response, _after = _request(client, "POST", path, token, api=route.is_api, data=form)
                if record and reader.owner and response.status_code not in (404, 405):
                    owner_opened = True
            if record and reader.owner:
                # Either owner (the operator or the official) opens it; checked after both below.
                route.opened.append(owner_opened)
            if not record or reader.owner:
                continue
            for method in writes:
                payload = (
                    API_BODIES.get(f"{method} {route.path}", {})
                    if route.is_api
                    else FORM_BODIES.get(route.name, {})
                )
                response, after = _request(client, method, path, token, api=route.is_api, data=payload)
                walked += 1
                where = f"{method} {path} as {reader.key or 'anonymous'}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                elif response.status_code == 422:
                    failures.append(f"{where}: 422: give API_BODIES['{method} {route.path}'] a valid body")
                elif response.status_code not in (302, 401, 404, 405):
                    failures.append(f"{where}: {response.status_code}, not 'not found'")
                if after != before:
                    failures.append(f"{where}: changed records")
        if record and get_allowed and route.name in OPENED_BY:
            opener = OPENED_BY[route.name]
            response, _after = _request(clients[opener], "GET", path, "", api=route.is_api)
            walked += 1
            if response.status_code in (404, 405) or response.status_code >= 500:
                failures.append(
                    f"GET {path}: {opener} cannot open it ({response.status_code}): PARAMS fills "
                    f"{route.name} with the wrong record, so the walk proves nothing there"
                )
        elif record and get_allowed and not any(route.opened):
            failures.append(
                f"GET {path}: its owners ({OWNER}) cannot open it either: PARAMS fills "
                f"{route.name} with the wrong record, so the walk proves nothing there"
            )

    assert not failures, f"{len(failures)} access failures:\n" + "\n".join(failures)
    assert walked > 300
    # The markers are really on the pages, for those who may see them: the walk can see a leak.
    assert set(_markers(OPERATOR_KINDS + OFFICIAL_KINDS, OWNER)) <= seen["official_BB"]
    assert set(_markers(OPERATOR_KINDS, OWNER)) <= seen["operator_BB"]
