"""`paxvet-csv`: an agency's own list of wanted persons (or any person list), one person per row.

Columns (header row, any order; only source_id and full_name or surname are required): source_id,
full_name, given_names, surname, paternal_surname, maternal_surname, aliases ('|'), dates_of_birth ('|';
YYYY, YYYY-MM, YYYY-MM-DD, YYYY..YYYY, trailing '~' = circa), place_of_birth, nationalities ('|', alpha-2
or alpha-3), gender (M/F/empty), documents ('|', TYPE:NUMBER:COUNTRY), warrant_number, issuing_authority,
offence, extradition_request (yes/no), caution, remarks, listed_on (YYYY-MM-DD). Documented for agencies in
docs/watchlists.md. UTF-8 (a BOM is fine), CRLF or LF.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from paxvet.errors import ProblemList
from paxvet.watchlists.importers import agency_fields as fields
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    build_entry,
    finish,
    header_rows,
    read_text,
    tally,
)
from paxvet.watchlists.schemas import EntryName, EntryRecord

COLUMNS = (
    "source_id", "full_name", "given_names", "surname", "paternal_surname", "maternal_surname", "aliases",
    "dates_of_birth", "place_of_birth", "nationalities", "gender", "documents", "warrant_number",
    "issuing_authority", "offence", "extradition_request", "caution", "remarks", "listed_on",
)  # fmt: skip


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    content = read_text(path)
    header = content.splitlines()[0].lower() if content.strip() else ""
    required = ("source_id", "surname") if "full_name" not in header else ("source_id", "full_name")
    entries: list[EntryRecord] = []
    for line, row in header_rows(content, problems, path.name, required):
        counts["rows"] += 1
        location = f"{path.name}:line {line}"
        entry = _person({c: row.get(c, "") for c in COLUMNS}, problems, location)
        if entry is not None:
            tally(counts, entry)
            entries.append(entry)
    return finish(entries, problems, counts)


def _person(row: dict[str, str], problems: ProblemList, location: str) -> EntryRecord | None:
    if not row["source_id"]:
        problems.error("source_id is required", location)
    family = row["surname"] or " ".join(p for p in (row["paternal_surname"], row["maternal_surname"]) if p)
    full = row["full_name"] or " ".join(p for p in (row["given_names"], family) if p)
    if not full:
        problems.error("full_name (or surname) is required", location)
    values = {
        key: fields.read(problems, location, reader, row[column])
        for key, column, reader in (
            ("dates_of_birth", "dates_of_birth", fields.birth_dates),
            ("nationalities", "nationalities", lambda v: fields.countries("nationalities", v)),
            ("gender", "gender", fields.gender),
            ("documents", "documents", fields.documents),
            ("extradition_request", "extradition_request", lambda v: fields.yes_no("extradition_request", v)),
            ("listed_on", "listed_on", lambda v: fields.iso_date("listed_on", v)),
        )
    }
    if any(v is fields.BAD for v in values.values()):
        return None
    if not row["source_id"] or not full:
        return None
    primary = EntryName(
        full=full,
        given=row["given_names"] or None,
        family=family or None,
        paternal=row["paternal_surname"] or None,
        maternal=row["maternal_surname"] or None,
    )
    aliases = [EntryName(full=a, kind="alias") for a in fields.split_multi(row["aliases"])]
    return build_entry(
        problems,
        location,
        source_id=row["source_id"],
        names=[primary, *aliases],
        places_of_birth=[row["place_of_birth"]] if row["place_of_birth"] else [],
        remarks=row["remarks"] or None,
        warrant_number=row["warrant_number"] or None,
        issuing_authority=row["issuing_authority"] or None,
        offence=row["offence"] or None,
        caution=row["caution"] or None,
        **values,
    )
