"""PAXLST: every real file of the shared fixtures, and lists built as carriers send them."""

from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from caribclear.edifact.tests.fixtures import shared_file
from caribclear.passengers.readers import read_passenger_list


def test_type_b_file_a_a9_2707_from_vienna_with_one_passenger_and_counts_that_disagree():
    result = read_passenger_list(shared_file("edifact", "paxlst_d05b_typeb_envelope_a.txt"))
    assert result.format == "paxlst" and result.ok
    (lst,) = result.lists
    flight = lst.flight
    assert (flight.carrier, flight.number) == ("A9", "2707")
    assert (flight.departure_port, flight.departure_local) == ("VIE", datetime(2021, 7, 13, 11, 0))
    assert (flight.arrival_port, flight.arrival_local) == ("VIE", datetime(2021, 7, 13, 12, 0))
    assert lst.document_code == "745" and lst.sender_name == "CICA HELP DESK"
    (person,) = lst.people
    assert (person.role, person.surname, person.given_names, person.gender) == (
        "passenger",
        "DJEMFISJER",
        "REDJAE",
        "M",
    )
    assert person.date_of_birth == date(1993, 4, 8)
    assert (person.reservation_locator, person.seat, person.bags) == ("ABC123", "9F", 0)
    assert (person.embarkation, person.debarkation) == ("TBS", "VIE")
    (doc,) = person.documents
    assert (doc.type, doc.number, doc.expiry) == ("P", "3DEJ2ED3E", date(2028, 9, 7))
    mismatches = {w.where.segment: w.message for w in result.warnings if w.code == "count_mismatch"}
    assert "159" in mismatches["UNT"] and "47" in mismatches["CNT"]
    assert result.to_json()["flights"][0]["passengers"] == 1


def test_type_b_file_d_with_dash_separators_and_a_mail_footer():
    result = read_passenger_list(shared_file("edifact", "paxlst_d05b_typeb_envelope_d.txt"))
    assert result.ok
    (lst,) = result.lists
    assert (lst.flight.carrier, lst.flight.number) == ("FZ", "708")
    assert (lst.flight.departure_port, lst.flight.arrival_port) == ("VIE", "FRA")
    assert lst.flight.arrival_local == datetime(2021, 8, 27, 17, 40)
    (person,) = lst.people
    assert (person.surname, person.date_of_birth, person.nationality) == (
        "ERFADFEFW",
        date(1983, 10, 31),
        "ABC",
    )
    assert person.bag_tags == ["FDERWEG345"] and person.bags == 1
    assert person.documents[0].expiry == date(2031, 2, 8)
    footer = [w for w in result.warnings if w.code == "envelope"][-1]
    assert footer.where.line == 35  # the first line of the mail footer (after the ETX and a blank line)
    assert lst.declared_passengers == 161


def test_cbp_crew_report_in_a_ung_group():
    result = read_passenger_list(shared_file("edifact", "paxlst_d03b_ung_group.edi"))
    assert result.ok
    (lst,) = result.lists
    assert lst.directory == "D03B" and lst.flight.carrier == "LOCK"
    (person,) = lst.people
    assert (person.role, person.surname, person.given_names) == ("crew", "AOMAD", "CHRIS")
    assert person.date_of_birth == date(1935, 9, 19) and person.nationality == "US"
    assert [(d.type, d.number, d.issuing_state) for d in person.documents] == [
        ("5K", "P100971204141", "US"),
        ("39", "15504141", "US"),
    ]
    assert "RESTON" in person.address


PROGRESSIVE = (
    "UNA:+.? '\n"
    "UNB+UNOA:4+BWAPI:ZZ+BBCUS:ZZ+261201:0900+77'\n"
    "UNH+1+PAXLST:D:12B:UN:IATA+BW484/261201/1000+01:F'\n"
    "BGM+745'\n"
    "NAD+MS+++BW OPS'\n"
    "TDT+20+BW484+++BW'\n"
    "LOC+125+POS'\nDTM+189:2612011000:201'\nLOC+87+BGI'\nDTM+232:2612011100:201'\n"
    "LOC+125+BGI'\nDTM+189:2612011200:201'\nLOC+87+ANU'\nDTM+232:2612011330:201'\n"
    "NAD+FL+++GARCIA MARQUEZ:ANA:MARIA'\nATT+2++F'\nDTM+329:19900408'\nLOC+178+POS'\nLOC+179+ANU'\n"
    "NAT+2+TTO'\nRFF+AVF:QX7Y2Z'\nDOC+P:110:111+TA1234567'\nDTM+36:20310208'\nLOC+91+TTO'\n"
    "NAD+DDT+++SMITH:JOHN'\nATT+2++M'\nDTM+329:750101'\nNAT+2+GBR'\n"
    "NAD+FM+++JONES:MARY'\nATT+2++F'\nEMP+1+CR1:110:111'\n"
    "CNT+42:2'\nCNT+41:1'\n"
    "UNT+32+1'\nUNZ+1+77'\n"
)


