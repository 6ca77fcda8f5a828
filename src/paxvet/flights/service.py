"""Apply a PAXLST manifest to the flight tables: find or create the flight, upsert its travellers.

Core statements only (no ORM unit of work, no per-traveller query): one SELECT for the flight and one
INSERT or UPDATE of it, its legs read and rewritten only when they changed, one SELECT for the flight's
known travellers (none for a new flight), one executemany INSERT for new travellers and one for their
documents, one executemany UPDATE for known travellers and one DELETE of their old documents. A later push
for the same flight updates the same traveller rows (matched on the unique passenger reference RFF ABO,
else on Traveller.identity_key), so nobody is listed twice.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key as orm_identity_key

from paxvet.db import insert_returning_id, utcnow
from paxvet.documents.numbers import normalize_document_number
from paxvet.flights.bulk import insert_rows
from paxvet.flights.direction import BorderSide, border_side
from paxvet.flights.models import Flight, FlightLeg, TravelDocument, Traveller
from paxvet.ingest.airports import local_to_utc
from paxvet.ingest.paxlst import DocumentData, Leg, Manifest, TravellerData
from paxvet.settings import get_settings

CLOSE_OUT = {"CLOB": "boarded", "CLNB": "not_boarded", "XR": "cancelled", "RP": "cancelled"}


@dataclass
class ApplyResult:
    flight: FlightRef | None = None
    traveller_ids: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    pnr_only: bool = True  # the flight may hold PNR-only travellers (False once the upsert saw none)
    times_moved: bool = False  # it changed a known flight's scheduled departure or arrival (hits' queue time)
    problems: list[tuple[str, str, int | None]] = field(default_factory=list)  # (severity, text, segment)

    def warn(self, text: str, segment: int | None = None) -> None:
        self.problems.append(("warning", text, segment))

    def error(self, text: str, segment: int | None = None) -> None:
        self.problems.append(("error", text, segment))


_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def name_key(value: str) -> str:
    if value.isascii():  # NFKD leaves ASCII as it is: the same key without the round trip
        key = value.upper().replace(" ", "")
        return key if key.isalnum() else _NON_ALNUM.sub("", key)  # ASCII isalnum: A-Z, 0-9 after upper
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().upper()
    return _NON_ALNUM.sub("", folded)


def identity_key(t: TravellerData) -> str:
    """What makes two pushes the same person on one flight: role, names and date of birth."""
    born = t.date_of_birth.isoformat() if t.date_of_birth else (t.date_of_birth_raw or "")
    return f"{t.role[0]}|{name_key(t.surname)}|{name_key(t.given_names)}|{born}"[:200]


def flight_key(manifest: Manifest, country: str | None = None) -> BorderSide | None:
    """The reporting country's side of the manifest's flight (`country`: ISO alpha-3, default the
    reporting_country setting)."""
    marked = [leg for leg in manifest.legs if leg.crossing]
    return border_side(manifest.legs, country or get_settings().reporting_country.upper(), marked)


@dataclass(frozen=True)
class FlightRef:
    """The flight a manifest was applied to: its id and key (the handler names it in its summary)."""

    id: int
    carrier: str
    number: str
    airport: str
    flight_date: date
    direction: str

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"


def apply_manifest(
    session: Session, manifest: Manifest, message_id: int | None = None, country: str | None = None
) -> ApplyResult:
    result = ApplyResult()
    side = flight_key(manifest, country)
    if side is None:
        result.error("cannot identify the flight: no arrival airport or scheduled date in TDT/LOC/DTM")
        return result
    session.flush()  # the Core statements below must see whatever the session still holds
    connection = session.connection()
    flight, created = _store_flight(connection, manifest, cast(Leg, side.leg), side, result)
    _expire_cached_flight(session, flight.id)
    result.flight = flight
    if manifest.subtype in ("CLOB", "CLNB") or (
        manifest.travellers and all(t.party == "ZZZ" for t in manifest.travellers)
    ):
        _close_out(session, flight, manifest, result)
    else:
        _upsert_travellers(session, flight, manifest, message_id, result, created)
    return result


def find_or_create_flight(session: Session, carrier: str, number: str, side: BorderSide) -> Flight:
    """The flight keyed by carrier, number, direction, the reporting country's airport and the local
    scheduled date there (API manifests and PNR pushes share it)."""
    carrier, number, airport = carrier[:3], number[:8], side.airport[:3]
    flight = session.scalars(
        select(Flight).where(
            Flight.carrier == carrier,
            Flight.number == number,
            Flight.airport == airport,
            Flight.flight_date == side.local.date(),
            Flight.direction == side.direction,
        )
    ).first()
    if flight is None:
        flight = Flight(
            carrier=carrier,
            number=number,
            airport=airport,
            flight_date=side.local.date(),
            direction=side.direction,
            status="open",
        )
        session.add(flight)
    return flight


_FLIGHTS = cast(Table, Flight.__table__)
_LEGS = cast(Table, FlightLeg.__table__)
_TRAVELLERS = cast(Table, Traveller.__table__)
_DOCUMENTS = cast(Table, TravelDocument.__table__)
_LEG_COLUMNS = (
    "sequence",
    "departure_airport",
    "arrival_airport",
    "departure_local",
    "departure_utc",
    "arrival_local",
    "arrival_utc",
)
# built once (SQLAlchemy then finds their compiled form by a cheap cache key); executed with parameters
_FLIGHT_KEY = ("carrier", "number", "airport", "flight_date", "direction")
_FLIGHT_TIMES = ("scheduled_departure_utc", "scheduled_arrival_utc")
_FIND_FLIGHT = select(_FLIGHTS.c.id, *(_FLIGHTS.c[name] for name in _FLIGHT_TIMES)).where(
    *(_FLIGHTS.c[name] == bindparam(f"key_{name}") for name in _FLIGHT_KEY)
)
_UPDATE_FLIGHT = update(_FLIGHTS).where(_FLIGHTS.c.id == bindparam("row_id"))
_FLIGHT_LEGS = (
    select(*(_LEGS.c[name] for name in _LEG_COLUMNS))
    .where(_LEGS.c.flight_id == bindparam("row_id"))
    .order_by(_LEGS.c.sequence, _LEGS.c.id)
)
_KNOWN_TRAVELLERS = select(
    *(_TRAVELLERS.c[name] for name in ("id", "identity_key", "passenger_ref", "role", "source"))
).where(_TRAVELLERS.c.flight_id == bindparam("row_id"))
_LAST_TRAVELLER_ID = select(func.max(_TRAVELLERS.c.id))


def _store_flight(
    connection: Connection, manifest: Manifest, leg: Leg, side: BorderSide, result: ApplyResult
) -> tuple[FlightRef, bool]:
    """Find the flight by its key and UPDATE it, or INSERT it; then its legs. (flight, created)."""
    key: dict[str, Any] = {
        "carrier": leg.carrier[:3],
        "number": leg.number[:8],
        "airport": side.airport[:3],
        "flight_date": side.local.date(),
        "direction": side.direction,
    }
    find = {f"key_{name}": value for name, value in key.items()}
    stored = connection.execute(_FIND_FLIGHT, find).first()
    values = _flight_values(manifest, leg, result)
    created = stored is None
    found = None if stored is None else stored.id
    if found is None:
        found = _insert_flight(
            connection, {"status": "open", **key, **values, "created_at": values["updated_at"]}
        )
        if found is None:  # PostgreSQL: another process's push created the flight since the SELECT above
            stored, created = connection.execute(_FIND_FLIGHT, find).one(), False
            found = stored.id
    flight_id = int(found)
    if stored is not None and not created:
        connection.execute(_UPDATE_FLIGHT, {"row_id": flight_id, **values})
        result.times_moved = any(stored._mapping[name] != values[name] for name in _FLIGHT_TIMES)
    _store_legs(connection, flight_id, manifest.legs, created)
    return FlightRef(id=flight_id, **key), created


def _insert_flight(connection: Connection, row: dict[str, Any]) -> int | None:
    """The new flight's id. On SQLite the message's IMMEDIATE transaction keeps every other writer out
    between the SELECT and this INSERT; PostgreSQL's concurrent transactions are not, so there the INSERT
    yields to a flight another push inserted meanwhile (None: read it again)."""
    if connection.dialect.name == "postgresql":
        statement = pg_insert(_FLIGHTS).values(row).on_conflict_do_nothing(index_elements=list(_FLIGHT_KEY))
        created = connection.execute(statement.returning(_FLIGHTS.c.id)).scalar()
        return None if created is None else int(created)
    return insert_returning_id(connection, _FLIGHTS, row)


def _flight_values(manifest: Manifest, leg: Leg, result: ApplyResult) -> dict[str, Any]:
    """The flight's columns this manifest sets (a column it says nothing about keeps its value)."""
    legs = manifest.legs
    values: dict[str, Any] = {
        "scheduled_departure_utc": local_to_utc(leg.departure_local, leg.departure_airport),
        "scheduled_arrival_utc": local_to_utc(leg.arrival_local, leg.arrival_airport),
        "updated_at": utcnow(),
    }
    if legs[0].departure_airport:
        values["origin"] = legs[0].departure_airport
    if legs[-1].arrival_airport:
        values["destination"] = legs[-1].arrival_airport
    for when, where in (
        (leg.departure_local, leg.departure_airport),
        (leg.arrival_local, leg.arrival_airport),
    ):
        if when is not None and local_to_utc(when, where) is None:
            result.warn(f"no time zone known for airport {where!r}: UTC time left empty")
    if manifest.reporting_party:
        values["reporting_party"] = manifest.reporting_party
    if manifest.subtype == "XF":
        values["status"] = "cancelled"
    elif manifest.subtype in ("CLOB", "CLNB", "CL"):
        values["status"] = "closed"
    if manifest.role == "crew" and manifest.declared_crew is not None:
        values["expected_crew"] = manifest.declared_crew
    elif manifest.declared_passengers is not None:
        values["expected_passengers"] = manifest.declared_passengers
    return values


