"""The officials' risk API: a notification's lane and hits, reviews, lane changes, lookouts; 404s."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.risk.models import Assessment
from caribclear.risk.services import declaration_assess
from caribclear.screening.choices import SourceFormat
from caribclear.screening.models import Hit, Lookout
from caribclear.screening.services import declaration_screen, watchlist_create, watchlist_import
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: User) -> None:
        _token, raw = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/risk{path}")

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(
            f"/api/risk{path}",
            json.dumps(data),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )


@pytest.fixture
def hit_notification(ports: None, operator: User, tmp_path: Any) -> Notification:
    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date\nX-1,Marlon DACOSTA,1971-02-03\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="Regional wanted", source_format=SourceFormat.CSV, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    person = traveller(account=operator, surname="DaCosta", given_names="Marlon", born=dt.date(1971, 2, 3))
    notification = voyage(account=operator, people=[person])
    declaration_screen(declaration=declaration_of(notification))
    declaration_assess(declaration=declaration_of(notification))
    return notification


def test_official_reads_reviews_and_changes_the_lane(hit_notification: Notification, officer: User) -> None:
    api = Api(officer)
    response = api.get(f"/notifications/{hit_notification.reference}")
    assert response.status_code == 200
    body = response.json()
    # A hit not yet reviewed on a lookout file: at least yellow, and it holds the clearance.
    assert body["lane"] == "yellow" and body["hits"][0]["listed_name"] == "Marlon DACOSTA"
    assert body["hits_lane"] == "yellow" and body["open_hits"] == 1 and body["clearance_held"]
    hit_id = body["hits"][0]["id"]

    response = api.post(
        f"/hits/{hit_id}/disposition", {"disposition": "true_match", "note": "Confirmed at the dock"}
    )
    assert response.status_code == 200 and response.json()["disposition"] == "true_match"
    assert Hit.objects.get(pk=hit_id).disposed_by == officer

    body = api.get(f"/notifications/{hit_notification.reference}").json()
    # A true match is red and refers the notification to a supervisor, whose decision clearance waits for.
    assert body["lane"] == "red" and body["open_hits"] == 0 and body["referred_to_supervisor"]
    assert body["clearance_held"]

    response = api.post(f"/notifications/{hit_notification.reference}/lane", {"lane": "red", "reason": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = api.post(
        f"/notifications/{hit_notification.reference}/lane", {"lane": "yellow", "reason": "Known skipper"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "lane"
    assert Assessment.objects.get(declaration=hit_notification.declaration).override_reason == ""


def test_other_administrations_and_operators_get_404(
    hit_notification: Notification, operator: User, make_user: Callable[..., User], barbados: Administration
) -> None:
    outsider = Api(make_user(role=Role.OFFICER, administration=barbados))
    hit = Hit.objects.get(declaration=hit_notification.declaration)
    assert outsider.get(f"/notifications/{hit_notification.reference}").status_code == 404
    assert (
        outsider.post(
            f"/hits/{hit.pk}/disposition", {"disposition": "false_positive", "note": "x"}
        ).status_code
        == 404
    )
    assert Api(operator).get(f"/notifications/{hit_notification.reference}").status_code == 404


def test_lookouts_by_api(officer: User, make_user: Callable[..., User], barbados: Administration) -> None:
    api = Api(officer)
    response = api.post(
        "/lookouts",
        {
            "kind": "Person",
            "name": "Ivo GRANT",
            "reason": "Absconded",
            "birth_date": "1980",
            "sharing": "named",
            "shared_with": ["BB"],
        },
    )
    assert response.status_code == 201
    assert Lookout.objects.get().shared_with.get() == barbados
    bb = Api(make_user(role=Role.OFFICER, administration=barbados))
    jm = Api(make_user(role=Role.OFFICER, administration=Administration.objects.get(code="JM")))
    assert [lk["name"] for lk in bb.get("/lookouts").json()] == ["Ivo GRANT"]
    assert jm.get("/lookouts").json() == []
    bad = api.post("/lookouts", {"kind": "Person", "name": "X", "reason": "", "sharing": "all"})
    assert bad.status_code == 422
    vessel = {"kind": "Vessel", "name": "Night Heron", "reason": "Drug run", "imo_number": "IMO 9187620"}
    bad = api.post("/lookouts", vessel)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["imo_number"]
    assert api.post("/lookouts", vessel | {"imo_number": "IMO 9187629"}).status_code == 201
