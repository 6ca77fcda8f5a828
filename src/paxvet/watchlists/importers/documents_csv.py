"""`documents-csv`: an agency's list of lost, stolen, revoked or invalidated travel documents.

Columns (header row): source_id, document_number, document_type, issuing_country, reported_on
(YYYY-MM-DD), status (lost/stolen/revoked/invalidated), remarks. document_number and issuing_country are
required; an empty source_id becomes NUMBER-COUNTRY (normalised number) so reloads still line up.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from paxvet.documents.numbers import normalize_document_number
from paxvet.errors import ProblemList
from paxvet.watchlists.importers import agency_fields as fields
from paxvet.watchlists.importers.base import (
    ParsedList,
    Problems,
    build_entry,
    finish,
    header_rows,
    read_text,
)
from paxvet.watchlists.schemas import EntryDocument, EntryRecord

COLUMNS = (
    "source_id",
    "document_number",
    "document_type",
    "issuing_country",
    "reported_on",
    "status",
    "remarks",
)
MAX_NUMBER = 40
STATUSES = ("lost", "stolen", "revoked", "invalidated")


def parse(path: Path) -> ParsedList:
    problems = Problems()
    counts: Counter[str] = Counter()
    content = read_text(path)
    entries: list[EntryRecord] = []
    for line, row in header_rows(content, problems, path.name, ("document_number", "issuing_country")):
        counts["rows"] += 1
        entry = _document({c: row.get(c, "") for c in COLUMNS}, problems, f"{path.name}:line {line}")
        if entry is not None:
            counts["documents"] += 1
            entries.append(entry)
    return finish(entries, problems, counts)


def _document(row: dict[str, str], problems: ProblemList, location: str) -> EntryRecord | None:
    number = normalize_document_number(row["document_number"])
    if not number:
        problems.error("document_number: is required", location)
    elif len(number) > MAX_NUMBER:  # travel documents have at most a few dozen characters (ICAO 9303)
        problems.error(f"document_number: {len(number)} characters; at most {MAX_NUMBER}", location)
        number = ""
    country = fields.read(
        problems,
        location,
        lambda v: fields.country("issuing_country", v, required=True),
        row["issuing_country"],
    )
    status = fields.read(problems, location, _status, row["status"])
    reported_on = fields.read(
        problems, location, lambda v: fields.iso_date("reported_on", v), row["reported_on"]
    )
    if not number or fields.BAD in (country, status, reported_on):
        return None
    doc_type = fields.DOCUMENT_TYPE_CODES.get(
        row["document_type"].lower(), row["document_type"].lower() or None
    )
    return build_entry(
        problems,
        location,
        source_id=row["source_id"] or f"{number}-{country}",
        entry_type="document",
        documents=[EntryDocument(number=number, doc_type=doc_type, country=country)],
        document_status=status,
        reported_on=reported_on,
        remarks=row["remarks"] or None,
    )


def _status(value: str) -> str | None:
    status = value.strip().lower() or None
    if status is not None and status not in STATUSES:
        raise fields.FieldError("status", f"{value!r}: use one of {', '.join(STATUSES)}")
    return status
