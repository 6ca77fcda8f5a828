"""Synthetic travellers whose names, ages, genders and passports follow each nationality's patterns.

Name pools come from Faker's locales once per process (a fixed seed, so they never change between runs);
the hot loop then only draws from lists with one `random.Random`, which keeps a 250k-traveller day fast."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from anyascii import anyascii

from paxvet.synth.translit import passport_ascii


@dataclass(frozen=True)
class Nationality:
    alpha3: str
    locale: str
    passport: str  # pattern: L letter, D digit, A alphanumeric, anything else literal
    double_surname: bool = False  # Hispanic paternal + maternal surname
    second_given: float = 0.3  # share with two given names
    script: str = "latin"  # latin, cyrillic, arabic, hangul, chinese, japanese


NATIONALITIES = {
    n.alpha3: n
    for n in [
        Nationality("MEX", "es_MX", "GDDDDDDDD", double_surname=True, second_given=0.45),
        Nationality("USA", "en_US", "DDDDDDDDD", second_given=0.55),
        Nationality("COL", "es_CO", "LLDDDDDD", double_surname=True, second_given=0.5),
        Nationality("ESP", "es_ES", "LLLDDDDDD", double_surname=True, second_given=0.3),
        Nationality("ARG", "es_AR", "LLLDDDDDD", second_given=0.35),
        Nationality("CAN", "en_CA", "LLDDDDDD", second_given=0.5),
        Nationality("GBR", "en_GB", "DDDDDDDDD", second_given=0.45),
        Nationality("FRA", "fr_FR", "DDLLDDDDD", second_given=0.3),
        Nationality("DEU", "de_DE", "CAAAAAAAA", second_given=0.25),
        Nationality("ITA", "it_IT", "LLDDDDDDD", second_given=0.15),
        Nationality("BRA", "pt_BR", "LLDDDDDD", second_given=0.35),
        Nationality("RUS", "ru_RU", "DDDDDDDDD", second_given=0.0, script="cyrillic"),
        Nationality("SAU", "ar_SA", "LDDDDDDD", second_given=0.6, script="arabic"),
        Nationality("CHN", "zh_CN", "EDDDDDDDD", second_given=0.0, script="chinese"),
        Nationality("KOR", "ko_KR", "MDDDDDDDD", second_given=0.0, script="hangul"),
        Nationality("JPN", "ja_JP", "LLDDDDDDD", second_given=0.0, script="japanese"),
    ]
}
# Who flies in general (added to the origin's and destination's own people on each flight).
WORLD_WEIGHTS = {
    "USA": 20, "MEX": 20, "COL": 6, "CAN": 6, "ESP": 5, "GBR": 4, "BRA": 4, "CHN": 4, "FRA": 3, "DEU": 3,
    "ARG": 3, "KOR": 3, "JPN": 3, "ITA": 3, "RUS": 2, "SAU": 1.5,
}  # fmt: skip
# (upper age, weight): children travel with families, most travellers are 25-60.
AGE_BANDS = [(2, 2), (11, 6), (17, 6), (29, 20), (44, 30), (64, 27), (80, 8), (92, 1)]
_ALNUM = "CFGHJKLMNPRTVWXYZ0123456789"  # German passports avoid vowels and confusable letters
_LETTERS = "ABCDEFGHIJKLMNPRSTUVWXYZ"

_ARABIC_MALE = [
    "MOHAMMED", "AHMED", "ABDULLAH", "KHALID", "OMAR", "ALI", "FAISAL", "SAUD", "SULTAN", "FAHAD", "TURKI",
    "NASSER", "YOUSSEF", "HASSAN", "HUSSEIN", "IBRAHIM", "ABDULAZIZ", "ABDULRAHMAN", "SALEH", "MAJED",
    "NAYEF", "BANDAR", "WALEED", "TARIQ", "HAMZA", "ZIYAD", "MANSOUR", "RASHID", "BADR"
]  # fmt: skip
_ARABIC_FEMALE = [
    "FATIMA", "AISHA", "NOURA", "SARA", "MARYAM", "REEM", "LAMA", "HAYA", "NOUF", "AMAL", "HIND", "LATIFA",
    "MUNIRA", "DANA", "JOUD", "RANA", "HESSA", "SALMA", "LEENA", "GHADA"
]  # fmt: skip
_ARABIC_FAMILY = [
    "AL-OTAIBI", "AL-QAHTANI", "AL-GHAMDI", "AL-ZAHRANI", "AL-HARBI", "AL-SHEHRI", "AL-DOSARI",
    "AL-MUTAIRI", "AL-ANAZI", "AL-SHAMMARI", "AL-SUBAIE", "AL-JOHANI", "AL-MALKI", "AL-RASHIDI",
    "BIN MAHFOUZ", "AL-SAUD", "AL-AMRI", "AL-OMARI", "AL-SAHLI", "AL-HAZMI", "KHAN", "AL-FARSI",
    "AL-HUSSEINI", "AL-MANSOUR",
]  # fmt: skip
_KOREAN_FAMILY = {
    "김": "KIM", "이": "LEE", "박": "PARK", "최": "CHOI", "정": "JUNG", "강": "KANG", "조": "CHO",
    "윤": "YOON", "장": "JANG", "임": "LIM", "한": "HAN", "오": "OH", "서": "SEO", "신": "SHIN", "권":
    "KWON", "황": "HWANG", "안": "AHN", "송": "SONG", "전": "JEON", "홍": "HONG", "유": "YOO", "고":
    "KO", "문": "MOON", "양": "YANG", "손": "SON", "배": "BAE", "백": "BAEK", "허": "HEO", "노":
    "NOH", "남": "NAM"
}  # fmt: skip


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family_male: tuple[str, ...]
    family_female: tuple[str, ...]


@dataclass
class Person:
    """One synthetic traveller and the passport they carry."""

    surname: str
    given_names: str
    gender: str
    birth: date
    nationality: str
    doc_type: str
    doc_number: str
    doc_country: str
    doc_issued: date
    doc_expiry: date
    paternal: str = ""
    maternal: str = ""
    residence: str = ""


def _romanise(name: str, nat: Nationality) -> str:
    if nat.script == "hangul" and name in _KOREAN_FAMILY:
        return _KOREAN_FAMILY[name]
    if nat.script in ("hangul", "japanese", "chinese"):
        name = anyascii(name)
    return passport_ascii(name)


def _draw(count: int, make: object, nat: Nationality) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(count):
        value = _romanise(make(), nat)  # type: ignore[operator]
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


@cache
def name_pool(alpha3: str) -> NamePool:
    """The names of one nationality (built once per process, always the same)."""
    nat = NATIONALITIES[alpha3]
    if nat.script == "arabic":
        family = tuple(_ARABIC_FAMILY)
        return NamePool(tuple(_ARABIC_MALE), tuple(_ARABIC_FEMALE), family, family)
    from faker import Faker

    fake = Faker(nat.locale)
    fake.seed_instance(9303)
    if nat.script in ("chinese", "japanese"):
        male = _draw(300, getattr(fake, "first_romanized_name_male", fake.first_romanized_name), nat)
        female = _draw(300, getattr(fake, "first_romanized_name_female", fake.first_romanized_name), nat)
        family = _draw(300, fake.last_romanized_name, nat)
        return NamePool(male, female, family, family)
    family_m = _draw(900, getattr(fake, "last_name_male", fake.last_name), nat)
    family_f = family_m
    if nat.script == "cyrillic":  # Russian surnames have feminine forms
        family_f = _draw(900, fake.last_name_female, nat)
    male, female = _draw(700, fake.first_name_male, nat), _draw(700, fake.first_name_female, nat)
    return NamePool(male, female, family_m, family_f)


def pick_nationality(rng: random.Random, codes: list[str], cumulative: list[float]) -> str:
    return rng.choices(codes, cum_weights=cumulative)[0]


@cache
def _runs(pattern: str) -> tuple[tuple[str, int], ...]:
    """'GDDDDDDDD' -> (('G', 1), ('D', 8)): runs drawn in one call each (the hot loop of a big day)."""
    runs: list[tuple[str, int]] = []
    for ch in pattern:
        if runs and runs[-1][0] == ch:
            runs[-1] = (ch, runs[-1][1] + 1)
        else:
            runs.append((ch, 1))
    return tuple(runs)


def document_number(pattern: str, rng: random.Random) -> str:
    """A number shaped like `pattern`: L letter, D digit, A alphanumeric, anything else literal."""
    out = []
    for kind, size in _runs(pattern):
        if kind == "D":
            out.append(str(rng.randrange(10**size)).zfill(size))
        elif kind == "L":
            out.append("".join(rng.choices(_LETTERS, k=size)))
        elif kind == "A":
            out.append("".join(rng.choices(_ALNUM, k=size)))
        else:
            out.append(kind * size)
    return "".join(out)


def _bands(bands: list[tuple[int, int]], youngest: int) -> tuple[list[tuple[int, int]], list[float]]:
    spans, cumulative, total, low = [], [], 0.0, youngest
    for upper, weight in bands:
        spans.append((low * 365 + 1, upper * 365 + 364))
        total += weight
        cumulative.append(total)
        low = upper + 1
    return spans, cumulative


_TRAVELLER_AGES = _bands(AGE_BANDS, 0)
_CREW_AGES = _bands([(21, 1), (35, 4), (50, 4), (64, 2)], 19)


def birth_date(rng: random.Random, on: date, *, crew: bool = False) -> date:
    spans, cumulative = _CREW_AGES if crew else _TRAVELLER_AGES
    low, high = rng.choices(spans, cum_weights=cumulative)[0]
    return on - timedelta(days=rng.randint(low, high))


def make_person(alpha3: str, rng: random.Random, on: date, *, crew: bool = False) -> Person:
    """A traveller of this nationality, travelling on `on` (documents valid then, nearly always)."""
    nat = NATIONALITIES[alpha3]
    pool = name_pool(alpha3)
    female = rng.random() < (0.62 if crew else 0.5)
    given_pool = pool.female if female else pool.male
    given = rng.choice(given_pool)
    if rng.random() < nat.second_given:
        second = rng.choice(given_pool)
        given = given if second == given else f"{given} {second}"
    family = pool.family_female if female else pool.family_male
    paternal = rng.choice(family)
    maternal = rng.choice(family) if nat.double_surname else ""
    birth = birth_date(rng, on, crew=crew)
    issued, expiry = _validity(rng, on, birth)
    return Person(
        surname=f"{paternal} {maternal}".strip(),
        given_names=given,
        gender="F" if female else "M",
        birth=birth,
        nationality=alpha3,
        doc_type="P",
        doc_number=document_number(nat.passport, rng),
        doc_country=alpha3,
        doc_issued=issued,
        doc_expiry=expiry,
        paternal=paternal,
        maternal=maternal,
        residence=alpha3,
    )


def _validity(rng: random.Random, on: date, birth: date) -> tuple[date, date]:
    """Issue and expiry: 10 years for adults, 5 for minors; about 1 in 500 has lapsed before the trip."""
    minor = (on - birth).days < 18 * 365
    years = 5 if minor else 10
    age_days = (on - birth).days
    back = rng.randint(30, min(years * 365 - 1, max(31, age_days)))
    if rng.random() < 0.002:
        back = years * 365 + rng.randint(1, 400)
    issued = on - timedelta(days=back)
    try:
        expiry = issued.replace(year=issued.year + years) - timedelta(days=1)
    except ValueError:  # issued on 29 February
        expiry = issued.replace(year=issued.year + years, day=28)
    return issued, expiry


def passport_mrz(person: Person) -> str:
    """The machine-readable zone of this person's passport (TD3, valid check digits)."""
    from paxvet.documents.mrz_build import build_td3

    return build_td3(
        surname=person.surname,
        given_names=person.given_names,
        number=person.doc_number,
        state=person.doc_country,
        nationality=person.nationality,
        birth=person.birth,
        sex=person.gender,
        expiry=person.doc_expiry,
    )
