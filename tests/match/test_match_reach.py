"""The entries a traveller's selection keeps before the cut (`Screener._reachable`) are exactly those the
entry-by-entry rule `Screener._in_reach` keeps, plus those sharing a document: whether the years are
tested as one set per birth-year span or entry by entry, at every threshold, for entries and travellers
with no date of birth, ranges, circa dates and several dates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import DateRange, Document, Name, PartialDate, PersonRecord, Screener
from paxvet.match.score import prepared_names
from paxvet.match.screener import _ReachRules, _Traveller

WORDS = ["Maria", "Guzman", "Loera", "Mohammed", "Muhammad", "Rashid", "Ivanov", "Sergei", "Wang", "Wei"]
THRESHOLDS = [0.0, 0.3, 0.6, 0.65, 0.75, 0.8, 0.9, 0.97, 1.05, 1.2]

birth_dates = st.one_of(
    st.builds(PartialDate, st.integers(1950, 1990), st.none() | st.integers(1, 12), st.none()),
    st.builds(PartialDate, st.integers(1950, 1990), circa=st.just(True)),
    st.builds(
        lambda start, width: DateRange(start, start + width), st.integers(1950, 1990), st.integers(0, 6)
    ),
)
people = st.builds(
    lambda words, dobs, gender, doc: PersonRecord(
        names=(Name(" ".join(words)),),
        dates_of_birth=dobs,
        gender=gender,
        documents=(Document(f"X{doc:06d}", "MEX"),) if doc is not None else (),
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.lists(birth_dates, max_size=2).map(tuple),
    st.sampled_from([None, "M", "F", "X"]),
    st.none() | st.integers(0, 40),
)


# Every pair of words, under dates of birth of every kind, genders, and some documents.
def dates_of(i: int) -> tuple[PartialDate | DateRange, ...]:
    """None, a year, a circa year, a range, two dates far apart."""
    kinds: list[tuple[PartialDate | DateRange, ...]] = [
        (),
        (PartialDate(1950 + i % 41),),
        (PartialDate(1960 + i % 30, circa=True),),
        (DateRange(1955 + i % 30, 1957 + i % 30),),
        (PartialDate(1951), PartialDate(1985)),
    ]
    return kinds[i % 5]


FIXTURE = [
    PersonRecord(
        names=(Name(f"{a} {b}"),),
        dates_of_birth=dates_of(i),
        gender=[None, "M", "F"][i % 3],
        documents=(Document(f"X{i:06d}", "MEX"),) if i % 4 == 0 else (),
    )
    for i, (a, b) in enumerate((a, b) for a in WORDS for b in WORDS if a != b)
]
SCREENER = Screener(FIXTURE)


def in_reach_one_by_one(screener: Screener, traveller: PersonRecord, threshold: float) -> list[int]:
    """The candidates as the rule reads entry by entry: what the index selects, less the entries not
    `_in_reach` at this threshold unless they share a document, ranked and cut."""
    t = _Traveller(traveller, screener._memo)
    documents = screener.index.document_matches(traveller)
    chosen, keys = screener.index.chosen(traveller, t.names)
    if threshold > 0.0:
        rules = _ReachRules(threshold)
        chosen = {i for i in chosen if i in documents or screener._in_reach(t, i, rules)}
    return screener.index.ranked(chosen, keys)


@settings(max_examples=150, deadline=None)
@given(people, st.sampled_from(THRESHOLDS))
def test_candidates_are_the_entries_in_reach(traveller: PersonRecord, threshold: float) -> None:
    assert SCREENER.candidates(traveller, threshold) == in_reach_one_by_one(SCREENER, traveller, threshold)


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_a_shared_document_is_a_candidate_however_far_the_years(threshold: float) -> None:
    entry = PersonRecord(names=(Name("Maria Loera"),), dates_of_birth=(PartialDate(1940),), gender="F")
    other = PersonRecord(names=(Name("Maria Loera"),), dates_of_birth=(PartialDate(1940),), gender="F")
    screener = Screener(
        [PersonRecord(names=(Name("Wei Wang"),), documents=(Document("AB123456"),)), entry, other]
    )
    traveller = PersonRecord(
        names=(Name("Maria Loera"),),
        dates_of_birth=(PartialDate(1990),),
        gender="M",
        documents=(Document("AB123456"),),
    )
    candidates = screener.candidates(traveller, threshold)
    assert 0 in candidates
    assert candidates == in_reach_one_by_one(screener, traveller, threshold)


def test_year_sets_are_the_same_once_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past NEAR_SPANS birth-year spans the sets kept are dropped and worked out again."""
    monkeypatch.setattr("paxvet.match.screener.NEAR_SPANS", 1)
    screener = Screener(FIXTURE)
    travellers = [
        PersonRecord(
            names=(Name(f"{WORDS[i % 10]} {WORDS[(i + 3) % 10]}"),), dates_of_birth=(PartialDate(y),)
        )
        for i, y in enumerate([1950, 1970, 1950, 1988, 1970])
    ]
    for traveller in travellers:
        assert screener.candidates(traveller, 0.8) == in_reach_one_by_one(screener, traveller, 0.8)


@settings(max_examples=60, deadline=None)
@given(people)
def test_known_document_matches_select_as_the_index_finds_them(traveller: PersonRecord) -> None:
    names = prepared_names(traveller)
    documents = SCREENER.index.document_matches(traveller)
    assert SCREENER.index.chosen(traveller, names, documents) == SCREENER.index.chosen(traveller, names)
