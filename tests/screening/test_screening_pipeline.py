"""Manifests in, hits out: live screening, one hit per traveller x entry, the allow-list, retro-screening
and withdrawals, on every database backend. Lists go through the WATCHLISTS service, manifests through
INGEST's `receive`, exactly as in production."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from screening_factories import (
    Person,
    documents_csv,
    make_flight,
    paxlst,
    wanted_csv,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.db import utcnow
from paxvet.errors import Conflict, NotFound
from paxvet.flights.models import Traveller
from paxvet.ingest.service import receive
from paxvet.screening.lists import active_lists
from paxvet.screening.models import Hit, ScreeningMark, ScreeningRun
from paxvet.screening.retro import rescreen
from paxvet.screening.service import (
    mark_screened,
    pending_traveller_ids,
    screen_after_ingest,
    screen_pending,
    screen_travellers,
)
from paxvet.screening.travellers import load_travellers
from paxvet.vetting.models import Suppression
from paxvet.vetting.service import decide
from paxvet.watchlists.service import load_list

GUZMAN = {
    "source_id": "MX-001",
    "given_names": "Joaquin Archivaldo",
    "surname": "Guzman Loera",
    "dates_of_birth": "1957-04-04",
    "nationalities": "MX",
    "gender": "M",
    "warrant_number": "OA-1",
    "extradition_request": "yes",
}
CARO = {
    "source_id": "MX-002",
    "given_names": "Rafael",
    "surname": "Caro Quintero",
    "dates_of_birth": "1952-10-24",
}
PILOT = {
    "source_id": "MX-003",
    "given_names": "Ovidio",
    "surname": "Guzman Lopez",
    "dates_of_birth": "1990-03-29",
}


def guzman(document: str = "G1234567", given: str = "JOAQUIN") -> Person:
    return Person("GUZMAN LOERA", given, date(1957, 4, 4), document)


def clean(n: int) -> list[Person]:
    names = [
        ("PEREZ", "ANA"),
        ("LOPEZ", "JUAN"),
        ("MARTINEZ", "SOFIA"),
        ("HERNANDEZ", "LUIS"),
        ("GARCIA", "EVA"),
    ]
    return [Person(s, g, date(1980 + i, 1 + i, 10), f"C{i:07d}") for i, (s, g) in enumerate(names[:n])]


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


def ingest(session: Session, data: bytes, source: str = "manifest.edi") -> list[Hit]:
    result = receive(session, data, source)
    assert not result.quarantined, result.problems
    screen_after_ingest(session, result)
    return hits(session)


def hits(session: Session) -> list[Hit]:
    return list(session.scalars(select(Hit).order_by(Hit.id)))


def soon(hours: float = 3) -> datetime:
    return utcnow() + timedelta(hours=hours)


def test_a_manifest_with_planted_people_gives_exactly_the_expected_hits(
    session: Session, lists: Path
) -> None:
    people = [guzman(), Person("PEREZ", "ANA", date(1990, 1, 2), "X9988776", country="ESP", gender="F")]
    found = ingest(session, paxlst(people + clean(4), arrival=soon()))
    assert sorted((h.kind, h.entry.source_id if h.entry else None) for h in found) == [
        ("lost_stolen_document", "D-1"),
        ("watchlist", "MX-001"),
    ]
    wanted = next(h for h in found if h.kind == "watchlist")
    assert wanted.traveller.surname == "GUZMAN LOERA"
    assert (wanted.category, wanted.severity, wanted.status) == ("wanted", "critical", "open")
    assert wanted.score >= 0.9 and "Guzman" in wanted.summary
    assert wanted.explanation is not None and wanted.explanation["date_of_birth"]
    assert wanted.list_version_id is not None and wanted.entry_content_hash == wanted.entry.content_hash
    stolen = next(h for h in found if h.kind == "lost_stolen_document")
    assert (stolen.category, stolen.score) == ("lost_stolen_document", 1.0)


def test_crew_are_screened_too(session: Session, lists: Path) -> None:
    crew = [Person("CARO QUINTERO", "RAFAEL", date(1952, 10, 24), "P555", role="crew")]
    (hit,) = ingest(session, paxlst(crew, arrival=soon(), crew=True))
    assert hit.traveller.role == "crew" and hit.entry.source_id == "MX-002"


def test_an_update_push_adds_no_duplicates(session: Session, lists: Path) -> None:
    arrival = soon()
    first = ingest(session, paxlst([guzman(), *clean(2)], arrival=arrival, ref="1"))
    travellers = session.scalar(select(func.count()).select_from(Traveller))
    second = ingest(session, paxlst([guzman(), *clean(3)], arrival=arrival, ref="2"), "update.edi")
    assert [h.id for h in second] == [h.id for h in first]
    assert session.scalar(select(func.count()).select_from(Traveller)) == travellers + 1
    assert session.scalar(select(func.count()).select_from(Hit)) == 1


def test_a_changed_score_updates_the_same_hit(session: Session, lists: Path) -> None:
    arrival = soon()
    (before,) = ingest(session, paxlst([guzman(given="JOAQUIN ARCHIVALDO")], arrival=arrival, ref="1"))
    score = before.score
    traveller = before.traveller
    traveller.date_of_birth = date(1957, 4, 5)  # a corrected date of birth on a later push
    screen_travellers(session, [traveller.id])
    (after,) = hits(session)
    assert after.id == before.id and after.score < score


def test_document_findings_become_hits_of_their_own_kind(session: Session, lists: Path) -> None:
    finding = {"code": "expired", "message": "expired on 2020-01-01", "severity": "error"}
    flight = make_flight(session, [Person("RUIZ", "LUZ", date(1985, 6, 6), "E1", findings=[finding])])
    report = screen_travellers(session, [t.id for t in flight.travellers])
    (hit,) = hits(session)
    assert (hit.kind, hit.subject_key.split(":")[-1], hit.severity) == (
        "document_finding",
        "expired",
        "medium",
    )
    assert report.new_hits == 1
    screen_travellers(session, [t.id for t in flight.travellers])
    assert len(hits(session)) == 1


def test_a_false_positive_suppresses_on_the_next_push_and_lapses_when_the_entry_changes(
    session: Session, lists: Path
) -> None:
    (first,) = ingest(session, paxlst([guzman()], arrival=soon(), ref="1"))
    decision = decide(
        session, first.id, "false_positive", "retired teacher, not the fugitive", "officer.ruiz"
    )
    (suppression,) = decision.suppressions
    # the same person (same passport and date of birth) on another flight
    later = ingest(session, paxlst([guzman()], arrival=soon(30), number="17", ref="3"), "next.edi")
    second = later[-1]
    assert second.id != first.id
    assert second.status == "suppressed" and second.suppressed_by_id == suppression.id
    assert "officer.ruiz" in (second.status_reason or "") and f"hit {first.id}" in (
        second.status_reason or ""
    )
    # the agency changes the entry: the earlier decision no longer covers it
    wanted_csv(lists / "wanted.csv", [{**GUZMAN, "aliases": "El Chapo"}, CARO])
    version = load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    report = rescreen(session, version.version_id)
    session.refresh(second)
    session.refresh(first)
    assert second.status == "open" and second.suppressed_by_id is None
    assert first.status == "open" and "entry changed" in (first.status_reason or "")
    assert report.updated_hits == 2


def test_a_false_positive_holds_on_the_next_push_of_the_same_flight(session: Session, lists: Path) -> None:
    arrival = soon()
    (first,) = ingest(session, paxlst([guzman(), *clean(2)], arrival=arrival, ref="1"))
    decide(session, first.id, "false_positive", "retired teacher, not the fugitive", "officer.ruiz")
    again = ingest(session, paxlst([guzman(), *clean(3)], arrival=arrival, ref="2"), "update.edi")
    assert [(h.id, h.status) for h in again] == [
        (first.id, "false_positive")
    ]  # neither re-opened nor doubled


def test_another_person_with_the_same_name_is_not_suppressed(session: Session, lists: Path) -> None:
    (first,) = ingest(session, paxlst([guzman()], arrival=soon(), ref="1"))
    decide(session, first.id, "false_positive", "not him", "officer.ruiz")
    other = ingest(
        session, paxlst([guzman(document="Z7777777")], arrival=soon(5), number="9", ref="2"), "b.edi"
    )
    assert other[-1].status == "open"


def test_expired_and_revoked_suppressions_no_longer_suppress(session: Session, lists: Path) -> None:
    (first,) = ingest(session, paxlst([guzman()], arrival=soon(), ref="1"))
    (suppression,) = decide(session, first.id, "false_positive", "not him", "officer.ruiz").suppressions
    suppression.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    found = ingest(session, paxlst([guzman()], arrival=soon(8), number="9", ref="2"), "b.edi")
    assert found[-1].status == "open"


def test_retro_screening_raises_a_hit_for_a_traveller_already_in_the_window(
    session: Session, lists: Path
) -> None:
    pilot = Person("GUZMAN LOPEZ", "OVIDIO", date(1990, 3, 29), "O123")
    assert ingest(session, paxlst([pilot, *clean(3)], arrival=soon(10), ref="1")) == []
    ingest(session, paxlst([pilot], arrival=soon(24 * 5), number="99", ref="2"), "far.edi")  # outside
    ingest(session, paxlst([pilot], arrival=soon(-30), number="98", ref="3"), "past.edi")  # landed 30 h ago
    wanted_csv(lists / "wanted.csv", [GUZMAN, CARO, PILOT])
    version = load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    report = rescreen(session, "FGR-WANTED")
    (hit,) = hits(session)
    assert hit.entry.source_id == "MX-003" and hit.status == "open"
    assert hit.flight.scheduled_arrival_utc is not None
    assert report.travellers == 4 and report.new_hits == 1 and report.entries == 1
    run = session.get(ScreeningRun, report.run_id)
    assert run is not None and (run.kind, run.list_version_id, run.new_hits) == (
        "retro",
        version.version_id,
        1,
    )
    again = rescreen(session, version.version_id)
    assert again.new_hits == 0 and len(hits(session)) == 1


def test_retro_screening_runs_with_the_cyclic_collector_paused_and_gives_it_back(
    session: Session, lists: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delta's index, candidate rows and records are not walked by collector passes (paxvet.heap)."""
    import gc

    from paxvet.screening import retro

    seen: list[bool] = []
    select_candidates = retro.candidate_travellers

    def watched(*args: Any, **kwargs: Any) -> set[int]:
        seen.append(gc.isenabled())
        return select_candidates(*args, **kwargs)

    monkeypatch.setattr(retro, "candidate_travellers", watched)
    ingest(session, paxlst([Person("GUZMAN LOPEZ", "OVIDIO", date(1990, 3, 29), "O123")], arrival=soon(10)))
    wanted_csv(lists / "wanted.csv", [GUZMAN, CARO, PILOT])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    assert gc.isenabled()
    report = rescreen(session, "FGR-WANTED")
    assert seen == [False] and gc.isenabled()
    assert report.new_hits == 1


