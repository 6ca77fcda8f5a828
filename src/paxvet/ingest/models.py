"""Raw store and quarantine: every file and message exactly as received, stored before it is parsed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow

# RawMessage.status values
RECEIVED = "received"  # stored, not yet processed
PROCESSED = "processed"  # mapped into the domain tables (possibly with warnings)
QUARANTINED = "quarantined"  # failed; kept with its problems until replayed
DUPLICATE = "duplicate"  # identical to a message already processed successfully
REPLAYED = "replayed"  # was quarantined; a replay (same or corrected bytes) has since processed it
UNSUPPORTED = "unsupported"  # no handler for this message type (stored, flagged, quarantined for review)


class ReceivedFile(Base):
    """One file (or API payload) as received: the bytes, their hash, when and from where."""

    __tablename__ = "ingest_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # outside any message

    messages: Mapped[list[RawMessage]] = relationship(back_populates="file", order_by="RawMessage.sequence")


class RawMessage(Base):
    """One message (UNH..UNT, or one XML document) as received, with its own envelope so that it can be
    re-parsed on its own: the original UNA/UNB/UNG and message text verbatim, trailers regenerated."""

    __tablename__ = "ingest_message"
    __table_args__ = (
        # the duplicate check (sha256 = ? AND status = ?); also serves every lookup by sha256 alone
        Index("ix_ingest_message_hash_status", "sha256", "status"),
        # the multi-part totals check (part_set_key = ? AND status = ?): with part_set_key alone SQLite's
        # planner took ix_ingest_message_status and read every processed message for each manifest
        Index("ix_ingest_message_part_set", "part_set_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_file.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)  # position in the file
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(500))
    message_type: Mapped[str] = mapped_column(String(60))  # PAXLST, PNRGOV, xml:IATA_PNRGOV_NotifRQ ...
    version: Mapped[str | None] = mapped_column(String(20))
    sender: Mapped[str | None] = mapped_column(String(100))
    interchange_ref: Mapped[str | None] = mapped_column(String(40))
    message_ref: Mapped[str | None] = mapped_column(String(40))
    common_ref: Mapped[str | None] = mapped_column(String(60))
    part_number: Mapped[int] = mapped_column(Integer, default=1)
    part_flag: Mapped[str | None] = mapped_column(String(2))
    part_set_key: Mapped[str | None] = mapped_column(String(250))
    sha256: Mapped[str] = mapped_column(String(64))  # of the message body (UNH..UNT) or XML
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default=RECEIVED, index=True)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_message.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_message.id"))  # corrected bytes of
    replayed_by_id: Mapped[int | None] = mapped_column(Integer)  # the message whose replay resolved this one
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    flight_id: Mapped[int | None] = mapped_column(Integer, index=True)

    file: Mapped[ReceivedFile | None] = relationship(back_populates="messages")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [p for p in self.problems or [] if p.get("severity") == "error"]
