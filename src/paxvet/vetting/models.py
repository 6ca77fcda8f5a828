"""What officers decide about hits: dispositions (history), allow-list suppressions and lookouts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow
from paxvet.screening.models import Hit

DISPOSITIONS = ("confirmed", "false_positive", "refer_secondary", "needs_info")


class Disposition(Base):
    """One officer decision on one hit. Never updated: a new decision is a new row."""

    __tablename__ = "disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hit.id", ondelete="CASCADE"), index=True)
    disposition: Mapped[str] = mapped_column(String(20))
    previous_status: Mapped[str] = mapped_column(String(20))
    officer: Mapped[str] = mapped_column(String(100))
    agency: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hit: Mapped[Hit] = relationship()


class Suppression(Base):
    """Allow-list memory: this identity was judged not to be this entry, as the entry read then.

    The identity is the travel document (normalised number + issuing country) plus the date of birth, so
    it follows the person across flights. It applies only while the entry's content hash is unchanged, the
    suppression has not expired and nobody revoked it.
    """

    __tablename__ = "suppression"
    __table_args__ = (Index("ix_suppression_lookup", "identity_key", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(80))  # NUMBER|COUNTRY|YYYY-MM-DD
    document_number: Mapped[str] = mapped_column(String(40))
    issuing_country: Mapped[str] = mapped_column(String(3))
    date_of_birth: Mapped[date] = mapped_column(Date)
    entry_id: Mapped[int] = mapped_column(ForeignKey("watchlist_entry.id"))
    entry_content_hash: Mapped[str] = mapped_column(String(64))
    list_version_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_version.id"))
    hit_id: Mapped[int] = mapped_column(ForeignKey("hit.id", ondelete="CASCADE"))
    disposition_id: Mapped[int] = mapped_column(ForeignKey("disposition.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class Lookout(Base):
    """Raised for the port of entry when a hit on a wanted person or extradition request is confirmed."""

    __tablename__ = "lookout"

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hit.id", ondelete="CASCADE"), unique=True)
    traveller_id: Mapped[int] = mapped_column(ForeignKey("traveller.id", ondelete="CASCADE"), index=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"))
    port: Mapped[str] = mapped_column(String(3), index=True)  # the airport of entry
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | encountered | closed
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hit: Mapped[Hit] = relationship()
