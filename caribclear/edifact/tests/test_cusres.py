"""CUSRES answers: read back by our reader and by pydifact."""

from datetime import UTC, datetime

from pydifact.parser import Parser

from caribclear.edifact import read_interchanges
from caribclear.edifact.cusres import (
    CONTACT_AUTHORITY,
    NOT_TO_BOARD,
    OK_TO_BOARD,
    Answer,
    ResponseFlight,
    write_cusres,
)


def _answers() -> bytes:
    return write_cusres(
        sender="BBCUSTOMS",
        recipient="BWAPI",
        control_reference="1001",
        responding_to="PAX001",
        prepared=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        flight=ResponseFlight(
            "BW484", "POS", datetime(2026, 12, 1, 10, 0), "BGI", datetime(2026, 12, 1, 11, 0)
        ),
        answers=[
            Answer(OK_TO_BOARD, {"AVF": "QX7Y2Z"}, surname="O'NEIL", given_names="ANN"),
            Answer(NOT_TO_BOARD, {"ABO": "2"}, reasons=["8502"], document_number="TA1234567"),
            Answer(CONTACT_AUTHORITY, {"ABO": "3"}, text="Call the duty officer: +1 246 555 0100"),
        ],
    )


def test_per_passenger_answers_read_back_with_their_status():
    result = read_interchanges(_answers())
    assert result.warnings == [] and result.errors == []
    (message,) = result.messages
    assert message.type == "CUSRES" and message.directory == "D05B"
    statuses = [s.get(1) for s in message.segments if s.tag == "ERC"]
    assert statuses == ["0Z", "1Z", "8502", "2Z"]
    nad = next(s for s in message.segments if s.tag == "NAD")
    assert nad.get(4, 1) == "O'NEIL"
    ftx = next(s for s in message.segments if s.tag == "FTX")
    assert ftx.get(4, 1) == "Call the duty officer: +1 246 555 0100"


def test_pydifact_reads_the_answer_too():
    segments = list(Parser().parse(_answers().decode("latin-1")))
    assert [s.tag for s in segments][:4] == ["UNA", "UNB", "UNH", "BGM"]
    assert segments[-1].tag == "UNZ"


def test_a_filing_acknowledgement_carries_the_mrns():
    data = write_cusres(
        sender="BBCUSTOMS",
        recipient="MSCU",
        control_reference="7",
        responding_to="MANIFEST-42",
        prepared=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        answers=[
            Answer("REGISTERED", {"ACW": "LRN-1", "ABT": "26BB000000000017"}),
            Answer("REJECTED", {"ACW": "LRN-2"}, text="vague description"),
        ],
    )
    message = read_interchanges(data).messages[0]
    refs = [(s.get(1, 1), s.get(1, 2)) for s in message.segments if s.tag == "RFF"]
    assert ("ABT", "26BB000000000017") in refs and ("ACW", "LRN-2") in refs
