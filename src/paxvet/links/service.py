"""Link analysis and travel history, answered by indexed SQL on the database paxvet already has.

* `neighbourhood`: other travellers sharing a phone, e-mail, card, address, booking or adjacent seat with a
  traveller, 1 or 2 hops, inside a time window, bounded (fan-out cap per hop, result limit). Two indexed
  joins over `link_key` per hop; identical on SQLite and PostgreSQL.
* `travel_history`: one person's travel across flights, each entry with a confidence and the reason:
  same document number and issuing country (strongest), else names and date of birth judged by the
  matcher (`paxvet.match.score_pair`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from paxvet.errors import InvalidInput, NotFound
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.links.models import LinkKey

FANOUT = 200  # travellers kept per hop before the next join: bounds the work on "hub" values


@dataclass(frozen=True)
class Neighbour:
    traveller_id: int
    hops: int
    shared: tuple[str, ...]  # kinds of link: phone, email, card, address, booking, seat
    via: tuple[int, ...]  # the first-hop travellers a second-hop neighbour is reached through
    name: str = ""
    flight: str = ""
    flight_date: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Neighbourhood:
    traveller_id: int
    hops: int
    window: tuple[date, date] | None
    neighbours: tuple[Neighbour, ...]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "traveller_id": self.traveller_id,
            "hops": self.hops,
            "truncated": self.truncated,
            "window": [d.isoformat() for d in self.window] if self.window else None,
            "neighbours": [n.to_dict() for n in self.neighbours],
        }


_ALL_TIME = (date(1, 1, 1), date(9999, 12, 31))


def _statements() -> tuple[Any, Any]:
    """The two hop queries, built once (bound parameters), so SQLAlchemy compiles and caches them."""
    keys = LinkKey.__table__
    a, b, c = keys.alias("a"), keys.alias("b"), keys.alias("c")

    def window(t: Any) -> Any:
        return and_(t.c.seen_on >= bindparam("lo"), t.c.seen_on <= bindparam("hi"))

    first = (
        select(b.c.traveller_id, b.c.kind)
        .select_from(a.join(b, b.c.value == a.c.value))
        .where(
            a.c.traveller_id == bindparam("tid"), b.c.traveller_id != bindparam("tid"), window(a), window(b)
        )
        .distinct()
        .limit(bindparam("cap"))
    )
    second = (
        select(c.c.traveller_id, b.c.traveller_id, c.c.kind)
        .select_from(b.join(c, c.c.value == b.c.value))
        .where(
            b.c.traveller_id.in_(bindparam("hop1", expanding=True)),
            c.c.traveller_id.not_in(bindparam("seen", expanding=True)),
            window(b),
            window(c),
        )
        .limit(bindparam("cap"))
    )
    return first, second


_FIRST, _SECOND = _statements()
_T, _F = Traveller.__table__, Flight.__table__
_EXISTS = select(_T.c.id).where(_T.c.id == bindparam("tid"))
_LABELS = (
    select(_T.c.id, _T.c.given_names, _T.c.surname, _F.c.carrier, _F.c.number, _F.c.flight_date)
    .select_from(_T.join(_F, _F.c.id == _T.c.flight_id))
    .where(_T.c.id.in_(bindparam("ids", expanding=True)))
)


def neighbourhood(
    session: Session,
    traveller_id: int,
    *,
    hops: int = 2,
    days: int | None = None,
    limit: int = 50,
    as_of: date | None = None,
    describe: bool = True,
) -> Neighbourhood:
    """Travellers linked to `traveller_id` within `hops` (1 or 2); `days` keeps links seen within that
    many days of `as_of` (default today), either side."""
    if hops not in (1, 2):
        raise InvalidInput("hops must be 1 or 2")
    if limit < 1:
        raise InvalidInput("limit must be at least 1")
    window = None
    if days is not None:
        centre = as_of or date.today()
        window = (centre - timedelta(days=days), centre + timedelta(days=days))
    lo, hi = window or _ALL_TIME
    first = session.execute(_FIRST, {"tid": traveller_id, "lo": lo, "hi": hi, "cap": FANOUT * 6}).all()
    if not first and session.execute(_EXISTS, {"tid": traveller_id}).first() is None:
        raise NotFound(f"no traveller {traveller_id}")
    found: dict[int, dict[str, Any]] = {}
    for tid, kind in first:
        entry = found.setdefault(tid, {"hops": 1, "shared": set(), "via": set()})
        entry["shared"].add(kind)
    truncated = len(found) > FANOUT or len(first) >= FANOUT * 6
    hop1 = sorted(found)[:FANOUT]
    if hops == 2 and hop1 and len(found) < limit:
        params = {"hop1": hop1, "seen": [*hop1, traveller_id], "lo": lo, "hi": hi, "cap": limit * 20}
        second = session.execute(_SECOND, params).all()
        truncated = truncated or len(second) >= limit * 20
        for tid, via, kind in second:
            entry = found.setdefault(tid, {"hops": 2, "shared": set(), "via": set()})
            if entry["hops"] == 2:
                entry["shared"].add(kind)
                entry["via"].add(via)
    ordered = sorted(found.items(), key=lambda kv: (kv[1]["hops"], -len(kv[1]["shared"]), kv[0]))
    truncated = truncated or len(ordered) > limit
    chosen = ordered[:limit]
    labels = _labels(session, [tid for tid, _ in chosen]) if describe else {}
    neighbours = tuple(
        Neighbour(
            tid,
            e["hops"],
            tuple(sorted(e["shared"])),
            tuple(sorted(e["via"]))[:5],
            *labels.get(tid, ("", "", None)),
        )
        for tid, e in chosen
    )
    return Neighbourhood(traveller_id, hops, window, neighbours, truncated)


def _labels(session: Session, ids: list[int]) -> dict[int, tuple[str, str, date | None]]:
    if not ids:
        return {}
    rows = session.execute(_LABELS, {"ids": ids}).all()
    return {r[0]: (f"{r[1]} {r[2]}".strip(), f"{r[3]}{r[4]}", r[5]) for r in rows}


# ---- travel history ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    traveller_id: int
    flight: str
    flight_date: date
    origin: str | None
    destination: str | None
    name: str
    confidence: float
    reason: str
    co_travellers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TravelHistory:
    traveller_id: int
    entries: tuple[HistoryEntry, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "traveller_id": self.traveller_id,
            "entries": [e.to_dict() for e in self.entries],
            "notes": list(self.notes),
        }


def travel_history(session: Session, traveller_id: int, *, threshold: float | None = None) -> TravelHistory:
    """Every flight of the person `traveller_id` is (including this one), best evidence first."""
    from paxvet.links.resolver import resolve_same_person

    subject = session.get(Traveller, traveller_id)
    if subject is None:
        raise NotFound(f"no traveller {traveller_id}")
    matches, notes = resolve_same_person(session, subject, threshold=threshold)
    entries = [_entry(session, subject, 1.0, "the traveller asked about")]
    entries += [_entry(session, t, conf, reason) for t, conf, reason in matches]
    entries.sort(key=lambda e: (e.flight_date, e.flight))
    return TravelHistory(traveller_id, tuple(entries), tuple(notes))


def _entry(session: Session, t: Traveller, confidence: float, reason: str) -> HistoryEntry:
    flight = t.flight
    return HistoryEntry(
        t.id,
        flight.code,
        flight.flight_date,
        flight.origin,
        flight.destination,
        t.full_name,
        round(confidence, 3),
        reason,
        tuple(co_travellers(session, t.id)),
    )


def co_travellers(session: Session, traveller_id: int) -> list[str]:
    """Names of the others on the same bookings for the same flight, or seated next to this traveller."""
    a, b = aliased(LinkKey), aliased(LinkKey)
    rows = session.execute(
        select(Traveller.given_names, Traveller.surname, b.kind)
        .select_from(a)
        .join(b, and_(b.value == a.value, b.traveller_id != a.traveller_id))
        .join(Traveller, Traveller.id == b.traveller_id)
        .where(a.traveller_id == traveller_id, or_(a.kind == "booking", a.kind == "seat"))
        .distinct()
        .limit(50)
    ).all()
    how: dict[str, set[str]] = {}
    for given, surname, kind in rows:
        how.setdefault(f"{given} {surname}".strip(), set()).add(
            "same booking" if kind == "booking" else "seat neighbour"
        )
    return [f"{name} ({', '.join(sorted(kinds))})" for name, kinds in sorted(how.items())]


def document_keys(session: Session, traveller: Traveller) -> set[tuple[str, str | None]]:
    """(normalised number, issuing country) of every document known for a traveller, API and PNR."""
    from paxvet.bookings.models import BookingDocument, BookingTraveller

    keys = {
        (d.number_normalized, d.issuing_country)
        for d in session.scalars(select(TravelDocument).where(TravelDocument.traveller_id == traveller.id))
        if d.number_normalized
    }
    pnr_docs = session.execute(
        select(BookingDocument.number_normalized, BookingDocument.issuing_country)
        .join(BookingTraveller, BookingTraveller.id == BookingDocument.booking_traveller_id)
        .where(BookingTraveller.traveller_id == traveller.id, BookingDocument.number_normalized.is_not(None))
    ).all()
    keys |= {(n, c) for n, c in pnr_docs if n}
    return keys
