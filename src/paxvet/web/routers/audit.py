"""The audit log page: search by user, subject (traveller, hit...), action and time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from paxvet.accounts.policy import audit_agency_scope
from paxvet.audit.search import AuditQuery, search_events
from paxvet.audit.service import verify_chain
from paxvet.web.deps import Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()


def audit_query(
    v: Viewer,
    actor: str,
    subject_type: str,
    subject: str,
    action: str,
    since: date | None,
    until: date | None,
) -> AuditQuery:
    return AuditQuery(
        actor=actor or None,
        subject_type=subject_type or None,
        subject_id=subject or None,
        action=action or None,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
        agency=audit_agency_scope(v.user),
    )


@router.get("/audit")
def audit_page(
    actor: str = Query("", max_length=100),
    subject_type: str = Query("", max_length=40),
    subject: str = Query("", max_length=100),
    action: str = Query("", max_length=80),
    since: date | None = Query(None),
    until: date | None = Query(None),
    v: Viewer = Depends(viewer),
) -> Response:
    v.require("audit:read")
    query = audit_query(v, actor, subject_type, subject, action, since, until)
    events = search_events(v.db, query)
    chain = verify_chain(v.db) if v.user.role == "administrator" else None
    return render(
        v.request,
        "audit/log.html",
        {"events": events, "q": query, "since": since, "until": until, "chain": chain},
    )
