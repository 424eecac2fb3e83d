"""API for officials: a declaration's lane, reasons and watchlist hits; reviews of hits; lane overrides;
and lookouts. Everything is restricted to the official's administration (anything else is 404).

A declaration is addressed by its kind's slug and its reference: ``/risk/notifications/{reference}`` for a
yacht notification.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from caribclear.accounts.api_auth import official_token
from caribclear.accounts.models import Administration, User
from caribclear.core.api_kit import BodyIn, Date, Id, Reference, Text
from caribclear.screening import selectors as screening_selectors
from caribclear.screening.models import Hit
from caribclear.screening.services import lookout_create

from . import selectors, services

router = Router(tags=["risk and screening"], auth=official_token)

LaneName = Literal["green", "blue", "yellow", "red"]
KindSlug = Annotated[
    str,
    Field(
        max_length=40,
        pattern=r"^[a-z0-9-]+$",
        description="The kind of declaration, as in officers' URLs: notifications for yacht notifications",
    ),
]


def _official(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User) and user.is_official  # the router's auth lets only officials in
    return user


class FiringOut(Schema):
    criterion_id: int
    name: str
    version: int
    lane: str
    weight: int
    reason: str
    documentation: str
    disposition: str


class HitOut(Schema):
    id: int
    subject_kind: str
    subject: str
    watchlist: str
    listed_id: str
    listed_name: str
    score: Decimal
    explanation: str
    disposition: str
    disposition_note: str


class RiskOut(Schema):
    reference: str
    lane: str | None
    criteria_lane: str | None
    selected_at_random: bool
    override_reason: str
    assessed_at: dt.datetime | None
    hits_lane: str | None = Field(description="The least lane the watchlist hits require (null: none).")
    open_hits: int = Field(description="Hits at or above their list's threshold not yet reviewed.")
    referred_to_supervisor: bool = Field(description="A true match waits for a supervisor's decision.")
    clearance_held: bool = Field(
        description="No agency may clear the declaration now (open hits or referral)."
    )
    criteria: list[FiringOut]
    hits: list[HitOut]


def _risk_out(panel: selectors.RiskPanel) -> dict[str, Any]:
    a = panel.assessment
    return {
        "reference": panel.declaration.reference,
        "lane": a.final_lane if a else None,
        "criteria_lane": a.criteria_lane if a else None,
        "selected_at_random": bool(a and a.random_selected),
        "override_reason": a.override_reason if a else "",
        "assessed_at": a.assessed_at if a else None,
        "hits_lane": (panel.hold.lane or None) if panel.hold else None,
        "open_hits": len(panel.hold.open_hits) if panel.hold else 0,
        "referred_to_supervisor": bool(panel.hold and panel.hold.referrals),
        "clearance_held": bool(panel.hold and panel.hold.blocks),
        "criteria": [
            {
                "criterion_id": f.criterion_id,
                "name": f.version.name,
                "version": f.version.number,
                "lane": f.lane,
                "weight": f.weight,
                "reason": f.detail,
                "documentation": f.version.documentation,
                "disposition": f.disposition,
            }
            for f in panel.firings
        ],
        "hits": [
            {
                "id": h.pk,
                "subject_kind": h.subject_kind,
                "subject": h.subject_label,
                "watchlist": h.watchlist.name,
                "listed_id": h.entity_id,
                "listed_name": h.entity_caption,
                "score": h.score,
                "explanation": h.explanation,
                "disposition": h.disposition,
                "disposition_note": h.disposition_note,
            }
            for h in panel.hits
        ],
    }


@router.get("/{kind}/{reference}", response=RiskOut, summary="A declaration's lane, reasons and hits")
def declaration_risk(request: HttpRequest, kind: KindSlug, reference: Reference) -> dict[str, Any]:
    user = _official(request)
    declaration, _kind, _summary = selectors.declaration_for_official(user, kind, reference)
    return _risk_out(selectors.risk_panel_for(declaration, user))


class DispositionIn(BodyIn):
    disposition: Literal["true_match", "false_positive"]
    note: Text(2000, min_length=1)  # type: ignore[valid-type]


@router.post("/hits/{hit_id}/disposition", response=HitOut, summary="Review a watchlist hit")
def hit_disposition(request: HttpRequest, hit_id: Id, payload: DispositionIn) -> dict[str, Any]:
    user = _official(request)
    try:
        hit = screening_selectors.hit_for_user(user, hit_id)
    except Hit.DoesNotExist as error:
        raise Http404 from error
    hit = services.hit_review(actor=user, hit=hit, disposition=payload.disposition, note=payload.note)
    return {
        "id": hit.pk,
        "subject_kind": hit.subject_kind,
        "subject": hit.subject_label,
        "watchlist": hit.watchlist.name,
        "listed_id": hit.entity_id,
        "listed_name": hit.entity_caption,
        "score": hit.score,
        "explanation": hit.explanation,
        "disposition": hit.disposition,
        "disposition_note": hit.disposition_note,
    }


class OverrideIn(BodyIn):
    lane: LaneName
    reason: Text(2000)  # type: ignore[valid-type]


@router.post("/{kind}/{reference}/lane", response=RiskOut, summary="Change a declaration's lane")
def declaration_lane(
    request: HttpRequest, kind: KindSlug, reference: Reference, payload: OverrideIn
) -> dict[str, Any]:
    user = _official(request)
    declaration, _kind, _summary = selectors.declaration_for_official(user, kind, reference)
    services.lane_override(actor=user, declaration=declaration, lane=payload.lane, reason=payload.reason)
    return _risk_out(selectors.risk_panel_for(declaration, user))


class LookoutIn(BodyIn):
    kind: Literal["Person", "Vessel", "Organization"]
    name: Text(200, min_length=1)  # type: ignore[valid-type]
    reason: Text(5000)  # type: ignore[valid-type]
    aliases: list[Text(200)] = []  # type: ignore[valid-type]
    birth_date: Annotated[str, Field(max_length=10, description="YYYY-MM-DD, YYYY-MM or YYYY")] = ""
    nationalities: list[Annotated[str, Field(min_length=2, max_length=2)]] = []
    gender: Literal["", "male", "female"] = ""
    document_numbers: list[Annotated[str, Field(max_length=40)]] = []
    flag: Annotated[str, Field(max_length=2)] = ""
    imo_number: Annotated[
        str, Field(max_length=20, description="Seven digits with a valid check digit; 'IMO 9074729' accepted")
    ] = ""
    mmsi: Annotated[str, Field(max_length=9)] = ""
    call_sign: Annotated[str, Field(max_length=12)] = ""
    valid_from: Date | None = None
    valid_until: Date | None = None
    sharing: Literal["all", "named", "own"] = "all"
    shared_with: list[
        Annotated[str, Field(min_length=2, max_length=2, description="ISO code of a member")]
    ] = []


class LookoutOut(Schema):
    reference: str
    kind: str
    name: str
    administration: str
    sharing: str
    valid_from: dt.date
    valid_until: dt.date | None
    reason: str


def _lookout_out(lookout: Any) -> dict[str, Any]:
    return {
        "reference": lookout.reference,
        "kind": lookout.kind,
        "name": lookout.name,
        "administration": lookout.administration.code,
        "sharing": lookout.sharing,
        "valid_from": lookout.valid_from,
        "valid_until": lookout.valid_until,
        "reason": lookout.reason,
    }


@router.get(
    "/lookouts", response=list[LookoutOut], summary="Lookouts in force that your administration may see"
)
def lookouts(request: HttpRequest) -> list[dict[str, Any]]:
    user = _official(request)
    assert user.administration is not None
    return [
        _lookout_out(lk)
        for lk in screening_selectors.lookouts_in_force(user.administration).order_by("-created_at")[:500]
    ]


@router.post("/lookouts", response={201: LookoutOut}, summary="Create a lookout (screened at once)")
def lookout_new(request: HttpRequest, payload: LookoutIn) -> Status:
    user = _official(request)
    codes = [c.upper() for c in payload.shared_with]
    members = list(Administration.objects.filter(code__in=codes))
    if len(members) != len(set(codes)):
        raise ValidationError({"shared_with": "Use the ISO codes of member administrations."})
    data = payload.dict(exclude={"shared_with"})
    lookout = lookout_create(actor=user, shared_with=members, **data)
    return Status(201, _lookout_out(lookout))
