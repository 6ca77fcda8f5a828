"""Live screening: every traveller (passengers and crew) against every active list, every lost/stolen
document list, and their own document findings, as soon as a manifest is stored.

Screening marks each traveller with the message it last screened (`ScreeningMark`), so a run killed between
storing a manifest and screening it is completed by `screen_pending` on the next run: nothing lost, and
the one-hit-per-traveller-and-subject rule means nothing doubled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from paxvet.bookings.models import Booking, BookingTraveller
from paxvet.db import utcnow
from paxvet.documents.numbers import folded_document_number
from paxvet.flights.bulk import insert_tuples
from paxvet.flights.models import Traveller
from paxvet.match.records import PersonRecord
from paxvet.match.score import MatchResult
from paxvet.notify.base import Notifier
from paxvet.screening.hits import Finding, HitWriter, WriteResult
from paxvet.screening.lists import ListSet, active_lists
from paxvet.screening.models import ScreeningMark, ScreeningRun
from paxvet.screening.namekeys import store_keys
from paxvet.screening.travellers import TravellerView, chunks, load_travellers
from paxvet.watchlists.service import ScreeningEntry

if TYPE_CHECKING:
    from paxvet.ingest.service import ReceiveResult

FINDING_SEVERITY = {"error": "medium", "warning": "low", "info": "low"}


@dataclass
class ScreeningReport:
    kind: str
    run_id: int | None = None
    travellers: int = 0  # covered: every traveller screened, or (retro) every traveller in the window
    scored: int = 0  # given to the matcher (retro: only those sharing a key with the delta)
    entries: int = 0
    new_hits: int = 0
    updated_hits: int = 0
    suppressed_hits: int = 0
    withdrawn_hits: int = 0
    notified: int = 0
    seconds: float = 0.0
    hit_ids: list[int] = field(default_factory=list)

    def add(self, written: WriteResult) -> None:
        self.new_hits += len(written.new)
        self.updated_hits += len(written.updated)
        self.suppressed_hits += len(written.suppressed)
        self.withdrawn_hits += len(written.withdrawn)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "hit_ids"}


def findings_for(traveller: TravellerView, lists: ListSet) -> list[Finding]:
    """Everything screening finds for one traveller: list matches, lost/stolen documents, findings."""
    found = list_matches(traveller, lists)
    found += lost_stolen(traveller, lists)
    found += document_findings(traveller)
    return found


def identities(traveller: TravellerView, lists: ListSet) -> list[tuple[str, PersonRecord]]:
    """The traveller's own record (API, or PNR for a PNR-only traveller) and each booking's, labelled.

    A record is scored without documents when none of its document numbers appears in any listed person's
    documents: identical scores (a document can only raise a score), and the Screener can skip candidates
    whose date of birth or gender rule them out."""
    own = traveller.person_record(with_documents=_shares(traveller.folded_document_numbers(), lists))
    found = [(traveller.own_label, own)]
    if not traveller.pnr:
        return found
    unkeyed = {replace(own, key="")}
    for identity in traveller.pnr:
        numbers = {folded_document_number(d.number) for d in identity.record.documents if d.number}
        record = identity.record if _shares(numbers, lists) else replace(identity.record, documents=())
        if replace(record, key="") not in unkeyed:  # a PNR-only traveller's row repeats its booking
            unkeyed.add(replace(record, key=""))
            found.append((identity.label, record))
    return found


def _shares(numbers: set[str], lists: ListSet) -> bool:
    return not numbers.isdisjoint(lists.entry_document_numbers)


def list_matches(traveller: TravellerView, lists: ListSet) -> list[Finding]:
    """One finding per entry: the best score among the traveller's identities, saying which matched."""
    if not lists.entries:
        return []
    best: dict[int, tuple[MatchResult, str]] = {}
    for label, record in identities(traveller, lists):
        for result in lists.screener.screen(record, lists.lowest_threshold, limit=10):
            if result.score < lists.screener.alert_threshold(result.entry_index):
                continue  # below this entry's own list threshold
            current = best.get(result.entry_index)
            if current is None or result.score > current[0].score:
                best[result.entry_index] = (result, label)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0].score, pair[0].entry_index))
    return [_list_finding(traveller, lists.entries[r.entry_index], r, label) for r, label in ranked]


