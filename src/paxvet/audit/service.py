"""The one way to write an audit event, and the check that the chain is intact."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paxvet.audit.models import AuditEvent, AuditHead
from paxvet.db import session_factory, utcnow
from paxvet.errors import InvalidInput

GENESIS = "0" * 64
ACTION_PATTERN = re.compile(r"^[a-z_]+:[a-z_]+:[a-z_]+$")


_EVENTS = cast(Table, AuditEvent.__table__)
_HEAD = cast(Table, AuditHead.__table__)
# Core statements on the session's connection: the ORM's bulk UPDATE (with its session synchronisation) and
# unit of work cost more than the statements themselves on every audited view.
_CLAIM_HEAD = (
    update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq).returning(_HEAD.c.seq, _HEAD.c.hash)
)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


def _digest(prev_hash: str, event: AuditEvent) -> str:
    return _digest_of(prev_hash, event.to_dict())


def _digest_of(prev_hash: str, said: dict[str, object]) -> str:
    """The hash of what an event says (`AuditEvent.to_dict()`) and its link to its predecessor."""
    body = json.dumps({**said, "prev": prev_hash}, sort_keys=True, ensure_ascii=False, default=str)
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
    _check_action(action)
    event = _chain(
        session,
        _claim_head(session),
        action,
        actor=actor,
        agency=agency,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    _move_head(session, event)
    session.flush()
    return event


def _chain(session: Session, head: tuple[int, str], action: str, **fields: Any) -> AuditEvent:
    """The event after `head` (its sequence number and hash), added to the session. The caller holds the
    claimed head (`_claim_head`) until it commits."""
    event = AuditEvent(**_event_row(head, action, **fields))
    session.add(event)
    return event


def _event_row(head: tuple[int, str], action: str, **fields: Any) -> dict[str, Any]:
    """The columns of the event after `head` (its sequence number and hash), its own hash included."""
    last_seq, last_hash = head
    subject_id = fields.get("subject_id")
    row: dict[str, Any] = {
        "seq": last_seq + 1,
        "at": utcnow().replace(microsecond=0),
        "action": action,
        "actor": fields.get("actor"),
        "agency": fields.get("agency"),
        "subject_type": fields.get("subject_type"),
        "subject_id": None if subject_id is None else str(subject_id),
        "details": fields.get("details") or {},
        "prev_hash": last_hash,
    }
    said = {name: row[name] for name in _SAID} | {"at": row["at"].isoformat()}  # as AuditEvent.to_dict()
    row["hash"] = _digest_of(last_hash, said)
    return row


_SAID = ("seq", "action", "actor", "agency", "subject_type", "subject_id", "details")


def _move_head(session: Session, event: AuditEvent) -> None:
    _move_head_to(session, event.seq, event.hash)


def _move_head_to(session: Session, seq: int, hash_: str) -> None:
    session.connection().execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": hash_})


def _check_action(action: str) -> None:
    if not ACTION_PATTERN.match(action):
        raise InvalidInput(f"audit action {action!r} is not of the form domain:subject:action")


def record_view(
    session: Session,
    action: str,
    *,
    actor: str | None = None,
    agency: str | None = None,
    subject_type: str | None = None,
    subject_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event for a view of personal data (chained as `record_event` does) and return once it is
    committed. Views under load share one transaction and one commit (group commit) instead of queueing
    one by one behind the chain head's lock. The caller's transaction is committed first: a view writes
    nothing else, and a caller waiting here must not hold a pooled connection the writer needs."""
    _check_action(action)
    engine = session.get_bind().engine
    session.commit()
    fields = {
        "actor": actor,
        "agency": agency,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": details,
    }
    _appender(engine).append(action, fields)


@dataclass
class _Pending:
    action: str
    fields: dict[str, Any]
    done: bool = False
    error: BaseException | None = None


@dataclass
class _GroupCommit:
    """Leader/follower group commit: the first caller finding no batch in flight writes every waiting
    event (each chained as by `record_event`, in arrival order, under one claim of the head) and commits
    once; the others wait for it.
    No thread of its own. Across processes the chain head's row lock still orders the batches."""

    engine: Engine
    pending: list[_Pending] = field(default_factory=list)
    writing: bool = False
    cond: threading.Condition = field(default_factory=threading.Condition)

    def append(self, action: str, fields: dict[str, Any]) -> None:
        item = _Pending(action, fields)
        with self.cond:
            self.pending.append(item)
            while self.writing and not item.done:
                self.cond.wait()
            if item.done:
                return self._outcome(item)
            self.writing, batch, self.pending = True, self.pending, []
        try:
            self._write(batch)
        finally:
            with self.cond:
                self.writing = False
                self.cond.notify_all()
        return self._outcome(item)

    def _write(self, batch: list[_Pending]) -> None:
        error: BaseException | None = None
        try:
            with session_factory(self.engine)() as session:
                head: tuple[int, str] = _claim_head(session)  # held until the commit: one claim per batch
                rows = []
                for item in batch:
                    rows.append(_event_row(head, item.action, **item.fields))
                    head = (rows[-1]["seq"], rows[-1]["hash"])
                session.connection().execute(insert(_EVENTS), rows)  # one executemany, no ORM objects
                _move_head_to(session, *head)
                session.commit()  # the events and the head, together
        except BaseException as exc:  # every caller of the batch learns that its event was not written
            error = exc
        for item in batch:
            item.done, item.error = True, error

    @staticmethod
    def _outcome(item: _Pending) -> None:
        if item.error is not None:
            raise item.error


_appenders: weakref.WeakKeyDictionary[Engine, _GroupCommit] = weakref.WeakKeyDictionary()
_appenders_lock = threading.Lock()


def _appender(engine: Engine) -> _GroupCommit:
    with _appenders_lock:
        found = _appenders.get(engine)
        if found is None:
            found = _appenders[engine] = _GroupCommit(engine)
        return found


def _claim_head(session: Session) -> tuple[int, str]:
    """Lock the head row (waiting for any other writer to commit) and return the newest (seq, hash)."""
    for _ in range(3):
        claimed = session.connection().execute(_CLAIM_HEAD).one_or_none()
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
