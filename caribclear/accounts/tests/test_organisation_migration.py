"""Cargo filers and passenger carriers becoming profiles of one organisation keeps every record and every
user link: filers and carriers as they were before (an airline that files air cargo under its IATA code,
a forwarder, a cruise line with no cargo) are migrated forward, checked, taken back and checked again."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("accounts", "0006_partner_agencies"),
    ("cargo", "0003_party_name_any_case"),
    ("passengers", "0001_initial"),
]
AFTER = [
    ("accounts", "0007_organisations"),
    ("cargo", "0006_filer_profile_of_organisation"),
    ("passengers", "0004_carrier_profile_of_organisation"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_world(apps: Any) -> dict[str, Any]:
    User = apps.get_model("accounts", "User")
    Administration = apps.get_model("accounts", "Administration")
    Filer = apps.get_model("cargo", "Filer")
    FilerMember = apps.get_model("cargo", "FilerMember")
    Carrier = apps.get_model("passengers", "Carrier")
    TravelList = apps.get_model("passengers", "TravelList")

    def user(name: str) -> Any:
        return User.objects.create(username=name, email=f"{name}@example.org", role="operator")

    users = {name: user(name) for name in ("cargo_admin", "both", "cargo_clerk", "pax_only", "cruise")}
    antigua = Administration.objects.get(code="AG")
    airline_cargo = Filer.objects.create(
        name="Caribbean Airlines Cargo",
        trader_id="TT100045678",
        kind="carrier",
        carrier_code="bw",
        country="TT",
    )
    airline_cargo.administrations.set([antigua])
    FilerMember.objects.create(filer=airline_cargo, user=users["cargo_admin"], is_admin=True)
    FilerMember.objects.create(filer=airline_cargo, user=users["both"], is_admin=False)
    forwarder = Filer.objects.create(name="Quick Freight", trader_id="BB5550001", kind="forwarder")
    FilerMember.objects.create(filer=forwarder, user=users["cargo_clerk"], is_admin=True)
    airline = Carrier.objects.create(name="Caribbean Airlines", code="BW", kind="airline")
    airline.users.set([users["both"], users["pax_only"]])
    cruise = Carrier.objects.create(name="Island Cruises", code="ISL", kind="cruise")
    cruise.users.set([users["cruise"]])
    flight = TravelList.objects.create(
        reference="PL0000001",
        carrier=airline,
        match_key="BW|484|2027-01-01|TTPOS|BBBGI",
        number="484",
        departure_port_code="TTPOS",
        arrival_port_code="BBBGI",
        administration=Administration.objects.get(code="BB"),
        filed_at=timezone.now(),
    )
    return {
        "users": {name: u.pk for name, u in users.items()},
        "airline_cargo": airline_cargo.pk,
        "forwarder": forwarder.pk,
        "airline": airline.pk,
        "cruise": cruise.pk,
        "flight": flight.pk,
        "antigua": antigua.pk,
    }


def _members(apps: Any, organisation_id: int) -> set[tuple[int, bool]]:
    OrganisationMember = apps.get_model("accounts", "OrganisationMember")
    return set(
        OrganisationMember.objects.filter(organisation_id=organisation_id).values_list("user_id", "is_admin")
    )


@pytest.mark.django_db(transaction=True)
def test_filers_and_carriers_become_organisations_and_back_keeping_every_user() -> None:
    try:
        apps = _migrate(BEFORE)
        world = _old_world(apps)
        u = world["users"]

        apps = _migrate(AFTER)
        Filer = apps.get_model("cargo", "Filer")
        Carrier = apps.get_model("passengers", "Carrier")
        Organisation = apps.get_model("accounts", "Organisation")
        TravelList = apps.get_model("passengers", "TravelList")
        assert Organisation.objects.count() == 3  # the airline once, the forwarder, the cruise line

        # The airline files cargo and lists: one organisation, its cargo users and its list users together.
        airline_cargo = Filer.objects.get(pk=world["airline_cargo"])
        airline = Carrier.objects.get(pk=world["airline"])
        assert airline.organisation_id == airline_cargo.organisation_id
        organisation = Organisation.objects.get(pk=airline.organisation_id)
        assert (
            organisation.name,
            organisation.trader_id,
            organisation.carrier_code,
            organisation.country,
        ) == (
            "Caribbean Airlines Cargo",
            "TT100045678",
            "BW",
            "TT",
        )
        assert (organisation.files_cargo, organisation.files_passenger_lists) == (True, True)
        assert list(organisation.administrations.values_list("pk", flat=True)) == [world["antigua"]]
        assert _members(apps, organisation.pk) == {
            (u["cargo_admin"], True),
            (u["both"], False),
            (u["pax_only"], False),
        }
        forwarder = Filer.objects.get(pk=world["forwarder"])
        assert _members(apps, forwarder.organisation_id) == {(u["cargo_clerk"], True)}
        cruise = Carrier.objects.get(pk=world["cruise"])
        cruise_organisation = Organisation.objects.get(pk=cruise.organisation_id)
        assert (cruise_organisation.name, cruise_organisation.carrier_code) == ("Island Cruises", "ISL")
        assert (cruise_organisation.files_cargo, cruise_organisation.files_passenger_lists) == (False, True)
        # A carrier's users had no administrator: the first of them is one, so someone manages the others.
        assert _members(apps, cruise_organisation.pk) == {(u["cruise"], True)}
        assert TravelList.objects.get(pk=world["flight"]).carrier_id == world["airline"]

        apps = _migrate(BEFORE)
        Filer = apps.get_model("cargo", "Filer")
        FilerMember = apps.get_model("cargo", "FilerMember")
        Carrier = apps.get_model("passengers", "Carrier")
        TravelList = apps.get_model("passengers", "TravelList")
        airline_cargo = Filer.objects.get(pk=world["airline_cargo"])
        assert (
            airline_cargo.name,
            airline_cargo.trader_id,
            airline_cargo.carrier_code,
            airline_cargo.country,
        ) == (
            "Caribbean Airlines Cargo",
            "TT100045678",
            "BW",
            "TT",
        )
        assert list(airline_cargo.administrations.values_list("pk", flat=True)) == [world["antigua"]]
        # Every link of before is back; the organisation's one set of users stays together on both.
        assert set(FilerMember.objects.filter(filer=airline_cargo).values_list("user_id", "is_admin")) == {
            (u["cargo_admin"], True),
            (u["both"], False),
            (u["pax_only"], False),
        }
        assert set(
            FilerMember.objects.filter(filer_id=world["forwarder"]).values_list("user_id", "is_admin")
        ) == {(u["cargo_clerk"], True)}
        airline = Carrier.objects.get(pk=world["airline"])
        assert (airline.name, airline.code, airline.kind) == ("Caribbean Airlines Cargo", "BW", "airline")
        assert set(airline.users.values_list("pk", flat=True)) == {u["cargo_admin"], u["both"], u["pax_only"]}
        cruise = Carrier.objects.get(pk=world["cruise"])
        assert (cruise.name, cruise.code, set(cruise.users.values_list("pk", flat=True))) == (
            "Island Cruises",
            "ISL",
            {u["cruise"]},
        )
        assert TravelList.objects.get(pk=world["flight"]).carrier_id == world["airline"]
    finally:
        _migrate(_latest())
