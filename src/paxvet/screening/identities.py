"""The identities a PNR adds to a traveller (names, dates of birth, documents), read for a whole batch.

`paxvet.bookings.service.identity_variants(session, traveller_id)` is the interface the bookings domain
gives screening; it reads one traveller at a time. Screening reads thousands per batch, so this module
builds the same records (one per booking the traveller is on, key "booking_traveller:<id>") with two
indexed queries per chunk of travellers. A test checks both give the same records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from paxvet.bookings.models import Booking, BookingDocument, BookingTraveller
from paxvet.db import ByIds
from paxvet.documents.numbers import folded_document_number
from paxvet.match.records import Document, Name, PartialDate, PersonRecord


@dataclass(frozen=True, slots=True)
class PnrIdentity:
    """One booking's view of a traveller, with the label an officer reads in the hit's explanation."""

    label: str  # "PNR XY/AAA111"
    record: PersonRecord
    message_id: int | None  # the booking's latest PNR push (crash recovery)

    def lost_stolen_keys(self) -> set[str]:
        return {
            f"{folded_document_number(d.number)}|{d.country or ''}" for d in self.record.documents if d.number
        }


def pnr_identities(session: Session, traveller_ids: Sequence[int]) -> dict[int, list[PnrIdentity]]:
    """Each traveller's PNR identities, in booking-traveller order."""
    if not traveller_ids:
        return {}
    rows = _IDENTITIES.rows(session.connection(), traveller_ids)
    documents = _documents(session, [r.id for r in rows])
    found: dict[int, list[PnrIdentity]] = {}
    for row in rows:
        record = _record(row, documents.get(row.id, []))
        label = f"PNR {row.carrier}/{row.locator}" if row.carrier else f"PNR {row.locator}"
        found.setdefault(row.traveller_id, []).append(PnrIdentity(label, record, row.last_message_id))
    return found


def _documents(session: Session, booking_traveller_ids: list[int]) -> dict[int, list[Any]]:
    by_traveller: dict[int, list[Any]] = {}
    if not booking_traveller_ids:
        return by_traveller
    rows = session.execute(_DOCUMENTS, {"ids": booking_traveller_ids}).all()
    for row in rows:
        by_traveller.setdefault(row.booking_traveller_id, []).append(row)
    return by_traveller


# statements built once (each IN list is one expanding parameter): no construction or cache key per call
_IDENTITIES = ByIds(
    select(
        BookingTraveller.id,
        BookingTraveller.traveller_id,
        BookingTraveller.surname,
        BookingTraveller.given_names,
        BookingTraveller.date_of_birth,
        BookingTraveller.gender,
        BookingTraveller.nationality,
        Booking.carrier,
        Booking.locator,
        Booking.last_message_id,
    )
    .join(Booking, Booking.id == BookingTraveller.booking_id)
    .order_by(BookingTraveller.id),
    BookingTraveller.traveller_id,
)
_DOCUMENTS = (
    select(
        BookingDocument.booking_traveller_id,
        BookingDocument.surname,
        BookingDocument.given_names,
        BookingDocument.date_of_birth,
        BookingDocument.number,
        BookingDocument.issuing_country,
        BookingDocument.doc_type,
        BookingDocument.nationality,
    )
    .where(BookingDocument.booking_traveller_id.in_(bindparam("ids", expanding=True)))
    .order_by(BookingDocument.id)
)


def _record(bt: Any, documents: list[Any]) -> PersonRecord:
    """The same record `bookings.service.identity_variants` builds for this booking traveller."""
    names = [
        Name(full=f"{bt.given_names} {bt.surname}".strip(), given=bt.given_names or None, family=bt.surname)
    ]
    dobs: list[date] = [bt.date_of_birth] if bt.date_of_birth else []
    nationalities: list[str] = [bt.nationality] if bt.nationality else []
    found: list[Document] = []
    for d in documents:
        if d.surname and (d.surname != bt.surname or (d.given_names or "") != bt.given_names):
            full = f"{d.given_names or ''} {d.surname}".strip()
            names.append(Name(full=full, given=d.given_names, family=d.surname, kind="alias"))
        if d.date_of_birth and d.date_of_birth not in dobs:
            dobs.append(d.date_of_birth)
        if d.number:
            found.append(Document(number=d.number, country=d.issuing_country, doc_type=d.doc_type))
        if d.nationality and d.nationality not in nationalities:
            nationalities.append(d.nationality)
    return PersonRecord(
        names=tuple(names),
        dates_of_birth=tuple(PartialDate(x.year, x.month, x.day) for x in dobs),
        gender=bt.gender if bt.gender in ("M", "F") else None,
        nationalities=tuple(nationalities),
        documents=tuple(found),
        key=f"booking_traveller:{bt.id}",
    )
