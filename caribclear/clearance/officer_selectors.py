"""Reads for officials of a member administration: the work queues, one notification, voyage history.

Sharing rule: an official sees the notifications of their own administration in full. Of every other
member they see only clearance records as voyage history (date, port, administration, kind, status),
built here as plain `VoyageRecord`s so no other field can reach a template.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.models import Administration, User
from caribclear.core.visibility import get_visible_or_404, is_official, restrict, visible
from caribclear.reference.territories import CLEARED_BY, administration_code_for
from caribclear.risk.selectors import with_risk
from caribclear.vessels.identifiers import imo_number_q
from caribclear.vessels.models import Person, TravelDocument, Vessel, Weapon

from .choices import Kind, PersonRole, Status
from .expiry import document_expired, travel_day
from .models import AgencyClearance, Notification, NotificationPerson, NotificationVersion
from .versions import Change, FiledVersion, filed_version
from .visibility import DOCUMENTS, SUMMARY, SUMMARY_FIELDS, VERIFY

EXPECTED_WINDOW = dt.timedelta(hours=72)
# An arrival not yet decided stays on the "expected" tab this long after its expected time.
LATE_ARRIVAL_GRACE = dt.timedelta(hours=24)
# A cleared departure to another member stays "en route" this long, unless the vessel arrives first.
EN_ROUTE_WINDOW = dt.timedelta(days=14)
# A departure not cleared this long after its time was abandoned (the craft left or never came).
OVERDUE_WINDOW = dt.timedelta(days=30)
# The latest voyages shown for the vessel and for each person: enough to see a pattern on one screen.
VOYAGE_HISTORY_LIMIT = 20
# A vessel search looks at this many matching vessels at most (a name fragment shared by more is too vague).
VESSEL_SEARCH_LIMIT = 1000

PENDING = (Status.SUBMITTED, Status.IN_PROGRESS, Status.REFERRED)
# People on board are listed master first, then crew, then passengers.
ROLE_ORDER = Case(
    When(role=PersonRole.MASTER, then=Value(0)),
    When(role=PersonRole.CREW, then=Value(1)),
    default=Value(2),
)


class Tab:
    EXPECTED = "expected"
    IN_PORT = "in_port"
    EN_ROUTE = "en_route"
    OVERDUE = "overdue"
    ALL = "all"


TABS: list[tuple[str, Any]] = [
    (Tab.EXPECTED, _("Expected arrivals")),
    (Tab.IN_PORT, _("In port")),
    (Tab.EN_ROUTE, _("En route to another member")),
    (Tab.OVERDUE, _("Overdue departures")),
    (Tab.ALL, _("All and search")),
]


@dataclass(frozen=True)
class QueueFilters:
    reference: str = ""
    vessel: str = ""
    person: str = ""
    port_id: int | None = None
    status: str = ""
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def notifications_for_official(user: User) -> QuerySet[Notification]:
    """Everything an official may open in full: their own administration's notifications, not drafts
    (the rule: `clearance/visibility.py`)."""
    if not is_official(user):
        return Notification.objects.none()
    return visible(user, Notification)


def documents_searched(user: User, text: str) -> list[NotificationPerson]:
    """The people on board, in notifications the official may open, whose travel document has the number
    searched for: a queue search by document number shows which voyages that document was on, so each is
    logged as a view of the document (issue 15). None when the text is not a document number."""
    compact = text.strip().replace(" ", "")
    if not compact:
        return []
    return list(
        NotificationPerson.objects.filter(
            notification__in=notifications_for_official(user),
            document__number__in={compact, compact.upper()},
        )
        .select_related("notification", "document")
        .order_by("notification_id", "pk")[:200]
    )


def _stay_ended(now: dt.datetime) -> Exists:
    """A later cleared departure from the same administration, or a later cleared arrival elsewhere."""
    later = Notification.objects.filter(
        vessel_id=OuterRef("vessel_id"),
        status=Status.CLEARED,
        expected_at__gt=OuterRef("expected_at"),
        expected_at__lte=now,
    ).filter(
        Q(kind=Kind.DEPARTURE, administration_id=OuterRef("administration_id"))
        | (Q(kind=Kind.ARRIVAL) & ~Q(port_id=OuterRef("port_id")))
    )
    return Exists(later)


def _in_port(qs: QuerySet[Notification], now: dt.datetime) -> QuerySet[Notification]:
    return qs.filter(kind=Kind.ARRIVAL, status=Status.CLEARED, expected_at__lte=now).exclude(_stay_ended(now))


def member_territories_other_than(code: str) -> list[str]:
    """ISO 3166 codes of the territories another active member clears (e.g. MQ for France)."""
    members = set(Administration.objects.filter(is_active=True).values_list("code", flat=True))
    territories = members | {territory for territory, member in CLEARED_BY.items() if member in members}
    return sorted(t for t in territories if administration_code_for(t) != code.upper())


def queue(
    *, user: User, tab: str, filters: QueueFilters, now: dt.datetime | None = None
) -> QuerySet[Notification]:
    """One tab of an administration's queue, filtered, ordered for the work it serves."""
    now = now or timezone.now()
    qs = notifications_for_official(user)
    order: tuple[str, ...] = ("-expected_at", "-id")

    if tab == Tab.EXPECTED:
        # The outer date range (implied by both branches) keeps the index scan to those four days.
        qs = qs.filter(
            kind=Kind.ARRIVAL,
            expected_at__gte=now - LATE_ARRIVAL_GRACE,
            expected_at__lte=now + EXPECTED_WINDOW,
        ).filter(
            Q(status__in=PENDING, expected_at__gte=now - LATE_ARRIVAL_GRACE)
            | Q(status=Status.CLEARED, expected_at__gt=now)
        )
        order = ("expected_at", "id")
    elif tab == Tab.IN_PORT:
        qs = _in_port(qs, now)
    elif tab == Tab.EN_ROUTE:
        administration = user.administration
        assert administration is not None
        arrived = Notification.objects.filter(
            vessel_id=OuterRef("vessel_id"),
            kind=Kind.ARRIVAL,
            status=Status.CLEARED,
            expected_at__gt=OuterRef("expected_at"),
            expected_at__lte=now,
        )
        qs = qs.filter(
            kind=Kind.DEPARTURE,
            status=Status.CLEARED,
            expected_at__lte=now,
            expected_at__gte=now - EN_ROUTE_WINDOW,
            next_port_country__in=member_territories_other_than(administration.code),
        ).exclude(Exists(arrived))
    elif tab == Tab.OVERDUE:
        # Stays past their paired departure date: few, so fetched first as ids; that keeps the main
        # query on the (administration, status, expected_at) index instead of a scan with a subplan.
        overstay = list(
            _in_port(qs, now)
            .filter(paired_with__expected_at__lt=now)
            .exclude(paired_with__status__in=(Status.CLEARED, Status.CANCELLED))
            .values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(
                kind=Kind.DEPARTURE,
                status__in=PENDING,
                expected_at__lt=now,
                expected_at__gte=now - OVERDUE_WINDOW,
            )
            | Q(pk__in=overstay)
        )
        order = ("expected_at", "id")

    qs = apply_filters(qs, filters)
    # Red first, then yellow, each in the tab's own order; each row with its lane and open hits.
    return with_risk(qs).select_related("vessel", "port", "paired_with").order_by("-risk_rank", *order)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def apply_filters(qs: QuerySet[Notification], filters: QueueFilters) -> QuerySet[Notification]:
    if filters.reference:
        qs = qs.filter(reference=filters.reference)
    if filters.vessel:
        # The matching vessels first (a small table), then their notifications through the
        # (vessel, expected_at) index, rather than testing every notification's vessel.
        text = filters.vessel.strip()
        vessel_q = (
            Q(name__icontains=text) | Q(registration_number__iexact=text) | Q(mmsi=text) | imo_number_q(text)
        )
        vessel_ids = list(Vessel.objects.filter(vessel_q).values_list("pk", flat=True)[:VESSEL_SEARCH_LIMIT])
        qs = qs.filter(vessel_id__in=vessel_ids)
    if filters.person:
        # Find the people and documents first (small tables, the document number is indexed), then
        # their notifications through the (person, notification) and document indexes.
        text = filters.person.strip()
        name_q = Q()
        for word in text.split():
            name_q &= Q(surname__icontains=word) | Q(given_names__icontains=word)
        compact = text.replace(" ", "")
        documents = TravelDocument.objects.filter(number__in={compact, compact.upper()})
        by_name = NotificationPerson.objects.filter(person_id__in=Person.objects.filter(name_q).values("pk"))
        by_document = NotificationPerson.objects.filter(document_id__in=documents.values("pk"))
        # Two separate semi-joins: one OR inside a single subquery makes PostgreSQL scan every row.
        qs = qs.filter(
            Q(pk__in=by_name.values("notification_id")) | Q(pk__in=by_document.values("notification_id"))
        )
    if filters.port_id:
        qs = qs.filter(port_id=filters.port_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    # Whole days as a range of instants, so the (administration, expected_at) index serves the filter
    # (a __date lookup casts every row's timestamp first).
    if filters.date_from:
        qs = qs.filter(expected_at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        qs = qs.filter(expected_at__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    return qs


def notification_for_official(*, user: User, reference: str) -> Notification:
    """One notification of the official's administration with everything the detail page shows; 404
    for any other administration's notification."""
    qs = (
        notifications_for_official(user)
        .select_related("vessel", "port", "administration", "account", "paired_with", "declaration")
        .prefetch_related(
            Prefetch(
                "people_on_board",
                queryset=NotificationPerson.objects.select_related("person", "document").order_by(
                    ROLE_ORDER, "person__surname", "person__given_names"
                ),
            ),
            Prefetch("versions", queryset=NotificationVersion.objects.select_related("created_by")),
            Prefetch("clearances", queryset=AgencyClearance.objects.select_related("decided_by")),
            Prefetch("vessel__weapons", queryset=Weapon.objects.all()),
        )
    )
    return get_object_or_404(qs, reference=reference)


# --- Voyage history, shared between every member ----------------------------------------------------


@dataclass(frozen=True)
class VoyageRecord:
    """What any member may see of another member's clearance record, and nothing more."""

    expected_at: dt.datetime
    port: str
    administration: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    # Only for the viewer's own administration, to link to the full record.
    reference: str = ""


_HISTORY_FIELDS = SUMMARY_FIELDS


def _record(row: dict[str, Any], *, viewer_administration_id: int | None, prefix: str = "") -> VoyageRecord:
    kind = row[prefix + "kind"]
    status = row[prefix + "status"]
    own = row[prefix + "administration_id"] == viewer_administration_id
    return VoyageRecord(
        expected_at=row[prefix + "expected_at"],
        port=f"{row[prefix + 'port__name']} ({row[prefix + 'port__locode']})",
        administration=row[prefix + "administration__name"],
        kind=kind,
        kind_label=str(Kind(kind).label),
        status=status,
        status_label=str(Status(status).label),
        reference=row[prefix + "reference"] if own else "",
    )


def vessel_voyage_history(*, user: User, notification: Notification) -> list[VoyageRecord]:
    """The vessel's clearance records at every member, newest first (not this one, not drafts)."""
    rows = (
        visible(user, Notification, SUMMARY)
        .filter(vessel_id=notification.vessel_id)
        .exclude(pk=notification.pk)
        .order_by("-expected_at", "-id")
        .values(*_HISTORY_FIELDS)[:VOYAGE_HISTORY_LIMIT]
    )
    return [_record(row, viewer_administration_id=user.administration_id) for row in rows]


@dataclass
class PersonOnBoard:
    """One person on board as filed in the version shown, with their voyages at any member."""

    entry: NotificationPerson
    history: list[VoyageRecord] = field(default_factory=list)
    # Expired on the day of the voyage as filed, by the one rule operators are warned by.
    document_expired: bool = False
    # Since the version before: what changed for this person, or whether they were added.
    changed: dict[str, Change] = field(default_factory=dict)
    is_new: bool = False


def notification_as_filed(*, notification: Notification, version: int | None = None) -> FiledVersion:
    """The notification as filed in one of its versions (default: the latest); 404 for another number."""
    try:
        return filed_version(notification, version)
    except LookupError:
        raise Http404 from None


def people_with_history(
    *, user: User, notification: Notification, filed: FiledVersion | None = None
) -> list[PersonOnBoard]:
    """Each person on board as filed (in `filed`, default the latest version) with their voyages at any
    member, in one query for all of them.

    A person is the same traveller when it is the same person record, or when another account filed
    them with the same travel document (issuing state and number).
    """
    filed = filed or filed_version(notification)
    day = travel_day(filed.filed.expected_at, filed.filed.port)
    people = [
        PersonOnBoard(
            entry=p.entry,
            document_expired=p.entry.document.expiry_date is not None
            and document_expired(p.entry.document.expiry_date, day),
            changed=p.changed,
            is_new=p.is_new,
        )
        for p in filed.people
    ]
    entries = [p.entry for p in people]
    if not entries:
        return []
    by_person = {entry.person_id: entry for entry in entries}
    by_document = {
        (str(entry.document.issuing_state), entry.document.number.upper()): entry for entry in entries
    }
    # The same documents filed by other accounts, found on the document number index; then both
    # lists are literal, so the history query below runs on the person and document indexes.
    numbers = {number for _state, number in by_document} | {entry.document.number for entry in entries}
    document_ids = [
        pk
        for pk, state, number in TravelDocument.objects.filter(number__in=numbers).values_list(
            "pk", "issuing_state", "number"
        )
        if (state, number.upper()) in by_document
    ]
    match = Q(person_id__in=list(by_person)) | Q(document_id__in=document_ids)
    prefix = "notification__"
    rows = (
        visible(user, NotificationPerson, SUMMARY)
        .filter(match)
        .exclude(notification_id=notification.pk)
        .order_by("-notification__expected_at", "-notification_id")
        .values(
            "person_id",
            "notification_id",
            "document__issuing_state",
            "document__number",
            *(prefix + name for name in _HISTORY_FIELDS),
        )
    )
    histories: dict[int, list[VoyageRecord]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for row in rows:
        entry = by_person.get(row["person_id"]) or by_document.get(
            (row["document__issuing_state"], row["document__number"].upper())
        )
        if entry is None or (entry.person_id, row["notification_id"]) in seen:
            continue
        if len(histories[entry.person_id]) >= VOYAGE_HISTORY_LIMIT:
            continue
        seen.add((entry.person_id, row["notification_id"]))
        histories[entry.person_id].append(
            _record(row, viewer_administration_id=user.administration_id, prefix=prefix)
        )
    for person in people:
        person.history = histories[person.entry.person_id]
    return people


# --- Documents: certificates and crew lists -----------------------------------------------------------


def notification_for_documents(*, user: User, reference: str) -> Notification:
    """A cleared notification for its filer or an official of its administration; 404 otherwise."""
    qs = Notification.objects.select_related("vessel", "port", "administration", "account")
    return get_visible_or_404(
        user,
        qs.prefetch_related(
            Prefetch(
                "people_on_board",
                queryset=NotificationPerson.objects.select_related("person", "document").order_by(
                    ROLE_ORDER, "person__surname", "person__given_names"
                ),
            ),
            Prefetch("clearances", queryset=AgencyClearance.objects.order_by("agency")),
        ),
        action=DOCUMENTS,
        reference=reference,
    )


def notification_by_token(token: str) -> Notification | None:
    """The notification a certificate's QR code points at, for the public verification page (anyone
    holding the token; the page shows no personal data)."""
    return (
        restrict(None, Notification.objects.all(), VERIFY)
        .select_related("vessel", "port", "administration")
        .only(
            "reference",
            "kind",
            "status",
            "expected_at",
            "decided_at",
            "vessel__name",
            "port__name",
            "port__locode",
            "administration__name",
        )
        .filter(verification_token=token)
        .first()
    )
