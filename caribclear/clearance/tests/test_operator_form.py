"""The captain's notification form (issue 9, findings 4, 6, 9 and 13): every error in one round trip,
the crew on board by default, drafts with whatever is filled, a receipt, warnings while filing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ..choices import PersonRole
from .operator_fixtures import crew_fixture  # noqa: F401
from .test_operator_views import form_data

pytestmark = pytest.mark.django_db


def test_the_form_reports_every_error_at_once(crew, client_for):
    """Time missing, the declaration unanswered, no master and no purpose: one post names them all."""
    master, mate = crew.master[0], crew.mate[0]
    data = form_data(
        crew,
        expected_at="",
        purpose="",
        **{f"role_{master.pk}": PersonRole.CREW, f"role_{mate.pk}": PersonRole.CREW},
    )
    for name in [key for key in data if key.startswith("declares_")]:
        del data[name]
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "expected_at" in form.errors
    assert "declares_firearms" in form.errors
    assert "purpose" in form.errors
    assert any("master" in error for error in form.non_field_errors())
    page = response.content.decode()
    assert page.count('class="error-summary"') == 1
    assert "Say who is the master (captain)." in page
    assert "Choose the purpose of the visit." in page


def test_crew_on_the_list_start_on_board_and_passengers_do_not(crew, client_for):
    from caribclear.vessels.choices import PersonCategory

    from .factories import person_make

    master = crew.master[0]
    master.rank = "Master"
    master.save()
    guest, _document = person_make(account=crew.operator, surname="Guest", document_number="GB5550001")
    guest.category = PersonCategory.PASSENGER
    guest.save()
    form: Any = client_for(crew.operator).get(reverse("clearance:notification_new")).context["form"]
    assert form[f"role_{master.pk}"].value() == PersonRole.MASTER
    assert form[f"role_{crew.mate[0].pk}"].value() == PersonRole.CREW
    assert form[f"role_{guest.pk}"].value() == ""
