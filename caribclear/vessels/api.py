"""API for an operator's vessels, people on board and their travel documents, and an MRZ reader.

A token sees only its own account's records; anything else is 404. POSTs are idempotent (Idempotency-Key).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from caribclear.accounts.api_auth import operator_token
from caribclear.accounts.models import User
from caribclear.core.api_kit import BodyIn, Date, Id, Text
from caribclear.core.problems import problem_response

from . import selectors, services
from .choices import DocumentType, PersonCategory, Sex, VesselType, WeaponKind
from .models import Person, TravelDocument, Vessel, Weapon
from .mrz import MrzCheckDigitError, MrzError, parse_mrz

router = Router(tags=["vessels and people"], auth=operator_token)  # officials have no vessels or people


Country = Annotated[str, Field(min_length=2, max_length=2, description="ISO 3166 alpha-2 code, e.g. BB")]
IMO_NUMBER = (
    "IMO ship identification number, if the vessel has one: seven digits whose last is the check digit. "
    "'IMO 9074729' is accepted and stored as 9074729; empty for none."
)
DOCUMENT_TYPES = "P passport, I identity card, S seafarer's document, O other"
Measure = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, allow_inf_nan=False)]


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User) and user.is_operator  # the router's auth lets only operators in
    return user


# --- Schemas ---------------------------------------------------------------------------------------


class VesselIn(BodyIn):
    name: Text(100)  # type: ignore[valid-type]
    vessel_type: VesselType
    flag: Country
    registration_number: Text(40)  # type: ignore[valid-type]
    port_of_registry: Text(100)  # type: ignore[valid-type]
    call_sign: Text(12) = ""  # type: ignore[valid-type]
    mmsi: Text(9) = Field("", description="Nine digits")  # type: ignore[valid-type]
    imo_number: Text(20) = Field("", description=IMO_NUMBER)  # type: ignore[valid-type]
    hull_id: Text(20) = ""  # type: ignore[valid-type]
    length_m: Measure
    gross_tonnage: Measure | None = None
    hull_colour: Text(40) = ""  # type: ignore[valid-type]
    masts: Annotated[int, Field(ge=0, le=10)] = 0
    engine: Text(100) = ""  # type: ignore[valid-type]
    owner_name: Text(150)  # type: ignore[valid-type]
    owner_address: Text(300) = ""  # type: ignore[valid-type]
    owner_email: Text(254) = ""  # type: ignore[valid-type]
    owner_phone: Text(40) = ""  # type: ignore[valid-type]
    contact_name: Text(150) = ""  # type: ignore[valid-type]
    contact_phone: Text(40) = ""  # type: ignore[valid-type]
    contact_email: Text(254) = ""  # type: ignore[valid-type]


class VesselPatchIn(BodyIn):
    name: Text(100) | None = None  # type: ignore[valid-type]
    vessel_type: VesselType | None = None
    flag: Country | None = None
    registration_number: Text(40) | None = None  # type: ignore[valid-type]
    port_of_registry: Text(100) | None = None  # type: ignore[valid-type]
    call_sign: Text(12) | None = None  # type: ignore[valid-type]
    mmsi: Text(9) | None = None  # type: ignore[valid-type]
    imo_number: Text(20) | None = Field(None, description=IMO_NUMBER)  # type: ignore[valid-type]
    hull_id: Text(20) | None = None  # type: ignore[valid-type]
    length_m: Measure | None = None
    gross_tonnage: Measure | None = None
    hull_colour: Text(40) | None = None  # type: ignore[valid-type]
    masts: Annotated[int, Field(ge=0, le=10)] | None = None
    engine: Text(100) | None = None  # type: ignore[valid-type]
    owner_name: Text(150) | None = None  # type: ignore[valid-type]
    owner_address: Text(300) | None = None  # type: ignore[valid-type]
    owner_email: Text(254) | None = None  # type: ignore[valid-type]
    owner_phone: Text(40) | None = None  # type: ignore[valid-type]
    contact_name: Text(150) | None = None  # type: ignore[valid-type]
    contact_phone: Text(40) | None = None  # type: ignore[valid-type]
    contact_email: Text(254) | None = None  # type: ignore[valid-type]
    is_archived: bool | None = None


class WeaponIn(BodyIn):
    kind: WeaponKind = WeaponKind.FIREARM
    make: Text(60) = ""  # type: ignore[valid-type]
    model: Text(60) = ""  # type: ignore[valid-type]
    serial_number: Text(60) = ""  # type: ignore[valid-type]
    calibre: Text(30) = ""  # type: ignore[valid-type]
    quantity: Annotated[int, Field(ge=1, le=1_000_000)] = 1


class WeaponOut(Schema):
    id: int
    kind: str
    make: str
    model: str
    serial_number: str
    calibre: str
    quantity: int


class VesselOut(Schema):
    id: int
    name: str
    vessel_type: str
    flag: str
    registration_number: str
    port_of_registry: str
    call_sign: str
    mmsi: str
    imo_number: str = Field(description="Seven digits without the IMO prefix, or empty")
    hull_id: str
    length_m: Decimal
    gross_tonnage: Decimal | None
    hull_colour: str
    masts: int
    engine: str
    owner_name: str
    owner_address: str
    owner_email: str
    owner_phone: str
    contact_name: str
    contact_phone: str
    contact_email: str
    is_archived: bool
    weapons: list[WeaponOut]


class DocumentIn(BodyIn):
    document_type: DocumentType = Field(DocumentType.PASSPORT, description=DOCUMENT_TYPES)
    number: Text(20)  # type: ignore[valid-type]
    issuing_state: Country
    expiry_date: Date
    mrz: Text(200) = Field("", description="The MRZ as read from the document, if any")  # type: ignore[valid-type]


class DocumentOut(Schema):
    id: int
    document_type: str
    number: str
    issuing_state: str
    expiry_date: dt.date
    is_expired: bool
    mrz: str


class PersonIn(BodyIn):
    surname: Text(100)  # type: ignore[valid-type]
    given_names: Text(150) = ""  # type: ignore[valid-type]
    sex: Sex = Field(description="F, M or X")
    date_of_birth: Date
    place_of_birth: Text(100) = ""  # type: ignore[valid-type]
    nationality: Country
    category: PersonCategory = PersonCategory.CREW
    rank: Text(60) = ""  # type: ignore[valid-type]
    port_of_embarkation: Text(100) = ""  # type: ignore[valid-type]
    port_of_disembarkation: Text(100) = ""  # type: ignore[valid-type]
    in_transit: bool = False
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)


class PersonPatchIn(BodyIn):
    surname: Text(100) | None = None  # type: ignore[valid-type]
    given_names: Text(150) | None = None  # type: ignore[valid-type]
    sex: Sex | None = None
    date_of_birth: Date | None = None
    place_of_birth: Text(100) | None = None  # type: ignore[valid-type]
    nationality: Country | None = None
    category: PersonCategory | None = None
    rank: Text(60) | None = None  # type: ignore[valid-type]
    port_of_embarkation: Text(100) | None = None  # type: ignore[valid-type]
    port_of_disembarkation: Text(100) | None = None  # type: ignore[valid-type]
    in_transit: bool | None = None
    is_archived: bool | None = None


class PersonOut(Schema):
    id: int
    surname: str
    given_names: str
    sex: str
    date_of_birth: dt.date
    place_of_birth: str
    nationality: str
    category: str
    rank: str
    port_of_embarkation: str
    port_of_disembarkation: str
    in_transit: bool
    is_archived: bool
    documents: list[DocumentOut]


class MrzIn(BodyIn):
    mrz: Text(400) = Field(description="The two (passport, TD2) or three (ID card, TD1) MRZ lines")  # type: ignore[valid-type]


class MrzOut(Schema):
    format: str
    document_code: str
    document_type: str
    issuing_state_code: str
    issuing_state: str | None
    surname: str
    given_names: str
    document_number: str
    nationality_code: str
    nationality: str | None
    date_of_birth: dt.date
    sex: str
    expiry_date: dt.date
    is_expired: bool
    optional_data: str
    mrz: str
    notes: list[str]


# --- Serialisers -----------------------------------------------------------------------------------


def _vessel_out(vessel: Vessel) -> dict[str, Any]:
    data = {name: getattr(vessel, name) for name in services.VESSEL_FIELDS}
    data.update(id=vessel.pk, flag=str(vessel.flag), is_archived=vessel.is_archived)
    data["weapons"] = [_weapon_out(w) for w in vessel.weapons.all()]
    return data


def _weapon_out(weapon: Weapon) -> dict[str, Any]:
    return {"id": weapon.pk, **{name: getattr(weapon, name) for name in services.WEAPON_FIELDS}}


def _document_out(document: TravelDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "document_type": document.document_type,
        "number": document.number,
        "issuing_state": str(document.issuing_state),
        "expiry_date": document.expiry_date,
        "is_expired": document.is_expired,
        "mrz": document.mrz,
    }


def _person_out(person: Person) -> dict[str, Any]:
    data = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    data.update(
        id=person.pk,
        nationality=str(person.nationality),
        is_archived=person.is_archived,
        documents=[_document_out(d) for d in person.documents.all()],
    )
    return data


# --- Vessels ---------------------------------------------------------------------------------------


@router.get("/vessels", response=list[VesselOut], url_name="vessel_list")
def vessel_list(
    request: HttpRequest,
    archived: Annotated[bool, Query(description="Include archived vessels")] = False,
) -> list[dict[str, Any]]:
    vessels = selectors.vessels_for(_user(request), include_archived=archived).prefetch_related("weapons")
    return [_vessel_out(v) for v in vessels]


@router.post("/vessels", response={201: VesselOut}, url_name="vessel_create")
def vessel_create(request: HttpRequest, payload: VesselIn) -> Status[dict[str, Any]]:
    vessel = services.vessel_create(actor=_user(request), data=payload.dict())
    return Status(201, _vessel_out(vessel))


def _vessel(request: HttpRequest, vessel_id: int) -> Vessel:
    return get_object_or_404(
        selectors.vessels_for(_user(request), include_archived=True).prefetch_related("weapons"), pk=vessel_id
    )


@router.get("/vessels/{vessel_id}", response=VesselOut, url_name="vessel_get")
def vessel_get(request: HttpRequest, vessel_id: Id) -> dict[str, Any]:
    return _vessel_out(_vessel(request, vessel_id))


@router.patch("/vessels/{vessel_id}", response=VesselOut, url_name="vessel_update")
def vessel_update(request: HttpRequest, vessel_id: Id, payload: VesselPatchIn) -> dict[str, Any]:
    """Change the fields sent; `is_archived` archives or restores the vessel."""
    user = _user(request)
    vessel = _vessel(request, vessel_id)
    fields = payload.dict(exclude_unset=True)
    archived = fields.pop("is_archived", None)
    vessel = services.vessel_update(actor=user, vessel=vessel, data=fields)
    if archived is not None:
        vessel = services.vessel_archive(actor=user, vessel=vessel, archived=archived)
    return _vessel_out(_vessel(request, vessel.pk))


@router.post("/vessels/{vessel_id}/weapons", response={201: WeaponOut}, url_name="weapon_add")
def weapon_add(request: HttpRequest, vessel_id: Id, payload: WeaponIn) -> Status[dict[str, Any]]:
    weapon = services.weapon_add(
        actor=_user(request), vessel=_vessel(request, vessel_id), data=payload.dict()
    )
    return Status(201, _weapon_out(weapon))


# --- People ----------------------------------------------------------------------------------------


@router.get("/people", response=list[PersonOut], url_name="person_list")
def person_list(
    request: HttpRequest,
    archived: Annotated[bool, Query(description="Include archived people")] = False,
) -> list[dict[str, Any]]:
    return [_person_out(p) for p in selectors.people_for(_user(request), include_archived=archived)]


def _person(request: HttpRequest, person_id: int) -> Person:
    return get_object_or_404(selectors.people_for(_user(request), include_archived=True), pk=person_id)


@router.post("/people", response={201: PersonOut}, url_name="person_create")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    documents = data.pop("documents")
    person = services.person_create(actor=_user(request), data=data, documents=documents)
    return Status(201, _person_out(_person(request, person.pk)))


@router.get("/people/{person_id}", response=PersonOut, url_name="person_get")
def person_get(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    return _person_out(_person(request, person_id))


@router.patch("/people/{person_id}", response=PersonOut, url_name="person_update")
def person_update(request: HttpRequest, person_id: Id, payload: PersonPatchIn) -> dict[str, Any]:
    """Change the fields sent; `is_archived` archives the person or puts them back on the list."""
    user = _user(request)
    person = _person(request, person_id)
    fields = payload.dict(exclude_unset=True)
    archived = fields.pop("is_archived", None)
    person = services.person_update(actor=user, person=person, data=fields)
    if archived is not None:
        person = services.person_archive(actor=user, person=person, archived=archived)
    return _person_out(_person(request, person.pk))


@router.post("/people/{person_id}/documents", response={201: DocumentOut}, url_name="document_add")
def document_add(request: HttpRequest, person_id: Id, payload: DocumentIn) -> Status[dict[str, Any]]:
    document = services.document_add(
        actor=_user(request), person=_person(request, person_id), data=payload.dict()
    )
    return Status(201, _document_out(document))


# --- MRZ -------------------------------------------------------------------------------------------


@router.post(
    "/mrz/parse",
    response={200: MrzOut},
    url_name="mrz_parse",
    summary="Read a passport or ID card MRZ (ICAO 9303 TD1, TD2, TD3) and verify its check digits",
)
def mrz_parse(request: HttpRequest, payload: MrzIn) -> HttpResponse | dict[str, Any]:
    """Returns the fields, or a 422 problem whose `errors` say which check digit failed (field, line,
    position, expected and found digit). Nothing is stored."""
    _user(request)
    try:
        result = parse_mrz(payload.mrz)
    except MrzCheckDigitError as error:
        return problem_response(
            request,
            status=422,
            type_="mrz-check-digit",
            title="An MRZ check digit does not match",
            detail=str(error),
            errors=[
                {
                    "field": failure.field,
                    "message": failure.message,
                    "line": failure.line,
                    "position": failure.position,
                    "expected": failure.expected,
                    "found": failure.found,
                }
                for failure in error.failures
            ],
        )
    except MrzError as error:
        return problem_response(
            request,
            status=422,
            type_="mrz-invalid",
            title="This is not a machine-readable zone that can be read",
            detail=str(error),
            errors=[{"field": error.field, "message": str(error)}],
        )
    data = result.as_dict()
    data["is_expired"] = result.is_expired()
    return data
