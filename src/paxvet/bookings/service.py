"""Store a PNR push: bookings upserted by record locator, their travellers linked to the flight's
travellers (API and PNR one person, never two), link keys refreshed; and what screening needs from PNRs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from paxvet.bookings.models import (
    Bag,
    Booking,
    BookingDocument,
    BookingFlight,
    BookingHistory,
    BookingTraveller,
    Contact,
    FrequentFlyer,
    ItineraryLeg,
    Payment,
    Seat,
    Ticket,
)
from paxvet.bookings.records import LegRecord, PnrPush, PnrRecord, PushedFlight, TravellerRecord
from paxvet.db import utcnow
from paxvet.documents.numbers import normalize_document_number
from paxvet.errors import NotFound
from paxvet.flights.direction import PlainLeg, border_side
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.flights.service import find_or_create_flight
from paxvet.ingest.airports import local_to_utc
from paxvet.links.keys import refresh_booking_keys
from paxvet.match.records import Document, Name, PartialDate, PersonRecord
from paxvet.screening.hits import move_hits
from paxvet.screening.namekeys import forget_keys
from paxvet.settings import get_settings


@dataclass
class StoreResult:
    flight_id: int | None = None
    booking_ids: list[int] = field(default_factory=list)
    traveller_ids: set[int] = field(default_factory=set)
    linked_to_api: int = 0
    created_travellers: int = 0
    removed_from_flight: int = 0
    cancelled: int = 0
    sensitive_removed: int = 0


def flight_for(session: Session, pushed: PushedFlight) -> Flight | None:
    """The flight a push is about, keyed like PAXLST (carrier, number, direction, the reporting country's
    airport and the local date there; paxvet.flights.direction)."""
    when = pushed.arrival_local or pushed.departure_local
    if not pushed.carrier or not pushed.number or not pushed.destination or when is None:
        return None
    leg = PlainLeg(pushed.origin, pushed.destination, pushed.departure_local, pushed.arrival_local)
    side = border_side([leg], get_settings().reporting_country.upper())
    if side is None:
        return None
    number = pushed.number.lstrip("0")[:8] or "0"
    flight = find_or_create_flight(session, pushed.carrier, number, side)
    if flight.id is None:
        flight.origin = pushed.origin and pushed.origin[:3]
        flight.destination = pushed.destination[:3]
        session.flush()
    # a flight known only from PNR needs its times too (retro window, urgent notifications, queue order);
    # the API manifest, when it comes, is authoritative and overwrites them
    if flight.scheduled_arrival_utc is None:
        flight.scheduled_arrival_utc = local_to_utc(pushed.arrival_local, pushed.destination)
    if flight.scheduled_departure_utc is None:
        flight.scheduled_departure_utc = local_to_utc(pushed.departure_local, pushed.origin)
    return flight


def store_push(
    session: Session, push: PnrPush, *, message_id: int | None = None, whole_push: bool = True
) -> StoreResult:
    """Apply one push. `whole_push` (a single-part full push, or the last part of a complete set) lets a
    full push mark the flight's bookings it no longer lists as removed (never deleted)."""
    result = StoreResult(sensitive_removed=push.sensitive_removed)
    if push.flight is None:
        return result
    flight = flight_for(session, push.flight)
    if flight is None:
        return result
    result.flight_id = flight.id
    roster = Roster.load(session, flight.id)
    for pnr in push.pnrs:
        booking = _store_pnr(session, push, pnr, flight, message_id, result, roster)
        if booking is not None:
            result.booking_ids.append(booking.id)
    if push.action == "full" and whole_push:
        stmt = (
            update(BookingFlight)
            .where(
                BookingFlight.flight_id == flight.id,
                BookingFlight.status == "on_flight",
                BookingFlight.booking_id.not_in(result.booking_ids or [-1]),
            )
            .values(status="removed", last_push_at=utcnow())
        )
        result.removed_from_flight = session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]
    session.flush()
    return result