def test_a_removed_entry_withdraws_its_open_hits(session: Session, lists: Path) -> None:
    found = ingest(
        session, paxlst([guzman(), Person("CARO QUINTERO", "RAFAEL", date(1952, 10, 24))], arrival=soon())
    )
    caro = next(h for h in found if h.entry.source_id == "MX-002")
    guz = next(h for h in found if h.entry.source_id == "MX-001")
    decide(session, guz.id, "confirmed", "identity confirmed at gate", "officer.ruiz")
    wanted_csv(lists / "wanted.csv", [CARO])  # Guzman removed
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    wanted_csv(lists / "wanted.csv", [GUZMAN])  # Guzman back, Caro removed
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    report = rescreen(session, "FGR-WANTED")
    session.refresh(caro)
    session.refresh(guz)
    assert caro.status == "withdrawn" and "removed from FGR-WANTED" in (caro.status_reason or "")
    assert guz.status == "confirmed"  # an officer's decision is never overwritten
    assert report.withdrawn_hits == 1
    assert len(hits(session)) == 2  # kept, not deleted
    with pytest.raises(Conflict):
        decide(session, caro.id, "confirmed", "too late", "officer.ruiz")


def test_an_entry_changed_so_that_it_no_longer_matches_withdraws_the_open_hit(
    session: Session, lists: Path
) -> None:
    (hit,) = ingest(session, paxlst([guzman(), *clean(2)], arrival=soon()))
    # the agency corrects the date of birth: the traveller, born in 1957, is no longer within reach
    wanted_csv(lists / "wanted.csv", [{**GUZMAN, "dates_of_birth": "1999-12-31"}, CARO])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    report = rescreen(session, "FGR-WANTED")
    session.refresh(hit)
    assert hit.status == "withdrawn" and report.withdrawn_hits == 1
    assert report.scored == 1  # the holder of the hit, read although no key points to him any more


