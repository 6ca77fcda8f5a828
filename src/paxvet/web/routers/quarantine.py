"""The ingest quarantine: messages that could not be processed, with located problems, and replay."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from paxvet.audit.service import record_event
from paxvet.errors import InvalidInput, NotFound
from paxvet.ingest import service as ingest
from paxvet.ingest.models import QUARANTINED, UNSUPPORTED, RawMessage
from paxvet.web.deps import Id, Viewer, viewer
from paxvet.web.templating import render

router = APIRouter()
MAX_CORRECTION = 20 * 1024 * 1024


def quarantined(v: Viewer, limit: int = 300) -> list[RawMessage]:
    stmt = (
        select(RawMessage)
        .where(RawMessage.status.in_((QUARANTINED, UNSUPPORTED)))
        .order_by(RawMessage.received_at.desc())
        .limit(limit)
    )
    return list(v.db.execute(stmt).scalars())


@router.get("/quarantine")
def quarantine_page(v: Viewer = Depends(viewer)) -> Response:
    v.require("quarantine:read")
    return render(v.request, "quarantine/list.html", {"messages": quarantined(v)})


@router.get("/quarantine/{message_id}")
def message_page(message_id: Id, v: Viewer = Depends(viewer)) -> Response:
    v.require("quarantine:read")
    message = v.db.get(RawMessage, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    text = message.content.decode("utf-8", errors="replace")
    return render(v.request, "quarantine/message.html", {"m": message, "text": text})


@router.post("/quarantine/{message_id}/replay")
def replay(
    message_id: Id,
    corrected: UploadFile | None = File(None),
    v: Viewer = Depends(viewer),
) -> Response:
    """Process a quarantined message again through the ingest service: its stored bytes (after a parser
    fix) or corrected bytes uploaded here, kept as a new message linked to the original."""
    v.require("quarantine:replay")
    content = (
        corrected.file.read(MAX_CORRECTION + 1) if corrected is not None and corrected.filename else None
    )
    if content is not None and len(content) > MAX_CORRECTION:
        raise InvalidInput("the corrected message is larger than 20 MB")
    result = ingest.replay(v.db, message_id, content, source=f"replay by {v.user.username}")
    record_event(
        v.db,
        "ingest:message:replayed",
        actor=v.user.username,
        agency=v.user.agency_code,
        subject_type="message",
        subject_id=message_id,
        details={"corrected": content is not None, "status": result.status},
    )
    v.db.commit()
    return RedirectResponse(f"/quarantine/{message_id}", status_code=303)