def remove_unlisted(session: Session, flight_id: int, message_ids: list[int]) -> int:
    """Mark the flight's bookings that none of `message_ids` (the parts of one full push) listed."""
    listed = select(Booking.id).where(Booking.last_message_id.in_(message_ids))
    stmt = (
        update(BookingFlight)
        .where(
            BookingFlight.flight_id == flight_id,
            BookingFlight.status == "on_flight",
            BookingFlight.booking_id.not_in(listed),
        )
        .values(status="removed", last_push_at=utcnow())
    )
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def _locator(push: PnrPush, pnr: PnrRecord) -> tuple[str, str]:
    carrier = (pnr.carrier or push.sender or (push.flight.carrier if push.flight else "") or "")[:3]
    if pnr.locator:
        return carrier, pnr.locator[:20]
    names = "|".join(f"{t.surname}/{t.given_names}" for t in pnr.travellers)
    import hashlib

    return carrier, "?" + hashlib.sha256(names.encode()).hexdigest()[:12]


def _store_pnr(
    session: Session,
    push: PnrPush,
    pnr: PnrRecord,
    flight: Flight,
    message_id: int | None,
    result: StoreResult,
    roster: Roster,
) -> Booking | None:
    carrier, locator = _locator(push, pnr)
    booking = session.scalars(
        select(Booking).where(Booking.carrier == carrier, Booking.locator == locator)
    ).first()
    if booking is None:
        booking = Booking(carrier=carrier, locator=locator)
        session.add(booking)
    booking.last_message_id = message_id
    booking.syntax = push.syntax
    if pnr.cancelled:
        booking.status = "cancelled"
        result.cancelled += 1
        session.flush()
        _mark_on_flight(session, booking, flight, "cancelled")
        return booking
    booking.status = "active"
    # items dropped from the version stored now (each push carries the whole PNR again)
    booking.sensitive_removed = pnr.sensitive_removed
    booking.other_locators = pnr.other_locators or None
    booking.created_on_source = _utc(pnr.created_at)
    booking.last_modified_at = _utc(pnr.last_modified_at)
    booking.ticketed_at = _utc(pnr.ticketed_at)
    booking.agency = pnr.agency or None
    booking.split_locators = pnr.split_locators or None
    booking.remarks = pnr.remarks or None
    session.flush()
    _replace_children(session, booking, pnr, flight, result, roster)
    _mark_on_flight(session, booking, flight, "on_flight")
    return booking


def _utc(value: Any) -> Any:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _mark_on_flight(session: Session, booking: Booking, flight: Flight, status: str) -> None:
    row = session.scalars(
        select(BookingFlight).where(
            BookingFlight.booking_id == booking.id, BookingFlight.flight_id == flight.id
        )
    ).first()
    if row is None:
        session.add(BookingFlight(booking_id=booking.id, flight_id=flight.id, status=status))
    else:
        row.status, row.last_push_at = status, utcnow()


def _replace_children(
    session: Session, booking: Booking, pnr: PnrRecord, flight: Flight, result: StoreResult, roster: Roster
) -> None:
    """A PNR in a push is complete: replace what the booking held (idempotent on replay)."""
    for model in (BookingTraveller, Contact, Payment, ItineraryLeg, BookingHistory):
        session.execute(delete(model).where(model.booking_id == booking.id))
    session.expire(booking)
    by_ref: dict[str, BookingTraveller] = {}
    people: list[tuple[BookingTraveller, TravellerRecord]] = []
    for record in pnr.travellers:
        bt = _booking_traveller(booking, record)
        session.add(bt)
        people.append((bt, record))
    session.flush()
    for bt, record in people:
        if record.ref:
            by_ref.setdefault(record.ref, bt)
        _traveller_children(session, booking, bt, record)
        traveller, linked = link_traveller(session, flight, bt, record, roster)
        bt.traveller_id = traveller.id
        result.traveller_ids.add(traveller.id)
        result.linked_to_api += int(linked)
        result.created_travellers += int(not linked and traveller.source == "pnr")
    for contact in pnr.contacts:
        session.add(
            Contact(
                booking_id=booking.id,
                kind=contact.kind,
                value=contact.value[:400],
                raw=contact.raw,
                purpose=contact.purpose and contact.purpose[:12],
                country=contact.country,
            )
        )
    for payment in pnr.payments:
        session.add(_payment_row(booking.id, None, payment))
    for sequence, leg in enumerate(pnr.legs, start=1):
        _leg(session, booking, sequence, leg, people)
    for sequence, item in enumerate(pnr.history, start=1):
        session.add(
            BookingHistory(
                booking_id=booking.id,
                sequence=sequence,
                at=item.at,
                action=item.action and item.action[:4],
                who=item.who and item.who[:60],
                text=item.text,
            )
        )
    session.flush()
    refresh_booking_keys(session, booking.id, flight)


