"""The lists screening runs against, prepared once: a Screener over every active person entry (cached
by the active list versions, so a new version invalidates it) and the lost/stolen document keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.documents.numbers import folded_document_number
from paxvet.heap import hold_long_lived, paused_gc
from paxvet.match import DEFAULT_THRESHOLD, Screener
from paxvet.watchlists.models import Watchlist, WatchlistVersion
from paxvet.watchlists.service import ScreeningEntry, document_entries, screening_entries


@dataclass
class ListSet:
    """Entries screened together. `entries[i]` is what `screener` result index i refers to."""

    key: tuple[Any, ...]
    entries: Sequence[ScreeningEntry]
    screener: Screener
    documents: dict[str, ScreeningEntry]
    lowest_threshold: float
    # folded numbers of every document named in a person entry: a traveller whose documents are not among
    # them is scored without documents, which gives the same score (a document only ever adds) and lets
    # the Screener skip candidates whose date of birth or gender already rule them out
    entry_document_numbers: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        entries: Sequence[ScreeningEntry],
        documents: dict[str, ScreeningEntry],
        key: tuple[Any, ...] = (),
    ) -> ListSet:
        thresholds = [e.threshold for e in entries]
        with paused_gc():  # the index is a million small objects, none of them cyclic garbage
            screener = Screener([e.record for e in entries], thresholds)
        lowest = min(
            (t if t is not None else DEFAULT_THRESHOLD for t in thresholds), default=DEFAULT_THRESHOLD
        )
        numbers = frozenset(
            folded_document_number(d.number) for e in entries for d in e.record.documents if d.number
        )
        return cls(key, entries, screener, documents, lowest, numbers)

    @property
    def size(self) -> int:
        return len(self.entries) + len(self.documents)


_cache: dict[str, ListSet] = {}
_lock = Lock()


def versions_key(session: Session) -> tuple[Any, ...]:
    """What identifies the active list set: each active list's newest version and when it was loaded.
    Asked before every manifest is screened, so the statement is built once (`_VERSIONS`)."""
    rows = session.connection().execute(_VERSIONS)
    return tuple((wl, threshold, version, loaded.isoformat()) for wl, threshold, version, loaded in rows)


_NEWEST = (
    select(WatchlistVersion.watchlist_id, func.max(WatchlistVersion.id).label("version_id"))
    .group_by(WatchlistVersion.watchlist_id)
    .subquery()
)
_VERSIONS = (
    select(Watchlist.id, Watchlist.threshold, WatchlistVersion.id, WatchlistVersion.loaded_at)
    .join(_NEWEST, _NEWEST.c.watchlist_id == Watchlist.id)
    .join(WatchlistVersion, WatchlistVersion.id == _NEWEST.c.version_id)
    .where(Watchlist.active.is_(True))
    .order_by(Watchlist.id)
)


def active_lists(session: Session) -> ListSet:
    """The cached list set for the database behind `session`, rebuilt when any list version changed."""
    bind = session.get_bind()
    database = bind.engine.url.render_as_string(hide_password=True) if hasattr(bind, "engine") else str(bind)
    key = versions_key(session)
    with _lock:
        cached = _cache.get(database)
        if cached is not None and cached.key == key:
            return cached
    built = ListSet.build(screening_entries(session), document_entries(session), key)
    hold_long_lived()  # the process keeps these lists until a version changes: see paxvet.heap
    with _lock:
        _cache[database] = built
    return built


def clear_cache() -> None:
    with _lock:
        _cache.clear()
