"""Two `paxvet ingest` processes writing into one database at once: every message is processed (none fails
with "database is locked" on SQLite's stale snapshot), and the tables hold what one process receiving the
same files in turn stores."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from paxvet.db import make_engine, session_scope
from paxvet.ingest.service import receive
from paxvet.synth.day import paxlst_day

STORED = {
    "travellers": "SELECT f.carrier || f.number || f.direction || f.airport, t.identity_key, t.surname, "
    "t.passenger_ref FROM traveller t JOIN flight f ON f.id = t.flight_id",
    "documents": "SELECT t.identity_key, d.number, CAST(d.expiry AS TEXT) FROM travel_document d "
    "JOIN traveller t ON t.id = d.traveller_id",
    "legs": "SELECT f.carrier || f.number, l.sequence, l.departure_airport, l.arrival_airport "
    "FROM flight_leg l JOIN flight f ON f.id = l.flight_id",
}


def _ingest(engine: Engine, files: list[bytes], tag: str, queue: Any) -> None:
    try:
        engine.dispose(close=False)  # the parent's pooled connections stay the parent's
        statuses: list[str] = []
        for i, data in enumerate(files):
            with session_scope(engine) as session:
                result = receive(session, data, f"{tag}/{i}.edi")
            statuses += [m.status for m in result.messages]
        queue.put(statuses)
    except Exception as exc:  # reported to the test, not lost in the child
        queue.put([f"{type(exc).__name__}: {exc}"])


def _stored(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {name: sorted(tuple(r) for r in conn.execute(text(sql))) for name, sql in STORED.items()}


def test_two_processes_ingesting_at_once_store_what_one_does(
    engine: Engine, sqlite_template: Path, tmp_path: Path
) -> None:
    files = paxlst_day(flights=24, travellers=30)  # a passenger and a crew list per flight
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_ingest, args=(engine, files[k::2], f"w{k}", queue)) for k in (0, 1)]
    for worker in workers:
        worker.start()
    statuses = [status for _ in workers for status in queue.get(timeout=300)]
    for worker in workers:
        worker.join(60)
    assert statuses == ["processed"] * len(files)

    alone_path = tmp_path / "alone.sqlite3"
    shutil.copy(sqlite_template, alone_path)
    alone = make_engine(f"sqlite:///{alone_path}")
    for i, data in enumerate(files):
        with session_scope(alone) as session:
            receive(session, data, f"alone/{i}.edi")
    assert _stored(engine) == _stored(alone)
    alone.dispose()