def test_unknown_list_or_version(session: Session, lists: Path) -> None:
    with pytest.raises(NotFound):
        rescreen(session, "NO-SUCH-LIST")
    with pytest.raises(NotFound):
        rescreen(session, 987654)


def test_pending_travellers_are_screened_after_a_crash(session: Session, lists: Path) -> None:
    result = receive(session, paxlst([guzman(), *clean(2)], arrival=soon()), "a.edi")
    assert sorted(pending_traveller_ids(session)) == sorted(result.traveller_ids)  # stored, not screened
    report = screen_pending(session)
    assert report is not None and report.travellers == 3 and report.new_hits == 1
    assert pending_traveller_ids(session) == []
    assert screen_pending(session) is None


def test_the_list_set_is_rebuilt_when_a_version_is_loaded(session: Session, lists: Path) -> None:
    first = active_lists(session)
    assert active_lists(session) is first
    wanted_csv(lists / "wanted.csv", [GUZMAN, CARO, PILOT])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    second = active_lists(session)
    assert second is not first and len(second.entries) == 3 and len(first.entries) == 2


def test_suppression_survives_only_with_the_same_content_hash(session: Session, lists: Path) -> None:
    (first,) = ingest(session, paxlst([guzman()], arrival=soon(), ref="1"))
    decide(session, first.id, "false_positive", "not him", "officer.ruiz")
    suppression = session.scalars(select(Suppression)).one()
    assert suppression.entry_content_hash == first.entry.content_hash


