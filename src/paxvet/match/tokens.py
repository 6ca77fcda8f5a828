"""How two name tokens relate: exact, accent/case, transliterated, spelling variant, romanisation variant,
phonetic, nickname, typo/OCR, initial or truncated, each with a similarity in [0, 1]."""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from rapidfuzz.distance import OSA, JaroWinkler

from paxvet.match.lexicon import equivalent_groups, is_known_name, nickname_groups
from paxvet.match.romanisation import hangul_forms, romanised_forms
from paxvet.match.text import Token, fold

EXACT = "exact"
ACCENT = "accent/case"
TRANSLIT = "transliterated"
VARIANT = "spelling variant"
ROMANISED = "romanisation variant"
PHONETIC = "phonetic"
NICKNAME = "nickname"
EQUIVALENT = "other-language form"
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
    ROMANISED: 0.9,
    PHONETIC: 0.85,
    NICKNAME: 0.8,
    EQUIVALENT: 0.8,
    INITIAL: 0.6,
    TRUNCATED: 0.8,
}
_ABJAD = frozenset({"arabic", "hebrew"})


def allowed_edits(length: int) -> int:
    """Typos tolerated for a token of this length: none below 4 letters, 1 up to 7, 2 from 8."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


@lru_cache(maxsize=200_000)
def forms(t: Token) -> frozenset[str]:
    """The token's spellings under every romanisation it may have had (itself included): a Hangul
    syllable's RR, McCune-Reischauer and popular spellings; Wade-Giles read as Pinyin; Cyrillic, Latvian
    and Japanese spelling folds."""
    if t.script == "cjk" and len(t.raw) == 1 and "\uac00" <= t.raw <= "\ud7a3":
        return hangul_forms(t.raw) | {t.norm}
    return romanised_forms(t.norm)


def compare_tokens(a: Token, b: Token) -> tuple[float, str]:
    """The best relation between two tokens, as (similarity, how)."""
    if _surely_unrelated(a, b):
        return 0.0, ""
    return _compare(a, b)


_Spelling = tuple[str, int]  # a spelling and its letters as a bit mask
_Plain = tuple[_Spelling, tuple[_Spelling, ...], frozenset[str], frozenset[str]]
_WEAK_TYPO_JW = 0.85  # the lowest Jaro-Winkler similarity `_typo` accepts (same first letter)


def _letters(word: str) -> int:
    mask = 0
    for ch in word:  # norm and its forms hold a-z only; anything else would only weaken the bound
        if "a" <= ch <= "z":
            mask |= 1 << (ord(ch) - 97)
    return mask


@lru_cache(maxsize=200_000)
def _plain(t: Token) -> _Plain | None:
    """For a word in Latin script that is not a particle: its spelling, its other romanisations (`forms`,
    when it has any), each with its letters as a bit mask, and its nickname and other-language groups;
    None for any other token."""
    if t.script != "latin" or t.particle:
        return None
    others = forms(t) - {t.norm}
    return (
        (t.norm, _letters(t.norm)),
        tuple((f, _letters(f)) for f in sorted(others)),
        nickname_groups(t.canon),
        equivalent_groups(t.canon),
    )


class Word:
    """A token with what `_unrelated` reads of it, computed once: the matcher compares each token with
    many others, and reading these from the token's own object spares a cache lookup per pair."""

    __slots__ = (
        "abd", "abjad", "canon", "consonants", "equivalents", "forms", "mask", "nicknames", "norm",
        "norm_nicknames", "particle", "plain", "skel", "spelled", "spelling", "spellings", "token", "weight",
    )  # fmt: skip

    def __init__(self, t: Token) -> None:
        self.token = t
        self.norm, self.canon, self.skel = t.norm, t.canon, t.skel
        self.particle, self.weight = t.particle, t.weight
        self.abd = t.canon.startswith("abd")
        self.abjad = t.script in _ABJAD
        self.consonants: _Spelling = (t.skel, _letters(t.skel))
        self.norm_nicknames = nickname_groups(t.norm)
        self.mask = _letters(t.norm)
        plain = _plain(t)
        self.plain = plain is not None
        self.spelling: _Spelling = (t.norm, self.mask)
        self.forms: tuple[_Spelling, ...] = ()  # other romanisations, if any
        self.nicknames: frozenset[str] = frozenset()
        self.equivalents: frozenset[str] = frozenset()
        if plain is not None:
            self.spelling, self.forms, self.nicknames, self.equivalents = plain
        self.spellings = (self.spelling, *self.forms)
        self.spelled = frozenset([f for f, _ in self.spellings])


