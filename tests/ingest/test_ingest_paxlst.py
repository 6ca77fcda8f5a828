"""Receiving our own PAXLST fixtures: raw store, mapping, later pushes, multi-part, quarantine, replay."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import permutations
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import FIXTURES
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.flights.service import find_flights, traveller_dicts
from paxvet.ingest.models import DUPLICATE, PROCESSED, QUARANTINED, REPLAYED, RawMessage, ReceivedFile
from paxvet.ingest.service import ReceiveResult, receive, replay

PAXLST = FIXTURES / "paxlst"


def _receive(session: Session, name: str) -> ReceiveResult:
    return receive(session, (PAXLST / name).read_bytes(), str(PAXLST / name))


def _travellers(session: Session, code: str, day: date) -> list[dict[str, object]]:
    flights = find_flights(session, code, day)
    return traveller_dicts(session, [f.id for f in flights])


def test_basic_message_maps_flight_travellers_and_documents(session: Session) -> None:
    result = _receive(session, "basic_d05b.edi")
    assert [m.status for m in result.messages] == [PROCESSED]
    assert result.problems == []
    (flight,) = session.scalars(select(Flight)).all()
    assert (flight.code, flight.airport, flight.flight_date, flight.origin) == (
        "XY100",
        "MEX",
        date(2025, 7, 1),
        "LHR",
    )
    # MEX is UTC-6 all year; LHR is UTC+1 in July
    assert flight.scheduled_arrival_utc == datetime(2025, 7, 1, 21, 30, tzinfo=UTC)
    assert flight.scheduled_departure_utc == datetime(2025, 7, 1, 8, 30, tzinfo=UTC)
    assert flight.expected_passengers == 2
    assert flight.reporting_party and flight.reporting_party["name"] == "XY OPS CONTROL"
    (leg,) = flight.legs
    assert (leg.departure_airport, leg.arrival_airport, leg.arrival_local) == (
        "LHR",
        "MEX",
        datetime(2025, 7, 1, 15, 30),
    )
    people = {t["surname"]: t for t in _travellers(session, "XY100", date(2025, 7, 1))}
    assert set(people) == {"O'BRIEN", "SMITH+JONES"}
    obrien = people["O'BRIEN"]
    assert obrien["given_names"] == "SEAN PATRICK"
    assert (obrien["date_of_birth"], obrien["gender"], obrien["nationality"]) == ("1978-03-14", "M", "IRL")
    assert (obrien["reservation_ref"], obrien["passenger_ref"]) == ("Q7WX2P", "XY100001")
    assert (obrien["residence_country"], obrien["birthplace"]) == ("IRL", "CORK IRL")
    assert (obrien["embarkation"], obrien["debarkation"], obrien["role"]) == ("LHR", "MEX", "passenger")
    assert [(d["type"], d["number"], d["country"], d["expiry"]) for d in obrien["documents"]] == [  # type: ignore[union-attr]
        ("P", "PX1234567", "IRL", "2030-01-15"),
        ("V", "MXV998877", "MEX", "2025-12-31"),
    ]
    row = session.scalars(select(Traveller).where(Traveller.surname == "O'BRIEN")).one()
    assert row.address == {
        "street": "12 ST. JOHN'S ROAD",
        "city": "DUBLIN",
        "postcode": "D08 X2Y3",
        "country": "IRL",
    }
    assert row.bags == [{"tag": "XY123456", "count": 2}]
    assert people["SMITH+JONES"]["date_of_birth"] == "1992-02-29"


def test_raw_bytes_are_stored_and_identical_resubmission_is_a_duplicate(session: Session) -> None:
    data = (PAXLST / "basic_d05b.edi").read_bytes()
    first = receive(session, data, "a.edi")
    second = receive(session, data, "again.edi")
    assert [m.status for m in second.messages] == [DUPLICATE] and second.duplicate
    files = session.scalars(select(ReceivedFile).order_by(ReceivedFile.id)).all()
    assert [f.content for f in files] == [data, data]
    assert files[0].sha256 == files[1].sha256 and files[0].received_at is not None
    raw = session.get(RawMessage, second.messages[0].message_id)
    assert raw is not None and raw.duplicate_of_id == first.messages[0].message_id
    assert session.scalar(select(func.count()).select_from(Traveller)) == 2


def test_later_fuller_push_updates_without_duplicating(session: Session) -> None:
    _receive(session, "basic_d05b.edi")
    result = _receive(session, "fuller_list_d05b.edi")
    assert [m.status for m in result.messages] == [PROCESSED]
    people = _travellers(session, "XY100", date(2025, 7, 1))
    assert sorted(str(t["surname"]) for t in people) == ["NGUYEN", "O'BRIEN", "SMITH+JONES"]
    nguyen = next(t for t in people if t["surname"] == "NGUYEN")
    assert nguyen["in_transit"] is True and nguyen["gender"] == "U"
    assert session.scalar(select(func.count()).select_from(TravelDocument)) == 4


def test_crew_list_on_the_same_flight(session: Session) -> None:
    _receive(session, "basic_d05b.edi")
    _receive(session, "crew_d12b.edi")
    people = _travellers(session, "XY100", date(2025, 7, 1))
    crew = {str(t["surname"]): t for t in people if t["role"] == "crew"}
    assert set(crew) == {"KOWALSKA", "ROSSI"}
    assert crew["ROSSI"]["in_transit"] is True
    assert [d["type"] for d in crew["KOWALSKA"]["documents"]] == ["P", "AC"]  # type: ignore[union-attr]
    flight = session.scalars(select(Flight)).one()
    assert (flight.expected_crew, flight.expected_passengers) == (2, 2)


@pytest.mark.parametrize("order", list(permutations([1, 2, 3])))
def test_multipart_set_in_any_order_and_repeated(session: Session, order: tuple[int, int, int]) -> None:
    results = [_receive(session, f"multipart_part{n}of3.edi") for n in (*order, order[0])]
    assert [m.status for r in results for m in r.messages] == [PROCESSED] * 3 + [DUPLICATE]
    people = _travellers(session, "XY500", date(2025, 7, 2))
    assert sorted(str(t["surname"]) for t in people) == ["DIAZ", "GARCIA", "LOPEZ", "PEREZ", "RUIZ"]
    last = results[2].messages[0].problems
    assert not [p for p in last if "CNT" in p["message"]]  # 5 declared, 5 arrived once the set is whole
    assert any("incomplete" in p["message"] for p in results[0].messages[0].problems)


def test_cnt_mismatch_is_a_located_warning(session: Session) -> None:
    result = _receive(session, "cnt_mismatch.edi")
    (message,) = result.messages
    assert message.status == PROCESSED
    (warning,) = [p for p in message.problems if "CNT" in p["message"]]
    assert warning["severity"] == "warning"
    assert warning["message"] == "CNT declares 9 passengers for the flight, 1 arrived in 1 part(s)"
    assert (warning["message_ref"], warning["segment"], warning["tag"]) == ("M3", 30, "CNT")


def test_bad_control_counts_warn_but_the_message_is_used(session: Session) -> None:
    result = _receive(session, "bad_counts.edi")
    assert [m.status for m in result.messages] == [PROCESSED]
    located = {(p["tag"], p["element"]) for p in result.problems}
    assert {("UNT", 1), ("UNE", 1), ("UNE", 2), ("UNZ", 1)} <= located


def test_close_out_and_cancellation(session: Session) -> None:
    _receive(session, "basic_d05b.edi")
    _receive(session, "closeout_clob.edi")
    xy100 = find_flights(session, "XY100", date(2025, 7, 1))[0]
    assert xy100.status == "closed"
    status = {t["surname"]: t["boarding_status"] for t in _travellers(session, "XY100", date(2025, 7, 1))}
    assert status == {"O'BRIEN": "boarded", "SMITH+JONES": "reported"}
    for n in (1, 2, 3):
        _receive(session, f"multipart_part{n}of3.edi")
    result = _receive(session, "cancel_xf.edi")
    assert [m.status for m in result.messages] == [PROCESSED]
    xy500 = find_flights(session, "XY500", date(2025, 7, 2))[0]
    assert xy500.status == "cancelled"
    assert len(_travellers(session, "XY500", date(2025, 7, 2))) == 5


def test_two_interchanges_typeb_and_progressive_flights(session: Session) -> None:
    result = _receive(session, "two_interchanges.edi")
    assert [m.status for m in result.messages] == [PROCESSED, PROCESSED]
    assert [p["message"] for p in result.file_problems] == [
        "ignored text between interchanges: 'END OF PART ONE'"
    ]
    assert [t["surname"] for t in _travellers(session, "XY601", date(2025, 7, 3))] == ["SATO"]
    assert [t["surname"] for t in _travellers(session, "XY600", date(2025, 7, 3))] == ["TANAKA"]
    typeb = _receive(session, "typeb_envelope.txt")
    assert [m.status for m in typeb.messages] == [PROCESSED]
    assert "Type-B" in typeb.file_problems[0]["message"]
    names = sorted(str(t["surname"]) for t in _travellers(session, "XY100", date(2025, 7, 1)))
    assert names == ["O'BRIEN", "SMITH-JONES"]
    _receive(session, "d02b_progressive_no_una.edi")
    (flight,) = find_flights(session, "XY701", date(2025, 7, 4))
    assert (flight.origin, flight.airport) == ("BOG", "MEX")
    assert [(x.departure_airport, x.arrival_airport) for x in flight.legs] == [("BOG", "PTY"), ("PTY", "MEX")]


def test_failures_are_quarantined_with_locations_and_replayed_after_a_fix(session: Session) -> None:
    bad = _receive(session, "no_flight.edi")
    (message,) = bad.messages
    assert message.status == QUARANTINED
    assert [p["message"] for p in message.problems if p["severity"] == "error"] == [
        "no flight (TDT) in the message"
    ]
    truncated = _receive(session, "truncated.edi")
    (error,) = [p for p in truncated.messages[0].problems if p["severity"] == "error"]
    assert (error["message_ref"], error["tag"]) == ("M6", "LOC") and error["segment"] is not None
    # re-sending the same failed bytes is processed again, never called a duplicate
    again = _receive(session, "no_flight.edi")
    assert again.messages[0].status == QUARANTINED
    # replay with corrected bytes: a new message linked to the original, which is marked replayed
    fixed = (PAXLST / "basic_d05b.edi").read_bytes()
    outcome = replay(session, message.message_id, fixed)
    assert outcome.status == PROCESSED
    original = session.get(RawMessage, message.message_id)
    assert original is not None and original.status == REPLAYED
    linked = session.get(RawMessage, outcome.message_id)
    assert linked is not None and linked.corrects_id == original.id


def test_replay_of_stored_bytes_after_the_cause_is_fixed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import paxvet.ingest.paxlst_handler as handler_module

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("mapping bug")

    monkeypatch.setattr(handler_module, "apply_manifest", broken)
    result = _receive(session, "basic_d05b.edi")
    (message,) = result.messages
    assert message.status == QUARANTINED
    assert "RuntimeError: mapping bug" in message.problems[-1]["message"]
    assert session.scalar(select(func.count()).select_from(Traveller)) == 0
    monkeypatch.undo()
    outcome = replay(session, message.message_id)
    assert outcome.status == PROCESSED
    assert session.scalar(select(func.count()).select_from(Traveller)) == 2


def test_unknown_bytes_are_stored_and_quarantined(session: Session) -> None:
    result = receive(session, b"hello, this is not a manifest", "note.txt")
    (message,) = result.messages
    assert message.status == QUARANTINED
    raw = session.get(RawMessage, message.message_id)
    assert raw is not None and raw.content == b"hello, this is not a manifest"


def test_fixture_dir_exists() -> None:
    assert len(list(Path(PAXLST).glob("*"))) >= 15


def test_document_findings_are_stored_when_the_documents_domain_is_installed(session: Session) -> None:
    pytest.importorskip("paxvet.documents.checks")
    _receive(session, "basic_d05b.edi")  # SMITH+JONES's passport expired on 2020-01-01, before arrival
    people = {str(t["surname"]): t for t in _travellers(session, "XY100", date(2025, 7, 1))}
    (passport,) = people["SMITH+JONES"]["documents"]  # type: ignore[misc]
    assert "expired" in {f["code"] for f in passport["findings"]}
    obrien_passport = people["O'BRIEN"]["documents"][0]  # type: ignore[index]
    assert obrien_passport["findings"] == []
