"""The readers, on the real list files in the shared fixtures folder."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from caribclear.screening.engine import InputError, detect_format, iter_queries, read_watchlist
from caribclear.screening.engine.formats.common import parse_dates
from caribclear.screening.engine.formats.ftm import read_ftm
from caribclear.screening.engine.formats.lookouts import read_lookouts
from caribclear.screening.engine.formats.ofac import companion


def by_id(entities: list) -> dict:
    return {e.id: e for e in entities}


def test_parse_dates_as_lists_write_them() -> None:
    assert parse_dates("16 May 1961") == ["1961-05-16"]
    assert parse_dates("May 1961") == ["1961-05"]
    assert parse_dates("circa 1960") == ["1960"]
    assert parse_dates("1960 to 1962") == ["1960", "1961", "1962"]
    assert parse_dates("01 Jan 1960 to 31 Dec 1961") == ["1960", "1961"]
    assert parse_dates("1971-05-23") == ["1971-05-23"]
    assert parse_dates("unknown") == []


def test_ofac_sdn_with_aliases_and_addresses(watchlists: Path) -> None:
    sdn = watchlists / "ofac_sdn.csv"
    assert detect_format(sdn) == "ofac"
    assert companion(sdn, "alt").name == "ofac_alt.csv"
    info, entities = read_watchlist(sdn)
    assert info.format == "ofac"
    assert info.skipped == 277  # aircraft are not screened
    assert Counter(e.schema for e in entities) == {"Person": 4620, "Organization": 3673, "Vessel": 406}
    ents = by_id(entities)

    person = ents["ofac-10286"]
    assert person.names == ("MALDONADO ESCOBAR, Fernando",)
    assert person.birth_dates == ("1961-05-16",)
    assert person.identifiers["passport"] == ("AH330349",)
    assert person.identifiers["national_id"] == ("19445721",)

    many = ents["ofac-6916"]  # aliases from alt.csv plus a.k.a. in the remarks
    assert many.names[0] == "ALI, Ahmed Mohammed Hamed"
    assert len(many.names) == 15
    assert "AL-MASRI, Ahmad" in many.names
    assert many.nationalities == ("Egypt",)

    vessel = ents["ofac-4243"]
    assert vessel.schema == "Vessel"
    assert vessel.identifiers["call_sign"] == ("P3QG3",)
    assert vessel.details["flag"] == "Cyprus"
    assert vessel.details["vessel_type"] == "General Cargo"
    assert vessel.details["owner"] == "Sand & Swan Navigation Co. Ltd."
    assert vessel.names == ("SAND SWAN", "ANA I")
    assert ents["ofac-18337"].identifiers["imo"] == ("8002664",)

    bank = ents["ofac-306"]
    assert "Zweierstrasse 35, Zurich CH-8022, Switzerland" in bank.details["addresses"]


def test_un_consolidated_list(watchlists: Path) -> None:
    path = watchlists / "UN_consolidated.xml"
    assert detect_format(path) == "un"
    info, entities = read_watchlist(path)
    assert info.published == "2026-02-27T00:00:09.554Z"
    assert Counter(e.schema for e in entities) == {"Person": 730, "Organization": 273}
    assert len({e.id for e in entities}) == len(entities)
    ents = by_id(entities)

    njabu = ents["un-CDi.021"]
    assert njabu.names[0] == "FLORIBERT NGABU NJABU"
    assert "Floribert Ndjabu" in njabu.names
    assert njabu.birth_dates == ("1971-05-23",)
    assert njabu.identifiers["passport"] == ("OB 0243318",)
    assert njabu.nationalities == ("Democratic Republic of the Congo",)
    assert njabu.gender == "male"

    assert ents["un-QDi.001"].birth_dates == ("1963-04-11", "1960-04-11")
    assert ents["un-CDi.030"].birth_dates == ("1973", "1974")  # BETWEEN 1973 and 1974
    assert ents["un-CDi.001"].birth_dates == ("1971",)  # year only
    adf = ents["un-CDe.001"]
    assert adf.schema == "Organization"
    assert adf.names[:2] == ("ADF", "Allied Democratic Forces")


def test_consolidated_screening_list(watchlists: Path) -> None:
    path = watchlists / "csl.csv"
    assert detect_format(path) == "csl"
    info, entities = read_watchlist(path)
    assert info.entity_count == 115
    ents = by_id(entities)
    tanker = ents["csl-27304"]
    assert tanker.schema == "Vessel"
    assert tanker.names == ("ADRIAN DARYA 1", "GRACE 1")
    assert tanker.identifiers["imo"] == ("IMO 9116412",)
    plc = ents["csl-9696"]
    assert plc.schema == "Person"
    assert plc.names == ("ABDUL JAWAD, Naser", "ABDEL JAWAD, Nasir Abdullah Odeh")
    assert plc.birth_dates == ("1965",)
    # the Denied Persons List does not say whether an entry is a person or a company
    unknown = [e for e in entities if e.names[0] == "ADRIAN MANUEL HERNANDEZ"]
    assert [e.schema for e in unknown] == ["LegalEntity"]


FTM_SAMPLE = [
    {
        "id": "NK-abc",
        "schema": "Person",
        "properties": {
            "name": ["Nicolás Maduro Moros"],
            "alias": ["Nicolas MADURO"],
            "birthDate": ["1962-11-23"],
            "nationality": ["ve"],
            "gender": ["male"],
            "passportNumber": ["D0000001"],
        },
        "datasets": ["us_ofac_sdn"],
    },
    {
        "id": "NK-ship",
        "schema": "Vessel",
        "properties": {"name": ["SEA STAR"], "imoNumber": ["IMO 9187629"], "mmsi": ["352001234"]},
    },
    {"id": "NK-co", "schema": "Company", "properties": {"name": ["Petroleos de Venezuela S.A."]}},
    {"id": "addr-1", "schema": "Address", "properties": {"full": ["Caracas"]}},
]


def write_ftm(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_followthemoney_entities(tmp_path: Path) -> None:
    path = write_ftm(tmp_path / "entities.ftm.json", FTM_SAMPLE)
    assert detect_format(path) == "ftm"
    info, entities = read_ftm(path)
    assert info.skipped == 1
    ents = by_id(entities)
    maduro = ents["NK-abc"]
    assert maduro.names == ("Nicolás Maduro Moros", "Nicolas MADURO")
    assert maduro.birth_dates == ("1962-11-23",)
    assert maduro.identifiers == {"passport": ("D0000001",)}
    assert ents["NK-ship"].identifiers == {"imo": ("IMO 9187629",), "mmsi": ("352001234",)}
    assert ents["NK-co"].schema == "Organization"


def test_bad_ftm_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text(json.dumps(FTM_SAMPLE[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_ftm(path)
    assert err.value.line == 2
    assert "bad.ftm.json, line 2: not valid JSON" in str(err.value)


LOOKOUTS = (
    "id,schema,name,aliases,birth_date,nationality,gender,passport_number,imo_number,mmsi,call_sign,notes\n"
    'L1,Person,"PEREZ, Juan",Juanito Perez;J. Perez,1980-02-03,DO,M,X1234567,,,,seen in Samana\n'
    "L2,Vessel,Lady Luck,,,,,,9187629,352001234,HP1234,\n"
)


def test_lookout_csv(tmp_path: Path) -> None:
    path = tmp_path / "lookouts.csv"
    path.write_text(LOOKOUTS, encoding="utf-8")
    assert detect_format(path) == "csv"
    _info, entities = read_lookouts(path)
    juan, boat = entities
    assert juan.names == ("PEREZ, Juan", "Juanito Perez", "J. Perez")
    assert juan.gender == "male"
    assert juan.identifiers == {"passport": ("X1234567",)}
    assert juan.details == {"notes": "seen in Samana"}
    assert boat.schema == "Vessel"
    assert boat.identifiers == {"imo": ("9187629",), "mmsi": ("352001234",), "call_sign": ("HP1234",)}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("L3,Person,,,,,,,,,,", "line 2: record 'L3' has no name"),
        ("L3,Person,Ana,,03/02/1980,,,,,,,", "line 2: birth_date '03/02/1980' is not YYYY-MM-DD"),
        ("L3,Plane,Ana,,,,,,,,,", "line 2: schema 'Plane' is not one of"),
        ("L3,Person,Ana,,,,X,,,,,", "line 2: gender 'X' is not male or female"),
    ],
)
def test_bad_lookout_rows(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "lookouts.csv"
    path.write_text(LOOKOUTS.splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_lookouts(path)


def test_query_csv_needs_id_and_name(tmp_path: Path) -> None:
    good = tmp_path / "q.csv"
    good.write_text("id,name,birth_date,nationality,gender\nP1,Ana Diaz,1990,CU,F\n", encoding="utf-8")
    [query] = list(iter_queries(good))
    assert (query.id, query.names, query.birth_dates, query.gender) == (
        "P1",
        ("Ana Diaz",),
        ("1990",),
        "female",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("who,when\nAna,1990\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        list(iter_queries(bad))


def test_missing_and_unknown(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_watchlist(tmp_path / "nope.csv")
    path = write_ftm(tmp_path / "x.json", FTM_SAMPLE)
    with pytest.raises(InputError, match="unknown format 'xls'"):
        read_watchlist(path, "xls")
