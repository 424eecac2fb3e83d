"""Property-based tests: any separators a UNA sets, any split of the lines, any bytes: a result or a ReadError."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caribclear.cargo.readers import read_manifest
from caribclear.edifact import ReadError, read_interchanges
from caribclear.edifact.tests.fixtures import shared_file
from caribclear.passengers.readers import read_passenger_list

SEPARATOR_CHARS = [c for c in string.punctuation + "\x1c\x1d\x1f" if c not in "."]
TEXT = st.text(alphabet=string.ascii_uppercase + string.digits + " -/'+:?*$!|#~^", max_size=12)


@st.composite
def interchanges(draw):
    chars = draw(st.lists(st.sampled_from(SEPARATOR_CHARS), min_size=4, max_size=4, unique=True))
    comp, elem, rel, term = chars
    values = draw(
        st.lists(
            st.lists(st.lists(TEXT, min_size=1, max_size=3), min_size=1, max_size=4), min_size=1, max_size=8
        )
    )

    def esc(v: str) -> str:
        return "".join(rel + c if c in (comp, elem, rel, term) else c for c in v)

    body = []
    for elements in values:
        body.append("FTX" + elem + elem.join(comp.join(esc(c) for c in e) for e in elements))
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
        + "X1",
        "UNH" + elem + "1" + elem + "PAXLST" + comp + "D" + comp + "05B" + comp + "UN",
        *body,
        "UNT" + elem + str(len(body) + 2) + elem + "1",
        "UNZ" + elem + "1" + elem + "X1",
    ]
    text = "UNA" + comp + elem + "." + rel + " " + term + term.join(segments) + term
    return text, values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    interchanges(),
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=15),
    st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_any_separators_and_any_line_split_read_back_the_same_values(generated, cuts, newline):
    text, values = generated
    # Split lines anywhere after the UNA service string, as a telex wraps them.
    head, tail = text[:9], text[9:]
    for cut in sorted({c % (len(tail) + 1) for c in cuts}, reverse=True):
        tail = tail[:cut] + newline + tail[cut:]
    data = ("QU HDQ\r\n.HDQRM 011200\r\n" + head + tail + "\r\nNNNN\r\n").encode("latin-1")
    result = read_interchanges(data)
    assert result.errors == [] and [w.code for w in result.warnings] == ["envelope", "envelope"]
    segments = result.messages[0].body()
    # Empty trailing components and elements are as the writer left them; compare what was written.
    assert [s.elements for s in segments] == [[list(e) for e in elements] for elements in values]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_a_result_or_a_read_error(data):
    try:
        read_interchanges(data)
    except ReadError as exc:
        assert exc.issue.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="UNABHTZGE+:'?*$ \r\n\t.-XYZ0123", max_size=300))
def test_edifact_like_noise_gives_a_result_or_a_read_error(text):
    try:
        read_interchanges(("UNA" + text).encode())
    except ReadError as exc:
        assert exc.issue.message


def _mutations():
    files = [
        shared_file("edifact", name)
        for name in (
            "paxlst_d05b_typeb_envelope_a.txt",
            "paxlst_d03b_ung_group.edi",
            "cuscar_d03b_ung_group.edi",
        )
    ]
    return st.tuples(
        st.sampled_from(files),
        st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 8), st.binary(max_size=4)), max_size=6),
    )


@settings(max_examples=150, deadline=None)
@given(_mutations())
def test_damaged_real_files_never_break_the_readers(sample):
    data, edits = sample
    for at, drop, insert in edits:
        at %= len(data) + 1
        data = data[:at] + insert + data[at + drop :]
    passengers = read_passenger_list(data)
    cargo = read_manifest(data)
    assert "internal" not in {e.code for e in passengers.errors + cargo.errors}


@settings(max_examples=100, deadline=None)
@given(
    st.binary(max_size=300), st.sampled_from(["auto", "awmds", "xfwb", "xfzb", "xffm", "cuscar", "ifcsum"])
)
def test_any_bytes_as_any_cargo_format_give_errors_not_exceptions(data, fmt):
    result = read_manifest(b"<" + data if fmt not in ("cuscar", "ifcsum") else data, fmt)
    assert "internal" not in {e.code for e in result.errors}
    if not result.ok:
        assert result.errors or not result.manifests


@given(
    st.sampled_from(["101", "102", "201", "202", "203", "204", ""]),
    st.text("0123456789", max_size=15) | st.text("0123456789²٣", max_size=15),
)
@settings(max_examples=3000, deadline=None)
def test_a_dtm_value_reads_as_strptime_reads_it(fmt: str, value: str) -> None:
    """DTM values are read field by field at fixed places: the same date and time as strptime gives with
    the format's pattern (and None where strptime refuses the value), for any digits."""
    import datetime as dt

    from caribclear.edifact.dates import _BY_LENGTH, _FORMATS, _expected_length, parse_dtm

    code = fmt if fmt in _FORMATS and _expected_length(fmt) == len(value) else _BY_LENGTH.get(len(value), "")
    expected: dt.datetime | None = None
    if code:
        try:
            expected = dt.datetime.strptime(value, _FORMATS[code])  # noqa: DTZ007
        except ValueError:
            expected = None
        if expected is not None and code in ("101", "201", "202"):
            expected = expected.replace(year=2000 + expected.year % 100)
    for past in (False, True):
        wanted = expected
        short = code in ("101", "201", "202")
        if wanted is not None and short and past and wanted.year > dt.datetime.now(dt.UTC).year:
            wanted = wanted.replace(year=wanted.year - 100)
        assert parse_dtm(value, fmt, past=past) == wanted, (value, fmt, past)
