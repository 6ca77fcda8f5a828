"""Candidate generation reaches every entry the scorer would call a match: each relation `compare_tokens`
knows implies a key the two tokens meet on, an entry sharing a rare and a crowded name is still found,
and a crowded list keeps every entry as promising as the last one kept."""

from __future__ import annotations

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxvet.match import DEFAULT_THRESHOLD, Name, PersonRecord, score_pair
from paxvet.match.index import MAX_CANDIDATES, CandidateIndex, entry_keys, query_keys
from paxvet.match.score import prepared_names
from paxvet.match.text import tokens_of
from paxvet.match.tokens import compare_tokens


def person(full: str) -> PersonRecord:
    return PersonRecord(names=(Name(full),))


def candidates(index: CandidateIndex, traveller: str) -> list[int]:
    record = person(traveller)
    return index.candidates(record, prepared_names(record))


# (traveller token, entry token, the relation compare_tokens reports)
RELATED = [
    ("Müller", "Muller", "accent/case"),
    ("Путин", "Putin", "transliterated"),
    ("Mohammed", "Muhammad", "spelling variant"),
    ("Hsi", "Xi", "romanisation variant"),
    ("Xi", "Hsi", "romanisation variant"),
    ("Chin", "Jin", "romanisation variant"),
    ("Dmitriy", "Dmitry", "spelling variant"),
    ("Sergejs", "Sergey", "romanisation variant"),
    ("Tatyana", "Tatiana", "spelling variant"),
    ("Satou", "Sato", "romanisation variant"),
    ("Ohno", "Ono", "romanisation variant"),
    ("Jong", "정", "transliterated"),
    ("정", "Chung", "transliterated"),
    ("Lee", "이", "transliterated"),
    ("Bill", "William", "nickname"),
    ("Juan", "John", "other-language form"),
    ("Giuseppe", "Joseph", "other-language form"),
    ("Иван", "John", "other-language form"),
    ("Pyotr", "Piotr", "romanisation variant"),
    ("Smiht", "Smith", "typo/OCR"),
    ("Afiz", "Faiz", "typo/OCR"),
    ("Schnieder", "Schneider", "typo/OCR"),
    ("Serej", "Сергей", "typo/OCR"),
    ("nituP", "Putin", "typo/OCR"),
    ("nitPu", "Putin", "typo/OCR"),
    ("Maximi", "Maximilian", "truncated"),
    ("Maximilian", "Maximi", "truncated"),
    ("Usama", "Osama", "spelling variant"),
    ("Kebin", "Kevin", "typo/OCR"),
    ("محمد", "Mohamed", "transliterated"),
    ("Mohamed", "محمد", "transliterated"),
    ("משה", "Moshe", "transliterated"),
    ("Νικόλαος", "Nikolaos", "transliterated"),
]


@pytest.mark.parametrize(("traveller", "entry", "how"), RELATED)
def test_each_relation_implies_a_shared_key(traveller: str, entry: str, how: str) -> None:
    (t,), (e,) = tokens_of(traveller), tokens_of(entry)
    similarity, found = compare_tokens(t, e)
    assert found == how and similarity >= 0.7
    assert query_keys(t) & entry_keys(e)


def test_glued_romanised_parts_meet_the_whole() -> None:
    """'Chin-ping' is Jinping read as Pinyin: the glued spellings are keys of the entry."""
    index = CandidateIndex([person(f"Zhou {w}") for w in ("Jinping", "Jinling", "Qinping")] * 10)
    assert 0 in candidates(index, "Chin-ping Zhou") or all(
        i in candidates(index, "Chin-ping Zhou") for i in (0, 2)
    )


def made_up(n: int, start: int = 0) -> list[str]:
    """n distinct made-up words of letters only (nothing in the name tables)."""
    letters = "bdfgklmnprstvz"
    words = ("".join(p) for p in product(letters, "aeiou", letters, "aeiou", letters))
    return [w.capitalize() for i, w in enumerate(words) if i >= start][:n]


@pytest.mark.parametrize(
    ("traveller", "entry"),
    [("Bill", "William"), ("Juan", "John"), ("Dmitriy", "Dmitry"), ("Hsi", "Xi"), ("Afiz", "Faiz")],
)
def test_an_entry_sharing_a_crowded_surname_is_found(traveller: str, entry: str) -> None:
    """Khan is on most of the list (crowded: never read whole) and the given name on 400 entries: the
    one entry with both is still offered."""
    crowded = [person(f"{w} Khan") for w in made_up(1200)]
    namesakes = [person(f"{entry} {w}") for w in made_up(400, start=2000)]
    index = CandidateIndex([*crowded, *namesakes, person(f"{entry} Khan")])
    target = len(crowded) + len(namesakes)
    found = candidates(index, f"{traveller} Khan")
    assert target in found
    assert len(found) <= MAX_CANDIDATES


def test_a_crowded_name_keeps_every_entry_as_promising_as_the_last() -> None:
    """150 people are listed as Faiz Rahimi: none of them may be dropped to keep the list short."""
    others = [person(f"Faiz {w}") for w in made_up(300)]
    namesakes = [person("Faiz Rahimi") for _ in range(150)]
    index = CandidateIndex([*others, *namesakes])
    found = set(candidates(index, "Faiz Rahimi"))
    assert set(range(300, 450)) <= found


def test_entries_with_fewer_names_come_first() -> None:
    """A one-word traveller is scored against one-word entries before longer names that would miss."""
    longer = [person(f"Faiz {w}") for w in made_up(1000) if "f" not in w.lower() and "z" not in w][:400]
    index = CandidateIndex([*longer, person("Faiz")])
    assert candidates(index, "Afiz")[0] == 400


WORDS = [
    "Juan", "John", "Ivan", "Bill", "William", "Hsi", "Xi", "Chin-ping", "Jinping", "Dmitriy", "Dmitry",
    "Mohammed", "Muhammad", "محمد", "Ali", "علي", "Sergej", "Сергей", "Kozlov", "Kozlow", "Maximi",
    "Maximilian", "Garcia", "Garica", "de", "la", "Cruz", "Delacruz", "김", "정은", "Kim", "Jong", "Un",
]  # fmt: skip
FIXTURE = [person(f"{a} {b}") for a in WORDS for b in WORDS if a != b and (len(a) + len(b)) % 3 == 0]
INDEX = CandidateIndex(FIXTURE)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join))
def test_every_match_the_scorer_finds_is_a_candidate(traveller: str) -> None:
    """Brute force over the fixture list: every entry at or above the threshold reaches the scorer."""
    record = person(traveller)
    matches = {i for i, e in enumerate(FIXTURE) if score_pair(record, e).score >= DEFAULT_THRESHOLD}
    assert matches <= set(INDEX.candidates(record, prepared_names(record)))
