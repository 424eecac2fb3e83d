"""--format auto: every shared real file is recognised for what it is."""

import pytest

from caribclear.edifact.detect import detect_format
from caribclear.edifact.tests.fixtures import shared_file


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("edifact", "cuscar_d03b_ung_group.edi"), "cuscar"),
        (("edifact", "cuscar_d99a_two_messages.edi"), "cuscar"),
        (("edifact", "ifcsum_d01b.edi"), "ifcsum"),
        (("edifact", "paxlst_d03b_ung_group.edi"), "paxlst"),
        (("edifact", "paxlst_d05b_typeb_envelope_a.txt"), "paxlst"),
        (("edifact", "paxlst_d05b_typeb_envelope_d.txt"), "paxlst"),
        (("cargo-xml", "xfwb_example.xml"), "xfwb"),
        (("cargo-xml", "xfwb_acas_us.xml"), "xfwb"),
    ],
)
def test_shared_files(parts, expected):
    assert detect_format(shared_file(*parts)) == expected


def test_an_empty_message_type_is_told_by_the_content_or_the_family():
    paxlst = b"UNB+UNOA:4+S+R+261201:1200+1'UNH+1+:D:05B:UN'BGM+745'NAD+FL+++DOE:JO'UNT+4+1'UNZ+1+1'"
    bare = b"UNB+UNOA:4+S+R+261201:1200+1'UNH+1+:D:05B:UN'BGM+745'UNT+3+1'UNZ+1+1'"
    assert detect_format(paxlst) == "paxlst"
    assert detect_format(bare, family="passengers") == "paxlst"
    assert detect_format(bare, family="cargo") == "cuscar"


def test_tables():
    assert detect_format(b"PK\x03\x04rest") == "xlsx"
    assert detect_format(b"carrier,flight\nBW,BW1\n") == "csv"