def _store_legs(connection: Connection, flight_id: int, legs: list[Leg], new: bool) -> None:
    """Replace the flight's legs by the manifest's, unless they are the same airports and the manifest
    gives no arrival time (a push without times keeps the stored ones), or they are equal already."""
    rows = [_leg_row(item) for item in legs]
    if not new:
        stored = [tuple(r) for r in connection.execute(_FLIGHT_LEGS, {"row_id": flight_id})]
        airports = [(r["departure_airport"], r["arrival_airport"]) for r in rows]
        if airports == [(r[1], r[2]) for r in stored] and all(r["arrival_local"] is None for r in rows):
            return
        if [tuple(r[name] for name in _LEG_COLUMNS) for r in rows] == stored:
            return
        if stored:
            connection.execute(delete(_LEGS).where(_LEGS.c.flight_id == flight_id))
    if rows:
        connection.execute(insert(_LEGS), [{"flight_id": flight_id, **row} for row in rows])


def _leg_row(leg: Leg) -> dict[str, Any]:
    return {
        "sequence": leg.sequence,
        "departure_airport": leg.departure_airport,
        "arrival_airport": leg.arrival_airport,
        "departure_local": leg.departure_local,
        "departure_utc": local_to_utc(leg.departure_local, leg.departure_airport),
        "arrival_local": leg.arrival_local,
        "arrival_utc": local_to_utc(leg.arrival_local, leg.arrival_airport),
    }


