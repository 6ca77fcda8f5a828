"""`un-xml`: the UN Security Council Consolidated List, official XML (CONSOLIDATED_LIST/INDIVIDUALS).

Individuals become person entries: FIRST_NAME..FOURTH_NAME (first name as given name, the rest as family
name), NAME_ORIGINAL_SCRIPT (kind original_script), aliases (quality 'Good'/'a.k.a.' -> alias, 'Low' ->
weak), typed dates of birth (EXACT, APPROXIMATELY -> circa, BETWEEN -> range; a YEAR alone is year-only),
places of birth, nationalities and documents. Entities are counted and skipped. Read with defusedxml's
iterparse so a hostile file cannot expand entities and a large one is not held twice in memory.

Data from the UN is not ours to correct: a date or country we cannot read is a warning (the entry loads
without it); a missing DATAID or name, or broken XML, is an error and nothing loads.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from paxvet.errors import Problem, ProblemList
from paxvet.watchlists.countries import country_code
from paxvet.watchlists.importers.base import ParsedList, Problems, build_entry, failed, finish
from paxvet.watchlists.schemas import BirthDate, EntryDocument, EntryName, EntryRecord

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_PASSPORT = re.compile(r"passport", re.IGNORECASE)
_NATIONAL_ID = re.compile(r"identi|national|id card|tazkira|cedula", re.IGNORECASE)


def text(element: Element | None, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def values(element: Element, tag: str) -> list[str]:
    """The VALUE children of e.g. NATIONALITY (a list of countries)."""
    return [" ".join(v.text.split()) for v in element.findall(f"{tag}/VALUE") if v.text and v.text.strip()]


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    entries: list[EntryRecord] = []
    try:
        for _event, element in iterparse(str(path), events=("end",)):
            if element.tag == "INDIVIDUAL":
                counts["individuals"] += 1
                entry = individual(element, path.name, counts["individuals"], problems, counts)
                if entry is not None:
                    entries.append(entry)
                element.clear()
            elif element.tag == "ENTITY":
                counts["skipped_entity"] += 1
                element.clear()
    except OSError as exc:
        return failed(Problem(f"cannot read the file: {exc.strerror or exc}", str(path)))
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        return failed(Problem(f"not well-formed XML: {exc}", f"{path.name}:line {line} column {column}"))
    except DefusedXmlException as exc:
        return failed(Problem(f"refused: the XML declares entities or a DTD ({exc})", path.name))
    if counts["individuals"] == 0 and counts["skipped_entity"] == 0:
        problems.error("no INDIVIDUAL or ENTITY records: is this the UN consolidated list?", path.name)
    return finish(entries, problems, counts)


def individual(
    element: Element, file: str, number: int, problems: ProblemList, counts: Counter[str]
) -> EntryRecord | None:
    dataid = text(element, "DATAID")
    location = f"{file}: INDIVIDUAL #{number}" + (f" (DATAID {dataid})" if dataid else "")
    if not dataid:
        problems.error("DATAID is missing", location)
        return None
    names = _names(element)
    if not names:
        problems.error("no name", location)
        return None
    dobs = [
        d
        for d in (_birth_date(e, problems, location) for e in element.findall("INDIVIDUAL_DATE_OF_BIRTH"))
        if d
    ]
    documents = _documents(element, problems, location)
    gender = text(element, "GENDER").lower()
    return build_entry(
        problems,
        location,
        counts,
        source_id=dataid,
        names=names,
        dates_of_birth=dobs,
        places_of_birth=_places(element),
        nationalities=_countries(values(element, "NATIONALITY"), problems, location),
        gender="M" if gender == "male" else "F" if gender == "female" else None,
        documents=documents,
        remarks=text(element, "COMMENTS1") or None,
        programs=[p for p in (text(element, "UN_LIST_TYPE"), text(element, "REFERENCE_NUMBER")) if p],
        listed_on=_listed_on(text(element, "LISTED_ON")),
    )


def _names(element: Element) -> list[EntryName]:
    parts = [text(element, tag) for tag in _NAME_PARTS]
    given, rest = parts[0], " ".join(p for p in parts[1:] if p)
    full = " ".join(p for p in parts if p)
    names: list[EntryName] = []
    if full:
        names.append(
            EntryName(full=full, given=given or None, family=rest or None)
            if given and rest
            else EntryName(full=full)
        )
    original = text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(EntryName(full=original, kind="original_script"))
    for alias in element.findall("INDIVIDUAL_ALIAS"):
        alias_name = text(alias, "ALIAS_NAME")
        if alias_name:
            weak = text(alias, "QUALITY").lower() == "low"
            names.append(EntryName(full=alias_name, kind="weak" if weak else "alias"))
    return names


def _birth_date(element: Element, problems: ProblemList, location: str) -> BirthDate | None:
    kind = text(element, "TYPE_OF_DATE").upper()
    exact, year = text(element, "DATE"), text(element, "YEAR")
    from_year, to_year = text(element, "FROM_YEAR"), text(element, "TO_YEAR")
    if not any((exact, year, from_year, to_year)):
        return None
    try:
        if from_year or to_year:
            start = int(from_year or to_year)
            return BirthDate(year=start, end_year=int(to_year or from_year), circa=kind == "APPROXIMATELY")
        match = _ISO_DATE.match(exact or year)
        if match is None:
            raise ValueError(f"{exact or year!r} is not a date")
        y, m, d = match.groups()
        return BirthDate(
            year=int(y), month=int(m) if m else None, day=int(d) if d else None, circa=kind == "APPROXIMATELY"
        )
    except ValueError as exc:
        problems.warning(f"date of birth skipped: {exc}", location)
        return None


def _places(element: Element) -> list[str]:
    places = []
    for place in element.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = [text(place, tag) for tag in ("CITY", "STATE_PROVINCE", "COUNTRY")]
        joined = ", ".join(p for p in parts if p)
        if joined:
            places.append(joined)
    return places


def _countries(names: list[str], problems: ProblemList, location: str) -> list[str]:
    codes = []
    for name in names:
        code = country_code(name)
        if code is None:
            problems.warning(f"nationality {name!r} not recognised", location)
        elif code not in codes:
            codes.append(code)
    return codes


def _documents(element: Element, problems: ProblemList, location: str) -> list[EntryDocument]:
    documents = []
    for doc in element.findall("INDIVIDUAL_DOCUMENT"):
        number = text(doc, "NUMBER")
        if not number:
            continue
        kind = " ".join(p for p in (text(doc, "TYPE_OF_DOCUMENT"), text(doc, "TYPE_OF_DOCUMENT2")) if p)
        country_text = text(doc, "ISSUING_COUNTRY") or text(doc, "COUNTRY_OF_ISSUE")
        country = country_code(country_text) if country_text else None
        if country_text and country is None:
            problems.warning(f"document country {country_text!r} not recognised", location)
        note = "; ".join(p for p in (kind, text(doc, "DATE_OF_ISSUE"), text(doc, "NOTE")) if p) or None
        documents.append(EntryDocument(number=number, doc_type=_doc_type(kind), country=country, note=note))
    return documents


def _doc_type(kind: str) -> str:
    if _PASSPORT.search(kind):
        return "passport"
    return "national_id" if _NATIONAL_ID.search(kind) else "other"


def _listed_on(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
