"""Planting listed persons (paxvet-csv rows) into flights under the name variations they really travel with:
the maternal surname dropped, double surnames joined, a nickname, a typo or OCR confusion, given names and
surname swapped, initials, another transliteration, a birth date known only to the year."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from paxvet.countries import to_alpha3
from paxvet.errors import InvalidInput, Problem
from paxvet.synth.people import NATIONALITIES, Person, document_number
from paxvet.synth.translit import passport_ascii, strip_accents, transliteration_variant

NICKNAMES = {
    "JOSE": "PEPE", "FRANCISCO": "PACO", "JESUS": "CHUY", "GUADALUPE": "LUPE", "IGNACIO": "NACHO",
    "ALBERTO": "BETO", "ROBERTO": "BETO", "GUILLERMO": "MEMO", "EDUARDO": "LALO", "ANTONIO": "TONO",
    "ENRIQUE": "KIKE", "ROSARIO": "CHAYO", "CONCEPCION": "CONCHITA", "MANUEL": "MANOLO", "REFUGIO": "CUCO",
    "ALEJANDRO": "ALEX", "WILLIAM": "BILL", "ROBERT": "BOB", "RICHARD": "RICK", "JAMES": "JIM",
    "MICHAEL": "MIKE", "JOSEPH": "JOE", "ELIZABETH": "LIZ", "ALEKSANDR": "SASHA", "DMITRII": "DIMA",
    "MARIA": "MARY", "JOHN": "JACK", "CHRISTOPHER": "CHRIS", "DANIEL": "DANNY", "ANDRES": "ANDY",
}  # fmt: skip
# Nationals whose names are romanised from another script, so spellings vary between systems.
_ARABIC = "SAU ARE EGY IRQ SYR JOR LBN YEM KWT QAT BHR OMN LBY DZA MAR TUN SDN PSE"
_SCRIPTS = {
    **dict.fromkeys(_ARABIC.split(), "arabic"),
    **dict.fromkeys(["RUS", "UKR", "BLR", "KAZ", "KGZ"], "cyrillic"),
}
# What scanners and tired fingers turn letters into.
OCR = {"O": "0", "I": "1", "S": "5", "B": "8", "M": "RN", "W": "VV", "D": "O", "E": "F", "G": "C", "U": "V"}


@dataclass
class Names:
    surname: str
    given_names: str
    paternal: str
    maternal: str
    script: str = "latin"  # the script the name was romanised from: other spellings exist for some


Variation = Callable[[Names, random.Random], str | None]  # changes the names; None when it does not apply


def _drop_maternal(n: Names, rng: random.Random) -> str | None:
    if not n.maternal or not n.paternal:
        return None
    n.surname = n.paternal
    return f"maternal surname {n.maternal} dropped"


def _join_surnames(n: Names, rng: random.Random) -> str | None:
    if " " not in n.surname:
        return None
    joiner = rng.choice(["-", ""])
    n.surname = n.surname.replace(" ", joiner)
    return "double surname hyphenated" if joiner else "double surname written as one word"


def _nickname(n: Names, rng: random.Random) -> str | None:
    first, _, rest = n.given_names.partition(" ")
    if first not in NICKNAMES:
        return None
    n.given_names = f"{NICKNAMES[first]} {rest}".strip()
    return f"nickname {NICKNAMES[first]} for {first}"


def _typo(n: Names, rng: random.Random) -> str | None:
    name = n.surname
    if len(name) < 4:
        return None
    i = rng.randrange(1, len(name) - 2)
    kind = rng.choice(["transpose", "drop", "double"])
    if kind == "transpose" and name[i] != name[i + 1]:
        n.surname = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif kind == "drop":
        n.surname = name[:i] + name[i + 1 :]
    else:
        n.surname = name[:i] + name[i] + name[i:]
    return f"typo in surname ({kind})"


def _ocr(n: Names, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(n.surname) if ch in OCR]
    if not spots:
        return None
    i = rng.choice(spots)
    old = n.surname[i]
    n.surname = n.surname[:i] + OCR[old] + n.surname[i + 1 :]
    return f"OCR confusion {old} read as {OCR[old]} in surname"


def _swap(n: Names, rng: random.Random) -> str | None:
    if not n.given_names:
        return None
    n.surname, n.given_names = n.given_names, n.surname
    return "given names and surname swapped"


def _initials(n: Names, rng: random.Random) -> str | None:
    parts = n.given_names.split()
    if not parts:
        return None
    if len(parts) > 1:
        n.given_names = f"{parts[0]} {parts[1][0]}"
        return "second given name as an initial"
    n.given_names = parts[0][0]
    return "given name as an initial"


def _translit(n: Names, rng: random.Random) -> str | None:
    if n.script not in ("arabic", "cyrillic"):
        return None
    full = transliteration_variant(f"{n.given_names}|{n.surname}", n.script, rng)
    if not full or "|" not in full:
        return None
    n.given_names, n.surname = (part.strip() for part in full.split("|", 1))
    return f"another {n.script} transliteration"


VARIATIONS: dict[str, Variation] = {
    "drop_maternal": _drop_maternal,
    "join_surnames": _join_surnames,
    "nickname": _nickname,
    "typo": _typo,
    "ocr": _ocr,
    "initials": _initials,
    "transliteration": _translit,
    "swap": _swap,
}


def vary(n: Names, rng: random.Random) -> list[str]:
    """Apply 0-2 applicable variations; the descriptions of what was done ([] = exact). They are applied in
    the order of VARIATIONS, so a swap comes last and the surname it moves is already the varied one."""
    if rng.random() < 0.15:
        return []
    wanted = 1 if rng.random() < 0.6 else 2
    chosen: set[str] = set()
    for name in rng.sample(list(VARIATIONS), k=len(VARIATIONS)):
        if len(chosen) < wanted and VARIATIONS[name](_copy(n), rng):
            chosen.add(name)
    done: list[str] = []
    for name in VARIATIONS:
        if name in chosen:
            said = VARIATIONS[name](n, rng)
            if said:
                done.append(f"{name}: {said}")
    return done


def _copy(n: Names) -> Names:
    return Names(n.surname, n.given_names, n.paternal, n.maternal, n.script)


# ---------------------------------------------------------------------------------------------------------
# persons from a paxvet-csv file

_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(~)?$")
_RANGE = re.compile(r"^(\d{4})\.\.(\d{4})$")


def read_persons(path: Path) -> list[dict[str, str]]:
    """Rows of a paxvet-csv file; needs source_id and full_name or surname on every row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(f"cannot read persons from {path}: {exc}") from exc
    problems = [
        Problem("needs source_id and full_name or surname", f"{path}:{line}")
        for line, row in enumerate(rows, start=2)
        if not (row.get("source_id") and (row.get("full_name") or row.get("surname")))
    ]
    if problems or not rows:
        raise InvalidInput(f"{path} is not a usable paxvet-csv persons file", problems)
    return rows