def _expire_cached_flight(session: Session, flight_id: int) -> None:
    """A Flight this session already holds (a PNR push in the same session) is re-read on next use:
    the statements above changed its row and perhaps its legs behind the ORM's back."""
    cached = session.identity_map.get(orm_identity_key(Flight, flight_id))
    if cached is not None:
        session.expire(cached)


def _close_out(session: Session, flight: FlightRef, manifest: Manifest, result: ApplyResult) -> None:
    """CLOB/CLNB: each listed passenger (NAD+ZZZ with RFF ABO/AVF) is marked boarded / not boarded."""
    status = CLOSE_OUT.get(manifest.subtype, "boarded")
    rows = session.execute(
        select(Traveller.id, Traveller.passenger_ref, Traveller.reservation_ref).where(
            Traveller.flight_id == flight.id
        )
    ).all()
    by_ref = {r.passenger_ref: r.id for r in rows if r.passenger_ref}
    by_locator: dict[str, list[int]] = {}
    for r in rows:
        if r.reservation_ref:
            by_locator.setdefault(r.reservation_ref, []).append(r.id)
    ids: list[int] = []
    for t in manifest.travellers:
        found = by_ref.get(t.passenger_ref or "")
        if found is None and t.reservation_ref and len(by_locator.get(t.reservation_ref, [])) == 1:
            found = by_locator[t.reservation_ref][0]
        if found is None:
            result.warn(
                f"close-out lists a passenger not reported before (ABO {t.passenger_ref!r}, "
                f"AVF {t.reservation_ref!r})",
                t.segment,
            )
            continue
        ids.append(found)
    if ids:
        session.execute(update(Traveller), [{"id": i, "boarding_status": status} for i in ids])
    result.traveller_ids = ids
    result.updated = len(ids)


