"""Screening uses what PNRs add (issue 5, item 4): the names, dates of birth and documents of a traveller's
bookings are screened next to the API record, one hit per traveller x entry (the best identity wins and
the explanation names it); PNR-only travellers are screened; a PNR push that adds an identity to an
already-screened traveller raises the hit; retro-screening and crash recovery see PNR identities too.
Every test runs on SQLite and PostgreSQL; pushes are built by `screening_factories.pnrgov`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from screening_factories import Booked, Person, documents_csv, paxlst, pnrgov, wanted_csv
from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.bookings.service import identity_variants
from paxvet.db import utcnow
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive
from paxvet.screening.identities import pnr_identities
from paxvet.screening.models import Hit
from paxvet.screening.retro import rescreen
from paxvet.screening.service import pending_traveller_ids, screen_after_ingest, screen_pending
from paxvet.watchlists.service import load_list

GUZMAN = {
    "source_id": "MX-001",
    "given_names": "Joaquin",
    "surname": "Guzman Loera",
    "dates_of_birth": "1957-04-04",
    "gender": "M",
}
CARO = {
    "source_id": "MX-002",
    "given_names": "Rafael",
    "surname": "Caro Quintero",
    "dates_of_birth": "1952-10-24",
}
ARRIVAL = utcnow().replace(second=0, microsecond=0) + timedelta(hours=3)
# Juan Perez on the manifest; the passport his booking gives is in Guzman's name (an alias)
PEREZ = Person("PEREZ", "JUAN", date(1957, 4, 4), "P1112223")
PEREZ_BOOKED = Booked(
    "PEREZ", "JUAN", date(1957, 4, 4), "P1112223", doc_surname="GUZMAN LOERA", doc_given="JOAQUIN"
)
OTHERS = [Person("LOPEZ", "ANA", date(1981, 2, 10), "C0000001", gender="F")]


@pytest.fixture
def lists(session: Session, tmp_path: Path) -> Path:
    wanted_csv(tmp_path / "wanted.csv", [GUZMAN, CARO])
    documents_csv(
        tmp_path / "lost.csv",
        [{"source_id": "D-1", "document_number": "X9988776", "issuing_country": "ESP", "status": "stolen"}],
    )
    load_list(
        session, "paxvet-csv", tmp_path / "wanted.csv", "FGR-WANTED", severity="critical", owner="MX-FGR"
    )
    load_list(session, "documents-csv", tmp_path / "lost.csv", "SRE-LOST", owner="MX-SRE")
    return tmp_path


def ingest(session: Session, data: bytes, source: str) -> list[Hit]:
    result = receive(session, data, source)
    assert not result.quarantined and all(m.status == "processed" for m in result.messages), result.messages
    screen_after_ingest(session, result)
    return list(session.scalars(select(Hit).order_by(Hit.id)))


def manifest(people: list[Person], arrival: datetime = ARRIVAL, ref: str = "1") -> bytes:
    return paxlst(people, arrival=arrival, ref=ref)


def push(bookings: dict[str, list[Booked]], ref: str = "9", update: bool = False) -> bytes:
    return pnrgov(bookings, arrival=ARRIVAL, ref=ref, update=update)


def test_a_pnr_push_adding_an_alias_raises_the_hit_on_the_screened_api_traveller(
    session: Session, lists: Path
) -> None:
    assert ingest(session, manifest([PEREZ, *OTHERS]), "api.edi") == []
    (hit,) = ingest(session, push({"ABC123": [PEREZ_BOOKED]}), "pnr.edi")
    perez = session.scalars(select(Traveller).where(Traveller.surname == "PEREZ")).one()
    assert (hit.traveller_id, hit.entry.source_id, hit.status) == (perez.id, "MX-001", "open")
    assert perez.source == "api+pnr"
    assert hit.explanation is not None and hit.explanation["identity"] == "PNR AM/ABC123"
    assert "matched the PNR AM/ABC123 identity" in hit.summary and hit.score >= 0.9
    # the same push again, an update push, a second manifest: the same one hit
    again = ingest(session, push({"ABC123": [PEREZ_BOOKED]}, ref="10", update=True), "pnr2.edi")
    assert [(h.id, h.status) for h in again] == [(hit.id, "open")], [h.status_reason for h in again]
    again = ingest(session, manifest([PEREZ, *OTHERS], ref="2"), "api2.edi")
    assert [(h.id, h.status) for h in again] == [(hit.id, "open")]


def test_the_best_identity_wins_and_is_named(session: Session, lists: Path) -> None:
    """The API record matches Caro exactly; the booking's alias matches Guzman: two entries, two hits, each
    citing the identity that matched it. Where both match one entry, the better score is kept."""
    caro = Person("CARO QUINTERO", "RAFAEL", date(1952, 10, 24), "R7654321")
    booked = Booked(
        "CARO QUINTERO",
        "RAFAEL",
        date(1957, 4, 4),
        "R7654321",
        doc_surname="GUZMAN LOERA",
        doc_given="JOAQUIN",
    )
    ingest(session, manifest([caro]), "api.edi")
    found = ingest(session, push({"QQQ111": [booked]}), "pnr.edi")
    identity = {h.entry.source_id: (h.explanation or {}).get("identity") for h in found}
    assert identity == {"MX-002": "API", "MX-001": "PNR AM/QQQ111"}
    assert len({h.traveller_id for h in found}) == 1


def test_a_pnr_only_traveller_is_screened(session: Session, lists: Path) -> None:
    ingest(session, manifest(OTHERS), "api.edi")
    booked = Booked("GUZMAN LOERA", "JOAQUIN", date(1957, 4, 4), "G9999999")
    (hit,) = ingest(session, push({"ZZZ999": [booked]}), "pnr.edi")
    traveller = session.get(Traveller, hit.traveller_id)
    assert traveller is not None and traveller.source == "pnr" and hit.entry.source_id == "MX-001"
    assert hit.explanation is not None and hit.explanation["identity"] == "PNR"  # its own row is PNR data


def test_a_document_the_pnr_gives_is_checked_against_lost_and_stolen_lists(
    session: Session, lists: Path
) -> None:
    ingest(session, manifest([PEREZ]), "api.edi")
    second = Booked("PEREZ", "JUAN", date(1957, 4, 4), "X9988776", country="ESP")
    (hit,) = ingest(session, push({"DOC777": [second]}), "pnr.edi")
    assert hit.kind == "lost_stolen_document" and hit.explanation is not None
    assert hit.explanation["identity"] == "PNR AM/DOC777" and "given by PNR AM/DOC777" in hit.summary


def test_retro_screening_finds_a_new_entry_through_a_pnr_identity(session: Session, lists: Path) -> None:
    ovidio = {
        "source_id": "MX-003",
        "given_names": "Ovidio",
        "surname": "Guzman Lopez",
        "dates_of_birth": "1990-03-29",
    }
    ingest(session, manifest([Person("RUIZ", "PABLO", date(1990, 3, 29), "R1000001"), *OTHERS]), "api.edi")
    booked = Booked(
        "RUIZ", "PABLO", date(1990, 3, 29), "R1000001", doc_surname="GUZMAN LOPEZ", doc_given="OVIDIO"
    )
    assert ingest(session, push({"RET001": [booked]}), "pnr.edi") == []
    wanted_csv(lists / "wanted.csv", [GUZMAN, CARO, ovidio])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    report = rescreen(session, "FGR-WANTED")
    (hit,) = session.scalars(select(Hit)).all()
    assert report.new_hits == 1 and hit.entry.source_id == "MX-003"
    assert hit.explanation is not None and hit.explanation["identity"] == "PNR AM/RET001"


def test_a_pnr_push_stored_but_not_screened_is_screened_after_a_crash(session: Session, lists: Path) -> None:
    ingest(session, manifest([PEREZ, *OTHERS]), "api.edi")
    assert pending_traveller_ids(session) == []
    result = receive(session, push({"ABC123": [PEREZ_BOOKED]}), "pnr.edi")  # the process dies here
    assert pending_traveller_ids(session) == sorted(result.traveller_ids)
    report = screen_pending(session)
    assert report is not None and report.new_hits == 1
    assert pending_traveller_ids(session) == [] and screen_pending(session) is None


def test_batch_identities_are_the_bookings_domains_identity_variants(session: Session, lists: Path) -> None:
    ingest(session, manifest([PEREZ, *OTHERS]), "api.edi")
    ingest(
        session,
        push({"ABC123": [PEREZ_BOOKED], "DEF456": [Booked("PEREZ", "JUAN", date(1957, 4, 5), "P1112223")]}),
        "pnr.edi",
    )
    ids = list(session.scalars(select(Traveller.id).order_by(Traveller.id)))
    batch = pnr_identities(session, ids)
    for traveller_id in ids:
        expected = sorted(identity_variants(session, traveller_id), key=lambda r: r.key)
        assert [i.record for i in batch.get(traveller_id, [])] == expected
    assert sum(len(v) for v in batch.values()) == 2


def test_a_decided_pnr_only_hit_survives_the_api_manifest_that_merges_the_traveller(
    session: Session, lists: Path
) -> None:
    from paxvet.vetting.service import decide, history

    ingest(session, manifest(OTHERS), "api.edi")
    booked = Booked("GUZMAN LOERA", "JOAQUIN", date(1957, 4, 4), "G9999999")
    (hit,) = ingest(session, push({"ZZZ999": [booked]}), "pnr.edi")
    decide(session, hit.id, "needs_info", "ask the airline for the passport scan", "officer.ruiz")
    guzman = Person("GUZMAN LOERA", "JOAQUIN ARCHIVALDO", date(1957, 4, 4), "G9999999")  # another key
    found = ingest(session, manifest([guzman, *OTHERS], ref="2"), "api2.edi")
    api = session.scalars(select(Traveller).where(Traveller.surname == "GUZMAN LOERA")).one()
    assert api.source in ("api", "api+pnr")
    assert [(h.id, h.traveller_id, h.status) for h in found] == [(hit.id, api.id, "needs_info")]
    assert [d.disposition for d in history(session, hit.id)] == ["needs_info"]


def test_a_flight_known_only_from_pnr_has_its_arrival_so_retro_screening_covers_it(
    session: Session, lists: Path
) -> None:
    booked = Booked("GUZMAN LOPEZ", "OVIDIO", date(1990, 3, 29), "O5555555")
    assert ingest(session, push({"PNR001": [booked]}), "pnr.edi") == []  # no API for the flight yet
    traveller = session.scalars(select(Traveller)).one()
    arrival = traveller.flight.scheduled_arrival_utc
    assert arrival is not None and abs((arrival - ARRIVAL).total_seconds()) < 60
    ovidio = {
        "source_id": "MX-003",
        "given_names": "Ovidio",
        "surname": "Guzman Lopez",
        "dates_of_birth": "1990-03-29",
    }
    wanted_csv(lists / "wanted.csv", [GUZMAN, CARO, ovidio])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    assert rescreen(session, "FGR-WANTED").new_hits == 1
