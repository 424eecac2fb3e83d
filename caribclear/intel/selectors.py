"""Reads of intelligence, always through `caribclear.intel.access` (restrict first, then look up)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.core.visibility import visible
from caribclear.reference.models import Port
from caribclear.vessels.identifiers import imo_number_q

from .access import visible_records, visible_to_administration
from .choices import PersonalField, RecordType
from .models import (
    AccessLog,
    Alert,
    DisseminatedRecord,
    DisseminationChange,
    InformationAnswer,
    InformationRequest,
    Operation,
    Seizure,
    SeizurePerson,
)
from .visibility import personal_q

R = TypeVar("R", bound=DisseminatedRecord)


def _get(user: Any, qs: QuerySet[R], reference: str) -> R:
    try:
        return visible_records(user, qs).get(reference=reference.strip().upper())
    except qs.model.DoesNotExist:
        raise Http404 from None


def seizure_queryset() -> QuerySet[Seizure]:
    return Seizure.objects.select_related("owner", "port", "operation", "vessel").prefetch_related(
        "released_to", "persons", "companies", "attachments"
    )


def seizure_get(*, user: Any, reference: str) -> Seizure:
    return _get(user, seizure_queryset(), reference)


def alert_get(*, user: Any, reference: str) -> Alert:
    return _get(
        user, Alert.objects.select_related("owner", "operation").prefetch_related("released_to"), reference
    )


def information_request_get(*, user: Any, reference: str) -> InformationRequest:
    qs = InformationRequest.objects.select_related("owner", "operation", "seizure").prefetch_related(
        "released_to"
    )
    return _get(user, qs, reference)


def text_q(user: Any, model: type[DisseminatedRecord], text: str) -> Q:
    """Match `text` in non-personal text, or in personal text only where the reader may see it."""
    personal = personal_q(user, model) or Q(pk__in=[])
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="simple", search_type="plain")
        return Q(search_vector=query) | (Q(personal_vector=query) & personal)
    condition = Q()
    for term in text.split():
        condition &= Q(search_text__icontains=term) | (Q(personal_text__icontains=term) & personal)
    return condition


@dataclass
class SeizureFilters:
    q: str = ""
    commodity: str = ""
    origin: str = ""
    transit: str = ""
    destination: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = ""
    vessel: str = ""
    owner: str = ""
    operation: int | None = None
    administrations: list[str] = field(default_factory=list)


def seizure_search(*, user: Any, filters: SeizureFilters | None = None) -> QuerySet[Seizure]:
    """Seizures the user may see, narrowed by the filters. Person and vessel filters search personal
    parts only in records whose personal parts the reader may see (or that are not flagged personal)."""
    f = filters or SeizureFilters()
    qs = visible_records(user, Seizure.objects.select_related("owner", "port"))
    if f.q.strip():
        qs = qs.filter(text_q(user, Seizure, f.q.strip()))
    if f.commodity:
        qs = qs.filter(commodity=f.commodity)
    if f.origin:
        qs = qs.filter(route_origin=f.origin)
    if f.transit:
        qs = qs.filter(route_transit=f.transit)
    if f.destination:
        qs = qs.filter(route_destination=f.destination)
    if f.date_from:
        qs = qs.filter(occurred_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_on__lte=f.date_to)
    if f.owner:
        qs = qs.filter(owner__code=f.owner)
    if f.administrations:
        qs = qs.filter(
            port_id__in=Port.objects.filter(administration__code__in=f.administrations).values("pk")
        )
    if f.operation:
        qs = qs.filter(operation_id=f.operation)
    personal = personal_q(user, Seizure) or Q(pk__in=[])
    if f.person.strip():
        term = f.person.strip()
        # Prefix of the surname or given names, or the exact document number (indexed on PostgreSQL).
        names = (
            Q(surname__istartswith=term) | Q(given_names__istartswith=term) | Q(document_number__iexact=term)
        )
        matches = SeizurePerson.objects.filter(names).values("seizure_id")
        qs = qs.filter(
            Q(pk__in=matches) & (personal | ~Q(personal_fields__icontains=f'"{PersonalField.PERSONS.value}"'))
        )
    if f.vessel.strip():
        term = f.vessel.strip()
        vessel_q = (
            Q(conveyance_identity__icontains=term)
            | Q(vessel__name__icontains=term)
            | Q(vessel__registration_number__iexact=term)
            | Q(vessel__mmsi=term)
            | imo_number_q(term, "vessel__imo_number")
        )
        vessel_matches = Seizure.objects.filter(vessel_q).values("pk")
        qs = qs.filter(
            Q(pk__in=vessel_matches)
            & (personal | ~Q(personal_fields__icontains=f'"{PersonalField.CONVEYANCE.value}"'))
        )
    return qs.order_by("-occurred_on", "-id")


def alert_search(*, user: Any, q: str = "", current_only: bool = False) -> QuerySet[Alert]:
    qs = visible_records(user, Alert.objects.select_related("owner"))
    if q.strip():
        qs = qs.filter(text_q(user, Alert, q.strip()))
    if current_only:
        today = timezone.localdate()
        qs = qs.filter(valid_from__lte=today, valid_until__gte=today)
    return qs.order_by("-valid_from", "-id")


def information_request_list(*, user: Any) -> QuerySet[InformationRequest]:
    return visible_records(user, InformationRequest.objects.select_related("owner")).order_by(
        "-created_at", "-id"
    )


def information_answers(*, user: Any, rfi: InformationRequest) -> QuerySet[InformationAnswer]:
    """Answers seen by the asking administration, and by each answering administration for its own."""
    return visible(user, InformationAnswer).filter(request=rfi).select_related("administration", "author")


@dataclass(frozen=True)
class Lookout:
    """A current lookout as the screening watchlists consume it. Personal fields are empty where the
    administration may not see them (then only the pattern and identifiers-free text remain)."""

    reference: str
    subject_kind: str
    title: str
    names: tuple[str, ...]
    date_of_birth: dt.date | None
    nationality: str
    identifiers: tuple[str, ...]
    pattern: str
    valid_from: dt.date
    valid_until: dt.date
    owner: str
    tlp: str


def active_lookouts(*, administration: Administration, on: dt.date | None = None) -> list[Lookout]:
    """Alerts valid on `on` (default today) that `administration` may see, as plain records.

    This is the interface the screening watchlists read: names, date of birth, nationality and
    identifiers are filled only where the sharing rules let this administration see them.
    """
    day = on or timezone.localdate()
    qs = visible_to_administration(
        administration,
        Alert.objects.filter(valid_from__lte=day, valid_until__gte=day).select_related("owner"),
    )
    result = []
    for alert in qs.order_by("pk"):
        personal = (
            bool(getattr(alert, "personal_visible", False))
            or PersonalField.SUBJECT not in alert.personal_fields
        )
        names = (
            tuple(n for n in [" ".join(p for p in (alert.given_names, alert.surname) if p)] if n)
            if personal
            else ()
        )
        result.append(
            Lookout(
                reference=alert.reference,
                subject_kind=alert.subject_kind,
                title=alert.title,
                names=names,
                date_of_birth=alert.date_of_birth if personal else None,
                nationality=str(alert.nationality or "") if personal else "",
                identifiers=tuple(i.strip() for i in alert.identifiers.split(";") if i.strip())
                if personal
                else (),
                pattern=alert.pattern,
                valid_from=alert.valid_from,
                valid_until=alert.valid_until,
                owner=alert.owner.code,
                tlp=alert.tlp,
            )
        )
    return result


def access_log_for(*, user: Any, record: DisseminatedRecord) -> QuerySet[AccessLog]:
    """Who read a record: only the owning administration may see it."""
    if not getattr(user, "is_official", False) or user.administration_id != record.owner_id:
        return AccessLog.objects.none()
    return (
        visible(user, AccessLog)
        .filter(record_type=type(record).record_type, record_id=record.pk)
        .order_by("-at", "-id")
    )


def access_log_users(rows: list[AccessLog]) -> dict[int, User]:
    return {
        u.pk: u
        for u in User.objects.filter(pk__in={r.user_id for r in rows}).select_related("administration")
    }


def pending_changes(*, user: Any) -> QuerySet[DisseminationChange]:
    return visible(user, DisseminationChange).select_related("requested_by", "decided_by")


def change_get(*, user: Any, pk: int) -> DisseminationChange:
    try:
        return pending_changes(user=user).get(pk=pk)
    except DisseminationChange.DoesNotExist:
        raise Http404 from None


def record_changes(*, user: Any, record: DisseminatedRecord) -> QuerySet[DisseminationChange]:
    return pending_changes(user=user).filter(record_type=type(record).record_type, record_id=record.pk)


def operations_for(*, user: Any) -> QuerySet[Operation]:
    return visible(user, Operation).select_related("lead").prefetch_related("members")


def operation_get(*, user: Any, code: str) -> Operation:
    try:
        return operations_for(user=user).get(code=code)
    except Operation.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class VoyageLine:
    """One earlier voyage of a vessel, as far as clearance sharing allows: other administrations'
    clearances are voyage history only (date, port, administration, kind, status)."""

    expected_at: dt.datetime
    port: str
    administration: str
    kind: str
    status: str
    reference: str  # only for the reader's own administration's notifications


def voyage_history(*, user: Any, vessel_id: int, limit: int = 20) -> list[VoyageLine]:
    from caribclear.clearance.choices import Status
    from caribclear.clearance.models import Notification

    # Other administrations' notifications are shared as a summary only (clearance's "summary" rule).
    rows = (
        visible(user, Notification, "summary")
        .filter(vessel_id=vessel_id)
        .exclude(status=Status.CANCELLED)
        .select_related("port", "administration")
        .order_by("-expected_at")[:limit]
    )
    return [
        VoyageLine(
            expected_at=n.expected_at,
            port=str(n.port),
            administration=n.administration.name,
            kind=str(n.get_kind_display()),
            status=str(n.get_status_display()),
            reference=n.reference if n.administration_id == user.administration_id else "",
        )
        for n in rows
    ]


# --- Aggregates (no personal data; only records the reader may see) ---------------------------------
def seizure_counts(qs: QuerySet[Seizure], *by: str, top: int | None = None) -> list[dict[str, Any]]:
    rows = (
        qs.order_by()
        .values(*by)
        .annotate(count=Count("pk"), value=Sum("estimated_value_usd"))
        .order_by("-count")
    )
    return list(rows[:top] if top else rows)


RECORD_TYPES = {RecordType.SEIZURE: Seizure, RecordType.ALERT: Alert, RecordType.RFI: InformationRequest}
