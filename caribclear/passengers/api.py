"""Passenger and crew lists API for carriers' systems (airlines, cruise lines, ferry and charter operators).

- ``POST /passengers/lists``: one list as JSON (batch mode); ``POST /passengers/lists/file``: a PAXLST,
  CSV or XLSX file (every message in it). The answer is the acknowledgement per list: its reference,
  version, what changed, the warnings. Resending the same list (or a change) updates the flight's one list.
- ``POST /passengers/boarding-checks``: interactive mode: one passenger or a few of a flight; the answer
  per passenger is OK TO BOARD (0Z), NOT TO BOARD (1Z) or CONTACT THE AUTHORITY (2Z) with reason codes,
  as JSON or, with ``?format=cusres``, as UN/EDIFACT CUSRES.
- ``GET /passengers/lists``, ``GET /passengers/lists/{reference}`` (with each traveller's answer),
  ``GET /passengers/lists/{reference}/acknowledgement`` (JSON or CUSRES), ``POST .../cancel``.

Every POST needs an ``Idempotency-Key``. A file that cannot be read is a 422 problem whose ``errors`` say
where (line, segment and its position, element; row and column); a token of an operator who files for
no carrier is a 404, like any other record one may not see.
"""

# No `from __future__ import annotations`: django-ninja reads the endpoint parameter types at run time.
import datetime as dt
import hashlib
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, FilterSchema, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from caribclear.accounts.api_auth import operator_token
from caribclear.accounts.models import User
from caribclear.core.api_kit import BodyIn, LimitOffset, NoNul, Problem, Reference, ShortText
from caribclear.core.problems import problem_response
from caribclear.edifact.cusres import Answer as CusresAnswer
from caribclear.edifact.cusres import ResponseFlight, write_cusres
from caribclear.edifact.limits import MAX_BYTES

from . import selectors, services
from .choices import Answer, ListStatus
from .models import Carrier, Traveller, TravelList
from .readers import FORMATS, Flight, Leg, PassengerList, Person, TravelDocument
from .readers.model import Where, flight_number

router = Router(tags=["passenger lists"], auth=operator_token)

Code = Annotated[str, Field(min_length=3, max_length=5, pattern=r"^[A-Za-z0-9]+$"), NoNul]
Country = Annotated[str, Field(max_length=3, pattern=r"^[A-Za-z]{0,3}$"), NoNul]
Short = Annotated[str, Field(max_length=40), NoNul]
Name = Annotated[str, Field(max_length=100), NoNul]


# --- Schemas --------------------------------------------------------------------------------------------
class TravellerDocumentIn(BodyIn):
    type: Annotated[str, Field(max_length=3), NoNul] = Field(
        "P", description="P passport, I identity card..."
    )
    number: Annotated[str, Field(min_length=1, max_length=30), NoNul]
    issuing_state: Country = Field("", description="ISO 3166 alpha-3 (or alpha-2)")
    expiry: dt.date | None = None


class TravellerIn(BodyIn):
    role: Literal["passenger", "crew"] = "passenger"
    surname: Annotated[str, Field(min_length=1, max_length=100), NoNul]
    given_names: Name = ""
    gender: Literal["M", "F", "X", "U", ""] = ""
    date_of_birth: dt.date | None = None
    nationality: Country = ""
    documents: list[TravellerDocumentIn] = Field(default_factory=list, max_length=5)
    place_of_birth: Name = ""
    country_of_residence: Country = ""
    reservation_locator: Annotated[str, Field(max_length=20), NoNul] = ""
    seat: Annotated[str, Field(max_length=8), NoNul] = ""
    bags: int | None = Field(None, ge=0, le=99)
    in_transit: bool = False


class FlightIn(BodyIn):
    carrier: Annotated[str, Field(max_length=12), NoNul] = Field("", description="designator, e.g. BW")
    number: Annotated[str, Field(min_length=1, max_length=20), NoNul] = Field(description="BW484 or a voyage")
    vessel_name: Name = ""
    vessel_id: Annotated[str, Field(max_length=20), NoNul] = Field("", description="IMO number or call sign")
    departure_port: Code = Field(description="IATA airport code or UN/LOCODE")
    departure_local: dt.datetime | None = Field(None, description="local time at the port of departure")
    arrival_port: Code
    arrival_local: dt.datetime | None = Field(None, description="local time at the port of arrival")


