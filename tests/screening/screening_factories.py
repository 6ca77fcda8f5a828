"""Factories for screening and vetting tests: flights with travellers, small lists, hits.

Lists are written as the WATCHLISTS domain stores them (Watchlist, WatchlistVersion, WatchlistEntry with the
EntryRecord JSON and its content hash), so screening reads them through `screening_entries` unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.documents.numbers import folded_document_number, normalize_document_number
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.screening.models import Hit
from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion
from paxvet.watchlists.schemas import EntryRecord


@dataclass
class Person:
    surname: str
    given_names: str
    date_of_birth: date | None
    document: str | None = None
    country: str | None = "MEX"
    nationality: str | None = "MEX"
    gender: str | None = "M"
    role: str = "passenger"
    findings: list[dict[str, Any]] | None = None


def make_flight(
    session: Session,
    people: list[Person],
    *,
    carrier: str = "AM",
    number: str = "645",
    airport: str = "MEX",
    arrival: datetime | None = None,
) -> Flight:
    arrival = arrival or utcnow() + timedelta(hours=3)
    flight = Flight(
        carrier=carrier,
        number=number,
        airport=airport,
        flight_date=arrival.date(),
        origin="MAD",
        destination=airport,
        scheduled_departure_utc=arrival - timedelta(hours=11),
        scheduled_arrival_utc=arrival,
    )
    session.add(flight)
    session.flush()
    for person in people:
        add_traveller(session, flight, person)
    session.flush()
    return flight


def add_traveller(session: Session, flight: Flight, person: Person) -> Traveller:
    traveller = Traveller(
        flight_id=flight.id,
        identity_key=f"{person.surname}|{person.given_names}|{person.date_of_birth}|{person.document}",
        role=person.role,
        surname=person.surname,
        given_names=person.given_names,
        gender=person.gender,
        date_of_birth=person.date_of_birth,
        nationality=person.nationality,
    )
    if person.document:
        traveller.documents.append(
            TravelDocument(
                doc_type="P",
                number=person.document,
                number_normalized=normalize_document_number(person.document),
                issuing_country=person.country,
                expiry=date(2031, 1, 1),
                findings=person.findings,
            )
        )
    session.add(traveller)
    session.flush()
    return traveller


def make_list(
    session: Session,
    name: str,
    records: list[dict[str, Any]],
    *,
    category: str = "wanted",
    severity: str = "high",
    entry_type: str = "person",
) -> Watchlist:
    """A list with version 1 holding these entries (EntryRecord JSON dicts)."""
    watchlist = Watchlist(
        name=name,
        owner_agency="MX-FGR",
        category=category,
        default_severity=severity,
        source_format="paxvet-csv",
    )
    session.add(watchlist)
    session.flush()
    version = new_version(session, watchlist)
    for data in records:
        add_entry(session, watchlist, version, data, entry_type=entry_type)
    version.entry_count = len(records)
    version.added = len(records)
    session.flush()
    return watchlist


def new_version(session: Session, watchlist: Watchlist) -> WatchlistVersion:
    number = (
        session.scalar(
            select(WatchlistVersion.number)
            .where(WatchlistVersion.watchlist_id == watchlist.id)
            .order_by(WatchlistVersion.number.desc())
            .limit(1)
        )
        or 0
    )
    version = WatchlistVersion(watchlist_id=watchlist.id, number=number + 1, loaded_by="test")
    session.add(version)
    session.flush()
    return version


def add_entry(
    session: Session,
    watchlist: Watchlist,
    version: WatchlistVersion,
    data: dict[str, Any],
    *,
    entry_type: str = "person",
) -> WatchlistEntry:
    record = EntryRecord.model_validate({"entry_type": entry_type, **data})
    document_key = None
    if entry_type == "document":
        doc = record.documents[0]
        document_key = f"{folded_document_number(doc.number)}|{doc.country}"
    entry = WatchlistEntry(
        watchlist_id=watchlist.id,
        source_id=record.source_id,
        entry_type=entry_type,
        primary_name=record.primary_name,
        record=record.to_json(),
        content_hash=record.content_hash(),
        listed_on=record.listed_on,
        added_in_version_id=version.id,
        changed_in_version_id=version.id,
        document_key=document_key,
    )
    session.add(entry)
    session.flush()
    return entry


def change_entry(session: Session, entry: WatchlistEntry, data: dict[str, Any]) -> WatchlistVersion:
    """A new version of the entry's list in which this entry reads differently."""
    version = new_version(session, entry.watchlist)
    record = EntryRecord.model_validate({"entry_type": entry.entry_type, **data})
    entry.record = record.to_json()
    entry.content_hash = record.content_hash()
    entry.primary_name = record.primary_name
    entry.changed_in_version_id = version.id
    version.changed = 1
    session.flush()
    return version


