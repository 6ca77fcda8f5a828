"""The stable, machine-readable shapes of hits, dispositions and allow-list entries (CLI --json, API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from paxvet.screening.models import Hit
from paxvet.vetting.allowlist import suppression_state
from paxvet.vetting.models import Disposition, Suppression
from paxvet.vetting.service import time_left


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def queue_item(hit: Hit, now: datetime | None = None) -> dict[str, Any]:
    """One queue line. Keys `id, flight, arrival, traveller, list, source_id, score, severity, status` are
    a promise to integrators: add keys, never rename or remove them. For an outbound flight (leaving the
    reporting country) `minutes_to_arrival` counts to its departure from `airport`, as `minutes_left` does
    for every flight; `scheduled_at_airport` is that time."""
    traveller, flight = hit.traveller, hit.flight
    left = time_left(hit, now)
    return {
        "id": hit.id,
        "flight": flight.code,
        "direction": flight.direction,
        "airport": flight.airport,
        "arrival": _iso(flight.scheduled_arrival_utc),
        "departure": _iso(flight.scheduled_departure_utc),
        "scheduled_at_airport": _iso(flight.scheduled_at_airport_utc),
        "minutes_to_arrival": left,
        "minutes_left": left,
        "traveller": {
            "id": traveller.id,
            "surname": traveller.surname,
            "given_names": traveller.given_names,
            "date_of_birth": traveller.date_of_birth.isoformat() if traveller.date_of_birth else None,
            "role": traveller.role,
            "nationality": traveller.nationality,
        },
        "kind": hit.kind,
        "list": hit.watchlist.name if hit.watchlist is not None else None,
        "source_id": hit.entry.source_id if hit.entry is not None else None,
        "entry_name": hit.entry.primary_name if hit.entry is not None else None,
        "score": round(hit.score, 4),
        "category": hit.category,
        "severity": hit.severity,
        "status": hit.status,
        "summary": hit.summary,
    }


def disposition_dict(record: Disposition) -> dict[str, Any]:
    return {
        "id": record.id,
        "disposition": record.disposition,
        "previous_status": record.previous_status,
        "officer": record.officer,
        "agency": record.agency,
        "comment": record.comment,
        "at": _iso(record.at),
    }


def hit_detail(hit: Hit, dispositions: list[Disposition], now: datetime | None = None) -> dict[str, Any]:
    detail = queue_item(hit, now)
    detail.update(
        {
            "explanation": hit.explanation,
            "list_version_id": hit.list_version_id,
            "suppressed_by": hit.suppressed_by_id,
            "status_reason": hit.status_reason,
            "created_at": _iso(hit.created_at),
            "updated_at": _iso(hit.updated_at),
            "documents": [
                {"type": d.doc_type, "number": d.number, "country": d.issuing_country, "findings": d.findings}
                for d in hit.traveller.documents
            ],
            "history": [disposition_dict(d) for d in dispositions],
        }
    )
    return detail


def suppression_dict(suppression: Suppression, now: datetime | None = None) -> dict[str, Any]:
    return {
        "id": suppression.id,
        "state": suppression_state(suppression, now),
        "document_number": suppression.document_number,
        "issuing_country": suppression.issuing_country,
        "date_of_birth": suppression.date_of_birth.isoformat(),
        "entry_id": suppression.entry_id,
        "hit_id": suppression.hit_id,
        "disposition_id": suppression.disposition_id,
        "created_by": suppression.created_by,
        "created_at": _iso(suppression.created_at),
        "expires_at": _iso(suppression.expires_at),
        "revoked_at": _iso(suppression.revoked_at),
        "revoked_by": suppression.revoked_by,
    }
