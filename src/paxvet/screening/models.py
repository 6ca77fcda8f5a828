"""Hits (a traveller matched a list entry, a lost/stolen document or a document finding) and screening runs.

One traveller x one subject is one hit: `subject_key` is "entry:<entry id>" for list and lost/stolen hits and
"finding:<document id>:<code>" for document findings; a later screening updates the same row, never a new
one. That unique pair is the single source of truth for hit counts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from paxvet.db import Base, UTCDateTime, utcnow
from paxvet.flights.models import Flight, Traveller
from paxvet.watchlists.models import Watchlist, WatchlistEntry

HIT_KINDS = ("watchlist", "document_finding", "lost_stolen_document", "rule")
HIT_STATUSES = (
    "open",
    "confirmed",
    "false_positive",
    "refer_secondary",
    "needs_info",
    "suppressed",
    "withdrawn",
)
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


class Hit(Base):
    __tablename__ = "hit"
    __table_args__ = (
        UniqueConstraint("traveller_id", "subject_key"),
        # The vetting queue's order (soonest at the airport first, then severity and score) walked from the
        # index: the first page reads its rows in order and stops, instead of sorting every open hit. Covers
        # the id query (the flight for the airport filter, the agency clause on the list).
        Index("ix_hit_queue", "status", "queue_at", "flight_id", "watchlist_id", "severity", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    traveller_id: Mapped[int] = mapped_column(ForeignKey("traveller.id", ondelete="CASCADE"))
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # one of HIT_KINDS
    subject_key: Mapped[str] = mapped_column(String(80))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_entry.id"), index=True)
    watchlist_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist.id"))
    list_version_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_version.id"))
    entry_content_hash: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float, default=1.0)
    summary: Mapped[str] = mapped_column(Text, default="")  # one readable line
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # field by field
    category: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # the allow-list Suppression that muted it; no foreign key, as Suppression already points at Hit
    suppressed_by_id: Mapped[int | None] = mapped_column(Integer)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why the system set the status (withdrawn...)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # sent once, "for review"
    screening_run_id: Mapped[int | None] = mapped_column(Integer)  # the run that last raised/updated it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A copy of the flight's `scheduled_at_airport_utc` (the queue's order), kept by `refresh_queue_times`
    # and the events below: an index on `hit` can then serve the order, which a join to `flight` cannot.
    queue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    traveller: Mapped[Traveller] = relationship()
    flight: Mapped[Flight] = relationship()
    entry: Mapped[WatchlistEntry | None] = relationship()
    watchlist: Mapped[Watchlist | None] = relationship()

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)


_HITS = cast(Table, Hit.__table__)


def _flight_time(flight_id: Any) -> Any:
    return select(Flight.scheduled_at_airport_utc).where(Flight.id == flight_id).scalar_subquery()


def refresh_queue_times(connection: Connection, flight_ids: Collection[int]) -> None:
    """Copy these flights' scheduled times at the airport onto their hits (`Hit.queue_at`). For writers
    that change a flight with Core (the ORM's are caught by the event below); a hit already in step is
    not rewritten."""
    if not flight_ids:
        return
    at = _flight_time(_HITS.c.flight_id)
    connection.execute(
        update(_HITS)
        .where(_HITS.c.flight_id.in_(sorted(flight_ids)), _HITS.c.queue_at.is_distinct_from(at))
        .values(queue_at=at)
    )


@event.listens_for(Hit, "before_insert")
def _queue_time_of_new_hit(_mapper: Mapper[Hit], connection: Connection, hit: Hit) -> None:
    """A hit created without its flight's time (screening sets it) reads it: the copy is never missing."""
    if hit.queue_at is None:
        hit.queue_at = connection.execute(select(_flight_time(hit.flight_id))).scalar()


_QUEUE_TIME_INPUTS = ("scheduled_arrival_utc", "scheduled_departure_utc", "direction")


@event.listens_for(Hit, "before_update")
def _queue_time_of_moved_hit(_mapper: Mapper[Hit], connection: Connection, hit: Hit) -> None:
    if inspect(hit).attrs.flight_id.history.has_changes():
        hit.queue_at = connection.execute(select(_flight_time(hit.flight_id))).scalar()


@event.listens_for(Flight, "after_update")
def _queue_times_of_changed_flight(_mapper: Mapper[Flight], connection: Connection, flight: Flight) -> None:
    """A flight whose time at the airport changed through the ORM (a PNR push, an edit) moves its hits."""
    state = inspect(flight)
    if any(state.attrs[name].history.has_changes() for name in _QUEUE_TIME_INPUTS):
        refresh_queue_times(connection, [flight.id])


class ScreeningRun(Base):
    """One pass of screening: live (after a manifest) or retro (after a list change)."""

    __tablename__ = "screening_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # live | retro
    list_version_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_version.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    travellers_covered: Mapped[int] = mapped_column(Integer, default=0)
    travellers_scored: Mapped[int] = mapped_column(Integer, default=0)
    entries_screened: Mapped[int] = mapped_column(Integer, default=0)
    new_hits: Mapped[int] = mapped_column(Integer, default=0)
    updated_hits: Mapped[int] = mapped_column(Integer, default=0)
    suppressed_hits: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn_hits: Mapped[int] = mapped_column(Integer, default=0)


class ScreeningMark(Base):
    """The message a traveller was last screened for: travellers whose `last_message_id` differs are
    pending (stored, but a crash or kill came before screening)."""

    __tablename__ = "screening_mark"

    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    message_id: Mapped[int] = mapped_column(Integer, default=0)
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TravellerNameKey(Base):
    """Name and document keys of each screened traveller, so retro-screening finds the few travellers who
    share a key with a list's new entries without reading every traveller in the window.

    A traveller's keys are the rows here plus the rows of `TravellerNameKeyJournal` (never both): live
    screening appends to the journal, and `namekeys.merge_keys` moves the journal here in bulk.

    Neither table has a foreign key to the traveller: the rows are derived from the traveller's names and
    documents, and written in bulk. With one, SQLite looked up each moved row's traveller again (in key
    order, at random) and emptied the journal row by row instead of at once: 45 % of a merge. Whoever
    deletes a traveller deletes their keys with `namekeys.forget_keys`; a merge moves only the rows of
    travellers that exist, and retro-screening reads keys joined with their travellers."""

    __tablename__ = "traveller_name_key"
    # SQLite keeps the rows in the primary key's own b-tree (no rowid table beside it): two b-trees to write
    # per key instead of three; rows are short, which is what WITHOUT ROWID is for.
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    traveller_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)  # no foreign key: above


class TravellerNameKeyJournal(Base):
    """Keys stored since the last merge into `TravellerNameKey`, in traveller order.

    Keys have random values: inserted file by file into the key-ordered table, each key lands on its own
    leaf page, and every such page is written again at each commit. Here, ordered by traveller (new
    travellers have the highest ids), a file's keys fill a few pages at the end of the table; when the
    journal grows past `namekeys.MERGE_AT` rows it is moved into the key-ordered table in key order, each
    page then written once for many keys. Retro-screening reads the journal by a scan (it is bounded)."""

    __tablename__ = "traveller_name_key_journal"
    __table_args__ = ({"sqlite_with_rowid": False},)

    traveller_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # no foreign key: TravellerNameKey
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
