"""Receiving: store every byte first, then split, de-duplicate, hand each message to its handler, and
quarantine whatever fails, with every problem located. Replay re-runs stored (or corrected) bytes.

Transactions: `receive` commits the raw file, then the raw messages, then each message's mapping in its own
transaction, so that whatever happens later the bytes received are kept. A message's mapping and its
status commit together (a savepoint undoes a rejected mapping inside that transaction).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from paxvet.db import insert_returning_id, session_scope, utcnow
from paxvet.errors import InvalidInput, NotFound
from paxvet.heap import paused_gc
from paxvet.ingest.edifact import Diagnostic, EdifactFile, Message, parse_edifact
from paxvet.ingest.handlers import HandlerOutcome, handler_for
from paxvet.ingest.models import (
    DUPLICATE,
    PROCESSED,
    QUARANTINED,
    RECEIVED,
    REPLAYED,
    UNSUPPORTED,
    RawMessage,
    ReceivedFile,
)
from paxvet.ingest.sensitive import redact_pnr


@dataclass
class MessageResult:
    message_id: int
    message_type: str
    status: str
    problems: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReceiveResult:
    file_id: int
    source: str
    duplicate: bool = False  # every message in it was a duplicate of one already processed
    messages: list[MessageResult] = field(default_factory=list)
    file_problems: list[dict[str, Any]] = field(default_factory=list)
    flight_ids: set[int] = field(default_factory=set)
    traveller_ids: set[int] = field(default_factory=set)

    @property
    def quarantined(self) -> list[MessageResult]:
        return [m for m in self.messages if m.status in (QUARANTINED, UNSUPPORTED)]

    @property
    def duplicates(self) -> int:
        return sum(1 for m in self.messages if m.status == DUPLICATE)

    @property
    def problems(self) -> list[dict[str, Any]]:
        return self.file_problems + [p for m in self.messages for p in m.problems]


class _Rejected(Exception):
    """Raised inside the savepoint to undo a handler's writes when its outcome has errors."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_XML_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def xml_root(data: bytes) -> str | None:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    m = _XML_ROOT.search(head[:4096])
    return m.group(1).decode() if m else "unknown"


def receive(session: Session, data: bytes, source: str) -> ReceiveResult:
    """Store `data` (one file or payload) raw, then process every message in it."""
    with paused_gc():  # mapping a manifest allocates as much as parsing it
        return _receive(session, data, source)


def _receive(session: Session, data: bytes, source: str) -> ReceiveResult:
    # PNR special categories (religion, health, ...) never reach storage, not even the raw store: masked
    # in place (same layout), only their count survives (see paxvet.ingest.sensitive, docs/pnr.md).
    data, _sensitive = redact_pnr(data)
    source = source[:500]
    session.flush()  # the statements below go to the connection directly
    connection = session.connection()
    root = xml_root(data)
    file_id = insert_returning_id(connection, _FILES, _file_row(source, data, edifact=root is None))
    session.commit()  # the bytes are safe before any parsing
    result = ReceiveResult(file_id=file_id, source=source)
    parsed: EdifactFile | None = None
    if root is not None:
        raws = [_raw(file_id, source, 1, "xml:" + root, data, data)]
        items: list[tuple[RawMessage, Any, list[Diagnostic]]] = [(raws[0], data, [])]
    else:
        parsed = parse_edifact(data, Path(source).name or source)
        items = _split(file_id, source, parsed)
        result.file_problems = [d.to_dict() for d in parsed.diagnostics]
        if not items:  # nothing usable: quarantine the whole file as one message so it can be replayed
            raw = _raw(file_id, source, 1, "unknown", data, data)
            found = list(parsed.diagnostics)
            if not any(d.severity == "error" for d in found):
                name = Path(source).name or source
                found.append(Diagnostic("error", "no message (UNH ... UNT) found", name))
            items = [(raw, None, found)]
    connection = session.connection()
    if result.file_problems:
        connection.execute(_UPDATE_FILE, {"row_id": file_id, "problems": result.file_problems})
    for raw, _, _ in items:  # transient RawMessage objects: written by the statements here, not the ORM
        row = {name: getattr(raw, name) for name in _MESSAGE_INSERT}
        raw.id = insert_returning_id(connection, _MESSAGES, row)
    session.commit()
    for raw, payload, diagnostics in items:
        result.messages.append(_process(session, raw, payload, diagnostics, result))
        if raw is not items[-1][0]:
            session.commit()  # the last message commits together with the file's status below
    if parsed is not None:
        parsed.release()  # the parse tree is freed now, not by a cyclic-collector pass later
    status = _file_status(result)
    session.connection().execute(_UPDATE_FILE, {"row_id": file_id, "status": status})
    session.commit()
    result.duplicate = bool(result.messages) and all(m.status == DUPLICATE for m in result.messages)
    return result


