"""What an operator files: the fields, the people on board, and the rules a filing must meet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.reference.models import Port
from caribclear.vessels.choices import WeaponKind
from caribclear.vessels.models import Person, TravelDocument, Vessel

from ..choices import Kind, PersonRole
from ..models import Notification, NotificationPerson

# A notification may be filed a few days late (a craft that arrived at a weekend), not for last year.
EXPECTED_AT_PAST_LIMIT = dt.timedelta(days=3)
EXPECTED_AT_FUTURE_LIMIT = dt.timedelta(days=366)
# A short stay, filed as one visit, lasts at most this long between arrival and departure.
VISIT_MAX_LENGTH = dt.timedelta(days=30)
# Weapons recorded on a vessel that the firearms question covers (flare pistols are firearms in law).
FIREARM_KINDS = frozenset({WeaponKind.FIREARM, WeaponKind.AMMUNITION, WeaponKind.FLARE_GUN})

# What an operator fills in (beyond the people on board). `vessel` and `port` are model instances.
VOYAGE_FIELDS = (
    "vessel",
    "kind",
    "port",
    "expected_at",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
)
DECLARATION_QUESTIONS = (
    "declares_firearms",
    "declares_currency",
    "declares_alcohol_tobacco",
    "declares_animals",
    "declares_plants_food",
    "declares_goods_for_sale",
    "declares_illness",
)
DECLARATION_FIELDS = (*DECLARATION_QUESTIONS, "currency_amount", "currency_code", "declaration_details")
EDITABLE_FIELDS = (*VOYAGE_FIELDS, *DECLARATION_FIELDS)
# Declared items that need a description in `declaration_details`.
NEEDS_DETAILS = ("declares_illness", "declares_animals", "declares_goods_for_sale")


@dataclass(frozen=True)
class Aboard:
    """One person on board as the operator lists them: who, with which travel document, in which role."""

    person: Person
    document: TravelDocument
    role: str


# --- Validation -------------------------------------------------------------------------------------


def _check_vessel(actor: User, vessel: Vessel | None) -> dict[str, str]:
    if vessel is None:
        return {"vessel": _("Choose the vessel.")}
    if vessel.account_id != actor.pk:
        return {"vessel": _("Choose one of your vessels.")}
    if vessel.is_archived:
        return {"vessel": _("This vessel is archived: restore it or choose another.")}
    return {}


def check_port(port: Port | None) -> dict[str, str]:
    """Errors (as {"port": message}) unless the port is a port of entry of an active member."""
    if port is None:
        return {"port": _("Choose the port of entry.")}
    if (
        not port.is_port_of_entry
        or port.administration_id is None
        or not Port.objects.ports_of_entry().filter(pk=port.pk, administration__is_active=True).exists()
    ):
        return {"port": _("Choose a port of entry of a member administration.")}
    return {}


def check_expected_at(expected_at: dt.datetime | None) -> dict[str, str]:
    """Errors (as {"expected_at": message}) for a date that is missing or implausible."""
    if expected_at is None:
        return {"expected_at": _("Enter the expected date and time.")}
    if timezone.is_naive(expected_at):
        return {"expected_at": _("Enter the date and time with a time zone.")}
    now = timezone.now()
    if expected_at < now - EXPECTED_AT_PAST_LIMIT:
        return {"expected_at": _("The expected date is too far in the past: check the date.")}
    if expected_at > now + EXPECTED_AT_FUTURE_LIMIT:
        return {"expected_at": _("The expected date is more than a year ahead: check the date.")}
    return {}


def _check_people(actor: User, people: Sequence[Aboard], *, complete: bool) -> dict[str, str]:
    """People must be the operator's own, each once, with one of their own documents; when the
    notification is filed, at least one person and exactly one master."""
    errors: list[str] = []
    seen: set[int] = set()
    for aboard in people:
        if aboard.person.account_id != actor.pk:
            errors.append(_("Choose people from your own list."))
            continue
        if aboard.person.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": aboard.person.full_name})
        seen.add(aboard.person.pk)
        if aboard.document.person_id != aboard.person.pk:
            errors.append(
                _("Choose a travel document of %(name)s for %(name)s.") % {"name": aboard.person.full_name}
            )
        if aboard.role not in PersonRole.values:
            errors.append(_("Choose master, crew or passenger for each person on board."))
    masters = sum(1 for aboard in people if aboard.role == PersonRole.MASTER)
    if masters > 1:
        errors.append(_("Only one person on board can be the master."))
    if complete:
        if not people:
            errors.append(_("Add at least one person on board."))
        elif masters == 0:
            errors.append(_("Say who is the master (captain)."))
    return {"people": " ".join(dict.fromkeys(errors))} if errors else {}


def _check_declaration(notification: Notification) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not notification.declaration_answered:
        errors["declaration"] = _("Answer every question of the declaration.")
        return errors
    weapons = notification.vessel.weapons.filter(kind__in=FIREARM_KINDS).exists()
    if notification.declares_firearms and not weapons:
        errors["declares_firearms"] = _(
            "You declare firearms, but none are recorded for this vessel: add them to the vessel first."
        )
    elif not notification.declares_firearms and weapons:
        errors["declares_firearms"] = _(
            "Firearms or ammunition are recorded for this vessel: answer yes, or remove them from the vessel."
        )
    if notification.declares_currency:
        if notification.currency_amount is None or notification.currency_amount <= 0:
            errors["currency_amount"] = _("Enter the amount of currency on board.")
        if not notification.currency_code:
            errors["currency_code"] = _("Enter the currency, e.g. USD or XCD.")
    if (
        any(getattr(notification, name) for name in NEEDS_DETAILS)
        and not notification.declaration_details.strip()
    ):
        errors["declaration_details"] = _("Describe the illness, animals or goods for sale that you declare.")
    return errors


def _normalise(notification: Notification) -> dict[str, str]:
    """Tidy what was typed and check each field's own rules (lengths, choices, country codes)."""
    errors: dict[str, str] = {}
    for name in ("last_port", "next_port", "declaration_details"):
        setattr(notification, name, (getattr(notification, name) or "").strip())
    for name in ("last_port_country", "next_port_country"):
        setattr(notification, name, str(getattr(notification, name) or "").strip().upper())
    code = (notification.currency_code or "").strip().upper()
    notification.currency_code = code
    if code and pycountry.currencies.get(alpha_3=code) is None:
        errors["currency_code"] = _("Enter a currency code such as USD, EUR or XCD.")
    if not notification.declares_currency:
        notification.currency_amount = None
        notification.currency_code = ""
    if notification.currency_amount is not None and not isinstance(notification.currency_amount, Decimal):
        errors["currency_amount"] = _("Enter an amount.")
    try:
        notification.clean_fields(
            exclude=[
                "reference",
                "account",
                "vessel",
                "administration",
                "port",
                "paired_with",
                "verification_token",
                "status",
                *errors,
            ]
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    return errors


def raise_errors(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def apply(notification: Notification, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by an operator: {sorted(unknown)}")
    for name, value in data.items():
        setattr(notification, name, value)
    if all(name in data for name in DECLARATION_QUESTIONS):
        notification.declaration_answered = True
    port = data.get("port")
    if port is not None:
        notification.administration_id = port.administration_id


def validate(actor: User, notification: Notification, people: Sequence[Aboard], *, complete: bool) -> None:
    """Raise every error at once: those that stop a draft from being kept and, when `complete`, those
    that stop the notification from being filed with the administration."""
    vessel = getattr(notification, "vessel", None) if notification.vessel_id else None
    errors: dict[str, str] = {}
    errors.update(_check_vessel(actor, vessel))
    if notification.kind not in Kind.values:
        errors["kind"] = _("Choose arrival or departure.")
    errors.update(check_port(notification.port if notification.port_id else None))
    errors.update(check_expected_at(notification.expected_at))
    errors.update(_check_people(actor, people, complete=complete))
    for field, message in _normalise(notification).items():
        errors.setdefault(field, message)
    if complete:
        for field, message in check_complete(notification).items():
            errors.setdefault(field, message)
    raise_errors(errors)


def check_complete(notification: Notification) -> dict[str, str]:
    """What a notification needs to be filed beyond what a draft needs: the declaration answered and
    consistent with the vessel, and the purpose of an arrival. The operator's form asks this too before
    anything is saved, so that every error is shown in one round trip."""
    errors: dict[str, str] = {}
    if notification.vessel_id:
        errors.update(_check_declaration(notification))
    if notification.purpose == "" and notification.kind == Kind.ARRIVAL:
        errors.setdefault("purpose", _("Choose the purpose of the visit."))
    return errors


def check_people(actor: User, people: Sequence[Aboard], *, complete: bool) -> dict[str, str]:
    """The rules on the people on board (see `validate`), for a form that checks before it saves."""
    return _check_people(actor, people, complete=complete)


# --- Reading back what is stored ---------------------------------------------------------------------


def people_of(notification: Notification) -> list[Aboard]:
    return [
        Aboard(person=row.person, document=row.document, role=row.role)
        for row in notification.people_on_board.select_related("person", "document").order_by("pk")
    ]


def set_people(notification: Notification, people: Sequence[Aboard]) -> None:
    notification.people_on_board.all().delete()
    NotificationPerson.objects.bulk_create(
        NotificationPerson(notification=notification, person=a.person, document=a.document, role=a.role)
        for a in people
    )
