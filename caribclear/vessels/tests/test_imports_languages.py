"""Issue 9, point 7: the crew upload in every language shipped and in the Caribbean's own spellings."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from caribclear.vessels.country_names import country_by_name
from caribclear.vessels.imports import (
    COLUMNS,
    HEADER_LOOKUP,
    ImportErrors,
    normalise_header,
    parse_country,
    read_people_file,
    template_headers,
)
from caribclear.vessels.models import Person

from .test_imports import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

DUTCH_HEADER = [
    "Nr.",
    "Achternaam",
    "Voornamen",
    "Geslacht",
    "Rang of functie",
    "Nationaliteit",
    "Geboortedatum",
    "Geboorteplaats",
    "Soort identiteitsbewijs",
    "Nummer van het identiteitsbewijs",
    "Land van afgifte van het identiteitsbewijs",
    "Vervaldatum van het identiteitsbewijs",
]
DUTCH_ROWS = [
    ["1", "de Vries", "Pieter", "M", "Kapitein", "Nederland", "12-08-1970", "Den Helder", "Paspoort", "NP1234567", "Nederland", "31-12-2031"],
    ["2", "Martina", "Shanice", "V", "Kok", "Curaçao", "05-01-1992", "Willemstad", "identiteitskaart", "ID554433", "CURACAO", "30-06-2030"],
    ["3", "Richardson", "Dwayne", "man", "Matroos", "Sint Maarten", "01-02-1988", "Philipsburg", "Monsterboekje", "SM88776", "Sint Maarten", "01-02-2029"],
    ["4", "García", "Lucía", "vrouw", "Stuurvrouw", "España", "14-03-1985", "Cádiz", "paspoort", "PAB123456", "Spanje", "14-03-2032"],
    ["5", "Joseph", "Kervin", "M", "Matroos", "St Lucia", "09-09-1990", "Castries", "P", "LC112233", "St. Lucia", "09-09-2030"],
    ["6", "Browne", "Kemar", "M", "Matroos", "St. Vincent", "10-10-1991", "Kingstown", "P", "VC445566", "St Vincent & the Grenadines", "10-10-2030"],
]  # fmt: skip


def test_dutch_headers_and_values_with_caribbean_spellings(operator, client_for):
    """The issue's file: Dutch headers gave 10 errors; España, Nederland, St Lucia, St. Vincent and Sint
    Maarten were refused."""
    response = upload(client_for(operator), csv_bytes(DUTCH_HEADER, DUTCH_ROWS), "bemanning.csv")
    assert "6 added" in response.content.decode()
    people = {p.surname: p for p in Person.objects.filter(account=operator)}
    assert {name: p.nationality.code for name, p in people.items()} == {
        "de Vries": "NL",
        "Martina": "CW",
        "Richardson": "SX",
        "García": "ES",
        "Joseph": "LC",
        "Browne": "VC",
    }
    assert [people[n].sex for n in ("de Vries", "Martina", "Richardson", "García")] == ["M", "F", "M", "F"]
    assert people["Martina"].documents.get().document_type == "I"
    assert people["Richardson"].documents.get().document_type == "S"
    assert people["Browne"].documents.get().issuing_state == "VC"


def test_spanish_list_in_xlsx_with_accents_dropped_and_upper_case(operator, client_for):
    header = [
        "APELLIDOS",
        "Nombre(s)",
        "SEXO",
        "Cargo o categoria",
        "Nacionalidad",
        "Fecha de nacimiento",
        "Tipo de documento",
        "Numero de pasaporte",
        "Pais de expedicion",
        "Fecha de caducidad",
    ]
    rows = [
        ["Pérez", "Juan", "H", "Capitán", "REPUBLICA DOMINICANA", "12/08/1974", "Pasaporte", "RD123", "Rep. Dominicana", "31/12/2031"],
        ["Pérez", "María", "Mujer", "Cocinera", "venezolana", "01/02/1980", "Cédula", "V1234", "Venezuela", "01/02/2030"],
        ["Smith", "John", "hombre", "Marinero", "Trinidad y Tobago", "03/04/1985", "libreta de navegación", "TT77", "TRINIDAD & TOBAGO", "03/04/2030"],
    ]  # fmt: skip
    response = upload(client_for(operator), xlsx_bytes(header, rows), "tripulacion.xlsx")
    assert "3 added" in response.content.decode()
    juan = Person.objects.get(given_names="Juan")
    assert (juan.sex, juan.nationality.code, juan.rank) == ("M", "DO", "Capitán")
    maria = Person.objects.get(given_names="María")
    assert (maria.sex, maria.nationality.code, maria.documents.get().document_type) == ("F", "VE", "I")
    assert Person.objects.get(given_names="John").documents.get().document_type == "S"


def test_french_passenger_list_with_oui_non(operator, client_for):
    header = [
        "Nom",
        "Prénoms",
        "Sexe",
        "Nationalité",
        "Date de naissance",
        "Port d'embarquement",
        "Passager en transit",
    ]
    rows = [
        ["Dupont", "Marie", "Femme", "Française", "01/01/1980", "Fort-de-France", "Oui"],
        ["Lafleur", "Jean", "homme", "Haïti", "02/02/1982", "Pointe-à-Pitre", "non"],
        ["Baptiste", "Luc", "H", "Sainte-Lucie", "03/03/1983", "Castries", ""],
    ]  # fmt: skip
    response = upload(client_for(operator), csv_bytes(header, rows), "passagers.csv", category="passenger")
    assert "3 added" in response.content.decode()
    marie = Person.objects.get(given_names="Marie")
    assert (marie.sex, marie.nationality.code, marie.in_transit) == ("F", "FR", True)
    assert Person.objects.get(given_names="Jean").in_transit is False
    assert Person.objects.get(given_names="Luc").nationality == "LC"


def test_m_is_not_guessed_in_a_list_that_writes_h_for_men(operator):
    header = ["Apellidos", "Nombres", "Sexo", "Nacionalidad", "Fecha de nacimiento"]
    rows = [["Pérez", "Juan", "H", "Cuba", "12/08/1974"], ["Pérez", "Ana", "M", "Cuba", "12/08/1976"]]
    with pytest.raises(ImportErrors) as caught:
        read_people_file(io.BytesIO(csv_bytes(header, rows)), name="x.csv", category="crew")
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "Sexo") and "mujer" in error.message


def test_an_ambiguous_name_is_refused_naming_both_countries(operator):
    header = ["Family name", "Gender", "Nationality", "Date of birth"]
    with pytest.raises(ImportErrors) as caught:
        read_people_file(
            io.BytesIO(csv_bytes(header, [["Doe", "F", "San Martín", "1980-01-01"]])),
            name="x.csv",
            category="crew",
        )
    [error] = caught.value.errors
    assert "Sint Maarten" in error.message and "Saint Martin" in error.message and "MF, SX" in error.message


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("España", "ES"),
        ("espana", "ES"),
        ("Nederland", "NL"),
        ("Países Bajos", "NL"),
        ("Pays-Bas", "NL"),
        ("St Lucia", "LC"),
        ("Santa Lucía", "LC"),
        ("St. Vincent", "VC"),
        ("Saint-Vincent-et-les-Grenadines", "VC"),
        ("Sint Maarten", "SX"),
        ("St Maarten", "SX"),
        ("Saint-Martin", "MF"),
        ("St Kitts", "KN"),
        ("San Cristóbal y Nieves", "KN"),
        ("Statia", "BQ"),
        ("BVI", "VG"),
        ("Islas Vírgenes Británicas", "VG"),
        ("Amerikaanse Maagdeneilanden", "VI"),
        ("Bahama's", "BS"),
        ("Trinité-et-Tobago", "TT"),
        ("Verenigde Staten", "US"),
        ("États-Unis", "US"),
        ("Reino Unido", "GB"),
        ("Bajan", "BB"),
        ("Nederlandse", "NL"),
        ("Congo", "CG"),
        ("Dominique", "DM"),
    ],
)
def test_country_names_in_four_languages(text, iso):
    assert parse_country(text) == iso
    assert country_by_name(text.upper()) == iso


def test_every_header_of_every_language_is_recognised_and_none_names_two_columns():
    for column in COLUMNS:
        for header in (*column.headers.values(), *column.aliases):
            assert HEADER_LOOKUP[normalise_header(header)] is column, header
    # The column help shows the aliases as people write them, not folded ("family name s").
    surname = next(c for c in COLUMNS if c.key == "surname")
    assert "Family name(s)" in surname.also_accepted("en") and "Apellidos" in surname.also_accepted("en")


@pytest.mark.parametrize("language", ["es", "nl"])
def test_upload_page_and_template_in_the_readers_language(operator, client_for, language):
    operator.language = language
    operator.save(update_fields=["language"])
    client = client_for(operator)
    with translation.override("en"):  # the account's language is activated by the request: put it back
        body = client.get(reverse("vessels:people_upload")).content.decode()
        csv = client.get(reverse("vessels:upload_template", args=["crew"])).content.decode()
    assert "family name s" not in body
    assert csv.strip().split(",")[0] == {"es": "Apellidos", "nl": "Achternaam"}[language]
    assert template_headers("crew", language)[0] in body
