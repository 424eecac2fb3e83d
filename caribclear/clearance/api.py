"""Notifications API for operators' systems and apps: list, create (draft, submit, or a short-stay visit),
read, amend (PUT replaces, PATCH changes some fields), submit, cancel and each agency's status.

An operator's token sees only that account's notifications; anything else is a 404 problem. Invalid
input is a 422 problem with one entry per field in `errors`; an action the notification's status does
not allow (amending after a decision, submitting twice) is a 409 problem. Times without a time zone are
taken as UTC.
"""

# No `from __future__ import annotations` here: the parameters of an endpoint wrapped by @paginate are
# read at run time by django-ninja, so their types must be real objects, not strings.
import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from caribclear.accounts.api_auth import operator_token
from caribclear.accounts.models import User
from caribclear.core.api_kit import (
    BodyIn,
    DateTime,
    Id,
    LimitOffset,
    LongText,
    Mapped,
    NoNul,
    Problem,
    Reference,
)
from caribclear.reference.models import Port
from caribclear.vessels import selectors as vessel_selectors
from caribclear.vessels.models import TravelDocument

from . import selectors, services
from .choices import Kind, PersonRole, Purpose, Status
from .expiry import document_expired, travel_day
from .models import Notification
from .services import Aboard

router = Router(tags=["notifications"], auth=operator_token)

T = TypeVar("T")

Str2 = Annotated[str, Field(max_length=2), NoNul]
Str3 = Annotated[str, Field(max_length=3), NoNul]
Str5 = Annotated[str, Field(max_length=5), NoNul]
Str100 = Annotated[str, Field(max_length=100), NoNul]
Str500 = Annotated[str, Field(max_length=500), NoNul]
PurposeOrNone = Purpose | Literal[""]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]


# --- Schemas ---------------------------------------------------------------------------------------


class PersonOnBoardIn(BodyIn):
    person_id: Id
    document_id: Id | None = Field(None, description="Their newest travel document when left out.")
    role: PersonRole


def _answer(question: str) -> Any:
    return Field(description=f"{question} true or false: every question must be answered.")


class DeclarationIn(BodyIn):
    """The declaration: each of the seven questions must be answered true or false (a question left out
    is a 422 naming it, never a silent "no"); the amount, currency and details as the answers require."""

    firearms: bool = _answer("Firearms or ammunition on board?")
    currency: bool = _answer("Currency above the threshold?")
    currency_amount: Amount | None = Field(None, description="Required when `currency` is true")
    currency_code: Str3 = Field("", description="ISO 4217; required when `currency` is true")
    alcohol_tobacco: bool = _answer("Alcohol or tobacco above the allowance?")
    animals: bool = _answer("Animals on board?")
    plants_food: bool = _answer("Plants, fruit, meat or other food?")
    goods_for_sale: bool = _answer("Goods for sale or trade?")
    illness: bool = _answer("Illness or death on board?")
    details: LongText = Field("", description="Required when any answer is true")


class NotificationIn(BodyIn):
    vessel_id: Id
    kind: Kind
    port: Str5 = Field(description="UN/LOCODE of a member's port of entry, e.g. AGSJO")
    expected_at: DateTime
    last_port: Str100 = ""
    last_port_country: Str2 = Field("", description="ISO 3166 alpha-2")
    next_port: Str100 = ""
    next_port_country: Str2 = ""
    purpose: PurposeOrNone = ""
    is_charter: bool = False
    people: list[PersonOnBoardIn] = Field(default_factory=list, max_length=500)
    declaration: DeclarationIn | None = None


class NotificationCreateIn(NotificationIn):
    submit: bool = Field(False, description="Submit at once instead of keeping a draft.")
    departs_at: DateTime | None = Field(
        None,
        description="For a short stay: also file the departure (paired with the arrival) leaving at this time.",
    )