def _booking_traveller(booking: Booking, record: TravellerRecord) -> BookingTraveller:
    docs = [d for d in record.documents if d.kind in ("DOCS", "INFT")]
    dob = next((d.date_of_birth for d in docs if d.date_of_birth), None)
    gender = next((d.gender for d in docs if d.gender), None)
    nationality = next((d.nationality for d in docs if d.nationality and len(d.nationality) == 3), None)
    return BookingTraveller(
        booking_id=booking.id,
        ref=record.ref and record.ref[:20],
        surname=record.surname[:200],
        given_names=record.given_names[:200],
        title=record.title and record.title[:10],
        passenger_type=record.passenger_type and record.passenger_type[:4],
        infant_of=record.infant_of and record.infant_of[:20],
        unique_ref=record.unique_ref and record.unique_ref[:40],
        date_of_birth=dob,
        gender=gender,
        nationality=nationality,
        remarks=record.remarks or None,
    )


def _payment_row(booking_id: int, bt_id: int | None, p: Any) -> Payment:
    return Payment(
        booking_id=booking_id,
        booking_traveller_id=bt_id,
        fop_type=p.fop_type[:4],
        issuer=p.issuer and p.issuer[:4],
        card_last_four=p.card_last_four,
        card_hash=p.card_hash,
        amount=p.amount and p.amount[:20],
        holder_name=p.holder_name and p.holder_name[:200],
        holder_address=p.holder_address and p.holder_address[:400],
    )


def _traveller_children(session: Session, booking: Booking, bt: BookingTraveller, r: TravellerRecord) -> None:
    for d in r.documents:
        session.add(
            BookingDocument(
                booking_traveller_id=bt.id,
                kind=d.kind[:4],
                doc_type=d.doc_type and d.doc_type[:4],
                number=d.number and d.number[:40],
                number_normalized=normalize_document_number(d.number) or None,
                issuing_country=d.issuing_country and d.issuing_country[:3],
                nationality=d.nationality and d.nationality[:3],
                date_of_birth=d.date_of_birth,
                gender=d.gender,
                expiry=d.expiry,
                issued=d.issued,
                surname=d.surname and d.surname[:200],
                given_names=d.given_names and d.given_names[:200],
                place_of_birth=d.place_of_birth and d.place_of_birth[:200],
                infant=d.infant,
            )
        )
    for c in r.contacts:
        session.add(
            Contact(
                booking_id=booking.id,
                booking_traveller_id=bt.id,
                kind=c.kind,
                value=c.value[:400],
                raw=c.raw,
                purpose=c.purpose and c.purpose[:12],
                country=c.country,
            )
        )
    for p in r.payments:
        session.add(_payment_row(booking.id, bt.id, p))
    for t in r.tickets:
        session.add(
            Ticket(
                booking_traveller_id=bt.id,
                number=t.number and t.number[:20],
                ticketless=t.ticketless,
                issued_on=t.issued_on,
                base_amount=t.base_amount,
                total_amount=t.total_amount,
                currency=t.currency and t.currency[:3],
            )
        )
    for f in r.frequent_flyers:
        session.add(
            FrequentFlyer(
                booking_traveller_id=bt.id,
                carrier=f.carrier and f.carrier[:3],
                number=f.number[:40],
                tier=f.tier and f.tier[:20],
            )
        )


