from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.reference.models import Port

from .. import services
from ..choices import Decision, Kind, PersonRole, Status
from ..models import Notification
from .factories import person_make, screen, vessel_make
from .operator_fixtures import crew_fixture, later  # noqa: F401

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def form_data(crew, **overrides: Any) -> dict[str, Any]:
    master, mate = crew.master[0], crew.mate[0]
    data = {
        "vessel": crew.vessel.pk,
        "kind": Kind.ARRIVAL,
        "port": "AGSJO",
        "expected_at": later(2).strftime(FORMAT),
        "last_port": "Le Marin",
        "last_port_country": "MQ",
        "next_port": "Bridgetown",
        "next_port_country": "BB",
        "purpose": "cruising",
        "is_charter": "no",
        "declares_firearms": "no",
        "declares_currency": "no",
        "declares_alcohol_tobacco": "no",
        "declares_animals": "no",
        "declares_plants_food": "no",
        "declares_goods_for_sale": "no",
        "declares_illness": "no",
        "declaration_details": "",
        f"role_{master.pk}": PersonRole.MASTER,
        f"document_{master.pk}": crew.master[1].pk,
        f"role_{mate.pk}": PersonRole.CREW,
        f"document_{mate.pk}": crew.mate[1].pk,
        "action": "submit",
    }
    data.update(overrides)
    return data


def submitted(crew, **overrides):
    return screen(
        services.notification_create(
            actor=crew.operator, data=crew.data(**overrides), people=crew.people(), submit=True
        )
    )  # as filing's job does after commit: officers decide on screened ones