def remove_entry(session: Session, entry: WatchlistEntry) -> WatchlistVersion:
    version = new_version(session, entry.watchlist)
    entry.removed_in_version_id = version.id
    version.removed = 1
    session.flush()
    return version


def person_entry(source_id: str, full: str, dob: str | None = None, **extra: Any) -> dict[str, Any]:
    """EntryRecord JSON for a listed person: 'Given Names SURNAME' split on the last space."""
    given, _, family = full.rpartition(" ")
    data: dict[str, Any] = {
        "source_id": source_id,
        "names": [{"full": full, "given": given or None, "family": family}],
    }
    if dob:
        y, m, d = (int(p) for p in dob.split("-"))
        data["dates_of_birth"] = [{"year": y, "month": m, "day": d}]
    data.update(extra)
    return data


def document_entry(source_id: str, number: str, country: str, status: str = "stolen") -> dict[str, Any]:
    return {
        "source_id": source_id,
        "documents": [{"number": number, "country": country, "doc_type": "passport"}],
        "document_status": status,
    }


def make_hit(
    session: Session,
    traveller: Traveller,
    entry: WatchlistEntry,
    *,
    score: float = 0.93,
    status: str = "open",
    severity: str = "high",
) -> Hit:
    """A watchlist hit as screening records it, for vetting tests that start from an existing hit."""
    hit = Hit(
        traveller_id=traveller.id,
        flight_id=traveller.flight_id,
        kind="watchlist",
        subject_key=f"entry:{entry.id}",
        entry_id=entry.id,
        watchlist_id=entry.watchlist_id,
        list_version_id=entry.changed_in_version_id,
        entry_content_hash=entry.content_hash,
        score=score,
        summary=f"{traveller.full_name} ~ {entry.primary_name}",
        explanation={"names": "test"},
        category=entry.watchlist.category,
        severity=severity,
        status=status,
    )
    session.add(hit)
    session.flush()
    return hit


ZONES = {
    "MAD": "Europe/Madrid",
    "MEX": "America/Mexico_City",
    "CUN": "America/Cancun",
    "GDL": "America/Mexico_City",
}


def _esc(text: str) -> str:
    return "".join("?" + c if c in "?'+:" else c for c in text)


def _local(moment: datetime, airport: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(ZONES[airport])).strftime("%y%m%d%H%M")


def paxlst(
    people: list[Person],
    *,
    arrival: datetime,
    carrier: str = "AM",
    number: str = "645",
    origin: str = "MAD",
    airport: str = "MEX",
    ref: str = "1",
    crew: bool = False,
    expiry: date = date(2031, 1, 1),
) -> bytes:
    """A PAXLST D05B manifest (passengers, or crew when `crew`) for one flight, as an airline sends it."""
    departure = arrival - timedelta(hours=11)
    code = f"{carrier}{number}"
    segs = [
        "UNB+UNOA:4+AMAPI:ZZ+MXAPI:ZZ+250701:0900+" + ref,
        "UNG+PAXLST+AMAPI+MXAPI+250701:0900+1+UN+D:05B",
        f"UNH+M{ref}+PAXLST:D:05B:UN:IATA+{code}/{ref}+01:F",
        "BGM+250" if crew else "BGM+745",
        "NAD+MS+++OPS CONTROL",
        f"TDT+20+{code}+++{carrier}",
        f"LOC+125+{origin}",
        f"DTM+189:{_local(departure, origin)}:201",
        f"LOC+87+{airport}",
        f"DTM+232:{_local(arrival, airport)}:201",
    ]
    for person in people:
        segs.append(f"NAD+{'FM' if crew else 'FL'}+++{_esc(person.surname)}:{_esc(person.given_names)}")
        if person.gender:
            segs.append(f"ATT+2++{person.gender}")
        if person.date_of_birth:
            segs.append(f"DTM+329:{person.date_of_birth:%y%m%d}")
        if person.nationality:
            segs.append(f"NAT+2+{person.nationality}")
        if person.document:
            segs.append(f"DOC+P:110:111+{person.document}")
            segs.append(f"DTM+36:{expiry:%y%m%d}")
            if person.country:
                segs.append(f"LOC+91+{person.country}")
    segs.append(f"CNT+{41 if crew else 42}:{len(people)}")
    body_count = len(segs) - 1  # UNH .. CNT (UNB, UNG excluded), plus UNT itself
    segs.append(f"UNT+{body_count}+M{ref}")
    segs += ["UNE+1+1", "UNZ+1+" + ref]
    return ("UNA:+.? '\n" + "'\n".join(segs) + "'\n").encode()


