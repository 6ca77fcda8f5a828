"""`ftm-json`: OpenSanctions / FollowTheMoney entities, one JSON object per line.

Person entities become person entries: name, alias (alias), weakAlias (weak), previousName (alias),
firstName / middleName / lastName / fatherName (name parts: when no `name` is given they are combined into
one), birthDate (ISO with partial precision: 1962, 1962-11, 1962-11-23), birthPlace, nationality,
citizenship (alpha-2), gender, passportNumber, idNumber. Passport and Identification entities (FtM's
document schemata) are attached to their holder's documents. Other schemata are counted and skipped.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from paxvet.errors import ProblemList
from paxvet.watchlists.countries import country_code
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    build_entry,
    finish,
    read_text,
)
from paxvet.watchlists.schemas import BirthDate, EntryDocument, EntryName, EntryRecord

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
DOCUMENT_SCHEMATA = {"Passport": "passport", "Identification": "national_id"}


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    content = read_text(path)
    persons: list[tuple[str, dict[str, Any]]] = []
    held: dict[str, list[EntryDocument]] = defaultdict(list)
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        location = f"{path.name}:line {number}"
        entity = _entity(line, problems, location)
        if entity is None:
            continue
        schema = entity.get("schema")
        if schema == "Person":
            persons.append((location, entity))
        elif schema in DOCUMENT_SCHEMATA:
            _held_document(entity, held, counts)
        else:
            counts[f"skipped_{str(schema).lower()}"] += 1
    entries = [e for e in (_person(loc, ent, held, problems, counts) for loc, ent in persons) if e]
    return finish(entries, problems, counts)


def _entity(line: str, problems: ProblemList, location: str) -> dict[str, Any] | None:
    try:
        entity = json.loads(line)
    except json.JSONDecodeError as exc:
        problems.error(f"not JSON: {exc.msg} at column {exc.colno}", location)
        return None
    if not isinstance(entity, dict) or not isinstance(entity.get("properties", {}), dict):
        problems.error("expected an entity object with 'schema' and 'properties'", location)
        return None
    if not entity.get("id") or not entity.get("schema"):
        problems.error("an entity needs 'id' and 'schema'", location)
        return None
    return entity


def props(entity: dict[str, Any], name: str) -> list[str]:
    value = entity.get("properties", {}).get(name, [])
    items = value if isinstance(value, list) else [value]
    return [" ".join(str(v).split()) for v in items if str(v).strip()]


def _held_document(
    entity: dict[str, Any], held: dict[str, list[EntryDocument]], counts: Counter[str]
) -> None:
    numbers = props(entity, "number")
    holders = props(entity, "holder")
    if not numbers or not holders:
        counts["documents_without_holder"] += 1
        return
    country = next((c for c in map(country_code, props(entity, "country")) if c), None)
    doc_type = DOCUMENT_SCHEMATA[entity["schema"]]
    for holder in holders:
        held[holder].append(EntryDocument(number=numbers[0], doc_type=doc_type, country=country))
    counts["document_entities"] += 1


def _person(
    location: str,
    entity: dict[str, Any],
    held: dict[str, list[EntryDocument]],
    problems: ProblemList,
    counts: Counter[str],
) -> EntryRecord | None:
    names = _names(entity)
    if not names:
        problems.error("a Person without any name", location)
        return None
    countries = [c for c in map(country_code, props(entity, "nationality")) if c]
    citizenships = [c for c in map(country_code, props(entity, "citizenship")) if c]
    fallback_country = next(iter(countries + citizenships), None)
    documents = [
        EntryDocument(number=n, doc_type="passport", country=fallback_country)
        for n in props(entity, "passportNumber")
    ]
    documents += [
        EntryDocument(number=n, doc_type="national_id", country=fallback_country)
        for n in props(entity, "idNumber")
    ]
    documents += held.get(entity["id"], [])
    gender = next(iter(props(entity, "gender")), "").lower()
    dobs = _dates(props(entity, "birthDate"), problems, location)
    return build_entry(
        problems,
        location,
        counts,
        source_id=str(entity["id"])[:100],
        names=names,
        dates_of_birth=dobs,
        places_of_birth=props(entity, "birthPlace"),
        nationalities=countries,
        citizenships=citizenships,
        gender="M" if gender == "male" else "F" if gender == "female" else None,
        documents=list(dict.fromkeys(documents)),
        remarks="; ".join(props(entity, "notes")) or None,
        programs=props(entity, "topics") + props(entity, "program"),
    )


def _names(entity: dict[str, Any]) -> list[EntryName]:
    first = " ".join(props(entity, "firstName") + props(entity, "middleName")) or None
    father = " ".join(props(entity, "fatherName")) or None
    last = " ".join(props(entity, "lastName")) or None
    names: list[EntryName] = []
    for full in props(entity, "name"):
        simple = first and last and full.lower() == f"{first} {last}".lower()
        names.append(EntryName(full=full, given=first if simple else None, family=last if simple else None))
    if not names and (first or last):  # yente's combine_names: parts alone still make a name
        full = " ".join(p for p in (first, father, last) if p)
        names.append(EntryName(full=full, given=first, family=last))
    names += [EntryName(full=a, kind="alias") for a in props(entity, "alias") + props(entity, "previousName")]
    names += [EntryName(full=a, kind="weak") for a in props(entity, "weakAlias")]
    unique: dict[tuple[str, str], EntryName] = {}
    for name in names:
        unique.setdefault((name.full.lower(), name.kind), name)
    return list(unique.values())


def _dates(values: list[str], problems: ProblemList, location: str) -> list[BirthDate]:
    dates: list[BirthDate] = []
    for value in values:
        match = _ISO.match(value)
        try:
            if match is None:
                raise ValueError("not an ISO date")
            y, m, d = match.groups()
            date = BirthDate(year=int(y), month=int(m) if m else None, day=int(d) if d else None)
        except ValueError:
            problems.warning(f"birthDate {value!r} not understood", location)
            continue
        if date not in dates:
            dates.append(date)
    return dates
