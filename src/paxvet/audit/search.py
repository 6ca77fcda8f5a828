"""Searching the audit chain: by user, subject (e.g. a traveller), action and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from paxvet.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    action: str | None = None  # exact, or a prefix ending in ':' such as "traveller:"
    since: datetime | None = None
    until: datetime | None = None
    agency: str | None = None  # None: every agency (administrators)
    limit: int = 200


def _filtered(query: AuditQuery) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if query.actor:
        stmt = stmt.where(AuditEvent.actor == query.actor)
    if query.subject_type:
        stmt = stmt.where(AuditEvent.subject_type == query.subject_type)
    if query.subject_id:
        stmt = stmt.where(AuditEvent.subject_id == query.subject_id)
    if query.action:
        if query.action.endswith(":"):
            stmt = stmt.where(AuditEvent.action.startswith(query.action, autoescape=True))
        else:
            stmt = stmt.where(AuditEvent.action == query.action)
    if query.since:
        stmt = stmt.where(AuditEvent.at >= query.since)
    if query.until:
        stmt = stmt.where(AuditEvent.at < query.until)
    if query.agency:
        stmt = stmt.where(AuditEvent.agency == query.agency)
    return stmt


def search_events(session: Session, query: AuditQuery) -> list[AuditEvent]:
    """Newest first, at most `query.limit` events."""
    limit = max(1, min(query.limit, 1000))
    stmt = _filtered(query).order_by(AuditEvent.seq.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def event_to_dict(event: AuditEvent) -> dict[str, object]:
    return event.to_dict()
