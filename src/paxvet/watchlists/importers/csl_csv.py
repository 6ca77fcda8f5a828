"""`csl-csv`: the US Consolidated Screening List (trade.gov CSV with a header, 29 columns).

Rows of type 'Individual' become person entries (the CSL gathers SDN, non-SDN, Entity List, DPL...; its
entities are skipped). Multi-valued fields are ';'-separated: alt_names ('SURNAME, Given' for OFAC
sources), dates_of_birth ('1962-11-23', '1962', 'circa 1962', 'Feb 1962'), nationalities and
citizenships (alpha-2), places_of_birth, ids ('Passport, 1084010, EG; Gender, Male'). The entry's source
id is the source list's abbreviation and its _id ('FSE-26182'); a row repeated verbatim is merged.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from paxvet.errors import ProblemList
from paxvet.watchlists.countries import country_code
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    build_entry,
    finish,
    header_rows,
    read_text,
)
from paxvet.watchlists.importers.ofac_common import split_name
from paxvet.watchlists.importers.ofac_remarks import DOCUMENT_PREFIXES, parse_dob
from paxvet.watchlists.schemas import BirthDate, EntryDocument, EntryName, EntryRecord

REQUIRED = ("_id", "source", "type", "name", "alt_names", "dates_of_birth", "nationalities", "ids")
_ABBREVIATION = re.compile(r"\(([A-Z][A-Z0-9-]*)\)")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DOCUMENT_TYPES = {prefix.rstrip(".").rstrip(" #").lower(): kind for prefix, kind in DOCUMENT_PREFIXES}


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    content = read_text(path)
    entries: dict[str, EntryRecord] = {}
    for line, row in header_rows(content, problems, path.name, REQUIRED):
        counts["rows"] += 1
        if row["type"].lower() != "individual":
            counts[f"skipped_{row['type'].lower() or 'untyped'}"] += 1
            continue
        if _source_id(row) in entries:
            counts["repeated_rows"] += 1  # the CSL repeats some rows verbatim; the first one stays
            continue
        entry = _individual(row, problems, f"{path.name}:line {line}", counts)
        if entry is not None:
            entries[entry.source_id] = entry
    return finish(list(entries.values()), problems, counts)


def _individual(
    row: dict[str, str], problems: ProblemList, location: str, counts: Counter[str]
) -> EntryRecord | None:
    if not row["_id"]:
        problems.error("_id is empty", location)
        return None
    primary = csl_name(row["name"])
    if primary is None:
        problems.error("an individual without a name", location)
        return None
    names = [primary]
    for alias_text in _split(row["alt_names"]):
        alias = csl_name(alias_text)
        if alias is not None:
            names.append(alias.model_copy(update={"kind": "alias"}))
    documents, gender = _ids(row["ids"])
    dobs = _dates(row["dates_of_birth"], problems, location)
    return build_entry(
        problems,
        location,
        counts,
        source_id=_source_id(row),
        names=_unique(names),
        dates_of_birth=dobs,
        places_of_birth=_split(row.get("places_of_birth", "")),
        nationalities=_codes(row["nationalities"], problems, location),
        citizenships=_codes(row.get("citizenships", ""), problems, location),
        gender=gender,
        documents=documents,
        remarks=row.get("remarks") or None,
        programs=_split(row.get("programs", "")),
    )


def csl_name(text: str) -> EntryName | None:
    """'SURNAME, Given' as OFAC writes it, or 'Given Names SURNAME' (the CSL's non-OFAC sources write the
    family name in capitals after mixed-case given names): either way the parts are split."""
    name = split_name(text, individual=True)
    if name is None or name.family is not None:
        return name
    tokens = name.full.split()
    tail = len(tokens)
    while tail > 0 and tokens[tail - 1].isupper() and any(c.isalpha() for c in tokens[tail - 1]):
        tail -= 1
    if 0 < tail < len(tokens) and not any(t.isupper() for t in tokens[:tail]):
        return name.model_copy(update={"given": " ".join(tokens[:tail]), "family": " ".join(tokens[tail:])})
    return name


def _source_id(row: dict[str, str]) -> str:
    """'FSE-26182': the source list's abbreviation and the row's _id (ids repeat across sources)."""
    abbreviation = _ABBREVIATION.search(row["source"])
    return f"{abbreviation.group(1) if abbreviation else 'CSL'}-{row['_id']}"


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def _unique(names: list[EntryName]) -> list[EntryName]:
    seen: set[str] = set()
    result = []
    for name in names:
        if name.full.lower() not in seen:
            seen.add(name.full.lower())
            result.append(name)
    return result


def _dates(value: str, problems: ProblemList, location: str) -> list[BirthDate]:
    dates: list[BirthDate] = []
    for text in _split(value):
        iso = _ISO.match(text)
        try:
            parsed = (
                [BirthDate(year=int(iso[1]), month=int(iso[2]), day=int(iso[3]))] if iso else parse_dob(text)
            )
        except ValueError:
            parsed = None
        if parsed is None:
            problems.warning(f"date of birth {text!r} not understood", location)
        else:
            dates.extend(d for d in parsed if d not in dates)
    return dates


def _codes(value: str, problems: ProblemList, location: str) -> list[str]:
    codes = []
    for text in re.split(r"[;,]", value):
        if not text.strip():
            continue
        code = country_code(text)
        if code is None:
            problems.warning(f"country {text.strip()!r} not recognised", location)
        elif code not in codes:
            codes.append(code)
    return codes


def _ids(value: str) -> tuple[list[EntryDocument], str | None]:
    documents: list[EntryDocument] = []
    gender = None
    for item in _split(value):
        parts = [p.strip() for p in item.split(",")]
        kind = parts[0].rstrip(".").rstrip(" #").lower()
        if kind == "gender" and len(parts) > 1:
            gender = {"male": "M", "female": "F"}.get(parts[1].lower(), gender)
            continue
        doc_type = DOCUMENT_TYPES.get(kind)
        if doc_type is None or len(parts) < 2 or not parts[1]:
            continue
        country = country_code(parts[2]) if len(parts) > 2 else None
        documents.append(EntryDocument(number=parts[1], doc_type=doc_type, country=country))
    return documents, gender
