"""Intelligence API: seizures and alerts, through the same visibility and redaction as the pages.

Every read is logged; a record the caller may not see is 404. Personal parts the caller may not see are
absent from the answer and named in `withheld`.
"""

# No `from __future__ import annotations` here: the parameters of an endpoint wrapped by @paginate are
# read at run time by django-ninja, so their types must be real objects, not strings.
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.filter_schema import FilterConfigDict
from ninja.pagination import paginate

from caribclear.accounts.api_auth import intel_token
from caribclear.accounts.choices import OrganisationKind
from caribclear.accounts.models import Administration, User
from caribclear.core.api_kit import BodyIn, Date, LimitOffset, Mapped, Reference, Text
from caribclear.reference.models import Port

from . import selectors, services
from .access import RecordView, read
from .choices import (
    AlertSubject,
    Commodity,
    ConcealmentMethod,
    Conveyance,
    DetectionMethod,
    HandlingCode,
    InformationGrade,
    PersonalField,
    ReadVia,
    SourceReliability,
    Tlp,
    Unit,
)

router = Router(tags=["intelligence"], auth=intel_token)


class ResultsPage(LimitOffset):
    """The kit's paging, answering `{count, results}` as this API always has."""

    items_attribute = "results"

    class Output(Schema):
        results: list[Any]
        count: int


class DisseminationIn(BodyIn):
    tlp: Tlp = Tlp.AMBER
    source_reliability: SourceReliability = SourceReliability.UNTESTED
    information_grade: InformationGrade = InformationGrade.C
    handling_code: HandlingCode = HandlingCode.P
    handling_conditions: str = ""
    release_to_all: bool = False
    released_to: list[str] = Field(default_factory=list, description="ISO codes of member administrations")
    personal_released_to: list[str] = Field(default_factory=list)
    legal_basis: str = ""
    review_on: Date | None = None
    personal_fields: list[PersonalField] | None = None


class SeizurePersonIn(BodyIn):
    surname: str
    given_names: str = ""
    date_of_birth: Date | None = None
    nationality: str = ""
    document_number: str = ""
    role: str = ""


class SeizureCompanyIn(BodyIn):
    name: str
    country: str = ""
    registration_number: str = ""


class SeizureIn(DisseminationIn):
    occurred_on: Date
    port: str = Field(description="UN/LOCODE of the port, e.g. AGSJO")
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    detection_method: DetectionMethod
    concealment_method: ConcealmentMethod
    commodity: Commodity
    description: str
    quantity: Decimal
    unit: Unit
    estimated_value_usd: Decimal | None = None
    route_origin: str = ""
    route_transit: str = ""
    route_destination: str = ""
    conveyance: Conveyance
    conveyance_identity: str = ""
    narrative: str = ""
    persons: list[SeizurePersonIn] = Field(default_factory=list)
    companies: list[SeizureCompanyIn] = Field(default_factory=list)


class AlertIn(DisseminationIn):
    subject_kind: AlertSubject
    title: str
    commodity: Commodity | None = None
    surname: str = ""
    given_names: str = ""
    date_of_birth: Date | None = None
    nationality: str = ""
    identifiers: str = ""
    pattern: str = ""
    narrative: str = ""
    action_requested: str = ""
    valid_from: Date
    valid_until: Date


class RecordOut(Schema):
    record_type: str
    reference: str
    data: dict[str, Any] = Field(description="The fields the caller may see")
    withheld: list[str] = Field(description="Personal parts not released to the caller")


class SeizureFilter(FilterSchema):
    commodity: Commodity | None = None
    origin: Text(2) = Field("", description="ISO 3166 alpha-2 code of the route's origin")  # type: ignore[valid-type]
    destination: Text(2) = Field("", description="ISO 3166 alpha-2 code of the route's destination")  # type: ignore[valid-type]
    date_from: Date | None = None
    date_to: Date | None = None


class SeizureSearch(SeizureFilter):
    """A search whose terms may name a person: posted, so they never reach a URL or a server's log. A term
    under a name it does not have is refused (`BodyIn`), not ignored: ignoring it would answer every
    record as if it had matched."""

    model_config = FilterConfigDict(**SeizureFilter.model_config, extra=BodyIn.model_config["extra"])

    q: Text(200) = Field("", description="Words anywhere in the seizure")  # type: ignore[valid-type]
    person: Text(200) = Field("", description="A name or document number of a person involved")  # type: ignore[valid-type]
    vessel: Text(200) = Field("", description="A vessel's name, registration or IMO number")  # type: ignore[valid-type]


