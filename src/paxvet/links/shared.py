"""What exactly two linked travellers share: the phone, e-mail, address, card (issuer and last four),
booking (carrier and locator) or adjacent seats behind the keyed hashes of `link_key`.

The link table holds only HMACs; the clear value is recomputed from the bookings the keys came from
(`LinkKey.booking_id`), so nothing is stored twice and only values of the pairs asked about are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from paxvet.links.keys import key_value, seat_pairs
from paxvet.links.models import LinkKey
from paxvet.settings import get_settings

Pair = tuple[int, int]


@dataclass(frozen=True)
class SharedItem:
    kind: str  # phone | email | card | address | booking | seat
    value: str  # as an analyst reads it; "" when the booking it came from is gone

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def shared_items(
    session: Session, pairs: Sequence[Pair], window: tuple[date, date] | None = None
) -> dict[Pair, list[SharedItem]]:
    """For each (from traveller, to traveller) pair: the items both hold, within the time window."""
    if not pairs:
        return {}
    a, b = aliased(LinkKey), aliased(LinkKey)
    query = (
        select(a.traveller_id, b.traveller_id, a.kind, a.value, a.booking_id)
        .join(b, b.value == a.value)
        .where(
            a.traveller_id.in_(sorted({p[0] for p in pairs})),
            b.traveller_id.in_(sorted({p[1] for p in pairs})),
        )
    )
    if window is not None:
        query = query.where(a.seen_on.between(*window), b.seen_on.between(*window))
    wanted = set(pairs)
    rows = [r for r in session.execute(query.distinct()).all() if (r[0], r[1]) in wanted]
    clear = describe_bookings(session, {r[4] for r in rows if r[4] is not None})
    found: dict[Pair, set[SharedItem]] = {}
    for source, target, kind, value, _ in rows:
        found.setdefault((source, target), set()).add(SharedItem(kind, clear.get(value, "")))
    return {pair: sorted(items, key=lambda i: (i.kind, i.value)) for pair, items in found.items()}


def describe_bookings(session: Session, booking_ids: set[int]) -> dict[str, str]:
    """Key value (HMAC) -> readable value for every key these bookings emit (as `refresh_booking_keys`)."""
    from paxvet.bookings.models import Booking, BookingFlight, Contact, ItineraryLeg, Payment, Seat

    if not booking_ids:
        return {}
    secret = get_settings().effective_secret_key
    ids = sorted(booking_ids)
    out: dict[str, str] = {}
    for carrier, locator in session.execute(
        select(Booking.carrier, Booking.locator).where(Booking.id.in_(ids))
    ):
        out[key_value("booking", f"{carrier}:{locator}", secret)] = f"{carrier} {locator}".strip()
    for kind, value in session.execute(
        select(Contact.kind, Contact.value).where(Contact.booking_id.in_(ids))
    ):
        out[key_value(kind, value, secret)] = value
    cards = select(Payment.card_hash, Payment.issuer, Payment.card_last_four).where(
        Payment.booking_id.in_(ids), Payment.card_hash.is_not(None)
    )
    for card_hash, issuer, last_four in session.execute(cards):
        out[key_value("card", card_hash or "", secret)] = f"{issuer or ''} ···{last_four or '?'}".strip()
    flights: dict[int, set[int]] = {}
    for booking_id, flight_id in session.execute(
        select(BookingFlight.booking_id, BookingFlight.flight_id).where(BookingFlight.booking_id.in_(ids))
    ):
        flights.setdefault(booking_id, set()).add(flight_id)
    seats = select(ItineraryLeg.booking_id, Seat.seat).join(ItineraryLeg, Seat.leg_id == ItineraryLeg.id)
    for booking_id, seat in session.execute(seats.where(ItineraryLeg.booking_id.in_(ids))):
        for flight_id in flights.get(booking_id, ()):
            for pair in seat_pairs(flight_id, seat):
                out[key_value("seat", pair, secret)] = "–".join(pair.split("|")[1:])
    return out
