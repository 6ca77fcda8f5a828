"""Bookings (PNRs) as stored: the reservation, the travellers on it and what they share.

Card numbers are never stored: only the issuer, the last four digits and a keyed HMAC for linking.
Sensitive items (special meals, medical remarks, ...) are dropped at ingest; only their count is kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow


class Booking(Base):
    """One reservation, keyed by the carrier and its record locator; later pushes update it."""

    __tablename__ = "booking"
    __table_args__ = (UniqueConstraint("carrier", "locator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier: Mapped[str] = mapped_column(String(3), default="")
    locator: Mapped[str] = mapped_column(String(20))
    other_locators: Mapped[list[str] | None] = mapped_column(JSON)
    created_on_source: Mapped[datetime | None] = mapped_column(UTCDateTime())  # RCI creation
    last_modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # DAT 700
    ticketed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # DAT 710
    agency: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # ORG: system, office, agent, IATA no.
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | cancelled
    split_locators: Mapped[list[str] | None] = mapped_column(JSON)  # EQN: divided PNRs
    remarks: Mapped[list[str] | None] = mapped_column(JSON)  # non-sensitive OSI / free text
    sensitive_removed: Mapped[int] = mapped_column(Integer, default=0)  # items dropped at ingest
    syntax: Mapped[str] = mapped_column(String(8), default="edifact")
    last_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    travellers: Mapped[list[BookingTraveller]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingTraveller.id"
    )
    contacts: Mapped[list[Contact]] = relationship(cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(cascade="all, delete-orphan")
    legs: Mapped[list[ItineraryLeg]] = relationship(
        cascade="all, delete-orphan", order_by="ItineraryLeg.sequence"
    )
    history: Mapped[list[BookingHistory]] = relationship(
        cascade="all, delete-orphan", order_by="BookingHistory.sequence"
    )
    flights: Mapped[list[BookingFlight]] = relationship(cascade="all, delete-orphan")


class BookingFlight(Base):
    """Which pushed flights a booking was reported on, and whether it still is."""

    __tablename__ = "booking_flight"
    __table_args__ = (UniqueConstraint("booking_id", "flight_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="on_flight")  # on_flight | removed | cancelled
    last_push_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookingTraveller(Base):
    """A person named on a booking; `traveller_id` is the same person on the pushed flight (API or PNR)."""

    __tablename__ = "booking_traveller"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    traveller_id: Mapped[int | None] = mapped_column(
        ForeignKey("traveller.id", ondelete="SET NULL"), index=True
    )
    ref: Mapped[str | None] = mapped_column(String(20))  # traveller reference inside the PNR
    surname: Mapped[str] = mapped_column(String(200), default="")
    given_names: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str | None] = mapped_column(String(10))
    passenger_type: Mapped[str | None] = mapped_column(String(4))
    infant_of: Mapped[str | None] = mapped_column(String(20))
    unique_ref: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    nationality: Mapped[str | None] = mapped_column(String(3))
    remarks: Mapped[list[str] | None] = mapped_column(JSON)

    booking: Mapped[Booking] = relationship(back_populates="travellers")
    documents: Mapped[list[BookingDocument]] = relationship(cascade="all, delete-orphan")
    tickets: Mapped[list[Ticket]] = relationship(cascade="all, delete-orphan")
    frequent_flyers: Mapped[list[FrequentFlyer]] = relationship(cascade="all, delete-orphan")


class BookingDocument(Base):
    """A document a PNR gives for a traveller (SSR DOCS, DOCO); screened as an identity variant."""

    __tablename__ = "booking_document"
    __table_args__ = (Index("ix_booking_document_lookup", "number_normalized", "issuing_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_traveller_id: Mapped[int] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(4), default="DOCS")
    doc_type: Mapped[str | None] = mapped_column(String(4))
    number: Mapped[str | None] = mapped_column(String(40))
    number_normalized: Mapped[str | None] = mapped_column(String(40))
    issuing_country: Mapped[str | None] = mapped_column(String(3))
    nationality: Mapped[str | None] = mapped_column(String(3))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    expiry: Mapped[date | None] = mapped_column(Date)
    issued: Mapped[date | None] = mapped_column(Date)
    surname: Mapped[str | None] = mapped_column(String(200))
    given_names: Mapped[str | None] = mapped_column(String(200))
    place_of_birth: Mapped[str | None] = mapped_column(String(200))
    infant: Mapped[bool] = mapped_column(Boolean, default=False)


class Contact(Base):
    """A phone, e-mail or address on a booking (PNR level) or of one traveller."""

    __tablename__ = "booking_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    booking_traveller_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # phone | email | address
    value: Mapped[str] = mapped_column(String(400))  # normalised
    raw: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(String(12))
    country: Mapped[str | None] = mapped_column(String(3))


class Payment(Base):
    """Form of payment. Never the card number: issuer, last four and a keyed HMAC for linking."""

    __tablename__ = "booking_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    booking_traveller_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    fop_type: Mapped[str] = mapped_column(String(4))
    issuer: Mapped[str | None] = mapped_column(String(4))
    card_last_four: Mapped[str | None] = mapped_column(String(4))
    card_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[str | None] = mapped_column(String(20))
    holder_name: Mapped[str | None] = mapped_column(String(200))
    holder_address: Mapped[str | None] = mapped_column(String(400))


class Ticket(Base):
    __tablename__ = "booking_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_traveller_id: Mapped[int] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str | None] = mapped_column(String(20))
    ticketless: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_on: Mapped[date | None] = mapped_column(Date)
    base_amount: Mapped[str | None] = mapped_column(String(20))
    total_amount: Mapped[str | None] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3))


class FrequentFlyer(Base):
    __tablename__ = "booking_frequent_flyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_traveller_id: Mapped[int] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    carrier: Mapped[str | None] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(20))


class ItineraryLeg(Base):
    """One leg of the booked itinerary: marketing flight, operating flight when a code-share."""

    __tablename__ = "booking_leg"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="air")
    carrier: Mapped[str | None] = mapped_column(String(3))
    number: Mapped[str | None] = mapped_column(String(8))
    operating_carrier: Mapped[str | None] = mapped_column(String(3))
    operating_number: Mapped[str | None] = mapped_column(String(8))
    origin: Mapped[str | None] = mapped_column(String(5))
    destination: Mapped[str | None] = mapped_column(String(5))
    departure_local: Mapped[datetime | None] = mapped_column()  # naive: the airport's wall clock
    arrival_local: Mapped[datetime | None] = mapped_column()
    booking_class: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str | None] = mapped_column(String(4))
    equipment: Mapped[str | None] = mapped_column(String(8))
    description: Mapped[str | None] = mapped_column(String(200))

    seats: Mapped[list[Seat]] = relationship(cascade="all, delete-orphan")
    bags: Mapped[list[Bag]] = relationship(cascade="all, delete-orphan")


class Seat(Base):
    __tablename__ = "booking_seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    leg_id: Mapped[int] = mapped_column(ForeignKey("booking_leg.id", ondelete="CASCADE"), index=True)
    booking_traveller_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    seat: Mapped[str] = mapped_column(String(6))
    cabin: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(8), default="ssr")
    boarding_number: Mapped[str | None] = mapped_column(String(20))
    checked_in_at: Mapped[datetime | None] = mapped_column()


class Bag(Base):
    __tablename__ = "booking_bag"

    id: Mapped[int] = mapped_column(primary_key=True)
    leg_id: Mapped[int] = mapped_column(ForeignKey("booking_leg.id", ondelete="CASCADE"), index=True)
    booking_traveller_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_traveller.id", ondelete="CASCADE"), index=True
    )
    count: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[str | None] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(4))
    pool: Mapped[str | None] = mapped_column(String(2))
    carrier: Mapped[str | None] = mapped_column(String(3))
    first_tag: Mapped[str | None] = mapped_column(String(20))
    tag_count: Mapped[int | None] = mapped_column(Integer)
    destination: Mapped[str | None] = mapped_column(String(5))


class BookingHistory(Base):
    __tablename__ = "booking_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime | None] = mapped_column()
    action: Mapped[str | None] = mapped_column(String(4))
    who: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text, default="")
