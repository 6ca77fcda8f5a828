"""Flights in a time window (arriving in the reporting country or leaving it) and a flight's manifest, with
open hits the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from paxvet.accounts.policy import Viewer, visible_hits_clause
from paxvet.db import utcnow
from paxvet.errors import InvalidInput, NotFound
from paxvet.flights.models import Flight, Traveller
from paxvet.ingest.models import QUARANTINED, UNSUPPORTED, RawMessage
from paxvet.screening.models import SEVERITY_RANK, Hit


@dataclass
class FlightRow:
    flight: Flight
    travellers: int
    open_hits: dict[str, int] = field(default_factory=dict)  # severity -> count

    @property
    def minutes_to_arrival(self) -> int | None:
        return _minutes_until(self.flight.scheduled_arrival_utc)

    @property
    def minutes_left(self) -> int | None:
        """Until the scheduled time at the reporting country's airport (arrival in, departure out)."""
        return _minutes_until(self.flight.scheduled_at_airport_utc)

    def to_dict(self) -> dict[str, object]:
        f = self.flight
        return {
            "id": f.id,
            "code": f.code,
            "airport": f.airport,
            "origin": f.origin,
            "flight_date": f.flight_date.isoformat(),
            "direction": f.direction,
            "scheduled_departure_utc": _iso(f.scheduled_departure_utc),
            "scheduled_arrival_utc": _iso(f.scheduled_arrival_utc),
            "minutes_to_arrival": self.minutes_to_arrival,
            "minutes_left": self.minutes_left,
            "travellers": self.travellers,
            "open_hits": self.open_hits,
        }


def arrivals(
    session: Session,
    viewer: Viewer,
    *,
    hours_behind: int = 6,
    hours_ahead: int = 24,
    airport: str | None = None,
    now: datetime | None = None,
) -> list[FlightRow]:
    if not (0 <= hours_behind <= 24 * 14 and 0 <= hours_ahead <= 24 * 14):
        raise InvalidInput("the time window must be within 14 days either side", [])
    now = now or utcnow()
    start, end = now - timedelta(hours=hours_behind), now + timedelta(hours=hours_ahead)
    stmt = select(Flight).where(Flight.at_airport_between(start, end))
    if airport:
        stmt = stmt.where(Flight.airport == airport.strip().upper()[:3])
    flights = list(session.execute(stmt.order_by(Flight.scheduled_at_airport_utc).limit(500)).scalars())
    if not flights:
        return []
    ids = [f.id for f in flights]
    people, hits = _traveller_counts(session, ids), _hit_counts(session, viewer, ids)
    return [FlightRow(f, people.get(f.id, 0), hits.get(f.id, {})) for f in flights]


def _minutes_until(moment: datetime | None) -> int | None:
    return None if moment is None else int((moment - utcnow()).total_seconds() // 60)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _traveller_counts(session: Session, flight_ids: list[int]) -> dict[int, int]:
    stmt = select(Traveller.flight_id, func.count()).where(Traveller.flight_id.in_(flight_ids))
    return {fid: n for fid, n in session.execute(stmt.group_by(Traveller.flight_id))}


def _hit_counts(session: Session, viewer: Viewer, flight_ids: list[int]) -> dict[int, dict[str, int]]:
    stmt = (
        select(Hit.flight_id, Hit.severity, func.count())
        .where(Hit.flight_id.in_(flight_ids), Hit.status == "open", visible_hits_clause(viewer))
        .group_by(Hit.flight_id, Hit.severity)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for fid, severity, n in session.execute(stmt):
        counts[fid][severity] = n
    return counts


def airports(session: Session) -> list[str]:
    return list(session.execute(select(Flight.airport).distinct().order_by(Flight.airport)).scalars())


@dataclass
class Manifest:
    flight: Flight
    travellers: list[Traveller]
    hits_by_traveller: dict[int, list[Hit]]
    quarantine_notices: list[dict[str, object]]


def manifest(session: Session, viewer: Viewer, flight_id: int) -> Manifest:
    flight = session.get(Flight, flight_id)
    if flight is None:
        raise NotFound(f"no flight {flight_id}")
    travellers = list(
        session.execute(
            select(Traveller)
            .where(Traveller.flight_id == flight_id)
            .options(selectinload(Traveller.documents))
            .order_by(Traveller.surname, Traveller.given_names)
        ).scalars()
    )
    hits = session.execute(
        select(Hit).where(Hit.flight_id == flight_id, visible_hits_clause(viewer))
    ).scalars()
    by_traveller: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_traveller[hit.traveller_id].append(hit)
    for items in by_traveller.values():
        items.sort(key=lambda h: (h.status != "open", -SEVERITY_RANK.get(h.severity, 0)))
    return Manifest(flight, travellers, dict(by_traveller), quarantine_notices(session, flight))


def quarantine_notices(session: Session, flight: Flight) -> list[dict[str, object]]:
    """Messages about this flight that sit in quarantine: the manifest may be incomplete."""
    stmt = select(RawMessage).where(
        RawMessage.flight_id == flight.id, RawMessage.status.in_((QUARANTINED, UNSUPPORTED))
    )
    return [
        {
            "message_id": m.id,
            "message_type": m.message_type,
            "received_at": m.received_at.isoformat(),
            "errors": [str(p.get("message", "")) for p in m.errors][:5],
        }
        for m in session.execute(stmt.order_by(RawMessage.received_at)).scalars()
    ]
