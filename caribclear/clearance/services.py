"""Writes on notifications and clearances. Every write: validate, transition, audit, side effects on commit.

Operator side: `notification_create` and `notification_update` (drafts), `notification_submit`,
`notification_amend` (after submission, while no agency has decided), `notification_cancel`,
`visit_file` (the arrival and departure of a short stay, filed together and paired) and
`notification_start_from_last_voyage`. Officer side: `clearance_decide`.

Every submission and amendment freezes the whole notification in a `NotificationVersion` with the list
of what changed since the version before.

A notification is a declaration (`clearance/declaration.py`): its first filing makes its
`core.Declaration`, and each filing, amendment and cancellation sends `declaration_filed`,
`declaration_amended` or `declaration_cancelled` (`caribclear.core.declarations`) after commit, robustly: a
receiver that raises is logged and does not stop the others, nor undo the filing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.declarations import (
    declaration_amended,
    declaration_cancelled,
    declaration_filed,
    send_on_commit,
)
from caribclear.core.mail import mail_user
from caribclear.core.refs import new_reference
from caribclear.reference.models import Port
from caribclear.vessels.choices import WeaponKind
from caribclear.vessels.models import Person, TravelDocument, Vessel

from .choices import DECIDABLE, OPERATOR_EDITABLE, Decision, Kind, PersonRole, Status
from .declaration import notification_declaration_sync
from .models import AgencyClearance, Notification, NotificationPerson, NotificationVersion
from .pipeline import overall_status, required_agencies, set_status

logger = logging.getLogger(__name__)

DECIDED_STATUSES = frozenset({Status.CLEARED, Status.REFUSED, Status.REFERRED})

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
# The fields a snapshot records, in the order changes are listed.
SNAPSHOT_FIELDS = (
    "kind",
    "vessel",
    "port",
    "administration",
    "expected_at",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
    *DECLARATION_FIELDS,
)


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


def _raise(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def _apply(notification: Notification, data: Mapping[str, Any]) -> None:
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


def _validate(actor: User, notification: Notification, people: Sequence[Aboard], *, complete: bool) -> None:
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
        if vessel is not None:
            for field, message in _check_declaration(notification).items():
                errors.setdefault(field, message)
        if notification.purpose == "" and notification.kind == Kind.ARRIVAL:
            errors.setdefault("purpose", _("Choose the purpose of the visit."))
    _raise(errors)


# --- Reading back what is stored ---------------------------------------------------------------------


def _people_of(notification: Notification) -> list[Aboard]:
    return [
        Aboard(person=row.person, document=row.document, role=row.role)
        for row in notification.people_on_board.select_related("person", "document").order_by("pk")
    ]


def _set_people(notification: Notification, people: Sequence[Aboard]) -> None:
    notification.people_on_board.all().delete()
    NotificationPerson.objects.bulk_create(
        NotificationPerson(notification=notification, person=a.person, document=a.document, role=a.role)
        for a in people
    )


def expired_documents(notification: Notification) -> list[NotificationPerson]:
    """People on board whose travel document has expired by the expected date: flagged, not refused."""
    on_date = timezone.localtime(notification.expected_at).date()
    return [
        row
        for row in notification.people_on_board.select_related("person", "document")
        if row.document.expiry_date < on_date
    ]


def _value(notification: Notification, name: str) -> Any:
    value = getattr(notification, name)
    if name == "vessel":
        return {"id": value.pk, "name": value.name}
    if name == "port":
        return {"locode": value.locode, "name": value.name}
    if name == "administration":
        return notification.administration.code
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return str(value) if hasattr(value, "code") else value  # django-countries Country


def snapshot(notification: Notification) -> dict[str, Any]:
    """The whole notification as filed, as plain JSON: what the version history keeps."""
    data = {name: _value(notification, name) for name in SNAPSHOT_FIELDS}
    data["people"] = [
        {
            "person_id": a.person.pk,
            "name": str(a.person),
            "nationality": str(a.person.nationality),
            "date_of_birth": a.person.date_of_birth.isoformat(),
            "role": a.role,
            "document": {
                "id": a.document.pk,
                "type": a.document.document_type,
                "number": a.document.number,
                "issuing_state": str(a.document.issuing_state),
                "expiry_date": a.document.expiry_date.isoformat(),
            },
        }
        for a in _people_of(notification)
    ]
    data["weapons"] = [
        {"kind": w.kind, "description": str(w), "serial_number": w.serial_number, "quantity": w.quantity}
        for w in notification.vessel.weapons.all()
    ]
    return data


def _describe(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("locode") or value)
    if value is None:
        return ""
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, str]]:
    """What changed from one snapshot to the next: ``[{"field", "old", "new"}]``. Values are stored raw
    (codes, ISO dates); pages turn fields into labels and codes into words (see selectors)."""
    changes = [
        {"field": name, "old": _describe(name, before.get(name)), "new": _describe(name, after.get(name))}
        for name in SNAPSHOT_FIELDS
        if before.get(name) != after.get(name)
    ]
    old_people = {p["person_id"]: p for p in before.get("people", [])}
    new_people = {p["person_id"]: p for p in after.get("people", [])}
    for pid, person in new_people.items():
        old = old_people.get(pid)
        if old is None:
            changes.append({"field": "people", "old": "", "new": f"{person['name']} ({person['role']})"})
        elif old["role"] != person["role"]:
            changes.append(
                {
                    "field": "people.role",
                    "old": f"{old['name']} ({old['role']})",
                    "new": f"{person['name']} ({person['role']})",
                }
            )
        elif old["document"] != person["document"]:
            changes.append(
                {
                    "field": "people.document",
                    "old": f"{old['name']}: {old['document']['number']}",
                    "new": f"{person['name']}: {person['document']['number']}",
                }
            )
    for pid, person in old_people.items():
        if pid not in new_people:
            changes.append({"field": "people", "old": f"{person['name']} ({person['role']})", "new": ""})
    return changes


# --- Side effects ----------------------------------------------------------------------------------


def _record_version(*, actor: User, notification: Notification, action: str) -> NotificationVersion:
    data = snapshot(notification)
    previous = notification.versions.order_by("-number").first()
    changes = changes_between(previous.snapshot, data) if previous is not None else []
    if previous is not None and not changes:
        return previous
    notification.version = (previous.number if previous is not None else 0) + 1
    notification.save(update_fields=["version", "updated_at"])
    version = NotificationVersion.objects.create(
        notification=notification,
        number=notification.version,
        created_by=actor,
        snapshot=data,
        changes=changes,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=notification,
        summary=f"{notification.reference} version {version.number}",
        data={"version": version.number, "changes": [c["field"] for c in changes]},
    )
    declaration, first = notification_declaration_sync(notification)
    send_on_commit(declaration_filed if first else declaration_amended, declaration)
    return version


# --- Operator services -----------------------------------------------------------------------------


def _lock_own(actor: User, notification: Notification) -> Notification:
    if not actor.is_operator or notification.account_id != actor.pk:
        raise PermissionDenied
    return (
        Notification.objects.select_for_update()
        .select_related("vessel", "port", "administration")
        .get(pk=notification.pk)
    )


def _new_with_reference(notification: Notification) -> Notification:
    """Save a new notification under a fresh reference, drawing again on the (rare) collision."""
    for _attempt in range(8):
        notification.reference = new_reference()
        if Notification.objects.filter(reference=notification.reference).exists():
            continue
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            if Notification.objects.filter(reference=notification.reference).exists():
                notification.pk = None
                continue
            raise
        return notification
    raise RuntimeError("Could not draw an unused reference.")


@transaction.atomic
def notification_create(
    *, actor: User, data: Mapping[str, Any], people: Sequence[Aboard] = (), submit: bool = False
) -> Notification:
    """A draft notification (only the vessel, kind, port and date need to be right to keep a draft);
    with `submit=True` it is submitted at once, and nothing is kept if it cannot be."""
    if not actor.is_operator:
        raise PermissionDenied
    notification = Notification(account=actor, status=Status.DRAFT)
    _apply(notification, data)
    _validate(actor, notification, people, complete=submit)
    _new_with_reference(notification)
    _set_people(notification, people)
    audit_record(
        actor=actor,
        action="notification.create",
        obj=notification,
        summary=f"{notification.reference} draft {notification.kind} at {notification.port.locode}",
    )
    if submit:
        return notification_submit(actor=actor, notification=notification)
    return notification


@transaction.atomic
def notification_update(
    *,
    actor: User,
    notification: Notification,
    data: Mapping[str, Any],
    people: Sequence[Aboard] | None = None,
    submit: bool = False,
) -> Notification:
    """Change a draft (`people=None` leaves the people on board as they are); with `submit=True`
    submit it too, keeping neither the change nor the submission if it cannot be submitted."""
    notification = _lock_own(actor, notification)
    if notification.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed this way; a submitted notification is amended."))
    _apply(notification, data)
    current = _people_of(notification) if people is None else people
    _validate(actor, notification, current, complete=submit)
    notification.save()
    if people is not None:
        _set_people(notification, people)
    audit_record(
        actor=actor,
        action="notification.update",
        obj=notification,
        summary=f"{notification.reference} draft changed",
        data={"fields": sorted(data)},
    )
    if submit:
        return notification_submit(actor=actor, notification=notification)
    return notification


@transaction.atomic
def notification_submit(*, actor: User, notification: Notification) -> Notification:
    """File a draft with the administration of its port: full validation, version 1, events on commit.
    The other half of a visit filed together, if still a draft, is submitted with it."""
    notification = _lock_own(actor, notification)
    if notification.status != Status.DRAFT:
        raise ValidationError(_("This notification has already been submitted."))
    pair = (
        Notification.objects.select_for_update()
        .select_related("vessel", "port", "administration")
        .filter(paired_with=notification, status=Status.DRAFT)
        .first()
    )
    if pair is not None:
        _submit_one(actor, pair)
    return _submit_one(actor, notification)


def _submit_one(actor: User, notification: Notification) -> Notification:
    _validate(actor, notification, _people_of(notification), complete=True)
    set_status(notification, Status.SUBMITTED)
    notification.submitted_at = timezone.now()
    notification.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="notification.submit",
        obj=notification,
        summary=f"{notification.reference} submitted to {notification.administration.code}",
        data={"expired_documents": [row.document.number for row in expired_documents(notification)]},
    )
    _record_version(actor=actor, notification=notification, action="notification.version")
    return notification


def _ensure_amendable(notification: Notification) -> None:
    decided = notification.clearances.exclude(decision=Decision.PENDING).exists()
    if notification.status != Status.SUBMITTED or decided:
        raise ValidationError(
            _(
                "This notification can no longer be changed: an agency has already decided on it. "
                "Contact the office at the port."
            )
            if notification.status in DECIDABLE or decided
            else _("Only a submitted notification can be amended.")
        )


@transaction.atomic
def notification_amend(
    *,
    actor: User,
    notification: Notification,
    data: Mapping[str, Any],
    people: Sequence[Aboard] | None = None,
) -> Notification:
    """Change a submitted notification while no agency has decided: a new version with its changes.
    The vessel, arrival or departure, and the administration it was filed with stay as they are: for
    another vessel or another member's port, cancel and file a new notification."""
    notification = _lock_own(actor, notification)
    _ensure_amendable(notification)
    fixed = {
        "vessel": (notification.vessel_id, getattr(data.get("vessel"), "pk", notification.vessel_id)),
        "kind": (notification.kind, data.get("kind", notification.kind)),
        "port": (
            notification.administration_id,
            getattr(data.get("port"), "administration_id", notification.administration_id),
        ),
    }
    errors = {
        field: _("This cannot be changed by an amendment: cancel this notification and file a new one.")
        for field, (before, after) in fixed.items()
        if before != after
    }
    _raise(errors)
    _apply(notification, data)
    current = _people_of(notification) if people is None else people
    _validate(actor, notification, current, complete=True)
    if people is not None:
        _set_people(notification, people)
    set_status(notification, Status.SUBMITTED)
    notification.save()
    audit_record(
        actor=actor,
        action="notification.amend",
        obj=notification,
        summary=f"{notification.reference} amended",
        data={"fields": sorted(data), "people_changed": people is not None},
    )
    _record_version(actor=actor, notification=notification, action="notification.version")
    return notification


