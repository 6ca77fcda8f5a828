"""The one way to write an audit event, and the check that the chain is intact."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paxvet.audit.models import AuditEvent, AuditHead
from paxvet.db import utcnow
from paxvet.errors import InvalidInput

GENESIS = "0" * 64
ACTION_PATTERN = re.compile(r"^[a-z_]+:[a-z_]+:[a-z_]+$")


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = json.dumps(
        {**event.to_dict(), "prev": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record_event(
    session: Session,
    action: str,
    *,
    actor: str | None = None,
    agency: str | None = None,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (`domain:subject:action`) to the chain, in the caller's transaction."""
    if not ACTION_PATTERN.match(action):
        raise InvalidInput(f"audit action {action!r} is not of the form domain:subject:action")
    last_seq, last_hash = _claim_head(session)
    event = AuditEvent(
        seq=last_seq + 1,
        at=utcnow().replace(microsecond=0),
        action=action,
        actor=actor,
        agency=agency,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=details or {},
        prev_hash=last_hash,
    )
    event.hash = _digest(event.prev_hash, event)
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=event.seq, hash=event.hash))
    session.flush()
    return event


def _claim_head(session: Session) -> tuple[int, str]:
    """Lock the head row (waiting for any other writer to commit) and return the newest (seq, hash)."""
    for _ in range(3):
        claimed = session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(seq=AuditHead.seq)
            .returning(AuditHead.seq, AuditHead.hash)
        ).one_or_none()
        if claimed is not None:
            return int(claimed[0]), str(claimed[1])
        last = session.execute(
            select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
        ).scalar_one_or_none()
        try:
            with session.begin_nested():  # first event ever (or a chain from before the head existed)
                session.add(AuditHead(id=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS))
        except IntegrityError:
            continue  # another writer created it first: claim it on the next turn
    raise RuntimeError("could not claim the audit chain head")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in order; report the first altered, inserted or deleted row."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"row {expected_seq} is missing (deleted)")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "links to a different predecessor (inserted)")
        if _digest(prev_hash, event) != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash (altered)")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and head.seq > checked:
        return ChainReport(
            False, checked, checked + 1, f"events {checked + 1}..{head.seq} are missing (deleted)"
        )
    if head is not None and (head.seq, head.hash) != (checked, prev_hash):
        return ChainReport(False, checked, head.seq + 1, "events after the recorded head (inserted)")
    return ChainReport(True, checked)
