"""Writing a list version's delta in bulk, and reading it back.

By source id, an entry is added (new or listed again), changed (its content hash differs), kept, or
removed (marked, never deleted, so past hits still point at it). Each change is also recorded per version
in `watchlist_entry_change`, with the content a change replaced, for retro-screening and `lists diff`.
Writes are Core executemany statements in chunks: a million-name list costs a handful of queries.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from paxvet.documents.numbers import folded_document_number
from paxvet.errors import NotFound
from paxvet.watchlists.models import WatchlistEntry, WatchlistEntryChange, WatchlistVersion
from paxvet.watchlists.schemas import EntryRecord, content_hash_of

CHUNK = 5000


@dataclass(frozen=True)
class Delta:
    version_id: int
    added_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    """What one load does to the stored entries, worked out before anything is written."""

    new_rows: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    relisted: list[dict[str, Any]] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed_ids(self) -> list[int]:
        return [row["id"] for row in self.changed]

    @property
    def relisted_ids(self) -> list[int]:
        return [row["id"] for row in self.relisted]


def apply_delta(
    session: Session, watchlist_id: int, version_id: int, entries: deque[EntryRecord]
) -> tuple[int, int, int, int]:
    """Compare with the stored entries by source id and content hash; write the delta in bulk."""
    plan = _plan(session, watchlist_id, version_id, entries)
    changes = _previous_records(session, plan.changed_ids)  # read before it is overwritten
    connection = session.connection()  # Core executemany: no ORM bookkeeping per row
    for chunk in chunks(plan.new_rows):
        connection.execute(insert(WatchlistEntry), chunk)
    for batch in (plan.changed, plan.relisted):  # one key set per batch
        for chunk in chunks(batch):
            session.execute(update(WatchlistEntry), chunk)
    for chunk in chunks(plan.removed_ids):
        session.execute(
            update(WatchlistEntry)
            .where(WatchlistEntry.id.in_(chunk))
            .values(removed_in_version_id=version_id)
            .execution_options(synchronize_session=False)
        )
    added_ids = list(
        session.scalars(
            select(WatchlistEntry.id).filter_by(
                watchlist_id=watchlist_id, added_in_version_id=version_id, removed_in_version_id=None
            )
        )
    )  # the new rows and the re-listed ones
    changes += [{"entry_id": i, "change": "added", "previous_record": None} for i in added_ids]
    changes += [{"entry_id": i, "change": "removed", "previous_record": None} for i in plan.removed_ids]
    for chunk in chunks(changes):
        connection.execute(insert(WatchlistEntryChange), [{"version_id": version_id, **c} for c in chunk])
    return len(added_ids), len(plan.changed), len(plan.removed_ids), plan.unchanged


def _plan(session: Session, watchlist_id: int, version_id: int, entries: deque[EntryRecord]) -> _Plan:
    """Classify every parsed entry. `entries` is consumed: each record is freed once its row is built,
    so a million-name load never holds the parsed records and their rows at the same time."""
    stored = {
        row.source_id: row
        for row in session.execute(
            select(
                WatchlistEntry.id,
                WatchlistEntry.source_id,
                WatchlistEntry.content_hash,
                WatchlistEntry.removed_in_version_id,
            ).filter_by(watchlist_id=watchlist_id)
        )
    }
    plan = _Plan()
    while entries:
        entry = entries.popleft()
        data = entry.to_json()
        digest = content_hash_of(data)
        row = stored.pop(entry.source_id, None)
        fields = _entry_row(watchlist_id, version_id, entry, data, digest)
        if row is None:
            plan.new_rows.append(fields)
        elif row.removed_in_version_id is not None:  # listed again: a new listing as far as screening goes
            plan.relisted.append({"id": row.id, **fields, "removed_in_version_id": None})
        elif row.content_hash != digest:
            del fields["added_in_version_id"]
            plan.changed.append({"id": row.id, **fields})
        else:
            plan.unchanged += 1
    plan.removed_ids = [row.id for row in stored.values() if row.removed_in_version_id is None]
    return plan


def _entry_row(
    watchlist_id: int, version_id: int, entry: EntryRecord, data: dict[str, Any], digest: str
) -> dict[str, Any]:
    document_key = None
    if entry.entry_type == "document" and entry.documents:
        doc = entry.documents[0]
        document_key = f"{folded_document_number(doc.number)}|{doc.country or ''}"
    return {
        "watchlist_id": watchlist_id,
        "source_id": entry.source_id,
        "entry_type": entry.entry_type,
        "primary_name": entry.primary_name[:400],
        "record": data,
        "content_hash": digest,
        "listed_on": entry.listed_on,
        "added_in_version_id": version_id,
        "changed_in_version_id": version_id,
        "document_key": document_key,
    }


def _previous_records(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """The content each changed entry had before this version, kept beside the change."""
    result = []
    for chunk in chunks(ids):
        rows = session.execute(
            select(WatchlistEntry.id, WatchlistEntry.record).where(WatchlistEntry.id.in_(chunk))
        )
        result += [{"entry_id": i, "change": "changed", "previous_record": record} for i, record in rows]
    return result


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Slices small enough for every backend's limit on bound parameters per statement."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def version_delta(session: Session, version_id: int) -> Delta:
    """Entry ids a version added (new or listed again), changed and removed: what retro-screening re-reads."""
    if session.get(WatchlistVersion, version_id) is None:
        raise NotFound(f"no watchlist version {version_id}")
    grouped: dict[str, list[int]] = {"added": [], "changed": [], "removed": []}
    for change, entry_id in session.execute(
        select(WatchlistEntryChange.change, WatchlistEntryChange.entry_id)
        .filter_by(version_id=version_id)
        .order_by(WatchlistEntryChange.entry_id)
    ):
        grouped[change].append(entry_id)
    return Delta(version_id, grouped["added"], grouped["changed"], grouped["removed"])
