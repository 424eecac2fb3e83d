"""UN/EDIFACT PAXLST (D02B, D03B, D05B, D12B; WCO/IATA/ICAO API guidelines and US CBP style) to lists.

Segment groups as the guidelines lay them out: the header (BGM, RFF, DTM, NAD+MS reporting party),
the flight or voyage (TDT with LOC/DTM pairs: LOC+125/DTM+189 departure, LOC+87/DTM+232 arrival, one pair
per leg of a progressive flight, LOC+92 for routing), then one group per person, starting with NAD+FL
(passenger), NAD+FM (crew), NAD+DDT/DDU (in transit) and carrying ATT (gender), DTM+329 (birth), MEA/FTX
(bags), LOC (22 destination, 178 embarkation, 179 debarkation, 174 residence, 180 birth), EMP (crew
function), NAT, RFF (AVF locator, SEA seat), and DOC groups (DOC, DTM+36 expiry, DTM+182 issue,
LOC+91 issuing state). CNT+42 (passengers) and CNT+41 (crew) are checked against the people listed.
"""

from __future__ import annotations

import re

from caribclear.edifact.dates import parse_date, parse_dtm
from caribclear.edifact.model import EdifactFile, Issue, Message, Segment, Where

from .model import Flight, Leg, PassengerList, PassengerListResult, Person, TravelDocument

PASSENGER_CODES = {"FL": False, "DDT": True}  # NAD 3035 -> in transit
CREW_CODES = {"FM": False, "DDU": True}
LEGACY_PERSON_CODES = {"VW", "ZZZ", "COT"}  # seen in US CBP style files: the role follows BGM or EMP
CREW_DOCUMENTS = {"250", "10", "336"}  # BGM 1001 codes of crew lists
_FLIGHT = re.compile(r"([A-Z0-9]{2}[A-Z]?)\s*(\d{1,5}[A-Z]?)\Z")


def read_paxlst(edi: EdifactFile) -> PassengerListResult:
    """Passenger lists from the PAXLST messages of an interchange file."""
    result = PassengerListResult(
        format="paxlst", interchanges=edi.interchanges, warnings=list(edi.warnings), errors=list(edi.errors)
    )
    for message in edi.messages:
        if message.type and message.type != "PAXLST":
            result.warnings.append(
                Issue("not_paxlst", f"A {message.type} message was skipped.", message.segments[0].where())
            )
            continue
        result.lists.append(_read_message(message, result))
    if not result.lists and not result.errors:
        result.errors.append(Issue("no_paxlst", "The file holds no PAXLST message.", _first_where(edi)))
    return result


def _first_where(edi: EdifactFile) -> Where:
    return Where(line=edi.interchanges[0].line) if edi.interchanges else Where()


