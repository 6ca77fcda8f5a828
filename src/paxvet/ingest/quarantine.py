"""Reading the quarantine: messages that failed, with every located problem, ready to be replayed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.errors import NotFound
from paxvet.ingest.models import QUARANTINED, UNSUPPORTED, RawMessage


def quarantined(session: Session, limit: int = 500) -> list[RawMessage]:
    return list(
        session.scalars(
            select(RawMessage)
            .where(RawMessage.status.in_((QUARANTINED, UNSUPPORTED)))
            .order_by(RawMessage.id)
            .limit(limit)
        )
    )


def first_error(raw: RawMessage) -> str:
    errors = raw.errors
    if errors:
        return f"{errors[0].get('location', '')}: {errors[0].get('message', '')}"
    return "unknown"


def message_dict(raw: RawMessage, *, with_content: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": raw.id,
        "file_id": raw.file_id,
        "source": raw.source,
        "received_at": raw.received_at.isoformat() if raw.received_at else None,
        "message_type": raw.message_type,
        "sender": raw.sender,
        "interchange_ref": raw.interchange_ref,
        "message_ref": raw.message_ref,
        "part": f"{raw.part_number}:{raw.part_flag or ''}",
        "sha256": raw.sha256,
        "status": raw.status,
        "attempts": raw.attempts,
        "corrects_id": raw.corrects_id,
        "replayed_by_id": raw.replayed_by_id,
        "problems": raw.problems or [],
    }
    if with_content:
        data["content"] = raw.content.decode("utf-8", errors="replace")
    return data


def get_message(session: Session, message_id: int) -> RawMessage:
    raw = session.get(RawMessage, message_id)
    if raw is None:
        raise NotFound(f"no received message #{message_id}")
    return raw
