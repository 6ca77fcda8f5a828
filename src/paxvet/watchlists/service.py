"""Loading list versions and reading lists for screening.

`load_list` parses a source (all-or-nothing), records a new version, and applies the delta against the
entries already stored: by source id, an entry is added (new or re-listed), changed (its content hash
differs), kept, or removed (marked, never deleted, so past hits still point at it). Writes are bulk
statements: a million-name list costs a handful of queries, not one per entry.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, func, insert, or_, select, update
from sqlalchemy.orm import Session

from paxvet.audit.service import record_event
from paxvet.documents.numbers import folded_document_number
from paxvet.errors import InvalidInput, NotFound, Problem
from paxvet.match.records import PersonRecord
from paxvet.watchlists.importers import parse_source
from paxvet.watchlists.importers.base import paused_gc
from paxvet.watchlists.models import (
    CATEGORIES,
    SEVERITIES,
    Watchlist,
    WatchlistEntry,
    WatchlistEntryChange,
    WatchlistVersion,
)
from paxvet.watchlists.records import person_record_from_json
from paxvet.watchlists.schemas import EntryRecord, content_hash_of

CHUNK = 5000
DEFAULT_CATEGORY = {"documents-csv": "lost_stolen_document", "paxvet-csv": "wanted"}


@dataclass(frozen=True)
class LoadReport:
    list_name: str
    watchlist_id: int
    version_id: int
    version_number: int
    created: bool
    fmt: str
    entries: int
    added: int
    changed: int
    removed: int
    unchanged: int
    counts: dict[str, int]
    warnings: list[Problem]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "warnings"}
        data["warnings"] = [str(w) for w in self.warnings]
        return data


@dataclass(frozen=True)
class Delta:
    version_id: int
    added_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ListSummary:
    name: str
    owner_agency: str
    category: str
    default_severity: str
    source_format: str
    active: bool
    version: int | None
    entries: int
    loaded_at: str | None


def load_list(
    session: Session,
    fmt: str,
    path: Path | str,
    list_name: str,
    *,
    category: str | None = None,
    severity: str | None = None,
    owner: str | None = None,
    loaded_by: str | None = None,
) -> LoadReport:
    """Parse PATH as FMT and load it as the next version of LIST_NAME (created on first load)."""
    started = time.perf_counter()
    source = Path(path)
    _check_choice("category", category, CATEGORIES)
    _check_choice("severity", severity, SEVERITIES)
    parsed = parse_source(fmt, source)
    if parsed.errors:
        raise InvalidInput(
            f"{source}: {len(parsed.errors)} problem(s) found; nothing was loaded", problems=parsed.errors
        )
    watchlist, created = _watchlist(session, list_name, fmt, category, severity, owner)
    number = (
        session.scalar(select(func.max(WatchlistVersion.number)).filter_by(watchlist_id=watchlist.id)) or 0
    ) + 1
    version = WatchlistVersion(
        watchlist_id=watchlist.id,
        number=number,
        loaded_by=loaded_by,
        source_path=str(source),
        source_sha256=source_digest(source),
    )
    session.add(version)
    session.flush()
    with paused_gc():
        added, changed, removed, unchanged = _apply(session, watchlist.id, version.id, parsed.entries)
    version.entry_count, version.added, version.changed, version.removed = (
        len(parsed.entries),
        added,
        changed,
        removed,
    )
    version.report = {
        "format": fmt,
        "counts": parsed.counts,
        "unchanged": unchanged,
        "warnings": [str(w) for w in parsed.problems[:500]],
    }
    record_event(
        session,
        "watchlist:version:loaded",
        actor=loaded_by,
        agency=watchlist.owner_agency,
        subject_type="watchlist_version",
        subject_id=version.id,
        details={
            "list": list_name,
            "version": number,
            "format": fmt,
            "sha256": version.source_sha256,
            "entries": len(parsed.entries),
            "added": added,
            "changed": changed,
            "removed": removed,
        },
    )
    session.flush()
    return LoadReport(
        list_name,
        watchlist.id,
        version.id,
        number,
        created,
        fmt,
        len(parsed.entries),
        added,
        changed,
        removed,
        unchanged,
        parsed.counts,
        list(parsed.problems),
        round(time.perf_counter() - started, 3),
    )


def _check_choice(label: str, value: str | None, choices: Sequence[str]) -> None:
    if value is not None and value not in choices:
        raise InvalidInput(f"{label} {value!r} is not one of: {', '.join(choices)}")


def _watchlist(
    session: Session, name: str, fmt: str, category: str | None, severity: str | None, owner: str | None
) -> tuple[Watchlist, bool]:
    watchlist = session.scalar(select(Watchlist).filter_by(name=name))
    if watchlist is None:
        watchlist = Watchlist(
            name=name,
            owner_agency=owner or "local",
            category=category or DEFAULT_CATEGORY.get(fmt, "sanctions"),
            default_severity=severity or "high",
            source_format=fmt,
            active=True,
        )
        session.add(watchlist)
        session.flush()
        return watchlist, True
    # A later load may re-classify the list; otherwise it keeps what it was created with.
    watchlist.category = category or watchlist.category
    watchlist.default_severity = severity or watchlist.default_severity
    watchlist.owner_agency = owner or watchlist.owner_agency
    watchlist.source_format = fmt
    return watchlist, False


def source_digest(path: Path) -> str:
    """SHA-256 over the file, or over every file of a folder in name order (a set of tables)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


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