@lru_cache(maxsize=200_000)
def word_of(t: Token) -> Word:
    return Word(t)


def compare_words(a: Word, b: Word) -> tuple[float, str]:
    """compare_tokens(a.token, b.token), the prefilter reading the words' own facts."""
    if _unrelated(a, b):
        return 0.0, ""
    return _compare(a.token, b.token)


def _surely_unrelated(a: Token, b: Token) -> bool:
    """True only when `_compare(a, b)` finds no relation, from cheap facts (`_unrelated`)."""
    return _unrelated(word_of(a), word_of(b))


def _unrelated(a: Word, b: Word) -> bool:
    """True only when `_compare` finds no relation between the words' tokens, from cheap facts: most pairs
    the matcher meets are two different words, and ruling them out this way skips the full comparison
    (tested against `_compare` in tests/match/test_match_token_prefilter.py).

    A particle relates only by spelling or by a shared nickname group. Between two Latin words a relation
    needs equal spellings, keys, skeletons or romanisations, a shared group, one word starting the other
    (initial, truncated) or ending it (Abdul Saifullah / Saifullah), two Abd- compounds, or a typo between
    the spellings or any of their romanisations (`_no_typo`)."""
    if a.particle or b.particle:
        return not (
            a.norm == b.norm or a.canon == b.canon or not a.norm_nicknames.isdisjoint(b.norm_nicknames)
        )
    if not (a.plain and b.plain):
        return a.abjad != b.abjad and _abjad_unrelated(a, b)
    x, y = a.norm, b.norm
    if x == y or a.canon == b.canon or a.skel == b.skel:
        return False
    if (a.nicknames and not a.nicknames.isdisjoint(b.nicknames)) or (
        a.equivalents and not a.equivalents.isdisjoint(b.equivalents)
    ):
        return False
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if long_.startswith(short) or a.canon.endswith(b.canon) or b.canon.endswith(a.canon):
        return False
    if a.abd and b.abd:
        return False
    if not _no_typo(a.spelling, b.spelling):
        return False
    if a.forms or b.forms:
        if not a.spelled.isdisjoint(b.spelled):
            return False
        return all(_no_typo(f, g) for f in a.spellings for g in b.spellings)
    return True


def _abjad_unrelated(a: Word, b: Word) -> bool:
    """Between a word in Arabic or Hebrew script and one in another script (neither a particle), `_compare`
    finds a relation only by equal spellings or keys, or through the consonant skeletons (`_abjad`): equal,
    or a typo apart."""
    if a.norm == b.norm or a.canon == b.canon or a.skel == b.skel:
        return False
    return _no_typo(a.consonants, b.consonants)


def _no_typo(first: _Spelling, second: _Spelling) -> bool:
    """True only when `_typo` finds nothing between the two spellings. A typo needs both of 4 letters or
    more and lengths at most 2 apart, then an edit distance within `allowed_edits`, reversed or not, or
    the same first letter and a Jaro-Winkler similarity of at least 0.85. Each edit changes the multiset
    of letters by at most one on each side, so more distinct letters missing on one side than edits
    allowed rules the edits out; the letters one side misses cannot be matched either, which bounds the
    Jaro similarity."""
    (x, mask_x), (y, mask_y) = first, second
    if min(len(x), len(y)) < 4 or abs(len(x) - len(y)) > 2:
        return True
    miss_x, miss_y = (mask_x & ~mask_y).bit_count(), (mask_y & ~mask_x).bit_count()
    if max(miss_x, miss_y) <= allowed_edits(max(len(x), len(y))):
        return False
    if x[0] != y[0]:
        return True
    common = min(len(x) - miss_x, len(y) - miss_y)  # at most this many letters can match
    jaro = (common / len(x) + common / len(y) + 1.0) / 3.0 if common > 0 else 0.0
    return 0.4 + 0.6 * jaro < _WEAK_TYPO_JW - 1e-9  # Winkler's boost: at most 4 letters x 0.1 of the rest


