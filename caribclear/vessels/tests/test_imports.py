from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from caribclear.core.models import AuditEvent
from caribclear.vessels.imports import ImportErrors, read_people_file, template_headers
from caribclear.vessels.models import Person, TravelDocument

from .factories import make_person

pytestmark = pytest.mark.django_db

CREW_HEADER = [
    "No.",
    "Family name",
    "Given names",
    "Gender",
    "Rank or rating",
    "Nationality",
    "Date of birth",
    "Place of birth",
    "Nature of identity document",
    "Number of identity document",
    "Issuing state of identity document",
    "Expiry date of identity document",
]
CREW_ROWS = [
    [
        "1",
        "Skipper",
        "Ana",
        "F",
        "Master",
        "Barbados",
        "12/08/1974",
        "Bridgetown",
        "Passport",
        "R1234567",
        "BRB",
        "31/12/2031",
    ],
    [
        "2",
        "Joseph",
        "Kurt Lee",
        "M",
        "Deckhand",
        "LC",
        "1990-01-05",
        "Castries",
        "P",
        "LC998877",
        "LC",
        "2030-06-30",
    ],
    [
        "3",
        "Müller",
        "Jürgen",
        "male",
        "Cook",
        "D",
        "01.02.1985",
        "Kiel",
        "ID card",
        "T22000129",
        "Germany",
        "2029-02-01",
    ],
]


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str, category: str = "crew"):
    return client.post(
        reverse("vessels:people_upload"),
        {"category": category, "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_csv_crew_list_is_imported(operator, client_for):
    response = upload(client_for(operator), csv_bytes(CREW_HEADER, CREW_ROWS), "crew.csv")
    assert "3 added" in response.content.decode()
    assert Person.objects.filter(account=operator, category="crew").count() == 3
    mueller = Person.objects.get(surname="Müller")
    assert mueller.nationality == "DE" and mueller.rank == "Cook" and mueller.sex == "M"
    assert mueller.date_of_birth == dt.date(1985, 2, 1)
    document = mueller.documents.get()
    assert (document.document_type, document.issuing_state, document.number) == ("I", "DE", "T22000129")
    assert AuditEvent.objects.filter(action="vessels.people_import").count() == 1


def test_xlsx_passenger_list_with_date_cells_and_other_spellings(operator, client_for):
    header = [
        "Surname",
        "First names",
        "Sex",
        "Nationality",
        "DOB",
        "Place of birth",
        "Document type",
        "Passport number",
        "Issuing country",
        "Date of expiry",
        "Port of embarkation",
        "Port of disembarkation",
        "Transit passenger (yes/no)",
    ]
    rows = [
        [
            "Brown",
            "Lucy",
            "F",
            "GBR",
            dt.datetime(1980, 5, 17),  # noqa: DTZ001 - a spreadsheet date cell has no time zone
            "Leeds",
            "Passport",
            123456789,
            "United Kingdom",
            dt.datetime(2031, 1, 1),  # noqa: DTZ001
            "Bridgetown",
            "St. John's",
            "yes",
        ],
        [
            "Smith",
            "Tom",
            "M",
            "USA",
            dt.date(1979, 3, 2),
            "",
            "",
            "A1234567",
            "US",
            "2032-02-02",
            "Bridgetown",
            "",
            "No",
        ],
    ]
    response = upload(client_for(operator), xlsx_bytes(header, rows), "pax.xlsx", "passenger")
    assert "2 added" in response.content.decode()
    brown = Person.objects.get(surname="Brown")
    assert brown.category == "passenger" and brown.in_transit and brown.port_of_disembarkation == "St. John's"
    assert brown.documents.get().number == "123456789"
    smith = Person.objects.get(surname="Smith")
    assert not smith.in_transit and smith.documents.get().document_type == "P"


def test_every_error_of_every_row_reported_and_nothing_imported(operator, client_for):
    rows = [
        CREW_ROWS[0],
        [
            "2",
            "",
            "Kurt",
            "Q",
            "Deckhand",
            "Narnia",
            "1990-13-05",
            "",
            "Passport",
            "LC-99/88",
            "",
            "2030-06-30",
        ],
        [
            "3",
            "Müller",
            "Jürgen",
            "M",
            "Cook",
            "DE",
            "01.02.1985",
            "Kiel",
            "Spaceship licence",
            "T22000129",
            "DE",
            "soon",
        ],
    ]
    for data, name in (
        (csv_bytes(CREW_HEADER, rows), "crew.csv"),
        (xlsx_bytes(CREW_HEADER, rows), "crew.xlsx"),
    ):
        response = upload(client_for(operator), data, name)
        body = response.content.decode()
        assert "Nothing was imported" in body
        errors = response.context["errors"]
        found = {(e.row, e.column) for e in errors}
        assert {
            (3, "Family name"),
            (3, "Gender"),
            (3, "Nationality"),
            (3, "Date of birth"),
            (3, "Number of identity document"),
            (3, "Issuing state of identity document"),
            (4, "Nature of identity document"),
            (4, "Expiry date of identity document"),
        } <= found
        assert "“Narnia” is not a country we know." in body
        assert not Person.objects.exists()


def test_reupload_updates_instead_of_duplicating(operator, client_for):
    client = client_for(operator)
    upload(client, csv_bytes(CREW_HEADER, CREW_ROWS), "crew.csv")
    changed = [row[:] for row in CREW_ROWS]
    changed[0][4] = "Skipper"  # new rank
    changed[1][9] = "LC000111"  # Joseph has a new passport: matched on name and date of birth
    response = upload(client, csv_bytes(CREW_HEADER, changed, delimiter=";"), "crew-again.csv")
    assert "0 added, 3 already on your list" in response.content.decode()
    assert Person.objects.count() == 3
    assert Person.objects.get(surname="Skipper").rank == "Skipper"
    assert set(Person.objects.get(surname="Joseph").documents.values_list("number", flat=True)) == {
        "LC998877",
        "LC000111",
    }


def test_match_on_document_even_if_name_spelt_differently(operator):
    existing = make_person(
        operator, surname="Skipper", given_names="Ana", document={"number": "R1234567", "issuing_state": "BB"}
    )
    rows = [
        [
            "1",
            "SKIPPER-JONES",
            "Ana",
            "F",
            "Master",
            "BB",
            "12/08/1974",
            "",
            "P",
            "R1234567",
            "BB",
            "31/12/2031",
        ]
    ]
    from caribclear.vessels import services

    result = read_people_file(io.BytesIO(csv_bytes(CREW_HEADER, rows)), name="x.csv", category="crew")
    outcome = services.people_import(actor=operator, rows=result.rows)
    assert outcome.updated == [existing] and not outcome.created
    assert Person.objects.count() == 1 and TravelDocument.objects.count() == 1


def test_same_person_twice_in_one_file(operator):
    rows = [CREW_ROWS[0], CREW_ROWS[0]]
    with pytest.raises(ImportErrors) as caught:
        read_people_file(io.BytesIO(csv_bytes(CREW_HEADER, rows)), name="x.csv", category="crew")
    assert [(e.row, "row 2" in e.message) for e in caught.value.errors] == [(3, True)]


def test_unknown_and_missing_columns(operator):
    data = csv_bytes(["Family name", "Shoe size", "Nationality"], [["Doe", "44", "BB"]])
    with pytest.raises(ImportErrors) as caught:
        read_people_file(io.BytesIO(data), name="x.csv", category="crew")
    columns = {e.column for e in caught.value.errors}
    assert {"Shoe size", "Gender", "Date of birth"} <= columns


def test_expired_document_is_imported_with_a_warning(operator, client_for):
    rows = [["1", "Old", "Pass", "F", "Mate", "BB", "1970-01-01", "", "P", "OLD1", "BB", "2019-01-01"]]
    response = upload(client_for(operator), csv_bytes(CREW_HEADER, rows), "crew.csv")
    assert "expired" in response.content.decode()
    assert Person.objects.get().documents.get().is_expired


def test_upload_page_documents_headers_and_offers_templates(operator, client_for):
    client = client_for(operator)
    body = client.get(reverse("vessels:people_upload")).content.decode()
    for header in template_headers("crew") + template_headers("passenger"):
        assert header in body
    response = client.get(reverse("vessels:upload_template", args=["passenger"]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().strip().split(",") == template_headers("passenger")
    assert (
        "Port of embarkation"
        not in client.get(reverse("vessels:upload_template", args=["crew"])).content.decode()
    )


def test_not_a_workbook(operator, client_for):
    response = upload(client_for(operator), b"PK\x03\x04 garbage", "crew.xlsx")
    assert "could not be read as an Excel workbook" in response.content.decode()


def test_service_rolls_back_the_whole_list_when_a_row_fails(operator):
    from django.core.exceptions import ValidationError

    from caribclear.vessels import services
    from caribclear.vessels.services import ImportRow

    from .factories import document_data, person_data

    rows = [
        ImportRow(row=2, person=person_data(surname="Good"), document=document_data(number="G1")),
        ImportRow(
            row=3, person=person_data(surname="Bad", nationality="QQ"), document=document_data(number="B1")
        ),
    ]
    with pytest.raises(ValidationError) as caught:
        services.people_import(actor=operator, rows=rows)
    assert list(caught.value.message_dict) == ["3:nationality"]
    assert not Person.objects.exists() and not TravelDocument.objects.exists()