def _read_message(message: Message, result: PassengerListResult) -> PassengerList:
    unh = message.segments[0]
    lst = PassengerList(
        reference=message.reference,
        directory=message.directory,
        common_access_reference=message.common_access_reference,
        where=unh.where(),
    )
    flight = lst.flight
    person: Person | None = None
    document: TravelDocument | None = None
    leg: Leg | None = None
    in_flight = False
    has_emp: set[int] = set()
    for seg in message.body():
        tag = seg.tag
        if tag == "NAD":
            code = seg.get(1).upper()
            if code == "MS" and person is None:
                lst.sender_name = _name(seg)[0] or seg.get(4)
                continue
            if code in PASSENGER_CODES or code in CREW_CODES or code in LEGACY_PERSON_CODES or in_flight:
                person = _person(seg, code, lst)
                lst.people.append(person)
                document = None
                in_flight = False
                continue
            continue
        if person is None:
            # Header and flight
            if tag == "BGM":
                lst.document_code = seg.get(1)
                lst.document_id = seg.get(2)
                lst.function = seg.get(3)
            elif tag == "TDT":
                in_flight = True
                _flight_from_tdt(seg, flight, message)
            elif tag == "LOC" and in_flight:
                leg = _leg_location(seg, flight, leg)
            elif tag == "DTM" and in_flight:
                _leg_time(seg, flight, leg, result)
            elif tag == "CNT":
                _count(seg, lst)
            continue
        # Person group
        if tag == "ATT" and seg.get(1) == "2":
            person.gender = _first_repetition(seg.get(3)).upper()[:1]
        elif tag == "DTM":
            qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
            if qualifier == "329":
                person.date_of_birth = parse_date(value, fmt, past=True)
                if person.date_of_birth is None and value:
                    result.warnings.append(
                        Issue("bad_date", f"Unreadable date of birth {value!r}.", seg.where("DTM 1.2"))
                    )
            elif qualifier in ("36", "182") and document is not None:
                parsed = parse_date(value, fmt)
                if parsed is None and value:
                    result.warnings.append(
                        Issue("bad_date", f"Unreadable document date {value!r}.", seg.where("DTM 1.2"))
                    )
                if qualifier == "36":
                    document.expiry = parsed
                else:
                    document.issued = parsed
        elif tag == "DOC":
            document = TravelDocument(type=seg.get(1).upper(), number=seg.get(2).strip())
            person.documents.append(document)
        elif tag == "LOC":
            _person_location(seg, person, document)
        elif tag == "NAT":
            person.nationality = seg.get(2).upper()
        elif tag == "RFF":
            qualifier, value = seg.get(1, 1).upper(), seg.get(1, 2)
            person.references[qualifier] = value
            if qualifier == "AVF":
                person.reservation_locator = value
            elif qualifier == "SEA":
                person.seat = value
        elif tag == "MEA" and seg.get(1).upper() == "CT":
            count = seg.get(3, 2).strip()
            person.bags = int(count) if count.isdigit() else person.bags
        elif tag == "FTX" and seg.get(1).upper() == "BAG":
            tags = [t for t in seg.components(4) if t and t.upper() != "NULL"]
            person.bag_tags.extend(tags)
        elif tag == "EMP":
            has_emp.add(id(person))
            person.crew_function = seg.get(2) or seg.get(1)
            if person.role != "crew" and seg.get(1):
                person.role = "crew"
        elif tag == "CNT":
            _count(seg, lst)
            person = None
            document = None
        elif tag == "GEI" and seg.get(2).upper() in ("ZZZ", "TRANSIT"):
            person.in_transit = True
    if not flight.conveyance_reference and message.common_access_reference:
        # No flight in TDT: UNH's common access reference carries it (flight/date/time, e.g. BW484/261201/1000).
        _flight_from_reference(message.common_access_reference, flight)
    _check(lst, result, message)
    return lst


def _flight_from_reference(reference: str, flight: Flight) -> None:
    number = reference.split("/")[0].strip().upper().replace(" ", "")
    m = _FLIGHT.match(number)
    if m:
        flight.conveyance_reference = number
        flight.carrier = flight.carrier or m.group(1)
        flight.number = m.group(2)


def _first_repetition(value: str) -> str:
    return re.split(r"[*]", value, maxsplit=1)[0] if value else ""


def _name(seg: Segment) -> tuple[str, str]:
    parts = [p.strip() for p in seg.components(4)]
    if not any(parts):
        parts = [p.strip() for p in seg.components(3)]  # C058 free-form name and address
    surname = parts[0] if parts else ""
    given = " ".join(p for p in parts[1:] if p and not p.isdigit())
    return surname, given


def _person(seg: Segment, code: str, lst: PassengerList) -> Person:
    if code in CREW_CODES:
        role, transit = "crew", CREW_CODES[code]
    elif code in PASSENGER_CODES:
        role, transit = "passenger", PASSENGER_CODES[code]
    else:
        role = "crew" if lst.document_code in CREW_DOCUMENTS else "passenger"
        transit = False
    surname, given = _name(seg)
    address = ", ".join(
        v for v in (seg.get(5), seg.get(5, 2), seg.get(6), seg.get(7), seg.get(8), seg.get(9)) if v.strip()
    )
    return Person(
        role=role, surname=surname, given_names=given, address=address, in_transit=transit, where=seg.where()
    )


def _flight_from_tdt(seg: Segment, flight: Flight, message: Message) -> None:
    reference = seg.get(2).strip().upper().replace(" ", "")
    flight.conveyance_reference = reference
    flight.carrier = seg.get(5, 1).strip().upper()
    flight.vessel_id = seg.get(8, 1).strip()
    flight.vessel_name = seg.get(8, 4).strip()
    if not reference and message.common_access_reference:
        reference = message.common_access_reference.split("/")[0].upper()
    m = _FLIGHT.match(reference)
    if m and (not flight.carrier or m.group(1) == flight.carrier or len(flight.carrier) > 3):
        flight.carrier = flight.carrier if len(flight.carrier) in (2, 3) else m.group(1)
        flight.number = m.group(2)
    elif flight.carrier and reference.startswith(flight.carrier):
        flight.number = reference[len(flight.carrier) :]
    else:
        flight.number = reference


def _leg_location(seg: Segment, flight: Flight, leg: Leg | None) -> Leg | None:
    qualifier, place = seg.get(1), seg.get(2).strip().upper()
    if qualifier == "125":  # departure airport / port
        leg = Leg(departure_port=place)
        flight.legs.append(leg)
    elif qualifier == "87":  # arrival
        if leg is None or leg.arrival_port:
            leg = Leg()
            flight.legs.append(leg)
        leg.arrival_port = place
    elif qualifier == "92":  # routing: a stop of a progressive flight
        if leg is not None and not leg.arrival_port:
            leg.arrival_port = place
        leg = Leg(departure_port=place)
        flight.legs.append(leg)
    return leg


def _leg_time(seg: Segment, flight: Flight, leg: Leg | None, result: PassengerListResult) -> None:
    qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
    parsed = parse_dtm(value, fmt)
    if parsed is None:
        if value:
            result.warnings.append(
                Issue("bad_date", f"Unreadable date/time {value!r}.", seg.where("DTM 1.2"))
            )
        return
    if leg is None:
        leg = Leg()
        flight.legs.append(leg)
    if qualifier in ("189", "186"):  # departure
        leg.departure_local = parsed
    elif qualifier in ("232", "132", "178"):  # arrival (132: estimated arrival, CBP style)
        leg.arrival_local = parsed


def _person_location(seg: Segment, person: Person, document: TravelDocument | None) -> None:
    qualifier, place = seg.get(1), seg.get(2).strip().upper()
    if qualifier == "91" and document is not None:
        # CBP style sends the state (VA:163) and then the country (US:162); the country wins.
        if not document.issuing_state or seg.get(2, 2) == "162" or len(place) == 3:
            document.issuing_state = place
    elif qualifier == "22":
        person.final_destination = place
    elif qualifier == "178":
        person.embarkation = place
    elif qualifier == "179":
        person.debarkation = place
    elif qualifier == "174":
        person.country_of_residence = place
    elif qualifier == "180":
        person.place_of_birth = ", ".join(v for v in (place, seg.get(3, 4), seg.get(4, 4)) if v)


def _count(seg: Segment, lst: PassengerList) -> None:
    qualifier, value = seg.get(1, 1), seg.get(1, 2).strip()
    if not value.isdigit():
        return
    if qualifier == "42":
        lst.declared_passengers = int(value)
    elif qualifier == "41":
        lst.declared_crew = int(value)


def _check(lst: PassengerList, result: PassengerListResult, message: Message) -> None:
    unh = message.segments[0]
    if not lst.flight.conveyance_reference and not lst.flight.carrier:
        result.errors.append(
            Issue("no_flight", "The message names no flight or voyage (TDT).", unh.where("TDT"))
        )
    for declared, actual, what in (
        (lst.declared_passengers, lst.passengers, "passengers"),
        (lst.declared_crew, lst.crew, "crew members"),
    ):
        if declared is not None and declared != actual:
            cnt = next((s for s in message.segments if s.tag == "CNT"), unh)
            result.warnings.append(
                Issue(
                    "count_mismatch",
                    f"CNT says {declared} {what}; the message lists {actual}.",
                    cnt.where("CNT 1.2"),
                )
            )
    if not lst.people:
        result.warnings.append(Issue("no_people", "The message lists nobody.", unh.where()))
    for person in lst.people:
        if not person.surname:
            result.errors.append(Issue("no_name", "A person without a surname (NAD 4.1).", person.where))
