"""API of the training app: intakes, and credentials with their signed Open Badges 3.0 form (for a
wallet, or an administration's HR system). Restricted like the pages (anything else is 404).

Any account but a yacht operator's may call it: officials, the secretariat's staff and tutors.
"""

# No `from __future__ import annotations` here: django-ninja reads the parameters of a paginated endpoint
# at run time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caribclear.accounts.api_auth import ApiToken
from caribclear.accounts.models import User
from caribclear.core.api_kit import LimitOffset, Mapped

from . import selectors
from .credentials import verification_url
from .models import Credential, Intake


class TrainingToken(ApiToken):
    """The token of anyone with training records: officials, secretariat staff, tutors."""

    def allows(self, user: User) -> bool:
        return selectors.may_use_training(user)


router = Router(tags=["training"], auth=TrainingToken())


class TrainingIntakeOut(Schema):
    code: str
    course_code: str
    course_title: str
    starts_on: dt.date
    ends_on: dt.date
    mode: str
    venue: str
    status: str
    seats_per_member: int


class TrainingCredentialOut(Schema):
    token: str
    kind: str
    title: str
    holder_name: str
    administration: str
    issued_on: dt.date
    status: str
    verification_url: str
    open_badge_jwt: str


def _intakes(page: list[Intake]) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "course_code": i.course.code,
            "course_title": i.course.title,
            "starts_on": i.starts_on,
            "ends_on": i.ends_on,
            "mode": i.mode,
            "venue": i.venue,
            "status": i.status,
            "seats_per_member": i.seats_per_member,
        }
        for i in page
    ]


def _credentials(page: list[Credential]) -> list[dict[str, Any]]:
    return [
        {
            "token": c.token,
            "kind": c.kind,
            "title": c.title,
            "holder_name": c.holder_name,
            "administration": c.administration.name,
            "issued_on": c.issued_on,
            "status": "valid" if c.is_valid else "revoked",
            "verification_url": verification_url(c),
            "open_badge_jwt": c.signed_jwt,
        }
        for c in page
    ]


@router.get("/intakes", response=list[TrainingIntakeOut], summary="Intakes (course runs)")
@paginate(LimitOffset)
def intakes(request: HttpRequest) -> Mapped[dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]
    return Mapped(selectors.intakes_for(user=user).order_by("-starts_on", "code"), _intakes)


@router.get("/credentials", response=list[TrainingCredentialOut], summary="Credentials the caller may see")
@paginate(LimitOffset)
def credentials(request: HttpRequest) -> Mapped[dict[str, Any]]:
    """An official's own; an administrator's officials'; the secretariat's all. `open_badge_jwt` is the
    signed Open Badges 3.0 credential (VC-JWT)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return Mapped(selectors.credentials_for(user=user).order_by("-issued_on", "pk"), _credentials)