def travel_birth_date(spec: str, rng: random.Random) -> tuple[date | None, str]:
    """A full birth date for the manifest from a list's date ('1975', '1975-03', '1970..1975', '1975~'), and
    how it was derived."""
    first = (spec or "").split("|")[0].strip()
    span = _RANGE.match(first)
    if span:
        year = rng.randint(int(span[1]), int(span[2]))
        return date(year, rng.randint(1, 12), rng.randint(1, 28)), "date of birth drawn from a range of years"
    found = _YEAR.match(first)
    if not found:
        return None, "no date of birth on the list"
    year = int(found[1]) + (rng.choice((-1, 0, 1)) if found[4] else 0)
    if found[3]:
        return date(year, int(found[2]), int(found[3])), "circa date of birth" if found[
            4
        ] else "full date of birth"
    if found[2]:
        return date(year, int(found[2]), rng.randint(1, 28)), "list has year and month only"
    return date(year, rng.randint(1, 12), rng.randint(1, 28)), "list has the year of birth only"


def listed_names(row: dict[str, str]) -> Names:
    paternal = passport_ascii(row.get("paternal_surname") or "")
    maternal = passport_ascii(row.get("maternal_surname") or "")
    surname = passport_ascii(row.get("surname") or "") or f"{paternal} {maternal}".strip()
    given = passport_ascii(row.get("given_names") or "")
    if not surname:
        given, _, surname = passport_ascii(row.get("full_name") or "").rpartition(" ")
    if not paternal and not maternal and len(surname.split()) == 2:
        paternal, maternal = surname.split()
    return Names(surname, given, paternal, maternal)


def planted_person(row: dict[str, str], rng: random.Random, on: date) -> tuple[Person, list[str], str]:
    """(the traveller, variations applied, how the birth date was derived) for one listed person."""
    names = listed_names(row)
    nationality = _nationality(row)
    names.script = _SCRIPTS.get(nationality, "latin")
    accents = strip_accents(row.get("full_name") or "") != (row.get("full_name") or "")
    variations = vary(names, rng)
    if accents:
        variations.append("accents: accents removed (carrier systems are A-Z)")
    birth, how = travel_birth_date(row.get("dates_of_birth") or "", rng)
    person = Person(
        surname=names.surname,
        given_names=names.given_names,
        gender=(row.get("gender") or "").upper()[:1] or rng.choice("MF"),
        birth=birth or date(on.year - rng.randint(25, 60), rng.randint(1, 12), rng.randint(1, 28)),
        nationality=nationality,
        doc_type="P",
        doc_number="",
        doc_country=nationality,
        doc_issued=date(on.year - rng.randint(1, 8), rng.randint(1, 12), rng.randint(1, 28)),
        doc_expiry=date(on.year + rng.randint(1, 6), rng.randint(1, 12), rng.randint(1, 28)),
        paternal=names.paternal,
        maternal=names.maternal,
        residence=nationality,
    )
    person.doc_issued = person.doc_expiry.replace(
        year=person.doc_expiry.year - 10, day=min(person.doc_expiry.day, 28)
    )
    person.doc_number, person.doc_country, used = _document(row, nationality, rng)
    return person, variations + ([used] if used else []), how


def _nationality(row: dict[str, str]) -> str:
    for code in (row.get("nationalities") or "").split("|"):
        alpha3 = to_alpha3(code.strip())
        if alpha3:
            return alpha3
    return "MEX"


def _document(row: dict[str, str], nationality: str, rng: random.Random) -> tuple[str, str, str]:
    """The listed passport half of the time (people travel on their own papers), else a new one."""
    listed = [d.split(":") for d in (row.get("documents") or "").split("|") if d.count(":") == 2]
    passports = [d for d in listed if d[0].upper() in ("P", "PASSPORT", "")]
    if passports and rng.random() < 0.5:
        _, number, country = passports[0]
        return number.upper(), to_alpha3(country) or nationality, ""
    pattern = NATIONALITIES[nationality].passport if nationality in NATIONALITIES else "LDDDDDDDD"
    note = "document: travels on a passport that is not on the list" if passports else ""
    return document_number(pattern, rng), nationality, note
