"""Romanisation the way passports do it (ICAO Doc 9303 Part 3 for Cyrillic) and the other spellings the same
name takes in airline systems and watch lists (older Russian systems, English/French Arabic spellings)."""

from __future__ import annotations

import random
import re
import unicodedata

# ICAO Doc 9303 (2015) Cyrillic table, used in Russian passports since 2013.
_ICAO_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH", "З": "Z", "И": "I",
    "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
    "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE", "Ы": "Y",
    "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}  # fmt: skip
# The pre-2013 passport/visa spellings and common English ones: the same person, other letters.
_CYRILLIC_ALTERNATIVES = [
    ("IA", "YA"), ("IU", "YU"), ("KH", "H"), ("II", "IY"), ("II", "Y"), ("OV", "OFF"), ("EV", "EFF"),
    ("SHCH", "SCH"), ("ZH", "J"), ("KS", "X"), ("TS", "C"), ("IE", "YE"),
]  # fmt: skip
_ARABIC_ALTERNATIVES = [
    ("MOHAMMED", "MUHAMMAD"), ("MOHAMMED", "MOHAMED"), ("MOHAMMED", "MOHAMAD"), ("AHMED", "AHMAD"),
    ("ABDUL", "ABDEL"), ("ABDUL", "ABD AL"), ("AL-", "EL-"), ("AL-", "AL "), ("AL-", ""),
    ("HUSSEIN", "HUSAYN"), ("HASSAN", "HASAN"), ("YOUSSEF", "YUSUF"), ("KHALID", "KHALED"),
    ("OMAR", "UMAR"), ("OU", "U"),
    ("EE", "I"), ("SH", "CH"), ("Q", "K"), ("AISHA", "AICHA"), ("FATIMA", "FATIMAH"), ("DH", "D"),
]  # fmt: skip


def cyrillic_to_icao(text: str) -> str:
    """'Терентьева' -> 'TERENTEVA' (ICAO); characters outside the table pass through unchanged."""
    return "".join(_ICAO_CYRILLIC.get(ch, ch) for ch in text.upper())


def strip_accents(text: str) -> str:
    """'JOSÉ MUÑOZ' -> 'JOSE MUNOZ'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def passport_ascii(text: str) -> str:
    """Upper-case A-Z, spaces, hyphens and apostrophes, as carriers key names into API (UNOA)."""
    text = strip_accents(cyrillic_to_icao(text)).upper()
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z '\-]", "", text)).strip()


def transliteration_variant(name: str, script: str, rng: random.Random) -> str | None:
    """Another spelling of a romanised Russian ('cyrillic') or Arabic ('arabic') name; None when no rule
    applies to this name."""
    rules = _CYRILLIC_ALTERNATIVES if script == "cyrillic" else _ARABIC_ALTERNATIVES
    usable = [(a, b) for a, b in rules if a in name]
    if not usable:
        return None
    variant = name
    for a, b in rng.sample(usable, k=min(len(usable), rng.randint(1, 2))):
        variant = variant.replace(a, b, 1)
    variant = re.sub(r"\s+", " ", variant).strip()
    return variant if variant and variant != name else None
