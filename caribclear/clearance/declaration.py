"""The yacht notification as a kind of declaration: the one place that tells screening and risk about it.

Registered in :class:`caribclear.clearance.apps.ClearanceConfig.ready`. Screening reads the people on board,
the vessel and its owner (:meth:`NotificationKind.subjects`); risk criteria test the facts listed in
``fact_specs`` (:meth:`NotificationKind.facts`). The declaration row itself is made when a notification is
first filed (:func:`notification_declaration_sync`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from caribclear.core.declarations import (
    BOOL,
    CHOICE,
    COUNTRY,
    DATE,
    NUMBER,
    OWNER,
    PERSON,
    TEXT,
    VESSEL,
    DeclarationKind,
    Facts,
    Subject,
    Summary,
    fact,
)
from caribclear.core.models import Declaration
from caribclear.vessels.choices import VesselType

from .choices import Kind, Purpose, Status
from .expiry import document_expired, travel_day
from .models import Notification

KEY = "clearance.notification"

#: Notifications still to be cleared, which a change of a watchlist screens again.
PENDING_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS)
_GENDERS = {"F": "female", "M": "male"}
_DECLARES = (
    "declares_firearms",
    "declares_currency",
    "declares_alcohol_tobacco",
    "declares_animals",
    "declares_plants_food",
    "declares_goods_for_sale",
    "declares_illness",
)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _document_facts(record: Notification, people: list[Any]) -> Facts:
    """Each travel document's expiry against the day of the voyage in the port's calendar (the rule of
    :mod:`caribclear.clearance.expiry`, so a criterion agrees with the officer's "Expired" tag)."""
    expiries = [np.document.expiry_date for np in people if np.document_id and np.document.expiry_date]
    if record.expected_at is None or not record.port_id:
        return {"document_expiry_date": expiries, "document_days_valid": [], "document_expired": []}
    day = travel_day(record.expected_at, record.port)
    return {
        "document_expiry_date": expiries,
        "document_days_valid": [Decimal((expiry - day).days) for expiry in expiries],
        "document_expired": [any(document_expired(expiry, day) for expiry in expiries)] if expiries else [],
    }


class NotificationKind(DeclarationKind):
    key = KEY
    label = _("Yacht notification")
    slug = "notifications"
    fact_specs = (
        fact("kind", _("Arrival or departure"), CHOICE, Kind.choices),
        fact("port", _("Port of entry (UN/LOCODE)"), TEXT),
        fact("last_port_country", _("Country of last port"), COUNTRY),
        fact("next_port_country", _("Country of next port"), COUNTRY),
        fact("last_port", _("Last port (name)"), TEXT),
        fact("purpose", _("Purpose of visit"), CHOICE, Purpose.choices),
        fact("is_charter", _("On charter"), BOOL),
        fact("notice_hours", _("Hours of notice before arrival"), NUMBER),
        fact("vessel_flag", _("Vessel flag"), COUNTRY),
        fact("vessel_type", _("Vessel type"), CHOICE, VesselType.choices),
        fact("vessel_length_m", _("Vessel length (m)"), NUMBER),
        fact("vessel_gross_tonnage", _("Vessel gross tonnage"), NUMBER),
        fact("vessel_name", _("Vessel name"), TEXT),
        fact("people_count", _("Number of people on board"), NUMBER),
        fact("person_nationality", _("Nationality of a person on board"), COUNTRY),
        fact("person_age", _("Age of a person on board"), NUMBER),
        fact("document_issuing_state", _("Issuing state of a travel document"), COUNTRY),
        fact("document_expiry_date", _("Expiry date of a travel document"), DATE),
        fact(
            "document_days_valid",
            _("Days a travel document is still valid after the day of arrival or departure"),
            NUMBER,
        ),
        fact("document_expired", _("A travel document is expired on the day of arrival or departure"), BOOL),
        fact("declares_firearms", _("Declares firearms or ammunition"), BOOL),
        fact("declares_currency", _("Declares currency above the threshold"), BOOL),
        fact("currency_amount", _("Declared currency amount"), NUMBER),
        fact("declares_alcohol_tobacco", _("Declares alcohol or tobacco above the allowance"), BOOL),
        fact("declares_animals", _("Declares animals"), BOOL),
        fact("declares_plants_food", _("Declares plants or food"), BOOL),
        fact("declares_goods_for_sale", _("Declares goods for sale"), BOOL),
        fact("declares_illness", _("Declares illness or death on board"), BOOL),
    )

    def load(self, declaration_ids: Iterable[int]) -> dict[int, Notification]:
        notifications = (
            Notification.objects.filter(declaration_id__in=list(declaration_ids))
            .select_related("vessel", "port", "administration", "declaration")
            .prefetch_related("people_on_board__person__documents", "people_on_board__document")
        )
        return {n.declaration_id: n for n in notifications if n.declaration_id is not None}

    def subjects(self, record: Notification) -> list[Subject]:
        """The people on board, the vessel and its registered owner."""
        subjects: list[Subject] = []
        for np in sorted(record.people_on_board.all(), key=lambda row: row.pk):
            person = np.person
            numbers = [n for n in [np.document.number if np.document_id else ""] if n]
            numbers += [d.number for d in person.documents.all() if d.number and d.number not in numbers]
            subjects.append(
                Subject(
                    kind=PERSON,
                    key=f"person:{person.pk}",
                    label=person.full_name,
                    schema="Person",
                    names=(f"{person.surname}, {person.given_names}".strip(", "),),
                    birth_dates=(person.date_of_birth.isoformat(),) if person.date_of_birth else (),
                    nationalities=(str(person.nationality),) if person.nationality else (),
                    gender=_GENDERS.get(person.sex),
                    identifiers={"passport": tuple(numbers)} if numbers else {},
                )
            )
        vessel = record.vessel
        vessel_ids: dict[str, tuple[str, ...]] = {}
        for kind, attr in (("imo", "imo_number"), ("mmsi", "mmsi"), ("call_sign", "call_sign")):
            value = getattr(vessel, attr, "")
            if value:
                vessel_ids[kind] = (str(value),)
        subjects.append(
            Subject(
                kind=VESSEL,
                key=f"vessel:{vessel.pk}",
                label=vessel.name,
                schema="Vessel",
                names=(vessel.name,),
                nationalities=(str(vessel.flag),) if vessel.flag else (),
                identifiers=vessel_ids,
            )
        )
        if vessel.owner_name.strip():
            # The registered owner, person or company: sanctions often name the owner, not the yacht.
            subjects.append(
                Subject(
                    kind=OWNER,
                    key=f"owner:{vessel.pk}",
                    label=vessel.owner_name,
                    schema="LegalEntity",
                    names=(vessel.owner_name,),
                )
            )
        return subjects

    def facts(self, record: Notification) -> Facts:
        vessel = record.vessel
        on = (record.expected_at or timezone.now()).date()
        people = list(record.people_on_board.all())
        notice = None
        if record.submitted_at and record.expected_at:
            notice = Decimal((record.expected_at - record.submitted_at).total_seconds() / 3600).quantize(
                Decimal("0.1")
            )
        facts: Facts = {
            "kind": [record.kind],
            "port": [record.port.locode] if record.port_id else [],
            "last_port_country": [str(record.last_port_country)] if record.last_port_country else [],
            "next_port_country": [str(record.next_port_country)] if record.next_port_country else [],
            "last_port": [record.last_port] if record.last_port else [],
            "purpose": [record.purpose] if record.purpose else [],
            "is_charter": [record.is_charter],
            "notice_hours": [notice] if notice is not None else [],
            "vessel_flag": [str(vessel.flag)] if vessel.flag else [],
            "vessel_type": [vessel.vessel_type],
            "vessel_length_m": [Decimal(vessel.length_m)] if vessel.length_m is not None else [],
            "vessel_gross_tonnage": [Decimal(vessel.gross_tonnage)]
            if vessel.gross_tonnage is not None
            else [],
            "vessel_name": [vessel.name],
            "people_count": [Decimal(len(people))],
            "person_nationality": sorted(
                {str(np.person.nationality) for np in people if np.person.nationality}
            ),
            "person_age": [
                Decimal(_age(np.person.date_of_birth, on)) for np in people if np.person.date_of_birth
            ],
            "document_issuing_state": sorted(
                {str(np.document.issuing_state) for np in people if np.document_id}
            ),
            "currency_amount": [record.currency_amount] if record.currency_amount is not None else [],
            **_document_facts(record, people),
        }
        for key in _DECLARES:
            facts[key] = [bool(getattr(record, key))]
        return facts

    def summary(self, record: Notification) -> Summary:
        expected = timezone.localtime(record.expected_at) if record.expected_at else None
        details = [record.port.name]
        if expected is not None:
            details.append(date_format(expected, "DATETIME_FORMAT"))
        details.append(str(record.get_status_display()))
        return Summary(
            reference=record.reference,
            title=f"{record.get_kind_display()} — {record.vessel.name}",
            details=" · ".join(details),
            url=reverse("officer:notification_detail", args=[record.reference]),
            date=record.expected_at,
        )

    def summaries(self, declaration_ids: Iterable[int]) -> dict[int, Summary]:
        notifications = Notification.objects.filter(declaration_id__in=list(declaration_ids)).select_related(
            "vessel", "port"
        )
        return {n.declaration_id: self.summary(n) for n in notifications if n.declaration_id is not None}

    def checkable(self, record: Notification) -> bool:
        return record.status not in (Status.DRAFT, Status.CANCELLED)

    def open_for_recheck(self, administration_ids: Sequence[int]) -> list[int]:
        """Notifications still to be cleared and expected in the future."""
        return list(
            Notification.objects.filter(
                administration_id__in=list(administration_ids),
                status__in=PENDING_STATUSES,
                expected_at__gte=timezone.now(),
                declaration__isnull=False,
            )
            .order_by("expected_at", "pk")
            .values_list("declaration_id", flat=True)
        )

    def closed(self, declaration_ids: Sequence[int]) -> list[int]:
        """Cleared, refused or cancelled notifications."""
        return list(
            Notification.objects.filter(
                declaration_id__in=list(declaration_ids),
                status__in=(Status.CLEARED, Status.REFUSED, Status.CANCELLED),
            ).values_list("declaration_id", flat=True)
        )

    def recent(self, administration_id: int, *, since: dt.datetime, limit: int) -> list[int]:
        """Filed notifications expected since a time (and those still to come), newest first."""
        return list(
            Notification.objects.filter(
                administration_id=administration_id, expected_at__gte=since, declaration__isnull=False
            )
            .exclude(status=Status.DRAFT)
            .order_by("-expected_at", "-pk")
            .values_list("declaration_id", flat=True)[:limit]
        )


def notification_declaration_sync(
    notification: Notification, *, save: bool = True
) -> tuple[Declaration, bool]:
    """The notification's declaration, made at its first filing; its version follows the notification's.
    Returns it and whether it was just made. Call inside the filing transaction. With ``save=False`` the
    caller saves the notification's ``declaration`` with its own update (one write instead of two)."""
    if notification.declaration_id is None:
        declaration = Declaration.objects.create(
            kind=KEY,
            administration_id=notification.administration_id,
            reference=notification.reference,
            version=notification.version,
            created_at=notification.submitted_at or timezone.now(),
        )
        notification.declaration = declaration
        if save:
            notification.save(update_fields=["declaration", "updated_at"])
        return declaration, True
    existing = notification.declaration
    assert existing is not None
    if existing.version != notification.version:
        existing.version = notification.version
        existing.save(update_fields=["version", "updated_at"])
    return existing, False