@transaction.atomic
def notification_cancel(*, actor: User, notification: Notification, reason: str = "") -> Notification:
    """Withdraw a draft or a submitted notification no agency has decided on. Cancelling the arrival of
    a visit filed together also cancels its departure (if that is still open)."""
    notification = _lock_own(actor, notification)
    if notification.status not in OPERATOR_EDITABLE or (
        notification.clearances.exclude(decision=Decision.PENDING).exists()
    ):
        raise ValidationError(
            _("This notification can no longer be cancelled: contact the office at the port.")
        )
    set_status(notification, Status.CANCELLED)
    notification.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="notification.cancel",
        obj=notification,
        summary=f"{notification.reference} cancelled",
        data={"reason": reason.strip()[:500]},
    )
    if notification.declaration is not None:
        send_on_commit(declaration_cancelled, notification.declaration)
    pair = notification.paired_with
    if (
        notification.kind == Kind.ARRIVAL
        and pair is not None
        and pair.status in OPERATOR_EDITABLE
        and not pair.clearances.exclude(decision=Decision.PENDING).exists()
    ):
        notification_cancel(actor=actor, notification=pair, reason=reason)
    return notification


@transaction.atomic
def visit_file(
    *,
    actor: User,
    data: Mapping[str, Any],
    people: Sequence[Aboard],
    departs_at: dt.datetime | None,
    submit: bool = True,
) -> tuple[Notification, Notification]:
    """A short stay: the arrival and the departure filed together and paired, so one visit to the
    office clears the craft in and out. `data` describes the arrival; the departure shares the vessel,
    port, people, purpose and declaration and leaves at `departs_at`."""
    arrives_at = data.get("expected_at")
    problem = check_expected_at(departs_at).get("expected_at")
    if problem is None and isinstance(arrives_at, dt.datetime) and departs_at is not None:
        if departs_at <= arrives_at:
            problem = _("The departure must be after the arrival.")
        elif departs_at - arrives_at > VISIT_MAX_LENGTH:
            problem = _("A visit filed together lasts at most 30 days: file the departure later.")
    if problem:
        raise ValidationError({"departs_at": problem})
    arrival = notification_create(actor=actor, data={**data, "kind": Kind.ARRIVAL}, people=people)
    departure = notification_create(
        actor=actor, data={**data, "kind": Kind.DEPARTURE, "expected_at": departs_at}, people=people
    )
    arrival.paired_with, departure.paired_with = departure, arrival
    arrival.save(update_fields=["paired_with", "updated_at"])
    departure.save(update_fields=["paired_with", "updated_at"])
    audit_record(
        actor=actor,
        action="notification.visit_file",
        obj=arrival,
        summary=f"{arrival.reference} + {departure.reference} filed together",
    )
    if submit:
        arrival = notification_submit(actor=actor, notification=arrival)  # the departure with it
        departure.refresh_from_db()
    return arrival, departure