def _leg(
    session: Session,
    booking: Booking,
    sequence: int,
    leg: LegRecord,
    people: list[tuple[BookingTraveller, TravellerRecord]],
) -> None:
    row = ItineraryLeg(
        booking_id=booking.id,
        sequence=sequence,
        kind=leg.kind,
        carrier=leg.carrier and leg.carrier[:3],
        number=leg.number and leg.number[:8],
        operating_carrier=leg.operating_carrier and leg.operating_carrier[:3],
        operating_number=leg.operating_number and leg.operating_number[:8],
        origin=leg.origin and leg.origin[:5],
        destination=leg.destination and leg.destination[:5],
        departure_local=leg.departure_local,
        arrival_local=leg.arrival_local,
        booking_class=leg.booking_class and leg.booking_class[:2],
        status=leg.status and leg.status[:4],
        equipment=leg.equipment and leg.equipment[:8],
        description=leg.description and leg.description[:200],
    )
    session.add(row)  # children through the relationship: one flush for the whole booking
    for seat in leg.seats:
        bt = _who(people, seat.traveller_ref, seat.traveller_name)
        row.seats.append(
            Seat(
                booking_traveller_id=bt,
                seat=seat.seat[:6],
                cabin=seat.cabin and seat.cabin[:2],
                source=seat.source,
                boarding_number=seat.boarding_number and seat.boarding_number[:20],
                checked_in_at=seat.checked_in_at,
            )
        )
    for bag in leg.bags:
        row.bags.append(
            Bag(
                booking_traveller_id=_who(people, bag.traveller_ref, bag.traveller_name),
                count=bag.count,
                weight=bag.weight and bag.weight[:10],
                unit=bag.unit and bag.unit[:4],
                pool=bag.pool and bag.pool[:2],
                carrier=bag.carrier and bag.carrier[:3],
                first_tag=bag.first_tag and bag.first_tag[:20],
                tag_count=bag.tag_count,
                destination=bag.destination and bag.destination[:5],
            )
        )


def _who(
    people: list[tuple[BookingTraveller, TravellerRecord]], ref: str | None, name: str | None
) -> int | None:
    if name:
        surname, _, given = name.partition("/")
        for bt, r in people:
            if r.surname == surname and (
                r.given_names == given or r.given_names.startswith(given.split(" ")[0])
            ):
                return bt.id
    for bt, r in people:
        if ref and r.ref == ref:
            return bt.id
    return None


# ---- API <-> PNR: one person ---------------------------------------------------------------------------


def name_key(value: str) -> str:
    from paxvet.flights.service import name_key as flights_name_key

    return flights_name_key(value)


def _identity_key(surname: str, given: str, dob: date | None) -> str:
    """The same key PAXLST uses, so a later API push finds the PNR-created traveller."""
    return f"p|{name_key(surname)}|{name_key(given)}|{dob.isoformat() if dob else ''}"[:200]


