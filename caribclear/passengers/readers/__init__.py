"""Passenger and crew list readers: PAXLST (UN/EDIFACT) and CSV/XLSX for small operators.

``read_passenger_list(data, format="auto")`` is the entry point the passengers app and the
``import_passenger_list`` command use; it never raises on bad input: the result carries the errors.
"""

from __future__ import annotations

from caribclear.edifact.detect import detect_format
from caribclear.edifact.gcpause import collector_paused
from caribclear.edifact.limits import MAX_BYTES, check_size
from caribclear.edifact.model import Issue, ReadError, Where, issue_for
from caribclear.edifact.reader import read_interchanges

from .model import Flight, Leg, PassengerList, PassengerListResult, Person, TravelDocument
from .paxlst import read_paxlst
from .table import read_table

FORMATS = ("auto", "paxlst", "csv", "xlsx")

__all__ = [
    "FORMATS",
    "Flight",
    "Leg",
    "PassengerList",
    "PassengerListResult",
    "Person",
    "TravelDocument",
    "read_passenger_list",
]


def _read_passenger_list(
    data: bytes, format: str = "auto", *, max_bytes: int | None = MAX_BYTES
) -> PassengerListResult:
    """Read a passenger or crew list file; the result's ``errors`` say why a file is rejected."""
    fmt = format.lower()
    if fmt not in FORMATS:
        result = PassengerListResult(format=fmt)
        result.errors.append(
            Issue("format", f"Unknown format {format!r}; one of {', '.join(FORMATS)}.", Where())
        )
        return result
    try:
        check_size(data, max_bytes)
        if fmt == "auto":
            fmt = detect_format(data, family="passengers")
        if fmt in ("csv", "xlsx"):
            return read_table(data, fmt)
        if fmt != "paxlst":
            raise ReadError("format", f"This is a {fmt} file, not a passenger list.", Where(line=1))
        return read_paxlst(read_interchanges(data, max_bytes=None))
    except Exception as exc:  # a ReadError says why; anything else must not become a 500 either
        result = PassengerListResult(format=fmt)
        result.errors.append(issue_for(exc))
        return result


def read_passenger_list(
    data: bytes,
    format: str = "auto",
    *,
    max_bytes: int | None = MAX_BYTES,
) -> PassengerListResult:
    """Read a passenger or crew list file; never raises on bad input: the result's ``errors`` say why."""
    with collector_paused():
        return _read_passenger_list(data, format, max_bytes=max_bytes)
