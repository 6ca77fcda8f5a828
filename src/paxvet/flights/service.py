"""Apply a PAXLST manifest to the flight tables: find or create the flight, upsert its travellers.

Bulk statements only (no per-traveller query): one SELECT for the flight, one for its travellers, one
INSERT ... RETURNING for new travellers, one UPDATE executemany for known ones, one DELETE and one INSERT
for their documents. A later push for the same flight updates the same traveller rows (matched on the
unique passenger reference RFF ABO, else on Traveller.identity_key), so nobody is listed twice.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, case, delete, select, update
from sqlalchemy.orm import Session

from paxvet.db import utcnow
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
    flight: Flight | None = None
    traveller_ids: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    pnr_only: bool = True  # the flight may hold PNR-only travellers (False once the upsert saw none)
    problems: list[tuple[str, str, int | None]] = field(default_factory=list)  # (severity, text, segment)

    def warn(self, text: str, segment: int | None = None) -> None:
        self.problems.append(("warning", text, segment))

    def error(self, text: str, segment: int | None = None) -> None:
        self.problems.append(("error", text, segment))


_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def name_key(value: str) -> str:
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


def apply_manifest(
    session: Session, manifest: Manifest, message_id: int | None = None, country: str | None = None
) -> ApplyResult:
    result = ApplyResult()
    side = flight_key(manifest, country)
    if side is None:
        result.error("cannot identify the flight: no arrival airport or scheduled date in TDT/LOC/DTM")
        return result
    leg = cast(Leg, side.leg)
    flight = find_or_create_flight(session, leg.carrier, leg.number, side)
    result.flight = flight
    _update_flight(flight, manifest, leg, result)
    session.flush()
    if manifest.subtype in ("CLOB", "CLNB") or (
        manifest.travellers and all(t.party == "ZZZ" for t in manifest.travellers)
    ):
        _close_out(session, flight, manifest, result)
    else:
        _upsert_travellers(session, flight, manifest, message_id, result)
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


def _update_flight(flight: Flight, manifest: Manifest, leg: Leg, result: ApplyResult) -> None:
    legs = manifest.legs
    flight.origin = legs[0].departure_airport or flight.origin
    flight.destination = legs[-1].arrival_airport or flight.destination
    flight.scheduled_departure_utc = local_to_utc(leg.departure_local, leg.departure_airport)
    flight.scheduled_arrival_utc = local_to_utc(leg.arrival_local, leg.arrival_airport)
    for when, where in (
        (leg.departure_local, leg.departure_airport),
        (leg.arrival_local, leg.arrival_airport),
    ):
        if when is not None and local_to_utc(when, where) is None:
            result.warn(f"no time zone known for airport {where!r}: UTC time left empty")
    if manifest.reporting_party:
        flight.reporting_party = manifest.reporting_party
    if manifest.subtype == "XF":
        flight.status = "cancelled"
    elif manifest.subtype in ("CLOB", "CLNB", "CL"):
        flight.status = "closed"
    if manifest.role == "crew" and manifest.declared_crew is not None:
        flight.expected_crew = manifest.declared_crew
    elif manifest.declared_passengers is not None:
        flight.expected_passengers = manifest.declared_passengers
    new_legs = [_leg_row(item) for item in legs]
    if [(x.departure_airport, x.arrival_airport) for x in new_legs] != [
        (x.departure_airport, x.arrival_airport) for x in flight.legs
    ] or any(x.arrival_local is not None for x in new_legs):
        flight.legs = new_legs
    flight.updated_at = utcnow()


def _leg_row(leg: Leg) -> FlightLeg:
    return FlightLeg(
        sequence=leg.sequence,
        departure_airport=leg.departure_airport,
        arrival_airport=leg.arrival_airport,
        departure_local=leg.departure_local,
        departure_utc=local_to_utc(leg.departure_local, leg.departure_airport),
        arrival_local=leg.arrival_local,
        arrival_utc=local_to_utc(leg.arrival_local, leg.arrival_airport),
    )


def _close_out(session: Session, flight: Flight, manifest: Manifest, result: ApplyResult) -> None:
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
    session: Session, flight: Flight, manifest: Manifest, message_id: int | None, result: ApplyResult
) -> None:
    existing = session.execute(
        select(
            Traveller.id, Traveller.identity_key, Traveller.passenger_ref, Traveller.role, Traveller.source
        ).where(Traveller.flight_id == flight.id)
    ).all()
    by_key = {r.identity_key: r.id for r in existing}
    sources = {r.id: r.source for r in existing}
    result.pnr_only = "pnr" in sources.values()
    by_ref = {(r.role, r.passenger_ref): r.id for r in existing if r.passenger_ref}
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
    _insert_documents(session, people, flight.flight_date)
    result.traveller_ids = [i for i, _ in people]
    result.created, result.updated = len(new_ids), len(updates)


def _merged_source(before: str) -> str:
    """An API push about a traveller the PNR already knew keeps the PNR in the source ("api+pnr")."""
    return "api+pnr" if "pnr" in before else "api"


def _insert_travellers(session: Session, flight_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Plain executemany (the driver's fast path, see paxvet.flights.bulk; INSERT ... RETURNING row batches
    measured 3x slower on SQLite), then one SELECT for the new ids by their unique (flight, identity key)."""
    insert_rows(session, cast(Table, Traveller.__table__), rows)
    keys = [row["identity_key"] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(keys), 900):  # stay under every backend's bound-parameter limit
        chunk = keys[start : start + 900]
        query = select(Traveller.identity_key, Traveller.id).where(
            Traveller.flight_id == flight_id, Traveller.identity_key.in_(chunk)
        )
        found.update((key, traveller_id) for key, traveller_id in session.execute(query))
    return [found[key] for key in keys]


def _insert_documents(session: Session, people: list[tuple[int, TravellerData]], arrival: date) -> None:
    check = _document_checker()
    rows: list[dict[str, Any]] = []
    for traveller_id, t in people:
        for d in t.documents:
            rows.append(_document_row(traveller_id, d, t, arrival, check))
    insert_rows(session, cast(Table, TravelDocument.__table__), rows)


def _document_row(
    traveller_id: int,
    d: DocumentData,
    t: TravellerData,
    arrival: date,
    check: Callable[..., list[Any]] | None,
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
    from sqlalchemy import func

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
