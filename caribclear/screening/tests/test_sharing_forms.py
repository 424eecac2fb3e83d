"""Watchlist and lookout sharing forms say who will screen against them before saving."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.screening.choices import Sharing, SourceFormat
from caribclear.screening.models import Lookout, Watchlist
from caribclear.screening.services import watchlist_create

pytestmark = pytest.mark.django_db

LOOKOUT = {
    "kind": "Person",
    "name": "Desmond KEANE",
    "birth_date": "1975",
    "reason": "Suspected of smuggling firearms",
    "valid_from": "2026-01-01",
}


def _summary(html: str) -> str:
    match = re.search(r'id="sharing-summary".*?</section>', html, re.S)
    assert match, "no summary on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_lookout_review_names_the_administrations_and_saves_nothing(
    officer: User, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    jamaica = Administration.objects.get(code="JM")
    client = client_for(officer)
    url = reverse("screening:lookout_create")
    assert "Screened against by every member administration." in _summary(client.get(url).content.decode())
    data = LOOKOUT | {"sharing": "named", "shared_with": [jamaica.pk, barbados.pk]}
    review = client.post(url, data | {"action": "review"})
    assert review.status_code == 200 and not Lookout.objects.exists()
    assert f"Screened against by your administration and {barbados.name}, {jamaica.name}." in _summary(
        review.content.decode()
    )
    assert client.post(url, data).status_code == 302
    assert sorted(Lookout.objects.get().shared_with.values_list("code", flat=True)) == ["BB", "JM"]


def test_named_with_nobody_and_ticks_that_are_not_used_are_said_plainly(
    officer: User, barbados: Administration, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    url = reverse("screening:lookout_create")
    nobody = client.post(url, LOOKOUT | {"sharing": "named", "action": "review"})
    assert "Shared with nobody yet" in _summary(nobody.content.decode())
    assert nobody.context["form"].errors["shared_with"] == ["Name at least one member administration."]
    unused = client.post(url, LOOKOUT | {"sharing": "own", "shared_with": [barbados.pk], "action": "review"})
    text = _summary(unused.content.decode())
    assert "Screened against by your administration only." in text
    assert f"The administrations ticked ({barbados.name}) are not used" in text


def test_watchlist_settings_summary_starts_from_the_list(
    make_user: Callable[..., User],
    antigua: Administration,
    barbados: Administration,
    client_for: Callable[[User], Client],
) -> None:
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    watchlist = watchlist_create(
        actor=supervisor,
        name="Antigua watch",
        source_format=SourceFormat.CSV,
        owner=antigua,
        sharing=Sharing.NAMED,
        shared_with=[barbados],
    )
    url = reverse("screening:watchlist_settings", args=[watchlist.pk])
    page = client_for(supervisor).get(url).content.decode()
    assert f"Screened against by your administration and {barbados.name}." in _summary(page)
    group = page.split('id="id_shared_with_group"')[1].split("</fieldset>")[0]
    assert group.index("<legend>Named member administrations</legend>") < group.index('type="checkbox"')
    review = client_for(supervisor).post(
        url, {"sharing": "all", "threshold": "0.80", "is_active": "on", "action": "review"}
    )
    assert "Screened against by every member administration." in _summary(review.content.decode())
    assert Watchlist.objects.get().sharing == Sharing.NAMED