class PassengerListIn(BodyIn):
    flight: FlightIn
    kind: Literal["passengers", "crew"] = Field("passengers", description="a passenger list or a crew list")
    filing: Literal["original", "replace", "change", "remove", "close"] = Field(
        "original",
        description="original or replace: the whole list; change: these people are added or updated; "
        "remove: these people are taken off; close: the flight left with these people on board",
    )
    travellers: list[TravellerIn] = Field(max_length=10_000)


class BoardingCheckIn(BodyIn):
    flight: FlightIn
    travellers: list[TravellerIn] = Field(min_length=1, max_length=20)


class AcknowledgementOut(Schema):
    reference: str
    version: int
    filing: str
    status: ListStatus
    administration: str
    passengers: int
    crew: int
    added: int
    changed: int
    removed: int
    warnings: list[dict[str, Any]]


class FileAcknowledgementOut(Schema):
    format: str
    lists: list[AcknowledgementOut]
    warnings: list[dict[str, Any]]


class AnswerOut(Schema):
    traveller: int
    surname: str
    given_names: str
    document_number: str
    answer: Answer | Literal[""]
    answer_text: str
    reasons: list[str]
    default_answer: bool


class BoardingAnswersOut(Schema):
    reference: str
    answers: list[AnswerOut]


class TravellerOut(Schema):
    id: int
    role: str
    surname: str
    given_names: str
    date_of_birth: dt.date | None
    nationality: str
    removed: bool
    answer: str
    reasons: list[str]


class ListOut(Schema):
    reference: str
    status: ListStatus
    version: int
    kind: str
    carrier: str
    number: str
    departure_port: str
    arrival_port: str
    departure_at: dt.datetime | None
    arrival_at: dt.datetime | None


class ListDetailOut(ListOut):
    travellers: list[TravellerOut]


class ListFilter(FilterSchema):
    status: ListStatus | None = Field(None, description="Only lists in this status")


class CancelListIn(BodyIn):
    reason: ShortText = ""


# --- Helpers --------------------------------------------------------------------------------------------
def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _carrier(request: HttpRequest) -> Carrier:
    carrier = selectors.carrier_for(_user(request))
    if carrier is None:
        raise Http404
    return carrier


def _carrier_kept(request: HttpRequest) -> Carrier:
    """``_carrier`` for the interactive check, kept as long as what it screens against
    (``services.kept_for``: a second), so a check-in system's stream of check-ins asks once a second."""
    user = _user(request)
    carrier = services.kept_for(("carrier", user.pk), lambda: selectors.carrier_for(user))
    if carrier is None:
        raise Http404
    return carrier


def _parsed(
    flight: FlightIn, travellers: list[TravellerIn], carrier: Carrier, crew_list: bool
) -> PassengerList:
    legs = [
        Leg(
            departure_port=flight.departure_port.upper(),
            departure_local=flight.departure_local,
            arrival_port=flight.arrival_port.upper(),
            arrival_local=flight.arrival_local,
        )
    ]
    people = [
        Person(
            role=t.role,
            surname=t.surname.strip(),
            given_names=t.given_names.strip(),
            gender=t.gender,
            date_of_birth=t.date_of_birth,
            nationality=t.nationality.upper(),
            documents=[
                TravelDocument(
                    type=d.type,
                    number=d.number.strip(),
                    issuing_state=d.issuing_state.upper(),
                    expiry=d.expiry,
                )
                for d in t.documents
            ],
            place_of_birth=t.place_of_birth,
            country_of_residence=t.country_of_residence.upper(),
            reservation_locator=t.reservation_locator,
            seat=t.seat,
            bags=t.bags,
            in_transit=t.in_transit,
            where=Where(element=f"travellers.{index}"),
        )
        for index, t in enumerate(travellers)
    ]
    return PassengerList(
        reference="api",
        document_code="250" if crew_list else "745",
        flight=Flight(
            carrier=flight.carrier or carrier.code,
            number=flight_number(flight.carrier or carrier.code, flight.number),
            conveyance_reference=flight.number,
            vessel_name=flight.vessel_name,
            vessel_id=flight.vessel_id,
            legs=legs,
        ),
        people=people,
    )


def _ack(filing: services.Filing) -> dict[str, Any]:
    v, t = filing.version, filing.travel_list
    return {
        "reference": t.reference,
        "version": v.number,
        "filing": v.function,
        "status": t.status,
        "administration": t.administration.code,
        "passengers": v.passengers,
        "crew": v.crew,
        "added": v.added,
        "changed": v.changed,
        "removed": v.removed,
        "warnings": v.warnings,
    }


