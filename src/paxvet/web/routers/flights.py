"""Arrivals and flight manifests."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from paxvet.audit.service import record_view
from paxvet.web.data import flights as data
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()


@router.get("/flights")
def flights_page(
    airport: str = Query("", max_length=3),
    hours_behind: int = Query(6, ge=0, le=336),
    hours_ahead: int = Query(24, ge=0, le=336),
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("flights:read")
    rows = data.arrivals(v.db, v.user, hours_behind=hours_behind, hours_ahead=hours_ahead, airport=airport)
    return render(
        v.request,
        "flights/list.html",
        {
            "rows": rows,
            "airports": data.airports(v.db),
            "airport": airport.upper(),
            "hours_behind": hours_behind,
            "hours_ahead": hours_ahead,
        },
    )


@router.get("/flights/{flight_id}")
def manifest_page(flight_id: Id, v: Viewer = Depends(viewer)) -> Response:
    v.require("flights:read")
    manifest = data.manifest(v.db, v.user, flight_id)
    record_view(
        v.db,
        "flight:manifest:viewed",
        actor=v.user.username,
        agency=v.user.agency_code,
        subject_type="flight",
        subject_id=flight_id,
    )
    return render(v.request, "flights/manifest.html", {"m": manifest})
