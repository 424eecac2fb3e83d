"""The continuity pack: what an officer takes along in case the platform cannot be reached.

For the official's administration (or one of its ports): every expected arrival of the next hours, across
the kinds of declaration that have arrivals (yacht notifications, passenger lists, cargo manifests), with
the people on board and the hits still open, read through each app's own selectors (so through the
visibility layer). Written as PDF (reportlab) and CSV (`core.csv_export`), times on the port's clock.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caribclear.accounts.models import User
from caribclear.cargo import selectors as cargo_selectors
from caribclear.clearance.choices import Kind, Status
from caribclear.clearance.models import NotificationPerson
from caribclear.clearance.officer_selectors import notifications_for_official
from caribclear.passengers import selectors as passenger_selectors
from caribclear.reference.models import Port
from caribclear.reference.timezones import datetime_text, port_zone, utc_datetime_text, zone_name_for
from caribclear.risk.choices import Lane
from caribclear.risk.hits import hits_state

WINDOWS = (24, 48)
KIND_LABELS = {
    "yacht": gettext_lazy("Yacht notification"),
    "passengers": gettext_lazy("Passenger list"),
    "cargo": gettext_lazy("Cargo manifest"),
}
# Notifications an officer will meet at the quay: filed and not withdrawn or refused.
ARRIVING = [Status.SUBMITTED, Status.IN_PROGRESS, Status.REFERRED, Status.CLEARED]


@dataclass
class PackPerson:
    key: str  # the subject key screening gives the person ("person:12", "traveller:34")
    name: str
    role: str
    nationality: str
    date_of_birth: dt.date | None
    document: str
    document_expiry: dt.date | None


@dataclass
class PackHit:
    subject_key: str
    subject: str
    listed_as: str
    watchlist: str
    score: float


@dataclass
class PackArrival:
    kind: str  # a key of KIND_LABELS
    reference: str
    title: str  # vessel, flight or ship
    port: Port | None
    port_code: str
    expected_at: dt.datetime | None
    lane: str
    people: list[PackPerson] = field(default_factory=list)
    cargo: list[str] = field(default_factory=list)  # bills: "number (lane)"
    open_hits: list[PackHit] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def expected_text(self) -> str:
        if self.port is not None:
            return datetime_text(self.expected_at, port_zone(self.port))
        if len(self.port_code) == 5 and self.port_code[:2].isalpha():
            # A place we keep no port record of (an airport's UN/LOCODE): its country's clock.
            zone = zone_name_for(self.port_code[:2])
            if zone != "UTC":
                return datetime_text(self.expected_at, zoneinfo.ZoneInfo(zone))
        return utc_datetime_text(self.expected_at)


@dataclass
class Pack:
    administration: str
    generated_at: dt.datetime
    until: dt.datetime
    port: Port | None  # None: every port of the administration
    arrivals: list[PackArrival]

    @property
    def people_count(self) -> int:
        return sum(len(a.people) for a in self.arrivals)

    @property
    def open_hit_count(self) -> int:
        return sum(len(a.open_hits) for a in self.arrivals)


def pack_ports(user: User) -> list[Port]:
    """The ports of entry of the official's administration (the pack may be limited to one)."""
    administration = user.administration
    if administration is None:
        return []
    return list(Port.objects.filter(administration=administration, is_port_of_entry=True).order_by("name"))


def _open_hits(declaration_id: int | None, administration_id: int) -> list[PackHit]:
    if declaration_id is None:
        return []
    return [
        PackHit(h.subject_key, h.subject_label, h.entity_caption, h.watchlist.name, float(h.score))
        for h in hits_state(declaration_id, administration_id).open_hits
    ]


