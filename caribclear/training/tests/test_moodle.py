"""Moodle's gradebook export, as Moodle writes it, with the mistakes real files have."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from caribclear.training.models import AssessmentGrade, Credential, Enrolment

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
    assert "not a Moodle gradebook export" in response.content.decode()


def test_only_the_intakes_tutors_import(intake, make_user, client_for):
    other_tutor = make_user(role="tutor", agency="")
    assert post(client_for(other_tutor), intake, "grades.csv", moodle_csv([])).status_code == 404