def test_a_listed_passport_number_is_found_under_another_name(session: Session, lists: Path) -> None:
    wanted_csv(lists / "wanted.csv", [{**GUZMAN, "documents": "P:G12345678:MEX"}, CARO])
    load_list(session, "paxvet-csv", lists / "wanted.csv", "FGR-WANTED")
    alias = Person("SANCHEZ", "MIGUEL", date(1957, 4, 4), "G12345678")
    (hit,) = ingest(session, paxlst([alias, *clean(3)], arrival=soon()))
    assert hit.entry.source_id == "MX-001" and hit.score >= 0.9
    assert hit.explanation is not None and hit.explanation["document"]["outcome"] == "same number"


def test_hit_counts_come_from_the_hits_themselves(session: Session, lists: Path) -> None:
    from paxvet.screening.counts import hit_counts

    arrival = soon()
    people = [guzman(), Person("PEREZ", "ANA", date(1990, 1, 2), "X9988776", country="ESP", gender="F")]
    found = ingest(session, paxlst(people, arrival=arrival, ref="1"))
    ingest(session, paxlst(people + clean(1), arrival=arrival, ref="2"), "update.edi")  # no double count
    decide(session, found[0].id, "needs_info", "ask for the passport scan", "officer.ruiz")
    decide(session, found[1].id, "false_positive", "not the stolen one", "officer.ruiz")
    (counts,) = hit_counts(session).values()
    assert counts.total == 2 and counts.awaiting_review == 1
    assert counts.by_status == {"needs_info": 1, "false_positive": 1}
    assert counts.by_kind == {"watchlist": 1, "lost_stolen_document": 1}
    assert sum(counts.by_severity.values()) == 1
    assert hit_counts(session, [found[0].flight_id + 1000]) == {}


def test_screening_marks_are_stored_as_sqlalchemy_stores_them(session: Session, lists: Path) -> None:
    """The marks' upsert goes straight to the driver on SQLite: the same message ids and time, read back
    through the model, and a second screening updates them in place."""
    result = receive(session, paxlst([guzman(), *clean(2)], arrival=soon()), "a.edi")
    at = datetime(2026, 7, 1, 9, 30, 15, 120000, tzinfo=UTC)
    views = load_travellers(session, result.traveller_ids)
    for when in (at, at + timedelta(hours=1)):
        mark_screened(session, views, when)
        session.expire_all()
        marks = session.scalars(select(ScreeningMark).order_by(ScreeningMark.traveller_id)).all()
        assert [(m.traveller_id, m.message_id, m.screened_at) for m in marks] == [
            (v.id, v.newest_message_id, when) for v in sorted(views, key=lambda v: v.id)
        ]
    assert pending_traveller_ids(session) == []


def test_travellers_load_without_their_documents_findings_when_asked(session: Session) -> None:
    """Retro-screening makes no finding hits, so it reads documents without their findings: the same
    documents, findings None."""
    from paxvet.screening.travellers import load_travellers

    flight = make_flight(session, [Person("GUZMAN LOPEZ", "OVIDIO", date(1990, 3, 29), "O123")])
    (traveller,) = flight.travellers
    traveller.documents[0].findings = [{"code": "expired", "severity": "warning"}]
    session.flush()
    (full,) = load_travellers(session, [traveller.id])
    (lean,) = load_travellers(session, [traveller.id], findings=False)
    assert full.documents[0].findings == [{"code": "expired", "severity": "warning"}]
    assert [(d.id, d.number, d.issuing_country, d.findings) for d in lean.documents] == [
        (full.documents[0].id, full.documents[0].number, full.documents[0].issuing_country, None)
    ]
