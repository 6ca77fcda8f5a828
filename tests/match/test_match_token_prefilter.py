"""`tokens._surely_unrelated` is a prefilter: whenever it says two tokens are unrelated, the full
comparison must find no relation either. Checked on hand-picked near misses, on every pair of a word list
with random slips (the kind the matcher meets: the same name mistyped), and on the labelled name pairs in
../shared/data when present. It must also fire, or it saves nothing."""

from __future__ import annotations

import csv
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from paxvet.match.text import Token, tokens_of
from paxvet.match.tokens import (
    _compare,
    _letters,
    _surely_unrelated,
    compare_joined,
    compare_tokens,
    forms,
    surely_unjoined,
    word_of,
)

WORDS = [
    "garcia", "marcia", "garcias", "gracia", "aicrag", "mohammed", "muhammad", "ivanov", "ivanova", "smith",
    "smyth", "smiht", "johnson", "jonson", "william", "bill", "juan", "john", "j", "jo", "maria", "mario",
    "lopez", "lopes", "hernandez", "fernandez", "nandela", "nadella", "merkel", "merkur", "sechin", "sechev",
    "putin", "nitpu", "alexander", "aleksandr", "kevin", "kebin", "olga", "oleg", "de", "la", "bin", "ben",
    "benjamin", "abdul", "abdelrahman", "rahman", "zhuravlev", "zhuravlyov", "chin", "jinping", "xi", "hsi",
    "serej", "sergei", "jong", "un", "on", "saifullah", "cruz", "delacruz", "kim", "kimberly", "rodriguez",
]  # fmt: skip
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _token(word: str) -> Token:
    return tokens_of(word, drop_titles=False)[0]


def _slip(word: str, rng: random.Random) -> str:
    chars = list(word)
    i = rng.randrange(len(chars))
    op = rng.randrange(4)
    if op == 0:
        chars[i] = rng.choice(LETTERS)
    elif op == 1 and len(chars) > 1:
        del chars[i]
    elif op == 2:
        chars.insert(i, rng.choice(LETTERS))
    elif i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _assert_sound(a: Token, b: Token) -> bool:
    if _surely_unrelated(a, b):
        assert _compare(a, b) == (0.0, ""), (a, b)
        return True
    return False


def test_it_rules_out_different_words_and_keeps_every_relation() -> None:
    assert compare_tokens(_token("garcia"), _token("mohammed")) == (0.0, "")
    assert _surely_unrelated(_token("garcia"), _token("mohammed"))
    assert _surely_unrelated(_token("lopez"), _token("ivanova"))
    for a, b in [("smith", "smiht"), ("putin", "nitpu"), ("bill", "william"), ("juan", "john"), ("j", "jo")]:
        assert not _surely_unrelated(_token(a), _token(b))
        assert compare_tokens(_token(a), _token(b))[0] > 0


def test_every_pair_of_a_word_list_with_slips() -> None:
    rng = random.Random(7)
    words = WORDS + [_slip(_slip(w, rng), rng) for w in WORDS for _ in range(3)]
    tokens = [_token(w) for w in words if tokens_of(w, drop_titles=False)]
    fired = sum(_assert_sound(a, b) for a in tokens for b in tokens)
    assert fired > len(tokens) ** 2 // 2


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(WORDS), st.integers(0, 3), st.integers(0, 2**32 - 1), st.sampled_from(WORDS))
def test_a_mistyped_word_against_any_word(word: str, slips: int, seed: int, other: str) -> None:
    rng = random.Random(seed)
    for _ in range(slips):
        word = _slip(word, rng) or word
    for text in (word, word[::-1]):
        found = tokens_of(text, drop_titles=False)
        if found:
            _assert_sound(found[0], _token(other))
            _assert_sound(_token(other), found[0])


def test_the_labelled_name_pairs() -> None:
    path = shared_path("namematch", "nomenklatura_name_bench", "cases.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    tokens = {t for row in rows for name in (row["name1"], row["name2"]) for t in tokens_of(name)}
    sample = sorted(tokens, key=lambda t: (t.raw, t.norm))[:1000]
    fired = sum(_assert_sound(a, b) for a in sample for b in sample)
    assert fired > 0
    for row in rows:  # the labelled pairs themselves, token by token
        for a in tokens_of(row["name1"]):
            for b in tokens_of(row["name2"]):
                _assert_sound(a, b)


WRITTEN = ["محمد", "أسامة", "حسن", "عبد الرحمن", "يوسف", "שמעון", "דוד", "Владимир", "Путин", "徐", "정"]
LATIN = ["muhammad", "mohamed", "usama", "osama", "hasan", "hassan", "abdelrahman", "yusuf", "yousef",
         "shimon", "david", "vladimir", "putin", "xu", "jong", "mahmud", "smith", "hsn", "ysf"]  # fmt: skip


def test_words_in_arabic_or_hebrew_script_against_any_word() -> None:
    rng = random.Random(11)
    latin = LATIN + [_slip(w, rng) for w in LATIN for _ in range(4)] + WORDS
    written = [t for w in WRITTEN for t in tokens_of(w, drop_titles=False)]
    others = [_token(w) for w in latin if tokens_of(w, drop_titles=False)] + written
    fired = sum(_assert_sound(a, b) + _assert_sound(b, a) for a in written for b in others)
    assert fired > len(written) * len(others) // 2


def _joined_sound(parts: tuple[Token, ...], whole: Token) -> bool:
    glued = "".join(p.norm for p in parts)
    initials = "".join(p.norm[0] for p in parts)
    single = all(len(forms(p)) == 1 for p in parts)
    if surely_unjoined(glued, initials, _letters(glued), single, word_of(whole)):
        assert compare_joined(parts, whole) == (0.0, ""), (parts, whole)
        return True
    return False


def test_glued_parts_against_any_word() -> None:
    rng = random.Random(5)
    tokens = [_token(w) for w in WORDS]
    glued = [
        "".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 4))) for _ in range(150)
    ]  # parts glued, then mistyped once or twice
    wholes = tokens + [_token(_slip(_slip(g, rng), rng)) for g in glued] + [_token(g) for g in glued]
    fired = 0
    for _ in range(3000):
        parts = tuple(rng.choice(tokens) for _ in range(rng.randrange(2, 4)))
        fired += _joined_sound(parts, rng.choice(wholes))
        whole = "".join(p.norm for p in parts)
        fired += _joined_sound(parts, _token(_slip(whole, rng)))
        fired += _joined_sound(parts, _token("".join(p.norm[0] for p in parts)))
    assert fired > 1000