def continuity_pack(user: User, *, hours: int = 48, port: Port | None = None) -> Pack:
    """The arrivals expected at the official's administration (or `port`) from now to `hours` ahead."""
    now = timezone.now()
    until = now + dt.timedelta(hours=hours)
    administration = user.administration
    if administration is None or not user.is_official:
        return Pack("", now, until, port, [])
    admin_id = administration.pk
    arrivals: list[PackArrival] = []

    notifications = (
        notifications_for_official(user)
        .filter(kind=Kind.ARRIVAL, status__in=ARRIVING, expected_at__gte=now, expected_at__lte=until)
        .select_related("vessel", "port", "declaration__risk_assessment")
        .prefetch_related(
            Prefetch(
                "people_on_board",
                queryset=NotificationPerson.objects.select_related("person", "document").order_by(
                    "role", "person__surname", "pk"
                ),
            )
        )
        .order_by("expected_at", "pk")
    )
    if port is not None:
        notifications = notifications.filter(port=port)
    for n in notifications:
        assessment = getattr(n.declaration, "risk_assessment", None) if n.declaration_id else None
        arrivals.append(
            PackArrival(
                kind="yacht",
                reference=n.reference,
                title=n.vessel.name,
                port=n.port,
                port_code=n.port.locode,
                expected_at=n.expected_at,
                lane=str(Lane(assessment.final_lane).label) if assessment and assessment.final_lane else "",
                people=[
                    PackPerson(
                        f"person:{np.person_id}",
                        f"{np.person.surname}, {np.person.given_names}",
                        np.get_role_display(),
                        str(np.person.nationality),
                        np.person.date_of_birth,
                        np.document.number,
                        np.document.expiry_date,
                    )
                    for np in n.people_on_board.all()
                ],
                open_hits=_open_hits(n.declaration_id, admin_id),
            )
        )

    for arrival in passenger_selectors.arrivals_for(user, hours=hours, now=now):
        travel_list = arrival.travel_list
        if travel_list.arrival_at is None or travel_list.arrival_at < now:
            continue
        if port is not None and travel_list.arrival_port_id != port.pk:
            continue
        travellers = passenger_selectors.travellers_of(user, travel_list).prefetch_related("documents")
        people = []
        for t in travellers:
            documents = list(t.documents.all())
            first = documents[0] if documents else None
            people.append(
                PackPerson(
                    f"traveller:{t.pk}",
                    f"{t.surname}, {t.given_names}",
                    t.get_role_display(),
                    t.nationality,
                    t.date_of_birth,
                    getattr(first, "number", ""),
                    getattr(first, "expiry", None),
                )
            )
        arrivals.append(
            PackArrival(
                kind="passengers",
                reference=travel_list.reference,
                title=f"{travel_list.carrier.name} {travel_list.number} {travel_list.vessel_name}".strip(),
                port=travel_list.arrival_port,
                port_code=travel_list.arrival_port_code,
                expected_at=travel_list.arrival_at,
                lane=arrival.lane_label,
                people=people,
                open_hits=_open_hits(travel_list.declaration_id, admin_id),
            )
        )

    worklist = cargo_selectors.worklist_for(user, port=port.locode if port else "", hours=hours)
    bills: dict[int, list[str]] = {}
    hits_by_manifest: dict[int, list[PackHit]] = {}
    for row in worklist.rows:
        consignment = row.consignment
        bills.setdefault(consignment.manifest_id, []).append(
            f"{consignment.bill_number} ({Lane(row.lane).label})" if row.lane else consignment.bill_number
        )
        hits_by_manifest.setdefault(consignment.manifest_id, []).extend(
            _open_hits(consignment.declaration_id, admin_id)
        )
    ports = {
        p.locode: p for p in Port.objects.filter(locode__in={a["call"].locode for a in worklist.arriving})
    }
    seen: set[int] = set()
    for item in worklist.arriving:
        call, manifest = item["call"], item["manifest"]
        if call.arrival is None or call.arrival < now or manifest.pk in seen:
            continue
        seen.add(manifest.pk)
        arrivals.append(
            PackArrival(
                kind="cargo",
                reference=manifest.mrn,
                title=f"{manifest.vessel_name} {manifest.voyage}".strip(),
                port=ports.get(call.locode),
                port_code=call.locode,
                expected_at=call.arrival,
                lane="",
                cargo=bills.get(manifest.pk, []),
                open_hits=hits_by_manifest.get(manifest.pk, []),
            )
        )

    arrivals.sort(key=lambda a: (a.expected_at or until, a.kind, a.reference))
    return Pack(administration.name, now, until, port, arrivals)


# --- CSV ------------------------------------------------------------------------------------------------


