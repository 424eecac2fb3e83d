"""Printable documents of a cleared notification: the clearance certificate and the crew list (PDF).

The certificate is written in the administration's document language with English beside every label
(one language only when that is English). Its QR code opens the public verification page.

QR code: segno encodes the URL (the library already used for TOTP enrolment) and the modules are drawn
as vector rectangles by reportlab. That needs no raster image library, stays sharp at any printer
resolution, and lets a test compare the exact matrix with the one of the expected verification URL.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from caribclear.accounts.choices import Agency
from caribclear.accounts.models import User
from caribclear.core.audit import audit_records
from caribclear.reference.models import Port
from caribclear.reference.timezones import port_datetime_text, utc_datetime_text
from caribclear.vessels.choices import DocumentType

from .choices import Decision, Kind, PersonRole, Status
from .models import Notification, NotificationPerson
from .pipeline import required_agencies

# --- Verification link and QR code -------------------------------------------------------------------


def verification_url(notification: Notification) -> str:
    return settings.SITE_URL + reverse("documents:verify", args=[notification.verification_token])


def verification_qr(notification: Notification) -> segno.QRCode:
    """The QR code printed on the certificate: the verification URL, error correction M or better."""
    return segno.make(verification_url(notification), error="m", micro=False)


class QrFlowable(Flowable):
    """A segno QR code drawn as vector modules, with the standard four-module quiet zone."""

    QUIET_ZONE = 4

    def __init__(self, qr: segno.QRCode, size: float) -> None:
        super().__init__()
        self.matrix = qr.matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        count = len(self.matrix) + 2 * self.QUIET_ZONE
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        canvas.setStrokeColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + self.QUIET_ZONE + 1) * module
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                x = (start + self.QUIET_ZONE) * module
                canvas.rect(x, y, (column - start) * module, module, stroke=0, fill=1)


# --- Audit of travel documents shown to officials ---------------------------------------------------


def audit_travel_document_views(
    *, actor: User, notification: Notification, entries: Iterable[NotificationPerson]
) -> None:
    """One audit event per travel document an official is shown (detail page, crew list). The summary
    names the voyage, never the document's number or its holder (the event's record id says which)."""
    if not getattr(actor, "is_official", False):
        return
    audit_records(
        actor=actor,
        action="travel_document.view",
        items=[
            (
                entry.document,
                f"{notification.reference}: travel document {entry.document_id}",
                {"notification": notification.reference, "person_id": entry.person_id},
            )
            for entry in entries
        ],
    )


def audit_travel_document_search(*, actor: User, entries: Iterable[NotificationPerson]) -> None:
    """One audit event per travel document a queue search found by its number (the voyages it was on are
    what the official then sees). The number searched for is not written: the record id says which."""
    if not getattr(actor, "is_official", False):
        return
    audit_records(
        actor=actor,
        action="travel_document.view",
        items=[
            (
                entry.document,
                f"{entry.notification.reference}: travel document {entry.document_id} found by a search",
                {"notification": entry.notification.reference, "person_id": entry.person_id, "search": True},
            )
            for entry in entries
        ],
    )


# --- Shared PDF helpers --------------------------------------------------------------------------------


def _port_datetime(value: dt.datetime | None, port: Port) -> str:
    """A voyage's time on the port's clock with its zone, in the active language's format."""
    return port_datetime_text(value, port)


def _utc_datetime(value: dt.datetime | None) -> str:
    """A time that belongs to no port (decided, cleared), in UTC and saying so."""
    return utc_datetime_text(value)


def _date(value: dt.date | None, language: str) -> str:
    """Dates of birth and expiry: the document language's short date format, as on every page."""
    if value is None:
        return ""
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def _master(notification: Notification) -> str:
    for entry in notification.people_on_board.all():
        if entry.role == PersonRole.MASTER:
            return f"{entry.person.given_names} {entry.person.surname.upper()}".strip()
    return ""