@lru_cache(maxsize=500_000)
def _compare(a: Token, b: Token) -> tuple[float, str]:
    crossed = a.script != b.script
    if a.script == "cjk" and b.script == "cjk" and a.raw != b.raw:
        return 0.0, ""  # two different characters are two different names, however close in sound
    if a.norm == b.norm:
        if crossed:
            return SIMILARITY[TRANSLIT], TRANSLIT
        return (1.0, EXACT) if fold(a.raw) == fold(b.raw) else (1.0, ACCENT)
    if a.canon == b.canon:
        return SIMILARITY[TRANSLIT if crossed else VARIANT], TRANSLIT if crossed else VARIANT
    if a.particle or b.particle:
        return _particle_nickname(a, b)
    if (a.script in _ABJAD) != (b.script in _ABJAD):
        return _abjad(a, b) if a.script in _ABJAD else _abjad(b, a)
    if a.canon.startswith("abd") and b.canon.startswith("abd"):
        return _abd_compound(a.canon[3:], b.canon[3:])
    a_forms, b_forms = forms(a), forms(b)
    if not a_forms.isdisjoint(b_forms):
        return (SIMILARITY[TRANSLIT], TRANSLIT) if crossed else (SIMILARITY[ROMANISED], ROMANISED)
    if crossed and (_one_character(a) or _one_character(b)):
        return 0.0, ""  # a Chinese character or Hangul syllable has its readings; a near one is another
    nickname = _nickname(a, b)
    if is_known_name(a.canon) and is_known_name(b.canon):
        return nickname  # two different names of the variant table (Olga, Oleg), not a slip of one
    best = _typo(a.norm, b.norm, TYPO)
    if best[0] < 0.85 and "cjk" not in (a.script, b.script) and (len(a_forms) > 1 or len(b_forms) > 1):
        # one slip once the romanisation is folded: Serej ~ Сергей (serei/sergei); not for a Hangul
        # syllable, whose many spellings would each meet some other syllable one letter away
        best = max([best, *(_typo(x, y, TYPO) for x, y in product(a_forms, b_forms))])
    if best[0] == 0.0 and max(len(a.norm), len(b.norm)) <= 3 and a.skel == b.skel and a.skel:
        best = (0.7, PHONETIC)  # short syllables differing only in vowels: Jong Un / Jong On
    if _phonetic(a, b):
        best = max(best, (SIMILARITY[PHONETIC], PHONETIC))
    best = max(best, nickname)
    if best[0] == 0.0:
        best = _initial_or_truncated(a, b)
    return best


def _abjad(written: Token, latin: Token) -> tuple[float, str]:
    """Arabic/Hebrew script omits short vowels: compare consonant skeletons, trusting long ones more.

    Names both in the variant table are compared by their canonical key only (محمد is Muhammad, not
    Mahmud, although both have the consonants m-h-m-d); a Latin name starting with a consonant needs the
    written one to start with a consonant too (آيناز is not Nazih)."""
    if is_known_name(written.canon) and is_known_name(latin.canon):
        return 0.0, ""
    if latin.norm[0] not in "aeiouy" and written.norm[0] in "aeiouy":
        return 0.0, ""
    if _written_vowel_end(written.raw) and latin.norm[-1] not in "aeiouy":
        return 0.0, ""  # محمدی is Mohammadi, not Mohammad: a written final long vowel is pronounced
    if not written.skel or written.skel != latin.skel:
        if min(len(written.skel), len(latin.skel)) >= 4:
            return _typo(written.skel, latin.skel, TRANSLIT, floor=4)
        return 0.0, ""
    return {1: 0.6, 2: 0.75}.get(len(written.skel), 0.9), TRANSLIT


_FINAL_VOWELS = frozenset("اىيیי")  # alef, alef maksura, Arabic and Persian yeh, Hebrew yod (not waw: عمرو)


def _written_vowel_end(raw: str) -> bool:
    """Whether the last letter (diacritics aside) writes a long vowel, which the skeleton leaves out."""
    letters = [ch for ch in raw if ch.isalpha()]
    return bool(letters) and letters[-1] in _FINAL_VOWELS


def _one_character(t: Token) -> bool:
    return t.script == "cjk" and len(t.raw) == 1


def _nickname(a: Token, b: Token) -> tuple[float, str]:
    """Bill ~ William (nickname table), Juan ~ John (the same name in another language)."""
    if nickname_groups(a.canon) & nickname_groups(b.canon):
        return SIMILARITY[NICKNAME], NICKNAME
    if equivalent_groups(a.canon) & equivalent_groups(b.canon):
        return SIMILARITY[EQUIVALENT], EQUIVALENT
    return 0.0, ""


def _particle_nickname(a: Token, b: Token) -> tuple[float, str]:
    """A particle that is also a short given name: 'Ben' Netanyahu is Benjamin, not 'son of'."""
    if a.particle and b.particle:
        return 0.0, ""
    if nickname_groups(a.norm) & nickname_groups(b.norm):
        return SIMILARITY[NICKNAME], NICKNAME
    return 0.0, ""


