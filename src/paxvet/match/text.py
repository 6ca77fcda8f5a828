"""Name text to comparable tokens: script, transliteration, case, accents, punctuation, titles, particles.

Every token keeps what the officer saw (`raw`) next to the keys the matcher compares (`norm`, `canon`,
`skel`), so an explanation can say "محمد ≈ MOHAMED (transliterated)" rather than show internal keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from paxvet.match.lexicon import COMMON_NAMES, PARTICLES, TITLES, canonical_particle, name_variant
from paxvet.match.romanisation import hangul_reading

# Digits OCR and people put into names: I9or -> igor, Sech1n -> sechin.
_DIGIT_TO_LETTER = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
)
_SPLIT = re.compile(r"[\s,;/.\-_()\[\]\"«»·・]+")
_DROP = re.compile(r"[^a-z]")
_ABD_PREFIX = re.compile(r"^abd(ul|el|al|ol|ou|u|e|a|o)?(.*)$")
_ABD_WORDS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdou", "abdu", "abdoul", "abdil"})


class Token:
    """One comparable word of a name. Immutable by convention; equal tokens are usually one object
    (`make_token` interns them), and the hash is computed once, because the matcher's memos and caches
    hash tokens millions of times."""

    __slots__ = ("_hash", "canon", "norm", "particle", "raw", "script", "skel", "weight")

    def __init__(
        self, raw: str, norm: str, canon: str, skel: str, script: str, particle: bool, weight: float
    ) -> None:
        self.raw = raw  # as written in the source
        self.norm = norm  # Latin a-z only, lower case, accents and punctuation gone
        self.canon = canon  # spelling-variant key (Mohammed/Muhammad -> muhammad, Abd al-Rahman -> abdrahman)
        self.skel = skel  # consonant skeleton used as a phonetic key
        self.script = script  # latin | arabic | cyrillic | greek | hebrew | cjk | other
        self.particle = particle  # de, del, la, y, al, bin, ibn, abu ...
        self.weight = weight  # how much this token identifies a person
        self._hash = hash((raw, norm, canon, script))  # skel, particle and weight follow from these

    def _fields(self) -> tuple[str, str, str, str, str, bool, float]:
        return (self.raw, self.norm, self.canon, self.skel, self.script, self.particle, self.weight)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Token):
            return NotImplemented
        return self._hash == other._hash and self._fields() == other._fields()

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        names = ("raw", "norm", "canon", "skel", "script", "particle", "weight")
        return "Token(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True)) + ")"


def script_of(text: str) -> str:
    """The first non-Latin script found in `text`, else 'latin'."""
    for ch in text:
        if ord(ch) < 0x250:
            continue
        name = unicodedata.name(ch, "")
        for script in ("ARABIC", "CYRILLIC", "GREEK", "HEBREW", "CJK", "HANGUL", "HIRAGANA", "KATAKANA"):
            if name.startswith(script):
                return {"HANGUL": "cjk", "HIRAGANA": "cjk", "KATAKANA": "cjk"}.get(script, script.lower())
        if ch.isalpha():
            return "other"
    return "latin"


def split_words(text: str) -> list[str]:
    """Words as written, split on spaces, hyphens and punctuation; apostrophes join (O'Brien -> OBrien)."""
    text = text.replace("'", "").replace("’", "").replace("`", "").replace("ʻ", "").replace("ʿ", "")
    return [w for w in _SPLIT.split(text) if w]


@lru_cache(maxsize=200_000)
def latin_words(word: str) -> tuple[tuple[str, str], ...]:
    """One written word -> (written, Latin a-z) pairs: one per Chinese character or Korean syllable, one
    per run of Japanese kana (バラク is one name, not three), the Arabic article split from its noun,
    otherwise the word itself."""
    script = script_of(word)
    if script == "cjk":
        return tuple((part, _cjk_latin(part)) for part in _KANA_RUN.findall(word))
    if script == "arabic" and word.startswith("ال") and len(word) > 3:
        return (("ال", "al"), (word[2:], _latin(word[2:])))
    return ((word, _latin(word)),)


# Kana runs (with the long-vowel mark) stay together; any other character stands alone.
_KANA_RUN = re.compile(r"[\u3040-\u30ff]+|\S")
# Serbian and Macedonian Cyrillic (a word with ђ ј љ њ ћ џ ѓ ќ ѕ) romanise as their own Latin alphabet
# writes them (Вучић -> Vučić -> vucic), not with the Russian ch/sh/zh.
_SERBIAN_LETTERS = frozenset("ђјљњћџѓќѕЂЈЉЊЋЏЃЌЅ")
_SERBIAN = str.maketrans(
    {"ч": "c", "Ч": "C", "ћ": "c", "Ћ": "C", "ш": "s", "Ш": "S", "ж": "z", "Ж": "Z", "џ": "dz", "Џ": "Dz",
     "х": "h", "Х": "H", "ц": "c", "Ц": "C", "ђ": "dj", "Ђ": "Dj", "ќ": "k", "Ќ": "K", "ѓ": "g", "Ѓ": "G"}
)  # fmt: skip


def _cjk_latin(part: str) -> str:
    return hangul_reading(part) or _DROP.sub("", anyascii(part).lower())


def _latin(word: str) -> str:
    if script_of(word) == "arabic" and word in ("عبد", "عبد"):
        return "abd"
    if not _SERBIAN_LETTERS.isdisjoint(word):
        word = word.translate(_SERBIAN)
    return _DROP.sub("", anyascii(word).lower().translate(_DIGIT_TO_LETTER))


def canonical(norm: str) -> str:
    """Spelling-variant key: a curated variant table, then Arabic 'abd' compounds folded together."""
    variant = name_variant(norm)
    if variant is not None:
        return variant
    m = _ABD_PREFIX.match(norm)
    if m and len(m.group(2)) >= 3:
        rest = m.group(2)
        if m.group(1) and m.group(1)[-1] in "aeiou" and len(rest) > 1 and rest[0] == rest[1]:
            rest = rest[1:]  # sun-letter assimilation: abdur-rahman -> abd + rahman
        return "abd" + rest
    return canonical_particle(norm)


_DIGRAPHS = (
    ("sch", "x"),
    ("tch", "x"),
    ("dzh", "j"),
    ("sh", "x"),
    ("ch", "x"),
    ("zh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("kh", "k"),
    ("gh", "g"),
    ("ck", "k"),
    ("qu", "k"),
    ("ks", "x"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_SKELETON_MAP = str.maketrans({"q": "k", "c": "k", "z": "s", "w": "v", "p": "b"})
_VOWELS = re.compile(r"[aeiouy]")
_ABJAD_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(norm: str, script: str = "latin") -> str:
    """A consonant skeleton that survives romanisation: Mohammed, Muhammad and محمد all give 'mhmd'.

    Arabic and Hebrew are written without short vowels, so Latin names are compared to them through the
    consonants alone; the same key serves as the phonetic key between two Latin spellings.
    """
    s = norm.replace("x", "ks")
    if script == "hebrew":
        s = s.replace("w", "v")
    for old, new in _DIGRAPHS:
        s = s.replace(old, new)
    s = _SOFT_C.sub("s", s)
    if len(s) > 2 and s.endswith("h"):
        s = s[:-1]  # ta marbuta / final h: Usama, Osamah, أسامة
    s = (_ABJAD_VOWELS if script == "arabic" else _VOWELS).sub("", s)
    return _DOUBLE.sub(r"\1", s.translate(_SKELETON_MAP))


def token_weight(norm: str, canon: str, particle: bool) -> float:
    """How much a token identifies someone: particles and very common names count less."""
    if particle:
        return 0.5 if canon == "abu" else 0.25
    if len(norm) == 1:
        return 0.4
    if canon in COMMON_NAMES or norm in COMMON_NAMES:
        return 0.7
    return 0.6 if len(norm) == 2 else 1.0


@lru_cache(maxsize=200_000)
def make_token(raw: str, norm: str, script: str, canon: str | None = None) -> Token:
    """The token of this word; equal words give the same object while it is cached (see Token)."""
    canon = canon or canonical(norm)
    particle = canon in PARTICLES and script != "cjk"  # 이 (Lee) reads 'i', not the Catalan particle
    return Token(
        raw, norm, canon, skeleton(canon, script), script, particle, token_weight(norm, canon, particle)
    )


def tokens_of(text: str, *, drop_titles: bool = True) -> list[Token]:
    """All comparable tokens of a name, titles removed (unless the title is all there is)."""
    return list(_tokens_of(text, drop_titles))


@lru_cache(maxsize=200_000)
def _tokens_of(text: str, drop_titles: bool) -> tuple[Token, ...]:
    """tokens_of, kept: most travellers' given names and surnames were written by others before."""
    out: list[Token] = []
    for word in split_words(text):
        out += word_tokens(word)
    if drop_titles:
        kept = [t for t in out if t.norm not in TITLES]
        if kept:
            out = kept
    return tuple(merge_abd(out))


@lru_cache(maxsize=200_000)
def word_tokens(word: str) -> tuple[Token, ...]:
    """The tokens of one written word (one lookup for a word seen before, rather than three)."""
    script = script_of(word)
    return tuple(make_token(raw, norm, script) for raw, norm in latin_words(word) if norm)


def merge_abd(tokens: list[Token]) -> list[Token]:
    """'Abd al-Rahman', 'Abdel Rahman' and 'Abdulrahman' are one name: merge 'abd' with what follows."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.norm in _ABD_WORDS and i + 1 < len(tokens):
            j = i + 1
            if tokens[j].canon == "al" and j + 1 < len(tokens):
                j += 1
            rest = tokens[j]
            raw = " ".join(x.raw for x in tokens[i : j + 1])
            script = t.script if t.script != "latin" else rest.script
            # the key is 'abd' + what follows as written apart: read again, 'abdaziz' would split abda-ziz
            out.append(make_token(raw, "abd" + rest.norm, script, "abd" + rest.canon))
            i = j + 1
            continue
        out.append(t)
        i += 1
    return out


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a raw word, to tell 'exact' from 'accent/case'."""
    return unicodedata.normalize("NFKC", text).casefold()
