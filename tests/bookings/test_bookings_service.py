"""Storing pushes: API and PNR travellers are one person whichever arrives first; identity variants."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.bookings.models import Booking, BookingFlight, BookingTraveller, Payment
from paxvet.bookings.service import identity_variants
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive

PNR = FIXTURES / "pnrgov" / "push_sensitive_links.edi"
API = FIXTURES / "pnrgov" / "api_xy0123.edi"


def _travellers(session: Session) -> list[Traveller]:
    return list(session.scalars(select(Traveller).order_by(Traveller.surname, Traveller.given_names)))


def test_api_then_pnr_is_one_person(session: Session) -> None:
    assert [m.status for m in receive(session, API.read_bytes(), "api").messages] == ["processed"]
    assert [m.status for m in receive(session, PNR.read_bytes(), "pnr").messages] == ["processed"]
    people = _travellers(session)
    assert [(t.surname, t.given_names, t.source) for t in people] == [
        ("DOE", "RICHARD", "api+pnr"),
        ("SMITH", "JANE", "pnr"),
        ("SMITH", "JOHN", "api+pnr"),
    ]
    assert session.scalar(select(func.count()).select_from(BookingTraveller)) == 3


def test_pnr_then_api_is_one_person(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    receive(session, API.read_bytes(), "api")
    people = _travellers(session)
    assert len(people) == 3
    linked = session.scalars(select(BookingTraveller.traveller_id)).all()
    assert set(linked) == {t.id for t in people}


def test_replay_is_idempotent_and_cards_are_never_clear(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    receive(session, PNR.read_bytes() + b"\n", "pnr again")
    assert session.scalar(select(func.count()).select_from(Booking)) == 2
    assert session.scalar(select(func.count()).select_from(BookingTraveller)) == 3
    card = session.scalars(select(Payment).where(Payment.card_hash.is_not(None))).one()
    assert (card.issuer, card.card_last_four, len(card.card_hash or "")) == ("VI", "1111", 64)


def test_identity_variants_expose_pnr_names_dates_and_documents(session: Session) -> None:
    receive(session, API.read_bytes(), "api")
    receive(session, PNR.read_bytes(), "pnr")
    john = session.scalars(select(Traveller).where(Traveller.given_names == "JOHN")).one()
    (variant,) = identity_variants(session, john.id)
    assert variant.names[0].full == "JOHN SMITH"
    assert [d.number for d in variant.documents] == ["123456789"]
    assert variant.dates_of_birth[0].iso() == "1980-01-01"


def test_full_push_marks_missing_bookings_removed_and_update_cancels(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    smaller = PNR.read_text().split("SRC'\nRCI+XY:BBB222")[0] + "UNT+37+1'\nUNE+1+901'\nUNZ+1+0000000902'\n"
    smaller = smaller.replace("0000000901", "0000000902")
    receive(session, smaller.encode(), "smaller")
    statuses = dict(session.execute(select(Booking.locator, BookingFlight.status).join(BookingFlight)).all())
    assert statuses == {"AAA111": "on_flight", "BBB222": "removed"}


def test_multipart_full_push_replaces_the_flights_bookings_once_complete(session: Session) -> None:
    from conftest import shared_path

    base = ("samples", "messages", "pnrgov_edifact")
    full = shared_path(*base, "synthetic_pnrgov_13_1_full_push_2pnr.edi")
    part1 = shared_path(*base, "synthetic_pnrgov_13_1_multipart_part1of2.edi")
    part2 = shared_path(*base, "synthetic_pnrgov_13_1_multipart_part2of2.edi")
    receive(session, full.read_bytes(), full.name)

    def statuses() -> dict[str, str]:
        return dict(session.execute(select(Booking.locator, BookingFlight.status).join(BookingFlight)).all())

    first = receive(session, part1.read_bytes(), part1.name).messages[0]
    assert first.status == "processed"
    assert any("waiting for part(s)" in p["message"] for p in first.problems)
    assert statuses()["Q7WX2P"] == "on_flight"  # nothing removed on a partial push
    second = receive(session, part2.read_bytes(), part2.name).messages[0]
    assert not any("EQN" in p["message"] for p in second.problems)  # 2 + 1 PNRs = EQN+3
    assert statuses() == {
        "Q7WX2P": "removed",
        "H3K9LM": "removed",
        "K2LM7Q": "on_flight",
        "P9ZZ1A": "on_flight",
        "Z4XC8V": "on_flight",
    }


def test_update_push_cancels_a_booking_and_keeps_its_content(session: Session) -> None:
    receive(session, PNR.read_bytes(), "pnr")
    receive(session, (FIXTURES / "pnrgov" / "update_cancel.edi").read_bytes(), "update")
    rows = dict(session.execute(select(Booking.locator, Booking.status)).all())
    assert rows == {"AAA111": "active", "BBB222": "cancelled"}
    cancelled = session.scalars(select(Booking).where(Booking.locator == "BBB222")).one()
    assert [t.surname for t in cancelled.travellers] == ["DOE"]
    assert (
        session.scalars(select(BookingFlight.status).where(BookingFlight.booking_id == cancelled.id)).one()
        == "cancelled"
    )


def test_every_feature_is_stored(session: Session) -> None:
    from paxvet.bookings.models import Bag, BookingDocument, BookingHistory, Contact, ItineraryLeg, Seat

    result = receive(session, (FIXTURES / "pnrgov" / "push_features_v11.edi").read_bytes(), "features")
    assert [m.status for m in result.messages] == ["processed"]
    booking = session.scalars(select(Booking)).one()
    assert (booking.carrier, booking.locator, booking.agency and booking.agency["office_id"]) == (
        "XY",
        "DDD444",
        "LONXY0001",
    )
    assert [(t.given_names, t.passenger_type, t.date_of_birth is not None) for t in booking.travellers] == [
        ("MARY", "A", True),
        ("ROSE", "IN", True),
    ]
    assert session.scalar(select(func.count()).select_from(BookingDocument)) == 3
    assert session.scalars(select(Contact.kind)).all() == ["address"]
    legs = session.scalars(select(ItineraryLeg).order_by(ItineraryLeg.sequence)).all()
    assert [(leg.kind, leg.operating_number) for leg in legs] == [("air", "456"), ("hotel", None)]
    assert session.scalars(select(Seat.seat)).all() == ["21A"]
    assert session.scalars(select(Bag.first_tag)).all() == ["0099000001"]
    assert session.scalar(select(func.count()).select_from(BookingHistory)) == 1
    # both travellers are on the pushed flight, the infant too
    assert session.scalar(select(func.count()).select_from(Traveller)) == 2
