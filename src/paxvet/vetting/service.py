"""The officers' queue and their decisions on hits.

Every automated hit waits here for a person: nothing leaves paxvet as a confirmed finding until an officer
records a disposition, with a comment, which is kept as history and written to the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, null, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from paxvet.audit.service import record_event
from paxvet.db import utcnow
from paxvet.errors import Conflict, InvalidInput, NotFound
from paxvet.flights.models import Flight, Traveller
from paxvet.screening.models import HIT_STATUSES, Hit
from paxvet.vetting import allowlist
from paxvet.vetting.models import DISPOSITIONS, Disposition, Lookout, Suppression
from paxvet.watchlists.models import Watchlist, WatchlistEntry

_SEVERITY_ORDER = case({"critical": 4, "high": 3, "medium": 2, "low": 1}, value=Hit.severity, else_=0).desc()
_QUEUE_ORDER = (Hit.queue_at.asc().nulls_last(), _SEVERITY_ORDER, Hit.score.desc(), Hit.id)


@dataclass
class QueueFilters:
    """What an officer narrows the queue to. `flight` is a flight code such as "AM645"."""

    airport: str | None = None
    flight: str | None = None
    list_name: str | None = None
    category: str | None = None
    statuses: tuple[str, ...] = ("open",)
    limit: int = 500

    def check(self) -> None:
        unknown = [s for s in self.statuses if s not in HIT_STATUSES]
        if unknown:
            raise InvalidInput(f"unknown status {', '.join(unknown)}; choose from {', '.join(HIT_STATUSES)}")


@dataclass
class Decision:
    disposition: Disposition
    hit: Hit
    suppressions: list[Suppression] = field(default_factory=list)
    lookout: Lookout | None = None


def queue(
    session: Session,
    filters: QueueFilters | None = None,
    viewer: object | None = None,
    visible: ColumnElement[bool] | None = None,
) -> list[Hit]:
    """Hits awaiting review: soonest arrival first (unknown arrivals last), then most severe.

    `visible` narrows the queue to what the viewer may see (`accounts.policy.visible_hits_clause`) in the
    same query, so a page is always `filters.limit` visible hits however many other agencies' hits lead.
    """
    filters = filters or QueueFilters()
    filters.check()
    hits = _load_in_order(session, list(session.scalars(_page_ids(filters, visible))))
    if viewer is not None:
        record_event(
            session,
            "vetting:queue:viewed",
            actor=_name(viewer),
            agency=getattr(viewer, "agency_code", None),
            details=queue_view_details(filters, len(hits)),
        )
    return hits


def queue_view_details(filters: QueueFilters, shown: int) -> dict[str, Any]:
    """What a `vetting:queue:viewed` event records: the filters and how many hits were shown."""
    return {"filters": _filters_dict(filters), "hits": shown}


def _page_ids(filters: QueueFilters, visible: ColumnElement[bool] | None) -> Any:
    """The page's hit ids in queue order, by the hit's copy of its flight's time (`Hit.queue_at`): the
    index `ix_hit_queue` yields them in that order, so the database reads the first flights' hits and stops
    (sorting every open hit by the joined flight's time cost 4-6 ms on SQLite, 12-15 ms on PostgreSQL at
    10,000 open hits). Hits at the same time are ordered by severity and score from those rows."""
    stmt = (
        select(Hit.id)
        .where(Hit.status.in_(filters.statuses))
        .where(visible if visible is not None else true())
        .order_by(*_QUEUE_ORDER)
        .limit(filters.limit)
    )
    return _filtered(stmt, filters)


# What a queue line shows (vetting.schemas.queue_item, the queue page); anything else loads on access.
_QUEUE_TRAVELLER = (
    Traveller.id,
    Traveller.flight_id,
    Traveller.surname,
    Traveller.given_names,
    Traveller.date_of_birth,
    Traveller.role,
    Traveller.nationality,
)
_QUEUE_ENTRY = (
    WatchlistEntry.id,
    WatchlistEntry.watchlist_id,
    WatchlistEntry.source_id,
    WatchlistEntry.primary_name,
)


def _load_in_order(session: Session, ids: list[int]) -> list[Hit]:
    """The hits with their flight, traveller, entry and list, in the order of `ids`."""
    if not ids:
        return []
    rows = session.scalars(
        select(Hit)
        .where(Hit.id.in_(ids))
        .options(
            joinedload(Hit.flight),
            joinedload(Hit.traveller).load_only(*_QUEUE_TRAVELLER),
            joinedload(Hit.entry).load_only(*_QUEUE_ENTRY),  # not the entry's whole record (JSON)
            joinedload(Hit.watchlist),
        )
    ).unique()
    by_id = {hit.id: hit for hit in rows}
    return [by_id[i] for i in ids if i in by_id]


class QueueFlight(NamedTuple):
    """What a queue line shows of its flight. Named tuples: built fifty times per page, a frozen
    dataclass's field-by-field __init__ cost several times as much."""

    id: int
    carrier: str
    number: str
    airport: str
    direction: str
    scheduled_at_airport_utc: datetime | None

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"


