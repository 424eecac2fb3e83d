"""The printable certificate of a credential (PDF, reportlab): in the holder's language and in English,
with a QR code (segno, drawn as vector modules) that opens the public verification page."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .choices import CredentialKind
from .credentials import ISSUER_NAME, verification_url
from .models import Credential


class QrCode(Flowable):
    """A QR code drawn module by module, with the standard four-module quiet zone."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.matrix = segno.make(data, error="m", micro=False).matrix
        self.width = self.height = self.size = size

    def draw(self) -> None:
        count = len(self.matrix) + 8
        module = self.size / count
        self.canv.setFillColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + 5) * module
            for column, dark in enumerate(row):
                if dark:
                    self.canv.rect((column + 4) * module, y, module, module, stroke=0, fill=1)


def _both(message: Any, language: str, joiner: str = " / ") -> str:
    with translation.override(language):
        local = str(message)
    with translation.override("en"):
        english = str(message)
    return local if local == english else f"{local}{joiner}{english}"


def certificate_pdf(credential: Credential) -> bytes:
    language = credential.holder.language or "en"
    sheet = getSampleStyleSheet()
    title = ParagraphStyle("t", parent=sheet["Title"], fontSize=24, leading=30)
    centre = ParagraphStyle("c", parent=sheet["Normal"], fontSize=13, leading=18, alignment=1)
    name = ParagraphStyle("n", parent=sheet["Title"], fontSize=22, leading=28)
    small = ParagraphStyle("s", parent=sheet["Normal"], fontSize=8.5, leading=11)
    heading = (
        _("Certificate of completion")
        if credential.kind == CredentialKind.COURSE
        else _("Programme certificate")
    )

    def date(lang: str) -> str:
        with translation.override(lang):
            return str(formats.date_format(credential.issued_on, "DATE_FORMAT"))

    issued = date(language) if language == "en" else f"{date(language)} / {date('en')}"
    url = verification_url(credential)
    story: list[Flowable] = [
        Paragraph(escape(ISSUER_NAME), centre),
        Spacer(1, 6 * mm),
        Paragraph(escape(_both(heading, language)), title),
        Paragraph(escape(_both(_("This certifies that"), language)), centre),
        Spacer(1, 3 * mm),
        Paragraph(escape(credential.holder_name), name),
        Paragraph(escape(credential.administration.name), centre),
        Spacer(1, 3 * mm),
        Paragraph(escape(_both(_("has completed"), language)), centre),
        Spacer(1, 2 * mm),
        Paragraph(
            f"<b>{escape(credential.title)}</b>", ParagraphStyle("x", parent=centre, fontSize=16, leading=20)
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{_both(_('Issued on'), language)}: {issued}"), centre),
        Spacer(1, 8 * mm),
    ]
    verify = Table(
        [
            [
                QrCode(url, 32 * mm),
                Paragraph(
                    escape(
                        _both(
                            _("Scan the code or open this address to check that the certificate is valid:"),
                            language,
                            "\n",
                        )
                    ).replace("\n", "<br/>")
                    + f"<br/><font face='Courier'>{escape(url)}</font>",
                    small,
                ),
            ]
        ],
        colWidths=[38 * mm, 150 * mm],
    )
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(verify)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=12 * mm,
        title=f"{credential.title} — {credential.holder_name}",
        author="CaribClear",
    ).build(story)
    return buffer.getvalue()
