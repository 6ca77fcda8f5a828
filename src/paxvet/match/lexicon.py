"""Small curated word lists the matcher needs: titles, particles, common names, variants and nicknames.

The tables in `match/data/` were written for paxvet; they are deliberately small and readable so an
analyst can review and extend them.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

from anyascii import anyascii

_TITLE_WORDS = """president mr mrs ms miss mx dr doctor prof professor sir dame madam mme mlle herr frau
    sr sra srta
    sheikh shaikh sheik shaykh cheikh haji hajji alhaj alhajj hajj mullah mulla maulvi maulana mawlawi mawlana
    mufti qari hafiz sayyed sayyid syed imam ayatollah hojatoleslam gen general col colonel capt captain lt
    rev reverend fr father jr junior snr ii iii iv esq phd md"""
TITLES = frozenset(_TITLE_WORDS.split())

# Particles are kept (never deleted) but weigh little; each maps to one canonical spelling.
_PARTICLE_CANON = {
    "de": "de",
    "del": "del",
    "la": "la",
    "las": "las",
    "los": "los",
    "le": "le",
    "da": "da",
    "das": "das",
    "do": "do",
    "dos": "dos",
    "di": "di",
    "du": "du",
    "van": "van",
    "von": "von",
    "der": "der",
    "den": "den",
    "ter": "ter",
    "y": "y",
    "e": "e",
    "i": "i",
    "al": "al",
    "el": "al",
    "ul": "al",
    "ad": "al",
    "ar": "al",
    "as": "al",
    "bin": "bin",
    "ibn": "bin",
    "ben": "bin",
    "bn": "bin",
    "bint": "bint",
    "binti": "bint",
    "abu": "abu",
    "abou": "abu",
    "abo": "abu",
    "ould": "bin",
}
PARTICLES = frozenset(_PARTICLE_CANON.values())

# Names so frequent among listed and travelling people that sharing one says little.
_COMMON = """muhammad ahmad ali abdullah hasan husayn mahmud ibrahim yusuf umar khan abd
    john james robert michael william david richard joseph thomas charles mary maria jose juan luis carlos
    jesus manuel antonio francisco garcia rodriguez martinez hernandez lopez gonzalez perez sanchez ramirez
    torres flores smith johnson williams brown jones miller davis wang li zhang liu chen yang huang zhao wu
    kim lee park nguyen ivan ivanov singh kumar"""
COMMON_NAMES = frozenset(_COMMON.split())


def canonical_particle(norm: str) -> str:
    return _PARTICLE_CANON.get(norm, norm)


def _ascii(word: str) -> str:
    """Table words to the matcher's Latin form; Arabic- and Hebrew-script words as the transliterator
    writes them."""
    word = word.strip().lower()
    if any("\u0590" <= c <= "\u06ff" for c in word):
        return "".join(c for c in anyascii(word).lower() if "a" <= c <= "z")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha())


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("paxvet.match").joinpath("data", filename).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([_ascii(w) for w in line.split(",") if _ascii(w)])
    return rows


@cache
def _variants() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _rows("name_variants.csv"):
        for word in row:
            table.setdefault(word, row[0])
    return table


def is_known_name(canon: str) -> bool:
    """True when `canon` is the canonical key of a line of the variant table."""
    return canon in _canonicals()


@cache
def _canonicals() -> frozenset[str]:
    return frozenset(_variants().values())


def name_variant(norm: str) -> str | None:
    """Canonical spelling of a known romanisation variant (mohamed -> muhammad), else None."""
    return _variants().get(norm)


@cache
def _groups(filename: str) -> dict[str, frozenset[str]]:
    """word -> the first words of the table lines it is on (spelling variants read as their key)."""
    groups: dict[str, set[str]] = {}
    for row in _rows(filename):
        key = name_variant(row[0]) or row[0]
        for word in row:
            groups.setdefault(name_variant(word) or word, set()).add(key)
    return {word: frozenset(keys) for word, keys in groups.items()}


def _nicknames() -> dict[str, frozenset[str]]:
    return _groups("nicknames.csv")


def equivalent_groups(canon: str) -> frozenset[str]:
    """The same given name in other languages (juan -> {john}, john -> {john})."""
    return _groups("equivalents.csv").get(canon, frozenset())


def nickname_groups(canon: str) -> frozenset[str]:
    """The formal names a given name or nickname belongs to (bill -> {william}, william -> {william})."""
    return _nicknames().get(canon, frozenset())
