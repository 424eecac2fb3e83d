"""Evaluations summarised per run, credential requirements per role, regional figures."""

from __future__ import annotations

from decimal import Decimal

from caribclear.training import services
from caribclear.training.models import Enrolment


def test_participants_evaluate_a_run_and_the_secretariat_sees_the_summary(
    courses, make_intake, enrol, antigua_officer, make_user, antigua, staff, client_for
):
    intake = make_intake(courses[0])
    second = make_user(role="officer", administration=antigua)
    first_enrolment = enrol(intake, antigua_officer)
    second_enrolment = enrol(intake, second)
    response = client_for(antigua_officer).post(
        f"/training/enrolments/{first_enrolment.pk}/evaluate/",
        {"outcomes_achieved": "4", "rating": "5", "comments": "Clear cases on Incoterms."},
    )
    assert response.status_code == 302
    services.evaluation_submit(actor=second, enrolment=second_enrolment, outcomes_achieved=3, rating=4)
    # Someone else's place cannot be evaluated, and a place only once.
    assert client_for(second).get(f"/training/enrolments/{first_enrolment.pk}/evaluate/").status_code == 404
    again = client_for(antigua_officer).post(
        f"/training/enrolments/{first_enrolment.pk}/evaluate/", {"outcomes_achieved": "1", "rating": "1"}
    )
    assert "Ya ha evaluado este curso." in again.content.decode()  # in her language, Spanish
    page = client_for(staff).get(f"/training/intakes/{intake.code}/").content.decode()
    assert "2 evaluations: average rating 4.5 of 5, learning outcomes achieved 3.5 of 5." in page
    assert "Clear cases on Incoterms." in page


def test_an_administrator_sees_who_meets_a_roles_required_credential(
    courses, make_intake, enrol, antigua_officer, make_user, antigua, administrator, tutor, client_for
):
    colleague = make_user(role="officer", administration=antigua, first_name="Noel", last_name="Without")
    services.result_record(
        actor=tutor,
        enrolment=enrol(make_intake(courses[2]), antigua_officer),
        grade=Decimal(70),
        days_attended=None,
    )
    response = client_for(administrator).post(
        "/training/officials/", {"role": "officer", "course": courses[2].pk}
    )
    assert response.status_code == 302
    page = client_for(administrator).get("/training/officials/").content.decode()
    held, missing = page.split("Do not hold it yet", 1)
    assert "Kendra Joseph" in held.split("Hold it")[-1]
    assert "Noel Without" in missing.split("</p>")[0]
    assert colleague.pk  # a member of the role without the credential
    both = client_for(administrator).post(
        "/training/officials/", {"role": "officer", "course": courses[2].pk, "programme": ""}
    )
    assert both.status_code == 302
    neither = client_for(administrator).post("/training/officials/", {"role": "officer"})
    assert "Choose either a course or a programme." in neither.content.decode()


def test_regional_figures_count_trained_and_certified_officials_per_member_and_year(
    courses, make_intake, enrol, antigua_officer, make_user, antigua, tutor, staff, client_for
):
    intake = make_intake(courses[0])
    failed = make_user(role="officer", administration=antigua)
    services.result_record(
        actor=tutor, enrolment=enrol(intake, antigua_officer), grade=Decimal(80), days_attended=None
    )
    second = enrol(intake, failed)
    services.result_record(actor=tutor, enrolment=second, grade=Decimal(20), days_attended=None)
    services.evaluation_submit(actor=failed, enrolment=second, outcomes_achieved=3, rating=4)
    own = Enrolment.objects.get(intake=intake, official=antigua_officer)
    services.evaluation_submit(actor=antigua_officer, enrolment=own, outcomes_achieved=4, rating=5)
    csv_text = client_for(staff).get("/training/figures/?format=csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == (
        "year,member,participants,trained,certified,completion_rate,pass_rate,"
        "evaluations,average_rating,average_outcomes_achieved"
    )
    assert lines[1] == "2026,Antigua and Barbuda,2,2,1,100,50,2,4.5,3.5"
    page = client_for(staff).get("/training/figures/").content.decode()
    assert "<svg" in page and "Antigua and Barbuda" in page


def test_the_secretariat_adds_courses_and_a_programme(staff, administrator, client_for):
    client = client_for(staff)
    for code, title in (("CCM201", "Risk Management"), ("CCM202", "Customs Valuation")):
        response = client.post(
            "/training/catalogue/courses/new/",
            {"code": code, "title": title, "credits": "3", "hours": "45", "pass_mark": "50",
             "learning_outcomes": "Apply the WTO Valuation Agreement\n\nExplain transaction value",
             "modules": "Readings and forum; 15\nCase study: transaction value;20\n\nAssessment"},
        )  # fmt: skip
        assert response.status_code == 302
    again = client.post(
        "/training/catalogue/courses/new/",
        {"code": "ccm201", "title": "Again", "credits": "3", "hours": "45", "pass_mark": "50"},
    )
    assert "Course with this Code already exists." in again.content.decode()
    from caribclear.training.models import Course, Programme

    first, second = Course.objects.order_by("code")
    assert second.outcome_list == ["Apply the WTO Valuation Agreement", "Explain transaction value"]
    assert [(m.number, m.title, m.hours) for m in second.modules.all()] == [
        (1, "Readings and forum", 15),
        (2, "Case study: transaction value", 20),
        (3, "Assessment", 0),
    ]
    bad = client.post(
        "/training/catalogue/courses/new/",
        {"code": "CCM203", "title": "Rules of Origin", "credits": "3", "hours": "45", "pass_mark": "50",
         "modules": "Readings; many\nCase study; 10"},
    )  # fmt: skip
    assert "Line 1: give the module" in bad.content.decode() and "Case study; 10" in bad.content.decode()
    clash = client.post(
        "/training/catalogue/programmes/new/",
        {"code": "DCM", "title": "Diploma", "level": "diploma", "required_credits": "6", "minimum_grade": "50",
         "core": [first.pk], "electives": [first.pk, second.pk]},
    )  # fmt: skip
    assert "A course is either core or elective, not both." in clash.content.decode()
    response = client.post(
        "/training/catalogue/programmes/new/",
        {"code": "DCM", "title": "Diploma in Customs Management", "level": "diploma", "required_credits": "6",
         "minimum_grade": "60", "core": [first.pk], "electives": [second.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    programme = Programme.objects.get(code="DCM")
    assert [(link.course.code, link.is_core) for link in programme.programme_courses.all()] == [
        ("CCM201", True),
        ("CCM202", False),
    ]
    assert "Diploma in Customs Management" in client.get("/training/catalogue/").content.decode()
    assert client_for(administrator).get("/training/catalogue/courses/new/").status_code == 404
