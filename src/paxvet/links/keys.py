"""Link keys: what two travellers can share, reduced to a keyed hash per (kind, value).

Adjacent seats are keys too: a seat emits one key per neighbouring pair on its row of that flight
(14C gives "14B|14C" and "14C|14D"), so two neighbours share exactly one key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from paxvet.links.models import LinkKey
from paxvet.settings import get_settings

if TYPE_CHECKING:
    from paxvet.flights.models import Flight

_COLUMNS = "ABCDEFGHJK"  # seat letters; I is not used on aircraft


def key_value(kind: str, value: str, secret: bytes | None = None) -> str:
    """32 hex characters of HMAC-SHA256 over "kind:value" (the value is never stored in clear)."""
    key = secret if secret is not None else get_settings().effective_secret_key
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def seat_pairs(flight_id: int, seat: str) -> list[str]:
    """The neighbouring-pair keys of one seat: ["<flight>|14B|14C", "<flight>|14C|14D"]."""
    m = re.fullmatch(r"(\d{1,3})([A-K])", seat.strip().upper())
    if not m or m.group(2) not in _COLUMNS:
        return []
    row, col = m.group(1), _COLUMNS.index(m.group(2))
    pairs = []
    for a, b in ((col - 1, col), (col, col + 1)):
        if a >= 0 and b < len(_COLUMNS):
            pairs.append(f"{flight_id}|{row}{_COLUMNS[a]}|{row}{_COLUMNS[b]}")
    return pairs


def refresh_booking_keys(session: Session, booking_id: int, flight: Flight) -> int:
    """Replace the link keys of one booking (idempotent): booking, contacts, cards, addresses, seats."""
    from paxvet.bookings.models import Booking, BookingTraveller, Contact, ItineraryLeg, Payment, Seat

    session.execute(delete(LinkKey).where(LinkKey.booking_id == booking_id))
    booking = session.get(Booking, booking_id)
    if booking is None:
        return 0
    people = session.execute(
        select(BookingTraveller.id, BookingTraveller.traveller_id).where(
            BookingTraveller.booking_id == booking_id
        )
    ).all()
    travellers = {bt: t for bt, t in people if t is not None}
    if not travellers:
        return 0
    rows: list[dict[str, Any]] = []
    secret = get_settings().effective_secret_key

    def add(kind: str, value: str, traveller_ids: list[int]) -> None:
        digest = key_value(kind, value, secret)
        for tid in traveller_ids:
            rows.append(
                {
                    "kind": kind,
                    "value": digest,
                    "traveller_id": tid,
                    "booking_id": booking_id,
                    "seen_on": flight.flight_date,
                }
            )

    everyone = sorted(set(travellers.values()))
    add("booking", f"{booking.carrier}:{booking.locator}", everyone)
    for c in session.scalars(select(Contact).where(Contact.booking_id == booking_id)):
        owners = [travellers[c.booking_traveller_id]] if c.booking_traveller_id in travellers else everyone
        if c.kind in ("phone", "email", "address") and len(c.value) >= 5:
            add(c.kind, c.value, owners)
    for p in session.scalars(
        select(Payment).where(Payment.booking_id == booking_id, Payment.card_hash.is_not(None))
    ):
        owners = [travellers[p.booking_traveller_id]] if p.booking_traveller_id in travellers else everyone
        add("card", p.card_hash or "", owners)
    seats = session.execute(
        select(Seat.seat, Seat.booking_traveller_id)
        .join(ItineraryLeg, Seat.leg_id == ItineraryLeg.id)
        .where(ItineraryLeg.booking_id == booking_id, _on_flight(flight))
    ).all()
    for seat, bt in {(s, b) for s, b in seats if b in travellers}:
        for pair in seat_pairs(flight.id, seat):
            add("seat", pair, [travellers[bt]])
    unique = {(r["kind"], r["value"], r["traveller_id"]): r for r in rows}
    if unique:
        session.execute(insert(LinkKey), list(unique.values()))
    return len(unique)


def _on_flight(flight: Flight) -> Any:
    from sqlalchemy import and_, or_

    from paxvet.bookings.models import ItineraryLeg

    return or_(
        and_(ItineraryLeg.carrier == flight.carrier, ItineraryLeg.number == flight.number),
        and_(
            ItineraryLeg.operating_carrier == flight.carrier, ItineraryLeg.operating_number == flight.number
        ),
    )