_FILES = cast(Table, ReceivedFile.__table__)
_MESSAGES = cast(Table, RawMessage.__table__)
# built once: the columns an UPDATE sets are the keys of the parameters it is executed with
_UPDATE_FILE = update(_FILES).where(_FILES.c.id == bindparam("row_id"))
_UPDATE_MESSAGE = update(_MESSAGES).where(_MESSAGES.c.id == bindparam("row_id"))
_EARLIER_PROCESSED = (
    select(_MESSAGES.c.id)
    .where(
        _MESSAGES.c.sha256 == bindparam("sha256"),
        _MESSAGES.c.status == bindparam("status"),
        _MESSAGES.c.id != bindparam("row_id"),
    )
    .limit(1)
)
# what a new raw message's INSERT writes (the other columns are NULL until it is processed)
_MESSAGE_INSERT = (
    "file_id",
    "sequence",
    "received_at",
    "source",
    "message_type",
    "version",
    "sender",
    "interchange_ref",
    "message_ref",
    "common_ref",
    "part_number",
    "part_flag",
    "sha256",
    "content",
    "status",
    "attempts",
)


def _file_row(source: str, data: bytes, edifact: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": source,
        "received_at": utcnow(),
        "sha256": sha256(data),
        "size": len(data),
        "content": data,
        "status": RECEIVED,
    }
    if edifact:  # the parse's problems, JSON null when none (set now: no second write of the file then)
        row["problems"] = None
    return row


def _file_status(result: ReceiveResult) -> str:
    statuses = {m.status for m in result.messages}
    if statuses <= {DUPLICATE}:
        return DUPLICATE
    if statuses & {QUARANTINED, UNSUPPORTED}:
        return QUARANTINED if not statuses & {PROCESSED} else "partial"
    return PROCESSED


def _raw(
    file_id: int | None, source: str, sequence: int, kind: str, content: bytes, body: bytes
) -> RawMessage:
    """A raw message as received, every column a new message's INSERT writes set (see _MESSAGE_INSERT)."""
    return RawMessage(
        file_id=file_id,
        sequence=sequence,
        received_at=utcnow(),
        source=source,
        message_type=kind[:60],
        version=None,
        sender=None,
        interchange_ref=None,
        message_ref=None,
        common_ref=None,
        part_number=1,
        part_flag=None,
        sha256=sha256(body),
        content=content,
        status=RECEIVED,
        attempts=0,
    )


def _split(file_id: int, source: str, parsed: EdifactFile) -> list[tuple[RawMessage, Any, list[Diagnostic]]]:
    items: list[tuple[RawMessage, Any, list[Diagnostic]]] = []
    for seq, message in enumerate(parsed.messages, start=1):
        content, body = standalone_text(parsed, message)
        raw = _raw(
            file_id, source, seq, message.type or "unknown", content.encode("utf-8"), body.encode("utf-8")
        )
        ic = message.interchange
        raw.version = ":".join(x for x in (message.version, message.release) if x)[:20] or None
        raw.sender = (message.sender or None) and message.sender[:100]
        raw.interchange_ref = ((ic.ref if ic else "") or None) and (ic.ref if ic else "")[:40]
        raw.message_ref = (message.ref or None) and message.ref[:40]
        raw.common_ref = (message.common_ref or None) and message.common_ref[:60]
        raw.part_number = message.part_number
        raw.part_flag = message.part_flag[:2] or None
        items.append((raw, message, list(message.diagnostics)))
    return items


def standalone_text(parsed: EdifactFile, message: Message) -> tuple[str, str]:
    """(content, body): the message with its own envelope, re-parseable on its own (original UNA, UNB, UNG
    and message text verbatim, trailers regenerated with counts of 1), and the message text alone."""
    body = parsed.text[message.start : message.end].strip()
    ic = message.interchange
    seps = ic.separators if ic is not None else None
    if ic is None or seps is None:
        return body, body
    term, el = seps.terminator, seps.element
    head = ic.una_text
    if ic.header is not None:
        head += ic.header.raw + term
    if message.group is not None:
        head += message.group.header.raw + term
    tail = ""
    if message.group is not None:
        tail += f"UNE{el}1{el}{message.group.ref}{term}"
    if ic.header is not None:
        tail += f"UNZ{el}1{el}{ic.ref}{term}"
    body_term = body if body.endswith(term) else body + term
    nl = "\n" if "\n" in body else ""
    return head + nl + body_term + nl + tail, body


