"""Link analysis at scale: p50/p95/p99 of a traveller's 2-hop neighbourhood over N stored bookings.

    .venv/bin/python bench/links.py                        # 1,000,000 bookings, SQLite and PostgreSQL
    .venv/bin/python bench/links.py --bookings 100000 --backend sqlite

Synthetic bookings (1-3 travellers each, ~150 bookings per flight over a year) share phones, e-mails, cards
and addresses drawn from pools smaller than the number of bookings, plus a few "hub" agency phones; every
traveller has a seat, so neighbours on a row share a seat-pair key. The tables the query reads (flight,
traveller, booking, link_key) are bulk-loaded: executemany on SQLite, COPY on PostgreSQL (into a schema of
its own, dropped afterwards). Indexes are those of the migration, built after the load.

Side by side: paxvet's bounded two-step join (`paxvet.links.service.neighbourhood`) and a baseline, the
same question as one recursive CTE without fan-out caps. Goal: p99 <= 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from paxvet.db import make_engine, migrate
from paxvet.links.keys import key_value, seat_pairs
from paxvet.links.service import neighbourhood

PG_URL = os.environ.get("PAXVET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = b"bench-links-secret"
BOOKINGS_PER_FLIGHT = 150
START = date(2025, 1, 1)
LINK_INDEXES = ("ix_link_key_value", "ix_link_key_traveller", "ix_link_key_booking_id")

BASELINE_CTE = """
WITH RECURSIVE hop(tid, depth) AS (
  SELECT CAST(:t AS INTEGER), CAST(0 AS INTEGER)
  UNION
  SELECT b.traveller_id, hop.depth + 1
  FROM hop JOIN link_key a ON a.traveller_id = hop.tid JOIN link_key b ON b.value = a.value
  WHERE hop.depth < 2
)
SELECT tid, min(depth) FROM hop WHERE tid <> :t GROUP BY tid ORDER BY min(depth), tid LIMIT :limit
"""


def synthetic(bookings: int, seed: int = 7) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Rows ("flight" | "traveller" | "booking" | "link", values) in insertion order."""
    rng = random.Random(seed)
    pools = {
        "phone": int(bookings * 0.6) + 1,
        "email": int(bookings * 0.8) + 1,
        "card": int(bookings * 0.5) + 1,
        "address": int(bookings * 0.7) + 1,
    }
    flights = max(1, bookings // BOOKINGS_PER_FLIGHT)
    traveller_id = 0
    booking_id = 0
    for flight_id in range(1, flights + 1):
        day = START + timedelta(days=flight_id % 365)
        yield "flight", (flight_id, "XY", str(flight_id), "UTO", day, "inbound", "open")
        seats = iter(f"{row}{col}" for row in range(1, 80) for col in "ABCDEFGHJK")
        per_flight = BOOKINGS_PER_FLIGHT if flight_id < flights else bookings - booking_id
        for _ in range(per_flight):
            booking_id += 1
            yield "booking", (booking_id, "XY", f"B{booking_id:09d}", "active", 0, "edifact")
            party = rng.choice((1, 1, 1, 2, 2, 3))
            shared = {kind: f"{kind}{rng.randrange(size)}" for kind, size in pools.items()}
            if rng.random() < 0.003:
                shared["phone"] = (
                    f"agency{rng.randrange(10)}"  # hubs: a travel agency's phone on many bookings
                )
            for _ in range(party):
                traveller_id += 1
                yield (
                    "traveller",
                    (
                        traveller_id,
                        flight_id,
                        f"p|T{traveller_id}",
                        "passenger",
                        f"SURNAME{traveller_id}",
                        "GIVEN",
                        "pnr",
                        False,
                        "reported",
                    ),
                )
                keys = [("booking", f"XY:{booking_id}"), *shared.items()]
                seat = next(seats, None)
                if seat:
                    keys += [("seat", pair) for pair in seat_pairs(flight_id, seat)]
                for kind, value in keys:
                    yield "link", (kind, key_value(kind, value, SECRET), traveller_id, booking_id, day)


COLUMNS = {
    "flight": (
        "flight",
        "id, carrier, number, airport, flight_date, direction, status, created_at, updated_at",
    ),
    "traveller": (
        "traveller",
        "id, flight_id, identity_key, role, surname, given_names, source, in_transit, boarding_status, "
        "created_at, updated_at",
    ),
    "booking": ("booking", "id, carrier, locator, status, sensitive_removed, syntax, created_at, updated_at"),
    "link": ("link_key", "kind, value, traveller_id, booking_id, seen_on"),
}


def _with_times(kind: str, values: tuple[Any, ...], now: str) -> tuple[Any, ...]:
    return values if kind == "link" else (*values, now, now)


def load(engine: Engine, bookings: int) -> dict[str, int]:
    counts = {k: 0 for k in COLUMNS}
    now = "2025-01-01 00:00:00+00:00"
    with engine.begin() as conn:
        for name in LINK_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if engine.dialect.name == "postgresql":
        _load_copy(engine, bookings, counts, now)
    else:
        _load_executemany(engine, bookings, counts, now)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_link_key_value ON link_key (value, seen_on, traveller_id)"))
        conn.execute(text("CREATE INDEX ix_link_key_traveller ON link_key (traveller_id, seen_on)"))
        conn.execute(text("CREATE INDEX ix_link_key_booking_id ON link_key (booking_id)"))
        conn.execute(text("ANALYZE"))
    return counts


def _load_executemany(engine: Engine, bookings: int, counts: dict[str, int], now: str) -> None:
    batches: dict[str, list[tuple[Any, ...]]] = {k: [] for k in COLUMNS}
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")

        def flush(kind: str) -> None:
            table, cols = COLUMNS[kind]
            marks = ", ".join("?" for _ in cols.split(","))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batches[kind])
            batches[kind].clear()

        for kind, values in synthetic(bookings):
            batches[kind].append(_with_times(kind, values, now))
            counts[kind] += 1
            if len(batches[kind]) >= 50_000:
                for k in ("flight", "booking", "traveller", "link"):
                    if batches[k]:
                        flush(k)
        for k in ("flight", "booking", "traveller", "link"):
            if batches[k]:
                flush(k)
        raw.commit()
    finally:
        raw.close()


