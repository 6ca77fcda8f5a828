"""Watchlists, their versions and entries. An entry's full record (every name, date, document) is kept as
JSON in the shape of `watchlists.schemas.EntryRecord`; the columns beside it are for search and deltas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow

CATEGORIES = ("wanted", "terrorism", "sanctions", "narcotics", "lost_stolen_document", "other")
SEVERITIES = ("low", "medium", "high", "critical")


class Watchlist(Base):
    __tablename__ = "watchlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    owner_agency: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(30))
    default_severity: Mapped[str] = mapped_column(String(10), default="high")
    source_format: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[float | None] = mapped_column(Float)  # None: the matcher's documented default
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[WatchlistVersion]] = relationship(
        back_populates="watchlist", order_by="WatchlistVersion.number"
    )


class WatchlistVersion(Base):
    """One load of a list: where it came from and how it differs from the version before."""

    __tablename__ = "watchlist_version"
    __table_args__ = (UniqueConstraint("watchlist_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlist.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(100))
    source_path: Mapped[str | None] = mapped_column(Text)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # importer counts and warnings

    watchlist: Mapped[Watchlist] = relationship(back_populates="versions")


class WatchlistEntry(Base):
    """The current state of one listed person or document. Removed entries are kept (removed_in set)."""

    __tablename__ = "watchlist_entry"
    __table_args__ = (
        UniqueConstraint("watchlist_id", "source_id"),
        Index("ix_watchlist_entry_active", "watchlist_id", "removed_in_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlist.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(100))
    entry_type: Mapped[str] = mapped_column(String(12), default="person")  # person | document
    primary_name: Mapped[str] = mapped_column(String(400), default="")
    record: Mapped[dict[str, Any]] = mapped_column(JSON)  # watchlists.schemas.EntryRecord
    content_hash: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str | None] = mapped_column(String(10))  # overrides the list's default
    listed_on: Mapped[date | None] = mapped_column(Date)
    added_in_version_id: Mapped[int] = mapped_column(ForeignKey("watchlist_version.id"))
    changed_in_version_id: Mapped[int] = mapped_column(ForeignKey("watchlist_version.id"))
    removed_in_version_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_version.id"))
    document_key: Mapped[str | None] = mapped_column(String(60), index=True)  # lost/stolen: number|country

    watchlist: Mapped[Watchlist] = relationship()


class WatchlistEntryChange(Base):
    """What one version did to one entry: added, changed or removed. Retro-screening reads a version's
    changes; `previous_record` keeps the content a change replaced so `paxvet lists diff` can show it."""

    __tablename__ = "watchlist_entry_change"
    __table_args__ = (Index("ix_watchlist_entry_change_version", "version_id", "change"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("watchlist_version.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("watchlist_entry.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(8))  # added | changed | removed
    previous_record: Mapped[dict[str, Any] | None] = mapped_column(JSON)
