"""Passenger and crew lists as CSV or XLSX, for small operators (charter, ferry, private aircraft).

One row per person; the flight columns repeat on every row (rows with the same carrier, flight and
departure date form one list). The header row names the columns, in any order and case:

| column | required | example |
| --- | --- | --- |
| carrier | yes | `BW` (airline designator) or the operator's name |
| flight | yes | `BW484`, `484`, or a voyage number |
| departure_port, arrival_port | yes | UN/LOCODE or IATA code: `POS`, `BBBGI` |
| departure_time, arrival_time | no | `2026-12-01 14:30` (local time of the port) |
| role | no | `passenger` (default) or `crew` |
| surname | yes | `GARCIA MARQUEZ` |
| given_names | no | `ANA MARIA` |
| gender | no | `M`, `F`, `X` or `U` |
| date_of_birth | no | `1990-04-08` or `08/04/1990` (day first) |
| nationality | no | ISO 3166 alpha-3 or alpha-2: `TTO` |
| document_type | no | `P` passport, `I` identity card... |
| document_number, document_issuing_state, document_expiry | no | `A1234567`, `TTO`, `2031-02-08` |
| place_of_birth, country_of_residence, reservation_locator, seat | no | |
| bags | no | `2` |
| in_transit | no | `yes` / `no` |

Every problem of the file is reported at once, each with its row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from caribclear.edifact.model import Issue, Where
from caribclear.edifact.text import decode

from .model import Flight, Leg, PassengerList, PassengerListResult, Person, TravelDocument, flight_number

COLUMNS = (
    "carrier",
    "flight",
    "departure_port",
    "departure_time",
    "arrival_port",
    "arrival_time",
    "role",
    "surname",
    "given_names",
    "gender",
    "date_of_birth",
    "nationality",
    "document_type",
    "document_number",
    "document_issuing_state",
    "document_expiry",
    "place_of_birth",
    "country_of_residence",
    "reservation_locator",
    "seat",
    "bags",
    "in_transit",
)
REQUIRED = ("carrier", "flight", "departure_port", "arrival_port", "surname")
_MAX_ROWS = 20000


def read_rows_csv(data: bytes) -> list[list[str]]:
    text = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def read_rows_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) > _MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _datetime(text: str) -> datetime | None:
    for fmt in (
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M",
    ):
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - local time of the port
        except ValueError:
            continue
    return None


def read_table(data: bytes, fmt: str) -> PassengerListResult:
    """Lists from a CSV or XLSX file (``fmt`` is "csv" or "xlsx")."""
    result = PassengerListResult(format=fmt)
    try:
        rows = read_rows_xlsx(data) if fmt == "xlsx" else read_rows_csv(data)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, csv.Error) as exc:
        result.errors.append(
            Issue("unreadable", f"The {fmt.upper()} file cannot be opened: {exc}", Where(row=1))
        )
        return result
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        result.errors.append(Issue("empty", "The file has no rows.", Where(row=1)))
        return result
    if len(rows) > _MAX_ROWS + 1:
        result.errors.append(
            Issue("too_many_rows", f"At most {_MAX_ROWS} people per file.", Where(row=_MAX_ROWS + 2))
        )
        return result
    header = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in rows[0]]
    index = {name: i for i, name in enumerate(header) if name in COLUMNS}
    for name in REQUIRED:
        if name not in index:
            result.errors.append(
                Issue("missing_column", f"The header has no column {name!r}.", Where(row=1, column=name))
            )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        result.warnings.append(
            Issue("unknown_columns", f"Columns ignored: {', '.join(unknown)}.", Where(row=1))
        )
    if result.errors:
        return result
    lists: dict[tuple[str, str, str], PassengerList] = {}
    for number, row in enumerate(rows[1:], start=2):
        _read_row(number, row, index, lists, result)
    result.lists = list(lists.values())
    return result


def _read_row(
    number: int,
    row: list[str],
    index: dict[str, int],
    lists: dict[tuple[str, str, str], PassengerList],
    result: PassengerListResult,
) -> None:
    def get(name: str) -> str:
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def error(column: str, message: str) -> None:
        result.errors.append(Issue("bad_value", message, Where(row=number, column=column)))

    for name in REQUIRED:
        if not get(name):
            error(name, f"{name} is empty.")
    departure = _datetime(get("departure_time")) if get("departure_time") else None
    if get("departure_time") and departure is None:
        error("departure_time", f"Unreadable time {get('departure_time')!r} (write 2026-12-01 14:30).")
    arrival = _datetime(get("arrival_time")) if get("arrival_time") else None
    if get("arrival_time") and arrival is None:
        error("arrival_time", f"Unreadable time {get('arrival_time')!r} (write 2026-12-01 14:30).")
    carrier, flight_no = get("carrier").upper(), get("flight").upper().replace(" ", "")
    key = (carrier, flight_no, departure.date().isoformat() if departure else get("departure_port").upper())
    lst = lists.get(key)
    if lst is None:
        number_only = flight_number(carrier, flight_no)
        lst = PassengerList(
            reference=f"{carrier}{number_only}",
            message_type="TABLE",
            flight=Flight(
                carrier=carrier,
                number=number_only,
                conveyance_reference=flight_no,
                legs=[Leg(get("departure_port").upper(), departure, get("arrival_port").upper(), arrival)],
            ),
            where=Where(row=number),
        )
        lists[key] = lst
    role = get("role").lower() or "passenger"
    if role not in ("passenger", "crew"):
        error("role", f"role is {role!r}; write passenger or crew.")
        role = "passenger"
    person = Person(
        role=role,
        surname=get("surname").upper(),
        given_names=get("given_names").upper(),
        gender=get("gender").upper()[:1],
        nationality=get("nationality").upper(),
        place_of_birth=get("place_of_birth"),
        country_of_residence=get("country_of_residence").upper(),
        reservation_locator=get("reservation_locator").upper(),
        seat=get("seat").upper(),
        in_transit=get("in_transit").lower() in ("yes", "y", "true", "1", "x"),
        where=Where(row=number),
    )
    if person.gender and person.gender not in "MFXU":
        error("gender", f"gender is {get('gender')!r}; write M, F, X or U.")
    if get("date_of_birth"):
        person.date_of_birth = _date(get("date_of_birth"))
        if person.date_of_birth is None:
            error("date_of_birth", f"Unreadable date {get('date_of_birth')!r} (write 1990-04-08).")
    if get("bags"):
        if get("bags").isdigit():
            person.bags = int(get("bags"))
        else:
            error("bags", f"bags is {get('bags')!r}; write a number.")
    if get("document_number"):
        doc = TravelDocument(
            type=get("document_type").upper() or "P",
            number=get("document_number").upper(),
            issuing_state=get("document_issuing_state").upper(),
        )
        if get("document_expiry"):
            doc.expiry = _date(get("document_expiry"))
            if doc.expiry is None:
                error("document_expiry", f"Unreadable date {get('document_expiry')!r} (write 2031-02-08).")
        person.documents.append(doc)
    lst.people.append(person)