def csv_rows(pack: Pack) -> Iterator[list[Any]]:
    """One row per person on board (or per arrival without people), then one per open hit."""
    yield [
        _("Expected"),
        _("Port"),
        _("Kind"),
        _("Reference"),
        _("Vessel, flight or ship"),
        _("Lane"),
        _("Name"),
        _("Role"),
        _("Nationality"),
        _("Date of birth"),
        _("Travel document"),
        _("Document expires"),
        _("Open hits"),
        _("Cargo"),
    ]
    for a in pack.arrivals:
        start = [a.expected_text, a.port_code, a.kind_label, a.reference, a.title, a.lane]
        hits = "; ".join(f"{h.subject}: {h.listed_as} ({h.watchlist})" for h in a.open_hits)
        cargo = "; ".join(a.cargo)
        if not a.people:
            yield [*start, "", "", "", "", "", "", hits, cargo]
        for p in a.people:
            mine = "; ".join(f"{h.listed_as} ({h.watchlist})" for h in a.open_hits if h.subject_key == p.key)
            yield [
                *start,
                p.name,
                p.role,
                p.nationality,
                p.date_of_birth.isoformat() if p.date_of_birth else "",
                p.document,
                p.document_expiry.isoformat() if p.document_expiry else "",
                mine,
                cargo,
            ]


# --- PDF ------------------------------------------------------------------------------------------------


def pack_pdf(pack: Pack) -> bytes:
    """The pack as an A4 document in the active language: a summary, then each arrival with its people
    and open hits."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    sheet = getSampleStyleSheet()
    small = sheet["BodyText"].clone("small", fontSize=8, leading=10)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f5")),
            # Short fixed-width values (codes, dates, document numbers) are plain strings in this size:
            # a paragraph per cell made a 2,000-passenger ship's pack several times slower.
            ("FONTSIZE", (0, 0), (-1, -1), 8),
        ]
    )

    def p(text: Any, style: Any = small) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    title = _("Continuity pack: %(administration)s") % {"administration": pack.administration}
    story: list[Any] = [
        p(title, sheet["Title"]),
        p(
            _("Expected arrivals from %(start)s to %(end)s, at %(where)s.")
            % {
                "start": utc_datetime_text(pack.generated_at),
                "end": utc_datetime_text(pack.until),
                "where": pack.port.name if pack.port else _("every port of entry"),
            },
            sheet["BodyText"],
        ),
        p(
            _("Arrivals: %(arrivals)s, people on board: %(people)s, open hits: %(hits)s.")
            % {"arrivals": len(pack.arrivals), "people": pack.people_count, "hits": pack.open_hit_count}
            + " "
            + _("Times are the port's."),
            sheet["BodyText"],
        ),
        p(
            _(
                "For use while the platform cannot be reached. Personal data: keep it safe and destroy it after use."
            ),
            sheet["BodyText"],
        ),
        Spacer(1, 4 * mm),
    ]
    if not pack.arrivals:
        story.append(p(_("No arrivals are expected in this period."), sheet["BodyText"]))
    for a in pack.arrivals:
        block: list[Any] = [
            p(f"{a.expected_text} · {a.port_code} · {a.kind_label} {a.reference}", sheet["Heading3"]),
            p(
                " · ".join(
                    x for x in (a.title, _("Lane: %(lane)s") % {"lane": a.lane} if a.lane else "") if x
                )
            ),
        ]
        if a.people:
            rows = [[p(_("Name")), p(_("Role")), p(_("Nationality")), p(_("Date of birth")), p(_("Travel document")), p(_("Document expires"))]]  # fmt: skip
            rows += [
                [
                    p(x.name),
                    p(x.role),
                    x.nationality,
                    x.date_of_birth.isoformat() if x.date_of_birth else "",
                    x.document,
                    x.document_expiry.isoformat() if x.document_expiry else "",
                ]
                for x in a.people
            ]
            block.append(Table(rows, colWidths=[55 * mm, 22 * mm, 22 * mm, 24 * mm, 32 * mm, 25 * mm], style=grid, repeatRows=1))  # fmt: skip
        if a.cargo:
            block.append(p(_("Bills: %(bills)s") % {"bills": ", ".join(a.cargo)}))
        if a.open_hits:
            rows = [[p(_("Open hit on")), p(_("Listed as")), p(_("List")), p(_("Score"))]]
            rows += [[p(h.subject), p(h.listed_as), p(h.watchlist), p(f"{h.score:.2f}")] for h in a.open_hits]
            block.append(
                Table(rows, colWidths=[55 * mm, 60 * mm, 45 * mm, 20 * mm], style=grid, repeatRows=1)
            )
        block.append(Spacer(1, 4 * mm))
        story.append(KeepTogether(block) if len(a.people) < 25 else block[0])
        if len(a.people) >= 25:
            story.extend(block[1:])
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="CaribClear",
    ).build(story)
    return buffer.getvalue()
