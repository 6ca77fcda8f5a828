"""The link-key table: one row per (thing two travellers can share, traveller).

Link analysis is two indexed joins over this table (traveller -> keys -> travellers), on SQLite and
PostgreSQL alike; no graph database. Values are keyed hashes, so a phone number or a card is never
stored a second time in clear.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from paxvet.db import Base

# kind: phone | email | card | address | booking | seat (adjacent seats share a seat-pair key)
LINK_KINDS = ("phone", "email", "card", "address", "booking", "seat")


class LinkKey(Base):
    __tablename__ = "link_key"
    __table_args__ = (
        Index("ix_link_key_value", "value", "seen_on", "traveller_id"),
        Index("ix_link_key_traveller", "traveller_id", "seen_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(32))  # "<kind>:" is folded into the hash, so value is unique
    traveller_id: Mapped[int] = mapped_column(ForeignKey("traveller.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    seen_on: Mapped[date] = mapped_column(Date)  # the flight's date: the time window filters on it
