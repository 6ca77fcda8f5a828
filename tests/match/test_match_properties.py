"""Invariants of the matcher, checked with hypothesis."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import DEFAULT_THRESHOLD, Name, PartialDate, PersonRecord, score_pair

WORDS = [
    "José",
    "Maria",
    "Guzmán",
    "Loera",
    "de",
    "la",
    "Cruz",
    "Mohammed",
    "al",
    "Rashid",
    "bin",
    "Laden",
    "Ivanov",
    "Sergei",
    "Wang",
    "Wei",
    "Zoë",
    "Müller",
    "Núñez",
    "Smith",
    "Abdel",
    "Rahman",
    "Владимир",
]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
dates = st.builds(
    PartialDate,
    st.integers(1930, 2010),
    st.one_of(st.none(), st.integers(1, 12)),
    st.one_of(st.none(), st.integers(1, 28)),
).filter(lambda p: p.month is not None or p.day is None)

SETTINGS = settings(max_examples=60, deadline=None)


def person(full: str, *dobs: PartialDate) -> PersonRecord:
    return PersonRecord(names=(Name(full),), dates_of_birth=dobs)


def strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@SETTINGS
@given(names, names, dates)
def test_agreeing_dob_never_lowers(a: str, b: str, dob: PartialDate) -> None:
    without = score_pair(person(a), person(b, dob)).score
    assert score_pair(person(a, dob), person(b, dob)).score >= without


@SETTINGS
@given(names, names, dates, st.integers(15, 60))
def test_conflicting_dob_never_raises(a: str, b: str, dob: PartialDate, gap: int) -> None:
    other = PartialDate(dob.year + gap, dob.month, dob.day)
    without = score_pair(person(a), person(b, dob)).score
    assert score_pair(person(a, other), person(b, dob)).score <= without


@SETTINGS
@given(names, names)
def test_score_in_unit_interval(a: str, b: str) -> None:
    assert 0.0 <= score_pair(person(a), person(b)).score <= 1.0


@SETTINGS
@given(names, names, st.randoms())
def test_case_accents_and_order_never_change_the_decision(a: str, b: str, rnd: random.Random) -> None:
    decision = score_pair(person(a), person(b)).score >= DEFAULT_THRESHOLD
    words = a.split()
    # Around 'bin' (own vs father's name) and after 'Abdel' (Abdel Rahman is one name) order is meaning.
    if "bin" not in words and "Abdel" not in words:
        rnd.shuffle(words)
    for variant in (a.upper(), a.lower(), strip_accents(a), " ".join(words)):
        assert (score_pair(person(variant), person(b)).score >= DEFAULT_THRESHOLD) == decision, variant