def _load_copy(engine: Engine, bookings: int, counts: dict[str, int], now: str) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        buffers: dict[str, list[tuple[Any, ...]]] = {k: [] for k in COLUMNS}

        def flush(kind: str) -> None:
            table, cols = COLUMNS[kind]
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in buffers[kind]:
                    copy.write_row(row)
            buffers[kind].clear()

        for kind, values in synthetic(bookings):
            buffers[kind].append(_with_times(kind, values, now))
            counts[kind] += 1
            if len(buffers["link"]) >= 200_000:
                for k in ("flight", "booking", "traveller", "link"):
                    if buffers[k]:
                        flush(k)
        for k in ("flight", "booking", "traveller", "link"):
            if buffers[k]:
                flush(k)
        raw.commit()
    finally:
        raw.close()


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return statistics.median(ordered), at(0.95), at(0.99)


def random_picks(travellers: int, queries: int) -> list[int]:
    rng = random.Random(11)
    return [rng.randint(1, travellers) for _ in range(queries + 20)]


def hub_picks(engine: Engine, queries: int) -> list[int]:
    """Travellers booked with an agency phone: their neighbourhoods run through a hub value."""
    hubs = [key_value("phone", f"agency{i}", SECRET) for i in range(10)]
    with engine.connect() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text("SELECT traveller_id FROM link_key WHERE value IN :v").bindparams(
                    bindparam("v", expanding=True)
                ),
                {"v": hubs},
            )
        ]
    rng = random.Random(13)
    return [rng.choice(ids) for _ in range(min(queries, 100) + 20)] if ids else []


def measure(engine: Engine, picks: list[int], hops: int, baseline: bool) -> tuple[float, float, float, float]:
    samples: list[float] = []
    sizes: list[int] = []
    with Session(engine) as session:
        for i, tid in enumerate(picks):
            started = time.perf_counter()
            if baseline:
                rows = session.execute(text(BASELINE_CTE), {"t": tid, "limit": 50}).all()
                size = len(rows)
            else:
                size = len(
                    neighbourhood(
                        session, tid, hops=hops, limit=50, days=180, as_of=date(2025, 7, 1)
                    ).neighbours
                )
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 20:  # warm-up
                samples.append(elapsed)
                sizes.append(size)
    p50, p95, p99 = percentiles(samples)
    return p50, p95, p99, statistics.mean(sizes)


