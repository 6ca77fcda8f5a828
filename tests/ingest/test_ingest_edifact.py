"""The EDIFACT layer on its own: separators, release characters, envelopes, control counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.ingest.edifact import DEFAULT_SEPARATORS, Separators, parse_edifact, split_elements, tokenize


def _tags(text: str) -> list[str]:
    return [s.tag for m in parse_edifact(text).messages for s in m.segments]


def test_default_separators_without_una() -> None:
    text = "UNB+UNOA:4+XY+MX+250701:0900+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+1'"
    parsed = parse_edifact(text)
    assert [ic.ref for ic in parsed.interchanges] == ["1"]
    (message,) = parsed.messages
    assert (message.type, message.version, message.release) == ("PAXLST", "D", "05B")
    assert [s.tag for s in message.segments] == ["UNH", "BGM", "UNT"]
    assert [s.number for s in message.segments] == [1, 2, 3]
    assert parsed.all_diagnostics == []


def test_release_character_decodes_separators_and_itself() -> None:
    seps = DEFAULT_SEPARATORS
    assert split_elements("FL+++O?'BRIEN:SEAN", seps) == [["FL"], [""], [""], ["O'BRIEN", "SEAN"]]
    assert split_elements("A?+B?:C??D", seps) == [["A+B:C?D"]]
    assert split_elements("X??+Y", seps) == [["X?"], ["Y"]]
    segs = tokenize("NAD+FL+++O?'BRIEN:SEAN'ATT+2++M'", seps)
    assert [s.tag for s in segs] == ["NAD", "ATT"]
    assert segs[0].get(4, 0) == "O'BRIEN"


def test_custom_una_and_released_terminator() -> None:
    text = (
        "UNA:(.) -UNB(UNOA:4(XY(MX(250701:0900(9-UNH(1(PAXLST:D:05B:UN:IATA-"
        "NAD(FL(((SMITH)-JONES:ANNA-UNT(3(1-UNZ(1(9-"
    )
    parsed = parse_edifact(text)
    (message,) = parsed.messages
    assert message.segments[1].get(4, 0) == "SMITH-JONES"
    assert parsed.interchanges[0].separators == Separators(":", "(", ".", ")", " ", "-")
    assert parsed.all_diagnostics == []


def test_line_breaks_inside_and_between_segments_are_not_data() -> None:
    text = "UNB+UNOA:4+XY+MX+250701:0900+1'\r\n  UNH+1+PAX\nLST:D:05B:UN:IATA'\nUNT+2+1'\nUNZ+1+1'\n"
    parsed = parse_edifact(text)
    (message,) = parsed.messages
    assert message.type == "PAXLST"
    assert message.segments[0].line == 2
    assert message.segments[1].line == 4


def test_damaged_una_falls_back_to_defaults_with_a_warning() -> None:
    text = "UNA:+\\*'\nUNB+IATA:1+XY+MX+250701:0900+1'UNH+1+PNRGOV:11:1:IA'UNT+2+1'UNZ+1+1'"
    parsed = parse_edifact(text)
    assert [m.type for m in parsed.messages] == ["PNRGOV"]
    assert any("damaged UNA" in d.message for d in parsed.diagnostics)


def test_control_counts_and_references_are_located_warnings() -> None:
    text = (
        "UNB+UNOA:4+XY+MX+250701:0900+ICR1'UNG+PAXLST+XY+MX+250701:0900+G1+UN+D:05B'"
        "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+9+M2'UNE+2+G9'UNZ+4+ICR2'"
    )
    parsed = parse_edifact(text, "x.edi")
    problems = {(d.tag, d.element): d for d in parsed.all_diagnostics}
    assert problems[("UNT", 1)].message == "UNT declares 9 segments (UNH to UNT), 3 present"
    assert (
        problems[("UNT", 1)].location
        == "x.edi, interchange ICR1, message M1, segment 3 (UNT), element 1, line 1"
    )
    assert ("UNT", 2) in problems and ("UNE", 1) in problems and ("UNE", 2) in problems
    assert ("UNZ", 1) in problems and ("UNZ", 2) in problems
    assert all(d.severity == "warning" for d in parsed.all_diagnostics)


def test_groups_several_interchanges_and_junk_between() -> None:
    one = (
        "UNB+UNOA:4+XY+MX+250701:0900+A'UNG+PAXLST+XY+MX+250701:0900+1+UN+D:05B'"
        "UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNH+2+PAXLST:D:05B:UN:IATA'UNT+2+2'UNE+2+1'UNZ+1+A'"
    )
    two = "UNA:*.? $UNB*UNOA:4*XY*MX*250701:0900*B$UNH*3*PAXLST:D:02B:UN:IATA$UNT*2*3$UNZ*1*B$"
    parsed = parse_edifact(one + "\n\x03\nNNNN\n" + two)
    assert [ic.ref for ic in parsed.interchanges] == ["A", "B"]
    assert [len(g.messages) for g in parsed.interchanges[0].groups] == [2]
    assert [m.ref for m in parsed.messages] == ["1", "2", "3"]
    assert [d.message for d in parsed.diagnostics] == ["ignored text between interchanges: 'NNNN'"]


def test_missing_unt_is_an_error_and_multipart_flags_are_read() -> None:
    text = (
        "UNH+1+PAXLST:D:02B:UN:IATA+OK688/071008/1310+02'BGM+745'UNH+2+PAXLST:D:02B:UN:IATA+X+03:F'UNT+2+2'"
    )
    parsed = parse_edifact(text)
    first, second = parsed.messages
    assert (first.part_number, first.part_flag, first.common_ref) == (2, "", "OK688/071008/1310")
    assert (second.part_number, second.part_flag) == (3, "F")
    assert [d.severity for d in first.errors] == ["error"]
    assert second.errors == []


def test_nothing_edifact_is_an_error_not_an_exception() -> None:
    parsed = parse_edifact(b"\xff\xfe hello")
    assert parsed.messages == []
    assert any(d.severity == "error" for d in parsed.diagnostics)


_text = st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=12)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.lists(_text, min_size=1, max_size=3), min_size=1, max_size=5))
def test_escaped_values_round_trip(values: list[list[str]]) -> None:
    seps = DEFAULT_SEPARATORS

    def esc(v: str) -> str:
        return "".join("?" + c if c in ":+?'" else c for c in v)

    body = "+".join(":".join(esc(c) for c in element) for element in values)
    (segment,) = tokenize("FTX+" + body + "'", seps)
    assert segment.elements == values