@dataclass
class Roster:
    """The flight's travellers as matching needs them, loaded once per push (two queries) and kept up to
    date as PNR-only travellers are added, instead of a query per booking traveller."""

    by_document: dict[str, int] = field(default_factory=dict)
    people: list[tuple[int, str, str, str, date | None]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session, flight_id: int) -> Roster:
        roster = cls()
        rows = session.execute(
            select(
                Traveller.id,
                Traveller.surname,
                Traveller.given_names,
                Traveller.date_of_birth,
                Traveller.identity_key,
                Traveller.role,
            ).where(Traveller.flight_id == flight_id)
        ).all()
        for tid, surname, given, dob, key, role in rows:
            roster.keys.add(key)
            if role == "passenger":
                roster.add(tid, surname, given, dob, [])
        docs = session.execute(
            select(TravelDocument.number_normalized, TravelDocument.traveller_id)
            .join(Traveller, Traveller.id == TravelDocument.traveller_id)
            .where(Traveller.flight_id == flight_id)
        ).all()
        for number, tid in docs:
            if number:
                roster.by_document.setdefault(number, tid)
        return roster

    def add(self, tid: int, surname: str, given: str, dob: date | None, numbers: list[str]) -> None:
        self.people.append((tid, name_key(surname), name_key(given), _first(given), dob))
        for number in numbers:
            self.by_document.setdefault(number, tid)

    def match(self, bt: BookingTraveller, numbers: set[str], exclude_id: int | None = None) -> int | None:
        for number in sorted(numbers):
            tid = self.by_document.get(number)
            if tid is not None and tid != exclude_id:
                return tid
        surname, given, first = name_key(bt.surname), name_key(bt.given_names), _first(bt.given_names)
        compatible = [
            (tid, dob)
            for tid, skey, gkey, fkey, dob in self.people
            if tid != exclude_id
            and skey == surname
            and (gkey == given or fkey == first)
            and (not (dob and bt.date_of_birth) or dob == bt.date_of_birth)
        ]
        exact = [tid for tid, dob in compatible if dob and dob == bt.date_of_birth]
        if len(exact) == 1:
            return exact[0]
        return compatible[0][0] if len(compatible) == 1 else None


def link_traveller(
    session: Session,
    flight: Flight,
    bt: BookingTraveller,
    record: TravellerRecord,
    roster: Roster | None = None,
) -> tuple[Traveller, bool]:
    """The flight's traveller who is this booking's traveller (document, else names + date of birth,
    else a unique name), or a new PNR-only traveller. Returns (traveller, found_an_API_one)."""
    roster = roster if roster is not None else Roster.load(session, flight.id)
    numbers = _numbers(record)
    found_id = roster.match(bt, numbers)
    found = session.get(Traveller, found_id) if found_id is not None else None
    if found is not None:
        if found.source == "api":
            found.source = "api+pnr"
        found.reservation_ref = found.reservation_ref or bt.booking.locator[:40]
        return found, found.source != "pnr"
    traveller = Traveller(
        flight_id=flight.id,
        identity_key=_unique_key(roster, bt),
        role="passenger",
        surname=bt.surname,
        given_names=bt.given_names,
        gender=bt.gender if bt.gender in ("M", "F", "X") else None,
        date_of_birth=bt.date_of_birth,
        nationality=bt.nationality,
        reservation_ref=bt.booking.locator[:40],
        passenger_ref=bt.unique_ref and bt.unique_ref[:60],
        source="pnr",
    )
    for d in record.documents:
        if d.number and d.kind == "DOCS":
            traveller.documents.append(
                TravelDocument(
                    doc_type=d.doc_type and d.doc_type[:4],
                    number=d.number[:40],
                    number_normalized=normalize_document_number(d.number),
                    issuing_country=d.issuing_country and d.issuing_country[:3],
                    expiry=d.expiry,
                )
            )
    session.add(traveller)
    session.flush()
    roster.keys.add(traveller.identity_key)
    roster.add(
        traveller.id, traveller.surname, traveller.given_names, traveller.date_of_birth, sorted(numbers)
    )
    return traveller, False


def _unique_key(roster: Roster, bt: BookingTraveller) -> str:
    key = _identity_key(bt.surname, bt.given_names, bt.date_of_birth)
    return key if key not in roster.keys else f"{key}#{bt.booking.locator}/{bt.ref or bt.id}"[:200]


def _numbers(record: TravellerRecord) -> set[str]:
    numbers = {normalize_document_number(d.number) for d in record.documents if d.number}
    numbers.discard("")
    return numbers


def _match_existing(
    session: Session,
    flight: Flight,
    bt: BookingTraveller,
    record: TravellerRecord,
    exclude_id: int | None = None,
) -> Traveller | None:
    tid = Roster.load(session, flight.id).match(bt, _numbers(record), exclude_id)
    return session.get(Traveller, tid) if tid is not None else None


