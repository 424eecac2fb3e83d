"""The demo shows passenger lists: a flight and a cruise call, each with a watchlist hit."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from caribclear.passengers.models import Carrier, TravelList
from caribclear.screening.models import Hit

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_flight_and_a_cruise_with_hits(django_capture_on_commit_callbacks: Any) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "ops@caribbean-airlines.demo" in printed and "manifest@islandcruises.demo" in printed
    flight = TravelList.objects.get(number="484")
    cruise = TravelList.objects.get(vessel_name="ISLAND DREAM")
    assert (flight.administration.code, cruise.administration.code) == ("BB", "AG")
    assert cruise.travellers.filter(role="crew").count() == 15
    for travel_list in (flight, cruise):
        assert travel_list.declaration_id is not None
        assert Hit.objects.filter(declaration_id=travel_list.declaration_id).exists(), travel_list
    counts = (Carrier.objects.count(), TravelList.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Carrier.objects.count(), TravelList.objects.count()) == counts
