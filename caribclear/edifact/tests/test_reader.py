"""The interchange reader on files as carriers send them."""

import pytest
from pydifact.parser import Parser

from caribclear.edifact import ReadError, read_interchanges
from caribclear.edifact.tests.fixtures import shared_file

SIMPLE = (
    "UNA:+.? '"
    "UNB+UNOA:4+SENDER:ZZ+RECEIVER:ZZ+261201:1200+REF1'"
    "UNH+M1+PAXLST:D:05B:UN:IATA'"
    "BGM+745'"
    "NAD+FL+++O?'BRIEN:SEAN'"
    "UNT+4+M1'"
    "UNZ+1+REF1'"
)


def test_a_clean_interchange_reads_with_names_unescaped_and_no_warning():
    result = read_interchanges(SIMPLE.encode())
    assert result.warnings == [] and result.errors == []
    (interchange,) = result.interchanges
    assert (interchange.sender, interchange.recipient, interchange.control_reference) == (
        "SENDER",
        "RECEIVER",
        "REF1",
    )
    (message,) = interchange.messages
    assert (message.type, message.directory, message.agency) == ("PAXLST", "D05B", "UN")
    nad = message.segments[2]
    assert nad.tag == "NAD" and nad.get(4, 1) == "O'BRIEN" and nad.get(4, 2) == "SEAN"


def test_segments_split_the_same_as_pydifact_on_a_clean_interchange():
    ours = [seg for m in read_interchanges(SIMPLE.encode()).messages for seg in m.segments]
    theirs = [s for s in Parser().parse(SIMPLE) if s.tag not in ("UNA", "UNB", "UNZ")]
    assert [s.tag for s in ours] == [s.tag for s in theirs]
    for mine, ref in zip(ours, theirs, strict=True):
        flat = [e if len(e) > 1 else e[0] for e in mine.elements]
        assert flat == ref.elements


def test_lines_broken_anywhere_even_mid_tag_are_joined_and_lines_are_those_of_the_file():
    text = SIMPLE.replace("NAD+FL", "NA\r\nD+FL").replace("UNT+4", "UNT+\n4")
    wrapped = "\r\n".join(text[i : i + 17] for i in range(0, len(text), 17))
    result = read_interchanges(wrapped.encode())
    assert result.warnings == []
    message = result.messages[0]
    nad = next(s for s in message.segments if s.tag == "NAD")
    assert nad.get(4, 1) == "O'BRIEN"
    expected_line = wrapped[: wrapped.index("NA\r\n")].count("\n") + 1
    assert nad.line == expected_line


def test_bom_leading_spaces_tabs_and_one_segment_per_line():
    text = "\ufeff" + "\n".join("\t  " + s + "'" for s in SIMPLE.removeprefix("UNA:+.? '").split("'") if s)
    result = read_interchanges(text.encode("utf-8"))
    assert [s.tag for s in result.messages[0].segments] == ["UNH", "BGM", "NAD", "UNT"]
    assert result.warnings == []


@pytest.mark.parametrize("una", ["UNA*$.\\ !", "UNA:*.? $", "UNA|^.# ~"])
def test_any_separators_set_by_una(una):
    comp, elem, _dec, rel, _rep, term = una[3:]
    segments = [
        "UNB"
        + elem
        + "UNOC"
        + comp
        + "4"
        + elem
        + "S"
        + elem
        + "R"
        + elem
        + "261201"
        + comp
        + "1200"
        + elem
        + "9",
        "UNH" + elem + "1" + elem + "PAXLST" + comp + "D" + comp + "02B" + comp + "UN",
        "NAD" + elem + "FL" + elem + elem + elem + "SMITH" + rel + elem + "JONES" + comp + "ANN",
        "UNT" + elem + "3" + elem + "1",
        "UNZ" + elem + "1" + elem + "9",
    ]
    result = read_interchanges((una + term.join(segments) + term).encode())
    assert result.warnings == []
    nad = result.messages[0].segments[1]
    assert nad.get(4, 1) == "SMITH" + elem + "JONES" and nad.get(4, 2) == "ANN"


def test_newline_as_segment_terminator():
    text = "UNA:+.? \nUNB+UNOA:4+S+R+261201:1200+9\nUNH+1+CUSCAR:D:95B:UN\nBGM+85+X\nUNT+3+1\nUNZ+1+9\n"
    result = read_interchanges(text.encode())
    assert result.warnings == []
    assert [s.tag for s in result.messages[0].segments] == ["UNH", "BGM", "UNT"]
    assert result.messages[0].segments[1].line == 4