class NotificationPatchIn(BodyIn):
    vessel_id: Id | None = None
    kind: Kind | None = None
    port: Str5 | None = None
    expected_at: DateTime | None = None
    last_port: Str100 | None = None
    last_port_country: Str2 | None = None
    next_port: Str100 | None = None
    next_port_country: Str2 | None = None
    purpose: PurposeOrNone | None = None
    is_charter: bool | None = None
    people: list[PersonOnBoardIn] | None = Field(None, max_length=500)
    declaration: DeclarationIn | None = None


class CancelIn(BodyIn):
    reason: Str500 = ""


class PersonOnBoardOut(Schema):
    person_id: int
    name: str
    role: str
    document_id: int
    document_number: str
    document_expiry: dt.date
    document_expired: bool


class AgencyOut(Schema):
    agency: str
    decision: str
    remarks: str
    decided_at: dt.datetime | None


class DeclarationOut(Schema):
    answered: bool
    firearms: bool
    currency: bool
    currency_amount: Decimal | None
    currency_code: str
    alcohol_tobacco: bool
    animals: bool
    plants_food: bool
    goods_for_sale: bool
    illness: bool
    details: str


class NotificationOut(Schema):
    reference: str
    url: str
    status: Status
    version: int
    kind: Kind
    vessel_id: int
    vessel_name: str
    port: str
    port_name: str
    administration: str
    expected_at: dt.datetime
    last_port: str
    last_port_country: str
    next_port: str
    next_port_country: str
    purpose: str
    is_charter: bool | None = Field(description="null while a draft has not answered it")
    paired_with: str | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    people: list[PersonOnBoardOut]
    declaration: DeclarationOut
    agencies: list[AgencyOut]
    warnings: list[str]


class NotificationFilter(FilterSchema):
    status: Status | None = Field(None, description="Only notifications in this status")


class StatusOut(Schema):
    reference: str
    status: Status
    version: int
    decided_at: dt.datetime | None
    agencies: list[AgencyOut]


# --- Conversion between the API's words and the services' -------------------------------------------