class Bilingual:
    """Renders a lazy translatable string in the document language and, when different, in English."""

    def __init__(self, language: str) -> None:
        self.language = language

    def text(self, message: Any, separator: str = " / ") -> str:
        with translation.override(self.language):
            local = str(message)
        if self.language == "en":
            return local
        with translation.override("en"):
            english = str(message)
        return local if local == english else f"{local}{separator}{english}"

    def markup(self, message: Any) -> str:
        """Paragraph markup: the local text, the English text below it in italics."""
        with translation.override(self.language):
            local = escape(str(message))
        if self.language == "en":
            return local
        with translation.override("en"):
            english = escape(str(message))
        return local if local == english else f"{local}<br/><i>{english}</i>"

    def value(self, render: Any) -> str:
        """A value rendered under the local language (dates, country names), then English if different."""
        with translation.override(self.language):
            local = str(render())
        if self.language == "en":
            return local
        with translation.override("en"):
            english = str(render())
        return local if local == english else f"{local} / {english}"


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontSize=18, leading=22, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=sheet["Normal"], fontSize=11, alignment=1, leading=14),
        "label": ParagraphStyle(
            "label", parent=sheet["Normal"], fontName="Helvetica-Bold", fontSize=9, leading=11
        ),
        "cell": ParagraphStyle("cell", parent=sheet["Normal"], fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=sheet["Normal"], fontSize=8, leading=10),
    }


def _pdf(pagesize: tuple[float, float], title: str, story: Sequence[Flowable]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="CaribClear",
    )
    document.build(list(story))
    return buffer.getvalue()


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f6f8")),
    ]
)


# --- Clearance certificate ------------------------------------------------------------------------------


def certificate_pdf(notification: Notification) -> bytes:
    """The clearance certificate of a cleared notification (vessel, port, date, decisions, QR code)."""
    language = notification.administration.document_language
    b = Bilingual(language)
    styles = _styles()
    vessel = notification.vessel

    def row(label: Any, value: str) -> list[Paragraph]:
        return [
            Paragraph(b.markup(label), styles["label"]),
            Paragraph(escape(value).replace("\n", "<br/>"), styles["cell"]),
        ]

    clearances = {c.agency: c for c in notification.clearances.all()}
    agencies = [a for a in Agency.values if a in clearances or a in required_agencies(notification)]
    decision_rows = []
    for agency in agencies:
        clearance = clearances.get(agency)
        decision = Decision(clearance.decision if clearance else Decision.PENDING)
        text = b.text(decision.label)
        if clearance and clearance.decided_at:
            text += " — " + b.value(lambda c=clearance: _utc_datetime(c.decided_at))
        if clearance and clearance.remarks:
            text += "\n" + clearance.remarks
        decision_rows.append(row(Agency(agency).label, text))

    people_count = len(notification.people_on_board.all())
    story: list[Flowable] = [
        Paragraph(escape(b.text(_("Clearance certificate"))), styles["title"]),
        Paragraph(escape(b.value(lambda: notification.administration.display_name)), styles["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    facts = Table(
        [
            row(_("Reference"), notification.reference),
            row(_("Arrival or departure"), b.text(Kind(notification.kind).label)),
            row(_("Vessel"), f"{vessel.name}"),
            row(
                _("Flag and registration"),
                b.value(lambda: f"{countries.name(vessel.flag)} — {vessel.registration_number}"),
            ),
            *([row(_("MMSI"), vessel.mmsi)] if vessel.mmsi else []),
            *([row(_("IMO number"), f"IMO {vessel.imo_number}")] if vessel.imo_number else []),
            row(_("Port of entry"), f"{notification.port.name} ({notification.port.locode})"),
            row(_("Date"), b.value(lambda: _port_datetime(notification.expected_at, notification.port))),
            row(_("Master"), _master(notification) or "—"),
            row(_("People on board"), str(people_count)),
            *decision_rows,
            row(_("Status"), b.text(Status(notification.status).label)),
            row(_("Cleared on"), b.value(lambda: _utc_datetime(notification.decided_at))),
        ],
        colWidths=[55 * mm, 125 * mm],
    )
    facts.setStyle(_GRID)
    story.append(facts)
    story.append(Spacer(1, 8 * mm))

    url = verification_url(notification)
    qr = Table(
        [
            [
                QrFlowable(verification_qr(notification), 40 * mm),
                Paragraph(
                    escape(
                        b.text(
                            _("Scan the code or open this address to check the certificate is valid:"), "\n"
                        )
                    ).replace("\n", "<br/>")
                    + "<br/><br/>"
                    + escape(url),
                    styles["cell"],
                ),
            ]
        ],
        colWidths=[45 * mm, 135 * mm],
    )
    qr.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(qr)
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            escape(
                b.text(
                    _("Issued by CaribClear on behalf of the administration named above."),
                )
            ),
            styles["small"],
        )
    )
    return _pdf(A4, f"{notification.reference} {vessel.name}", story)


