"""What the passenger list readers return (plain dataclasses; the passengers app maps them to models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from caribclear.edifact.model import Interchange, Issue, Where


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(slots=True)
class Leg:
    """One leg of a flight or voyage; times are local at the port, as the carrier sends them."""

    departure_port: str = ""
    departure_local: datetime | None = None
    arrival_port: str = ""
    arrival_local: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "departure_port": self.departure_port,
            "departure_local": _iso(self.departure_local),
            "arrival_port": self.arrival_port,
            "arrival_local": _iso(self.arrival_local),
        }


def flight_number(carrier: str, typed: str) -> str:
    """A flight's number as the platform keeps it: without its carrier's designator, as a PAXLST's TDT is
    read ("BW484" or "BW 484" sent by Caribbean Airlines, BW, is its flight 484), so that a list filed one
    way and check-ins sent the other are one flight; any other number or a voyage as sent."""
    number = typed.strip().upper().replace(" ", "")
    code = carrier.strip().upper()
    if code and number.startswith(code) and number[len(code) :][:1].isdigit():
        return number[len(code) :]
    return typed.strip()


@dataclass(slots=True)
class Flight:
    """A flight or a voyage: carrier, number, legs (several for a progressive flight)."""

    carrier: str = ""
    number: str = ""
    conveyance_reference: str = ""  # as sent (TDT 2, e.g. "A92707")
    vessel_name: str = ""
    vessel_id: str = ""  # IMO number or call sign of a ship (TDT 8)
    legs: list[Leg] = field(default_factory=list)

    @property
    def departure_port(self) -> str:
        return next((leg.departure_port for leg in self.legs if leg.departure_port), "")

    @property
    def departure_local(self) -> datetime | None:
        return next((leg.departure_local for leg in self.legs if leg.departure_local), None)

    @property
    def arrival_port(self) -> str:
        return next((leg.arrival_port for leg in reversed(self.legs) if leg.arrival_port), "")

    @property
    def arrival_local(self) -> datetime | None:
        return next((leg.arrival_local for leg in reversed(self.legs) if leg.arrival_local), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "number": self.number,
            "conveyance_reference": self.conveyance_reference,
            "vessel_name": self.vessel_name,
            "vessel_id": self.vessel_id,
            "departure_port": self.departure_port,
            "departure_local": _iso(self.departure_local),
            "arrival_port": self.arrival_port,
            "arrival_local": _iso(self.arrival_local),
            "legs": [leg.to_json() for leg in self.legs],
        }


@dataclass(slots=True)
class TravelDocument:
    type: str = ""  # P passport, I identity card, V visa, C resident card, A/AC crew certificate...
    number: str = ""
    issuing_state: str = ""
    expiry: date | None = None
    issued: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "number": self.number,
            "issuing_state": self.issuing_state,
            "expiry": _iso(self.expiry),
            "issued": _iso(self.issued),
        }


@dataclass(slots=True)
class Person:
    """A passenger or crew member as listed."""

    role: str  # "passenger" or "crew"
    surname: str = ""
    given_names: str = ""
    gender: str = ""  # M, F, X or U as sent
    date_of_birth: date | None = None
    nationality: str = ""
    documents: list[TravelDocument] = field(default_factory=list)
    place_of_birth: str = ""
    country_of_residence: str = ""
    address: str = ""
    reservation_locator: str = ""
    seat: str = ""
    bags: int | None = None
    bag_tags: list[str] = field(default_factory=list)
    in_transit: bool = False
    embarkation: str = ""
    debarkation: str = ""
    final_destination: str = ""
    crew_function: str = ""
    references: dict[str, str] = field(default_factory=dict)
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "surname": self.surname,
            "given_names": self.given_names,
            "gender": self.gender,
            "date_of_birth": _iso(self.date_of_birth),
            "nationality": self.nationality,
            "documents": [d.to_json() for d in self.documents],
            "place_of_birth": self.place_of_birth,
            "country_of_residence": self.country_of_residence,
            "address": self.address,
            "reservation_locator": self.reservation_locator,
            "seat": self.seat,
            "bags": self.bags,
            "bag_tags": self.bag_tags,
            "in_transit": self.in_transit,
            "embarkation": self.embarkation,
            "debarkation": self.debarkation,
            "final_destination": self.final_destination,
            "crew_function": self.crew_function,
            "where": self.where.to_json(),
        }


@dataclass(slots=True)
class PassengerList:
    """One list (one PAXLST message, or one flight of a CSV/XLSX file)."""

    reference: str = ""
    message_type: str = "PAXLST"
    directory: str = ""  # D05B...
    document_code: str = ""  # BGM 1001: 745 passenger list, 250 crew list...
    document_id: str = ""
    function: str = ""
    common_access_reference: str = ""
    sender_name: str = ""  # NAD+MS
    flight: Flight = field(default_factory=Flight)
    people: list[Person] = field(default_factory=list)
    declared_passengers: int | None = None  # CNT+42
    declared_crew: int | None = None  # CNT+41
    where: Where = field(default_factory=Where)

    @property
    def passengers(self) -> int:
        return sum(1 for p in self.people if p.role == "passenger")

    @property
    def crew(self) -> int:
        return sum(1 for p in self.people if p.role == "crew")

    def to_json(self, *, people: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reference": self.reference,
            "message_type": self.message_type,
            "directory": self.directory,
            "document_code": self.document_code,
            "document_id": self.document_id,
            "function": self.function,
            "common_access_reference": self.common_access_reference,
            "sender_name": self.sender_name,
            "flight": self.flight.to_json(),
            "passengers": self.passengers,
            "crew": self.crew,
            "declared_passengers": self.declared_passengers,
            "declared_crew": self.declared_crew,
            "where": self.where.to_json(),
        }
        if people:
            data["people"] = [p.to_json() for p in self.people]
        return data


@dataclass(slots=True)
class PassengerListResult:
    """Everything read from one file."""

    format: str
    interchanges: list[Interchange] = field(default_factory=list)
    lists: list[PassengerList] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Read, with no error (warnings allowed)."""
        return bool(self.lists) and not self.errors

    def to_json(self, *, people: bool = False) -> dict[str, Any]:
        flights = [
            {**lst.flight.to_json(), "passengers": lst.passengers, "crew": lst.crew, "message": lst.reference}
            for lst in self.lists
        ]
        return {
            "format": self.format,
            "ok": self.ok,
            "interchanges": [i.to_json() for i in self.interchanges],
            "messages": [lst.to_json(people=people) for lst in self.lists],
            "flights": flights,
            "counts": {
                "interchanges": len(self.interchanges),
                "messages": len(self.lists),
                "passengers": sum(lst.passengers for lst in self.lists),
                "crew": sum(lst.crew for lst in self.lists),
            },
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }
