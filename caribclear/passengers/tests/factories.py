"""Test data of the passengers app: PAXLST messages as carriers send them, with times relative to now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass
class Pax:
    surname: str
    given: str
    born: str  # YYMMDD or CCYYMMDD
    nationality: str = "TTO"
    document: str = ""
    expiry: str = "20340101"
    gender: str = "F"
    locator: str = ""
    crew: bool = False


def paxlst(
    people: list[Pax],
    *,
    flight: str = "BW484",
    departure: str = "POS",
    arrival: str = "BGI",
    hours_ahead: float = 6,
    document_id: str = "",
    function: str = "",
    control: str = "77",
) -> bytes:
    """A PAXLST D05B interchange with one message."""
    departs = timezone.now() + dt.timedelta(hours=hours_ahead)
    arrives = departs + dt.timedelta(hours=1)
    bgm = (
        "BGM+745"
        + (f"+{document_id}" if document_id or function else "")
        + (f"+{function}" if function else "")
    )
    segments = [
        "UNH+1+PAXLST:D:05B:UN:IATA+" + flight + "+01:F",
        bgm,
        "NAD+MS+++BW OPS",
        f"TDT+20+{flight}+++{flight[:2]}",
        f"LOC+125+{departure}",
        f"DTM+189:{departs:%y%m%d%H%M}:201",
        f"LOC+87+{arrival}",
        f"DTM+232:{arrives:%y%m%d%H%M}:201",
    ]
    for p in people:
        segments += [
            f"NAD+{'FM' if p.crew else 'FL'}+++{p.surname}:{p.given}",
            f"ATT+2++{p.gender}",
            f"DTM+329:{p.born}",
            f"NAT+2+{p.nationality}",
        ]
        if p.locator:
            segments.append(f"RFF+AVF:{p.locator}")
        if p.document:
            segments += [f"DOC+P:110:111+{p.document}", f"DTM+36:{p.expiry}", f"LOC+91+{p.nationality}"]
    segments.append(f"CNT+42:{sum(1 for p in people if not p.crew)}")
    segments.append(f"UNT+{len(segments) + 1}+1")
    body = "'\n".join(segments) + "'\n"
    return (
        f"UNA:+.? '\nUNB+UNOA:4+BWAPI:ZZ+BBCUS:ZZ+261201:0900+{control}'\n" + body + f"UNZ+1+{control}'\n"
    ).encode()


ANA = Pax("GARCIA MARQUEZ", "ANA MARIA", "19900408", document="TA1234567", locator="QX7Y2Z")
JOHN = Pax("SMITH", "JOHN", "19750101", nationality="GBR", document="501234567", gender="M", locator="AB12CD")
IVAN = Pax(
    "PETROV", "IVAN", "19800215", nationality="RUS", document="750012345", gender="M", locator="ZZ99YY"
)