def _answer_out(a: services.BoardingAnswer) -> dict[str, Any]:
    t = a.traveller
    return {
        "traveller": t.pk,
        "surname": t.surname,
        "given_names": t.given_names,
        "document_number": next((d.number for d in t.documents.all() if d.number), ""),
        "answer": a.answer,
        "answer_text": str(Answer(a.answer).label) if a.answer else "",
        "reasons": list(a.reasons),
        "default_answer": a.defaulted,
    }


def _cusres(
    travel_list: TravelList, answers: list[services.BoardingAnswer], responding_to: str
) -> HttpResponse:
    prepared = timezone.now()
    departure = travel_list.departure_at
    arrival = travel_list.arrival_at
    flight = ResponseFlight(
        reference=f"{travel_list.carrier.code}{travel_list.number}"
        if not travel_list.number.startswith(travel_list.carrier.code)
        else travel_list.number,
        departure_port=travel_list.departure_port_code,
        departure_local=departure.astimezone(_zone(travel_list.departure_port)) if departure else None,
        arrival_port=travel_list.arrival_port_code,
        arrival_local=arrival.astimezone(_zone(travel_list.arrival_port)) if arrival else None,
    )
    body = write_cusres(
        sender=f"CARIBCLEAR{travel_list.administration.code}",
        recipient=travel_list.carrier.code,
        control_reference=travel_list.reference.replace("-", ""),
        responding_to=responding_to[:35],
        answers=[
            CusresAnswer(
                status=a.answer,
                references={"AVF": a.traveller.reservation_locator}
                if a.traveller.reservation_locator
                else {},
                reasons=list(a.reasons),
                text=" ".join(services.REASONS[r] for r in a.reasons),
                surname=a.traveller.surname,
                given_names=a.traveller.given_names,
                document_number=next((d.number for d in a.traveller.documents.all() if d.number), ""),
            )
            for a in answers
        ],
        prepared=prepared,
        flight=flight,
    )
    return HttpResponse(body, content_type="application/EDIFACT")


def _zone(port: Any) -> dt.tzinfo:
    from caribclear.reference.timezones import port_zone

    return port_zone(port) if port is not None and port.time_zone else dt.UTC


def _problem_for_validation(request: HttpRequest, error: ValidationError) -> HttpResponse:
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    errors = [
        {
            "field": f"flight.{name}" if name in ("arrival_port", "departure_port", "number") else name,
            "message": str(m),
        }
        for name, messages in items
        for m in messages
    ]
    return problem_response(
        request,
        status=422,
        type_="validation-error",
        title="The list cannot be filed",
        detail="; ".join(e["message"] for e in errors),
        errors=errors,
    )


def _list_out(t: TravelList) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "status": t.status,
        "version": t.version,
        "kind": t.kind,
        "carrier": t.carrier.code,
        "number": t.number,
        "departure_port": t.departure_port_code,
        "arrival_port": t.arrival_port_code,
        "departure_at": t.departure_at,
        "arrival_at": t.arrival_at,
    }


# --- Endpoints ------------------------------------------------------------------------------------------
@router.post(
    "/lists",
    response={201: AcknowledgementOut, 422: Problem},
    url_name="passenger_list_file",
    summary="File a list as JSON (batch)",
)
def file_list(request: HttpRequest, payload: PassengerListIn) -> Any:
    carrier = _carrier(request)
    parsed = _parsed(payload.flight, payload.travellers, carrier, payload.kind == "crew")
    try:
        filing = services.passenger_list_file(
            actor=_user(request),
            carrier=carrier,
            parsed=parsed,
            source_format="json",
            sha256=hashlib.sha256(request.body).hexdigest(),
            function=payload.filing,
        )
    except ValidationError as error:
        return _problem_for_validation(request, error)
    return Reply(201, _ack(filing))