def _process(
    session: Session,
    raw: RawMessage,
    payload: Any,
    diagnostics: list[Diagnostic],
    result: ReceiveResult | None,
) -> MessageResult:
    problems = [d.to_dict() for d in diagnostics]
    status, outcome = _decide(session, raw, payload, diagnostics)
    raw.attempts += 1  # after the handler's queries: one UPDATE of `raw` at the flush below, not several
    if outcome is not None:
        problems += [d.to_dict() for d in outcome.diagnostics]
        if result is not None and status == PROCESSED:
            result.flight_ids |= outcome.flight_ids
            result.traveller_ids |= outcome.traveller_ids
        raw.summary = outcome.summary or None
    raw.status = status
    raw.problems = problems or None
    raw.processed_at = utcnow()
    if inspect(raw).transient:  # a message `receive` just stored: one UPDATE with everything set on it
        _write_outcome(session.connection(), raw, with_summary=outcome is not None)
    else:  # a stored message loaded by replay: the ORM writes what changed
        session.flush()
    return MessageResult(raw.id, raw.message_type, status, problems)


def _write_outcome(connection: Connection, raw: RawMessage, with_summary: bool) -> None:
    """What the ORM's flush would write for `raw` after processing: the outcome, and the flight, part set
    and earlier message the handler or the duplicate check set (the caller commits)."""
    values: dict[str, Any] = {
        "status": raw.status,
        "problems": raw.problems,
        "attempts": raw.attempts,
        "processed_at": raw.processed_at,
    }
    if with_summary:
        values["summary"] = raw.summary
    for name in ("flight_id", "part_set_key", "duplicate_of_id"):
        if getattr(raw, name) is not None:
            values[name] = getattr(raw, name)
    connection.execute(_UPDATE_MESSAGE, {"row_id": raw.id, **values})


def _decide(
    session: Session, raw: RawMessage, payload: Any, diagnostics: list[Diagnostic]
) -> tuple[str, HandlerOutcome | None]:
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors or payload is None:
        return QUARANTINED, None
    found = {"sha256": raw.sha256, "status": PROCESSED, "row_id": raw.id}
    earlier = session.connection().execute(_EARLIER_PROCESSED, found).scalar()
    if earlier is not None:  # only a successfully processed message makes a re-submission a duplicate
        raw.duplicate_of_id = earlier
        return DUPLICATE, None
    handler = handler_for(raw.message_type)
    if handler is None:
        note = Diagnostic("error", f"no handler for message type {raw.message_type!r}", raw.source)
        return UNSUPPORTED, HandlerOutcome(diagnostics=[note])
    return _run_handler(session, raw, payload, handler)


def _run_handler(
    session: Session, raw: RawMessage, payload: Any, handler: Callable[..., HandlerOutcome]
) -> tuple[str, HandlerOutcome]:
    outcome = HandlerOutcome()
    _begin_sqlite(session)
    linked = (raw.flight_id, raw.part_set_key)
    try:
        with session.begin_nested():
            outcome = handler(session, payload, raw)
            if outcome.errors:
                raise _Rejected
    except _Rejected:
        _unlink(raw, linked)
        return QUARANTINED, outcome
    except Exception as exc:  # a handler bug must not lose the message: quarantine it, located
        _unlink(raw, linked)
        ref = payload.ref if isinstance(payload, Message) else None
        text = f"internal error while mapping: {type(exc).__name__}: {exc}"
        outcome.diagnostics.append(Diagnostic("error", text, raw.source, raw.interchange_ref, ref))
        return QUARANTINED, outcome
    return PROCESSED, outcome


def _unlink(raw: RawMessage, linked: tuple[int | None, str | None]) -> None:
    """A rejected handler's links on a message `receive` just stored are undone with its writes (the ORM
    expires a loaded message's changes when the savepoint rolls back)."""
    if inspect(raw).transient:
        raw.flight_id, raw.part_set_key = linked


