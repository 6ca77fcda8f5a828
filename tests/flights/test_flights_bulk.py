"""The manifest upsert's bulk insert stores exactly what SQLAlchemy's Core executemany stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from paxvet.flights.bulk import insert_rows, insert_tuples
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.screening.models import TravellerNameKeyJournal

TRAVELLERS = cast(Table, Traveller.__table__)
DOCUMENTS = cast(Table, TravelDocument.__table__)
WHEN = datetime(2026, 7, 1, 9, 30, 15, 120000, tzinfo=UTC)


def _traveller(flight_id: int, n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "flight_id": flight_id,
        "identity_key": f"p|PEREZ|ANA{n}|1990-01-02",
        "role": "passenger",
        "surname": "PÉREZ O'BRIEN",
        "given_names": f"ANA {n}",
        "gender": "F",
        "date_of_birth": date(1990, 1, 2),
        "date_of_birth_raw": "900102",
        "nationality": "MEX",
        "residence_country": None,
        "birthplace": None,
        "address": {"street": "REFORMA 1", "city": "MEXICO"},
        "embarkation": "MAD",
        "debarkation": "MEX",
        "in_transit": n % 2 == 0,
        "boarding_status": "reported",
        "reservation_ref": "Q1234",
        "passenger_ref": None,
        "bags": [{"count": 1}],
        "extra": None,
        "source": "api",
        "last_message_id": None,
        "updated_at": WHEN,
        "created_at": WHEN,
    }
    return {**row, **changes}


def _stored(session: Session, table: Table, prefix: str) -> list[tuple[Any, ...]]:
    """Every column as the database holds it (JSON as text, dates as stored), of the rows with this prefix."""
    names = [c.name for c in table.columns if c.name not in ("id", "traveller_id", "flight_id")]
    cols = ", ".join(f"CAST({n} AS TEXT)" for n in names)
    key = "identity_key" if table is TRAVELLERS else "number"
    query = text(f"SELECT {cols} FROM {table.name} WHERE {key} LIKE :p ORDER BY id")
    return [tuple(r) for r in session.execute(query, {"p": prefix + "%"})]


def _flight(session: Session) -> int:
    flight = Flight(
        carrier="XY", number="100", airport="MEX", flight_date=date(2026, 7, 1), direction="inbound"
    )
    session.add(flight)
    session.flush()
    return flight.id


def test_bulk_travellers_are_stored_as_sqlalchemy_stores_them(session: Session) -> None:
    flight_id = _flight(session)
    east = timezone(timedelta(hours=5))
    rows = [
        _traveller(flight_id, 1),
        _traveller(flight_id, 2, date_of_birth=None, address=None, bags=None, extra={"seat": "1A"}),
        _traveller(flight_id, 3, updated_at=WHEN.astimezone(east), created_at=WHEN + timedelta(seconds=1)),
        _traveller(flight_id, 4, surname="", given_names="", date_of_birth=date(1990, 1, 2)),
        # empty JSON containers (serialized once a batch) and an old date (ISO text without the format)
        _traveller(flight_id, 5, address={}, bags=[], extra={}, date_of_birth=date(999, 3, 4)),
    ]
    core = [{**r, "identity_key": "core|" + r["identity_key"]} for r in rows]
    bulk = [{**r, "identity_key": "bulk|" + r["identity_key"]} for r in rows]
    session.execute(insert(TRAVELLERS), core)
    insert_rows(session, TRAVELLERS, bulk)
    assert len(_stored(session, TRAVELLERS, "bulk|")) == 5
    assert [r[1:] for r in _stored(session, TRAVELLERS, "bulk|")] == [
        r[1:] for r in _stored(session, TRAVELLERS, "core|")
    ]
    loaded = session.scalars(select(Traveller).where(Traveller.identity_key.like("bulk|%"))).all()
    assert [t.updated_at for t in loaded][2] == WHEN and loaded[1].extra == {"seat": "1A"}
    assert loaded[0].address == {"street": "REFORMA 1", "city": "MEXICO"} and loaded[1].address is None
    assert (loaded[4].address, loaded[4].bags, loaded[4].extra) == ({}, [], {})
    assert loaded[4].date_of_birth == date(999, 3, 4)


def test_bulk_documents_are_stored_as_sqlalchemy_stores_them(session: Session) -> None:
    flight_id = _flight(session)
    insert_rows(session, TRAVELLERS, [_traveller(flight_id, 1)])
    traveller_id = session.scalars(select(Traveller.id)).one()
    rows = [
        {
            "traveller_id": traveller_id,
            "doc_type": kind,
            "number": f"{n}G123",
            "number_normalized": "G123",
            "issuing_country": "MEX",
            "expiry": date(2030, 1, 1) if n else None,
            "issued": None,
            "mrz": None,
            "findings": [] if n else [{"code": "expired", "message": "expired"}],
        }
        for n, kind in enumerate(["P", "V", None])
    ]
    session.execute(insert(DOCUMENTS), [{**r, "number": "core" + r["number"]} for r in rows])
    insert_rows(session, DOCUMENTS, [{**r, "number": "bulk" + r["number"]} for r in rows])
    core, bulk = _stored(session, DOCUMENTS, "core"), _stored(session, DOCUMENTS, "bulk")
    assert len(bulk) == 3
    assert [r[:1] + r[2:] for r in bulk] == [r[:1] + r[2:] for r in core]


def test_no_rows_is_no_statement(session: Session) -> None:
    insert_rows(session, DOCUMENTS, [])
    assert session.scalars(select(TravelDocument)).all() == []


def test_tuples_are_stored_as_dict_rows_are(session: Session) -> None:
    """Straight to the driver (no bind processor: a name key's traveller and key) or, for columns that need
    one (dates, JSON), through insert_rows: the same stored values either way."""
    flight_id = _flight(session)
    insert_rows(session, TRAVELLERS, [_traveller(flight_id, n) for n in (1, 2)])
    first, second = session.scalars(select(Traveller.id).order_by(Traveller.id)).all()
    journal = cast(Table, TravellerNameKeyJournal.__table__)
    insert_tuples(session, journal, ("traveller_id", "key"), [(first, "c:perez"), (first, "s:prs")])
    insert_tuples(session, journal, ("key", "traveller_id"), [("c:perez", second)])
    stored = session.execute(select(journal.c.traveller_id, journal.c.key).order_by(journal.c.traveller_id))
    assert [tuple(r) for r in stored] == [(first, "c:perez"), (first, "s:prs"), (second, "c:perez")]
    columns = (
        "traveller_id",
        "doc_type",
        "number",
        "number_normalized",
        "issuing_country",
        "expiry",
        "findings",
    )
    values = [
        (first, "P", "tupleG1", "G1", "MEX", date(2030, 1, 1), []),
        (second, None, "tupleG2", "G2", None, None, None),
    ]
    insert_tuples(session, DOCUMENTS, columns, values)
    as_dicts = [dict(zip(columns, v, strict=True)) for v in values]
    insert_rows(session, DOCUMENTS, [{**row, "number": "dict" + row["number"]} for row in as_dicts])
    tuples, dicts = _stored(session, DOCUMENTS, "tuple"), _stored(session, DOCUMENTS, "dict")
    assert len(tuples) == 2
    assert [r[:1] + r[2:] for r in tuples] == [r[:1] + r[2:] for r in dicts]
    insert_tuples(session, journal, ("traveller_id", "key"), [])
    assert session.scalar(select(func.count()).select_from(journal)) == 3


def test_tuples_run_the_callers_upsert_with_the_columns_processed(session: Session) -> None:
    """A caller's INSERT ... ON CONFLICT (the screening mark) takes the same path: a second row for the same
    traveller updates the first, and the time is stored as SQLAlchemy stores it."""
    from paxvet.screening.models import ScreeningMark
    from paxvet.screening.service import _mark_upsert

    flight_id = _flight(session)
    insert_rows(session, TRAVELLERS, [_traveller(flight_id, 1)])
    traveller_id = session.scalar(select(Traveller.id))
    marks = cast(Table, ScreeningMark.__table__)
    upsert = _mark_upsert(session.get_bind().dialect.name)
    columns = ("traveller_id", "message_id", "screened_at")
    insert_tuples(session, marks, columns, [(traveller_id, 7, WHEN)], statement=upsert)
    insert_tuples(session, marks, columns, [(traveller_id, 9, WHEN + timedelta(hours=1))], statement=upsert)
    stored = session.execute(select(marks.c.traveller_id, marks.c.message_id, marks.c.screened_at)).all()
    assert [(t, m, s.replace(tzinfo=UTC) if s.tzinfo is None else s) for t, m, s in stored] == [
        (traveller_id, 9, WHEN + timedelta(hours=1))
    ]


def _statements(session: Session) -> tuple[list[tuple[str, bool]], Any]:
    """The statements the session's connection sends from now on (text, executemany?), and the listener."""
    from sqlalchemy import event

    sent: list[tuple[str, bool]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        sent.append((statement, many))

    event.listen(session.connection(), "before_cursor_execute", record)
    return sent, record


def test_rows_go_as_one_array_statement_on_postgresql(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: one INSERT ... SELECT unnest(...) per ARRAY_ROWS rows of a narrow table, not a set of
    parameters per row (the stored values are the same: the tests above), and one executemany for a wide
    one (a traveller's 24 columns); SQLite: one executemany each."""
    from sqlalchemy import event

    from paxvet.flights import bulk

    monkeypatch.setattr(bulk, "ARRAY_ROWS", 2)
    flight_id = _flight(session)
    sent, listener = _statements(session)
    insert_rows(session, TRAVELLERS, [_traveller(flight_id, n) for n in range(5)])
    ids = session.scalars(select(Traveller.id).order_by(Traveller.id)).all()
    journal = cast(Table, TravellerNameKeyJournal.__table__)
    insert_tuples(session, journal, ("traveller_id", "key"), [(i, f"c:k{i}") for i in ids])
    event.remove(session.connection(), "before_cursor_execute", listener)
    inserts = [(s, many) for s, many in sent if s.startswith("INSERT")]
    if session.get_bind().dialect.name == "postgresql":
        assert inserts[0][0].startswith("INSERT INTO traveller ") and inserts[0][1]  # 24 columns
        assert len(inserts) == 1 + 3 and all("unnest(" in s and not many for s, many in inserts[1:])
    else:
        assert len(inserts) == 2 and all(many for _, many in inserts)
    assert len(ids) == 5
    assert session.scalar(select(func.count()).select_from(journal)) == 5


def test_a_float_column_takes_ints_and_floats_mixed(session: Session) -> None:
    from sqlalchemy import Column, Float, Integer, MetaData

    probe = Table(
        "bulk_float_probe",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("score", Float),
        prefixes=["TEMPORARY"],
    )
    probe.create(session.connection())
    insert_rows(session, probe, [{"id": 1, "score": 1}, {"id": 2, "score": 0.5}, {"id": 3, "score": None}])
    stored = session.execute(select(probe.c.id, probe.c.score).order_by(probe.c.id)).all()
    assert [tuple(r) for r in stored] == [(1, 1.0), (2, 0.5), (3, None)]
