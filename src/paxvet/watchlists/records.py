"""Watchlist entries as the matcher sees them: `EntryRecord` (or its stored JSON) -> `PersonRecord`."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from paxvet.match.records import DateRange, Document, Name, PartialDate, PersonRecord
from paxvet.watchlists.schemas import BirthDate, EntryRecord


def to_person_record(record: EntryRecord, key: str) -> PersonRecord:
    """The matcher's view of one entry: every name, date of birth, nationality/citizenship and document."""
    return person_record_from_json(record.to_json(), key)


def birth_date(value: BirthDate) -> PartialDate | DateRange:
    if value.is_range and value.end_year is not None:
        return DateRange(value.year, value.end_year)
    return PartialDate(value.year, value.month, value.day, value.circa)


def person_record_from_json(data: Mapping[str, Any], key: str) -> PersonRecord:
    """Build the matcher's record straight from stored JSON, without re-validating it.

    `screening_entries` turns every active entry of every list into a PersonRecord at start-up; skipping
    pydantic here keeps that several times faster on million-name lists. The JSON was validated on import.
    """
    names = tuple(
        Name(
            full=n["full"],
            given=n.get("given"),
            family=n.get("family"),
            paternal=n.get("paternal"),
            maternal=n.get("maternal"),
            kind=sys.intern(n.get("kind", "primary")),
        )
        for n in data.get("names", ())
    )
    dates = tuple(_date_from_json(d) for d in data.get("dates_of_birth", ()))
    countries = tuple(
        sys.intern(c) for c in dict.fromkeys([*data.get("nationalities", ()), *data.get("citizenships", ())])
    )
    documents = tuple(
        Document(number=d["number"], country=_intern(d.get("country")), doc_type=_intern(d.get("doc_type")))
        for d in data.get("documents", ())
    )
    extra = _NO_EXTRA  # shared: a million person entries need no dict each
    if data.get("entry_type") == "document" and data.get("document_status"):
        extra = {"document_status": str(data["document_status"])}
    return PersonRecord(
        names=names,
        dates_of_birth=dates,
        gender=data.get("gender"),
        nationalities=countries,
        documents=documents,
        key=key,
        extra=extra,
    )


_NO_EXTRA: dict[str, str] = {}


def _intern(value: str | None) -> str | None:
    """One string object per country code or kind, not one per entry (memory at a million entries)."""
    return None if value is None else sys.intern(value)


def _date_from_json(d: Mapping[str, Any]) -> PartialDate | DateRange:
    end = d.get("end_year")
    if end is not None and end != d["year"]:
        return DateRange(int(d["year"]), int(end))
    return PartialDate(int(d["year"]), d.get("month"), d.get("day"), bool(d.get("circa", False)))
