"""The watchlist pages say what a threshold means on the screening benchmark, from the figures it wrote."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.screening.choices import Sharing, SourceFormat
from caribclear.screening.engine import figures as figures_module
from caribclear.screening.engine.figures import FIGURES_FILE, threshold_figures
from caribclear.screening.models import Watchlist
from caribclear.screening.services import watchlist_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


@pytest.fixture
def watchlist(supervisor: User) -> Watchlist:
    return watchlist_create(
        actor=supervisor,
        name="Antigua watch",
        source_format=SourceFormat.CSV,
        owner=supervisor.administration,
        sharing=Sharing.OWN,
        threshold=0.85,
    )


def written() -> dict:
    return json.loads(FIGURES_FILE.read_text(encoding="utf-8"))


def test_the_benchmark_wrote_figures_for_every_threshold_a_supervisor_may_choose() -> None:
    data = written()
    assert data["command"].startswith("python bench/screening/run.py")
    assert [round(r["threshold"], 2) for r in data["thresholds"]] == [
        round(0.5 + 0.05 * i, 2) for i in range(11)
    ]
    recalls = [r["recall"] for r in data["thresholds"]]
    assert recalls == sorted(recalls, reverse=True)  # a higher threshold never finds more


def test_the_settings_page_shows_each_threshold_with_its_figures_and_marks_the_lists(
    supervisor: User, watchlist: Watchlist, client_for: Callable[[User], Client]
) -> None:
    row = next(r for r in written()["thresholds"] if round(r["threshold"], 2) == 0.85)
    html = (
        client_for(supervisor)
        .get(reverse("screening:watchlist_settings", args=[watchlist.pk]))
        .content.decode()
    )
    assert "What each threshold means" in html
    assert html.count('<th scope="row"') == len(written()["thresholds"])
    assert "0.85 (this list)" in html
    assert f"{100 * row['recall']:.1f}%" in html
    assert written()["command"] in html


def test_the_list_page_says_what_its_threshold_does(
    supervisor: User, watchlist: Watchlist, client_for: Callable[[User], Client]
) -> None:
    row = next(r for r in written()["thresholds"] if round(r["threshold"], 2) == 0.85)
    html = client_for(supervisor).get(reverse("screening:watchlist", args=[watchlist.pk])).content.decode()
    assert f"finds {100 * row['recall']:.1f}% of listed people" in html
    assert f"alerts on {row['alerts_random']:.1f} in 1,000 travellers who are not listed" in html


def test_without_the_figures_file_the_pages_still_work(
    supervisor: User,
    watchlist: Watchlist,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(figures_module, "FIGURES_FILE", tmp_path / "missing.json")
    threshold_figures.cache_clear()
    try:
        client = client_for(supervisor)
        settings_page = client.get(reverse("screening:watchlist_settings", args=[watchlist.pk]))
        assert settings_page.status_code == 200
        assert "What each threshold means" not in settings_page.content.decode()
        assert client.get(reverse("screening:watchlist", args=[watchlist.pk])).status_code == 200
    finally:
        threshold_figures.cache_clear()
