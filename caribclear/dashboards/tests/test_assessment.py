"""The strategic threat assessment as a product: marked on every page with the most restrictive label of its
sources, numbers and dates as the reader's language writes them, no heading left at the foot of a page,
trends against the previous period, DRAFT until a second official approves it, and only what its reader
may see."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.core.models import AuditEvent
from caribclear.intel.choices import Tlp
from caribclear.intel.tests.factories import seizure_make

from .. import services
from ..choices import AssessmentStatus
from ..models import ThreatAssessment
from ..pdf import assessment_pdf_with_layout
from ..report import build_report, fmt_number, most_restrictive
from ..selectors import Period, previous_period

pytestmark = pytest.mark.django_db

NARRATIVE = {
    "key_judgements": "Cocaine on private yachts from Venezuela is the largest threat by value.\n"
    "Firearms arrive in the luggage of yachts from Florida.",
    "assessment": "Seizures rose against the previous year.",
    "outlook": "The yacht route will remain the main vector.",
    "recommendations": "Share arrival notifications within 24 hours.",
}


@pytest.fixture
def people(
    make_user: Callable[..., User], antigua: Administration, barbados: Administration
) -> dict[str, User]:
    kitts = Administration.objects.get(code="KN")
    return {
        "author": make_user(
            role=Role.SUPERVISOR, administration=antigua, first_name="Maria", last_name="Joseph"
        ),
        "second": make_user(
            role=Role.SUPERVISOR, administration=antigua, first_name="Kevin", last_name="Browne"
        ),
        "officer": make_user(role=Role.OFFICER, administration=antigua),
        "bb": make_user(role=Role.OFFICER, administration=barbados),
        "kn": make_user(role=Role.OFFICER, administration=kitts),
        "jm": make_user(role=Role.SUPERVISOR, administration=Administration.objects.get(code="JM")),
    }


@pytest.fixture
def seizures(ports: None, people: dict[str, User], barbados: Administration) -> None:
    author = people["author"]
    today = timezone.localdate()
    seizure_make(
        actor=author,
        tlp=Tlp.AMBER,
        released_to=[barbados],
        commodity="drugs",
        estimated_value_usd=Decimal("2200000"),
        occurred_on=today - dt.timedelta(days=10),
    )
    seizure_make(actor=author, tlp=Tlp.GREEN, commodity="tobacco", description="cigarettes")
    # The previous period (same length, just before): one tobacco seizure, for the trend.
    seizure_make(
        actor=author,
        tlp=Tlp.GREEN,
        commodity="tobacco",
        description="cigarettes",
        occurred_on=today - dt.timedelta(days=400),
    )


def _assessment(author: User, **values: Any) -> ThreatAssessment:
    today = timezone.localdate()
    return services.assessment_create(
        actor=author,
        title="Eastern Caribbean maritime smuggling",
        date_from=today - dt.timedelta(days=364),
        date_to=today,
        **(NARRATIVE | values),
    )


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _approved(people: dict[str, User]) -> ThreatAssessment:
    assessment = _assessment(people["author"])
    services.assessment_submit(actor=people["author"], assessment=assessment)
    return services.assessment_approve(actor=people["second"], assessment=assessment)


def test_every_page_carries_the_most_restrictive_label_at_head_and_foot(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    assessment = _approved(people)
    url = reverse("dashboards:assessment_export", args=[assessment.reference])
    pages = _pages(client_for(people["author"]).get(url, {"format": "pdf"}).content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        # The sources are GREEN and AMBER, the narrative GREEN: the report is AMBER, at head and foot.
        assert text.count("TLP:AMBER") >= 2, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
    # A reader who sees only the GREEN record gets a GREEN report; the narrative's own label raises it.
    kn_pages = _pages(
        client_for(people["kn"]).get(reverse("dashboards:threat_assessment"), {"format": "pdf"}).content
    )
    assert all(text.count("TLP:GREEN") >= 2 and "TLP:AMBER" not in text for text in kn_pages)
    assert most_restrictive([Tlp.GREEN, Tlp.RED, Tlp.AMBER_STRICT]) == Tlp.RED
    assert most_restrictive([Tlp.CLEAR, Tlp.AMBER_STRICT, Tlp.AMBER]) == Tlp.AMBER_STRICT


@pytest.mark.parametrize(
    ("language", "number", "date"),
    [
        ("en", "2,200,000", "%-d %b %Y"),
        ("es", "2\u00a0200\u00a0000", None),
        ("nl", "2.200.000", None),
        ("fr", "2\u00a0200\u00a0000", None),
    ],
)
def test_numbers_and_dates_are_written_as_the_language_writes_them(
    seizures: None,
    people: dict[str, User],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    language: str,
    number: str,
    date: str | None,
) -> None:
    reader = make_user(
        role=Role.SUPERVISOR, administration=people["author"].administration, language=language
    )
    assessment = _approved(people)
    response = client_for(reader).get(
        reverse("dashboards:assessment_export", args=[assessment.reference]),
        {"format": "pdf"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    text = " ".join(_pages(response.content))
    # The PDF's text reads a non-breaking space back as a space.
    plain = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert number.replace("\u00a0", " ") in plain  # the largest seizure's value, and the total
    assert "2200000" not in text
    with translation.override(language):
        assert fmt_number(2200000) == number
        from django.utils.formats import date_format

        written = date_format(assessment.date_to)
    assert written in re.sub(r"\s+", " ", text)
    if date:
        assert written == assessment.date_to.strftime(date)


def test_no_heading_is_the_last_thing_on_a_page(seizures: None, people: dict[str, User]) -> None:
    """Narratives of many lengths push each heading to every height of the page: none is ever left at the
    foot of a page without what it introduces."""
    author = people["author"]
    sentence = "Seizure numbers rose against the previous year, driven by cocaine concealed in hulls. "
    checked = 0
    for length in range(0, 60, 3):
        assessment = _assessment(author, assessment=(sentence * 5 + "\n\n") * length)
        with translation.override("en"):
            report = build_report(
                user=author, period=Period(assessment.date_from, assessment.date_to), assessment=assessment
            )
            pdf, placed = assessment_pdf_with_layout(report)
        last_on_page: dict[int, tuple[str, str]] = {}
        for page, kind, text in placed:
            last_on_page[page] = (kind, text)
        for page, (kind, text) in last_on_page.items():
            assert kind != "heading", f"heading {text!r} is last on page {page} (length {length})"
        # The same seen from the PDF's text: no page's text ends with a heading.
        headings = {text for _page, kind, text in placed if kind == "heading"}
        for page_text in _pages(pdf):
            lines = [line for line in page_text.splitlines() if line.strip()]
            assert lines and lines[-1].strip() not in headings
        checked += max(last_on_page)
    assert checked > 40  # many page ends were looked at


def test_trends_compare_with_the_previous_period_of_the_same_length(
    seizures: None, people: dict[str, User]
) -> None:
    period = Period(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 5, 31))
    before = previous_period(period)
    assert (before.date_from, before.date_to) == (dt.date(2025, 11, 29), dt.date(2026, 2, 28))
    assert before.date_to - before.date_from == period.date_to - period.date_from
    today = timezone.localdate()
    with translation.override("en"):
        report = build_report(user=people["author"], period=Period(today - dt.timedelta(days=364), today))
        tobacco = next(r for r in report.by_commodity() if r.label == "Tobacco")
        drugs = next(r for r in report.by_commodity() if r.label == "Drugs")
        assert (tobacco.count, tobacco.previous, tobacco.change) == (1, 1, "no change")
        assert (drugs.count, drugs.previous, drugs.change) == (1, 0, "+1 (none before)")
    assert report.previous.total == 1 and report.summary.total == 2


def test_approval_needs_a_second_official(seizures: None, people: dict[str, User]) -> None:
    author, second = people["author"], people["second"]
    assessment = _assessment(author)
    with pytest.raises(ValidationError):
        services.assessment_approve(actor=second, assessment=assessment)  # a draft is not approved
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=author, assessment=_assessment(author, key_judgements=""))
    services.assessment_submit(actor=author, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=author, assessment=assessment)  # not by its author
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=people["officer"], assessment=assessment)  # not by an officer
    with pytest.raises(PermissionDenied):  # nor by another administration's supervisor
        services.assessment_approve(actor=people["jm"], assessment=assessment)
    with pytest.raises(ValidationError):
        services.assessment_update(actor=author, assessment=assessment, outlook="changed after submitting")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    approved = services.assessment_approve(actor=second, assessment=assessment)
    assert approved.status == AssessmentStatus.APPROVED and approved.approved_by == second
    released = services.assessment_release(actor=author, assessment=approved)
    assert released.status == AssessmentStatus.RELEASED
    with pytest.raises(ValidationError):
        services.assessment_release(actor=author, assessment=released)
    from caribclear.core.pipeline import status_history

    assert [c.to_status for c in status_history(assessment).order_by("pk")] == [
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPROVED,
        AssessmentStatus.RELEASED,
    ]
    actions = list(
        AuditEvent.objects.filter(object_id=str(assessment.pk), action__startswith="threat_assessment.")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "threat_assessment.create",
        "threat_assessment.submit",
        "threat_assessment.approve",
        "threat_assessment.release",
    ]


def test_drafts_are_watermarked_and_only_approved_reports_export_as_final(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    author = client_for(people["author"])
    assessment = _assessment(people["author"])
    url = reverse("dashboards:assessment_export", args=[assessment.reference])
    draft = author.get(url, {"format": "pdf"})
    assert "draft" in draft["Content-Disposition"]
    assert all("DRAFT" in text for text in _pages(draft.content))
    services.assessment_submit(actor=people["author"], assessment=assessment)
    assert all("DRAFT" in text for text in _pages(author.get(url, {"format": "pdf"}).content))
    services.assessment_approve(actor=people["second"], assessment=assessment)
    final = author.get(url, {"format": "pdf"})
    assert "draft" not in final["Content-Disposition"]
    pages = _pages(final.content)
    assert not any("DRAFT" in text for text in pages)
    assert "Kevin Browne" in pages[0]  # who approved it
    assert "Cocaine on private yachts" in pages[0]  # the key judgements open the report


def test_the_report_is_built_only_from_what_its_reader_may_see(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    kn = client_for(people["kn"])
    pdf = kn.get(reverse("dashboards:threat_assessment"), {"format": "pdf"})
    text = " ".join(_pages(pdf.content))
    assert "Tobacco" in text and "Drugs" not in text and "2,200,000" not in text
    csv_text = kn.get(reverse("dashboards:threat_assessment"), {"format": "csv"}).content.decode()
    assert csv_text.startswith("TLP:GREEN") and "Drugs" not in csv_text and "Moreau" not in csv_text
    bb = " ".join(
        _pages(
            client_for(people["bb"]).get(reverse("dashboards:threat_assessment"), {"format": "pdf"}).content
        )
    )
    assert "Drugs" in bb and "2,200,000" in bb and "TLP:AMBER" in bb
    # A saved assessment belongs to its administration: another's officials do not find it.
    assessment = _approved(people)
    assert kn.get(reverse("dashboards:assessment", args=[assessment.reference])).status_code == 404
    assert (
        kn.get(
            reverse("dashboards:assessment_export", args=[assessment.reference]), {"format": "pdf"}
        ).status_code
        == 404
    )


def test_an_analyst_writes_submits_and_a_second_official_approves_in_the_pages(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    author, second = client_for(people["author"]), client_for(people["second"])
    today = timezone.localdate()
    response = author.post(
        reverse("dashboards:assessment_new"),
        {
            "title": "Quarterly threat picture",
            "date_from": (today - dt.timedelta(days=90)).isoformat(),
            "date_to": today.isoformat(),
            "members": ["AG"],
            "tlp": "GREEN",
            **NARRATIVE,
        },
    )
    assessment = ThreatAssessment.objects.get(title="Quarterly threat picture")
    assert response.status_code == 302 and assessment.members == ["AG"]
    detail = reverse("dashboards:assessment", args=[assessment.reference])
    action = reverse("dashboards:assessment_action", args=[assessment.reference])
    assert "Submit for approval" in author.get(detail).content.decode()
    author.post(action, {"action": "submit"})
    page = author.get(detail).content.decode()
    assert "Waiting for a second official" in page and "Approve" not in page.split("next-step")[1]
    refused = author.post(action, {"action": "approve"}, follow=True)
    assert "A second official must approve" in refused.content.decode()
    assert ThreatAssessment.objects.get().status == AssessmentStatus.SUBMITTED
    second.post(action, {"action": "return", "note": "Add the outlook for firearms."})
    assert ThreatAssessment.objects.get().status == AssessmentStatus.DRAFT
    assert "Add the outlook for firearms." in author.get(detail).content.decode()
    author.post(action, {"action": "submit"})
    second.post(action, {"action": "approve"})
    author.post(action, {"action": "release"})
    assert ThreatAssessment.objects.get().status == AssessmentStatus.RELEASED
    listing = author.get(reverse("dashboards:threat_assessment")).content.decode()
    assert assessment.reference in listing and "Released" in listing
