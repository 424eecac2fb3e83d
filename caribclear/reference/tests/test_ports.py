from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from caribclear.accounts.members import MEMBERS
from caribclear.accounts.models import Administration
from caribclear.reference.models import Port
from caribclear.reference.services import parse_coordinates, parse_unlocode_csv

pytestmark = pytest.mark.django_db

# Rows in the layout of the UNECE distribution (CodeListPart1.csv): change, country, location, name,
# name without diacritics, subdivision, status, function, date, IATA, coordinates, remarks.
UNLOCODE_SAMPLE = (
    ',"AG","","..ANTIGUA AND BARBUDA","","","","","","","",""\n'
    ',"AG","SJO","St. John\'s","St. John\'s","03","AI","1-3-----","0701","","1707N 06151W",""\n'
    ',"CW","WIL","Willemstad","Willemstad","","AI","1-3-----","0701","","1207N 06856W",""\n'
    ',"MQ","FDF","Fort-de-France","Fort-de-France","","AI","1-34----","0701","","1436N 06105W",""\n'
    ',"DE","HAM","Hamburg","Hamburg","HH","AI","12345---","0701","","5333N 00958E",""\n'
    'X,"AG","ZZZ","Removed place","Removed place","","","1-------","0701","","",""\n'
    '=,"AG","ANU","Antigua = St. John\'s","Antigua = St. John\'s","","","","","","",""\n'
).encode("latin-1")


def test_the_cclec_members_are_seeded():
    assert Administration.objects.count() == len(MEMBERS) == 39
    curacao = Administration.objects.get(code="CW")
    assert curacao.name == "Curaçao" and curacao.language_list == ["nl", "pap", "en"]
    assert curacao.document_language == "nl"
    assert Administration.objects.get(code="HT").document_language == "fr"


def test_coordinates_become_decimal_degrees():
    assert parse_coordinates("1707N 06151W") == (Decimal("17.11667"), Decimal("-61.85000"))
    assert parse_coordinates("") == (None, None)


def test_the_parser_skips_country_headers_removed_entries_and_references():
    rows = list(parse_unlocode_csv(UNLOCODE_SAMPLE))
    assert [row.locode for row in rows] == ["AGSJO", "CWWIL", "MQFDF", "DEHAM"]


def test_loading_keeps_member_territories_and_links_the_clearing_administration(tmp_path):
    path = tmp_path / "CodeListPart1.csv"
    path.write_bytes(UNLOCODE_SAMPLE)
    call_command("load_unlocode", str(path))
    assert set(Port.objects.values_list("locode", flat=True)) == {"AGSJO", "CWWIL", "MQFDF"}
    assert Port.objects.filter(locode="MQFDF", administration__code="FR").exists()
    assert Port.objects.get(locode="AGSJO").latitude == Decimal("17.11667")
    call_command("load_unlocode", str(path), "--all-countries")
    assert Port.objects.get(locode="DEHAM").administration is None


def test_reloading_updates_names_and_keeps_the_port_of_entry_flag(tmp_path):
    call_command("seed_ports_of_entry")
    path = tmp_path / "CodeListPart1.csv"
    path.write_bytes(
        UNLOCODE_SAMPLE.replace(b'St. John\'s","St. John\'s","03', b'Saint John\'s","Saint John\'s","03')
    )
    call_command("load_unlocode", str(path))
    port = Port.objects.get(locode="AGSJO")
    assert port.name == "Saint John's" and port.is_port_of_entry


def test_a_malformed_file_is_refused_with_the_line_number(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('"AG","SJO","St. John\'s"\n')
    with pytest.raises(CommandError, match="line 1"):
        call_command("load_unlocode", str(path))


def test_the_seed_makes_ports_of_entry_for_members():
    call_command("seed_ports_of_entry")
    entry_ports = Port.objects.ports_of_entry()
    assert entry_ports.filter(locode="BBBGI", administration__code="BB").exists()
    assert entry_ports.filter(locode="PRSJU", administration__code="US").exists()
    assert entry_ports.count() >= 40


def test_ports_of_entry_keep_their_zone_and_a_changed_zone_is_the_one_used(db):
    import datetime as dt

    from caribclear.reference.models import Port
    from caribclear.reference.services import ports_of_entry_seed
    from caribclear.reference.timezones import port_datetime_text, port_zone

    ports_of_entry_seed()
    port = Port.objects.get(locode="AGSJO")
    assert port.time_zone == "America/Antigua"
    moment = dt.datetime(2026, 12, 3, 18, 30, tzinfo=dt.UTC)
    assert port_datetime_text(moment, port) == "3 Dec 2026, 14:30 (AST, UTC-4)"
    port.time_zone = "America/St_Johns"  # an administrator corrects a port's clock
    port.save()
    assert str(port_zone(port)) == "America/St_Johns"
    assert port_datetime_text(moment, port) == "3 Dec 2026, 15:00 (NST, UTC-3:30)"