def run_backend(backend: str, bookings: int, queries: int) -> list[list[str]]:
    tmp = None
    admin = None
    schema = f"bench_links_{os.getpid()}"
    if backend == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        engine = make_engine(f"sqlite:///{tmp.name}/links.sqlite3")
    else:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrate(engine)
        started = time.perf_counter()
        counts = load(engine, bookings)
        load_s = time.perf_counter() - started
        rows = []
        everyone = random_picks(counts["traveller"], queries)
        hubs = hub_picks(engine, queries)
        for label, picks, hops, baseline in (
            ("paxvet 1 hop", everyone, 1, False),
            ("paxvet 2 hops", everyone, 2, False),
            ("baseline recursive CTE 2 hops", everyone, 2, True),
            ("paxvet 2 hops, agency-phone travellers", hubs, 2, False),
            ("baseline CTE 2 hops, agency-phone travellers", hubs, 2, True),
        ):
            if not picks:
                continue
            p50, p95, p99, size = measure(engine, picks, hops, baseline)
            rows.append(
                [
                    backend,
                    f"{counts['booking']:,}",
                    f"{counts['link']:,}",
                    f"{load_s:.0f}",
                    label,
                    f"{size:.1f}",
                    f"{p50:.1f}",
                    f"{p95:.1f}",
                    f"{p99:.1f}",
                    "yes" if p99 <= 200 else "no",
                ]
            )
        return rows
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
        if tmp is not None:
            tmp.cleanup()


def history_quality(persons: int) -> None:
    """Precision/recall of the travel-history resolver: the GTAS entity-resolution flights (when
    ../shared is present) and a synthetic set of known identities; baseline: document number alone."""
    from paxvet.ingest.service import receive
    from paxvet.links.evaluate import quality, sample_identity, synth_travel, synthetic_travel

    samples = Path(__file__).resolve().parents[2] / "shared" / "data" / "samples" / "gtas"
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, build in (
            ("GTAS entity-resolution flights 1-3", "gtas"),
            (f"synthetic, {persons} people", "synth"),
            (f"paxvet synth: {persons} people among 5 days of arrivals", "paxvet-synth"),
        ):
            engine = make_engine(f"sqlite:///{tmp}/{build}.sqlite3")
            migrate(engine)
            with Session(engine) as session:
                if build == "gtas":
                    paths = [
                        samples / f"apis_paxlst-unedifact-d02b_entity-resolution-flight{n}.txt"
                        for n in (1, 2, 3)
                    ]
                    if not all(p.exists() for p in paths):
                        continue
                    for path in paths:
                        receive(session, path.read_bytes(), path.name)
                    identity = sample_identity(session)
                elif build == "synth":
                    identity = synthetic_travel(session, persons)
                    session.commit()
                else:
                    identity = synth_travel(session, persons, days=5, flights=20, per_flight=80)
                    session.commit()
                for name, threshold in (
                    ("paxvet (documents + matcher)", None),
                    ("baseline: documents only", 2.0),
                ):
                    q = quality(session, identity, threshold)
                    rows.append(
                        [
                            label,
                            name,
                            str(q.travellers),
                            str(q.true_pairs),
                            str(q.predicted_pairs),
                            f"{q.precision:.3f}",
                            f"{q.recall:.3f}",
                            f"{q.f1:.3f}",
                        ]
                    )
            engine.dispose()
    _print(["data", "resolver", "travellers", "true pairs", "predicted", "precision", "recall", "F1"], rows)


def _print(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--history", action="store_true", help="measure the travel-history resolver instead")
    parser.add_argument("--persons", type=int, default=2000, help="people in the synthetic history set")
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if args.history:
        history_quality(args.persons)
        return
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    header = [
        "backend",
        "bookings",
        "link rows",
        "load s",
        "query",
        "avg found",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p99<=200",
    ]
    rows: list[list[str]] = []
    for backend in backends:
        rows += run_backend(backend, args.bookings, args.queries)
    _print(header, rows)


if __name__ == "__main__":
    main()
