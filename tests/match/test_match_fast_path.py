"""The Screener's fast path changes no decision: its inlined key bound is name_bound to the last bit, and
it returns exactly what the plain loop (name_bound per traveller name, then score_prepared) returns.

Known gap, not of the fast path: name_bound itself is not an upper bound of compare_names in every case,
so a few hits that brute-force score_pair finds are pruned (the xfail cases below)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import DEFAULT_THRESHOLD, Name, PartialDate, PersonRecord, Screener, score_pair
from paxvet.match.names import name_bound, prepare_name
from paxvet.match.score import MAX_CONTEXT_BONUS, context_effects, prepared_names, score_prepared
from paxvet.match.screener import bound_of, bound_terms

WORDS = [
    "José", "Maria", "Guzmán", "Loera", "de", "la", "Cruz", "Mohammed", "Muhammad", "al", "Rashid",
    "bin", "Laden", "Ivanov", "Ivanova", "Sergei", "Sergey", "Wang", "Wei", "Müller", "Mueller", "J",
    "Núñez", "Smith", "Smyth", "Abdel", "Abdelrahman", "Rahman", "Владимир", "Путин", "Putin",
]  # fmt: skip
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
dates = st.builds(PartialDate, st.integers(1950, 1990), st.none() | st.integers(1, 12), st.none())
people = st.builds(
    lambda full, alias, dobs: PersonRecord(
        names=(Name(full),) + ((Name(alias, kind="alias"),) if alias else ()), dates_of_birth=dobs
    ),
    names,
    st.none() | names,
    st.lists(dates, max_size=1).map(tuple),
)
SETTINGS = settings(max_examples=80, deadline=None)

# A fixed fixture list: every pair of words, some with dates of birth.
FIXTURE = [
    PersonRecord(
        names=(Name(f"{a} {b}"),),
        dates_of_birth=(PartialDate(1950 + i % 40, 1 + i % 12),) if i % 3 else (),
    )
    for i, (a, b) in enumerate((a, b) for a in WORDS for b in WORDS if a != b)
]
SCREENER = Screener(FIXTURE)


@SETTINGS
@given(names, names)
def test_inlined_bound_is_name_bound_exactly(a: str, b: str) -> None:
    q, e = prepare_name(Name(a)), prepare_name(Name(b))
    assert max(bound_of(t, e.keys) for t in bound_terms([q])) == name_bound(q, e.keys)


def plain_screen(traveller: PersonRecord, threshold: float) -> list[tuple[int, float]]:
    """The Screener's loop before the fast path, written out plainly."""
    t_names = prepared_names(traveller)
    found = []
    for i in SCREENER.candidates(traveller):
        entry = FIXTURE[i]
        names = prepared_names(entry)
        keys = frozenset().union(*(n.keys for n in names))
        bound = max((name_bound(q, keys) for q in t_names), default=0.0)
        if not traveller.documents and bound + MAX_CONTEXT_BONUS < threshold:
            continue
        context = context_effects(traveller, entry)
        effects = sum(c.effect for c in context)
        if 1.0 + effects < threshold and not traveller.documents:
            continue
        floor = 0.0 if traveller.documents else threshold - effects
        result = score_prepared(t_names, traveller, names, entry, i, context, floor)
        if result.score >= threshold:
            found.append((i, result.score))
    return sorted(found, key=lambda p: (-p[1], p[0]))


@SETTINGS
@given(people, st.sampled_from([DEFAULT_THRESHOLD, 0.7, 0.9]))
def test_screen_equals_the_plain_loop(traveller: PersonRecord, threshold: float) -> None:
    fast = SCREENER.screen(traveller, threshold, limit=len(FIXTURE))
    expected = plain_screen(traveller, threshold)
    assert [r.entry_index for r in fast] == [i for i, _ in expected]
    for result, (_, score) in zip(fast, expected, strict=True):
        assert abs(result.score - score) <= 1e-9


def person(full: str, *dobs: PartialDate) -> PersonRecord:
    return PersonRecord(names=(Name(full),), dates_of_birth=dobs)


@pytest.mark.xfail(strict=True, reason="name_bound under-estimates: extra traveller token, aligned particle")
@pytest.mark.parametrize(
    ("traveller", "entry"),
    [
        # 0.872 by name, 0.802 with a DOB one year off: the name floor 0.87 is above the bound 0.833
        (
            person("Abdelrahman Smith Mueller", PartialDate(1981)),
            person("Smith Mueller", PartialDate(1980, 3)),
        ),
        # 0.844 by name; the bound ignores the aligned particle and gives 0.80
        (person("Mohammed José la"), person("José la")),
    ],
)
def test_no_hit_is_pruned_that_full_scoring_finds(traveller: PersonRecord, entry: PersonRecord) -> None:
    assert score_pair(traveller, entry).score >= DEFAULT_THRESHOLD
    assert Screener([entry]).screen(traveller), "pruned by the key bound"
