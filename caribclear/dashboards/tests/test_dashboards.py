"""Dashboards and the threat assessment count only what the reader may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.tests.factories import declaration_of, notification_make, vessel_make
from caribclear.intel.choices import ReadVia, Tlp
from caribclear.intel.models import AccessLog
from caribclear.intel.tests.factories import seizure_make

from ..charts import bar_chart, column_chart
from ..selectors import Period, seizure_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(
    make_user: Callable[..., User], antigua: Administration, barbados: Administration
) -> dict[str, User]:
    kitts = Administration.objects.get(code="KN")
    return {
        "ag": make_user(role=Role.SUPERVISOR, administration=antigua),
        "bb": make_user(role=Role.OFFICER, administration=barbados),
        "kn": make_user(role=Role.OFFICER, administration=kitts),
    }


@pytest.fixture
def seizures(ports: None, people: dict[str, User], barbados: Administration) -> None:
    ag = people["ag"]
    seizure_make(actor=ag, tlp=Tlp.AMBER, released_to=[barbados], commodity="drugs")
    seizure_make(
        actor=ag,
        tlp=Tlp.AMBER,
        released_to=[barbados],
        commodity="firearms",
        description="rifles",
        route_origin="US",
        route_destination="JM",
        concealment_method="luggage",
    )
    seizure_make(actor=ag, tlp=Tlp.GREEN, commodity="tobacco", description="cigarettes")
    seizure_make(actor=ag, tlp=Tlp.AMBER, commodity="currency", description="USD cash")  # owner only


def test_aggregates_never_count_invisible_records(seizures: None, people: dict[str, User]) -> None:
    period = Period.last_year()
    assert seizure_summary(user=people["ag"], period=period).total == 4
    assert seizure_summary(user=people["bb"], period=period).total == 3
    kn = seizure_summary(user=people["kn"], period=period)
    assert kn.total == 1 and [r["commodity"] for r in kn.by_commodity] == ["tobacco"]


def test_dashboard_page_filters_and_charts(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(people["bb"])
    page = client.get(reverse("dashboards:home"))
    html = page.content.decode()
    assert page.context["summary"].total == 3
    assert (
        "<svg" in html
        and "Firearms and ammunition" in html
        and "Currency" not in html.split("by-commodity")[1]
    )
    filtered = client.get(reverse("dashboards:home"), {"commodity": "firearms"})
    assert filtered.context["summary"].total == 1
    assert filtered.context["summary"].top_routes[0]["route_origin"] == "US"
    old = client.get(reverse("dashboards:home"), {"date_from": "2001-01-01", "date_to": "2001-12-31"})
    assert old.context["summary"].total == 0
    members = client.get(reverse("dashboards:home"), {"members": ["BB"]})
    assert members.context["summary"].total == 0  # all seizures were at St. John's (Antigua)
    invalid = client.get(reverse("dashboards:home"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert "before its start" in invalid.content.decode()


def test_clearance_volumes_per_member(
    ports: None, operator: User, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    vessel = vessel_make(account=operator)
    soon = timezone.now() - dt.timedelta(days=2)
    notification_make(account=operator, vessel=vessel, port="AGSJO", status=Status.CLEARED, expected_at=soon)
    notification_make(
        account=operator, vessel=vessel, port="BBBGI", status=Status.SUBMITTED, expected_at=soon
    )
    notification_make(account=operator, vessel=vessel, port="BBBGI", status=Status.DRAFT, expected_at=soon)
    page = client_for(people["kn"]).get(reverse("dashboards:home"))
    assert sorted((r["administration__code"], r["count"]) for r in page.context["volumes"]["by_member"]) == [
        ("AG", 1),
        ("BB", 1),
    ]


def test_hit_rates_come_from_the_risk_engine_for_the_readers_administration(
    ports: None,
    people: dict[str, User],
    client_for: Callable[[User], Client],
    operator: User,
) -> None:
    from caribclear.risk.services import criterion_create, declaration_check

    criterion_create(
        actor=people["ag"],
        kind="clearance.notification",
        name="Charter vessels",
        documentation="Charters pay a cruising permit.",
        conditions=[{"field": "is_charter", "operator": "is_yes", "values": []}],
        lane="yellow",
    )
    vessel = vessel_make(account=operator)
    soon = timezone.now() + dt.timedelta(days=1)
    for charter in (True, False, False):
        notification = notification_make(
            account=operator, vessel=vessel, port="AGSJO", expected_at=soon, is_charter=charter
        )
        declaration_check(declaration_id=declaration_of(notification).pk)

    page = client_for(people["ag"]).get(reverse("dashboards:home"))
    row = next(r for r in page.context["hit_rates"].criteria if r.label.startswith("Charter vessels"))
    assert (row.assessed, row.fired) == (3, 1)
    assert "Charter vessels" in page.content.decode()
    # Another member's official sees their own administration's figures, not Antigua's criteria.
    other = client_for(people["bb"]).get(reverse("dashboards:home"))
    assert "Charter vessels" not in other.content.decode()


def test_threat_assessment_exports_only_visible_records_and_logs_them(
    seizures: None, people: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(people["kn"])
    assert client.get(reverse("dashboards:threat_assessment")).status_code == 200
    csv_text = client.get(reverse("dashboards:threat_assessment"), {"format": "csv"}).content.decode()
    assert "Tobacco" in csv_text and "Drugs" not in csv_text and "Firearms" not in csv_text
    assert "Moreau" not in csv_text
    pdf = client.get(reverse("dashboards:threat_assessment"), {"format": "pdf", "commodity": "tobacco"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    logs = AccessLog.objects.filter(user_id=people["kn"].pk)
    assert logs.count() == 2 and set(logs.values_list("via", flat=True)) == {ReadVia.REPORT}


def test_charts_escape_labels_and_scale() -> None:
    svg = str(bar_chart([("<script>", 10), ("b", 5)], title="T"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert str(bar_chart([], title="T")) == ""
    assert svg.count("<rect") == 2
    assert str(column_chart([("2026-01", 1), ("2026-02", 0)], title="M")).count("<rect") == 2


def test_the_postgresql_single_scan_agrees_with_the_portable_queries(
    seizures: None, people: dict[str, User]
) -> None:
    from django.db import connection

    from ..selectors import _summary_grouping_sets, _summary_orm, seizures_in

    if connection.vendor != "postgresql":
        pytest.skip("GROUPING SETS path is PostgreSQL only")
    for user in people.values():
        qs = seizures_in(user=user, period=Period.last_year())
        assert _summary_grouping_sets(qs, top=10) == _summary_orm(qs, top=10)
