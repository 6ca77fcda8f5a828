"""`uk-csv`: the UK Sanctions List as relational tables (a folder of CSV files with a header each).

subjects.csv (unique_id, subject_type, un_reference_number, ofsi_group_id, date_designated dd/mm/yyyy),
subject_names.csv (name_type primary|primary_variation|alias, alias_strength good/low_quality_aka,
full_name, name_6 = surname, name_1..name_5 = given names), subject_dobs.csv (year, month, day,
precision exact|month_year|year_only), subject_identifiers.csv (passport / national ID numbers and a
free-text description naming the issuing country), subject_countries.csv (nationality and birth
countries with ISO alpha-2). File names may carry a 'uk_' prefix. Individuals become person entries.
Rows are often repeated in these tables; repeats are merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

from paxvet.errors import Problem, ProblemList
from paxvet.watchlists.countries import country_code, leading_country
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    SourceError,
    build_entry,
    finish,
    header_rows,
    read_text,
)
from paxvet.watchlists.schemas import BirthDate, EntryDocument, EntryName, EntryRecord

TABLES = {
    "subjects": ("unique_id", "subject_type"),
    "subject_names": ("unique_id", "name_type", "full_name"),
    "subject_dobs": ("unique_id", "year", "month", "day"),
    "subject_identifiers": ("unique_id", "raw_value", "identifier_type"),
    "subject_countries": ("unique_id", "country_type", "iso"),
}
OPTIONAL = {"subject_dobs", "subject_identifiers", "subject_countries"}
DOCUMENT_TYPES = {"passport": "passport", "national": "national_id"}

Rows = dict[str, list[tuple[str, dict[str, str]]]]  # unique_id -> [(location, row)]


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    tables = {name: _table(path, name, problems) for name in TABLES}
    entries: list[EntryRecord] = []
    for uid, rows in tables["subjects"].items():
        location, subject = rows[0]
        if subject.get("subject_type", "").lower() != "individual":
            counts[f"skipped_{subject.get('subject_type', '').lower() or 'unknown'}"] += 1
            continue
        entry = _individual(uid, subject, tables, problems, location, counts)
        if entry is not None:
            entries.append(entry)
    known = set(tables["subjects"])
    for name in OPTIONAL | {"subject_names"}:
        counts[f"{name}_rows_without_subject"] = sum(
            len(v) for k, v in tables[name].items() if k not in known
        )
    return finish(entries, problems, counts)


def _file(folder: Path, name: str) -> Path | None:
    for candidate in (folder / f"{name}.csv", folder / f"uk_{name}.csv"):
        if candidate.is_file():
            return candidate
    return None


def _table(folder: Path, name: str, problems: ProblemList) -> Rows:
    if not folder.is_dir():
        raise SourceError(
            Problem("uk-csv takes the folder of tables (subjects.csv, subject_names.csv...)", str(folder))
        )
    file = _file(folder, name)
    rows: Rows = defaultdict(list)
    if file is None:
        if name not in OPTIONAL:
            problems.error(f"{name}.csv is missing", str(folder))
        return rows
    for line, row in header_rows(read_text(file), problems, file.name, TABLES[name]):
        uid = row["unique_id"]
        if not uid:
            problems.error("unique_id is empty", f"{file.name}:line {line}")
            continue
        rows[uid].append((f"{file.name}:line {line}", row))
    return rows


def _individual(
    uid: str,
    subject: dict[str, str],
    tables: dict[str, Rows],
    problems: ProblemList,
    location: str,
    counts: Counter[str],
) -> EntryRecord | None:
    names = _names(tables["subject_names"].get(uid, []))
    if not names:
        problems.error(f"individual {uid} has no name in subject_names", location)
        return None
    dobs = _dobs(tables["subject_dobs"].get(uid, []), problems)
    nationalities, births = _countries(tables["subject_countries"].get(uid, []))
    documents = _documents(tables["subject_identifiers"].get(uid, []))
    return build_entry(
        problems,
        location,
        counts,
        source_id=uid,
        names=names,
        dates_of_birth=dobs,
        places_of_birth=births,
        nationalities=nationalities,
        documents=documents,
        programs=[p for p in (uid.rstrip("0123456789"), subject.get("un_reference_number", "")) if p],
        listed_on=_uk_date(subject.get("date_designated", "")),
    )


def _names(rows: list[tuple[str, dict[str, str]]]) -> list[EntryName]:
    names: dict[str, EntryName] = {}
    for _, row in rows:
        full = " ".join(row["full_name"].split())
        if not full or full.lower() in names:
            continue
        given = " ".join(row.get(f"name_{i}", "").strip() for i in range(1, 6)).strip() or None
        family = row.get("name_6", "").strip() or None
        kind = "primary" if row["name_type"] == "primary" else "alias"
        if row.get("alias_strength", "") == "low_quality_aka":
            kind = "weak"
        names[full.lower()] = EntryName(
            full=full, given=given and " ".join(given.split()), family=family, kind=kind
        )
    ordered = sorted(names.values(), key=lambda n: n.kind != "primary")  # the primary name first
    return [
        n if i == 0 or n.kind != "primary" else n.model_copy(update={"kind": "alias"})
        for i, n in enumerate(ordered)
    ]


def _dobs(rows: list[tuple[str, dict[str, str]]], problems: ProblemList) -> list[BirthDate]:
    dobs: list[BirthDate] = []
    for location, row in rows:
        try:
            dob = BirthDate(
                year=int(row["year"]),
                month=_int(row["month"]),
                day=_int(row["day"]) if _int(row["month"]) else None,
            )
        except ValueError as exc:
            problems.warning(f"date of birth skipped: {exc}".splitlines()[0], location)
            continue
        if dob not in dobs:
            dobs.append(dob)
    return dobs


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _countries(rows: list[tuple[str, dict[str, str]]]) -> tuple[list[str], list[str]]:
    nationalities: list[str] = []
    births: list[str] = []
    for _, row in rows:
        kind = row["country_type"].lower()
        code = country_code(row["iso"]) or country_code(row.get("raw_value", ""))
        if kind == "nationality" and code and code not in nationalities:
            nationalities.append(code)
        elif kind == "birth" and row.get("raw_value", "").strip() and row["raw_value"].strip() not in births:
            births.append(row["raw_value"].strip())
    return nationalities, births


def _documents(rows: list[tuple[str, dict[str, str]]]) -> list[EntryDocument]:
    documents: dict[str, EntryDocument] = {}
    for _, row in rows:
        doc_type = DOCUMENT_TYPES.get(row["identifier_type"].lower())
        number = row["raw_value"].strip()
        if doc_type is None or not number or number in documents:
            continue
        info = " ".join(row.get("additional_info", "").split())
        documents[number] = EntryDocument(
            number=number, doc_type=doc_type, country=leading_country(info), note=info or None
        )
    return list(documents.values())


def _uk_date(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date() if value.strip() else None
    except ValueError:
        return None