def _list_finding(
    traveller: TravellerView, entry: ScreeningEntry, result: MatchResult, label: str
) -> Finding:
    summary = result.explanation.summary
    if label != "API":
        summary = f"{summary}; matched the {label} identity"
    return Finding(
        traveller_id=traveller.id,
        flight_id=traveller.flight_id,
        kind="watchlist",
        subject_key=f"entry:{entry.entry_id}",
        score=round(result.score, 4),
        summary=summary,
        explanation={**result.explanation.to_dict(), "identity": label},
        category=entry.category,
        severity=entry.severity,
        entry_id=entry.entry_id,
        watchlist_id=entry.watchlist_id,
        list_version_id=entry.version_id,
        content_hash=entry.content_hash,
    )


def lost_stolen(traveller: TravellerView, lists: ListSet) -> list[Finding]:
    """The traveller's documents, and those their PNRs give, on lost/stolen lists (one finding per entry)."""
    documents = [
        (traveller.own_label, d.number, d.issuing_country, d.lost_stolen_key) for d in traveller.documents
    ]
    for identity in traveller.pnr:
        documents += [
            (identity.label, d.number, d.country, f"{folded_document_number(d.number)}|{d.country or ''}")
            for d in identity.record.documents
            if d.number
        ]
    found: dict[int, Finding] = {}
    for label, number, country, key in documents:
        entry = lists.documents.get(key)
        if entry is not None and entry.entry_id not in found:
            found[entry.entry_id] = _document_finding(traveller, entry, label, number, country)
    return list(found.values())


def _document_finding(
    traveller: TravellerView, entry: ScreeningEntry, label: str, number: str, country: str | None
) -> Finding:
    status = entry.record.extra.get("document_status", "reported")
    via = "" if label == "API" else f" (given by {label})"
    return Finding(
        traveller_id=traveller.id,
        flight_id=traveller.flight_id,
        kind="lost_stolen_document",
        subject_key=f"entry:{entry.entry_id}",
        score=1.0,
        summary=f"document {number} ({country}){via} is {status} on {entry.list_name} "
        f"(entry {entry.source_id})",
        explanation={"document": number, "country": country, "status": status, "identity": label},
        category=entry.category,
        severity=entry.severity,
        entry_id=entry.entry_id,
        watchlist_id=entry.watchlist_id,
        list_version_id=entry.version_id,
        content_hash=entry.content_hash,
    )


def document_findings(traveller: TravellerView) -> list[Finding]:
    found = []
    for doc in traveller.documents:
        for item in doc.findings or []:
            code = str(item.get("code", "finding"))
            severity = str(item.get("severity", "warning"))
            found.append(
                Finding(
                    traveller_id=traveller.id,
                    flight_id=traveller.flight_id,
                    kind="document_finding",
                    subject_key=f"finding:{doc.id}:{code}"[:80],
                    score=1.0,
                    summary=f"document {doc.number}: {item.get('message', code)}",
                    explanation={"document": doc.number, **item},
                    category="document",
                    severity=FINDING_SEVERITY.get(severity, severity),
                )
            )
    return found


def screen_travellers(
    session: Session,
    traveller_ids: Iterable[int],
    *,
    notifier: Notifier | None = None,
    lists: ListSet | None = None,
    notify: bool = True,
    kind: str = "live",
) -> ScreeningReport:
    """Screen these travellers against everything active; store, update, suppress or withdraw hits."""
    started = time.perf_counter()
    lists = lists or active_lists(session)
    run = ScreeningRun(kind=kind, started_at=utcnow())
    session.add(run)
    session.flush()
    report = ScreeningReport(kind, run.id, entries=lists.size)
    writer = HitWriter(session, run.id)
    views = load_travellers(session, traveller_ids)
    for batch in chunks(views):
        findings = [f for t in batch for f in findings_for(t, lists)]
        written = writer.write(batch, findings, in_scope=lambda _key: True)
        report.add(written)
        report.hit_ids += [h.id for h in written.new + written.updated]
        report.travellers += len(batch)
        report.scored += len(batch)
        if notify:
            report.notified += notify_written(written, notifier)
    mark_screened(session, views, writer.now)
    store_keys(session, views)
    return finish(run, report, started)


def notify_written(written: WriteResult, notifier: Notifier | None) -> int:
    from paxvet.notify.service import notify_hits

    return notify_hits(written.new + written.updated, notifier)


