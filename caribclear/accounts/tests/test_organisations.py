"""One organisation for everyone who files: an airline that files air cargo and passenger lists is one
organisation with one set of users, managed by its administrators on one page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Organisation, OrganisationMember, User
from caribclear.accounts.services import organisation_create
from caribclear.cargo import selectors as cargo_selectors
from caribclear.cargo.services import filer_create
from caribclear.core.start import operator_start
from caribclear.passengers import selectors as passenger_selectors
from caribclear.passengers.services import carrier_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(
        role=Role.OPERATOR, email="admin@bw.example", first_name="Kerry-Ann", last_name="Mohammed"
    )


@pytest.fixture
def airline(admin: User) -> Organisation:
    """Caribbean Airlines: one organisation filing passenger lists and air cargo."""
    organisation = organisation_create(
        actor=None, name="Caribbean Airlines", administrator=admin, trader_id="TT100045678", carrier_code="BW"
    )
    carrier_create(actor=None, kind="airline", organisation=organisation)
    filer_create(actor=None, kind="carrier", organisation=organisation)
    return organisation


def test_a_user_added_once_files_both_cargo_and_passenger_lists(
    airline: Organisation, admin: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clerk = make_user(role=Role.OPERATOR, email="clerk@bw.example")
    response = client_for(admin).post(
        reverse("accounts:organisation"), {"action": "invite", "email": "CLERK@bw.example"}
    )
    assert response.status_code == 302
    clerk = User.objects.get(pk=clerk.pk)
    assert cargo_selectors.filer_for(clerk).organisation == airline  # type: ignore[union-attr]
    assert passenger_selectors.carrier_for(clerk).organisation == airline  # type: ignore[union-attr]
    client = client_for(clerk)
    cargo_home = client.get(reverse("cargo:home"))
    assert "Cargo manifests — Caribbean Airlines" in cargo_home.content.decode()
    passengers_home = client.get(reverse("passengers:home")).content.decode()
    assert "You file for Caribbean Airlines (BW)." in passengers_home
    # The menu offers the passenger lists and the organisation; the start page is the organisation's work.
    assert (
        reverse("passengers:home") in passengers_home and reverse("accounts:organisation") in passengers_home
    )
    assert operator_start(User.objects.get(pk=clerk.pk)) in ("cargo:home", "passengers:home")


def test_inviting_a_new_address_makes_an_account_and_mails_a_link(
    airline: Organisation,
    admin: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = client_for(admin)
    missing_name = client.post(
        reverse("accounts:organisation"), {"action": "invite", "email": "new@bw.example"}
    )
    assert missing_name.status_code == 200
    assert "give the person&#x27;s name to invite them" in missing_name.content.decode()
    assert not User.objects.filter(email="new@bw.example").exists()
    with django_capture_on_commit_callbacks(execute=True):
        with_name = client.post(
            reverse("accounts:organisation"),
            {
                "action": "invite",
                "email": "new@bw.example",
                "first_name": "Ann",
                "last_name": "Lee",
                "is_admin": "on",
            },
        )
    assert with_name.status_code == 302
    invited = User.objects.get(email="new@bw.example")
    assert invited.is_operator and not invited.has_usable_password()
    assert OrganisationMember.objects.get(user=invited).is_admin
    (message,) = mail.outbox
    assert message.to == ["new@bw.example"] and "Caribbean Airlines" in message.subject
    assert "/accounts/password/reset/" in message.body


def test_an_officials_address_cannot_join(
    airline: Organisation,
    admin: User,
    make_user: Callable[..., User],
    barbados: object,
    client_for: Callable[[User], Client],
) -> None:
    make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")
    response = client_for(admin).post(
        reverse("accounts:organisation"), {"action": "invite", "email": "officer@bb.example"}
    )
    assert response.status_code == 200
    assert "belongs to an official" in response.content.decode()
    assert airline.members.count() == 1


def test_administrators_make_administrators_and_remove_users_but_never_the_last(
    airline: Organisation, admin: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clerk = make_user(role=Role.OPERATOR, email="clerk@bw.example")
    member = OrganisationMember.objects.create(organisation=airline, user=clerk)
    own = OrganisationMember.objects.get(user=admin)
    client = client_for(admin)
    url = reverse("accounts:organisation")
    page = client.get(url).content.decode()
    # The only administrator is not offered to step down or leave, only told how to.
    assert "The only administrator" in page and f'name="member" value="{own.pk}"' not in page
    assert f'name="member" value="{member.pk}"' in page
    refused = client.post(url, {"action": "not_admin", "member": own.pk}, follow=True)
    assert "needs at least one administrator" in refused.content.decode()
    assert OrganisationMember.objects.get(pk=own.pk).is_admin
    client.post(url, {"action": "make_admin", "member": member.pk})
    assert OrganisationMember.objects.get(pk=member.pk).is_admin
    client.post(url, {"action": "remove", "member": own.pk})
    assert not OrganisationMember.objects.filter(pk=own.pk).exists()
    # Removed, the former administrator no longer files for the airline nor sees the page.
    admin = User.objects.get(pk=admin.pk)
    assert cargo_selectors.filer_for(admin) is None and passenger_selectors.carrier_for(admin) is None
    assert client_for(admin).get(url).status_code == 404
    last = client_for(clerk).post(url, {"action": "remove", "member": member.pk}, follow=True)
    assert "needs at least one administrator" in last.content.decode()


def test_users_see_the_page_but_only_administrators_change_it_and_only_their_own(
    airline: Organisation, admin: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    clerk = make_user(role=Role.OPERATOR, email="clerk@bw.example")
    OrganisationMember.objects.create(organisation=airline, user=clerk)
    client = client_for(clerk)
    seen = client.get(reverse("accounts:organisation")).content.decode()
    assert "admin@bw.example" in seen and "Add a user" not in seen
    assert (
        client.post(
            reverse("accounts:organisation"), {"action": "invite", "email": "x@bw.example"}
        ).status_code
        == 404
    )
    other_admin = make_user(role=Role.OPERATOR, email="admin@li.example")
    organisation_create(actor=None, name="LIAT", administrator=other_admin, carrier_code="LI")
    own = OrganisationMember.objects.get(user=clerk)
    outsider = client_for(other_admin).post(
        reverse("accounts:organisation"), {"action": "remove", "member": own.pk}
    )
    assert outsider.status_code == 404
    assert OrganisationMember.objects.filter(pk=own.pk).exists()
    yacht = make_user(role=Role.OPERATOR, email="skipper@example.org")
    assert client_for(yacht).get(reverse("accounts:organisation")).status_code == 404


def test_the_menu_asks_the_organisation_once_per_page(
    airline: Organisation, admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("clearance:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("passengers:home") in content and reverse("accounts:organisation") in content
    memberships = [q["sql"] for q in queries.captured_queries if "accounts_organisationmember" in q["sql"]]
    assert len(memberships) == 1, memberships


def test_a_yacht_operator_is_offered_neither_passenger_lists_nor_an_organisation(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    yacht = make_user(role=Role.OPERATOR, email="skipper@example.org")
    content = client_for(yacht).get(reverse("clearance:home")).content.decode()
    assert reverse("passengers:home") not in content and reverse("accounts:organisation") not in content
    assert operator_start(yacht) == "clearance:home"