def _begin_sqlite(session: Session) -> None:
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT after the duplicate
    check's SELECT would be a transaction of its own and its RELEASE a COMMIT: the mapping would be committed
    apart from (and before) the message's status. Open the message's transaction first, IMMEDIATE: with
    SQLite's one writer, a mapping that read (the flight, its travellers) before taking the write lock
    fails at its first write with "database is locked" as soon as another process has committed meanwhile
    (no busy wait helps a stale snapshot); taking the lock first makes a second `paxvet ingest` wait its turn
    (up to the connection's 30 s timeout) instead. The flights service relies on it for traveller ids."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not getattr(connection.connection.dbapi_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# ---------------------------------------------------------------------------------------------------------
# replay


def replay(
    session: Session, message_id: int, corrected: bytes | None = None, source: str = ""
) -> MessageResult:
    """Re-process a quarantined message: its stored bytes (e.g. after a parser fix) or corrected bytes,
    which are stored as a new message linked to the original (`corrects_id`)."""
    original = session.get(RawMessage, message_id)
    if original is None:
        raise NotFound(f"no received message #{message_id}")
    if original.status not in (QUARANTINED, UNSUPPORTED):
        raise InvalidInput(f"message #{message_id} is {original.status}, not quarantined")
    if corrected is None:
        return _reprocess(session, original, original.content)
    result = receive(session, corrected, source or f"correction of message #{message_id}")
    outcomes = [session.get(RawMessage, m.message_id) for m in result.messages]
    for raw in outcomes:
        if raw is not None:
            raw.corrects_id = original.id
    if result.messages and all(m.status in (PROCESSED, DUPLICATE) for m in result.messages):
        original.status = REPLAYED
        original.replayed_by_id = result.messages[0].message_id
    session.commit()
    first = result.messages[0] if result.messages else MessageResult(0, "unknown", QUARANTINED)
    return first


def _reprocess(session: Session, raw: RawMessage, content: bytes) -> MessageResult:
    root = xml_root(content)
    if root is not None:
        raw.message_type = "xml:" + root
        outcome = _process(session, raw, content, [], None)
        session.commit()
        return outcome
    parsed = parse_edifact(content, Path(raw.source).name or raw.source)
    messages = parsed.messages
    if len(messages) != 1:
        # a whole file that failed to split: receive it again as a new file linked to this one
        result = receive(session, content, raw.source)
        for m in result.messages:
            linked = session.get(RawMessage, m.message_id)
            if linked is not None:
                linked.corrects_id = raw.id
        if result.messages and all(m.status in (PROCESSED, DUPLICATE) for m in result.messages):
            raw.status, raw.replayed_by_id = REPLAYED, result.messages[0].message_id
        session.commit()
        return MessageResult(raw.id, raw.message_type, raw.status, raw.problems or [])
    message = messages[0]
    raw.message_type = message.type or raw.message_type
    outcome = _process(session, raw, message, parsed.diagnostics + message.diagnostics, None)
    session.commit()
    return outcome


# ---------------------------------------------------------------------------------------------------------
# files and folders


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield child
        else:
            yield path


@dataclass
class IngestSummary:
    files: int = 0
    received: int = 0  # messages stored
    processed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    flight_ids: set[int] = field(default_factory=set)
    traveller_ids: set[int] = field(default_factory=set)
    reasons: dict[str, int] = field(default_factory=dict)  # first error message -> count
    results: list[ReceiveResult] = field(default_factory=list)

    def add(self, result: ReceiveResult) -> None:
        self.files += 1
        self.received += len(result.messages)
        self.processed += sum(1 for m in result.messages if m.status == PROCESSED)
        self.duplicates += result.duplicates
        self.quarantined += len(result.quarantined)
        self.flight_ids |= result.flight_ids
        self.traveller_ids |= result.traveller_ids
        for m in result.quarantined:
            first = next((p["message"] for p in m.problems if p["severity"] == "error"), "unknown")
            self.reasons[first] = self.reasons.get(first, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "received": self.received,
            "processed": self.processed,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "flights": len(self.flight_ids),
            "travellers": len(self.traveller_ids),
            "quarantine_reasons": self.reasons,
        }


def ingest_paths(
    engine: Engine,
    paths: Iterable[Path],
    on_received: Callable[[Path, ReceiveResult], None] | None = None,
    keep_results: bool = False,
) -> IngestSummary:
    """Receive every file under `paths` (files or folders). Missing paths are an InvalidInput."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InvalidInput("no such file or folder: " + ", ".join(missing))
    summary = IngestSummary()
    for path in iter_input_files(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:  # not received, so not stored: the caller must know (non-zero exit)
            raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
        with session_scope(engine) as session:
            result = receive(session, data, str(path))
        summary.add(result)
        if keep_results:
            summary.results.append(result)
        if on_received is not None:
            on_received(path, result)
    return summary
