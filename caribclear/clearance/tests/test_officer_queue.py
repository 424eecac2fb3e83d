"""The officer queue: each tab picks the right notifications relative to now; search, filters, pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_2

from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Kind, Status
from caribclear.clearance.models import Notification
from caribclear.clearance.officer_forms import QueueFilterForm
from caribclear.clearance.officer_selectors import QueueFilters, Tab, member_territories_other_than, queue
from caribclear.core.refs import ALPHABET, BODY_LENGTH, format_reference
from caribclear.reference.models import Port
from caribclear.vessels.models import Vessel

from .factories import notification_make, person_make, vessel_make

pytestmark = pytest.mark.django_db

A, D = Kind.ARRIVAL, Kind.DEPARTURE
SUB, CLR, REF, RFD, CAN = Status.SUBMITTED, Status.CLEARED, Status.REFERRED, Status.REFUSED, Status.CANCELLED


@pytest.fixture
def make(ports: None, operator: User) -> Callable[..., Notification]:
    """make(kind, status, hours_from_now, vessel=None, port="AGSJO", **fields)."""

    def build(
        kind: str, status: str, hours: float, vessel: Vessel | None = None, port: str = "AGSJO", **fields: Any
    ) -> Notification:
        return notification_make(
            account=operator,
            vessel=vessel or vessel_make(account=operator),
            port=port,
            kind=kind,
            status=status,
            expected_at=timezone.now() + dt.timedelta(hours=hours),
            **fields,
        )

    return build


def refs(officer: User, tab: str, **filters: Any) -> set[str]:
    return set(
        queue(user=officer, tab=tab, filters=QueueFilters(**filters)).values_list("reference", flat=True)
    )


def test_expected_arrivals_are_the_next_72_hours_and_late_undecided_ones(
    officer: User, make: Callable[..., Notification]
) -> None:
    included = [
        make(A, SUB, 10),
        make(A, Status.IN_PROGRESS, 71),
        make(A, REF, 1),
        make(A, SUB, -2),  # late but not yet decided
        make(A, CLR, 5),  # cleared in advance, not arrived yet
    ]
    excluded = [
        make(A, SUB, 80),  # beyond 72 hours
        make(A, SUB, -30),  # too late to be "expected"
        make(A, CLR, -1),  # arrived and cleared: in port
        make(D, SUB, 10),  # a departure
        make(A, CAN, 10),
        make(A, Status.DRAFT, 10),
        make(A, SUB, 10, port="BBBGI"),  # another member
    ]
    found = refs(officer, Tab.EXPECTED)
    assert {n.reference for n in included} <= found
    assert not {n.reference for n in excluded} & found
    # Soonest first.
    ordered = list(queue(user=officer, tab=Tab.EXPECTED, filters=QueueFilters()))
    assert ordered == sorted(ordered, key=lambda n: n.expected_at)


def test_in_port_is_a_cleared_arrival_without_a_cleared_departure_since(
    officer: User, operator: User, make: Callable[..., Notification]
) -> None:
    staying = make(A, CLR, -72)
    left = make(A, CLR, -120)
    make(D, CLR, -24, vessel=left.vessel)
    leaving_tomorrow = make(A, CLR, -120)
    make(D, SUB, 24, vessel=leaving_tomorrow.vessel)
    cleared_out_not_yet_gone = make(A, CLR, -120)
    make(D, CLR, 24, vessel=cleared_out_not_yet_gone.vessel)
    arrived_elsewhere = make(A, CLR, -240)
    make(A, CLR, -48, vessel=arrived_elsewhere.vessel, port="BBBGI")
    refused = make(A, RFD, -24)
    not_arrived = make(A, CLR, 5)
    departed_before = make(A, CLR, -24)
    make(D, CLR, -48, vessel=departed_before.vessel)  # an earlier stay's departure does not count

    found = refs(officer, Tab.IN_PORT)
    assert found == {
        staying.reference,
        leaving_tomorrow.reference,
        cleared_out_not_yet_gone.reference,
        departed_before.reference,
    }
    assert not {left.reference, arrived_elsewhere.reference, refused.reference, not_arrived.reference} & found


def test_en_route_is_a_cleared_departure_to_another_members_territory(
    officer: User, antigua: Any, make: Callable[..., Notification]
) -> None:
    to_barbados = make(D, CLR, -24, next_port="Bridgetown", next_port_country="BB")
    to_martinique = make(D, CLR, -24, next_port="Le Marin", next_port_country="MQ")  # cleared by France
    to_italy = make(D, CLR, -24, next_port_country="IT")  # not a member
    domestic = make(D, CLR, -24, next_port_country="AG")
    arrived = make(D, CLR, -72, next_port_country="BB")
    make(A, CLR, -24, vessel=arrived.vessel, port="BBBGI")
    long_ago = make(D, CLR, -24 * 20, next_port_country="BB")
    not_cleared = make(D, SUB, -24, next_port_country="BB")
    not_left = make(D, CLR, 5, next_port_country="BB")

    found = refs(officer, Tab.EN_ROUTE)
    assert found == {to_barbados.reference, to_martinique.reference}
    assert (
        not {
            to_italy.reference,
            domestic.reference,
            arrived.reference,
            long_ago.reference,
            not_cleared.reference,
            not_left.reference,
        }
        & found
    )
    territories = member_territories_other_than(antigua.code)
    assert "MQ" in territories and "BB" in territories and "AG" not in territories and "IT" not in territories


def test_overdue_is_a_late_departure_or_a_stay_past_its_filed_departure(
    officer: User, make: Callable[..., Notification]
) -> None:
    late_departure = make(D, SUB, -2)
    late_referred = make(D, REF, -30)
    on_time = make(D, SUB, 2)
    cleared_departure = make(D, CLR, -2)
    overstay = make(A, CLR, -24 * 5)
    overstay_departure = make(D, SUB, -24, vessel=overstay.vessel)
    overstay.paired_with = overstay_departure
    overstay.save()
    within_stay = make(A, CLR, -24 * 5)
    within_stay.paired_with = make(D, SUB, 48, vessel=within_stay.vessel)
    within_stay.save()
    abroad = make(D, SUB, -2, port="BBBGI")
    abandoned = make(D, SUB, -24 * 31)  # never cleared, a month ago: no longer work to do

    found = refs(officer, Tab.OVERDUE)
    assert found == {
        late_departure.reference,
        late_referred.reference,
        overstay.reference,
        overstay_departure.reference,
    }
    excluded = {on_time, cleared_departure, within_stay, abroad, abandoned}
    assert not {n.reference for n in excluded} & found


def test_all_tab_lists_everything_of_the_administration_but_drafts(
    officer: User, make: Callable[..., Notification]
) -> None:
    mine = [make(A, SUB, 1), make(D, CLR, -1000), make(A, CAN, 5)]
    draft = make(A, Status.DRAFT, 5)
    other = make(A, SUB, 5, port="BBBGI")
    found = refs(officer, Tab.ALL)
    assert found == {n.reference for n in mine}
    assert draft.reference not in found and other.reference not in found


def test_search_and_filters(officer: User, operator: User, make: Callable[..., Notification]) -> None:
    boat = vessel_make(
        account=operator,
        name="Wind Dancer",
        registration_number="GBR-777",
        mmsi="235000111",
        imo_number="9074729",
    )
    crew = person_make(
        account=operator, surname="Marlowe", given_names="Philippa", document_number="X1234567"
    )
    target = make(A, SUB, 10, vessel=boat, people=[crew])
    other = make(D, CLR, -24 * 10, people=[person_make(account=operator, surname="Quint")])

    assert refs(officer, Tab.ALL, reference=target.reference) == {target.reference}
    assert refs(officer, Tab.ALL, vessel="dancer") == {target.reference}
    assert refs(officer, Tab.ALL, vessel="gbr-777") == {target.reference}
    assert refs(officer, Tab.ALL, vessel="235000111") == {target.reference}
    assert refs(officer, Tab.ALL, vessel="IMO 9074729") == {target.reference}
    assert refs(officer, Tab.ALL, vessel="9074729") == {target.reference}
    assert refs(officer, Tab.ALL, person="marlowe") == {target.reference}
    assert refs(officer, Tab.ALL, person="Philippa Marlowe") == {target.reference}
    assert refs(officer, Tab.ALL, person="x1234567") == {target.reference}
    assert refs(officer, Tab.ALL, person="quint") == {other.reference}
    assert refs(officer, Tab.ALL, kind=D) == {other.reference}
    assert refs(officer, Tab.ALL, status=SUB) == {target.reference}
    today = timezone.localdate()
    assert refs(
        officer, Tab.ALL, date_from=today - dt.timedelta(days=11), date_to=today - dt.timedelta(days=9)
    ) == {other.reference}
    assert refs(officer, Tab.ALL, date_from=today) == {target.reference}
    port = Port.objects.get(locode="AGSJO")
    assert refs(officer, Tab.ALL, port_id=port.pk) == {target.reference, other.reference}


def test_queue_page_normalises_a_typed_reference(
    officer: User, client_for: Callable[[User], Any], make: Callable[..., Notification]
) -> None:
    target = make(A, SUB, 10)
    make(A, SUB, 11)
    typed = target.reference.replace("-", " ").lower()
    response = client_for(officer).get(reverse("officer:queue"), {"tab": "all", "reference": typed})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [target]


def test_queue_page_shows_an_invalid_reference_as_a_field_error(
    officer: User, client_for: Callable[[User], Any], make: Callable[..., Notification]
) -> None:
    target = make(A, SUB, 10)
    wrong = target.reference[:-1] + ("A" if target.reference[-1] != "A" else "C")
    response = client_for(officer).get(reverse("officer:queue"), {"tab": "all", "reference": wrong})
    assert response.status_code == 200
    assert "This is not a valid reference" in response.content.decode()
    assert list(response.context["page"].object_list) == []
    # What the officer typed stays in the box.
    assert f'value="{wrong}"' in response.content.decode()


def test_queue_page_is_paginated(
    officer: User, client_for: Callable[[User], Any], make: Callable[..., Notification]
) -> None:
    for hours in range(55):
        make(A, SUB, -hours - 100)
    client = client_for(officer)
    first = client.get(reverse("officer:queue"), {"tab": "all"})
    assert len(first.context["page"].object_list) == 50
    assert "page=2" in first.content.decode()
    second = client.get(reverse("officer:queue"), {"tab": "all", "page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("tab", [Tab.EXPECTED, Tab.IN_PORT, Tab.EN_ROUTE, Tab.OVERDUE, Tab.ALL])
def test_queue_query_count_does_not_grow_with_rows(
    tab: str,
    officer: User,
    operator: User,
    client_for: Callable[[User], Any],
    make: Callable[..., Notification],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(officer)
    client.get(reverse("officer:queue"), {"tab": tab})  # warm the session
    for i in range(12):
        vessel = vessel_make(account=operator)
        arrival = make(A, CLR, -100 - i, vessel=vessel, people=[person_make(account=operator)])
        departure = make(D, SUB, -2 - i, vessel=vessel, next_port_country="BB")
        arrival.paired_with = departure
        arrival.save()
        make(D, CLR, -5 - i, next_port_country="BB")
        make(A, SUB, 3 + i)
    # The search is posted and kept in the session; its page is the redirect's (core/searches.py).
    searched = client.post(reverse("officer:queue"), {"tab": tab, "vessel": "sea", "person": "sailor"})
    assert searched.status_code == 302
    with django_assert_max_num_queries(9):  # + the matching vessels' ids, read first
        response = client.get(searched["Location"])
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("officer:queue"), {"tab": tab})
    assert response.context["page"].paginator.count > 0


def test_operators_and_anonymous_users_do_not_get_the_queue(
    operator: User, client_for: Callable[[User], Any], client: Any
) -> None:
    assert client_for(operator).get(reverse("officer:queue")).status_code == 404
    assert client.get(reverse("officer:queue")).status_code == 302


@given(
    body=st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH),
    separators=st.lists(
        st.sampled_from(["", " ", "-", "  "]), min_size=BODY_LENGTH + 1, max_size=BODY_LENGTH + 1
    ),
    lower=st.booleans(),
)
def test_the_reference_box_accepts_any_spacing_and_case(
    body: str, separators: list[str], lower: bool
) -> None:
    check = mod_37_2.calc_check_digit(body)
    assume(check != "*")
    reference = format_reference(body + check)
    compact = reference.replace("-", "")
    typed = "".join(sep + ch for sep, ch in zip(separators, compact, strict=True))
    typed = typed.lower() if lower else typed
    form = QueueFilterForm({"reference": typed}, administration=Administration.objects.get(code="AG"))
    assert form.is_valid(), form.errors
    assert form.to_filters().reference == reference


@given(
    body=st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH), position=st.integers(0, 7)
)
def test_the_reference_box_rejects_one_wrong_character(body: str, position: int) -> None:
    compact = body + mod_37_2.calc_check_digit(body)
    assume("*" not in compact)
    wrong = compact[:position] + ("2" if compact[position] != "2" else "3") + compact[position + 1 :]
    form = QueueFilterForm({"reference": wrong}, administration=Administration.objects.get(code="AG"))
    assert not form.is_valid()
    assert "reference" in form.errors


def test_the_port_filter_offers_only_the_administrations_ports(
    officer: User, client_for: Callable[[User], Any], ports: None
) -> None:
    response = client_for(officer).get(reverse("officer:queue"))
    ports_offered = set(response.context["form"].fields["port"].queryset.values_list("locode", flat=True))
    assert ports_offered and all(locode.startswith("AG") for locode in ports_offered)
    barbados_port = Port.objects.get(locode="BBBGI")
    response = client_for(officer).get(reverse("officer:queue"), {"tab": "all", "port": barbados_port.pk})
    assert "port" in response.context["form"].errors
    assert list(response.context["page"].object_list) == []


def test_a_busy_tab_says_more_than_the_cap_instead_of_counting_everything(
    officer: User,
    client_for: Callable[[User], Any],
    make: Callable[..., Notification],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from caribclear.clearance.officer_views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 5)
    for i in range(7):
        make(A, SUB, 1 + i)
    html = client_for(officer).get(reverse("officer:queue"), {"tab": "expected"}).content.decode()
    assert "More than 5 notifications" in html
    monkeypatch.setattr(CappedPaginator, "CAP", 10)
    html = client_for(officer).get(reverse("officer:queue"), {"tab": "expected"}).content.decode()
    assert "7 notifications" in html


def test_a_tabs_count_is_kept_for_a_while_but_the_list_is_live(
    officer: User,
    client_for: Callable[[User], Any],
    make: Callable[..., Notification],
    settings: Any,
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.QUEUE_COUNT_CACHE_SECONDS = 60
    make(A, SUB, 1)
    client = client_for(officer)
    assert client.get(reverse("officer:queue"), {"tab": "expected"}).context["page"].paginator.count == 1
    newer = make(A, SUB, 2)
    page = client.get(reverse("officer:queue"), {"tab": "expected"}).context["page"]
    assert page.paginator.count == 1  # the kept count
    assert newer in page.object_list  # the list itself is live
    cache.clear()
