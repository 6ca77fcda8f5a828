"""Loading list versions, changing list settings, and finding lists and entries.

`load_list` parses a source (all-or-nothing), records a new version and applies its delta against the
stored entries (`watchlists.delta`). The reads screening uses live in `watchlists.entries` and
`watchlists.delta` and are re-exported here, so callers need only this module.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paxvet.audit.service import record_event
from paxvet.errors import Conflict, InvalidInput, NotFound, Problem
from paxvet.heap import paused_gc
from paxvet.watchlists.delta import Delta, apply_delta, version_delta
from paxvet.watchlists.entries import ScreeningEntry, document_entries, screening_entries
from paxvet.watchlists.importers import parse_source
from paxvet.watchlists.models import CATEGORIES, SEVERITIES, Watchlist, WatchlistEntry, WatchlistVersion

__all__ = [
    "Delta",
    "ListSummary",
    "LoadReport",
    "ScreeningEntry",
    "document_entries",
    "entry_search",
    "get_list",
    "get_version",
    "list_summaries",
    "load_list",
    "screening_entries",
    "update_list",
    "version_delta",
]
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
    try:  # two loads of one list at once: the second fails on the version number, not half-way
        watchlist, created = _watchlist(session, list_name, fmt, category, severity, owner)
        number = (
            session.scalar(select(func.max(WatchlistVersion.number)).filter_by(watchlist_id=watchlist.id))
            or 0
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
    except IntegrityError as exc:
        raise Conflict(
            f"list {list_name!r} is being loaded by someone else; load again when it is done"
        ) from exc
    with paused_gc():
        entry_count, queue = len(parsed.entries), deque(parsed.entries)
        parsed.entries.clear()  # the queue is consumed as rows are built
        added, changed, removed, unchanged = apply_delta(session, watchlist.id, version.id, queue)
    version.entry_count, version.added, version.changed, version.removed = (
        entry_count,
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
            "entries": entry_count,
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
        entry_count,
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