def _traveller_row(
    t: TravellerData, key: str, flight_id: int, message_id: int | None, status: str, now: datetime
) -> dict[str, Any]:
    bags = t.bags or None
    extra = t.extra or None
    return {
        "flight_id": flight_id,
        "identity_key": key,
        "role": t.role,
        "surname": t.surname[:200],
        "given_names": t.given_names[:200],
        "gender": t.gender,
        "date_of_birth": t.date_of_birth,
        "date_of_birth_raw": (t.date_of_birth_raw or None) and t.date_of_birth_raw[:20],
        "nationality": t.nationality,
        "residence_country": t.residence_country,
        "birthplace": t.birthplace and t.birthplace[:200],
        "address": t.address,
        "embarkation": t.embarkation,
        "debarkation": t.debarkation,
        "in_transit": t.in_transit,
        "boarding_status": status,
        "reservation_ref": t.reservation_ref and t.reservation_ref[:40],
        "passenger_ref": t.passenger_ref and t.passenger_ref[:60],
        "bags": bags,
        "extra": extra,
        "source": "api",
        "last_message_id": message_id,
        "updated_at": now,
    }


def _upsert_travellers(
    session: Session,
    flight: FlightRef,
    manifest: Manifest,
    message_id: int | None,
    result: ApplyResult,
    new_flight: bool = False,
) -> None:
    existing = [] if new_flight else _known_travellers(session.connection(), flight.id)
    by_key = {key: row_id for row_id, key, _, _, _ in existing}
    sources = {row_id: source for row_id, _, _, _, source in existing}
    result.pnr_only = "pnr" in sources.values()
    by_ref = {(role, ref): row_id for row_id, _, ref, role, _ in existing if ref}
    status = CLOSE_OUT.get(manifest.subtype, "reported")
    new_rows: list[dict[str, Any]] = []
    new_people: list[TravellerData] = []
    updates: dict[int, tuple[dict[str, Any], TravellerData]] = {}
    seen: set[str] = set()
    now = utcnow()  # one time for the whole message (its rows are written in one transaction)
    for t in manifest.travellers:
        key = identity_key(t)
        found = by_ref.get((t.role, t.passenger_ref)) if t.passenger_ref else None
        found = found if found is not None else by_key.get(key)
        if found is None and key in seen:
            result.warn(f"{t.surname} {t.given_names} listed twice in this message", t.segment)
            key = f"{key}#{t.segment}"[:200]
        seen.add(key)
        row = _traveller_row(t, key, flight.id, message_id, status, now)
        if found is not None:
            row.pop("identity_key")
            row["id"] = found
            row["source"] = _merged_source(sources[found])
            updates[found] = (row, t)
        else:
            row["created_at"] = row["updated_at"]
            new_rows.append(row)
            new_people.append(t)
    new_ids: list[int] = []
    if new_rows:
        new_ids = _insert_travellers(session, flight.id, new_rows)
    if updates:
        session.execute(update(Traveller), [row for row, _ in updates.values()])
        session.execute(delete(TravelDocument).where(TravelDocument.traveller_id.in_(list(updates))))
    people = list(zip(new_ids, new_people, strict=True)) + [(i, t) for i, (_, t) in updates.items()]
    _insert_documents(session, people, flight.flight_date, date.today())
    result.traveller_ids = [i for i, _ in people]
    result.created, result.updated = len(new_ids), len(updates)


