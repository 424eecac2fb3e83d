"""The strategic threat assessment as a PDF a head of customs can be handed.

A4 portrait. Every page carries the report's TLP 2.0 marking at its head and its foot (black band, the
label in its TLP colour), the reference and "page x of y"; a report not yet approved carries a DRAFT
watermark on every page. Charts are drawn with reportlab's own graphics (the same series as the
dashboards' SVG charts), so no further library is needed. Headings keep with what follows them, and a
heading that would start in the last few centimetres of a page starts on the next one instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from caribclear.intel.choices import Tlp

from .report import AssessmentReport, Row, fmt_change, fmt_date, fmt_number

INK = colors.HexColor("#0b1f2a")
SEA = colors.HexColor("#0a5c7a")
MUTED = colors.HexColor("#4a5d68")
LINE = colors.HexColor("#c9d3d9")
PANEL = colors.HexColor("#eef3f6")
PREVIOUS = colors.HexColor("#9fb8c6")

# FIRST TLP 2.0: the label is written in its colour on a black background.
TLP_COLOURS: dict[str, Any] = {
    Tlp.RED: colors.HexColor("#FF2B2B"),
    Tlp.AMBER: colors.HexColor("#FFC000"),
    Tlp.AMBER_STRICT: colors.HexColor("#FFC000"),
    Tlp.GREEN: colors.HexColor("#33FF00"),
    Tlp.CLEAR: colors.white,
}

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
# Room a heading needs below it (itself and the first lines of what it introduces); less than this left on
# the page and the heading goes to the next page.
HEADING_ROOM = 45 * mm


def _tlp_meaning(tlp: str) -> str:
    meanings: dict[str, str] = {
        Tlp.RED: _("For the named recipients only; no further disclosure."),
        Tlp.AMBER_STRICT: _("Limited disclosure: within the recipient's own administration only."),
        Tlp.AMBER: _(
            "Limited disclosure: recipients may share it within their administration, and with those it "
            "was released to, on a need-to-know basis."
        ),
        Tlp.GREEN: _("Community-wide: may be shared among the member administrations, not published."),
        Tlp.CLEAR: _("Disclosure is not limited among the member administrations."),
    }
    return meanings[tlp]


class Heading(Paragraph):
    """A heading: it keeps with what follows (recorded by kind so tests can check its place on the page)."""

    kind = "heading"


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, report: AssessmentReport) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=report.title,
            author=report.prepared_by or "CaribClear",
            subject=f"TLP:{report.tlp}",
        )
        self.report = report
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])
        # (page, kind, text) of every flowable placed, in order: for checking the layout.
        self.placed: list[tuple[int, str, str]] = []

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Spacer | CondPageBreak):
            return
        kind = getattr(flowable, "kind", "body")
        text = flowable.getPlainText() if isinstance(flowable, Paragraph) else type(flowable).__name__
        self.placed.append((self.page, kind, text))

    def _decorate(self, canvas: pdfcanvas.Canvas, doc: BaseDocTemplate) -> None:
        """Under each page's content: the DRAFT watermark; the marking at head and foot."""
        report = self.report
        canvas.saveState()
        if not report.final:
            canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.12))
            canvas.setFont("Helvetica-Bold", 110)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(50)
            canvas.drawCentredString(0, -35, _("DRAFT"))
            canvas.rotate(-50)
            canvas.translate(-PAGE_W / 2, -PAGE_H / 2)
        _marking(canvas, report.tlp, x=PAGE_W - MARGIN_X, y=PAGE_H - 14 * mm)
        _marking(canvas, report.tlp, x=PAGE_W - MARGIN_X, y=9 * mm)
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        head = report.title + (f" · {report.reference}" if report.reference else "")
        if not report.final:
            head += " · " + _("DRAFT, not approved for release")
        canvas.drawString(MARGIN_X, PAGE_H - 12.5 * mm, head)
        canvas.setStrokeColor(LINE)
        canvas.line(MARGIN_X, PAGE_H - 16 * mm, PAGE_W - MARGIN_X, PAGE_H - 16 * mm)
        canvas.line(MARGIN_X, 14.5 * mm, PAGE_W - MARGIN_X, 14.5 * mm)
        canvas.drawString(
            MARGIN_X,
            10.5 * mm,
            _("Prepared for %(reader)s, %(date)s")
            % {"reader": report.reader, "date": fmt_date(report.generated_at.date())},
        )
        canvas.restoreState()