def _apply(
    session: Session, watchlist_id: int, version_id: int, entries: list[EntryRecord]
) -> tuple[int, int, int, int]:
    """Compare with the stored entries by source id and content hash; write the delta in bulk."""
    plan = _plan(session, watchlist_id, version_id, entries)
    changes = _previous_records(session, plan.changed_ids)  # read before it is overwritten
    connection = session.connection()  # Core executemany: no ORM bookkeeping per row
    for chunk in _chunks(plan.new_rows):
        connection.execute(insert(WatchlistEntry), chunk)
    for batch in (plan.changed, plan.relisted):  # one key set per batch
        for chunk in _chunks(batch):
            session.execute(update(WatchlistEntry), chunk)
    for chunk in _chunks(plan.removed_ids):
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
    for chunk in _chunks(changes):
        connection.execute(insert(WatchlistEntryChange), [{"version_id": version_id, **c} for c in chunk])
    return len(added_ids), len(plan.changed), len(plan.removed_ids), plan.unchanged


def _plan(session: Session, watchlist_id: int, version_id: int, entries: list[EntryRecord]) -> _Plan:
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
    for entry in entries:
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
    for chunk in _chunks(ids):
        rows = session.execute(
            select(WatchlistEntry.id, WatchlistEntry.record).where(WatchlistEntry.id.in_(chunk))
        )
        result += [{"entry_id": i, "change": "changed", "previous_record": record} for i, record in rows]
    return result


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


def document_entries(session: Session) -> dict[str, ScreeningEntry]:
    """Active lost/stolen documents keyed 'FOLDEDNUMBER|ALPHA3' (folded: O/0, I/1... confusions folded)."""
    return {row.document_key: _screening_entry(row) for row in _active_rows(session, "document", None)}


def version_delta(session: Session, version_id: int) -> Delta:
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


