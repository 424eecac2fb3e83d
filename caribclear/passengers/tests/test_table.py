"""Passenger lists from CSV and XLSX files of small operators."""

import io
from datetime import date, datetime

import openpyxl

from caribclear.passengers.readers import read_passenger_list

HEADER = "Carrier,Flight,Departure port,Departure time,Arrival port,Role,Surname,Given names,Gender,Date of birth,Nationality,Document number,Document expiry,Bags"
CSV = (
    HEADER
    + "\n"
    + "SVD,SVD101,SVD,2026-12-01 08:00,BGI,crew,BAPTISTE,JEAN,M,1980-02-03,VCT,VC123456,2030-01-01,0\n"
    + "SVD,SVD101,SVD,2026-12-01 08:00,BGI,passenger,KING,ALICE,F,14/05/1999,BRB,BB998877,2029-06-30,2\n"
)


def test_a_csv_list_with_crew_and_passenger():
    result = read_passenger_list(CSV.encode(), "auto")
    assert result.format == "csv" and result.ok
    (lst,) = result.lists
    assert (lst.flight.carrier, lst.flight.number, lst.flight.departure_port, lst.flight.arrival_port) == (
        "SVD",
        "101",
        "SVD",
        "BGI",
    )
    assert lst.flight.departure_local == datetime(2026, 12, 1, 8, 0)
    crew, passenger = lst.people
    assert (crew.role, crew.surname, crew.documents[0].number) == ("crew", "BAPTISTE", "VC123456")
    assert passenger.date_of_birth == date(1999, 5, 14) and passenger.bags == 2
    assert result.to_json()["flights"][0]["crew"] == 1


def test_every_error_of_the_file_at_once_with_row_and_column():
    bad = CSV + "SVD,SVD101,SVD,2026-12-01 08:00,BGI,pilot,,BOB,Q,31/31/1990,VCT,,,many\n"
    result = read_passenger_list(bad.encode(), "csv")
    assert not result.ok
    found = {(e.where.row, e.where.column) for e in result.errors}
    assert found == {(4, "surname"), (4, "role"), (4, "gender"), (4, "date_of_birth"), (4, "bags")}


def test_a_missing_required_column_is_named():
    result = read_passenger_list(b"carrier;flight;surname\nBW;BW1;DOE\n", "csv")
    assert {e.where.column for e in result.errors} == {"departure_port", "arrival_port"}


def test_an_xlsx_list():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["carrier", "flight", "departure_port", "arrival_port", "surname", "date_of_birth", "departure_time"]
    )
    sheet.append(
        ["LI", "LI362", "ANU", "SKB", "PERCIVAL", datetime(1970, 1, 2), datetime(2026, 12, 2, 9, 15)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_passenger_list(buffer.getvalue())
    assert result.format == "xlsx" and result.ok
    (person,) = result.lists[0].people
    assert person.surname == "PERCIVAL" and person.date_of_birth == date(1970, 1, 2)
    assert result.lists[0].flight.departure_local == datetime(2026, 12, 2, 9, 15)


def test_a_broken_xlsx_is_an_error_not_a_crash():
    result = read_passenger_list(b"PK\x03\x04 not really a zip", "xlsx")
    assert not result.ok and result.errors[0].code == "unreadable"