class QueueTraveller(NamedTuple):
    id: int
    surname: str
    given_names: str


class QueueList(NamedTuple):
    name: str


class QueueEntry(NamedTuple):
    source_id: str
    primary_name: str


class QueueLine(NamedTuple):
    """One line of the queue page as plain values, read with Core: the same names as `Hit` and its
    relations for what the page shows, without building five ORM objects per line (that was a third of
    the page's CPU at 50 lines)."""

    id: int
    kind: str
    status: str
    severity: str
    score: float
    summary: str
    explanation: dict[str, Any] | None
    flight: QueueFlight
    traveller: QueueTraveller
    watchlist: QueueList | None
    entry: QueueEntry | None


def queue_lines(
    session: Session, filters: QueueFilters, visible: ColumnElement[bool] | None = None
) -> list[QueueLine]:
    """The queue (same order, filters and `visible` narrowing as `queue`) as `QueueLine`s, in one
    statement: the page's ids as a derived table, joined to what a line shows by primary key."""
    filters.check()
    # Core on the session's connection, rows taken apart by position: by name, each of the 20 columns
    # of 50 rows went through the Row's key lookup.
    return [_line(row) for row in session.connection().execute(_lines_statement(filters, visible))]


_LINE_COLUMNS = (
    Hit.id,
    Hit.kind,
    Hit.status,
    Hit.severity,
    Hit.score,
    Hit.summary,
    Flight.id,
    Flight.carrier,
    Flight.number,
    Flight.airport,
    Flight.direction,
    Flight.scheduled_departure_utc,
    Flight.scheduled_arrival_utc,
    Traveller.id,
    Traveller.surname,
    Traveller.given_names,
    Watchlist.name,
    WatchlistEntry.source_id,
    WatchlistEntry.primary_name,
    # the explanation is shown only for a hit from no list entry (a document finding): only those send it
    case((WatchlistEntry.id.is_(None), Hit.explanation), else_=null()).label("explanation"),
)


def _lines_statement(filters: QueueFilters, visible: ColumnElement[bool] | None) -> Any:
    """One round trip instead of two (ids, then their lines); the joins from the page's ids (the derived
    table) go by primary key: `hit.id IN (...)` joined to the traveller made PostgreSQL's planner hash the
    whole traveller table (10,000 rows: 7 ms) for 50 lookups. Hits re-sorted by the page's own keys (a
    total order, ending in the id): the same order as `_page_ids`."""
    page = _page_ids(filters, visible).subquery("page")
    return (
        select(*_LINE_COLUMNS)
        .select_from(page)
        .join(Hit, Hit.id == page.c.id)
        .join(Flight, Hit.flight_id == Flight.id)
        .join(Traveller, Hit.traveller_id == Traveller.id)
        .outerjoin(Watchlist, Hit.watchlist_id == Watchlist.id)
        .outerjoin(WatchlistEntry, Hit.entry_id == WatchlistEntry.id)
        .order_by(*_QUEUE_ORDER)
    )


def _line(row: Any) -> QueueLine:
    (hit_id, kind, status, severity, score, summary) = row[:6]
    (flight_id, carrier, number, airport, direction, departure, arrival) = row[6:13]
    (traveller_id, surname, given_names, list_name, entry_source_id, entry_name, explanation) = row[13:]
    at_airport = departure if direction == "outbound" else arrival  # as Flight's hybrid property
    return QueueLine(
        hit_id,
        kind,
        status,
        severity,
        score,
        summary,
        explanation,
        QueueFlight(flight_id, carrier, number, airport, direction, at_airport),
        QueueTraveller(traveller_id, surname, given_names),
        QueueList(list_name) if list_name is not None else None,
        QueueEntry(entry_source_id, entry_name) if entry_source_id is not None else None,
    )


def _filtered(stmt: Any, filters: QueueFilters) -> Any:
    if filters.airport:  # a third of the hits or so: walked in queue order, checked against the flights
        at_airport = select(Flight.id).where(Flight.airport == filters.airport.upper())
        stmt = stmt.where(Hit.flight_id.in_(at_airport))
    if filters.flight:  # one flight's hits: the database starts from the flight
        carrier, number = _split_flight(filters.flight)
        stmt = stmt.join(Flight, Hit.flight_id == Flight.id).where(
            Flight.carrier == carrier, Flight.number.in_({number, number.lstrip("0") or "0"})
        )
    if filters.list_name:
        stmt = stmt.join(Watchlist, Hit.watchlist_id == Watchlist.id).where(
            Watchlist.name == filters.list_name
        )
    if filters.category:
        stmt = stmt.where(Hit.category == filters.category)
    return stmt


def _split_flight(code: str) -> tuple[str, str]:
    """'AM645' -> ('AM', '645'); carriers are two characters (IATA), possibly a digit ('4O')."""
    code = code.strip().upper().replace(" ", "")
    if len(code) < 3:
        raise InvalidInput(f"flight {code!r} is not a flight code such as AM645")
    return code[:2], code[2:]


def _filters_dict(filters: QueueFilters) -> dict[str, Any]:
    return {k: v for k, v in vars(filters).items() if v not in (None, ())}