def _first(given: str) -> str:
    words = given.split()
    return name_key(words[0]) if words else ""


def merge_pnr_duplicates(session: Session, flight_id: int) -> int:
    """After an API push: a PNR-only traveller who is also an API traveller on the flight is merged into
    the API row (booking links moved, the PNR-only row deleted). Returns how many were merged."""
    flight = session.get(Flight, flight_id)
    if flight is None:
        return 0
    merged = 0
    pnr_only = session.scalars(
        select(Traveller).where(Traveller.flight_id == flight_id, Traveller.source == "pnr")
    ).all()
    for traveller in pnr_only:
        bts = session.scalars(
            select(BookingTraveller).where(BookingTraveller.traveller_id == traveller.id)
        ).all()
        for bt in bts:
            record = TravellerRecord(ref=bt.ref, surname=bt.surname, given_names=bt.given_names)
            record.documents = [_doc_record(d) for d in bt.documents]
            api = _match_existing(session, flight, bt, record, exclude_id=traveller.id)
            if api is not None and api.id != traveller.id and api.source != "pnr":
                bt.traveller_id = api.id
                api.source = "api+pnr"
                _move_keys(session, traveller.id, api.id)
                move_hits(session, traveller.id, api.id)  # officers' decisions follow the person
                merged += 1
        session.flush()
        if not session.scalar(
            select(BookingTraveller.id).where(BookingTraveller.traveller_id == traveller.id)
        ):
            forget_keys(session, [traveller.id])
            session.delete(traveller)
    session.flush()
    return merged


def _doc_record(d: BookingDocument) -> Any:
    from paxvet.bookings.records import DocumentRecord

    return DocumentRecord(kind=d.kind, number=d.number, issuing_country=d.issuing_country)


def _move_keys(session: Session, old: int, new: int) -> None:
    from paxvet.links.models import LinkKey

    session.execute(update(LinkKey).where(LinkKey.traveller_id == old).values(traveller_id=new))


# ---- what screening uses ------------------------------------------------------------------------------


def identity_variants(session: Session, traveller_id: int) -> list[PersonRecord]:
    """The names, dates of birth and documents the PNRs add for this traveller: one PersonRecord per
    booking the traveller is on (key "booking_traveller:<id>"), for screening next to the API record."""
    if session.get(Traveller, traveller_id) is None:
        raise NotFound(f"no traveller {traveller_id}")
    rows = session.scalars(
        select(BookingTraveller).where(BookingTraveller.traveller_id == traveller_id)
    ).all()
    variants: list[PersonRecord] = []
    for bt in rows:
        names = [
            Name(
                full=f"{bt.given_names} {bt.surname}".strip(), given=bt.given_names or None, family=bt.surname
            )
        ]
        dobs: list[date] = [bt.date_of_birth] if bt.date_of_birth else []
        documents: list[Document] = []
        nationalities: list[str] = [bt.nationality] if bt.nationality else []
        for d in bt.documents:
            if d.surname and (d.surname != bt.surname or (d.given_names or "") != bt.given_names):
                names.append(
                    Name(
                        full=f"{d.given_names or ''} {d.surname}".strip(),
                        given=d.given_names,
                        family=d.surname,
                        kind="alias",
                    )
                )
            if d.date_of_birth and d.date_of_birth not in dobs:
                dobs.append(d.date_of_birth)
            if d.number:
                documents.append(Document(number=d.number, country=d.issuing_country, doc_type=d.doc_type))
            if d.nationality and d.nationality not in nationalities:
                nationalities.append(d.nationality)
        variants.append(
            PersonRecord(
                names=tuple(names),
                dates_of_birth=tuple(PartialDate(x.year, x.month, x.day) for x in dobs),
                gender=bt.gender if bt.gender in ("M", "F") else None,
                nationalities=tuple(nationalities),
                documents=tuple(documents),
                key=f"booking_traveller:{bt.id}",
            )
        )
    return variants
