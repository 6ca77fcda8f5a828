"""The UNA repetition separator (position 8): repeated data elements become occurrences, not components."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.flights.models import Flight, Traveller
from paxvet.ingest.edifact import parse_edifact
from paxvet.ingest.models import PROCESSED, RawMessage
from paxvet.ingest.service import receive
from paxvet.ingest.tokens import Separators, tokenize

FIXTURE = FIXTURES / "paxlst" / "una_repetition_d15b.edi"
STAR = Separators(":", "+", ".", "?", "*", "'")


def test_a_repeated_element_is_split_into_occurrences_not_components() -> None:
    (seg,) = tokenize("COM+1 555 0100:TE*1 555 0101:FX+X'", STAR)
    assert seg.elements == [["1 555 0100", "TE"], ["X"]]  # the first occurrence stands for the element
    assert seg.repetitions(1) == [["1 555 0100", "TE"], ["1 555 0101", "FX"]]
    assert seg.repetitions(2) == [["X"]]
    assert seg.repetitions(3) == []
    assert seg.occurrences() == [["1 555 0100", "TE"], ["1 555 0101", "FX"], ["X"]]


def test_a_released_repetition_separator_is_data() -> None:
    (seg,) = tokenize("NAD+FL+++STAR?*LIGHT:ANA'", STAR)
    assert seg.get(4, 0) == "STAR*LIGHT"
    assert seg.repeated is None


def test_service_segments_keep_a_literal_star() -> None:
    seg, _ = tokenize("UNB+UNOA:4+APIS*ABE:ZZ+MXAPI'BGM+745'", STAR)
    assert seg.get(2, 0) == "APIS*ABE"


def test_repetition_is_off_when_the_una_declares_a_space_or_a_clashing_character() -> None:
    for rep in (" ", ":", "+", "?", "'", "."):
        seps = Separators(":", "+", ".", "?", rep, "'")
        assert seps.repeats == ""
    (seg,) = tokenize("COM+1 555 0100:TE*1 555 0101:FX'", Separators())
    assert seg.elements == [["1 555 0100", "TE*1 555 0101", "FX"]]


def test_an_unusual_repetition_character_declared_in_the_una() -> None:
    """UNA:+.?!' declares "!" as the repetition separator; "*" is then an ordinary character."""
    text = (
        "UNA:+.?!'UNB+UNOA:4+S*1+R+250702:0900+1'UNH+1+PAXLST:D:15B:UN:IATA'"
        "FTX+BAG+++A:1!B*2:3'UNT+3+1'UNZ+1+1'"
    )
    parsed = parse_edifact(text)
    (message,) = parsed.messages
    ftx = message.segments[1]
    assert ftx.repetitions(4) == [["A", "1"], ["B*2", "3"]]
    assert parsed.interchanges[0].sender == "S*1"


def test_a_paxlst_with_repeated_elements_is_mapped_in_full(session: Session) -> None:
    result = receive(session, FIXTURE.read_bytes(), str(FIXTURE))
    assert [m.status for m in result.messages] == [PROCESSED]
    assert [p for p in result.problems if "declares" in p.message] == []  # counts are right
    flight = session.scalars(select(Flight)).one()
    assert (flight.code, flight.airport) == ("XY200", "CUN")
    assert flight.reporting_party is not None
    assert flight.reporting_party["contacts"] == [
        {"value": "44 20 7946 0000", "type": "TE"},
        {"value": "44 20 7946 0001", "type": "FX"},
        {"value": "OPS*DESK@XY.EXAMPLE", "type": "EM"},
    ]
    ana = session.scalars(select(Traveller)).one()
    assert (ana.surname, ana.given_names) == ("STAR*LIGHT", "ANA MARIA")
    assert ana.bags == [{"tag": "XY200111", "count": 2}, {"tag": "XY200113", "count": 1}]
    raw = session.scalars(select(RawMessage)).one()
    assert (raw.sender, raw.interchange_ref) == ("APIS*XYA", "XY0002")  # UNB/UNG identifiers kept whole


_TEXT = st.text(alphabet="AB :+?*'.\u00e9", max_size=6)
_ELEMENT = st.lists(st.lists(_TEXT, min_size=1, max_size=3), min_size=1, max_size=3)  # occurrences


def _escape(value: str) -> str:
    return "".join("?" + c if c in ":+?*'" else c for c in value)


@given(elements=st.lists(_ELEMENT, min_size=1, max_size=4))
def test_escaped_elements_come_back_as_their_occurrences(elements: list[list[list[str]]]) -> None:
    """Whatever the data (separators included, released), tokenizing the serialized segment gives back
    every element's occurrences and components."""
    body = "+".join("*".join(":".join(_escape(c) for c in occ) for occ in element) for element in elements)
    (seg,) = tokenize(f"FTX+{body}'", STAR)
    assert [seg.repetitions(i) for i in range(1, len(elements) + 1)] == elements
    assert seg.occurrences() == [occ for element in elements for occ in element]