def _name(viewer: object) -> str:
    return str(getattr(viewer, "username", viewer))


def time_left(hit: Hit, now: datetime | None = None) -> float | None:
    """Minutes until the flight lands in the reporting country, or leaves it when outbound (negative once
    it has); None when that time is unknown."""
    at_airport = hit.flight.scheduled_at_airport_utc
    if at_airport is None:
        return None
    return round((at_airport - (now or utcnow())).total_seconds() / 60, 1)


def get_hit(session: Session, hit_id: int) -> Hit:
    hit = session.get(
        Hit,
        hit_id,
        options=[
            joinedload(Hit.flight),
            joinedload(Hit.traveller).selectinload(Traveller.documents),
            joinedload(Hit.entry),
            joinedload(Hit.watchlist),
        ],
    )
    if hit is None:
        raise NotFound(f"no hit {hit_id}")
    return hit


def history(session: Session, hit_id: int) -> list[Disposition]:
    return list(
        session.scalars(
            select(Disposition).where(Disposition.hit_id == hit_id).order_by(Disposition.at, Disposition.id)
        )
    )


def decide(
    session: Session,
    hit_id: int,
    disposition: str,
    comment: str | None,
    officer: str,
    agency: str | None = None,
) -> Decision:
    """Record an officer's disposition on a hit (with a required comment) and its consequences."""
    if disposition not in DISPOSITIONS:
        raise InvalidInput(f"unknown disposition {disposition!r}; choose from {', '.join(DISPOSITIONS)}")
    if not (comment or "").strip():
        raise InvalidInput("a comment is required: say why you chose this disposition")
    if not officer.strip():
        raise InvalidInput("the deciding officer is required")
    hit = get_hit(session, hit_id)
    if hit.status == "withdrawn":
        reason = f" ({hit.status_reason})" if hit.status_reason else ""
        raise Conflict(f"hit {hit_id} was withdrawn{reason}; there is nothing left to decide")
    record = Disposition(
        hit_id=hit.id,
        disposition=disposition,
        previous_status=hit.status,
        officer=officer,
        agency=agency,
        comment=(comment or "").strip(),
        at=utcnow(),
    )
    session.add(record)
    if hit.status == "false_positive" and disposition != "false_positive":
        allowlist.revoke_for_hit(session, hit.id, by=officer, reason=f"hit re-decided as {disposition}")
    hit.status = disposition
    hit.updated_at = record.at
    session.flush()
    decision = Decision(record, hit)
    if disposition == "false_positive":
        decision.suppressions = allowlist.remember_false_positive(session, hit, record)
    if disposition == "confirmed":
        decision.lookout = _raise_lookout(session, hit, officer)
    _audit(session, decision)
    return decision


def _audit(session: Session, decision: Decision) -> None:
    record, hit = decision.disposition, decision.hit
    record_event(
        session,
        "hit:disposition:recorded",
        actor=record.officer,
        agency=record.agency,
        subject_type="hit",
        subject_id=hit.id,
        details={
            "disposition": record.disposition,
            "previous_status": record.previous_status,
            "comment": record.comment,
            "traveller_id": hit.traveller_id,
            "entry_id": hit.entry_id,
            "suppression_ids": [s.id for s in decision.suppressions],
            "lookout_id": decision.lookout.id if decision.lookout else None,
        },
    )


def wants_lookout(hit: Hit) -> bool:
    """A wanted person or an extradition request must be met at the port of entry."""
    if hit.category == "wanted":
        return True
    record = hit.entry.record if hit.entry is not None else {}
    return bool(record.get("extradition_request") or record.get("warrant_number"))


def _raise_lookout(session: Session, hit: Hit, officer: str) -> Lookout | None:
    if not wants_lookout(hit):
        return None
    existing = session.scalar(select(Lookout).where(Lookout.hit_id == hit.id))
    if existing is not None:
        return existing
    record = hit.entry.record if hit.entry is not None else {}
    reason = "; ".join(
        part
        for part in (
            f"confirmed {hit.category} hit on {hit.entry.primary_name if hit.entry else 'entry'}",
            f"warrant {record['warrant_number']}" if record.get("warrant_number") else "",
            "extradition requested" if record.get("extradition_request") else "",
        )
        if part
    )
    lookout = Lookout(
        hit_id=hit.id,
        traveller_id=hit.traveller_id,
        flight_id=hit.flight_id,
        port=hit.flight.airport,
        reason=reason,
        raised_by=officer,
    )
    session.add(lookout)
    session.flush()
    record_event(
        session,
        "vetting:lookout:raised",
        actor=officer,
        subject_type="lookout",
        subject_id=lookout.id,
        details={"hit_id": hit.id, "port": lookout.port, "flight_id": hit.flight_id},
    )
    return lookout


def lookouts(session: Session, port: str | None = None) -> list[Lookout]:
    stmt = select(Lookout).options(selectinload(Lookout.hit)).order_by(Lookout.raised_at.desc())
    if port:
        stmt = stmt.where(Lookout.port == port.upper())
    return list(session.scalars(stmt))
