"""External tutors and staff numbers from the screens; intake dates typed and shown one way per language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import User
from caribclear.core.models import AuditEvent
from caribclear.training.models import Enrolment, Intake
from caribclear.training.tests.test_moodle import moodle_csv, post


def test_the_secretariat_adds_an_external_tutor_who_gets_a_link_to_set_a_password(
    staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    assert "No external tutor yet" in client.get("/training/tutors/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/training/tutors/",
            {"first_name": "Ana", "last_name": "Ruiz", "email": "ana.ruiz@uwi.example", "language": "es"},
        )
    assert response.status_code == 302
    tutor = User.objects.get(email="ana.ruiz@uwi.example")
    assert (tutor.role, tutor.administration_id, tutor.language) == (Role.TUTOR, None, "es")
    assert not tutor.has_usable_password()
    assert "/accounts/password/reset/" in mail.outbox[-1].body and mail.outbox[-1].to == [tutor.email]
    assert AuditEvent.objects.filter(action="training.account.create", actor=staff).exists()
    page = client.get("/training/tutors/").content.decode()
    assert "Ana Ruiz" in page and "Invited: password not yet set" in page


def test_a_tutor_already_known_or_half_typed_keeps_what_was_typed(staff, tutor, client_for):
    response = client_for(staff).post(
        "/training/tutors/",
        {"first_name": "Tess", "last_name": "Again", "email": tutor.email.upper(), "language": "en"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in page and 'value="Again"' in page
    response = client_for(staff).post("/training/tutors/", {"first_name": "Tess", "email": "not-an-address"})
    assert response.status_code == 400 and 'value="Tess"' in response.content.decode()


def test_only_the_secretariat_manages_tutors(administrator, tutor, antigua_officer, client_for):
    for user in (administrator, tutor, antigua_officer):
        assert client_for(user).get("/training/tutors/").status_code == 404
        response = client_for(user).post(
            "/training/tutors/",
            {"first_name": "X", "last_name": "Y", "email": "x@y.example", "language": "en"},
        )
        assert response.status_code == 404
    assert not User.objects.filter(email="x@y.example").exists()


def test_the_secretariat_changes_an_intakes_tutors_and_only_they_record_results(
    staff, tutor, courses, make_intake, enrol, antigua_officer, make_user, client_for
):
    intake = make_intake(courses[0])
    enrol(intake, antigua_officer)
    other = make_user(role=Role.TUTOR, agency="", email="other.tutor@uwi.example", first_name="Otto")
    response = client_for(staff).post(f"/training/intakes/{intake.code}/tutors/", {"tutors": [other.pk]})
    assert response.status_code == 302
    assert list(intake.tutors.all()) == [other]
    assert AuditEvent.objects.filter(action="training.intake.tutors").exists()
    grades = moodle_csv([["Kendra", "Joseph", "AG-0042", "", "", "kendra@ag.example", "80", "80", "80", ""]])
    assert post(client_for(tutor), intake, "grades.csv", grades).status_code == 404
    assert post(client_for(other), intake, "grades.csv", grades).status_code == 302
    assert Enrolment.objects.get(intake=intake).grade == Decimal(80)
    # Operators cannot tutor; nobody but the secretariat changes tutors.
    operator = make_user(role=Role.OPERATOR)
    response = client_for(staff).post(f"/training/intakes/{intake.code}/tutors/", {"tutors": [operator.pk]})
    assert response.status_code == 400 and list(intake.tutors.all()) == [other]
    response = client_for(other).post(f"/training/intakes/{intake.code}/tutors/", {"tutors": [other.pk]})
    assert response.status_code == 404


def test_an_administrator_gives_staff_numbers_unique_in_their_administration(
    administrator, antigua_officer, make_user, antigua, client_for
):
    client = client_for(administrator)
    form = {"role": Role.OFFICER, "agency": Agency.CUSTOMS, "is_active": "on", "staff_number": " AG-0777 "}
    assert client.post(f"/accounts/officials/{antigua_officer.pk}/", form).status_code == 302
    antigua_officer.refresh_from_db()
    assert antigua_officer.staff_number == "AG-0777"
    assert "AG-0777" in client.get("/accounts/officials/").content.decode()
    response = client.post(
        "/accounts/officials/",
        {
            "first_name": "Marlon",
            "last_name": "Henry",
            "email": "marlon@ag.example",
            "role": Role.OFFICER,
            "agency": Agency.CUSTOMS,
            "language": "en",
            "staff_number": "ag-0777",
        },
    )
    page = response.content.decode()
    assert "Another official of your administration has this staff number." in page
    assert 'value="Marlon"' in page and not User.objects.filter(email="marlon@ag.example").exists()


def test_another_administration_may_use_the_same_staff_number(
    administrator, antigua_officer, make_user, barbados, client_for
):
    make_user(role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS, staff_number="AG-0042")
    form = {"role": Role.OFFICER, "agency": Agency.CUSTOMS, "is_active": "on", "staff_number": "AG-0042"}
    assert (
        client_for(administrator).post(f"/accounts/officials/{antigua_officer.pk}/", form).status_code == 302
    )


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "11 Jan 2027"),
        ("es", "11 de enero de 2027"),
        ("fr", "11 janvier 2027"),
        ("nl", "11 januari 2027"),
    ],
)
def test_intake_dates_are_typed_day_first_and_shown_in_words(staff, courses, client_for, language, shown):
    staff.language = language
    staff.save()
    client = client_for(staff)
    client.cookies["django_language"] = language
    response = client.post(
        "/training/intakes/new/",
        {
            "course": courses[0].pk,
            "code": f"CCM101-{language}",
            "starts_on": "11/01/2027",
            "ends_on": "12/04/2027",
            "mode": "online",
            "in_person_days": 0,
            "seats_per_member": 2,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    intake = Intake.objects.get(code=f"CCM101-{language.upper()}")
    assert (intake.starts_on, intake.ends_on) == (dt.date(2027, 1, 11), dt.date(2027, 4, 12))
    for url in (f"/training/intakes/{intake.code}/", "/training/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert shown in page and "11/01/2027" not in page


def test_a_month_first_date_is_an_error_beside_the_field(staff, courses, client_for):
    response = client_for(staff).post(
        "/training/intakes/new/",
        {"course": courses[0].pk, "code": "X-1", "starts_on": "01/13/2027", "ends_on": "12/04/2027"},
    )
    page = response.content.decode()
    assert "Enter the date as day, month, year: 14/09/2027." in page and 'value="01/13/2027"' in page
