"""A synthetic wanted-persons list in the paxvet-csv format: Mexican, US and Colombian names with warrants,
issuing authorities, offences, extradition flags and caution notes, and dates of birth as lists give them
(full, year only, year and month, a range, circa)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from paxvet.synth.people import NATIONALITIES, document_number, make_person
from paxvet.synth.planting import NICKNAMES

COLUMNS = [
    "source_id", "full_name", "given_names", "surname", "paternal_surname", "maternal_surname", "aliases",
    "dates_of_birth", "place_of_birth", "nationalities", "gender", "documents", "warrant_number",
    "issuing_authority", "offence", "extradition_request", "caution", "remarks", "listed_on",
]  # fmt: skip
_MIX = [("MEX", 55), ("USA", 20), ("COL", 15), ("ESP", 3), ("RUS", 3), ("SAU", 2), ("CHN", 2)]
AUTHORITIES = {
    "MEX": ["Fiscalía General de la República (FGR)", "Fiscalía General del Estado de Jalisco",
            "Fiscalía General de Justicia de la Ciudad de México", "Fiscalía General del Estado de Sinaloa",
            "Juzgado Segundo de Distrito en Materia Penal, Toluca"],
    "USA": ["U.S. Marshals Service", "FBI", "DEA", "Homeland Security Investigations (HSI)",
            "U.S. District Court, Southern District of Texas",
            "U.S. District Court, Southern District of Florida"],
    "COL": ["Fiscalía General de la Nación", "Juzgado 4 Penal del Circuito Especializado de Bogotá"],
    "OTHER": ["INTERPOL Red Notice", "Europol"],
}  # fmt: skip
OFFENCES = {
    "MEX": ["Delitos contra la salud (narcotráfico)", "Homicidio calificado", "Secuestro agravado",
            "Trata de personas", "Operaciones con recursos de procedencia ilícita", "Extorsión",
            "Portación de arma de uso exclusivo del Ejército", "Delincuencia organizada"],
    "USA": ["Conspiracy to distribute cocaine", "Money laundering conspiracy", "Wire fraud",
            "Alien smuggling resulting in death", "Armed bank robbery", "Racketeering (RICO)",
            "Unlawful flight to avoid prosecution", "Fentanyl trafficking"],
    "COL": ["Tráfico de estupefacientes", "Concierto para delinquir agravado", "Homicidio agravado",
            "Lavado de activos", "Extorsión agravada"],
}  # fmt: skip
CAUTIONS = ["Armed and dangerous", "Known to use false documents", "History of violence; approach with care",
            "Flight risk; may travel under aliases", "Suicidal tendencies reported", "", "", ""]  # fmt: skip
NICKNAME_ALIASES = ["EL FLACO", "EL GÜERO", "EL CHAPARRO", "EL MUDO", "EL TIGRE", "LA JEFA", "EL COMPADRE",
                    "EL PROFE", "EL NEGRO", "EL GORDO", "LA REINA", "EL CUCHILLO"]  # fmt: skip
_ACCENTS = {"JOSE": "JOSÉ", "JESUS": "JESÚS", "RAMON": "RAMÓN", "MARTINEZ": "MARTÍNEZ", "GARCIA": "GARCÍA",
            "RODRIGUEZ": "RODRÍGUEZ", "HERNANDEZ": "HERNÁNDEZ", "LOPEZ": "LÓPEZ", "GONZALEZ": "GONZÁLEZ",
            "PEREZ": "PÉREZ", "SANCHEZ": "SÁNCHEZ", "RAMIREZ": "RAMÍREZ", "GOMEZ": "GÓMEZ", "DIAZ": "DÍAZ",
            "MUNOZ": "MUÑOZ", "NUNEZ": "NÚÑEZ", "IBANEZ": "IBÁÑEZ", "ANGEL": "ÁNGEL",
            "CESAR": "CÉSAR"}  # fmt: skip


def _accented(name: str) -> str:
    return " ".join(_ACCENTS.get(w, w) for w in name.split())


def _dob(rng: random.Random, born: date) -> str:
    kind = rng.choices(["full", "year", "month", "range", "circa", "two"], (60, 15, 5, 8, 7, 5))[0]
    if kind == "year":
        return f"{born.year}"
    if kind == "month":
        return f"{born:%Y-%m}"
    if kind == "range":
        return f"{born.year - rng.randint(0, 2)}..{born.year + rng.randint(1, 3)}"
    if kind == "circa":
        return f"{born.year}~"
    if kind == "two":  # a second date from another source
        return f"{born.isoformat()}|{born + timedelta(days=rng.choice((-365, 31, 1)))}"
    return born.isoformat()


def _warrant(rng: random.Random, country: str, listed: date) -> str:
    if country == "MEX":
        unit = rng.choice(["FEMDO", "UEIDCS", "FECOR", "UEITMPO"])
        return f"FED/{unit}/{rng.randint(1, 9999):04d}/{listed.year - rng.randint(0, 6)}"
    if country == "USA":
        return (
            f"{rng.randint(1, 9)}:{listed.year % 100 - rng.randint(0, 5):02d}-cr-{rng.randint(1, 99999):05d}"
        )
    return f"11001{rng.randint(10**15, 10**16 - 1)}"


def _aliases(rng: random.Random, given: str, surname: str, paternal: str) -> list[str]:
    aliases = []
    first = given.split()[0] if given else ""
    if first in NICKNAMES and rng.random() < 0.6:
        aliases.append(f"{NICKNAMES[first]} {paternal or surname}")
    if rng.random() < 0.35:
        aliases.append(rng.choice(NICKNAME_ALIASES))
    if paternal and rng.random() < 0.3:
        aliases.append(f"{given} {paternal}")
    return aliases


def _entry(rng: random.Random, index: int, today: date) -> dict[str, str]:
    nationality = rng.choices([c for c, _ in _MIX], [w for _, w in _MIX])[0]
    person = make_person(nationality, rng, today)
    while (today - person.birth).days < 19 * 365:
        person = make_person(nationality, rng, today)
    hispanic = NATIONALITIES[nationality].double_surname
    given, surname = person.given_names, person.surname
    if hispanic:  # lists keep the accents the carriers' systems drop
        given, surname = _accented(given), _accented(surname)
    listed = today - timedelta(days=rng.randint(10, 3650))
    authority_country = nationality if nationality in AUTHORITIES else "OTHER"
    offences = OFFENCES.get(nationality, OFFENCES["USA"])
    documents = []
    if rng.random() < 0.55:
        documents.append(f"P:{person.doc_number}:{nationality}")
    if rng.random() < 0.15:
        documents.append(f"P:{document_number(NATIONALITIES[nationality].passport, rng)}:{nationality}")
    return {
        "source_id": f"WANTED-{index:06d}",
        "full_name": f"{given} {surname}",
        "given_names": given,
        "surname": surname,
        "paternal_surname": _accented(person.paternal) if hispanic else "",
        "maternal_surname": _accented(person.maternal) if hispanic else "",
        "aliases": "|".join(
            _aliases(rng, person.given_names, person.surname, person.paternal if hispanic else "")
        ),
        "dates_of_birth": _dob(rng, person.birth),
        "place_of_birth": "",
        "nationalities": nationality + ("|USA" if nationality == "MEX" and rng.random() < 0.08 else ""),
        "gender": person.gender,
        "documents": "|".join(documents),
        "warrant_number": _warrant(rng, nationality, listed),
        "issuing_authority": rng.choice(AUTHORITIES[authority_country]),
        "offence": rng.choice(offences),
        "extradition_request": "yes" if rng.random() < 0.3 else "no",
        "caution": rng.choice(CAUTIONS),
        "remarks": "synthetic record for tests and demonstrations",
        "listed_on": listed.isoformat(),
    }


def synth_wanted_list(n: int, seed: int = 1, *, today: date | None = None) -> list[dict[str, str]]:
    """`n` wanted persons (paxvet-csv rows); the same n and seed always give the same list."""
    rng = random.Random(seed)
    on = today or date(2026, 1, 1)  # fixed, so a seed means the same list on any day
    return [_entry(rng, index, on) for index in range(1, n + 1)]


def write_wanted_csv(rows: list[dict[str, str]], path: Path) -> Path:
    """Write paxvet-csv rows (UTF-8, header first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
