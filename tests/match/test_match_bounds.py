"""bounds.may_reach never rules out a score compare_names actually gives (so no hit is lost), and rules
out names that share nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import Name
from paxvet.match.bounds import entry_shape, may_reach, terms_of
from paxvet.match.names import compare_names, prepare_name

WORDS = [
    "José", "Maria", "Guzmán", "Loera", "de", "la", "del", "y", "Cruz", "Delacruz", "Mohammed", "Muhammad",
    "Mohamed", "al", "el", "Rashid", "Alrashid", "bin", "ibn", "Laden", "Ivanov", "Ivanova", "Sergei",
    "Sergey", "Serej", "Wang", "Wei", "Müller", "Mueller", "J", "C", "JC", "Jean", "Claude", "Núñez",
    "Smith", "Smyth", "Smiht", "Smithson", "Abdel", "Abdul", "Abdelrahman", "Rahman", "Владимир", "Путин",
    "Putin", "Vladimirputin", "محمد", "أسامة", "Usama", "Osama", "Kevin", "Kebin", "Ben", "Benjamin",
    "Bill", "William", "徐", "彬", "Xu", "Chin", "Jinping", "Ping", "HAN", "RO", "R", "O", "M", "Yu",
    "Merkel", "Merkur", "Nadella", "Nandela", "Olga", "Oleg", "Abu", "Hasan", "Hassan",
]  # fmt: skip
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
structured = st.builds(lambda g, f: f"{f}, {g}", names, names)
any_name = names | structured


@settings(max_examples=500, deadline=None)
@given(any_name, any_name, any_name)
def test_the_bound_is_never_below_the_score(traveller: str, entry: str, alias: str) -> None:
    q, e, a = (prepare_name(Name(x)) for x in (traveller, entry, alias))
    score = compare_names(q, e).score
    terms = terms_of(q)
    assert may_reach(terms, entry_shape([e]), score)
    assert may_reach(terms, entry_shape([a, e]), score)  # the shape of every name of an entry at once


@pytest.mark.parametrize(
    ("traveller", "entry"),
    [
        ("Abdelrahman Smith Mueller", "Smith Mueller"),  # a traveller word left over costs little
        ("Mohammed José la", "José la"),  # aligned particles
        ("博 彬 徐", "Bin XU"),  # a given name the list writes as a particle
        ("HAN YYU-RO", "DOCTOR M.R.O."),  # one word against initials glued
        ("Kevin Delacruz", "Kebin de la Cruz"),  # a typo sharing no key, glued particles
    ],
)
def test_known_hard_cases(traveller: str, entry: str) -> None:
    q, e = prepare_name(Name(traveller)), prepare_name(Name(entry))
    assert may_reach(terms_of(q), entry_shape([e]), compare_names(q, e).score)


@pytest.mark.parametrize(
    ("traveller", "entry"),
    [("John Smith", "Vladimir Putin"), ("Maria Guzmán", "Osama bin Laden"), ("Wei Wang", "Sergey Ivanov")],
)
def test_names_sharing_nothing_are_ruled_out(traveller: str, entry: str) -> None:
    q, e = prepare_name(Name(traveller)), prepare_name(Name(entry))
    assert not may_reach(terms_of(q), entry_shape([e]), 0.7)
