"""Active list entries as screening reads them: person entries for the matcher, lost/stolen documents by key.

Decoding a million stored entries into matcher records takes seconds, so the result is kept in memory per
database and list selection and reused while no list has a new version, changed settings or other entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.heap import paused_gc
from paxvet.match.records import PersonRecord
from paxvet.watchlists.delta import CHUNK
from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion
from paxvet.watchlists.records import person_record_from_json


@dataclass(frozen=True, slots=True)
class ScreeningEntry:
    """One active entry, ready for the matcher; `version_id` is the version its current content came in."""

    entry_id: int
    watchlist_id: int
    list_name: str
    owner_agency: str
    source_id: str
    category: str
    severity: str
    threshold: float | None
    version_id: int
    content_hash: str
    record: PersonRecord


def _active_rows(session: Session, entry_type: str, list_names: Iterable[str] | None) -> Any:
    query = (
        select(
            WatchlistEntry.id,
            WatchlistEntry.watchlist_id,
            WatchlistEntry.source_id,
            WatchlistEntry.content_hash,
            WatchlistEntry.changed_in_version_id,
            WatchlistEntry.record,
            WatchlistEntry.severity,
            WatchlistEntry.document_key,
            Watchlist.name,
            Watchlist.owner_agency,
            Watchlist.category,
            Watchlist.default_severity,
            Watchlist.threshold,
        )
        .join(Watchlist, Watchlist.id == WatchlistEntry.watchlist_id)
        .where(
            Watchlist.active.is_(True),
            WatchlistEntry.removed_in_version_id.is_(None),
            WatchlistEntry.entry_type == entry_type,
        )
        .order_by(WatchlistEntry.id)
    )
    if list_names is not None:
        query = query.where(Watchlist.name.in_(list(list_names)))
    return session.execute(query.execution_options(yield_per=CHUNK))


def _screening_entry(row: Any) -> ScreeningEntry:
    return ScreeningEntry(
        entry_id=row.id,
        watchlist_id=row.watchlist_id,
        list_name=row.name,
        owner_agency=row.owner_agency,
        source_id=row.source_id,
        category=row.category,
        severity=row.severity or row.default_severity,
        threshold=row.threshold,
        version_id=row.changed_in_version_id,
        content_hash=row.content_hash,
        record=person_record_from_json(row.record, key=str(row.id)),
    )


def screening_entries(session: Session, list_names: Iterable[str] | None = None) -> list[ScreeningEntry]:
    """Active person entries of active lists, in entry-id order; the record's key is the entry id.

    Decoding a million entries takes seconds, so the result is kept in memory per database and list
    selection, and reused while no list has a new version or changed settings (one cheap query checks).
    """
    names = None if list_names is None else tuple(sorted(list_names))
    bind = session.get_bind()
    key = (str(bind.engine.url), names)
    state = _lists_state(session)
    cached = _SCREENING_CACHE.get(key)
    if cached is not None and cached[0] == state:
        return list(cached[1])
    with paused_gc():
        entries = [_screening_entry(row) for row in _active_rows(session, "person", names)]
    _SCREENING_CACHE[key] = (state, tuple(entries))
    return entries


_SCREENING_CACHE: dict[
    tuple[str, tuple[str, ...] | None], tuple[tuple[Any, ...], tuple[ScreeningEntry, ...]]
] = {}


def _lists_state(session: Session) -> tuple[Any, ...]:
    """What screening entries depend on: every list's settings and its newest version (id, hash, time)."""
    newest = (
        select(WatchlistVersion.watchlist_id, func.max(WatchlistVersion.id).label("version_id"))
        .group_by(WatchlistVersion.watchlist_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Watchlist.id,
            Watchlist.name,
            Watchlist.active,
            Watchlist.owner_agency,
            Watchlist.category,
            Watchlist.default_severity,
            Watchlist.threshold,
            WatchlistVersion.id,
            WatchlistVersion.source_sha256,
            WatchlistVersion.loaded_at,
        )
        .outerjoin(newest, newest.c.watchlist_id == Watchlist.id)
        .outerjoin(WatchlistVersion, WatchlistVersion.id == newest.c.version_id)
        .order_by(Watchlist.id)
    )
    # Entries written by other means than load_list (tests, repairs) still invalidate: one scan of the index.
    totals = session.execute(
        select(
            func.count(WatchlistEntry.id),
            func.max(WatchlistEntry.id),
            func.max(WatchlistEntry.changed_in_version_id),
            func.max(WatchlistEntry.removed_in_version_id),
        )
    ).one()
    return (*(tuple(row) for row in rows), tuple(totals))


def document_entries(session: Session, list_names: Iterable[str] | None = None) -> dict[str, ScreeningEntry]:
    """Active lost/stolen documents keyed 'FOLDEDNUMBER|ALPHA3' (folded: O/0, I/1... confusions folded), of
    every active list or of the named ones."""
    rows = _active_rows(session, "document", list_names)
    return {row.document_key: _screening_entry(row) for row in rows}
