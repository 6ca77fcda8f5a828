"""The JSON API (/api/v1): the same read models and services as the pages. Authenticate with a bearer
token (`paxvet users token`) or the browser session plus the X-CSRF-Token header for writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from paxvet.vetting import schemas as vetting_schemas
from paxvet.vetting import service as vetting
from paxvet.web.data import flights as flight_data
from paxvet.web.data.travellers import traveller_to_dict, traveller_with_hits
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.routers.audit import audit_query
from paxvet.web.routers.travellers import record_traveller_view
from paxvet.web.routers.vetting import visible_hit, visible_queue

router = APIRouter(tags=["paxvet"])
JSON = dict[str, Any]


class DecisionIn(BaseModel):
    disposition: str = Field(..., max_length=20, description="confirmed, false_positive, refer_secondary...")
    comment: str = Field(..., min_length=1, max_length=4000, description="Why: required")


@router.get("/me")
def me(v: Viewer = Depends(viewer)) -> JSON:
    u = v.user
    return {"username": u.username, "agency": u.agency_code, "role": u.role, "language": v.language}


@router.get("/flights")
def flights(
    airport: str = Query("", max_length=3),
    hours_behind: int = Query(6, ge=0, le=336),
    hours_ahead: int = Query(24, ge=0, le=336),
    v: Viewer = Depends(viewer),
) -> list[JSON]:
    v.require("flights:read")
    rows = flight_data.arrivals(
        v.db, v.user, hours_behind=hours_behind, hours_ahead=hours_ahead, airport=airport
    )
    return [row.to_dict() for row in rows]


@router.get("/flights/{flight_id}")
def flight(flight_id: Id, v: Viewer = Depends(viewer)) -> JSON:
    v.require("flights:read")
    m = flight_data.manifest(v.db, v.user, flight_id)
    return {
        "flight": flight_data.FlightRow(m.flight, len(m.travellers)).to_dict(),
        "travellers": [
            {
                "id": t.id,
                "surname": t.surname,
                "given_names": t.given_names,
                "role": t.role,
                "open_hits": sum(1 for h in m.hits_by_traveller.get(t.id, []) if h.status == "open"),
            }
            for t in m.travellers
        ],
        "quarantine_notices": m.quarantine_notices,
    }


@router.get("/travellers/{traveller_id}")
def traveller(traveller_id: Id, v: Viewer = Depends(viewer)) -> JSON:
    """A traveller's personal data: every call is written to the audit log."""
    v.require("travellers:read")
    found, hits = traveller_with_hits(v.db, v.user, traveller_id)
    body = traveller_to_dict(found)
    body["hits"] = [
        vetting_schemas.queue_item(view.hit) | {"explanation": view.hit.explanation} for view in hits
    ]
    record_traveller_view(v, traveller_id, "api")
    return body


@router.get("/hits")
def hits(
    airport: str = Query("", max_length=3),
    flight: str = Query("", max_length=10),
    list_name: str = Query("", max_length=100),
    category: str = Query("", max_length=30),
    status: str = Query("open", max_length=20),
    limit: int = Query(200, ge=1, le=1000),
    v: Viewer = Depends(viewer),
) -> list[JSON]:
    v.require("hits:read")
    filters = vetting.QueueFilters(
        airport=airport or None,
        flight=flight or None,
        list_name=list_name or None,
        category=category or None,
        statuses=(status,),
        limit=limit,
    )
    return [vetting_schemas.queue_item(h) for h in visible_queue(v, filters)]


@router.get("/hits/{hit_id}")
def hit(hit_id: Id, v: Viewer = Depends(viewer)) -> JSON:
    v.require("hits:read")
    found = visible_hit(v, hit_id)
    return vetting_schemas.hit_detail(found, vetting.history(v.db, hit_id))


@router.post("/hits/{hit_id}/decision")
def decide(hit_id: Id, body: DecisionIn, v: Viewer = Depends(viewer)) -> JSON:
    v.require("hits:decide")
    visible_hit(v, hit_id)
    decision = vetting.decide(
        v.db, hit_id, body.disposition, body.comment, v.user.username, v.user.agency_code
    )
    v.db.commit()
    return vetting_schemas.disposition_dict(decision.disposition) | {"status": decision.hit.status}


@router.get("/audit/events")
def audit_events(
    actor: str = Query("", max_length=100),
    subject_type: str = Query("", max_length=40),
    subject: str = Query("", max_length=100),
    action: str = Query("", max_length=80),
    since: date | None = Query(None),
    until: date | None = Query(None),
    v: Viewer = Depends(viewer),
) -> list[JSON]:
    from paxvet.audit.search import event_to_dict, search_events

    v.require("audit:read")
    query = audit_query(v, actor, subject_type, subject, action, since, until)
    return [event_to_dict(e) for e in search_events(v.db, query)]