def finish(run: ScreeningRun, report: ScreeningReport, started: float) -> ScreeningReport:
    report.seconds = round(time.perf_counter() - started, 3)
    run.duration_seconds = report.seconds
    run.travellers_covered = report.travellers
    run.travellers_scored = report.scored
    run.entries_screened = report.entries
    run.new_hits = report.new_hits
    run.updated_hits = report.updated_hits
    run.suppressed_hits = report.suppressed_hits
    run.withdrawn_hits = report.withdrawn_hits
    return report


def mark_screened(session: Session, views: Sequence[TravellerView], at: datetime) -> None:
    """Remember which message each traveller was last screened for (crash recovery): one upsert, its rows
    as tuples at the driver (flights.bulk)."""
    dialect = session.connection().dialect.name
    upsert = _mark_upsert(dialect)
    if upsert is not None:
        # one row per traveller: on PostgreSQL the rows are one statement, which may touch a row once
        rows = list({v.id: (v.id, v.newest_message_id, at) for v in views}.values())
        insert_tuples(session, _MARKS, _MARK_ORDER, rows, statement=upsert)
        return
    for batch in chunks(list(views)):  # a database without INSERT ... ON CONFLICT: replace each batch's rows
        marks = [{"traveller_id": v.id, "message_id": v.newest_message_id, "screened_at": at} for v in batch]
        session.execute(delete(_MARKS).where(_MARKS.c.traveller_id.in_([v.id for v in batch])))
        session.execute(insert(_MARKS), marks)


_MARKS = cast(Table, ScreeningMark.__table__)
_MARK_ORDER = ("traveller_id", "message_id", "screened_at")
_MARK_UPSERTS: dict[str, Any] = {}


def _mark_upsert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (traveller_id) DO UPDATE, built once per dialect (SQLite and PostgreSQL)."""
    if dialect not in _MARK_UPSERTS:
        module = {"sqlite": sqlite, "postgresql": postgresql}.get(dialect)
        if module is None:
            return None
        stmt = module.insert(_MARKS)
        _MARK_UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=[_MARKS.c.traveller_id],
            set_={"message_id": stmt.excluded.message_id, "screened_at": stmt.excluded.screened_at},
        )
    return _MARK_UPSERTS[dialect]


def pending_traveller_ids(session: Session) -> list[int]:
    """Travellers stored or updated (by a manifest or a PNR push) since they were last screened: their
    screening mark is not the newest message that touched them (`TravellerView.newest_message_id`)."""
    pnr = (
        select(BookingTraveller.traveller_id, func.max(Booking.last_message_id).label("message_id"))
        .join(Booking, Booking.id == BookingTraveller.booking_id)
        .where(BookingTraveller.traveller_id.is_not(None))
        .group_by(BookingTraveller.traveller_id)
        .subquery()
    )
    api_id = func.coalesce(Traveller.last_message_id, 0)
    pnr_id = func.coalesce(pnr.c.message_id, 0)
    newest = case((pnr_id > api_id, pnr_id), else_=api_id)
    stmt = (
        select(Traveller.id)
        .outerjoin(ScreeningMark, ScreeningMark.traveller_id == Traveller.id)
        .outerjoin(pnr, pnr.c.traveller_id == Traveller.id)
        .where((ScreeningMark.traveller_id.is_(None)) | (ScreeningMark.message_id != newest))
        .order_by(Traveller.id)
    )
    return list(session.scalars(stmt))


def screen_pending(session: Session, notifier: Notifier | None = None) -> ScreeningReport | None:
    ids = pending_traveller_ids(session)
    return screen_travellers(session, ids, notifier=notifier) if ids else None


def screen_after_ingest(session: Session, receive_result: ReceiveResult) -> ScreeningReport | None:
    """The hook ingest calls after each stored file: screen every traveller it touched."""
    ids = sorted(receive_result.traveller_ids)
    return screen_travellers(session, ids) if ids else None


def after_ingest_callback(engine: Any) -> Callable[[Any, ReceiveResult], None]:
    """An `ingest_paths(on_received=...)` callback that screens each stored file in its own transaction."""
    from paxvet.db import session_scope

    def screen(_path: Any, result: ReceiveResult) -> None:
        if result.traveller_ids:
            with session_scope(engine) as session:
                screen_after_ingest(session, result)

    return screen


def screen_pending_in(engine: Any) -> ScreeningReport | None:
    """`screen_pending` in its own transaction (for the ingest CLI)."""
    from paxvet.db import session_scope

    with session_scope(engine) as session:
        return screen_pending(session)