# Service field -> API field, for errors.
API_FIELD = {
    "vessel": "vessel_id",
    "declares_firearms": "declaration.firearms",
    "declares_currency": "declaration.currency",
    "currency_amount": "declaration.currency_amount",
    "currency_code": "declaration.currency_code",
    "declaration_details": "declaration.details",
    "declaration": "declaration",
}
DECLARATION_MAP = {
    "firearms": "declares_firearms",
    "currency": "declares_currency",
    "currency_amount": "currency_amount",
    "currency_code": "currency_code",
    "alcohol_tobacco": "declares_alcohol_tobacco",
    "animals": "declares_animals",
    "plants_food": "declares_plants_food",
    "goods_for_sale": "declares_goods_for_sale",
    "illness": "declares_illness",
    "details": "declaration_details",
}
PLAIN_FIELDS = (
    "kind",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _data(user: User, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[Aboard] | None]:
    """The API's fields (only those present) as the services' data and people; unknown ids are field
    errors (another account's vessel or person is unknown, exactly like one that does not exist)."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {name: fields[name] for name in PLAIN_FIELDS if name in fields}
    if "vessel_id" in fields:
        vessel = vessel_selectors.vessels_for(user).filter(pk=fields["vessel_id"]).first()
        if vessel is None:
            errors["vessel_id"] = _("There is no such vessel among yours.")
        data["vessel"] = vessel
    if "port" in fields:
        port = (
            Port.objects.filter(locode=str(fields["port"]).strip().upper())
            .select_related("administration")
            .first()
        )
        if port is None:
            errors["port"] = _("Unknown UN/LOCODE.")
        else:
            errors.update(services.check_port(port))
        data["port"] = port
    if "expected_at" in fields:
        data["expected_at"] = _aware(fields["expected_at"])
    if fields.get("declaration") is not None:
        for api_name, name in DECLARATION_MAP.items():
            data[name] = fields["declaration"][api_name]
    people: list[Aboard] | None = None
    if fields.get("people") is not None:
        rows = fields["people"]
        found = {
            p.pk: p
            for p in vessel_selectors.people_for(user).filter(pk__in=[row["person_id"] for row in rows])
        }
        people = []
        for index, row in enumerate(rows):
            person = found.get(row["person_id"])
            if person is None:
                errors[f"people.{index}.person_id"] = _("There is no such person among yours.")
                continue
            documents = list(person.documents.all())
            document: TravelDocument | None
            if row.get("document_id") is None:
                # None was sent: the error is about the person, not about a document id nobody gave.
                if not documents:
                    errors[f"people.{index}.person_id"] = _(
                        "This person has no travel document: add one before they can be on board."
                    )
                    continue
                document = documents[0]
            else:
                document = next((d for d in documents if d.pk == row["document_id"]), None)
            if document is None:
                errors[f"people.{index}.document_id"] = _("There is no such travel document of this person.")
                continue
            people.append(Aboard(person=person, document=document, role=row["role"]))
    if errors:
        raise ValidationError(errors)
    return data, people


def _call(action: Callable[[], T]) -> T:
    """Run a service: field errors become 422 with the API's field names; a status that does not allow
    the action becomes 409."""
    try:
        return action()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise HttpError(409, " ".join(error.messages)) from None
        raise ValidationError(
            {API_FIELD.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None


def _agencies(notification: Notification) -> list[dict[str, Any]]:
    return [
        {"agency": a.agency, "decision": a.decision, "remarks": a.remarks, "decided_at": a.decided_at}
        for a in selectors.agency_statuses(notification)
    ]


def _out(notification: Notification) -> dict[str, Any]:
    people = list(notification.people_on_board.all())
    on_date = travel_day(notification.expected_at, notification.port)
    warnings = [
        _("The travel document %(number)s of %(name)s expires on %(date)s, before the expected date.")
        % {
            "number": row.document.number,
            "name": row.person.full_name,
            "date": row.document.expiry_date.isoformat(),
        }
        for row in people
        if document_expired(row.document.expiry_date, on_date)
    ]
    n = notification
    return {
        "reference": n.reference,
        "url": reverse("api:notification_get", args=[n.reference]),
        "status": n.status,
        "version": n.version,
        "kind": n.kind,
        "vessel_id": n.vessel_id,
        "vessel_name": n.vessel.name,
        "port": n.port.locode,
        "port_name": n.port.name,
        "administration": n.administration.code,
        "expected_at": n.expected_at,
        "last_port": n.last_port,
        "last_port_country": str(n.last_port_country),
        "next_port": n.next_port,
        "next_port_country": str(n.next_port_country),
        "purpose": n.purpose,
        "is_charter": n.is_charter,
        "paired_with": n.paired_with.reference if n.paired_with_id and n.paired_with else None,
        "submitted_at": n.submitted_at,
        "decided_at": n.decided_at,
        "people": [
            {
                "person_id": row.person_id,
                "name": row.person.full_name,
                "role": row.role,
                "document_id": row.document_id,
                "document_number": row.document.number,
                "document_expiry": row.document.expiry_date,
                "document_expired": document_expired(row.document.expiry_date, on_date),
            }
            for row in people
        ],
        "declaration": {
            "answered": n.declaration_answered,
            **{api_name: getattr(n, name) for api_name, name in DECLARATION_MAP.items()},
        },
        "agencies": _agencies(n),
        "warnings": warnings,
    }


def _fresh(user: User, notification: Notification) -> dict[str, Any]:
    return _out(selectors.notification_for(user, notification.reference))


# --- Endpoints ---------------------------------------------------------------------------------------


@router.get("/notifications", response=list[NotificationOut], url_name="notification_list")
@paginate(LimitOffset)
def notification_list(request: HttpRequest, filters: Query[NotificationFilter]) -> Mapped[dict[str, Any]]:
    """Your notifications, the next expected first."""
    queryset = selectors.notifications_for(_user(request))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    page = (
        queryset.select_related("vessel", "port", "administration", "paired_with")
        .prefetch_related("people_on_board__person", "people_on_board__document", "clearances")
        .order_by("-expected_at", "-id")
    )
    return Mapped(page, lambda notifications: [_out(n) for n in notifications])


@router.post(
    "/notifications",
    response={201: NotificationOut},
    url_name="notification_create",
    summary="Create a notification (a draft, submitted at once, or a short-stay visit)",
)
def notification_create(request: HttpRequest, response: HttpResponse, payload: NotificationCreateIn) -> Any:
    user = _user(request)
    fields = payload.model_dump(exclude={"submit", "departs_at"})
    data, people = _data(user, fields)
    if payload.departs_at is not None:
        departs_at = _aware(payload.departs_at)
        result = _call(
            lambda: services.visit_file(
                actor=user, data=data, people=people or [], departs_at=departs_at, submit=payload.submit
            )
        )
        notification = result[0]
    else:
        notification = _call(
            lambda: services.notification_create(
                actor=user, data=data, people=people or [], submit=payload.submit
            )
        )
    response["Location"] = reverse("api:notification_get", args=[notification.reference])
    return Reply(201, _fresh(user, notification))


@router.get("/notifications/{reference}", response=NotificationOut, url_name="notification_get")
def notification_get(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    return _out(selectors.notification_for(_user(request), reference))


def _change(request: HttpRequest, reference: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A draft is updated in place; a submitted notification is amended (a new version)."""
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    data, people = _data(user, fields)
    if notification.status == Status.DRAFT:
        _call(
            lambda: services.notification_update(
                actor=user, notification=notification, data=data, people=people
            )
        )
    else:
        _call(
            lambda: services.notification_amend(
                actor=user, notification=notification, data=data, people=people
            )
        )
    return _fresh(user, notification)


@router.put(
    "/notifications/{reference}",
    response={200: NotificationOut, 409: Problem},
    url_name="notification_replace",
)
def notification_replace(
    request: HttpRequest, reference: Reference, payload: NotificationIn
) -> dict[str, Any]:
    """Replace the whole notification (people on board included). After submission this is an amendment."""
    return _change(request, reference, payload.model_dump())


@router.patch(
    "/notifications/{reference}", response={200: NotificationOut, 409: Problem}, url_name="notification_amend"
)
def notification_amend(
    request: HttpRequest, reference: Reference, payload: NotificationPatchIn
) -> dict[str, Any]:
    """Change only the fields sent. After submission this is an amendment."""
    dumped = payload.model_dump()  # nested objects whole: a declaration sent is answered in full
    fields = {name: dumped[name] for name in payload.model_fields_set if dumped[name] is not None}
    return _change(request, reference, fields)


@router.post("/notifications/{reference}/submit", response=NotificationOut, url_name="notification_submit")
def notification_submit(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    _call(lambda: services.notification_submit(actor=user, notification=notification))
    return _fresh(user, notification)


@router.post("/notifications/{reference}/cancel", response=NotificationOut, url_name="notification_cancel")
def notification_cancel(
    request: HttpRequest, reference: Reference, payload: CancelIn | None = None
) -> dict[str, Any]:
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    reason = payload.reason if payload is not None else ""
    _call(lambda: services.notification_cancel(actor=user, notification=notification, reason=reason))
    return _fresh(user, notification)


@router.get("/notifications/{reference}/status", response=StatusOut, url_name="notification_status")
def notification_status(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    """The overall status and each agency's decision (customs, immigration, port health when required)."""
    notification = selectors.notification_for(_user(request), reference)
    return {
        "reference": notification.reference,
        "status": notification.status,
        "version": notification.version,
        "decided_at": notification.decided_at,
        "agencies": _agencies(notification),
    }
