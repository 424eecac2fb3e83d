"""Moodle's gradebook export, as Moodle writes it, with the mistakes real files have."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from caribclear.training.models import AssessmentGrade, Credential, Enrolment
from caribclear.training.moodle import completion_date

HEADER = [
    "First name", "Last name", "ID number", "Institution", "Department", "Email address",
    "Assignment: Essay 1 (Real)", "Quiz: Incoterms 2020 (Real)", "Course total (Real)",
    "Last downloaded from this course",
]  # fmt: skip


def moodle_csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in [HEADER, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def intake(courses, make_intake, enrol, antigua_officer, make_user, antigua):
    intake = make_intake(courses[1])
    enrol(intake, antigua_officer)
    second = make_user(
        role="officer", administration=antigua, email="marlon@ag.example", staff_number="AG-0107"
    )
    enrol(intake, second)
    return intake


def post(client, intake, name: str, content: bytes):
    return client.post(
        f"/training/intakes/{intake.code}/import/", {"file": SimpleUploadedFile(name, content)}
    )


def test_every_problem_of_the_file_is_reported_at_once_and_nothing_is_imported(intake, tutor, client_for):
    content = moodle_csv(
        [
            ["Kendra", "Joseph", "AG-0042", "Antigua Customs", "Enforcement", "KENDRA@ag.example", "80.00", "70.00", "76.50", "1 December 2026, 10:02 AM"],
            ["Marlon", "Henry", "AG-0107", "Antigua Customs", "Ports", "m.henry@gmail.example", "abc", "60.00", "-", "1 December 2026, 10:02 AM"],
            ["Lisa", "Stranger", "", "Partner college", "", "lisa@college.example", "90.00", "90.00", "90.00", "1 December 2026, 10:02 AM"],
            ["Kendra", "Joseph", "AG-0042", "Antigua Customs", "Enforcement", "kendra@ag.example", "80.00", "70.00", "76.50", "1 December 2026, 10:02 AM"],
        ]
    )  # fmt: skip
    response = post(client_for(tutor), intake, "CCM102 Grades.csv", content)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3" in page and "“abc” is not a grade" in page  # matched by ID number, a bad grade
    assert "Row 4" in page and "lisa@college.example is not a participant" in page
    assert "Row 5" in page and "also on row 2" in page
    assert not Enrolment.objects.filter(intake=intake, grade__isnull=False).exists()


def test_a_clean_export_records_grades_and_issues_credentials(intake, tutor, client_for):
    content = moodle_csv(
        [
            ["Kendra", "Joseph", "AG-0042", "Antigua Customs", "Enforcement", "kendra@ag.example", "80.00", "70.00", "76.50", "1 December 2026, 10:02 AM"],
            ["Marlon", "Henry", "AG-0107", "Antigua Customs", "Ports", "m.henry@gmail.example", "30.00", "-", "35.00", "1 December 2026, 10:02 AM"],
        ]
    )  # fmt: skip
    response = post(client_for(tutor), intake, "grades.csv", content)
    assert response.status_code == 302
    kendra = Enrolment.objects.get(intake=intake, official__email="kendra@ag.example")
    marlon = Enrolment.objects.get(intake=intake, official__staff_number="AG-0107")
    assert (kendra.grade, kendra.outcome, kendra.result_source) == (Decimal("76.50"), "passed", "moodle")
    assert marlon.outcome == "failed"
    assert AssessmentGrade.objects.get(enrolment=kendra, item="Assignment: Essay 1").grade == Decimal(80)
    assert AssessmentGrade.objects.get(enrolment=marlon, item="Quiz: Incoterms 2020").grade is None
    assert Credential.objects.filter(holder=kendra.official).count() == 1
    assert not Credential.objects.filter(holder=marlon.official).exists()


def test_the_xlsx_export_reads_the_same(intake, tutor, client_for):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        ["Kendra", "Joseph", "AG-0042", "", "", "kendra@ag.example", 80, 70, 76.5, "1 December 2026"]
    )
    sheet.append(["Nobody", "Here", "XX-1", "", "", "nobody@example.org", 80, 70, 76.5, "1 December 2026"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(client_for(tutor), intake, "grades.xlsx", buffer.getvalue())
    assert (
        response.status_code == 400 and "nobody@example.org is not a participant" in response.content.decode()
    )


def test_a_huge_or_foreign_file_is_refused_before_reading(intake, tutor, client_for):
    huge = moodle_csv([]) + b"x" * (3 * 1024 * 1024)
    response = post(client_for(tutor), intake, "grades.csv", huge)
    assert response.status_code == 400 and "larger than 2 MB" in response.content.decode()
    response = post(client_for(tutor), intake, "grades.csv", b"name,score\nA,1\n")
    assert "neither a Moodle gradebook export nor a course completion report" in response.content.decode()


def test_only_the_intakes_tutors_import(intake, make_user, client_for):
    other_tutor = make_user(role="tutor", agency="")
    assert post(client_for(other_tutor), intake, "grades.csv", moodle_csv([])).status_code == 404


# --- The course completion report -------------------------------------------------------------------

COMPLETION_HEADER = [
    "ID", "Name", "Email address", "ID number",
    "Quiz: Incoterms 2020", "Quiz: Incoterms 2020 - Completion date",
    "Assignment: Essay 1", "Assignment: Essay 1 - Completion date",
    "Course complete",
]  # fmt: skip


def completion_csv(rows: list[list[str]], *, excel: bool = False) -> bytes:
    """As Moodle's report/completion downloads it: UTF-8 with commas, or "Excel-compatible" UTF-16
    with tabs."""
    if excel:
        text = "\r\n".join("\t".join(row) for row in [COMPLETION_HEADER, *rows]) + "\r\n"
        return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in [COMPLETION_HEADER, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def test_the_completion_report_passes_who_completed_on_the_day_moodle_says(intake, tutor, client_for):
    content = completion_csv(
        [
            ["31", "Kendra Joseph", "kendra@ag.example", "AG-0042", "Completed (achieved pass grade)", "02/11/26, 10:32", "Completed", "14/11/26, 09:05", "20/11/26, 16:40"],
            ["32", "Marlon Henry", "m.henry@gmail.example", "AG-0107", "Not completed", "", "Completed", "14/11/26, 11:00", ""],
        ]
    )  # fmt: skip
    response = post(client_for(tutor), intake, "completion-CCM102.csv", content)
    assert response.status_code == 302
    kendra = Enrolment.objects.get(intake=intake, official__email="kendra@ag.example")
    marlon = Enrolment.objects.get(intake=intake, official__staff_number="AG-0107")
    assert (kendra.outcome, kendra.completed_on, kendra.result_source) == (
        "passed",
        dt.date(2026, 11, 20),
        "moodle-completion",
    )
    assert kendra.platform_completed_on == dt.date(2026, 11, 20)
    assert (marlon.outcome, marlon.platform_completed_on) == ("pending", None)
    credential = Credential.objects.get(holder=kendra.official)
    assert credential.issued_on == dt.date(2026, 11, 20)


def test_the_grade_still_decides_when_there_is_one(intake, tutor, client_for):
    grades = moodle_csv(
        [["Kendra", "Joseph", "AG-0042", "", "", "kendra@ag.example", "20.00", "30.00", "25.00", ""]]
    )
    assert post(client_for(tutor), intake, "grades.csv", grades).status_code == 302
    report = completion_csv(
        [
            [
                "31",
                "Kendra Joseph",
                "kendra@ag.example",
                "AG-0042",
                "Completed",
                "",
                "Completed",
                "",
                "2026-11-20",
            ]
        ]
    )
    assert post(client_for(tutor), intake, "completion.csv", report).status_code == 302
    kendra = Enrolment.objects.get(intake=intake, official__email="kendra@ag.example")
    assert (kendra.grade, kendra.outcome) == (Decimal("25.00"), "failed")
    assert kendra.platform_completed_on == dt.date(2026, 11, 20)
    assert not Credential.objects.filter(holder=kendra.official).exists()


def test_the_excel_compatible_report_utf16_with_tabs_reads_the_same(intake, tutor, client_for):
    content = completion_csv(
        [["31", "Kendra Joseph", "kendra@ag.example", "AG-0042", "Completed", "", "Completed", "", "20/11/2026 16:40"]],
        excel=True,
    )  # fmt: skip
    assert post(client_for(tutor), intake, "completion.csv", content).status_code == 302
    kendra = Enrolment.objects.get(intake=intake, official__email="kendra@ag.example")
    assert (kendra.outcome, kendra.platform_completed_on) == ("passed", dt.date(2026, 11, 20))


def test_every_problem_of_a_completion_report_is_reported_at_once(intake, tutor, client_for):
    content = completion_csv(
        [
            ["31", "Kendra Joseph", "kendra@ag.example", "AG-0042", "Completed", "", "Completed", "", "yesterday"],
            ["32", "Marlon Henry", "", "AG-0107", "Completed", "", "Completed", "", "20/11/19, 10:00"],
            ["40", "Lisa Stranger", "lisa@college.example", "", "Completed", "", "Completed", "", "20/11/26, 10:00"],
            ["41", "Kendra Joseph", "KENDRA@ag.example", "", "Completed", "", "Completed", "", "20/11/26, 10:00"],
        ]
    )  # fmt: skip
    response = post(client_for(tutor), intake, "completion.csv", content)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 2" in page and "“yesterday” is not a completion date" in page
    assert "Row 3" in page and "outside this intake" in page
    assert "Row 4" in page and "lisa@college.example is not a participant" in page
    assert "Row 5" in page and "also on row 2" in page
    assert not Enrolment.objects.filter(intake=intake, platform_completed_on__isnull=False).exists()


def test_a_file_that_is_neither_export_is_refused_with_what_it_lacks(intake, tutor, client_for):
    content = b"ID,Name,Email address,Quiz\n31,Kendra Joseph,kendra@ag.example,Completed\n"
    page = post(client_for(tutor), intake, "report.csv", content).content.decode()
    assert "neither a “Course total” column" in page and "“Course complete” column" in page
    assert post(client_for(tutor), intake, "report.pdf", content).status_code == 400


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("20/11/26, 16:40", dt.date(2026, 11, 20)),
        ("20/11/2026 16:40", dt.date(2026, 11, 20)),
        ("20.11.2026, 4:40 PM", dt.date(2026, 11, 20)),
        ("2026-11-20 16:40:05", dt.date(2026, 11, 20)),
        ("", None),
        ("-", None),
    ],
)
def test_completion_dates_as_moodle_language_packs_write_them(cell, day):
    assert completion_date(cell) == day


@pytest.mark.parametrize("cell", ["yesterday", "31/02/26", "11/20/2026 16:40", "2026-13-01"])
def test_a_date_that_is_not_a_day_is_an_error(cell):
    with pytest.raises(ValueError, match=r"\w"):
        completion_date(cell)