LIST_HEADER = (
    "source_id,full_name,given_names,surname,paternal_surname,maternal_surname,aliases,dates_of_birth,"
    "place_of_birth,nationalities,gender,documents,warrant_number,issuing_authority,offence,"
    "extradition_request,caution,remarks,listed_on"
)


def wanted_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A paxvet-csv agency list (see TEAM.md for the columns)."""
    import csv

    columns = LIST_HEADER.split(",")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def documents_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    columns = ["source_id", "document_number", "document_type", "issuing_country", "reported_on", "status"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


@dataclass
class Booked:
    """A traveller on a PNR. `document` goes into SSR DOCS with the name printed in it (`doc_surname`,
    `doc_given`, by default the booked name): a passport under another name is an alias screening uses."""

    surname: str
    given_names: str
    date_of_birth: date | None = None
    document: str | None = None
    country: str = "MEX"
    gender: str = "M"
    doc_surname: str | None = None
    doc_given: str | None = None


def _docs_date(value: date) -> str:
    return value.strftime("%d%b%y").upper()


def _tvl(departure: datetime, arrival: datetime, origin: str, airport: str) -> str:
    dep, arr = _local(departure, origin), _local(arrival, airport)
    return f"{dep[4:6]}{dep[2:4]}{dep[:2]}:{dep[6:]}:{arr[4:6]}{arr[2:4]}{arr[:2]}:{arr[6:]}"


def pnrgov(
    bookings: dict[str, list[Booked]],
    *,
    arrival: datetime,
    carrier: str = "AM",
    number: str = "645",
    origin: str = "MAD",
    airport: str = "MEX",
    ref: str = "1",
    update: bool = False,
) -> bytes:
    """A PNRGOV 13.1 push (full, or an update) of these bookings (record locator -> travellers) for the
    flight `paxlst(...)` with the same carrier, number, airports and arrival describes."""
    times = _tvl(arrival - timedelta(hours=11), arrival, origin, airport)
    segs = [
        f"UNB+IATA:1+{carrier}+MXPNRGOV+250601:0800+{ref}++PNRGOV",
        f"UNG+PNRGOV+{carrier}+MXPNRGOV+250601:0800+{ref}+IA+13:1",
        f"UNH+1+PNRGOV:13:1:IA+{carrier}{number}/{ref}+01:F",
        "MSG+:141" if update else "MSG+:22",
        f"ORG+{carrier}:{airport}",
        f"TVL+{times}+{origin}+{airport}+{carrier}+{number}",
        f"EQN+{len(bookings)}",
    ]
    for locator, people in bookings.items():
        segs += ["SRC", f"RCI+{carrier}:{locator}"]
        for n, person in enumerate(people, start=1):
            segs.append(f"TIF+{_esc(person.surname)}+{_esc(person.given_names)}:A:{n}")
            if person.document:
                dob = _docs_date(person.date_of_birth) if person.date_of_birth else ""
                surname = _esc(person.doc_surname or person.surname)
                given = _esc(person.doc_given or person.given_names)
                segs.append(
                    f"SSR+DOCS:HK:1:{carrier}:::::/P/{person.country}/{person.document}/{person.country}/"
                    f"{dob}/{person.gender}/01JAN31/{surname}/{given}+::{n}"
                )
        segs.append(f"TVL+{times}+{origin}+{airport}+{carrier}+{number}:Y")
    segs.append(f"UNT+{len(segs) - 1}+1")
    segs += [f"UNE+1+{ref}", f"UNZ+1+{ref}"]
    return ("UNA:+.?*'\n" + "'\n".join(segs) + "'\n").encode()
