"""Flights and the travellers on them, as built from API (PAXLST) and PNR data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow


class Flight(Base):
    """One scheduled flight arriving in (or leaving) the reporting country, keyed by carrier, number,
    the reporting country's airport and that airport's local scheduled date."""

    __tablename__ = "flight"
    __table_args__ = (UniqueConstraint("carrier", "number", "airport", "flight_date", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(8))
    # inbound: arrives in the reporting country; outbound: leaves it (paxvet.flights.direction)
    direction: Mapped[str] = mapped_column(String(8), default="inbound")
    airport: Mapped[str] = mapped_column(String(3), index=True)  # the reporting country's airport
    flight_date: Mapped[date] = mapped_column(Date, index=True)  # local scheduled date at `airport`
    origin: Mapped[str | None] = mapped_column(String(3))
    destination: Mapped[str | None] = mapped_column(String(3))
    # of the leg crossing the border; indexed both, for windows on scheduled_at_airport_utc
    scheduled_departure_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    scheduled_arrival_utc: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | cancelled
    expected_passengers: Mapped[int | None] = mapped_column(Integer)  # CNT totals as declared
    expected_crew: Mapped[int | None] = mapped_column(Integer)
    reporting_party: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    legs: Mapped[list[FlightLeg]] = relationship(
        back_populates="flight", cascade="all, delete-orphan", order_by="FlightLeg.sequence"
    )
    travellers: Mapped[list[Traveller]] = relationship(back_populates="flight", cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"

    @hybrid_property
    def scheduled_at_airport_utc(self) -> datetime | None:
        """The time that matters at the reporting country's airport: the scheduled arrival there for an
        inbound flight, the scheduled departure from there for an outbound one."""
        return self.scheduled_departure_utc if self.direction == "outbound" else self.scheduled_arrival_utc

    @scheduled_at_airport_utc.inplace.expression
    @classmethod
    def _scheduled_at_airport_utc(cls) -> ColumnElement[datetime | None]:
        outbound = cls.direction == "outbound"
        return case((outbound, cls.scheduled_departure_utc), else_=cls.scheduled_arrival_utc)

    @classmethod
    def at_airport_between(cls, start: datetime, end: datetime) -> ColumnElement[bool]:
        """Flights whose scheduled_at_airport_utc lies in [start, end], in a form the two time indexes
        serve (a CASE in the WHERE clause would scan every flight)."""
        return or_(
            and_(
                cls.direction != "outbound",
                cls.scheduled_arrival_utc >= start,
                cls.scheduled_arrival_utc <= end,
            ),
            and_(
                cls.direction == "outbound",
                cls.scheduled_departure_utc >= start,
                cls.scheduled_departure_utc <= end,
            ),
        )


class FlightLeg(Base):
    __tablename__ = "flight_leg"

    id: Mapped[int] = mapped_column(primary_key=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    departure_airport: Mapped[str | None] = mapped_column(String(3))
    arrival_airport: Mapped[str | None] = mapped_column(String(3))
    departure_local: Mapped[datetime | None] = mapped_column()  # naive: the airport's wall clock
    departure_utc: Mapped[datetime | None] = mapped_column(UTCDateTime())
    arrival_local: Mapped[datetime | None] = mapped_column()
    arrival_utc: Mapped[datetime | None] = mapped_column(UTCDateTime())

    flight: Mapped[Flight] = relationship(back_populates="legs")


class Traveller(Base):
    """A passenger or crew member on one flight. Later pushes update the same row."""

    __tablename__ = "traveller"
    # No index on the names or the date of birth: no query looks travellers up by name (the link resolver's
    # candidates, compatible dates of birth OR a surname without one, are a scan: SQLite and PostgreSQL index
    # an OR only when every term has an index), and each cost every new traveller an insert at a random place.
    __table_args__ = (UniqueConstraint("flight_id", "identity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: the unique (flight_id, identity_key) index serves lookups by flight
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"))
    identity_key: Mapped[str] = mapped_column(String(200))  # what makes two pushes the same person
    role: Mapped[str] = mapped_column(String(10), default="passenger")  # passenger | crew
    surname: Mapped[str] = mapped_column(String(200), default="")
    given_names: Mapped[str] = mapped_column(String(200), default="")
    gender: Mapped[str | None] = mapped_column(String(1))  # M | F | X
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    date_of_birth_raw: Mapped[str | None] = mapped_column(String(20))  # as received, when partial/odd
    nationality: Mapped[str | None] = mapped_column(String(3))
    residence_country: Mapped[str | None] = mapped_column(String(3))
    birthplace: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    embarkation: Mapped[str | None] = mapped_column(String(5))
    debarkation: Mapped[str | None] = mapped_column(String(5))
    in_transit: Mapped[bool] = mapped_column(Boolean, default=False)
    # reported | boarded (close-out CLOB) | not_boarded (CLNB) | cancelled (BGM 745 XR)
    boarding_status: Mapped[str] = mapped_column(String(12), default="reported")
    # RFF AVF (PNR locator). Not indexed: read only with the flight's own travellers (close-out), and an
    # index on it cost every new traveller an insert at a random place (bench/README.md, "PAXLST ingest").
    reservation_ref: Mapped[str | None] = mapped_column(String(40))
    passenger_ref: Mapped[str | None] = mapped_column(String(60))  # RFF ABO
    bags: Mapped[list[Any] | None] = mapped_column(JSON)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # anything else a message carried
    source: Mapped[str] = mapped_column(String(10), default="api")  # api | pnr | api+pnr
    last_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    flight: Mapped[Flight] = relationship(back_populates="travellers")
    documents: Mapped[list[TravelDocument]] = relationship(
        back_populates="traveller", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


class TravelDocument(Base):
    __tablename__ = "travel_document"
    __table_args__ = (Index("ix_travel_document_lookup", "number_normalized", "issuing_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traveller_id: Mapped[int] = mapped_column(ForeignKey("traveller.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(4))  # P, I, V, AC, ...
    number: Mapped[str] = mapped_column(String(40))
    number_normalized: Mapped[str] = mapped_column(String(40))
    issuing_country: Mapped[str | None] = mapped_column(String(3))
    expiry: Mapped[date | None] = mapped_column(Date)
    issued: Mapped[date | None] = mapped_column(Date)
    mrz: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # [{code, message}]

    traveller: Mapped[Traveller] = relationship(back_populates="documents")
