"""How two name tokens relate: exact, accent/case, transliterated, spelling variant, phonetic, nickname,
typo/OCR, initial or truncated, each with a similarity in [0, 1]."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from paxvet.match.lexicon import nickname_groups
from paxvet.match.text import Token, fold

EXACT = "exact"
ACCENT = "accent/case"
TRANSLIT = "transliterated"
VARIANT = "spelling variant"
PHONETIC = "phonetic"
NICKNAME = "nickname"
TYPO = "typo/OCR"
INITIAL = "initial"
TRUNCATED = "truncated"
JOINED = "joined/split"

# Similarity a relation is worth; typos are graded by edit distance below.
SIMILARITY = {
    EXACT: 1.0,
    ACCENT: 1.0,
    TRANSLIT: 0.95,
    VARIANT: 0.95,
    PHONETIC: 0.85,
    NICKNAME: 0.8,
    INITIAL: 0.6,
    TRUNCATED: 0.8,
}
_ABJAD = frozenset({"arabic", "hebrew"})


def allowed_edits(length: int) -> int:
    """Typos tolerated for a token of this length: none below 4 letters, 1 up to 7, 2 from 8."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def compare_tokens(a: Token, b: Token) -> tuple[float, str]:
    """The best relation between two tokens, as (similarity, how)."""
    return _compare(a, b)


@lru_cache(maxsize=500_000)
def _compare(a: Token, b: Token) -> tuple[float, str]:
    crossed = a.script != b.script
    if a.norm == b.norm:
        if crossed:
            return SIMILARITY[TRANSLIT], TRANSLIT
        return (1.0, EXACT) if fold(a.raw) == fold(b.raw) else (1.0, ACCENT)
    if a.canon == b.canon:
        return SIMILARITY[TRANSLIT if crossed else VARIANT], TRANSLIT if crossed else VARIANT
    if a.particle or b.particle:
        return 0.0, ""
    if (a.script in _ABJAD) != (b.script in _ABJAD):
        # Abjad scripts omit short vowels: compare consonant skeletons only.
        if a.skel and a.skel == b.skel:
            return (0.9 if len(a.skel) >= 2 else 0.8), TRANSLIT
        return _typo(a.skel, b.skel, TRANSLIT, floor=3)
    best = _typo(a.norm, b.norm, TYPO)
    if (a.skel == b.skel and len(a.skel) >= 2 and a.norm[0] == b.norm[0]) or _vowel_start_phonetic(a, b):
        best = max(best, (SIMILARITY[PHONETIC], PHONETIC))
    if nickname_groups(a.canon) & nickname_groups(b.canon):
        best = max(best, (SIMILARITY[NICKNAME], NICKNAME))
    if best[0] == 0.0:
        best = _initial_or_truncated(a, b)
    return best


def _vowel_start_phonetic(a: Token, b: Token) -> bool:
    """Usama/Osama, Uthman/Othman: same skeleton, both starting with a vowel."""
    vowels = "aeiouy"
    return a.skel == b.skel and len(a.skel) >= 2 and a.norm[0] in vowels and b.norm[0] in vowels


def _typo(x: str, y: str, how: str, floor: int = 4) -> tuple[float, str]:
    longest = max(len(x), len(y))
    if min(len(x), len(y)) < floor or abs(len(x) - len(y)) > 2:
        return 0.0, ""
    limit = allowed_edits(longest)
    distance = OSA.distance(x, y, score_cutoff=limit + 1)
    if distance <= limit:
        return 0.97 - 0.12 * distance, how
    if longest >= 6 and x[0] == y[0] and JaroWinkler.similarity(x, y) >= 0.93:
        return 0.7, how  # two scattered slips in a mid-length word (Nandela/Nadella)
    return 0.0, ""


def _initial_or_truncated(a: Token, b: Token) -> tuple[float, str]:
    short, long_ = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
    if len(short.norm) == 1 and long_.norm.startswith(short.norm):
        return SIMILARITY[INITIAL], INITIAL
    if len(short.norm) >= 4 and long_.norm.startswith(short.norm):
        return SIMILARITY[TRUNCATED], TRUNCATED
    return 0.0, ""


def compare_joined(parts: tuple[Token, ...], whole: Token) -> tuple[float, str]:
    """'DELACRUZ' vs 'DE LA CRUZ', 'VladimirPutin' vs 'Vladimir Putin': glue the parts and compare."""
    glued = "".join(p.norm for p in parts)
    if glued == whole.norm:
        return 0.97, JOINED
    distance = OSA.distance(glued, whole.norm, score_cutoff=2)
    if distance <= allowed_edits(len(glued)) and len(glued) >= 6:
        return 0.9 - 0.12 * distance, JOINED
    return 0.0, ""