def test_the_new_notification_page_groups_ports_by_administration(crew, client_for):
    response = client_for(crew.operator).get(reverse("clearance:notification_new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Antigua and Barbuda">' in html
    assert "St. John&#x27;s (AGSJO)" in html
    assert "SKIPPER, Ana" in html and "GB1234567" in html
    assert "Arrival and departure together" in html


def test_submitting_the_form_files_the_notification(crew, client_for):
    client = client_for(crew.operator)
    response = client.post(reverse("clearance:notification_new"), form_data(crew))
    notification = Notification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clearance:notification_detail", args=[notification.reference])
    assert notification.status == Status.SUBMITTED
    assert notification.people_on_board.get(role=PersonRole.MASTER).person == crew.master[0]
    page = client.get(response["Location"]).content.decode()
    assert f"Your reference is {notification.reference}" in page
    assert "Customs" in page and "Immigration" in page and "Pending" in page


def test_saving_a_draft_needs_no_declaration(crew, client_for):
    data = form_data(crew, action="draft")
    for key in [k for k in data if k.startswith("declares_")]:
        del data[key]
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    assert response.status_code == 302
    draft = Notification.objects.get()
    assert draft.status == Status.DRAFT and not draft.declaration_answered


def test_errors_are_shown_beside_the_fields_and_nothing_typed_is_lost(crew, client_for):
    data = form_data(
        crew,
        expected_at=(timezone.now() - dt.timedelta(days=40)).strftime(FORMAT),
        declares_illness="yes",
        last_port="Rodney Bay",
        **{f"role_{crew.master[0].pk}": PersonRole.CREW},
    )
    del data["declares_animals"]
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The expected date is too far in the past" in html
    assert "Answer yes or no." in html  # the unanswered question
    assert not Notification.objects.exists()
    # What was typed is still there.
    assert 'value="Rodney Bay"' in html
    assert f'value="{data["expected_at"]}"' in html
    assert 'name="declares_illness" value="yes" id="id_declares_illness_0" checked' in html


def test_service_errors_on_people_and_details_are_shown(crew, client_for):
    data = form_data(crew, declares_illness="yes", **{f"role_{crew.master[0].pk}": PersonRole.CREW})
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say who is the master (captain)." in html
    assert "Describe the illness, animals or goods for sale that you declare." in html
    assert '<option value="crew" selected>' in html
    assert not Notification.objects.exists()


def test_a_short_stay_files_both_notifications(crew, client_for):
    data = form_data(
        crew, kind="visit", expected_at=later(1).strftime(FORMAT), departs_at=later(3).strftime(FORMAT)
    )
    response = client_for(crew.operator).post(reverse("clearance:notification_new"), data)
    assert response.status_code == 302
    arrival = Notification.objects.get(kind=Kind.ARRIVAL)
    departure = Notification.objects.get(kind=Kind.DEPARTURE)
    assert arrival.paired_with == departure and departure.status == Status.SUBMITTED


def test_a_short_stay_needs_the_departure_time(crew, client_for):
    response = client_for(crew.operator).post(
        reverse("clearance:notification_new"), form_data(crew, kind="visit")
    )
    assert "Enter when you leave" in response.content.decode()
    assert not Notification.objects.exists()


def test_home_lists_my_voyages_with_each_agencys_decision(
    crew, client_for, officer, django_assert_max_num_queries
):
    cleared_by_customs = submitted(crew)
    services.clearance_decide(actor=officer, notification=cleared_by_customs, decision=Decision.CLEARED)
    for _ in range(3):
        submitted(crew)
    services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    client = client_for(crew.operator)
    # A fixed number however many voyages: the ninth asks whether the account also files passenger lists
    # for a carrier (the menu then shows them).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("clearance:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Drafts" in html and cleared_by_customs.reference in html
    assert "Being processed" in html
    assert "tag-cleared" in html and "tag-pending" in html
    assert "Start from last voyage" in html


def test_another_operator_and_officials_get_404(crew, client_for, make_user, officer):
    notification = submitted(crew)
    stranger = make_user(role=Role.OPERATOR)
    for user in (stranger, officer):
        client = client_for(user)
        for name in ("notification_detail", "notification_change", "notification_cancel"):
            assert client.get(reverse(f"clearance:{name}", args=[notification.reference])).status_code == 404
        assert (
            client.post(reverse("clearance:notification_cancel", args=[notification.reference])).status_code
            == 404
        )
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED


def test_a_reference_typed_in_lower_case_is_found_and_a_wrong_one_is_404(crew, client_for):
    notification = submitted(crew)
    client = client_for(crew.operator)
    url = reverse("clearance:notification_detail", args=[notification.reference.lower().replace("-", "")])
    assert client.get(url).status_code == 200
    assert client.get(reverse("clearance:notification_detail", args=["NOPE-NOPE"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("clearance:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_amending_files_a_new_version_listed_on_the_page(crew, client_for):
    notification = submitted(crew)
    client = client_for(crew.operator)
    url = reverse("clearance:notification_change", args=[notification.reference])
    page = client.get(url).content.decode()
    assert 'value="Le Marin"' in page and "filed as an amendment" in page
    new_time = later(5)
    response = client.post(
        url,
        form_data(
            crew,
            last_port="Deshaies",
            last_port_country="GP",
            expected_at=new_time.strftime(FORMAT),
            action="amend",
        ),
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.version == 2
    html = client.get(response["Location"]).content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Last port: Le Marin → Deshaies" in html
    assert "Country of last port: Martinique → Guadeloupe" in html
    # The time is typed on the port's clock (St. John's, AST) and shown on it, with the zone.
    shown = formats.date_format(new_time.replace(second=0), "DATETIME_FORMAT")
    assert f"→ {shown} (AST, UTC-4)" in html
    typed = new_time.replace(second=0, tzinfo=None)
    assert notification.expected_at == typed.replace(tzinfo=zoneinfo.ZoneInfo("America/Antigua"))


def test_after_a_decision_the_operator_can_no_longer_change_or_cancel(crew, client_for, officer):
    notification = submitted(crew)
    services.clearance_decide(
        actor=officer, notification=notification, decision=Decision.REFERRED, remarks="Inspect"
    )
    client = client_for(crew.operator)
    detail = client.get(
        reverse("clearance:notification_detail", args=[notification.reference])
    ).content.decode()
    assert "Amend" not in detail and "Inspect" in detail
    response = client.post(
        reverse("clearance:notification_change", args=[notification.reference]),
        form_data(crew, last_port="X"),
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.last_port == "Le Marin" and notification.version == 1


def test_a_draft_is_submitted_from_its_page_or_told_what_is_missing(crew, client_for):
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=[])
    client = client_for(crew.operator)
    url = reverse("clearance:notification_submit", args=[draft.reference])
    html = client.post(url).content.decode()
    assert "This notification cannot be submitted yet" in html and "Add at least one person on board." in html
    services.notification_update(actor=crew.operator, notification=draft, data={}, people=crew.people())
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_cancel_asks_for_confirmation_then_cancels(crew, client_for):
    notification = submitted(crew)
    client = client_for(crew.operator)
    url = reverse("clearance:notification_cancel", args=[notification.reference])
    page = client.get(url).content.decode()
    assert "Yes, cancel it" in page
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED
    response = client.post(url, {"reason": "Weather"})
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.CANCELLED


def test_start_from_last_voyage_opens_the_prefilled_draft(crew, client_for):
    last = submitted(crew)
    client = client_for(crew.operator)
    response = client.post(
        reverse("clearance:start_from_last_voyage"),
        {
            "vessel": crew.vessel.pk,
            "kind": "arrival",
            "port": "BBBGI",
            "expected_at": later(4).strftime(FORMAT),
        },
    )
    draft = Notification.objects.exclude(pk=last.pk).get()
    assert response["Location"] == reverse("clearance:notification_change", args=[draft.reference])
    page = client.get(response["Location"]).content.decode()
    assert 'value="St. John&#x27;s"' in page
    assert '<option value="master" selected>' in page


def test_expired_documents_are_flagged_on_the_page(crew, client_for):
    document = crew.mate[1]
    document.expiry_date = timezone.localdate() - dt.timedelta(days=1)
    document.save()
    notification = submitted(crew)
    html = (
        client_for(crew.operator)
        .get(reverse("clearance:notification_detail", args=[notification.reference]))
        .content.decode()
    )
    assert "will have expired by the expected date" in html and document.number in html


def test_a_cleared_notification_links_to_its_certificate(crew, client_for, officer, make_user, antigua):
    notification = submitted(crew)
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    html = (
        client_for(crew.operator)
        .get(reverse("clearance:notification_detail", args=[notification.reference]))
        .content.decode()
    )
    assert reverse("documents:certificate", args=[notification.reference]) in html


def test_people_and_vessels_of_other_accounts_are_not_offered(crew, client_for, make_user):
    stranger = make_user(role=Role.OPERATOR)
    their_vessel = vessel_make(account=stranger, name="Pirate Queen")
    their_person, _doc = person_make(account=stranger, surname="Stranger")
    client = client_for(crew.operator)
    html = client.get(reverse("clearance:notification_new")).content.decode()
    assert "Pirate Queen" not in html and "STRANGER" not in html
    response = client.post(
        reverse("clearance:notification_new"),
        form_data(crew, vessel=their_vessel.pk, **{f"role_{their_person.pk}": "crew"}),
    )
    assert response.status_code == 200 and not Notification.objects.exists()


def test_ports_outside_the_members_are_not_accepted(crew, client_for):
    Port.objects.create(locode="GBZZZ", country="GB", name="Nowhere", name_ascii="Nowhere")
    response = client_for(crew.operator).post(
        reverse("clearance:notification_new"), form_data(crew, port="GBZZZ")
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Notification.objects.exists()


def test_the_detail_page_takes_a_fixed_number_of_queries(crew, client_for, django_assert_max_num_queries):
    notification = submitted(crew)
    for n in range(3):
        services.notification_amend(
            actor=crew.operator, notification=notification, data={"last_port": f"Port {n}"}
        )
    client = client_for(crew.operator)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("clearance:notification_detail", args=[notification.reference]))
    assert response.status_code == 200
    assert "Version 4" in response.content.decode()


def test_an_operator_without_a_vessel_is_sent_to_add_one(client_for, make_user):
    newcomer = make_user(role=Role.OPERATOR)
    html = client_for(newcomer).get(reverse("clearance:home")).content.decode()
    assert reverse("vessels:list") in html
    assert reverse("clearance:notification_new") not in html
