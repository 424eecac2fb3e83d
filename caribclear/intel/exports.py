"""CSV and PDF exports of seizures: built only from the redacted views the reader may see."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from caribclear.core.csv_export import csv_response

from .access import RecordView

CSV_COLUMNS = [
    "reference",
    "occurred_on",
    "port",
    "commodity",
    "description",
    "quantity",
    "unit",
    "estimated_value_usd",
    "detection_method",
    "concealment_method",
    "route_origin",
    "route_transit",
    "route_destination",
    "conveyance",
    "tlp",
    "grading",
    "owner",
    "persons",
    "conveyance_identity",
]


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(
            " ".join(str(v) for v in item.values() if v) if isinstance(item, dict) else str(item)
            for item in value
        )
    return "" if value is None else str(value)


def seizures_csv(views: Sequence[RecordView], *, filename: str) -> HttpResponse:
    # The shared writer neutralises spreadsheet formulas in every column (CSV injection).
    response, writer = csv_response(filename)
    writer.writerow([*CSV_COLUMNS, "withheld"])
    for view in views:
        writer.writerow([_cell(view.data.get(c, "")) for c in CSV_COLUMNS] + [_cell(view.withheld)])
    return response


def pdf_document(
    *,
    title: str,
    subtitle: str,
    sections: Sequence[tuple[str, Sequence[Sequence[Any]]]],
    notes: Sequence[str] = (),
) -> bytes:
    """A plain A4 report: a title, notes, then titled tables (first row is the header)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    story: list[Any] = [Paragraph(title, styles["Title"]), Paragraph(subtitle, styles["Normal"])]
    for note in notes:
        story.append(Paragraph(note, styles["Italic"]))
    for heading, rows in sections:
        story += [Spacer(1, 4 * mm), Paragraph(heading, styles["Heading2"])]
        if len(rows) <= 1:
            story.append(Paragraph(_("Nothing to report."), styles["Normal"]))
            continue
        data = [[Paragraph(_escape(_cell(c)), small) for c in row] for row in rows]
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7ee")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def seizures_pdf(views: Sequence[RecordView], *, title: str, subtitle: str) -> bytes:
    header = [
        _("Reference"),
        _("Date"),
        _("Place"),
        _("Commodity"),
        _("Quantity"),
        _("Route"),
        _("Label"),
        _("Persons"),
    ]
    rows: list[list[Any]] = [header]
    for v in views:
        d = v.data
        route = " → ".join(
            x for x in (d.get("route_origin"), d.get("route_transit"), d.get("route_destination")) if x
        )
        persons = d.get("persons", _("withheld")) if "persons" in v.withheld else d.get("persons", "")
        rows.append(
            [
                d["reference"],
                d["occurred_on"],
                d["port_label"],
                f"{d['commodity_label']}: {d['description']}",
                f"{d['quantity']} {d['unit_label']}",
                route,
                d["tlp"],
                persons,
            ]
        )
    return pdf_document(title=title, subtitle=subtitle, sections=[(_("Seizures"), rows)])