class AlertFilter(FilterSchema):
    current: bool = Field(False, description="Only alerts valid today")


class AlertSearch(AlertFilter):
    """A search of alerts by words (a wanted person's name, say): posted, never in a URL; a term under a
    name it does not have is refused (`BodyIn`)."""

    model_config = FilterConfigDict(**AlertFilter.model_config, extra=BodyIn.model_config["extra"])

    q: Text(200) = Field("", description="Words in the alert's title, subject or narrative")  # type: ignore[valid-type]


def _no_terms_in_url(request: HttpRequest, names: tuple[str, ...], search_path: str) -> None:
    """A name or document number sent in the URL is refused, not ignored (ignoring it would answer every
    record as if it had matched): it belongs in the body of the search endpoint."""
    sent = [name for name in names if name in request.GET]
    if sent:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {
                name: f"Search terms go in the body of POST {search_path}, not in the URL "
                "(URLs are written to server logs)."
                for name in sent
            }
        )


def _out(view: RecordView) -> dict[str, Any]:
    return {
        "record_type": view.record_type,
        "reference": view.data["reference"],
        "data": view.data,
        "withheld": view.withheld,
    }


def _administrations(codes: list[str]) -> list[Administration]:
    # Members and partner agencies (never the secretariat): a release may name either.
    found = list(
        Administration.organisations.filter(
            code__in=[c.upper() for c in codes], kind__in=[OrganisationKind.MEMBER, OrganisationKind.PARTNER]
        )
    )
    if len(found) != len(set(codes)):
        from django.core.exceptions import ValidationError

        raise ValidationError({"released_to": "Unknown administration code."})
    return found


def _dissemination(payload: DisseminationIn) -> dict[str, Any]:
    fields = {
        k: getattr(payload, k)
        for k in (
            "tlp",
            "source_reliability",
            "information_grade",
            "handling_code",
            "handling_conditions",
            "release_to_all",
            "legal_basis",
            "review_on",
        )
    }
    if payload.personal_fields is not None:
        fields["personal_fields"] = [str(p) for p in payload.personal_fields]
    return {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items()}


def _official(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User) and user.is_official  # the router's auth lets only officials in
    return user


def _read(user: User) -> Any:
    """Turns a page of records into answers, logging the read of exactly those records."""
    return lambda page: [_out(v) for v in read(user, page, via=ReadVia.API)]


def _seizures(user: User, filters: SeizureFilter, terms: SeizureSearch | None = None) -> Any:
    criteria = selectors.SeizureFilters(
        q=terms.q if terms else "",
        commodity=filters.commodity or "",
        origin=filters.origin.upper(),
        destination=filters.destination.upper(),
        date_from=filters.date_from,
        date_to=filters.date_to,
        person=terms.person if terms else "",
        vessel=terms.vessel if terms else "",
    )
    qs = selectors.seizure_search(user=user, filters=criteria)
    return qs.prefetch_related("persons", "companies", "attachments", "released_to").select_related(
        "operation", "vessel"
    )


@router.get("/seizures", response=list[RecordOut], summary="List seizures the caller may see")
@paginate(ResultsPage)
def seizures_list(request: HttpRequest, filters: Query[SeizureFilter]) -> Mapped[dict[str, Any]]:
    """Filters that name nobody; words, persons and vessels are searched with POST /seizures/search."""
    user = _official(request)
    _no_terms_in_url(request, ("q", "person", "vessel"), "/api/intel/seizures/search")
    return Mapped(_seizures(user, filters), _read(user))


@router.post(
    "/seizures/search",
    response=list[RecordOut],
    summary="Search seizures the caller may see (terms in the body)",
    url_name="intel_seizure_search",
)
@paginate(ResultsPage)
def seizures_search(request: HttpRequest, search: SeizureSearch) -> Mapped[dict[str, Any]]:
    """Creates nothing: no Idempotency-Key is needed and the answer is not kept."""
    user = _official(request)
    return Mapped(_seizures(user, search, search), _read(user))


