"""Demo advance passenger information: an airline (one organisation that files passenger lists and air
cargo, with one set of users) and a cruise line, a flight to Barbados and a cruise call
in Antigua with their lists (filed as PAXLST through the real reader and services), a hit, a criterion, an
earlier flight for a traveller's history, and a Barbados supervisor who approves unmasking."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from collections.abc import Callable

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import organisation_create
from caribclear.cargo.choices import FilerKind
from caribclear.cargo.services import filer_create
from caribclear.passengers.models import Carrier, TravelList
from caribclear.passengers.services import carrier_create, passenger_list_import
from caribclear.risk.choices import Lane
from caribclear.risk.services import criterion_create
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.services import lookout_create

AIRLINE_EMAIL = "ops@caribbean-airlines.demo"
CRUISE_EMAIL = "manifest@islandcruises.demo"
SUPERVISOR_EMAIL = "supervisor@barbados.demo"

# surname, given names, gender, born, nationality (alpha-3), passport, expiry, locator
FLIGHT_PEOPLE = [
    ("OKAFOR", "DANIEL", "M", "19880930", "GBR", "533401872", "20310630", "KX4P2M"),
    ("RAMPERSAD", "PRIYA", "F", "19910317", "TTO", "TA0981236", "20290112", "QH7Y2Z"),
    ("RAMPERSAD", "ARJUN", "M", "20150822", "TTO", "TA0981237", "20270822", "QH7Y2Z"),
    ("BAPTISTE", "JEAN-LUC", "M", "19770104", "LCA", "LC4471902", "20300401", "RR9T1A"),
    ("WILLIAMS", "SHANICE", "F", "20080611", "BRB", "BB7812004", "20260101", "MM3K8Q"),
    ("GONZALEZ", "MARIA JOSE", "F", "19850228", "VEN", "158223901", "20281130", "ZP2W6C"),
    ("CHEN", "WEI", "M", "19820719", "CHN", "E88214590", "20320305", "YT5N4B"),
    ("SMITH", "JOHN ROBERT", "M", "19650912", "USA", "548102937", "20330718", "LD8F3H"),
]
FIRST = ["JAMES", "MARY", "ROBERT", "PATRICIA", "MICHAEL", "LINDA", "DAVID", "ELIZABETH", "ANDRE", "KEISHA"]
LAST = ["BROWN", "JOHNSON", "GARCIA", "MILLER", "DAVIS", "MARTIN", "THOMPSON", "WHITE", "HARRIS", "CLARKE"]
COUNTRIES = ["USA", "CAN", "GBR", "DEU", "NLD", "FRA"]


def _paxlst(
    *,
    reference: str,
    carrier: str,
    departure: str,
    departs: dt.datetime,
    arrival: str,
    arrives: dt.datetime,
    people: list[tuple[str, str, str, str, str, str, str, str]],
    crew: list[tuple[str, str, str, str, str, str, str, str]] = (),  # type: ignore[assignment]
    vessel: tuple[str, str] | None = None,
    control: str = "1",
) -> bytes:
    """A PAXLST D05B interchange as a departure control system sends it (local times at each port)."""
    tdt = f"TDT+20+{reference}+++{carrier}"
    if vessel is not None:
        tdt = f"TDT+20+{reference}+1++{carrier}:172:20+++{vessel[0]}:146:11:{vessel[1]}"
    segments = [
        f"UNH+1+PAXLST:D:05B:UN:IATA+{reference}/{departs:%y%m%d}+01:F",
        "BGM+745",
        f"NAD+MS+++{carrier} OPERATIONS",
        tdt,
        f"LOC+125+{departure}",
        f"DTM+189:{departs:%y%m%d%H%M}:201",
        f"LOC+87+{arrival}",
        f"DTM+232:{arrives:%y%m%d%H%M}:201",
    ]
    for role, rows in (("FL", people), ("FM", crew)):
        for surname, given, gender, born, nationality, number, expiry, locator in rows:
            segments += [
                f"NAD+{role}+++{surname}:{given}",
                f"ATT+2++{gender}",
                f"DTM+329:{born}",
                f"NAT+2+{nationality}",
            ]
            if locator:
                segments.append(f"RFF+AVF:{locator}")
            segments += [f"DOC+P:110:111+{number}", f"DTM+36:{expiry}", f"LOC+91+{nationality}"]
    segments += [f"CNT+42:{len(people)}", f"CNT+41:{len(crew)}"]
    segments.append(f"UNT+{len(segments) + 1}+1")
    body = "'\n".join(segments) + "'\n"
    return (
        f"UNA:+.? '\nUNB+UNOA:4+{carrier}DCS:ZZ+CARIBCLEAR:ZZ+{timezone.now():%y%m%d:%H%M}+{control}'\n"
        + body
        + f"UNZ+1+{control}'\n"
    ).encode()


def _cruise_people(count: int, *, crew: bool) -> list[tuple[str, str, str, str, str, str, str, str]]:
    rows = []
    for i in range(count):
        nationality = "PHL" if crew and i % 2 else COUNTRIES[i % len(COUNTRIES)]
        rows.append(
            (
                LAST[(i * 7) % len(LAST)],
                FIRST[(i * 3) % len(FIRST)],
                "F" if i % 2 else "M",
                f"{1950 + (i * 13) % 55}{1 + i % 12:02d}{1 + (i * 5) % 28:02d}",
                nationality,
                f"{'C' if crew else 'P'}{740000 + i:07d}",
                "20320101",
                "" if crew else f"IC{1000 + i // 2}",
            )
        )
    return rows


def _port_local(port_offset_hours: int, when: dt.datetime) -> dt.datetime:
    return (when + dt.timedelta(hours=port_offset_hours)).replace(tzinfo=None)


def seed_passengers_demo(
    *, officials: list[User], totp_key: Callable[[str], bytes], password: str, write: Callable[[str], None]
) -> None:
    """Idempotent: does nothing once the airline exists."""
    if Carrier.objects.filter(organisation__carrier_code="BW").exists():
        _print(write, totp_key)
        return

    def user(email: str, first: str, last: str, role: str, **extra: object) -> User:
        account = User(
            username=email,
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            email_confirmed_at=timezone.now(),
            **extra,
        )
        account.set_password(password)
        account.save()
        return account

    airline_ops = user(AIRLINE_EMAIL, "Kerry-Ann", "Mohammed", Role.OPERATOR)
    cruise_ops = user(CRUISE_EMAIL, "Luis", "Ortega", Role.OPERATOR)
    barbados = Administration.objects.get(code="BB")
    supervisor = user(
        SUPERVISOR_EMAIL, "Carla", "Worrell", Role.SUPERVISOR, administration=barbados, agency=Agency.CUSTOMS
    )
    TOTPDevice.objects.create(
        user=supervisor, name="Demo authenticator", confirmed=True, key=totp_key(SUPERVISOR_EMAIL).hex()
    )
    # One organisation, one set of users: the airline files its passenger lists and its air cargo.
    airline_organisation = organisation_create(
        actor=None,
        name="Caribbean Airlines",
        administrator=airline_ops,
        trader_id="TT100045678",
        carrier_code="BW",
        country="TT",
        administrations=Administration.objects.filter(code__in=["BB", "AG"]),
    )
    airline = carrier_create(actor=None, kind="airline", organisation=airline_organisation)
    filer_create(actor=None, kind=FilerKind.CARRIER, organisation=airline_organisation)
    cruise = carrier_create(
        actor=None, kind="cruise", name="Island Cruises", code="ISL", administrator=cruise_ops
    )

    criterion_create(
        actor=supervisor,
        kind="passengers.list",
        name="Travel document expired on arrival",
        lane=Lane.YELLOW,
        weight=20,
        documentation="Check the traveller's documents at the gate; inform immigration.",
        conditions=[{"field": "document_expired", "operator": "is_yes", "values": []}],
    )

    antigua = next(o for o in officials if o.email == "supervisor@antigua.demo")
    lookout_create(
        actor=antigua,
        kind=LookoutKind.PERSON,
        name="Maria Jose Gonzalez",
        birth_date="1985-02-28",
        nationalities=["VE"],
        document_numbers="158223901",
        reason="Demo: suspected courier for a cash smuggling network (fictitious).",
        sharing=Sharing.OWN,
        source="Demo data",
    )

    now = timezone.now()
    # An earlier flight, a month ago: Okafor's travel history in Barbados.
    earlier = _paxlst(
        reference="BW482",
        carrier="BW",
        departure="POS",
        departs=_port_local(-4, now - dt.timedelta(days=30)),
        arrival="BGI",
        arrives=_port_local(-4, now - dt.timedelta(days=30, hours=-1)),
        people=FLIGHT_PEOPLE[:1],
        control="40",
    )
    # Tonight's flight: Port of Spain to Bridgetown, with Okafor (the regional lookout) and an expired passport.
    departs = now + dt.timedelta(hours=4)
    flight = _paxlst(
        reference="BW484",
        carrier="BW",
        departure="POS",
        departs=_port_local(-4, departs),
        arrival="BGI",
        arrives=_port_local(-4, departs + dt.timedelta(hours=1)),
        people=FLIGHT_PEOPLE,
        crew=[("CAMPBELL", "NICOLE", "F", "19840503", "TTO", "TA5512300", "20310909", "")],
        control="41",
    )
    # The cruise call: Nassau to St. John's, tomorrow, 60 passengers and 15 crew.
    sails = now + dt.timedelta(hours=20)
    voyage = _paxlst(
        reference="IDR2612",
        carrier="ISL",
        departure="BSNAS",
        departs=_port_local(-5, sails),
        arrival="AGSJO",
        arrives=_port_local(-4, sails + dt.timedelta(hours=30)),
        people=[*_cruise_people(60, crew=False), FLIGHT_PEOPLE[5]],
        crew=_cruise_people(15, crew=True),
        vessel=("9321483", "ISLAND DREAM"),
        control="7",
    )
    for actor, carrier, data in (
        (airline_ops, airline, earlier),
        (airline_ops, airline, flight),
        (cruise_ops, cruise, voyage),
    ):
        outcome = passenger_list_import(actor=actor, data=data, carrier=carrier)
        assert outcome.ok, outcome.to_json()
    old = TravelList.objects.filter(carrier=airline, number="482")
    old.update(arrival_at=now - dt.timedelta(days=30), departure_at=now - dt.timedelta(days=30, hours=1))
    _print(write, totp_key)


def _print(write: Callable[[str], None], totp_key: Callable[[str], bytes]) -> None:
    write(
        "Passenger lists (APIS): flight BW 484 Port of Spain -> Bridgetown (a lookout hit), cruise ISLAND DREAM"
    )
    write("  Nassau -> St. John's. Officers: Passenger lists in the menu.")
    write(f"  airline (Caribbean Airlines)  {AIRLINE_EMAIL} (files passenger lists and air cargo)")
    write(f"  cruise line (Island Cruises)  {CRUISE_EMAIL}")
    key = b32encode(totp_key(SUPERVISOR_EMAIL)).decode().rstrip("=")
    write(f"  supervisor customs BB  {SUPERVISOR_EMAIL} (approves unmasking) authenticator key {key}")