def test_groups_several_messages_and_several_interchanges_in_one_file():
    one = (
        "UNB+UNOA:4+S+R+261201:1200+A1'UNG+PAXLST+S+R+261201:1200+G1+UN+D:05B'"
        "UNH+1+PAXLST:D:05B:UN'BGM+745'UNT+3+1'UNH+2+PAXLST:D:05B:UN'BGM+250'UNT+3+2'UNE+2+G1'UNZ+1+A1'"
    )
    two = "UNA:+.? 'UNB+UNOA:4+S+R+261201:1300+A2'UNH+1+PAXLST:D:05B:UN'BGM+745'UNT+3+1'UNZ+1+A2'"
    result = read_interchanges(
        ("ZCZC header\r\n" + one + "\r\nNNNN\r\n" + two + "\r\n-- mail footer").encode()
    )
    assert [i.control_reference for i in result.interchanges] == ["A1", "A2"]
    assert [len(i.messages) for i in result.interchanges] == [2, 1]
    assert result.interchanges[0].groups[0].reference == "G1"
    assert [w.code for w in result.warnings] == ["envelope", "envelope", "envelope"]


def test_counts_that_disagree_are_warnings_with_the_segment_and_line():
    text = (
        "UNB+UNOA:4+S+R+261201:1200+A1'\r\nUNG+PAXLST+S+R+261201:1200+G1+UN+D:05B'\r\nUNH+1+PAXLST:D:05B:UN'\r\n"
        "BGM+745'\r\nUNT+9+1'\r\nUNE+3+G1'\r\nUNZ+4+A1'"
    )
    result = read_interchanges(text.encode())
    assert result.errors == []
    found = {(w.where.segment, w.where.line, w.code) for w in result.warnings}
    assert found == {("UNT", 5, "count_mismatch"), ("UNE", 6, "count_mismatch"), ("UNZ", 7, "count_mismatch")}
    unt = next(w for w in result.warnings if w.where.segment == "UNT")
    assert "9" in unt.message and "3" in unt.message and unt.where.position == 3


def test_an_empty_message_type_is_taken_from_the_group_with_a_warning():
    text = "UNB+UNOA:4+S+R+261201:1200+A1'UNG+CUSCAR+S+R+261201:1200+G1+UN+D:95B'UNH+1+:D:95B:UN'BGM+85'UNT+3+1'UNE+1+G1'UNZ+1+A1'"
    result = read_interchanges(text.encode())
    assert result.messages[0].type == "CUSCAR"
    assert [w.code for w in result.warnings] == ["unh_type_empty"]


def test_a_file_without_an_interchange_is_a_clear_error():
    with pytest.raises(ReadError) as exc:
        read_interchanges(b"Dear customs,\r\nplease find the list attached.\r\n")
    assert exc.value.issue.code == "no_interchange" and exc.value.issue.where.line == 1


def test_a_una_with_impossible_separators_names_its_line():
    with pytest.raises(ReadError) as exc:
        read_interchanges(b"header\r\nUNA++.? 'UNB+UNOA:4+S+R+1+1'")
    assert exc.value.issue.code == "una_separators" and exc.value.issue.where.line == 2


def test_a_garbled_segment_is_an_error_naming_its_line():
    text = "UNB+UNOA:4+S+R+261201:1200+A1'\nUNH+1+PAXLST:D:05B:UN'\n%%garbage'\nUNT+3+1'\nUNZ+1+A1'"
    result = read_interchanges(text.encode())
    assert [(e.code, e.where.line) for e in result.errors] == [("bad_segment", 3)]


def test_a_missing_unt_and_unz_are_warnings():
    result = read_interchanges(b"UNB+UNOA:4+S+R+261201:1200+A1'UNH+1+PAXLST:D:05B:UN'BGM+745'")
    assert len(result.messages) == 1
    assert {w.code for w in result.warnings} == {"unt_missing", "unz_missing"}


def test_the_real_type_b_file_a_wrapped_at_64_characters():
    result = read_interchanges(shared_file("edifact", "paxlst_d05b_typeb_envelope_a.txt"))
    (interchange,) = result.interchanges
    assert interchange.sender == "CICA-A9" and interchange.application_reference == "APIS"
    assert interchange.groups[0].message_type == "PAXLST"
    (message,) = interchange.messages
    assert message.common_access_reference == "A92707/210713/1200"
    cnt = next(s for s in message.segments if s.tag == "CNT")
    assert cnt.get(1, 2) == "47"  # "CNT+42:4" / "7'" joined across the line break
    codes = [w.code for w in result.warnings]
    assert codes == ["envelope", "count_mismatch", "envelope"]


def test_a_line_broken_just_before_the_una_terminator_is_not_a_newline_terminator():
    text = "UNA:+.? \r\n'UNB+UNOA:4+S+R+261201:1200+9'UNH+1+CUSCAR:D:95B:UN'BGM+85+X'UNT+3+1'UNZ+1+9'"
    result = read_interchanges(text.encode())
    assert result.errors == [] and result.warnings == []
    assert [s.tag for s in result.messages[0].segments] == ["UNH", "BGM", "UNT"]