def _merged_source(before: str) -> str:
    """An API push about a traveller the PNR already knew keeps the PNR in the source ("api+pnr")."""
    return "api+pnr" if "pnr" in before else "api"


def _known_travellers(connection: Connection, flight_id: int) -> list[tuple[Any, ...]]:
    """(id, identity key, passenger reference, role, source) of the flight's travellers (fetched whole:
    iterating the result fetches row by row)."""
    return [tuple(row) for row in connection.execute(_KNOWN_TRAVELLERS, {"row_id": flight_id}).all()]


def _insert_travellers(session: Session, flight_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Plain executemany (the driver's fast path, see paxvet.flights.bulk; INSERT ... RETURNING row batches
    measured 3x slower on SQLite). On SQLite the ids are given in the INSERT: the message's transaction has
    held the database's only write lock since the flight's INSERT or UPDATE, so no other connection can add
    a traveller in between, and max(id) + 1, + 2 ... are the ids SQLite would choose itself. Elsewhere one
    SELECT reads the new ids by their unique (flight, identity key)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        first = int(connection.execute(_LAST_TRAVELLER_ID).scalar() or 0) + 1
        for offset, row in enumerate(rows):
            row["id"] = first + offset
        insert_rows(session, _TRAVELLERS, rows)
        return list(range(first, first + len(rows)))
    insert_rows(session, _TRAVELLERS, rows)
    keys = [row["identity_key"] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(keys), 900):  # stay under every backend's bound-parameter limit
        chunk = keys[start : start + 900]
        query = select(_TRAVELLERS.c.identity_key, _TRAVELLERS.c.id).where(
            _TRAVELLERS.c.flight_id == flight_id, _TRAVELLERS.c.identity_key.in_(chunk)
        )
        found.update((key, traveller_id) for key, traveller_id in connection.execute(query))
    return [found[key] for key in keys]


def _insert_documents(
    session: Session, people: list[tuple[int, TravellerData]], arrival: date, today: date
) -> None:
    check = _document_checker()
    rows: list[dict[str, Any]] = []
    for traveller_id, t in people:
        for d in t.documents:
            rows.append(_document_row(traveller_id, d, t, arrival, check, today))
    insert_rows(session, _DOCUMENTS, rows)


def _document_row(
    traveller_id: int,
    d: DocumentData,
    t: TravellerData,
    arrival: date,
    check: Callable[..., list[Any]] | None,
    today: date,
) -> dict[str, Any]:
    findings: list[dict[str, Any]] | None = None
    if check is not None:
        found = check(
            number=d.number,
            doc_type=d.doc_type,
            issuing_country=d.issuing_country,
            expiry=d.expiry,
            issued=d.issued,
            date_of_birth=t.date_of_birth,
            arrival=arrival,
            mrz=None,
            today=today,
        )
        findings = [f.to_dict() for f in found]
    return {
        "traveller_id": traveller_id,
        "doc_type": d.doc_type and d.doc_type[:4],
        "number": d.number[:40],
        "number_normalized": normalize_document_number(d.number)[:40],
        "issuing_country": d.issuing_country,
        "expiry": d.expiry,
        "issued": d.issued,
        "mrz": None,
        "findings": findings,
    }


def _document_checker() -> Callable[..., list[Any]] | None:
    """The DOCUMENTS domain's check_document, when it is installed (built in parallel)."""
    try:
        module = importlib.import_module("paxvet.documents.checks")
    except ImportError:
        return None
    check = getattr(module, "check_document", None)
    return cast("Callable[..., list[Any]] | None", check)


# ---------------------------------------------------------------------------------------------------------
# reading


def find_flights(session: Session, code: str, flight_date: date) -> list[Flight]:
    """Flights by carrier + number (e.g. "AM645") and scheduled date at the reporting country's airport:
    the arrival date there for an inbound flight, the departure date there for an outbound one."""
    from paxvet.ingest.paxlst import split_flight

    carrier, number = split_flight(code)
    numbers = {number, number.lstrip("0") or "0", number.zfill(4), number.zfill(3)}
    return list(
        session.scalars(
            select(Flight)
            .where(Flight.carrier == carrier, Flight.number.in_(numbers), Flight.flight_date == flight_date)
            .order_by(Flight.airport, Flight.direction)
        )
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def traveller_dicts(session: Session, flight_ids: list[int]) -> list[dict[str, Any]]:
    """Travellers of these flights as stable, JSON-able dicts (the CLI's and API's shape)."""
    travellers = list(
        session.scalars(
            select(Traveller)
            .where(Traveller.flight_id.in_(flight_ids))
            .order_by(Traveller.role.desc(), Traveller.surname, Traveller.given_names, Traveller.id)
        )
    )
    docs: dict[int, list[TravelDocument]] = {}
    if travellers:
        for d in session.scalars(
            select(TravelDocument)
            .where(TravelDocument.traveller_id.in_([t.id for t in travellers]))
            .order_by(TravelDocument.id)
        ):
            docs.setdefault(d.traveller_id, []).append(d)
    return [_traveller_dict(t, docs.get(t.id, [])) for t in travellers]


def _traveller_dict(t: Traveller, docs: list[TravelDocument]) -> dict[str, Any]:
    return {
        "id": t.id,
        "flight_id": t.flight_id,
        "surname": t.surname,
        "given_names": t.given_names,
        "date_of_birth": t.date_of_birth.isoformat() if t.date_of_birth else None,
        "gender": t.gender,
        "nationality": t.nationality,
        "role": t.role,
        "in_transit": t.in_transit,
        "boarding_status": t.boarding_status,
        "residence_country": t.residence_country,
        "birthplace": t.birthplace,
        "embarkation": t.embarkation,
        "debarkation": t.debarkation,
        "reservation_ref": t.reservation_ref,
        "passenger_ref": t.passenger_ref,
        "documents": [
            {
                "type": d.doc_type,
                "number": d.number,
                "country": d.issuing_country,
                "expiry": d.expiry.isoformat() if d.expiry else None,
                "findings": d.findings or [],
            }
            for d in docs
        ],
    }


def flight_rows(session: Session, flight_date: date | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Flights with their traveller counts (one grouped query), newest first."""

    counts = (
        select(
            Traveller.flight_id,
            func.sum(case((Traveller.role == "passenger", 1), else_=0)).label("passengers"),
            func.sum(case((Traveller.role == "crew", 1), else_=0)).label("crew"),
        )
        .group_by(Traveller.flight_id)
        .subquery()
    )
    query = select(Flight, counts.c.passengers, counts.c.crew).outerjoin(
        counts, counts.c.flight_id == Flight.id
    )
    if flight_date is not None:
        query = query.where(Flight.flight_date == flight_date)
    query = query.order_by(Flight.flight_date.desc(), Flight.carrier, Flight.number).limit(limit)
    return [
        {
            "id": f.id,
            "flight": f.code,
            "direction": f.direction,
            "airport": f.airport,
            "date": f.flight_date.isoformat(),
            "origin": f.origin,
            "destination": f.destination,
            "scheduled_departure_utc": _iso(f.scheduled_departure_utc),
            "scheduled_arrival_utc": _iso(f.scheduled_arrival_utc),
            "scheduled_at_airport_utc": _iso(f.scheduled_at_airport_utc),
            "status": f.status,
            "passengers": int(p or 0),
            "crew": int(c or 0),
            "expected_passengers": f.expected_passengers,
            "expected_crew": f.expected_crew,
        }
        for f, p, c in session.execute(query)
    ]