def _signature_lines(b: Bilingual, styles: dict[str, Any]) -> Flowable:
    """Where the master signs the list as true, and the boarding officer as received (FAL form 5)."""
    line = "_" * 38

    def block(label: Any) -> list[Paragraph]:
        return [
            Paragraph(line, styles["cell"]),
            Paragraph(b.markup(label), styles["small"]),
            Spacer(1, 6 * mm),
            Paragraph(line, styles["cell"]),
            Paragraph(b.markup(_("Date and place")), styles["small"]),
        ]

    table = Table(
        [[block(_("Signature of the master")), block(_("Signature and stamp of the officer"))]],
        colWidths=[120 * mm, 120 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([table])


# --- Crew list ---------------------------------------------------------------------------------------------


def crew_list_pdf(notification: Notification) -> bytes:
    """The list of people on board of a cleared notification, in the document language and English."""
    language = notification.administration.document_language
    b = Bilingual(language)
    styles = _styles()
    vessel = notification.vessel

    header = [
        Paragraph(b.markup(label), styles["label"])
        for label in (
            _("No."),
            _("Role on board"),
            _("Surname"),
            _("Given names"),
            _("Sex"),
            _("Date of birth"),
            _("Nationality"),
            _("Travel document"),
            _("Issuing state"),
            _("Expiry date"),
        )
    ]
    rows: list[list[Any]] = [header]
    for number, entry in enumerate(notification.people_on_board.all(), start=1):
        person, document = entry.person, entry.document
        values = [
            str(number),
            b.text(PersonRole(entry.role).label),
            person.surname.upper(),
            person.given_names,
            person.sex,
            _date(person.date_of_birth, language),
            str(person.nationality),
            f"{b.text(DocumentType(document.document_type).label)} {document.number}",
            str(document.issuing_state),
            _date(document.expiry_date, language),
        ]
        rows.append([Paragraph(escape(str(value)), styles["cell"]) for value in values])

    widths = [10, 28, 35, 35, 12, 25, 24, 42, 22, 25]
    table = Table(rows, repeatRows=1, colWidths=[w * mm for w in widths])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f6f8")),
            ]
        )
    )
    heading = b.text(_("Crew and passenger list"))
    subtitle = " · ".join(
        [
            vessel.name,
            f"{notification.port.name} ({notification.port.locode})",
            b.value(lambda: _port_datetime(notification.expected_at, notification.port)),
            notification.reference,
        ]
    )
    story: list[Flowable] = [
        Paragraph(escape(heading), styles["title"]),
        Paragraph(escape(b.value(lambda: notification.administration.display_name)), styles["subtitle"]),
        Paragraph(escape(subtitle), styles["subtitle"]),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 12 * mm),
        _signature_lines(b, styles),
    ]
    return _pdf(landscape(A4), f"{notification.reference} {vessel.name}", story)