def last_voyage(*, vessel: Vessel) -> Notification | None:
    """The vessel's most recent notification that was filed (not a draft, not cancelled)."""
    return (
        Notification.objects.filter(vessel=vessel)
        .exclude(status__in=[Status.DRAFT, Status.CANCELLED])
        .select_related("port")
        .order_by("-expected_at", "-id")
        .first()
    )


def _current_document(person: Person, filed: TravelDocument) -> TravelDocument:
    """The document filed last time, unless the person has since added one that expires later."""
    newest = person.documents.order_by("-expiry_date", "-id").first()
    return newest if newest is not None and newest.expiry_date > filed.expiry_date else filed


@transaction.atomic
def notification_start_from_last_voyage(
    *,
    actor: User,
    vessel: Vessel,
    port: Port,
    expected_at: dt.datetime,
    kind: str = Kind.ARRIVAL,
) -> Notification:
    """A draft prefilled from the vessel's last voyage: the same people on board, roles and documents
    (a newer document replaces an older one), purpose and charter. For an arrival the last voyage's port
    becomes the last port; for a departure from the port the craft arrived at, the last and next ports
    of that arrival carry over. The declaration must be answered again."""
    if vessel.account_id != actor.pk:
        raise ValidationError({"vessel": _("Choose one of your vessels.")})
    last = last_voyage(vessel=vessel)
    if last is None:
        raise ValidationError({"vessel": _("This vessel has no earlier voyage to start from.")})
    data: dict[str, Any] = {
        "vessel": vessel,
        "kind": kind,
        "port": port,
        "expected_at": expected_at,
        "purpose": last.purpose,
        "is_charter": last.is_charter,
    }
    if kind == Kind.DEPARTURE and last.port_id == port.pk and last.kind == Kind.ARRIVAL:
        data |= {
            "last_port": last.last_port,
            "last_port_country": last.last_port_country,
            "next_port": last.next_port,
            "next_port_country": last.next_port_country,
        }
    else:
        data |= {"last_port": last.port.name, "last_port_country": last.port.country}
    people = [
        Aboard(person=a.person, document=_current_document(a.person, a.document), role=a.role)
        for a in _people_of(last)
        if not a.person.is_archived
    ]
    notification = notification_create(actor=actor, data=data, people=people)
    audit_record(
        actor=actor,
        action="notification.start_from_last_voyage",
        obj=notification,
        summary=f"{notification.reference} started from {last.reference}",
        data={"from": last.reference},
    )
    return notification


