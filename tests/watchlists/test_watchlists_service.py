"""Loading versions, deltas and the reads screening depends on, on every database backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paxvet.audit.models import AuditEvent
from paxvet.audit.service import verify_chain
from paxvet.errors import InvalidInput, NotFound
from paxvet.match.records import DateRange, Document, PartialDate
from paxvet.watchlists import service
from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "watchlists"
HEADER = "source_id,full_name,dates_of_birth,nationalities,gender,documents\n"


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def load(session: Session, path: Path, name: str = "wanted", **kwargs: str) -> service.LoadReport:
    return service.load_list(session, "paxvet-csv", path, name, loaded_by="officer1", **kwargs)


def names_of(session: Session, ids: list[int]) -> list[str]:
    rows = session.scalars(select(WatchlistEntry.source_id).where(WatchlistEntry.id.in_(ids)))
    return sorted(rows)


def test_first_load_creates_the_list(session: Session) -> None:
    report = load(
        session, FIXTURES / "paxvet" / "wanted.csv", category="wanted", severity="critical", owner="FGR-MX"
    )
    assert report.created and report.version_number == 1
    assert (report.entries, report.added, report.changed, report.removed) == (3, 3, 0, 0)
    watchlist = session.scalar(select(Watchlist).filter_by(name="wanted"))
    assert watchlist is not None
    assert (watchlist.category, watchlist.default_severity) == ("wanted", "critical")
    assert (watchlist.owner_agency, watchlist.source_format) == ("FGR-MX", "paxvet-csv")
    entry = session.scalar(select(WatchlistEntry).filter_by(source_id="W-0001"))
    assert entry is not None and entry.primary_name == "José Luis Pérez Núñez"
    assert entry.record["warrant_number"] == "OA-2024-118" and len(entry.content_hash) == 64


def test_delta_across_versions(session: Session, tmp_path: Path) -> None:
    v1 = load(
        session,
        write(tmp_path, "v1.csv", ["A,Ann Alpha,1970,MX,F,", "B,Bob Beta,1971,,M,", "C,Cy Gamma,,,,"]),
    )
    v2 = load(
        session,
        write(
            tmp_path, "v2.csv", ["A,Ann Alpha,1970,MX,F,", "B,Bob Beta,1971-05,,M,", "D,Di Delta,1980,,F,"]
        ),
    )
    assert (v2.version_number, v2.added, v2.changed, v2.removed, v2.unchanged) == (2, 1, 1, 1, 1)
    delta = service.version_delta(session, v2.version_id)
    assert names_of(session, delta.added_ids) == ["D"]
    assert names_of(session, delta.changed_ids) == ["B"]
    assert names_of(session, delta.removed_ids) == ["C"]
    first = service.version_delta(session, v1.version_id)
    assert names_of(session, first.added_ids) == ["A", "B", "C"] and not first.changed_ids
    # C is listed again in v3: added back, same row, and the older versions' deltas stay as they were
    v3 = load(
        session,
        write(
            tmp_path,
            "v3.csv",
            ["A,Ann Alpha,1970,MX,F,", "B,Bob Beta,1971-05,,M,", "C,Cy Gamma,,,,", "D,Di Delta,1980,,F,"],
        ),
    )
    assert (v3.added, v3.changed, v3.removed, v3.unchanged) == (1, 0, 0, 3)
    assert names_of(session, service.version_delta(session, v3.version_id).added_ids) == ["C"]
    assert names_of(session, service.version_delta(session, v2.version_id).removed_ids) == ["C"]
    assert session.scalar(select(func.count()).select_from(WatchlistEntry)) == 4  # rows are never duplicated


def test_changed_entry_keeps_its_previous_content(session: Session, tmp_path: Path) -> None:
    from paxvet.watchlists.models import WatchlistEntryChange

    load(session, write(tmp_path, "v1.csv", ["A,Ann Alpha,1970,,,"]))
    load(session, write(tmp_path, "v2.csv", ["A,Ann Alpha,1970|1971,,,"]))
    change = session.scalar(select(WatchlistEntryChange).filter_by(change="changed"))
    assert change is not None and change.previous_record is not None
    assert change.previous_record["dates_of_birth"] == [{"year": 1970}]


def test_bad_file_loads_nothing(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        load(session, FIXTURES / "paxvet" / "wanted_bad.csv")
    assert "nothing was loaded" in caught.value.message
    assert len(caught.value.problems) == 8 and all("line" in p.location for p in caught.value.problems)
    assert session.scalar(select(func.count()).select_from(Watchlist)) == 0
    assert session.scalar(select(func.count()).select_from(WatchlistVersion)) == 0


def test_invalid_category_and_severity(session: Session) -> None:
    with pytest.raises(InvalidInput, match="category 'pirates'"):
        load(session, FIXTURES / "paxvet" / "wanted.csv", category="pirates")
    with pytest.raises(InvalidInput, match="severity 'extreme'"):
        load(session, FIXTURES / "paxvet" / "wanted.csv", severity="extreme")


def test_load_is_audited(session: Session) -> None:
    report = load(session, FIXTURES / "paxvet" / "wanted.csv")
    event = session.scalar(select(AuditEvent).filter_by(action="watchlist:version:loaded"))
    assert event is not None and event.actor == "officer1" and event.subject_id == str(report.version_id)
    assert event.details["added"] == 3 and event.details["list"] == "wanted"
    assert verify_chain(session).ok


def test_screening_entries(session: Session) -> None:
    load(session, FIXTURES / "paxvet" / "wanted.csv", severity="critical", owner="FGR-MX")
    service.load_list(session, "un-xml", FIXTURES / "un" / "un_small.xml", "un", category="terrorism")
    service.load_list(session, "documents-csv", FIXTURES / "documents" / "lost_stolen.csv", "sltd")
    entries = service.screening_entries(session)
    assert [e.source_id for e in entries] == ["W-0001", "W-0002", "W-0003", "9000001", "9000002"]
    jose = entries[0]
    assert (jose.list_name, jose.owner_agency, jose.category, jose.severity) == (
        "wanted", "FGR-MX", "wanted", "critical",
    )  # fmt: skip
    assert jose.record.key == str(jose.entry_id) and jose.record.gender == "M"
    assert jose.record.nationalities == ("MEX", "USA")
    assert jose.record.dates_of_birth == (PartialDate(1970, 3, 15), PartialDate(1971, circa=True))
    assert Document(number="G12345678", country="MEX", doc_type="passport") in jose.record.documents
    khalid = entries[3]
    assert khalid.category == "terrorism" and khalid.severity == "high"
    assert DateRange(1969, 1973) in khalid.record.dates_of_birth
    assert [n.kind for n in khalid.record.names] == ["primary", "original_script", "alias", "weak"]
    assert [e.source_id for e in service.screening_entries(session, ["un"])] == ["9000001", "9000002"]


def test_inactive_lists_and_removed_entries_are_not_screened(session: Session, tmp_path: Path) -> None:
    load(session, write(tmp_path, "v1.csv", ["A,Ann Alpha,,,,", "B,Bob Beta,,,,"]))
    load(session, write(tmp_path, "v2.csv", ["A,Ann Alpha,,,,"]))
    assert [e.source_id for e in service.screening_entries(session)] == ["A"]
    watchlist = service.get_list(session, "wanted")
    watchlist.active = False
    session.flush()
    assert service.screening_entries(session) == []


def test_document_entries_keyed_by_folded_number(session: Session) -> None:
    service.load_list(session, "documents-csv", FIXTURES / "documents" / "lost_stolen.csv", "sltd")
    documents = service.document_entries(session)
    assert set(documents) == {"X1234567|MEX", "A812345|GBR", "0011555|USA"}
    stolen = documents["X1234567|MEX"]
    assert stolen.category == "lost_stolen_document" and stolen.record.extra["document_status"] == "stolen"
    assert stolen.record.documents == (Document(number="X1234567", country="MEX", doc_type="passport"),)


def test_summaries_and_search(session: Session, tmp_path: Path) -> None:
    load(session, FIXTURES / "paxvet" / "wanted.csv")
    load(session, FIXTURES / "paxvet" / "wanted.csv")
    (summary,) = service.list_summaries(session)
    assert (summary.name, summary.version, summary.entries) == ("wanted", 2, 3)
    assert [e.source_id for e in service.entry_search(session, "wanted", "pepe")] == ["W-0001"]  # an alias
    assert [e.source_id for e in service.entry_search(session, "wanted", "W-0003")] == ["W-0003"]
    assert [e.source_id for e in service.entry_search(session, "wanted", "RUIZ de la")] == ["W-0002"]
    with pytest.raises(NotFound, match="no list named 'nope'"):
        service.entry_search(session, "nope", "x")


def test_unknown_version(session: Session) -> None:
    with pytest.raises(NotFound):
        service.version_delta(session, 999)


def test_screening_entries_follow_new_versions(session: Session, tmp_path: Path) -> None:
    load(session, write(tmp_path, "v1.csv", ["A,Ann Alpha,,,,"]))
    first = service.screening_entries(session)
    assert service.screening_entries(session) == first  # served from memory, same content
    load(session, write(tmp_path, "v2.csv", ["A,Ann Alpha,,,,", "B,Bob Beta,1971,,M,"]))
    assert [e.source_id for e in service.screening_entries(session)] == ["A", "B"]
    service.get_list(session, "wanted").default_severity = "low"
    session.flush()
    assert {e.severity for e in service.screening_entries(session)} == {"low"}


def test_update_list_is_audited(session: Session) -> None:
    load(session, FIXTURES / "paxvet" / "wanted.csv")
    service.update_list(session, "wanted", threshold=0.85, active=False, changed_by="supervisor")
    event = session.scalar(select(AuditEvent).filter_by(action="watchlist:list:updated"))
    assert event is not None and event.actor == "supervisor"
    assert event.details["before"]["active"] is True and event.details["after"]["threshold"] == 0.85
    assert service.screening_entries(session) == []
    with pytest.raises(InvalidInput):
        service.update_list(session, "wanted", category="pirates")


def test_delta_matches_a_model_over_random_versions(session: Session, tmp_path: Path) -> None:
    """Five random versions of a 40-person list: every delta equals what a plain set comparison says."""
    import random

    rng = random.Random(11)
    previous: dict[str, str] = {}
    for number in range(1, 6):
        current = {
            f"P{i}": f"Person {i},{rng.choice(['1970', '1971'])}" for i in range(40) if rng.random() < 0.7
        }
        path = write(tmp_path, f"v{number}.csv", [f"{k},{v},,," for k, v in sorted(current.items())])
        report = load(session, path)
        delta = service.version_delta(session, report.version_id)
        assert names_of(session, delta.added_ids) == sorted(set(current) - set(previous))
        assert names_of(session, delta.removed_ids) == sorted(set(previous) - set(current))
        expected_changed = sorted(k for k in set(current) & set(previous) if current[k] != previous[k])
        assert names_of(session, delta.changed_ids) == expected_changed
        assert report.unchanged == len(set(current) & set(previous)) - len(expected_changed)
        active = {e.source_id for e in service.screening_entries(session)}
        assert active == set(current)
        previous = current
