"""Expected share per lane (ASYCUDA's expected rates): a supervisor sets them per kind of declaration, the
hit-rates page compares them with what really happened and says when the difference is more than chance."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.models import AuditEvent
from caribclear.risk.choices import Lane
from caribclear.risk.models import ExpectedRate
from caribclear.risk.selectors import dashboard_for
from caribclear.risk.services import declaration_assess, expected_rate_set
from caribclear.screening.tests.helpers import traveller, voyage

pytestmark = pytest.mark.django_db

YACHTS = "clearance.notification"


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


@pytest.fixture
def assessed(ports: None, operator: User) -> None:
    """Four Antigua notifications assessed without any criterion: all four green."""
    for _i in range(4):
        notification = voyage(
            account=operator, people=[traveller(account=operator, surname="Nobody", given_names="Neil")]
        )
        declaration_assess(declaration=declaration_of(notification))


def test_a_supervisor_sets_and_removes_an_expected_share_and_it_is_audited(supervisor: User) -> None:
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=Decimal("5"))
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=Decimal("7.5"))
    assert ExpectedRate.objects.get().rate == Decimal("7.5")
    assert expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=None) is None
    assert not ExpectedRate.objects.exists()
    events = AuditEvent.objects.filter(action="risk.expected_rate_set").order_by("pk")
    assert [e.data["rate"] for e in events] == ["5", "7.5", None]
    assert events[1].data["before"] == "5.0"


def test_the_shares_of_one_kind_add_up_to_at_most_100(supervisor: User) -> None:
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.GREEN, rate=Decimal("90"))
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=Decimal("10"))
    with pytest.raises(ValidationError) as error:
        expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.YELLOW, rate=Decimal("0.5"))
    assert "at most 0" in str(error.value.message_dict["rate"])
    # Changing a lane's own share counts the others only.
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=Decimal("8"))
    with pytest.raises(ValidationError) as error:
        expected_rate_set(actor=supervisor, kind="no.such.kind", lane=Lane.RED, rate=Decimal("1"))
    assert "kind" in error.value.message_dict


def test_only_a_supervisor_sets_them(officer: User) -> None:
    with pytest.raises(PermissionDenied):
        expected_rate_set(actor=officer, kind=YACHTS, lane=Lane.RED, rate=Decimal("5"))


def test_the_dashboard_says_when_a_lane_is_off_its_expectation_by_more_than_chance(
    assessed: None, supervisor: User, officer: User, make_user: Callable[..., User], barbados: Administration
) -> None:
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.GREEN, rate=Decimal("40"))
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.RED, rate=Decimal("50"))
    expected_rate_set(actor=supervisor, kind=YACHTS, lane=Lane.YELLOW, rate=Decimal("10"))
    today = timezone.localdate()
    [yachts] = dashboard_for(officer, start=today, end=today).lane_shares
    lanes = {share.lane: share for share in yachts.lanes}
    assert yachts.total == 4 and lanes[Lane.GREEN].count == 4
    # Four of four green: the 95 % range of the real share is about 51-100 %, so 40 % expected is too few.
    low, high = lanes[Lane.GREEN].interval_percent  # type: ignore[misc]
    assert 50 < low < 52 and high == 100
    assert lanes[Lane.GREEN].verdict == "above"
    assert lanes[Lane.RED].verdict == "below"
    # Four declarations cannot tell 10 % from none.
    assert lanes[Lane.YELLOW].verdict == "as_expected"
    assert lanes[Lane.BLUE].verdict == ""
    # Another administration sees neither the declarations nor the expectations.
    other = make_user(role=Role.OFFICER, administration=barbados, email="bb@example.org")
    assert dashboard_for(other, start=today, end=today).lane_shares == []


def test_the_page_sets_a_share_and_keeps_what_was_typed_when_it_is_refused(
    assessed: None, supervisor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(supervisor)
    page = reverse("risk:random_selection")
    form = {"form": "expected", "expected-kind": YACHTS, "expected-lane": "red", "expected-rate": "60"}
    assert client.post(page, form).status_code == 302
    refused = client.post(page, {**form, "expected-lane": "green", "expected-rate": "45.5"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "The other lanes already expect 60.0% of these declarations" in html
    assert 'value="45.5"' in html
    dashboard = client.get(reverse("risk:dashboard")).content.decode()
    assert "fewer than expected" in dashboard and "60.0%" in dashboard
    # The random-selection form on the same page still works on its own.
    random = {"from_lane": "green", "to_lane": "yellow", "rate": "5", "is_active": "on"}
    assert client.post(page, random).status_code == 302
    assert "5.0%" in client.get(page).content.decode()
