"""Watchlists the viewer's agency owns: versions with their deltas, and entry search."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from paxvet.accounts.policy import Viewer, can_view_list, visible_agencies
from paxvet.errors import NotFound
from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion


def visible_lists(session: Session, viewer: Viewer) -> list[Watchlist]:
    stmt = select(Watchlist).where(Watchlist.owner_agency.in_(sorted(visible_agencies(viewer))))
    return list(session.execute(stmt.order_by(Watchlist.name)).scalars())


def active_counts(session: Session, list_ids: list[int]) -> dict[int, int]:
    if not list_ids:
        return {}
    stmt = (
        select(WatchlistEntry.watchlist_id, func.count())
        .where(WatchlistEntry.watchlist_id.in_(list_ids), WatchlistEntry.removed_in_version_id.is_(None))
        .group_by(WatchlistEntry.watchlist_id)
    )
    return {wid: n for wid, n in session.execute(stmt)}


def visible_list(session: Session, viewer: Viewer, list_id: int) -> Watchlist:
    """A list by id; NotFound also when another agency owns it."""
    watchlist = session.get(Watchlist, list_id)
    if watchlist is None or not can_view_list(viewer, watchlist.owner_agency):
        raise NotFound(f"no watchlist {list_id}")
    return watchlist


def versions(session: Session, watchlist: Watchlist) -> list[WatchlistVersion]:
    stmt = select(WatchlistVersion).where(WatchlistVersion.watchlist_id == watchlist.id)
    return list(session.execute(stmt.order_by(WatchlistVersion.number.desc())).scalars())


def search_entries(
    session: Session, watchlist: Watchlist, text: str, *, include_removed: bool = False, limit: int = 100
) -> list[WatchlistEntry]:
    stmt = select(WatchlistEntry).where(WatchlistEntry.watchlist_id == watchlist.id)
    if not include_removed:
        stmt = stmt.where(WatchlistEntry.removed_in_version_id.is_(None))
    words = [w for w in text.split() if w][:5]
    for word in words:
        pattern = f"%{word}%"
        stmt = stmt.where(
            or_(
                WatchlistEntry.primary_name.ilike(pattern),
                WatchlistEntry.source_id.ilike(pattern),
                WatchlistEntry.document_key.ilike(pattern),
            )
        )
    return list(session.execute(stmt.order_by(WatchlistEntry.primary_name).limit(limit)).scalars())


def version_entries(session: Session, version: WatchlistVersion) -> dict[str, list[WatchlistEntry]]:
    """The delta a version brought: entries added, changed and removed by it."""
    base = select(WatchlistEntry).where(WatchlistEntry.watchlist_id == version.watchlist_id)
    added = base.where(WatchlistEntry.added_in_version_id == version.id)
    changed = base.where(
        WatchlistEntry.changed_in_version_id == version.id, WatchlistEntry.added_in_version_id != version.id
    )
    removed = base.where(WatchlistEntry.removed_in_version_id == version.id)
    return {
        name: list(session.execute(stmt.order_by(WatchlistEntry.primary_name).limit(200)).scalars())
        for name, stmt in (("added", added), ("changed", changed), ("removed", removed))
    }


def version_of(session: Session, watchlist: Watchlist, version_id: int) -> WatchlistVersion:
    version = session.get(WatchlistVersion, version_id)
    if version is None or version.watchlist_id != watchlist.id:
        raise NotFound(f"no version {version_id} of {watchlist.name}")
    return version
