"""Issue 9, point 6: a lapsed session keeps the form; drafts save with whatever is filled. Point 13: a
draft does not answer "On charter: No" for the captain."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caribclear.core.models import AuditEvent
from caribclear.core.resume import ACCOUNT_COOKIE, KEPT

from ..choices import Status
from ..models import Notification, UnfinishedNotification
from .operator_fixtures import crew_fixture, later  # noqa: F401
from .test_operator_views import form_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in_by_form(client: Client, user, next_url: str):
    return client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": user.email, "password": PASSWORD, "next": next_url},
        follow=True,
    )


def lapsed(client: Client) -> Client:
    """What a sign-out in another tab, or the end of the session, leaves: the cookies, no session."""
    client.post(reverse("accounts:logout"))
    return client


def test_a_post_after_the_session_lapsed_is_sent_once_signed_in_again(crew, client_for):
    client = client_for(crew.operator)
    client.get(reverse("clearance:home"))  # the browser now knows which account signs in here
    assert client.cookies[ACCOUNT_COOKIE].value
    lapsed(client)
    url = reverse("clearance:notification_new")
    response = client.post(url, form_data(crew, action="draft", last_port="Le Marin"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Notification.objects.exists()
    login_page = client.get(response["Location"]).content.decode()
    assert "Your session had ended" in login_page and "kept" in login_page

    page = sign_in_by_form(client, crew.operator, url)
    draft = Notification.objects.get()
    assert (draft.status, draft.last_port) == (Status.DRAFT, "Le Marin")
    body = page.content.decode()
    assert f"Draft saved as {draft.reference}" in body
    assert "what you sent before is sent now" in body
    # Once only: visiting the form again shows an empty form.
    client.get(url)
    assert Notification.objects.count() == 1


def test_a_kept_post_with_errors_comes_back_filled(crew, client_for):
    client = client_for(crew.operator)
    client.get(reverse("clearance:home"))
    lapsed(client)
    url = reverse("clearance:notification_new")
    client.post(url, form_data(crew, expected_at="31/02/2027 10:00", last_port="Rodney Bay"))
    page = sign_in_by_form(client, crew.operator, url).content.decode()
    assert not Notification.objects.exists()
    assert "There is a problem" in page
    assert 'value="Rodney Bay"' in page and 'value="31/02/2027 10:00"' in page


def test_a_post_only_page_takes_the_kept_post_too(crew, client_for):
    from .test_operator_views import submitted

    notification = submitted(crew)
    client = client_for(crew.operator)
    client.get(reverse("clearance:home"))
    lapsed(client)
    url = reverse("clearance:notification_cancel", args=[notification.reference])
    client.post(url, {"reason": "Plans changed"})
    sign_in_by_form(client, crew.operator, url)
    notification.refresh_from_db()
    assert notification.status == Status.CANCELLED


def test_what_another_account_typed_is_neither_sent_nor_shown(crew, client_for, make_user):
    client = client_for(crew.operator)
    client.get(reverse("clearance:home"))
    lapsed(client)
    url = reverse("clearance:notification_new")
    client.post(url, form_data(crew, action="draft", last_port="Secret Cove"))
    other = make_user(email="other@example.org")
    page = sign_in_by_form(client, other, url).content.decode()
    assert "Secret Cove" not in page
    assert not Notification.objects.exists() and KEPT not in client.session


def test_a_draft_saves_with_whatever_is_filled(crew, client_for):
    client = client_for(crew.operator)
    master = crew.master[0]
    data = {
        "vessel": crew.vessel.pk,
        "last_port": "Le Marin",
        f"role_{master.pk}": "master",
        f"document_{master.pk}": crew.master[1].pk,
        "is_charter": "yes",
        "action": "draft",
    }
    response = client.post(reverse("clearance:notification_new"), data)
    assert response.status_code == 302 and response["Location"] == reverse("clearance:home")
    kept = UnfinishedNotification.objects.get()
    assert kept.value("last_port") == "Le Marin" and "csrfmiddlewaretoken" not in kept.data
    home = client.get(reverse("clearance:home")).content.decode()
    assert "Draft saved" in home
    # The server has it: the phone is told to drop its local copy of the form.
    assert f'data-clear-local="{reverse("clearance:notification_new")}"' in home
    assert crew.vessel.name in home and "the port of entry" in home and "the date and time" in home

    # Continue it: the form comes back filled; completing it makes the notification and drops the copy.
    form = client.get(f"{reverse('clearance:notification_new')}?unfinished={kept.pk}").content.decode()
    assert 'value="Le Marin"' in form and f'name="unfinished" value="{kept.pk}"' in form
    finished = form_data(crew, action="draft", unfinished=str(kept.pk))
    response = client.post(reverse("clearance:notification_new"), finished)
    draft = Notification.objects.get()
    assert response["Location"] == reverse("clearance:notification_detail", args=[draft.reference])
    assert not UnfinishedNotification.objects.exists()
    assert AuditEvent.objects.filter(action="notification.unfinished_finish").exists()


def test_an_unfinished_draft_is_its_authors_alone_and_can_be_discarded(crew, client_for, make_user):
    client = client_for(crew.operator)
    client.post(reverse("clearance:notification_new"), {"last_port": "Bequia", "action": "draft"})
    kept = UnfinishedNotification.objects.get()
    other = client_for(make_user(email="other@example.org"))
    assert other.get(f"{reverse('clearance:notification_new')}?unfinished={kept.pk}").status_code == 404
    assert other.post(reverse("clearance:unfinished_discard", args=[kept.pk])).status_code == 404
    assert "Bequia" not in other.get(reverse("clearance:home")).content.decode()
    client.post(reverse("clearance:unfinished_discard", args=[kept.pk]))
    assert not UnfinishedNotification.objects.exists()


def test_submitting_still_needs_everything(crew, client_for):
    response = client_for(crew.operator).post(
        reverse("clearance:notification_new"), {"vessel": crew.vessel.pk, "action": "submit"}
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not UnfinishedNotification.objects.exists() and not Notification.objects.exists()


def test_a_draft_leaves_on_charter_unanswered(crew, client_for):
    data = form_data(crew, action="draft")
    del data["is_charter"]
    client = client_for(crew.operator)
    client.post(reverse("clearance:notification_new"), data)
    draft = Notification.objects.get()
    assert draft.is_charter is None
    page = client.get(reverse("clearance:notification_detail", args=[draft.reference])).content.decode()
    assert "Not answered yet" in page
    change = client.get(reverse("clearance:notification_change", args=[draft.reference])).content.decode()
    assert 'name="is_charter" value="no" required id="id_is_charter_1" checked' not in change
    assert "checked" not in change.split('name="is_charter"')[1].split(">")[0]
    assert "checked" not in change.split('name="is_charter"')[2].split(">")[0]