def _abd_compound(x: str, y: str) -> tuple[float, str]:
    """'Abdul Hamid' vs 'Abdul Ghani': compare what follows Abd. That part is one of the names of God,
    and near ones are different names (Abd al-Rahim is not Abd al-Rahman): a slip, not a weak likeness."""
    found = _typo(x, y, TYPO)
    return found if found[1] == TYPO else (0.0, "")


def _phonetic(a: Token, b: Token) -> bool:
    """Same consonant skeleton, same first sound (Usama/Osama count: both start with a vowel), and
    spellings not too far apart (Olga and Oleg share a skeleton but not a name)."""
    if a.skel != b.skel or len(a.skel) < 2:
        return False
    vowels = "aeiouy"
    same_start = a.norm[0] == b.norm[0] or (a.norm[0] in vowels and b.norm[0] in vowels)
    return same_start and JaroWinkler.similarity(a.norm, b.norm) >= 0.8


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
    if longest >= 5 and x[::-1] == y:
        return 0.8, how  # written backwards
    if longest >= 5 and OSA.distance(x[::-1], y, score_cutoff=1) <= 1:
        return 0.7, how  # written backwards with one slip (nitpu / putin), graded like two slips
    if min(len(x), len(y)) >= 5 and x[0] == y[0] and JaroWinkler.similarity(x, y) >= _WEAK_TYPO_JW:
        return 0.55, how + " (weak)"  # same start, different ending: Merkel/Merkur, Sechin/Sechev
    return 0.0, ""


def _initial_or_truncated(a: Token, b: Token) -> tuple[float, str]:
    short, long_ = (a, b) if len(a.norm) <= len(b.norm) else (b, a)
    if len(short.norm) == 1 and long_.norm.startswith(short.norm):
        return SIMILARITY[INITIAL], INITIAL
    if len(short.norm) >= 5 and len(long_.norm) - len(short.norm) <= 4 and long_.norm.startswith(short.norm):
        return SIMILARITY[TRUNCATED], TRUNCATED
    if short.canon.startswith("abd") is not long_.canon.startswith("abd") and long_.canon.endswith(
        short.canon
    ):
        return 0.6, TRUNCATED  # Abdul Saifullah / Saifullah
    return 0.0, ""


def compare_joined(parts: tuple[Token, ...], whole: Token) -> tuple[float, str]:
    """'DELACRUZ' vs 'DE LA CRUZ', 'VladimirPutin' vs 'Vladimir Putin': glue the parts and compare;
    also each part romanised otherwise ('Chin-ping' read as Pinyin is 'Jinping')."""
    glued = "".join(p.norm for p in parts)
    if len(whole.norm) == len(parts) and whole.norm == "".join(p.norm[0] for p in parts):
        return SIMILARITY[INITIAL], INITIAL  # JC = Jean-Claude
    if glued == whole.norm:
        return 0.97, JOINED
    if _glued_forms_meet(parts, whole):
        return SIMILARITY[ROMANISED], ROMANISED
    distance = OSA.distance(glued, whole.norm, score_cutoff=2)
    if distance <= allowed_edits(len(glued)) and len(glued) >= 6:
        return 0.95 - 0.1 * distance, JOINED
    return 0.0, ""


def surely_unjoined(glued: str, initials: str, mask: int, single: bool, whole: Word) -> bool:
    """True only when compare_joined finds nothing between parts and `whole`, from the parts `glued`, their
    `initials` and letters (`mask`), and whether each part has one romanisation only (`single`: then their
    forms cannot meet). What is left is a typo of the glued parts, and each edit of it changes the length
    by one at most and removes at most one letter missing on either side (tested against compare_joined in
    tests/match/test_match_token_prefilter.py)."""
    if not single or whole.norm == glued or whole.norm == initials:
        return False
    size = len(glued)
    if size < 6:
        return True
    edits = allowed_edits(size)
    if abs(size - len(whole.norm)) > edits:
        return True
    return (mask & ~whole.mask).bit_count() > edits or (whole.mask & ~mask).bit_count() > edits


def _glued_forms_meet(parts: tuple[Token, ...], whole: Token) -> bool:
    part_forms = [forms(p) for p in parts]
    if all(len(f) == 1 for f in part_forms):
        return False
    whole_forms = forms(whole)
    return any("".join(combo) in whole_forms for combo in product(*part_forms))


def first_letters(t: Token) -> frozenset[str]:
    """The letters a token may start with once romanised otherwise (Chin -> c, j, q)."""
    return frozenset(f[0] for f in forms(t) if f)
