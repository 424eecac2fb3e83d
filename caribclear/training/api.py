"""API of the training app: intakes, and credentials with their signed Open Badges 3.0 form (for a
wallet, or an administration's HR system). Restricted like the pages (anything else is 404)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from caribclear.accounts.models import User

from . import selectors
from .credentials import verification_url

router = Router(tags=["training"])


def _reader(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not selectors.may_use_training(user):
        raise Http404
    return user


class IntakeOut(Schema):
    code: str
    course_code: str
    course_title: str
    starts_on: dt.date
    ends_on: dt.date
    mode: str
    venue: str
    status: str
    seats_per_member: int


class CredentialOut(Schema):
    token: str
    kind: str
    title: str
    holder_name: str
    administration: str
    issued_on: dt.date
    status: str
    verification_url: str
    open_badge_jwt: str


@router.get("/intakes", response=list[IntakeOut], summary="Intakes (course runs)")
def intakes(request: HttpRequest) -> list[IntakeOut]:
    return [
        IntakeOut(
            code=i.code,
            course_code=i.course.code,
            course_title=i.course.title,
            starts_on=i.starts_on,
            ends_on=i.ends_on,
            mode=i.mode,
            venue=i.venue,
            status=i.status,
            seats_per_member=i.seats_per_member,
        )
        for i in selectors.intakes_for(user=_reader(request))
    ]


@router.get("/credentials", response=list[CredentialOut], summary="Credentials the caller may see")
def credentials(request: HttpRequest) -> list[CredentialOut]:
    """An official's own; an administrator's officials'; the secretariat's all. `open_badge_jwt` is the
    signed Open Badges 3.0 credential (VC-JWT)."""
    return [
        CredentialOut(
            token=c.token,
            kind=c.kind,
            title=c.title,
            holder_name=c.holder_name,
            administration=c.administration.name,
            issued_on=c.issued_on,
            status="valid" if c.is_valid else "revoked",
            verification_url=verification_url(c),
            open_badge_jwt=c.signed_jwt,
        )
        for c in selectors.credentials_for(user=_reader(request))
    ]