def update_list(
    session: Session,
    name: str,
    *,
    threshold: float | None = None,
    default_threshold: bool = False,
    active: bool | None = None,
    category: str | None = None,
    severity: str | None = None,
    owner: str | None = None,
    changed_by: str | None = None,
) -> Watchlist:
    """Change a list's settings (what screening uses), audited as `watchlist:list:updated`."""
    _check_choice("category", category, CATEGORIES)
    _check_choice("severity", severity, SEVERITIES)
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise InvalidInput(f"threshold {threshold} must be above 0 and at most 1")
    watchlist = get_list(session, name)
    before = _settings(watchlist)
    if threshold is not None or default_threshold:
        watchlist.threshold = None if default_threshold else threshold
    watchlist.active = watchlist.active if active is None else active
    watchlist.category = category or watchlist.category
    watchlist.default_severity = severity or watchlist.default_severity
    watchlist.owner_agency = owner or watchlist.owner_agency
    after = _settings(watchlist)
    if after != before:
        record_event(
            session,
            "watchlist:list:updated",
            actor=changed_by,
            agency=watchlist.owner_agency,
            subject_type="watchlist",
            subject_id=watchlist.id,
            details={"before": before, "after": after},
        )
    session.flush()
    return watchlist


def _settings(watchlist: Watchlist) -> dict[str, Any]:
    return {
        "threshold": watchlist.threshold,
        "active": watchlist.active,
        "category": watchlist.category,
        "severity": watchlist.default_severity,
        "owner": watchlist.owner_agency,
    }


def get_list(session: Session, name: str) -> Watchlist:
    watchlist = session.scalar(select(Watchlist).filter_by(name=name))
    if watchlist is None:
        known = (
            ", ".join(session.scalars(select(Watchlist.name).order_by(Watchlist.name))) or "none loaded yet"
        )
        raise NotFound(f"no list named {name!r} (lists: {known})")
    return watchlist


def get_version(session: Session, watchlist: Watchlist, number: int | None = None) -> WatchlistVersion:
    query = select(WatchlistVersion).filter_by(watchlist_id=watchlist.id)
    query = (
        query.filter_by(number=number)
        if number is not None
        else query.order_by(WatchlistVersion.number.desc())
    )
    version = session.scalars(query.limit(1)).first()
    if version is None:
        raise NotFound(
            f"list {watchlist.name!r} has no version {number if number is not None else ''}".strip()
        )
    return version


def list_summaries(session: Session) -> list[ListSummary]:
    latest = (
        select(WatchlistVersion.watchlist_id, func.max(WatchlistVersion.number).label("number"))
        .group_by(WatchlistVersion.watchlist_id)
        .subquery()
    )
    active_counts = (
        select(WatchlistEntry.watchlist_id, func.count().label("entries"))
        .where(WatchlistEntry.removed_in_version_id.is_(None))
        .group_by(WatchlistEntry.watchlist_id)
        .subquery()
    )
    rows = session.execute(
        select(Watchlist, WatchlistVersion, active_counts.c.entries)
        .outerjoin(latest, latest.c.watchlist_id == Watchlist.id)
        .outerjoin(
            WatchlistVersion,
            (WatchlistVersion.watchlist_id == Watchlist.id) & (WatchlistVersion.number == latest.c.number),
        )
        .outerjoin(active_counts, active_counts.c.watchlist_id == Watchlist.id)
        .order_by(Watchlist.name)
    )
    return [
        ListSummary(
            w.name,
            w.owner_agency,
            w.category,
            w.default_severity,
            w.source_format,
            w.active,
            v.number if v else None,
            entries or 0,
            v.loaded_at.isoformat(timespec="seconds") if v else None,
        )
        for w, v, entries in rows
    ]


def entry_search(session: Session, list_name: str, text: str, limit: int = 50) -> list[WatchlistEntry]:
    """Active entries whose source id is TEXT or whose names or documents contain it (any case)."""
    watchlist = get_list(session, list_name)
    pattern = f"%{text.strip().lower()}%"
    query = (
        select(WatchlistEntry)
        .filter_by(watchlist_id=watchlist.id, removed_in_version_id=None)
        .where(
            or_(
                WatchlistEntry.source_id == text.strip(),
                func.lower(WatchlistEntry.primary_name).like(pattern),
                func.lower(cast(WatchlistEntry.record, Text)).like(pattern),
            )
        )
        .order_by(WatchlistEntry.primary_name)
        .limit(limit)
    )
    return list(session.scalars(query))