@router.get(
    "/seizures/{reference}", response=RecordOut, summary="One seizure, as far as the caller may see it"
)
def seizure_get(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    user = _official(request)
    [view] = read(user, [selectors.seizure_get(user=user, reference=reference)], via=ReadVia.API)
    return _out(view)


@router.post(
    "/seizures", response={201: RecordOut}, summary="Record a seizure of the caller's administration"
)
def seizure_create(request: HttpRequest, payload: SeizureIn) -> Status[dict[str, Any]]:
    user = _official(request)
    try:
        port = Port.objects.get(locode=payload.port.upper())
    except Port.DoesNotExist:
        from django.core.exceptions import ValidationError

        raise ValidationError({"port": "Unknown UN/LOCODE."}) from None
    fields = _dissemination(payload)
    for name in (
        "occurred_on",
        "latitude",
        "longitude",
        "detection_method",
        "concealment_method",
        "commodity",
        "description",
        "quantity",
        "unit",
        "estimated_value_usd",
        "route_origin",
        "route_transit",
        "route_destination",
        "conveyance",
        "conveyance_identity",
        "narrative",
    ):
        value = getattr(payload, name)
        fields[name] = value.value if hasattr(value, "value") else value
    seizure = services.seizure_create(
        actor=user,
        fields={**fields, "port": port},
        released_to=_administrations(payload.released_to),
        personal_released_to=_administrations(payload.personal_released_to),
        persons=[p.dict() for p in payload.persons],
        companies=[c.dict() for c in payload.companies],
    )
    [view] = read(user, [selectors.seizure_get(user=user, reference=seizure.reference)], via=ReadVia.API)
    return Status(201, _out(view))


@router.get("/alerts", response=list[RecordOut], summary="Alerts and lookouts the caller may see")
@paginate(ResultsPage)
def alerts_list(request: HttpRequest, filters: Query[AlertFilter]) -> Mapped[dict[str, Any]]:
    """Every alert the caller may see; words are searched with POST /alerts/search."""
    user = _official(request)
    _no_terms_in_url(request, ("q",), "/api/intel/alerts/search")
    qs = selectors.alert_search(user=user, q="", current_only=filters.current)
    return Mapped(qs.select_related("operation").prefetch_related("released_to"), _read(user))


@router.post(
    "/alerts/search",
    response=list[RecordOut],
    summary="Search alerts and lookouts the caller may see (terms in the body)",
    url_name="intel_alert_search",
)
@paginate(ResultsPage)
def alerts_search(request: HttpRequest, search: AlertSearch) -> Mapped[dict[str, Any]]:
    """Creates nothing: no Idempotency-Key is needed and the answer is not kept."""
    user = _official(request)
    qs = selectors.alert_search(user=user, q=search.q, current_only=search.current)
    return Mapped(qs.select_related("operation").prefetch_related("released_to"), _read(user))


@router.get("/alerts/{reference}", response=RecordOut, summary="One alert, as far as the caller may see it")
def alert_get(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    user = _official(request)
    [view] = read(user, [selectors.alert_get(user=user, reference=reference)], via=ReadVia.API)
    return _out(view)


@router.post("/alerts", response={201: RecordOut}, summary="Issue an alert or lookout")
def alert_create(request: HttpRequest, payload: AlertIn) -> Status[dict[str, Any]]:
    user = _official(request)
    fields = _dissemination(payload)
    for name in (
        "subject_kind",
        "title",
        "commodity",
        "surname",
        "given_names",
        "date_of_birth",
        "nationality",
        "identifiers",
        "pattern",
        "narrative",
        "action_requested",
        "valid_from",
        "valid_until",
    ):
        value = getattr(payload, name)
        fields[name] = value.value if hasattr(value, "value") else value
    fields["commodity"] = fields["commodity"] or ""
    alert = services.alert_create(
        actor=user,
        fields=fields,
        released_to=_administrations(payload.released_to),
        personal_released_to=_administrations(payload.personal_released_to),
    )
    [view] = read(user, [selectors.alert_get(user=user, reference=alert.reference)], via=ReadVia.API)
    return Status(201, _out(view))