# --- Officer decision and its e-mail -------------------------------------------------------------------


def send_decision_email(*, notification_id: int) -> None:
    """Tell the operator, in their own language, what the agencies decided and what to do next."""
    notification = Notification.objects.select_related("account", "vessel", "port", "administration").get(
        pk=notification_id
    )
    operator = notification.account
    with translation.override(operator.language):
        subject = _("%(reference)s %(vessel)s: %(status)s") % {
            "reference": notification.reference,
            "vessel": notification.vessel.name,
            "status": notification.get_status_display(),
        }
    mail_user(
        user=operator,
        subject=subject,
        template="clearance/email/decided.txt",
        context={
            "operator": operator,
            "notification": notification,
            "clearances": notification.clearances.all(),
            "link": settings.SITE_URL
            + reverse("clearance:notification_detail", args=[notification.reference]),
        },
    )


@transaction.atomic
def clearance_decide(
    *, actor: User, notification: Notification, decision: str, remarks: str = ""
) -> AgencyClearance:
    """An officer records their agency's decision; the notification's status follows from all of them."""
    if not actor.is_official or actor.administration_id != notification.administration_id or not actor.agency:
        raise PermissionDenied
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in DECIDABLE:
        raise ValidationError(
            _("This notification is %(status)s: there is nothing to decide.")
            % {"status": notification.get_status_display()}
        )
    if decision not in (Decision.CLEARED, Decision.REFUSED, Decision.REFERRED):
        raise ValidationError({"decision": _("Choose cleared, refused or referred for inspection.")})
    remarks = remarks.strip()
    if decision != Decision.CLEARED and not remarks:
        raise ValidationError({"remarks": _("Give the reason: the operator and other officers will see it.")})

    clearance, _created = AgencyClearance.objects.get_or_create(
        notification=notification, agency=actor.agency
    )
    previous = clearance.decision
    clearance.decision = decision
    clearance.remarks = remarks
    clearance.decided_by = actor
    clearance.decided_at = timezone.now()
    clearance.save()

    decisions = dict(notification.clearances.values_list("agency", "decision"))
    new_status = overall_status(decisions, required_agencies(notification))
    changed = set_status(notification, new_status)
    notification.decided_at = clearance.decided_at if new_status in DECIDED_STATUSES else None
    notification.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="clearance.decide",
        obj=notification,
        summary=f"{actor.agency}: {previous} -> {decision}",
        data={
            "agency": actor.agency,
            "decision": decision,
            "previous": previous,
            "remarks": remarks,
            "status": new_status,
        },
    )
    if changed and new_status in DECIDED_STATUSES:
        transaction.on_commit(lambda: send_decision_email(notification_id=notification.pk))
    return clearance
