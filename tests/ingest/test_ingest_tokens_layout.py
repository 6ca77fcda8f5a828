"""The tokenizer's one-segment-per-line path gives exactly what its general loop gives, for the usual layout
and for every text it must hand back to the general loop (stray line breaks, CR, whitespace, empty
segments, a missing terminator)."""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from paxvet.ingest import tokens
from paxvet.ingest.paxlst import TravellerData, _new_traveller
from paxvet.ingest.tokens import DEFAULT_SEPARATORS, Segment, Separators, tokenize

SEED_TEXTS = [p.read_bytes().decode("utf-8", "replace") for p in sorted((FIXTURES / "paxlst").glob("*"))]
NOISE = st.sampled_from(["\n", " ", "\r", "'", "''", "'\n", "\n\n", "\t", "\x0b", "\xa0", "\u2028", "+", ":"])


def _general(text: str, seps: Separators, offset: int, line: int) -> list[Segment]:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(tokens, "_line_per_segment", lambda text, term: None)
        return tokenize(text, seps, offset, line)


def _fields(segments: list[Segment]) -> list[tuple[object, ...]]:
    return [(s.tag, s.elements, s.number, s.line, s.raw, s.start, s.end, s.repeated) for s in segments]


def test_the_usual_layout_takes_the_line_path() -> None:
    text = "\nUNB+UNOA:4+A+B+261205:1955+1'\nUNH+1+PAXLST:D:05B:UN:IATA'\nLOC+178+ORD'\nLOC+178+ORD'\n"
    assert tokens._line_per_segment(text, "'") is not None
    first, second = tokenize(text, DEFAULT_SEPARATORS, 9, 2)[2:]
    assert (first.tag, first.elements, first.line, second.line) == ("LOC", [["178"], ["ORD"]], 5, 6)
    for segment in (first, second):  # offsets in the whole file, the chunk starting at 9: raw + terminator
        assert text[segment.start - 9 : segment.end - 9] == "LOC+178+ORD'"
    assert first.elements is second.elements  # the same text: shared lists


@pytest.mark.parametrize(
    "text", ["A+1'\n B+2'", "A+1'\r\nB+2'", "A+1'\n\nB+2'", "A+1''B+2'", "A+1'B+2'\n", " A'"]
)
def test_texts_needing_repairs_take_the_general_loop(text: str) -> None:
    assert tokens._line_per_segment(text, "'") is None


@settings(max_examples=300, deadline=None)
@given(
    seed=st.sampled_from(SEED_TEXTS),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), NOISE), max_size=3),
    size=st.integers(0, 4000),
    offset=st.integers(0, 40),
    line=st.integers(1, 5),
    una=st.sampled_from([":+.? '", ":+.?*'", "#+.!*'"]),
)
def test_line_path_equals_general_loop(
    seed: str,
    cuts: list[tuple[int, str]],
    size: int,
    offset: int,
    line: int,
    una: str,
) -> None:
    text = seed[9:][:size] if seed.startswith("UNA") else seed[:size]
    for position, noise in cuts:
        at = position % (len(text) + 1)
        text = text[:at] + noise + text[at:]
    seps = Separators(*una)
    assert _fields(tokenize(text, seps, offset, line)) == _fields(_general(text, seps, offset, line))


def test_new_traveller_equals_the_dataclass_constructor() -> None:
    made, built = _new_traveller("crew", "FM", 7), TravellerData(role="crew", party="FM", segment=7)
    assert made == built and list(vars(made)) == list(vars(built))
    other = _new_traveller("passenger", "FL", 8)
    for f in fields(TravellerData):  # containers are fresh per traveller, as default factories make them
        if isinstance(getattr(made, f.name), (list, dict)):
            assert getattr(made, f.name) is not getattr(other, f.name)
