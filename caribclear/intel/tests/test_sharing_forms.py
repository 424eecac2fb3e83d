"""The sharing forms say what saving will share, refuse TLP:AMBER released to nobody, and put each group's
question above its boxes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caribclear.accounts.models import Administration, User

from ..forms import SeizureForm
from ..models import Seizure
from .factories import seizure_make

pytestmark = pytest.mark.django_db


def _seizure_post(port: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "occurred_on": "2026-03-14",
        "port": port.pk,
        "detection_method": "dog",
        "concealment_method": "hull",
        "commodity": "drugs",
        "description": "cocaine bricks",
        "quantity": "42",
        "unit": "kg",
        "route_origin": "VE",
        "route_destination": "US",
        "conveyance": "vessel",
        "tlp": "AMBER",
        "source_reliability": "2",
        "information_grade": "B",
        "handling_code": "P",
        "personal_fields": ["persons", "narrative"],
        "person-TOTAL_FORMS": "0",
        "person-INITIAL_FORMS": "0",
        "company-TOTAL_FORMS": "0",
        "company-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def port(ports: None) -> Any:
    from caribclear.reference.models import Port

    return Port.objects.get(locode="AGSJO")


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?</section>', html, re.S)
    assert match, f"#{element_id} not on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_amber_released_to_nobody_is_a_field_error_and_nothing_is_saved(
    analyst: User, port: Any, client_for: Callable[[User], Client]
) -> None:
    response = client_for(analyst).post(reverse("intel:seizure_new"), _seizure_post(port))
    assert response.status_code == 200
    form = response.context["form"]
    assert "released to nobody" in str(form.errors["released_to"])
    html = response.content.decode()
    # The error is beside the "Released to" boxes and linked from the summary at the top.
    assert 'href="#id_released_to_0"' in html
    group = html.split('id="id_released_to_group"')[1].split("</fieldset>")[0]
    assert "released to nobody" in group
    assert not Seizure.objects.exists()


def test_amber_strict_may_stay_at_home_but_not_released_to_all_without_names(
    analyst: User, port: Any
) -> None:
    home = SeizureForm(_seizure_post(port, tlp="AMBER+STRICT"), user=analyst)
    assert home.is_valid(), home.errors
    assert home.sharing_summary()[0] == "TLP:AMBER+STRICT: visible to your administration only."
    to_all = SeizureForm(_seizure_post(port, tlp="AMBER+STRICT", release_to_all="on"), user=analyst)
    assert not to_all.is_valid()
    assert "by name only" in str(to_all.errors["released_to"])


def test_the_summary_names_who_sees_the_record_and_its_personal_fields(
    analyst: User, port: Any, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    antigua_and_barbuda = Administration.objects.get(code="AG")  # the analyst's own
    lucia = Administration.objects.get(code="LC")
    form = SeizureForm(_seizure_post(port, released_to=[lucia.pk, barbados.pk]), user=analyst)
    assert form.is_valid(), form.errors
    assert form.sharing_summary() == [
        f"TLP:AMBER: visible to your administration and {barbados.name}, {lucia.name}.",
        "Personal fields (Linked persons, Narrative): none released; only your administration sees them.",
    ]
    assert antigua_and_barbuda.name not in " ".join(form.sharing_summary())
    released = SeizureForm(
        _seizure_post(
            port,
            tlp="GREEN",
            personal_released_to=[barbados.pk],
            legal_basis="MoU 2024",
            personal_fields=["persons"],
        ),
        user=analyst,
    )
    assert released.is_valid(), released.errors
    assert released.sharing_summary() == [
        "TLP:GREEN: visible to every member administration.",
        f"Personal field (Linked persons): released to {barbados.name}.",
    ]


def test_review_shows_the_summary_and_saves_nothing(
    analyst: User, port: Any, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    client = client_for(analyst)
    blank = client.get(reverse("intel:seizure_new")).content.decode()
    assert "TLP:AMBER: released to nobody yet." in _text(blank, "sharing-summary")
    data = _seizure_post(port, released_to=[barbados.pk], action="review")
    response = client.post(reverse("intel:seizure_new"), data)
    assert response.status_code == 200 and not Seizure.objects.exists()
    summary = _text(response.content.decode(), "sharing-summary")
    assert f"TLP:AMBER: visible to your administration and {barbados.name}." in summary
    assert "Personal fields (Linked persons, Narrative): none released" in summary
    del data["action"]
    saved = client.post(reverse("intel:seizure_new"), data)
    assert saved.status_code == 302
    assert list(Seizure.objects.get().released_to.values_list("code", flat=True)) == ["BB"]


def test_handling_form_summary_starts_from_the_record_and_refuses_amber_to_nobody(
    analyst: User, ports: None, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    seizure = seizure_make(actor=analyst, tlp="GREEN")
    url = reverse("intel:handling", args=["seizure", seizure.reference])
    client = client_for(analyst)
    page = client.get(url).content.decode()
    assert "TLP:GREEN: visible to every member administration." in _text(page, "sharing-summary")
    narrowed = client.post(url, {"tlp": "AMBER", "reason": "Now part of a live case."})
    assert "released to nobody" in str(narrowed.context["form"].errors["released_to"])
    seizure.refresh_from_db()
    assert seizure.tlp == "GREEN"


def test_every_group_of_boxes_is_a_fieldset_with_its_legend_first(
    analyst: User, client_for: Callable[[User], Client], ports: None
) -> None:
    html = client_for(analyst).get(reverse("intel:seizure_new")).content.decode()
    for name, legend in (
        ("released_to", "Released to"),
        ("personal_released_to", "Personal data released to"),
        ("personal_fields", "Treat as personal"),
    ):
        group = html.split(f'id="id_{name}_group"')[1].split("</fieldset>")[0]
        assert group.index(f"<legend>{legend}</legend>") < group.index('type="checkbox"')
        assert f'name="{name}"' in group


def test_a_request_for_information_says_who_will_read_it(
    analyst: User, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    from ..models import InformationRequest

    url = reverse("intel:rfi_new")
    data = {
        "subject": "Blue Heron",
        "question": "Has the yacht Blue Heron called at your ports?",
        "tlp": "AMBER",
        "addressed_to": [barbados.pk],
        "action": "review",
    }
    review = client_for(analyst).post(url, data)
    text = _text(review.content.decode(), "sharing-summary")
    assert f"TLP:AMBER: visible to your administration and {barbados.name}." in text
    assert "Personal data in the question: none released" in text
    assert not InformationRequest.objects.exists()
    shared = client_for(analyst).post(url, data | {"include_personal": "on", "legal_basis": "MoU 2024"})
    assert f"Personal data in the question: released to {barbados.name}." in _text(
        shared.content.decode(), "sharing-summary"
    )