def test_a_progressive_flight_has_its_legs_passengers_in_transit_and_crew():
    result = read_passenger_list(PROGRESSIVE.encode())
    assert result.ok and result.warnings == []
    (lst,) = result.lists
    legs = [(leg.departure_port, leg.arrival_port) for leg in lst.flight.legs]
    assert legs == [("POS", "BGI"), ("BGI", "ANU")]
    assert (lst.flight.departure_port, lst.flight.arrival_port) == ("POS", "ANU")
    assert lst.flight.arrival_local == datetime(2026, 12, 1, 13, 30)
    ana, john, mary = lst.people
    assert (ana.surname, ana.given_names, ana.gender, ana.date_of_birth) == (
        "GARCIA MARQUEZ",
        "ANA MARIA",
        "F",
        date(1990, 4, 8),
    )
    assert ana.documents[0].issuing_state == "TTO" and ana.reservation_locator == "QX7Y2Z"
    assert john.in_transit and john.role == "passenger" and john.date_of_birth == date(1975, 1, 1)
    assert mary.role == "crew" and mary.crew_function == "CR1"
    assert (lst.passengers, lst.crew) == (2, 1)
    data = result.to_json()
    assert data["counts"] == {"interchanges": 1, "messages": 1, "passengers": 2, "crew": 1}
    assert "people" not in data["messages"][0]
    assert data["messages"][0]["flight"]["legs"][1]["arrival_port"] == "ANU"


def test_the_same_list_with_star_and_dollar_separators_wrapped_at_40_columns():
    text = PROGRESSIVE.replace("\n", "").removeprefix("UNA:+.? '")
    text = text.replace("+", "*").replace(":", "^").replace("'", "$")
    text = "UNA^*.? $" + text
    wrapped = "\r\n".join(text[i : i + 40] for i in range(0, len(text), 40))
    result = read_passenger_list(("  " + wrapped).encode())
    assert result.ok and result.warnings == []
    assert [p.surname for p in result.lists[0].people] == ["GARCIA MARQUEZ", "SMITH", "JONES"]


def test_several_interchanges_and_an_empty_message_type_in_one_file():
    second = PROGRESSIVE.replace("+77'", "+78'").replace("PAXLST:D:12B", ":D:12B").replace("BW484", "BW485")
    result = read_passenger_list((PROGRESSIVE + "\r\n=== next telex ===\r\n" + second).encode())
    assert [lst.flight.number for lst in result.lists] == ["484", "485"]
    assert "unh_type_empty" in {w.code for w in result.warnings}
    assert result.to_json()["counts"]["interchanges"] == 2


def test_wrong_counts_are_warnings_and_a_nameless_person_is_an_error_with_its_line():
    text = PROGRESSIVE.replace("CNT+42:2", "CNT+42:5").replace("NAD+DDT+++SMITH:JOHN", "NAD+DDT+++:JOHN")
    result = read_passenger_list(text.encode())
    assert not result.ok
    (error,) = result.errors
    line = text.split("\n").index("NAD+DDT+++:JOHN'") + 1
    assert error.code == "no_name" and error.where.line == line == 25 and error.where.segment == "NAD"
    assert any(w.code == "count_mismatch" and "5" in w.message for w in result.warnings)


def test_a_cargo_file_is_not_a_passenger_list():
    result = read_passenger_list(shared_file("edifact", "cuscar_d99a_two_messages.edi"))
    assert not result.ok and result.errors[0].code == "format"


def test_garbage_is_rejected_with_a_reason():
    result = read_passenger_list(b"\x00\x01\x02 hello")
    assert not result.ok and result.errors


_SEPARATORS = list("!#$%&()*+,:;<=>?@[]^_`{|}~'\\-")  # not '/', which the list has in its data


@settings(max_examples=60, deadline=None)
@example(
    ["!", "#", "$", "%"], 8, "\r\n", ""
)  # found by hypothesis: the UNA line broken right before its terminator
@given(
    st.lists(st.sampled_from(_SEPARATORS), min_size=4, max_size=4, unique=True),
    st.integers(min_value=1, max_value=90),
    st.sampled_from(["\r\n", "\n"]),
    st.text(alphabet=" \t", max_size=3),
)
def test_any_separators_any_wrapping_read_the_same_people(chars, width, newline, indent):
    comp, elem, rel, term = chars
    body = PROGRESSIVE.replace("\n", "").removeprefix("UNA:+.? '")
    table = {ord(":"): comp, ord("+"): elem, ord("'"): term}
    text = "UNA" + comp + elem + "." + rel + " " + term + body.translate(table)
    wrapped = newline.join(
        indent + text[i : i + width] if i == 0 else text[i : i + width] for i in range(0, len(text), width)
    )
    result = read_passenger_list(("QU BGIXXBW\r\n.BWAPI 010900\r\n" + wrapped).encode())
    assert result.ok
    (lst,) = result.lists
    assert [(p.surname, p.given_names, p.role) for p in lst.people] == [
        ("GARCIA MARQUEZ", "ANA MARIA", "passenger"),
        ("SMITH", "JOHN", "passenger"),
        ("JONES", "MARY", "crew"),
    ]
    assert [(leg.departure_port, leg.arrival_port) for leg in lst.flight.legs] == [
        ("POS", "BGI"),
        ("BGI", "ANU"),
    ]


def test_a_list_without_tdt_takes_its_flight_from_the_unh_reference():
    text = PROGRESSIVE.replace("TDT+20+BW484+++BW'\n", "").replace("UNT+32+1", "UNT+31+1")
    result = read_passenger_list(text.encode())
    assert result.ok and result.warnings == []
    assert (result.lists[0].flight.carrier, result.lists[0].flight.number) == ("BW", "484")
