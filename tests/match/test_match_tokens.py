"""Token relations of `compare_tokens` written for paxvet (romanisations: test_match_romanisation.py)."""

from __future__ import annotations

from paxvet.match import DEFAULT_THRESHOLD, Name, PersonRecord, score_pair
from paxvet.match.text import tokens_of
from paxvet.match.tokens import TYPO, compare_tokens


def person(full: str) -> PersonRecord:
    return PersonRecord(names=(Name(full),))


def test_written_backwards_with_one_slip_is_a_weak_typo() -> None:
    (a,), (b,), (c,) = tokens_of("nitPu"), tokens_of("nituP"), tokens_of("Putin")
    assert compare_tokens(b, c) == (0.8, TYPO)
    assert compare_tokens(a, c) == (0.7, TYPO)


def test_a_name_written_backwards_with_one_slip_matches() -> None:
    """'nitPu' is Putin written backwards with two letters swapped; names that are only anagrams of each
    other (Diana / Nadia, Maria / Amira) stay different people."""
    assert score_pair(person("Vladimir nitPu"), person("Vladimir Putin")).score >= DEFAULT_THRESHOLD
    for traveller, entry in (("Diana Smith", "Nadia Smith"), ("Maria Lopez", "Amira Lopez")):
        assert score_pair(person(traveller), person(entry)).score < DEFAULT_THRESHOLD


def test_a_written_final_long_vowel_must_be_heard_in_the_latin_name() -> None:
    """Arabic and Persian script leave short vowels out, but a final alef, yeh or yod is written and
    pronounced: محمدی is Mohammadi, not Mohammad; علي is still Ali, موسى Musa, هادي Hadi, לוי Levi."""

    def related(written: str, latin: str) -> float:
        (w,), (lat,) = tokens_of(written), tokens_of(latin)
        return compare_tokens(w, lat)[0]

    assert related("محمدی", "Mohammad") == 0.0
    assert related("حسنی", "Hassan") == 0.0
    assert related("محمدی", "Mohammadi") > 0.0
    for written, latin in (
        ("علي", "Ali"),
        ("موسى", "Musa"),
        ("هادي", "Hadi"),
        ("לוי", "Levi"),
        ("عمرو", "Amr"),
    ):
        assert related(written, latin) > 0.0, (written, latin)
