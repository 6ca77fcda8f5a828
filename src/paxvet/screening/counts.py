"""Hit counts, computed from the hit table itself (GTAS kept separate counters that drifted from the hits:
its issues #641, #619, #319, #591, #268, #724). Every page and report counts through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.screening.models import Hit

AWAITING = ("open", "needs_info")


@dataclass
class HitCounts:
    total: int = 0
    awaiting_review: int = 0  # open or needs_info
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)  # of the hits awaiting review

    def add(self, kind: str, status: str, severity: str, n: int) -> None:
        self.total += n
        self.by_status[status] = self.by_status.get(status, 0) + n
        self.by_kind[kind] = self.by_kind.get(kind, 0) + n
        if status in AWAITING:
            self.awaiting_review += n
            self.by_severity[severity] = self.by_severity.get(severity, 0) + n


def hit_counts(session: Session, flight_ids: Iterable[int] | None = None) -> dict[int, HitCounts]:
    """Per flight: hits by status, by kind, and awaiting review by severity."""
    stmt = select(Hit.flight_id, Hit.kind, Hit.status, Hit.severity, func.count()).group_by(
        Hit.flight_id, Hit.kind, Hit.status, Hit.severity
    )
    if flight_ids is not None:
        stmt = stmt.where(Hit.flight_id.in_(list(flight_ids)))
    counts: dict[int, HitCounts] = {}
    for flight_id, kind, status, severity, n in session.execute(stmt):
        counts.setdefault(flight_id, HitCounts()).add(kind, status, severity, int(n))
    return counts
