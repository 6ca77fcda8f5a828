"""The vetting queue and dispositions in place (htmx swaps one row; without JavaScript, a redirect)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from paxvet.accounts.policy import can_view_hit, hit_owner_agency, visible_hits_clause
from paxvet.audit.service import record_view
from paxvet.db import utcnow
from paxvet.errors import NotFound
from paxvet.screening.models import HIT_STATUSES, Hit
from paxvet.vetting import service as vetting
from paxvet.vetting.models import DISPOSITIONS
from paxvet.web.data.queue import queue_rows
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.i18n import translations
from paxvet.web.templating import render

router = APIRouter()
PAGE = 50


def visible_queue(v: Viewer, filters: vetting.QueueFilters) -> list[Hit]:
    """The vetting service's queue (its order and filters) narrowed in SQL by the one policy clause, so a
    page is `filters.limit` hits this user may see; the look is audited (committed) before it is shown."""
    hits = vetting.queue(v.db, filters, visible=visible_hits_clause(v.user))
    _record_queue_view(v, filters, len(hits))
    return hits


def visible_queue_lines(v: Viewer, filters: vetting.QueueFilters) -> list[vetting.QueueLine]:
    """The same queue as `visible_queue`, as the plain lines the page shows; audited the same way."""
    lines = vetting.queue_lines(v.db, filters, visible=visible_hits_clause(v.user))
    _record_queue_view(v, filters, len(lines))
    return lines


def _record_queue_view(v: Viewer, filters: vetting.QueueFilters, shown: int) -> None:
    record_view(
        v.db,
        "vetting:queue:viewed",
        actor=v.user.username,
        agency=v.user.agency_code,
        details=vetting.queue_view_details(filters, shown),
    )


def visible_hit(v: Viewer, hit_id: Id) -> Hit:
    """A hit by id; NotFound both when it does not exist and when another agency owns it."""
    hit = vetting.get_hit(v.db, hit_id)
    if not can_view_hit(v.user, hit_owner_agency(hit)):
        raise NotFound(f"no hit {hit_id}")
    return hit


@router.get("/queue")
def queue_page(
    airport: str = Query("", max_length=3),
    flight: str = Query("", max_length=10),
    list_name: str = Query("", max_length=100),
    category: str = Query("", max_length=30),
    status: str = Query("open", max_length=20),
    limit: int = Query(PAGE, ge=1, le=1000),
    v: Viewer = Depends(viewer),
) -> Response:
    """The most urgent `limit` hits (50 by default; "show more" adds 50): officers work from the top."""
    v.require("hits:read")
    filters = vetting.QueueFilters(
        airport=airport or None,
        flight=flight or None,
        list_name=list_name or None,
        category=category or None,
        statuses=(status,) if status else ("open",),
        limit=limit,
    )
    lines = visible_queue_lines(v, filters)
    rows = queue_rows(lines, translations(v.language), v.language, utcnow())
    return render(
        v.request,
        "vetting/queue.html",
        {
            "hits": rows,
            "f": filters,
            "status": status,
            "statuses": HIT_STATUSES,
            "dispositions": DISPOSITIONS,
        },
    )


def _more_url(request: Request, limit: int) -> str:
    params = dict(request.query_params) | {"limit": str(min(limit + PAGE, 1000))}
    return "/queue?" + urlencode(params)


@router.get("/hits/{hit_id}")
def hit_page(hit_id: Id, v: Viewer = Depends(viewer)) -> Response:
    v.require("hits:read")
    hit = visible_hit(v, hit_id)
    return RedirectResponse(f"/travellers/{hit.traveller_id}#hit-{hit.id}", status_code=303)


@router.post("/hits/{hit_id}/decision")
def decide(
    request: Request,
    hit_id: Id,
    disposition: str = Form(..., max_length=20),
    comment: str = Form("", max_length=4000),
    back: str = Form("/queue", max_length=500),
    view: str = Form("queue", max_length=20),
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("hits:decide")
    visible_hit(v, hit_id)
    decision = vetting.decide(v.db, hit_id, disposition, comment, v.user.username, v.user.agency_code)
    v.db.commit()
    if request.headers.get("HX-Request") == "true":
        fragment = "vetting/_status.html" if view == "traveller" else "vetting/_decided.html"
        return render(request, fragment, {"hit": decision.hit, "d": decision.disposition})
    target = back if back.startswith("/") and not back.startswith("//") else "/queue"
    return RedirectResponse(target, status_code=303)
