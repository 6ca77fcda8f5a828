"""Link analysis of one traveller: travel history and the 1-2 hop neighbourhood, as a page (with a small
graph drawn on the server as inline SVG) and as JSON. Every view is an audit event."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from paxvet.audit.service import record_view
from paxvet.links.service import travel_history
from paxvet.web.data.links import KINDS, co_traveller_text, links_view, reason_text, window_text
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()
api_router = APIRouter(tags=["paxvet"])
JSON = dict[str, Any]

Hops = Query(2, ge=1, le=2, description="1: direct links; 2: also links of links")
Days = Query(None, ge=0, le=3650, description="Only links seen within N days of the traveller's flight")
Limit = Query(50, ge=1, le=200, description="At most this many linked travellers")


def record_links_view(v: Viewer, traveller_id: int, via: str, details: JSON) -> None:
    """Linked travellers' ids go into the event too: the page shows their names and what they share."""
    record_view(
        v.db,
        "traveller:links:viewed",
        actor=v.user.username,
        agency=v.user.agency_code,
        subject_type="traveller",
        subject_id=traveller_id,
        details={"via": via, **details},
    )


@router.get("/travellers/{traveller_id}/links")
def links_page(
    traveller_id: Id,
    hops: int = Hops,
    days: int | None = Days,
    limit: int = Limit,
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("travellers:read")
    view = links_view(v.db, v.user, traveller_id, hops=hops, days=days, limit=limit)
    ids = [n.traveller_id for n in view.links.neighbours]
    record_links_view(v, traveller_id, "page", {"hops": hops, "days": days, "limit": limit, "linked": ids})
    context = {
        "view": view,
        "t": view.traveller,
        "form": {"hops": hops, "days": days, "limit": limit},
        "kinds": KINDS,
        "reason_text": reason_text,
        "co_traveller_text": co_traveller_text,
        "window": window_text(view.links.window),
    }
    return render(v.request, "links/traveller.html", context)


@api_router.get("/travellers/{traveller_id}/links")
def links_json(
    traveller_id: Id,
    hops: int = Hops,
    days: int | None = Days,
    limit: int = Limit,
    v: Viewer = Depends(viewer),
) -> JSON:
    """Travellers sharing a phone, e-mail, card, address, booking or adjacent seat (audited)."""
    v.require("travellers:read")
    view = links_view(v.db, v.user, traveller_id, hops=hops, days=days, limit=limit)
    body = view.links.to_dict()
    for item in body["neighbours"]:
        item["open_hits"] = view.open_hits.get(item["traveller_id"], 0)
        item["shared_items"] = [i.to_dict() for i in view.shared.get(item["traveller_id"], [])]
    ids = [n.traveller_id for n in view.links.neighbours]
    record_links_view(v, traveller_id, "api", {"hops": hops, "days": days, "limit": limit, "linked": ids})
    return body


@api_router.get("/travellers/{traveller_id}/history")
def history_json(traveller_id: Id, v: Viewer = Depends(viewer)) -> JSON:
    """One person's travel across flights with the confidence and reason of each (audited)."""
    v.require("travellers:read")
    body = travel_history(v.db, traveller_id).to_dict()
    ids = [e["traveller_id"] for e in body["entries"]]
    record_links_view(v, traveller_id, "api", {"view": "history", "linked": ids})
    return body
