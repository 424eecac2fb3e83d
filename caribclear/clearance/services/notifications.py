"""Operator services: drafts, submission, amendment, cancellation, visits filed together, and a new
draft started from the last voyage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.declarations import declaration_cancelled, send_on_commit
from caribclear.core.refs import new_reference
from caribclear.reference.models import Port
from caribclear.vessels.models import Person, TravelDocument, Vessel

from ..choices import DECIDABLE, OPERATOR_EDITABLE, Decision, Kind, Status
from ..expiry import expired_on_board
from ..models import Notification, UnfinishedNotification
from ..pipeline import NOTIFICATION_STATUS
from .filing import (
    VISIT_MAX_LENGTH,
    Aboard,
    apply,
    check_expected_at,
    people_of,
    raise_errors,
    set_people,
    validate,
)
from .unfinished import unfinished_discard
from .versions import record_version


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
    *,
    actor: User,
    data: Mapping[str, Any],
    people: Sequence[Aboard] = (),
    submit: bool = False,
    replaces: UnfinishedNotification | None = None,
) -> Notification:
    """A draft notification (only the vessel, kind, port and date need to be right to keep a draft);
    with `submit=True` it is submitted at once, and nothing is kept if it cannot be. `replaces`: the
    draft kept as typed it was finished from, removed with it."""
    if not actor.is_operator:
        raise PermissionDenied
    if replaces is not None:
        unfinished_discard(actor=actor, unfinished=replaces, finished=True)
    notification = Notification(account=actor, status=Status.DRAFT)
    apply(notification, data)
    validate(actor, notification, people, complete=submit)
    _new_with_reference(notification)
    set_people(notification, people)
    audit_record(
        actor=actor,
        action="notification.create",
        obj=notification,
        summary=f"{notification.reference} draft {notification.kind} at {notification.port.locode}",
    )
    if submit:
        # Made and checked in full just now, inside this transaction: nobody else can see it to lock it,
        # and no draft can be paired with it yet.
        return _submit_one(actor, notification, people=people)
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
    apply(notification, data)
    current = people_of(notification) if people is None else people
    validate(actor, notification, current, complete=submit)
    notification.save()
    if people is not None:
        set_people(notification, people)
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


def _submit_one(
    actor: User, notification: Notification, *, people: Sequence[Aboard] | None = None
) -> Notification:
    """Submit one draft. ``people`` is given when the caller has just validated the notification in full
    with them (made and submitted in one call), so the checks are not run twice."""
    if people is None:
        validate(actor, notification, people_of(notification), complete=True)
    NOTIFICATION_STATUS.move(notification, Status.SUBMITTED, actor=actor)
    notification.submitted_at = timezone.now()
    audit_record(
        actor=actor,
        action="notification.submit",
        obj=notification,
        summary=f"{notification.reference} submitted to {notification.administration.code}",
        data={"expired_documents": [row.document.number for row in expired_on_board(notification)]},
    )
    record_version(
        actor=actor,
        notification=notification,
        action="notification.version",
        save_also=("status", "submitted_at"),
    )
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
    raise_errors(errors)
    apply(notification, data)
    current = people_of(notification) if people is None else people
    validate(actor, notification, current, complete=True)
    if people is not None:
        set_people(notification, people)
    NOTIFICATION_STATUS.move(notification, Status.SUBMITTED, actor=actor)
    notification.save()
    audit_record(
        actor=actor,
        action="notification.amend",
        obj=notification,
        summary=f"{notification.reference} amended",
        data={"fields": sorted(data), "people_changed": people is not None},
    )
    record_version(actor=actor, notification=notification, action="notification.version")
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
    NOTIFICATION_STATUS.move(notification, Status.CANCELLED, actor=actor, note=reason.strip())
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
    replaces: UnfinishedNotification | None = None,
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
    arrival = notification_create(
        actor=actor, data={**data, "kind": Kind.ARRIVAL}, people=people, replaces=replaces
    )
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
        for a in people_of(last)
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
