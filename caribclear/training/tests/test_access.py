"""Who sees what: the secretariat sees training records and no member's operational records; a member's
administrator sees only their own officials; the secretariat is never a member."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from caribclear.accounts.models import Administration
from caribclear.intel.forms import AlertForm
from caribclear.training import services

# Every page of these namespaces is operational: a member's clearance, screening, risk or intelligence.
OPERATIONAL = {"officer", "intel", "risk", "screening", "dashboards", "clearance", "vessels", "documents"}


def operational_paths() -> list[str]:
    """Every route of the operational apps that needs no argument, walked from the URL configuration,
    and each route with arguments filled with a plausible value (a missing record is also 404)."""
    paths = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in OPERATIONAL:
                route = prefix + str(pattern.pattern)
                for converter, value in (
                    ("<int:", "1"),
                    ("<str:", "X1"),
                    ("<uuid:", "00000000-0000-0000-0000-000000000001"),
                    ("<slug:", "x"),
                ):
                    while converter in route:
                        start = route.index(converter)
                        route = route[:start] + value + route[route.index(">", start) + 1 :]
                if "<" not in route and "^" not in route:
                    paths.append("/" + route)

    walk(get_resolver().url_patterns, "", None)
    return sorted(set(paths))


def test_the_walk_finds_the_operational_pages():
    paths = operational_paths()
    assert "/officer/" in paths or any(p.startswith("/officer/") for p in paths)
    assert any(p.startswith("/intel/") for p in paths)
    assert len(paths) > 30


def test_the_secretariat_gets_not_found_on_every_operational_page(staff, client_for):
    client = client_for(staff)
    seen = {}
    for path in operational_paths():
        if path.startswith("/verify/"):
            continue  # the public certificate check: no record behind a made-up code
        status = client.get(path).status_code
        seen[path] = client.post(path).status_code if status == 405 else status  # a POST-only route
    assert {p: s for p, s in seen.items() if s != 404} == {}
    assert client.get("/audit/").status_code == 404


def test_the_secretariats_api_token_reads_no_operational_record(staff):
    from django.test import Client

    from caribclear.accounts.services import api_token_create

    raw = api_token_create(user=staff, name="reporting")[1]
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    for path in (
        "/api/intel/seizures",
        "/api/intel/alerts",
        "/api/risk/lookouts",
        "/api/notifications",
        "/api/vessels",
        "/api/people",
    ):
        response = api.get(path)
        assert response.status_code == 404, (path, response.status_code)
    assert api.get("/api/training/intakes").status_code == 200


def test_the_secretariat_lands_on_training_and_signs_in_with_a_second_factor(staff, client):
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    # Password alone is not enough for a page.
    assert client.get("/training/").status_code == 302
    response = client.post(
        "/accounts/login/", {"username": staff.email, "password": "correct horse battery staple"}
    )
    assert "/accounts/login/" in response["Location"]


def test_the_secretariat_is_never_a_member(secretariat, antigua, officer):
    assert Administration.objects.count() == 39
    assert not Administration.objects.filter(code=secretariat.code).exists()
    form = AlertForm(user=officer)
    form.setup_dissemination(antigua)
    choices = [str(a) for a in form.fields["released_to"].queryset]  # type: ignore[attr-defined]
    assert len(choices) == 38 and "CCLEC Secretariat" not in choices


@pytest.fixture
def barbados_admin(make_user, barbados):
    return make_user(role="administrator", administration=barbados, email="admin@bb.example")


def test_an_administrator_sees_only_their_own_officials(
    courses, make_intake, enrol, antigua_officer, administrator, barbados_admin, client_for, tutor
):
    intake = make_intake(courses[0])
    enrolment = enrol(intake, antigua_officer)
    services.result_record(actor=tutor, enrolment=enrolment, grade=Decimal(70), days_attended=None)
    assert client_for(administrator).get(f"/training/officials/{antigua_officer.pk}/").status_code == 200
    assert client_for(barbados_admin).get(f"/training/officials/{antigua_officer.pk}/").status_code == 404
    page = client_for(barbados_admin).get(f"/training/intakes/{intake.code}/").content.decode()
    assert "Kendra" not in page
    assert "Kendra" in client_for(administrator).get(f"/training/intakes/{intake.code}/").content.decode()
    # An official sees their own record, not a colleague's.
    assert client_for(antigua_officer).get(f"/training/officials/{administrator.pk}/").status_code == 404
    assert "International" not in client_for(antigua_officer).get("/training/record/").content.decode()
    assert (
        "Introduction to Caribbean Customs"
        in client_for(antigua_officer).get("/training/record/").content.decode()
    )


def test_operators_have_no_training_pages(operator, client_for):
    assert client_for(operator).get("/training/").status_code == 404
    assert client_for(operator).get("/training/record/").status_code == 404


def test_only_the_secretariat_opens_intakes_and_sees_regional_figures(
    administrator, staff, client_for, courses
):
    assert client_for(administrator).get("/training/intakes/new/").status_code == 404
    assert client_for(administrator).get("/training/figures/").status_code == 404
    response = client_for(staff).post(
        "/training/intakes/new/",
        {
            "course": courses[0].pk,
            "code": "CCM101-2027",
            "starts_on": "2027-01-10",
            "ends_on": "2027-01-05",
            "mode": "in_person",
            "venue": "",
            "in_person_days": 5,
            "seats_per_member": 2,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "The intake cannot end before it starts." in body
    assert "Give the venue of the in-person days." in body
    assert client_for(staff).get("/training/figures/?format=csv").status_code == 200


def test_the_demo_has_the_programme_and_a_finished_intake_with_credentials(
    db, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from caribclear.training.models import Credential, Intake, Programme

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    programme = Programme.objects.get(code="CCMP-C")
    assert programme.programme_courses.count() == 5
    assert Intake.objects.get(code="CCM101-2026-1").status == "finished"
    assert Credential.objects.filter(course__code="CCM101").count() == 2


def test_the_first_secretariat_staff_are_created_from_the_command_line(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from caribclear.accounts.models import User

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "training_account", "secretariat", "head@cclec.example", "Ann", "Lee", stdout=io.StringIO()
        )
    user = User.objects.get(email="head@cclec.example")
    assert user.is_secretariat and not user.is_official
    assert user.administration is not None and user.administration.code == "XC"
    assert mailoutbox and "head@cclec.example" in mailoutbox[-1].to
