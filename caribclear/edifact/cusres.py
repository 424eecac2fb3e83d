"""UN/EDIFACT CUSRES: the authority's answer, per filing (cargo acknowledgement with MRNs, referrals,
releases) or per passenger (interactive API: OK to board, not to board, contact the authority).

The layout follows the WCO/IATA/ICAO API CUSRES implementation guide: BGM 962, the flight (RFF+AF,
LOC+125/DTM+189, LOC+87/DTM+232), then one ERP group per answer: the answer's references (RFF), its
status (ERC) and free text (FTX+AAP). Status codes are the guide's: 0Z OK to board, 1Z not to board,
2Z contact the authority; a cargo acknowledgement uses the same groups with the MRN (RFF+ABT) and the
platform's own status words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .reader import DEFAULT_SEPARATORS

OK_TO_BOARD = "0Z"
NOT_TO_BOARD = "1Z"
CONTACT_AUTHORITY = "2Z"


@dataclass(slots=True)
class ResponseFlight:
    reference: str  # carrier and number: BW484
    departure_port: str = ""
    departure_local: datetime | None = None
    arrival_port: str = ""
    arrival_local: datetime | None = None


@dataclass(slots=True)
class Answer:
    """One answer: to a passenger (references: AVF locator, ABO sequence...) or to a filing (ABT MRN, ACW LRN)."""

    status: str  # ERC code: 0Z / 1Z / 2Z, or a filing status (REGISTERED, REJECTED, REFERRED, RELEASED...)
    references: dict[str, str] = field(default_factory=dict)  # RFF qualifier -> value
    reasons: list[str] = field(default_factory=list)  # further ERC codes (reason codes of the guide)
    text: str = ""  # FTX+AAP, e.g. the warnings and errors in words
    surname: str = ""  # NAD name of a passenger, to let the carrier match the answer
    given_names: str = ""
    document_number: str = ""


def _escape(value: str, seps: str = DEFAULT_SEPARATORS) -> str:
    release = seps[3]
    specials = {seps[0], seps[1], seps[3], seps[5]}
    return "".join(release + c if c in specials else c for c in value.replace("\r", " ").replace("\n", " "))


def _seg(*elements: str | tuple[str, ...]) -> str:
    parts = []
    for element in elements:
        if isinstance(element, tuple):
            parts.append(":".join(_escape(c) for c in element).rstrip(":"))
        else:
            parts.append(_escape(element))
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "+".join(parts) + "'"


def write_cusres(
    *,
    sender: str,
    recipient: str,
    control_reference: str,
    responding_to: str,
    answers: list[Answer],
    prepared: datetime,
    flight: ResponseFlight | None = None,
    message_reference: str = "1",
    test: bool = False,
) -> bytes:
    """One interchange with one CUSRES message, prepared at ``prepared`` (written in UTC)."""
    if prepared.tzinfo is not None:
        prepared = prepared.astimezone(UTC)
    body: list[str] = [
        _seg("UNH", message_reference, ("CUSRES", "D", "05B", "UN", "IATA")),
        _seg("BGM", "962", control_reference),
        _seg("RFF", ("ACW", responding_to)),
    ]
    if flight is not None:
        body.append(_seg("RFF", ("AF", flight.reference)))
        if flight.departure_port:
            body.append(_seg("LOC", "125", flight.departure_port))
        if flight.departure_local:
            body.append(_seg("DTM", ("189", flight.departure_local.strftime("%y%m%d%H%M"), "201")))
        if flight.arrival_port:
            body.append(_seg("LOC", "87", flight.arrival_port))
        if flight.arrival_local:
            body.append(_seg("DTM", ("232", flight.arrival_local.strftime("%y%m%d%H%M"), "201")))
    for answer in answers:
        body.append(_seg("ERP", "2"))
        for qualifier, value in answer.references.items():
            body.append(_seg("RFF", (qualifier, value)))
        if answer.surname or answer.given_names:
            body.append(_seg("NAD", "FL", "", "", (answer.surname, answer.given_names)))
        if answer.document_number:
            body.append(_seg("DOC", "P", answer.document_number))
        body.append(_seg("ERC", answer.status))
        for reason in answer.reasons:
            body.append(_seg("ERC", reason))
        if answer.text:
            text = answer.text
            chunks = [text[i : i + 512] for i in range(0, min(len(text), 512 * 5), 512)]
            body.append(_seg("FTX", "AAP", "", "", tuple(chunks)))
    body.append(_seg("UNT", str(len(body) + 1), message_reference))
    text = "".join(body)
    syntax = "UNOA" if all(c.isascii() and not c.islower() for c in text) else "UNOC"
    header = (
        "UNA"
        + DEFAULT_SEPARATORS
        + _seg(
            "UNB",
            (syntax, "4"),
            sender,
            recipient,
            (prepared.strftime("%y%m%d"), prepared.strftime("%H%M")),
            control_reference,
            *(("", "", "", "", "", "1") if test else ()),
        )
    )
    trailer = _seg("UNZ", "1", control_reference)
    data = header + text + trailer
    return data.encode("ascii" if syntax == "UNOA" else "latin-1", errors="replace")
