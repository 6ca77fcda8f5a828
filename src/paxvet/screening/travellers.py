"""Travellers as screening reads them: plain rows (no ORM objects, so retro-screening a window of a
million travellers stays cheap) and their matcher records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.orm import Session

from paxvet.db import ByIds
from paxvet.documents.numbers import folded_document_number, normalize_document_number
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.match.records import Document, Name, PartialDate, PersonRecord
from paxvet.screening.identities import PnrIdentity, pnr_identities

CHUNK = 2000


@dataclass(slots=True)
class DocumentView:
    id: int
    number: str
    issuing_country: str | None
    doc_type: str | None
    findings: list[dict[str, Any]] | None

    @property
    def lost_stolen_key(self) -> str:
        """How lost/stolen lists are keyed: folded number | issuing country."""
        return f"{folded_document_number(self.number)}|{self.issuing_country or ''}"


@dataclass(slots=True)
class TravellerView:
    id: int
    flight_id: int
    surname: str
    given_names: str
    gender: str | None
    date_of_birth: date | None
    nationality: str | None
    last_message_id: int | None
    source: str = "api"  # api | pnr | api+pnr
    documents: list[DocumentView] = field(default_factory=list)
    pnr: list[PnrIdentity] = field(default_factory=list)  # what the traveller's bookings add
    # person_record's results, built once (screening asks for the record and the name keys from it); a
    # view is complete (documents attached) before anyone asks
    _records: dict[bool, PersonRecord] = field(default_factory=dict, repr=False, compare=False)

    @property
    def own_label(self) -> str:
        """Which data the traveller row itself comes from, as the explanation names it."""
        return "PNR" if self.source == "pnr" else "API"

    @property
    def newest_message_id(self) -> int:
        """The latest message (API manifest or PNR push) that touched this traveller."""
        return max([self.last_message_id or 0, *(p.message_id or 0 for p in self.pnr)])

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    def folded_document_numbers(self) -> set[str]:
        return {folded_document_number(d.number) for d in self.documents if d.number}

    def identity_keys(self) -> list[str]:
        """Allow-list identities: normalised document number | issuing country | date of birth."""
        if self.date_of_birth is None:
            return []
        dob = self.date_of_birth.isoformat()
        keys = []
        for doc in self.documents:
            number = normalize_document_number(doc.number)
            if number and doc.issuing_country:
                keys.append(f"{number}|{doc.issuing_country.upper()}|{dob}")
        return keys

    def person_record(self, with_documents: bool = True) -> PersonRecord:
        found = self._records.get(with_documents)
        if found is None:
            found = self._records[with_documents] = self._person_record(with_documents)
        return found

    def _person_record(self, with_documents: bool) -> PersonRecord:
        given = self.given_names.strip() or None
        family = self.surname.strip() or None
        dob = self.date_of_birth
        return PersonRecord(
            names=(Name(full=self.full_name or self.surname, given=given, family=family),),
            dates_of_birth=(PartialDate(dob.year, dob.month, dob.day),) if dob else (),
            gender=self.gender if self.gender in ("M", "F") else None,
            nationalities=(self.nationality,) if self.nationality else (),
            documents=tuple(
                Document(number=d.number, country=d.issuing_country, doc_type=d.doc_type)
                for d in self.documents
                if d.number and with_documents
            ),
            key=str(self.id),
        )


_COLUMNS = (
    Traveller.id,
    Traveller.flight_id,
    Traveller.surname,
    Traveller.given_names,
    Traveller.gender,
    Traveller.date_of_birth,
    Traveller.nationality,
    Traveller.last_message_id,
    Traveller.source,
)


# statements built once (each IN list is one expanding parameter): no construction or cache key per call
_BY_ID = ByIds(select(*_COLUMNS).order_by(Traveller.id), Traveller.id)
_DOCUMENT_COLUMNS = (
    TravelDocument.traveller_id,
    TravelDocument.id,
    TravelDocument.number,
    TravelDocument.issuing_country,
    TravelDocument.doc_type,
)
_DOCUMENTS = ByIds(
    select(*_DOCUMENT_COLUMNS, TravelDocument.findings).order_by(TravelDocument.id),
    TravelDocument.traveller_id,
)
_DOCUMENTS_WITHOUT_FINDINGS = ByIds(  # findings read as NULL: not read at all
    select(*_DOCUMENT_COLUMNS, null()).order_by(TravelDocument.id), TravelDocument.traveller_id
)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_travellers(
    session: Session, traveller_ids: Iterable[int], *, findings: bool = True
) -> list[TravellerView]:
    """These travellers (passengers and crew) with their documents, in id order. `findings=False`: without
    the documents' ingest findings (None), for screening that makes no finding hits of them (retro): a
    JSON document each to decode, about a third of the load."""
    ids = sorted(set(traveller_ids))
    views: list[TravellerView] = []
    for chunk in chunks(ids):
        views.extend(TravellerView(*row) for row in _BY_ID.rows(session.connection(), chunk))
    _attach(session, views, findings)
    return views


def travellers_arriving(session: Session, start: datetime, end: datetime) -> Iterator[list[TravellerView]]:
    """Every traveller of flights scheduled at the reporting country's airport (arriving, or departing when
    outbound) between start and end, a chunk at a time."""
    stmt = (
        select(*_COLUMNS)
        .join(Flight, Flight.id == Traveller.flight_id)
        .where(Flight.at_airport_between(start, end))
        .order_by(Traveller.id)
    )
    batch: list[TravellerView] = []
    for row in session.execute(stmt.execution_options(yield_per=CHUNK)):
        batch.append(TravellerView(*row))
        if len(batch) >= CHUNK:
            _attach(session, batch)
            yield batch
            batch = []
    if batch:
        _attach(session, batch)
        yield batch


def _attach(session: Session, views: list[TravellerView], findings: bool = True) -> None:
    _attach_documents(session, views, findings)
    # every traveller: `source` is not a reliable sign of a booking (a later manifest rewrites it to "api")
    for chunk in chunks(views):
        found = pnr_identities(session, [v.id for v in chunk])
        for view in chunk:
            view.pnr = found.get(view.id, [])


def _attach_documents(session: Session, views: list[TravellerView], findings: bool = True) -> None:
    by_id = {v.id: v for v in views}
    statement = _DOCUMENTS if findings else _DOCUMENTS_WITHOUT_FINDINGS
    for chunk in chunks(list(by_id)):
        for traveller_id, *doc in statement.rows(session.connection(), chunk):
            by_id[traveller_id].documents.append(DocumentView(*doc))