@router.post(
    "/lists/file",
    response={201: FileAcknowledgementOut, 422: Problem},
    url_name="passenger_list_upload",
    summary="File a PAXLST, CSV or XLSX file",
)
def upload_list(
    request: HttpRequest,
    file: File[UploadedFile],
    format: Literal["auto", "paxlst", "csv", "xlsx"] = "auto",
) -> Any:
    carrier = _carrier(request)
    data = file.read(MAX_BYTES + 1)
    outcome = services.passenger_list_import(
        actor=_user(request), data=data, format=format, carrier=carrier, max_bytes=MAX_BYTES
    )
    if not outcome.ok:
        report = outcome.to_json()
        errors = report["errors"] or [
            {"code": "empty", "message": "The file holds no passenger list.", "where": {}}
        ]
        return problem_response(
            request,
            status=422,
            type_="unreadable-file",
            title="The file cannot be filed",
            detail="; ".join(
                f"{e['message']} ({', '.join(f'{k} {v}' for k, v in e.get('where', {}).items()) or 'file'})"
                for e in errors
            ),
            errors=errors,
            warnings=report["warnings"],
            format=report["format"],
        )
    return Reply(
        201,
        {
            "format": outcome.result.format,
            "lists": [_ack(f) for f in outcome.filings],
            "warnings": [w.to_json() for w in outcome.result.warnings],
        },
    )


@router.post(
    "/boarding-checks",
    response={200: BoardingAnswersOut, 422: Problem},
    url_name="boarding_check",
    summary="Interactive: answer OK TO BOARD, NOT TO BOARD or CONTACT THE AUTHORITY per passenger",
)
def boarding_check(
    request: HttpRequest, payload: BoardingCheckIn, format: Literal["json", "cusres"] = "json"
) -> Any:
    carrier = _carrier_kept(request)
    parsed = _parsed(payload.flight, payload.travellers, carrier, crew_list=False)
    try:
        travel_list, answers = services.boarding_check(actor=_user(request), carrier=carrier, parsed=parsed)
    except ValidationError as error:
        return _problem_for_validation(request, error)
    if format == "cusres":
        return _cusres(travel_list, answers, responding_to=travel_list.reference)
    return {"reference": travel_list.reference, "answers": [_answer_out(a) for a in answers]}


@router.get("/lists", response=list[ListOut], url_name="passenger_lists")
@paginate(LimitOffset)
def lists(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    _carrier(request)
    qs = selectors.lists_for(_user(request)).order_by("-filed_at", "-pk")
    return [_list_out(t) for t in filters.filter(qs)]


@router.get("/lists/{reference}", response=ListDetailOut, url_name="passenger_list_get")
def get_list(request: HttpRequest, reference: Reference) -> Any:
    _carrier(request)
    user = _user(request)
    travel_list = selectors.list_for(user, reference)
    travellers: list[Traveller] = list(selectors.travellers_of(user, travel_list))
    return {
        **_list_out(travel_list),
        "travellers": [
            {
                "id": t.pk,
                "role": t.role,
                "surname": t.surname,
                "given_names": t.given_names,
                "date_of_birth": t.date_of_birth,
                "nationality": t.nationality,
                "removed": t.removed_in is not None,
                "answer": t.answer,
                "reasons": t.answer_reasons,
            }
            for t in travellers
        ],
    }


@router.get(
    "/lists/{reference}/acknowledgement",
    response={200: BoardingAnswersOut},
    url_name="passenger_list_acknowledgement",
    summary="The answer for everyone on the list (JSON, or CUSRES with ?format=cusres)",
)
def acknowledgement(
    request: HttpRequest, reference: Reference, format: Literal["json", "cusres"] = "json"
) -> Any:
    user = _user(request)
    travel_list = selectors.list_for(user, reference)
    travellers = [t for t in selectors.travellers_of(user, travel_list) if t.removed_in is None]
    answers = services.answers_for(travel_list, travellers)
    if format == "cusres":
        return _cusres(travel_list, answers, responding_to=travel_list.reference)
    return {"reference": travel_list.reference, "answers": [_answer_out(a) for a in answers]}


@router.post(
    "/lists/{reference}/cancel",
    response={200: ListOut, 409: Problem},
    url_name="passenger_list_cancel",
    summary="Cancel the whole list (the flight or sailing does not operate)",
)
def cancel_list(request: HttpRequest, reference: Reference, payload: CancelListIn) -> Any:
    _carrier(request)
    user = _user(request)
    travel_list = selectors.list_for(user, reference)
    try:
        travel_list = services.passenger_list_cancel(
            actor=user, travel_list=travel_list, reason=payload.reason
        )
    except ValidationError as error:
        return problem_response(
            request, status=409, title="The list cannot be cancelled", detail=" ".join(error.messages)
        )
    return _list_out(travel_list)


__all__ = ["FORMATS", "router"]