def _marking(canvas: pdfcanvas.Canvas, tlp: str, *, x: float, y: float) -> None:
    """The TLP label, right-aligned at (x, y): its colour on black, as TLP 2.0 asks."""
    text = f"TLP:{tlp}"
    canvas.setFont("Helvetica-Bold", 9)
    width = canvas.stringWidth(text, "Helvetica-Bold", 9) + 4 * mm
    canvas.setFillColor(colors.black)
    canvas.rect(x - width, y - 1.6 * mm, width, 5.2 * mm, stroke=0, fill=1)
    canvas.setFillColor(TLP_COLOURS[tlp])
    canvas.drawRightString(x - 2 * mm, y, text)


class _NumberedCanvas(pdfcanvas.Canvas):
    """Writes "page x of y" once the number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(
                PAGE_W - MARGIN_X - 36 * mm,
                10.5 * mm,
                _("Page %(page)s of %(pages)s") % {"page": number, "pages": total},
            )
            super().showPage()
        super().save()


# --- Styles ----------------------------------------------------------------------------------------------
def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body",
        parent=base["BodyText"],
        fontName="Helvetica",
        fontSize=9.5,
        leading=13.5,
        textColor=INK,
        spaceAfter=5,
    )
    return {
        "kicker": ParagraphStyle(
            "kicker", parent=body, fontName="Helvetica-Bold", fontSize=8.5, textColor=SEA, spaceAfter=2
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName="Helvetica-Bold", fontSize=22, leading=26, spaceAfter=6
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=11, leading=15, textColor=MUTED, spaceAfter=10
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=18,
            textColor=SEA,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": body,
        "judgement": ParagraphStyle("judgement", parent=body, fontSize=10.5, leading=15),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, spaceAfter=0),
        "small_right": ParagraphStyle(
            "small_right", parent=body, fontSize=8, leading=10.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "note": ParagraphStyle("note", parent=body, fontSize=8, leading=11, textColor=MUTED),
        "figure": ParagraphStyle(
            "figure", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22, spaceAfter=0
        ),
        "figure_label": ParagraphStyle(
            "figure_label", parent=body, fontSize=8, leading=10, textColor=MUTED, spaceAfter=0
        ),
        "caption": ParagraphStyle(
            "caption", parent=body, fontSize=8, leading=10, textColor=MUTED, spaceBefore=2
        ),
    }


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _heading(text: str, style: ParagraphStyle) -> list[Flowable]:
    return [CondPageBreak(HEADING_ROOM), Heading(_esc(text), style)]


def _paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [Paragraph(_esc(b).replace("\n", "<br/>"), style) for b in blocks]


def _bullets(text: str, style: ParagraphStyle, *, numbered: bool = False) -> list[Flowable]:
    items = [line.strip().lstrip("-•*").strip() for line in text.splitlines() if line.strip()]
    if not items:
        return []
    return [
        ListFlowable(
            [ListItem(Paragraph(_esc(item), style), leftIndent=14) for item in items],
            bulletType="1" if numbered else "bullet",
            bulletFontName="Helvetica-Bold",
            bulletFontSize=style.fontSize,
            leftIndent=14,
            start="1" if numbered else "•",
        )
    ]


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    numeric: Sequence[int],
    styles: dict[str, ParagraphStyle],
) -> Table:
    """A table with a shaded header, light rules and its figures (columns `numeric`) right-aligned."""

    def cell(value: Any, column: int, bold: bool = False) -> Paragraph:
        style = styles["small_right"] if column in numeric else styles["small"]
        text = _esc(value)
        return Paragraph(f"<b>{text}</b>" if bold else text, style)

    data = [[cell(h, i, bold=True) for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), PANEL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, SEA),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _rows_with_trend(rows: Sequence[Row], *, value: bool = False) -> list[list[str]]:
    out = []
    for r in rows:
        line = [r.label, fmt_number(r.count), fmt_number(r.previous), r.change]
        if value:
            line.append(fmt_number(r.value))
        out.append(line)
    return out


# --- Charts (reportlab graphics: the dashboards' series) --------------------------------------------------
def _legend(drawing: Drawing, x: float, y: float, entries: Sequence[tuple[Any, str]]) -> None:
    from reportlab.graphics.shapes import Rect

    for colour, label in entries:
        drawing.add(Rect(x, y, 7, 7, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 10, y + 0.5, label, fontName="Helvetica", fontSize=7.5, fillColor=INK))
        x += 14 + len(label) * 4.2


def _month_chart(series: Sequence[tuple[str, int, int]], width: float) -> Drawing:
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 34
    chart.width, chart.height = width - 40, height - 52
    chart.data = [[s[2] for s in series], [s[1] for s in series]]
    chart.categoryAxis.categoryNames = [s[0] for s in series]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 35 if len(series) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(series) > 6 else "n"
    chart.categoryAxis.strokeColor = LINE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = fmt_number
    chart.valueAxis.strokeColor = LINE
    chart.valueAxis.gridStrokeColor = LINE
    chart.valueAxis.visibleGrid = True
    top = max([max(s[1], s[2]) for s in series] + [1])
    chart.valueAxis.valueMax = top + max(1, round(top * 0.1))
    chart.valueAxis.valueStep = max(1, round(chart.valueAxis.valueMax / 5))
    chart.bars[0].fillColor = PREVIOUS
    chart.bars[1].fillColor = SEA
    chart.bars.strokeColor = None
    chart.groupSpacing = 6
    drawing.add(chart)
    _legend(drawing, 28, height - 9, [(SEA, _("This period")), (PREVIOUS, _("Previous period"))])
    return drawing


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bar_chart(rows: Sequence[Row], width: float, *, previous: bool) -> Drawing:
    """Horizontal bars, largest first; with the previous period as a lighter bar when asked."""
    rows = list(rows)[:10]
    bar = 7 if previous else 9
    per_row = (2 * bar + 5) if previous else (bar + 6)
    height = len(rows) * per_row + 38
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_w = 66 * mm
    chart.x, chart.y = label_w, 16
    chart.width, chart.height = width - label_w - 30, height - 38
    ordered = list(reversed(rows))  # reportlab draws the first category at the bottom
    chart.data = (
        [[r.previous for r in ordered], [r.count for r in ordered]]
        if previous
        else [[r.count for r in ordered]]
    )
    chart.categoryAxis.categoryNames = [_short(r.label, 44) for r in ordered]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = LINE
    chart.valueAxis.valueMin = 0
    top = max([max(r.count, r.previous if previous else 0) for r in rows] + [1])
    chart.valueAxis.valueMax = top + max(1, round(top * 0.12))
    chart.valueAxis.valueStep = max(1, round(chart.valueAxis.valueMax / 5))
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = fmt_number
    chart.valueAxis.strokeColor = LINE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LINE
    chart.barLabelFormat = fmt_number
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    if previous:
        chart.bars[0].fillColor = PREVIOUS
        chart.bars[1].fillColor = SEA
    else:
        chart.bars[0].fillColor = SEA
    chart.bars.strokeColor = None
    chart.barWidth = bar
    chart.groupSpacing = 5
    drawing.add(chart)
    if previous:
        _legend(drawing, label_w, height - 12, [(SEA, _("This period")), (PREVIOUS, _("Previous period"))])
    return drawing


def _figure(drawing: Drawing, caption: str, styles: dict[str, ParagraphStyle]) -> Flowable:
    return KeepTogether([drawing, Paragraph(_esc(caption), styles["caption"]), Spacer(1, 3 * mm)])


# --- The document -------------------------------------------------------------------------------------
def _seizures(count: int) -> str:
    return ngettext("%(count)s seizure", "%(count)s seizures", count) % {"count": fmt_number(count)}


def _at_a_glance(report: AssessmentReport, width: float, styles: dict[str, ParagraphStyle]) -> Table:
    summary, previous = report.summary, report.previous
    commodities = report.by_commodity()
    routes = report.routes()
    figures = [
        (fmt_number(summary.total), _("seizures"), fmt_change(summary.total, previous.total)),
        (
            fmt_number(summary.total_value),
            _("US dollars, estimated value"),
            fmt_change(summary.total_value, previous.total_value),
        ),
        (
            commodities[0].label if commodities and commodities[0].count else "—",
            _("most seized commodity"),
            _seizures(commodities[0].count) if commodities else "",
        ),
        (
            routes[0].label if routes else "—",
            _("most frequent route"),
            _seizures(routes[0].count) if routes else "",
        ),
    ]
    cells = []
    for value, label, change in figures:
        style = (
            styles["figure"]
            if len(value) < 14
            else styles["h2"].clone("figure_small", spaceBefore=0, keepWithNext=0)
        )
        cells.append(
            [
                Paragraph(_esc(value), style),
                Paragraph(_esc(label), styles["figure_label"]),
                Paragraph(_esc(change), styles["small"]),
            ]
        )
    table = Table([cells], colWidths=[width / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _story(report: AssessmentReport, width: float) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = []
    period = _("%(start)s to %(end)s") % {
        "start": fmt_date(report.period.date_from),
        "end": fmt_date(report.period.date_to),
    }
    previous = _("%(start)s to %(end)s") % {
        "start": fmt_date(report.previous_period.date_from),
        "end": fmt_date(report.previous_period.date_to),
    }
    scope = report.region + (f" · {report.commodity}" if report.commodity else "")
    story += [
        Paragraph(
            _esc(_("CCLEC member administrations · Strategic threat assessment")).upper(), styles["kicker"]
        ),
        Paragraph(_esc(report.title), styles["title"]),
        Paragraph(_esc(f"{period} · {scope}"), styles["subtitle"]),
    ]
    facts = [
        (_("Handling"), f"TLP:{report.tlp}. {_tlp_meaning(report.tlp)}"),
        (_("Compared with"), _("the previous period of the same length, %(period)s") % {"period": previous}),
    ]
    if report.reference:
        facts += [
            (_("Reference"), report.reference),
            (_("Prepared by"), f"{report.author}, {report.prepared_by}"),
            (_("Status"), report.status),
        ]
        if report.approved:
            facts.append((_("Approved by"), report.approved))
    if not report.final:
        facts.append((_("Draft"), _("Not approved for release: do not distribute.")))
    fact_table = Table(
        [
            [Paragraph(f"<b>{_esc(k)}</b>", styles["small"]), Paragraph(_esc(v), styles["small"])]
            for k, v in facts
        ],
        colWidths=[32 * mm, width - 32 * mm],
        hAlign="LEFT",
    )
    fact_table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [fact_table, Spacer(1, 5 * mm)]

    narrative = report.narrative
    if narrative.get("key_judgements", "").strip():
        story += _heading(_("Key judgements"), styles["h1"])
        story += _bullets(narrative["key_judgements"], styles["judgement"], numbered=True)

    story += _heading(_("The period at a glance"), styles["h1"])
    story += [_at_a_glance(report, width, styles), Spacer(1, 4 * mm)]
    month = report.by_month()
    if report.summary.total or report.previous.total:
        story.append(
            _figure(
                _month_chart(month, width),
                _("Seizures by month, this period and the same months of the previous period."),
                styles,
            )
        )

    if narrative.get("assessment", "").strip():
        story += _heading(_("Assessment"), styles["h1"])
        story += _paragraphs(narrative["assessment"], styles["body"])

    story += _heading(_("What was seized"), styles["h1"])
    commodities = report.by_commodity()
    if commodities:
        story.append(
            _figure(
                _bar_chart(commodities, width, previous=True),
                _("Seizures by commodity, this period and the previous one."),
                styles,
            )
        )
        story.append(
            _table(
                [
                    _("Commodity"),
                    _("Seizures"),
                    _("Previous period"),
                    pgettext("trend", "Change"),
                    _("Estimated value (USD)"),
                ],
                _rows_with_trend(commodities, value=True),
                [46 * mm, 26 * mm, 28 * mm, 30 * mm, width - 130 * mm],
                (1, 2, 3, 4),
                styles,
            )
        )
    else:
        story.append(Paragraph(_esc(_("No seizure you may see in this period.")), styles["body"]))

    routes = report.routes()
    story += _heading(_("Routes"), styles["h1"])
    if routes:
        story.append(
            _figure(
                _bar_chart(routes, width, previous=False),
                _("Seizures by route (origin → destination), the most frequent first."),
                styles,
            )
        )
        story.append(
            _table(
                [
                    _("Route"),
                    _("Seizures"),
                    _("Previous period"),
                    pgettext("trend", "Change"),
                    _("Estimated value (USD)"),
                ],
                _rows_with_trend(routes, value=True),
                [56 * mm, 26 * mm, 28 * mm, 30 * mm, width - 140 * mm],
                (1, 2, 3, 4),
                styles,
            )
        )
    else:
        story.append(Paragraph(_esc(_("Nothing to report.")), styles["body"]))

    story += _heading(_("Methods"), styles["h1"])
    concealment = report.concealment()
    if concealment:
        story.append(
            _figure(_bar_chart(concealment, width, previous=False), _("Top concealment methods."), styles)
        )
    for title, rows in (
        (_("Top concealment methods"), concealment),
        (_("Detection methods"), report.detection()),
    ):
        story += _heading(title, styles["h2"])
        if rows:
            story.append(
                _table(
                    [_("Method"), _("Seizures"), _("Previous period"), pgettext("trend", "Change")],
                    _rows_with_trend(rows),
                    [64 * mm, 26 * mm, 30 * mm, width - 120 * mm],
                    (1, 2, 3),
                    styles,
                )
            )
        else:
            story.append(Paragraph(_esc(_("Nothing to report.")), styles["body"]))

    places = report.places()
    story += _heading(_("Places"), styles["h2"])
    if places:
        story.append(
            _table(
                [_("Port"), _("Seizures")],
                [[r.label, fmt_number(r.count)] for r in places],
                [90 * mm, 30 * mm],
                (1,),
                styles,
            )
        )
    else:
        story.append(Paragraph(_esc(_("Nothing to report.")), styles["body"]))

    if narrative.get("outlook", "").strip():
        story += _heading(_("Outlook"), styles["h1"])
        story += _paragraphs(narrative["outlook"], styles["body"])
    if narrative.get("recommendations", "").strip():
        story += _heading(_("Recommendations"), styles["h1"])
        story += _bullets(narrative["recommendations"], styles["body"])

    story += _heading(_("About this report"), styles["h2"])
    story.append(
        Paragraph(
            _esc(
                _(
                    "Built on %(date)s only from the intelligence records its reader may see; another reader may "
                    "see other figures. Its marking is the most restrictive label of those records and of its "
                    "narrative. Handle every record named here according to its own label."
                )
                % {"date": fmt_date(report.generated_at.date())}
            ),
            styles["note"],
        )
    )
    notable = report.notable_rows()
    if notable:  # an annex only when there is something in it
        story += _heading(_("Annex: largest seizures"), styles["h1"])
        story.append(
            _table(
                [
                    _("Reference"),
                    _("Date"),
                    _("Place"),
                    _("Commodity"),
                    _("Quantity"),
                    _("Value (USD)"),
                    _("Route"),
                    _("Label"),
                ],
                notable,
                [22 * mm, 25 * mm, 22 * mm, 30 * mm, 17 * mm, 18 * mm, 17 * mm, width - 151 * mm],
                (4, 5),
                styles,
            )
        )
    return story


def assessment_pdf(report: AssessmentReport) -> bytes:
    pdf, _placed = assessment_pdf_with_layout(report)
    return pdf


def assessment_pdf_with_layout(report: AssessmentReport) -> tuple[bytes, list[tuple[int, str, str]]]:
    """The PDF and where each flowable went: (page, "heading" or "body", text)."""
    buffer = io.BytesIO()
    doc = _Doc(buffer, report)
    doc.build(_story(report, doc.width), canvasmaker=_NumberedCanvas)
    return buffer.getvalue(), doc.placed
