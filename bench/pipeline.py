"""Pipeline benchmark: raw PAXLST bytes to stored hits, and retro-screening after a list change.

    .venv/bin/python bench/pipeline.py [--flights 1000] [--travellers 250] [--new-entries 1000] [--days 7]
        [--database postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

SQLite (a file in a temporary directory) unless `--database` names a PostgreSQL server: the bench then
creates a database of its own there (`paxvet_bench_<pid>`) and drops it at the end. On a server of this
machine the CPU seconds of its processes (every `postgres` process, background writers included) are added
to the bench's own, so "per CPU s" stays one machine's work; on another machine only this side's is known.

1. Every real list under ../shared/data/watchlists is loaded (skipped cleanly when absent), plus a small
   lost/stolen document list.
2. Live: one synthetic day of PAXLST files (`paxvet.synth.synth_day` when it exists, else the ingest
   benchmark's built-in generator) goes through `ingest.service.receive` and
   `screening.service.screen_after_ingest`, one transaction per file, one core, SQLite. Reported:
   travellers/s end to end, split into ingest and screening; side by side with a brute-force baseline
   (every traveller scored against every entry with `score_pair`, measured on a sample) and GTAS's
   published 4-6.5 passengers/s per thread.
3. Retro: the day is cloned into `--days` days of arrivals around now; a new list version adding
   `--new-entries` people (ten of them travellers already stored) is loaded, then `retro.rescreen` runs over
   the window (24 h behind, 72 h ahead). Reported: travellers covered, new hits, seconds.
Goals (issue 4): >= 2,000 travellers/s end to end; retro-screening <= 5 s.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, literal, select, text, update
from sqlalchemy.engine import Engine, make_url

from paxvet.db import make_engine, migrate, session_scope, utcnow
from paxvet.flights.models import Flight, TravelDocument, Traveller
from paxvet.screening.models import Hit, TravellerNameKey, TravellerNameKeyJournal

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "watchlists"
REAL_LISTS = [
    ("ofac-csv", "us_ofac_sdn_2024-05", "OFAC-SDN"),
    ("ofac-cons-csv", "us_ofac_nonsdn_consolidated", "OFAC-CONS"),
    ("un-xml", "un_consolidated_2026-02/UN_consolidated.xml", "UN-CONSOLIDATED"),
    ("uk-csv", "uk_sanctions_list_2026-05_derived", "UK-SANCTIONS"),
    ("csl-csv", "us_csl_2023-11/csl.csv", "US-CSL"),
]
LOCALES = ["es_MX", "es_MX", "es_MX", "en_US", "en_US", "es_ES", "es_CO", "fr_FR", "de_DE", "pt_BR", "it_IT"]
NATIONALITY = {
    "es_MX": "MEX",
    "en_US": "USA",
    "es_ES": "ESP",
    "es_CO": "COL",
    "fr_FR": "FRA",
    "de_DE": "DEU",
    "pt_BR": "BRA",
    "it_IT": "ITA",
}
ROUTES = [("MAD", "MEX"), ("JFK", "CUN"), ("LAX", "GDL"), ("BOG", "MEX"), ("CDG", "MEX"), ("IAH", "MTY")]


def synthetic_day(
    flights: int, travellers: int, planted: list[tuple[str, str, str]]
) -> tuple[list[bytes], str]:
    """A day of PAXLST files: `paxvet.synth.synth_day` when it exists, else diverse Faker travellers (names
    from eleven locales, distinct documents) with `planted` listed people (given, family, YYMMDD) spread
    over the flights."""
    try:
        from paxvet.synth import synth_day
    except ImportError:
        origin = f"Faker travellers (no paxvet.synth.synth_day), {len(planted)} listed people planted"
        return faker_day(flights, travellers, planted), origin
    rows = [
        {"source_id": f"PLANT-{i}", "given_names": g, "surname": f, "dates_of_birth": _iso(dob)}
        for i, (g, f, dob) in enumerate(planted)
    ]
    day = synth_day(flights=flights, travellers_per_flight=travellers, plant=rows)
    return [m.data for m in day.messages], f"paxvet.synth.synth_day, {len(rows)} listed people planted"


def _iso(yymmdd: str) -> str:
    year = int(yymmdd[:2])
    return f"{1900 + year if year > 30 else 2000 + year}-{yymmdd[2:4]}-{yymmdd[4:6]}"


def faker_day(flights: int, travellers: int, planted: list[tuple[str, str, str]]) -> list[bytes]:
    from anyascii import anyascii
    from faker import Faker

    fakers = {loc: Faker(loc) for loc in sorted(set(LOCALES))}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(11 + i)
    rng = random.Random(5)
    files = []
    every = max(1, flights // max(1, len(planted)))
    for f in range(flights):
        origin, airport = ROUTES[f % len(ROUTES)]
        people = []
        for t in range(travellers):
            loc = LOCALES[rng.randrange(len(LOCALES))]
            fake = fakers[loc]
            female = rng.random() < 0.5
            given = fake.first_name_female() if female else fake.first_name_male()
            if rng.random() < 0.4:
                given += " " + (fake.first_name_female() if female else fake.first_name_male())
            family = fake.last_name() + (" " + fake.last_name() if loc.startswith("es") else "")
            dob = date(1940, 1, 1) + timedelta(days=rng.randrange(29000))
            people.append(
                (
                    anyascii(family).upper(),
                    anyascii(given).upper(),
                    f"{dob:%y%m%d}",
                    "M" if not female else "F",
                    NATIONALITY[loc],
                    f"{'PEG'[t % 3]}{f:04d}{t:04d}",
                )
            )
        if planted and f % every == 0:
            given, family, dob = planted[(f // every) % len(planted)]
            people[0] = (family.upper(), given.upper(), dob, "", "", f"Z{f:07d}")
        files.append(_manifest(f, origin, airport, people))
    return files


def _esc(text: str) -> str:
    return "".join("?" + c if c in "?'+:" else c for c in text)


def _manifest(f: int, origin: str, airport: str, people: list[tuple[str, ...]]) -> bytes:
    segs = [
        f"UNB+UNOA:4+AMAPI:ZZ+MXAPI:ZZ+301201:0900+B{f:06d}",
        "UNG+PAXLST+AMAPI+MXAPI+301201:0900+1+UN+D:05B",
        f"UNH+M{f}+PAXLST:D:05B:UN:IATA+AM{1000 + f}/301201+01:F",
        "BGM+745",
        "NAD+MS+++OPS CONTROL",
        f"TDT+20+AM{1000 + f}+++AM",
        f"LOC+125+{origin}",
        f"DTM+189:3012010{f % 10}00:201",
        f"LOC+87+{airport}",
        f"DTM+232:3012011{f % 10}30:201",
    ]
    for family, given, dob, gender, nat, doc in people:
        segs.append(f"NAD+FL+++{_esc(family)}:{_esc(given)}")
        if gender:
            segs.append(f"ATT+2++{gender}")
        segs.append(f"DTM+329:{dob}")
        if nat:
            segs.append(f"NAT+2+{nat}")
        segs += [f"DOC+P:110:111+{doc}", "DTM+36:321231", f"LOC+91+{nat or 'MEX'}"]
    segs.append(f"CNT+42:{len(people)}")
    segs.append(f"UNT+{len(segs) - 1}+M{f}")
    segs += ["UNE+1+1", f"UNZ+1+B{f:06d}"]
    return ("UNA:+.? '\n" + "'\n".join(segs) + "'\n").encode()


def listed_people(engine: Engine, count: int = 20) -> list[tuple[str, str, str]]:
    """Real listed individuals with a full date of birth and a given/family split, to plant in manifests."""
    from paxvet.watchlists.service import screening_entries

    rng = random.Random(3)
    usable = []
    with session_scope(engine) as session:
        for entry in screening_entries(session):
            name = entry.record.names[0] if entry.record.names else None
            dobs = [d for d in entry.record.dates_of_birth if getattr(d, "day", None)]
            if name and name.given and name.family and dobs and name.full.isascii():
                d: Any = dobs[0]
                usable.append((name.given, name.family, f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"))
    rng.shuffle(usable)
    return usable[:count]


def load_lists(engine: Engine, tmp: Path) -> list[tuple[str, int, float]]:
    from paxvet.watchlists.service import load_list

    loaded = []
    documents = tmp / "lost.csv"
    with documents.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_id", "document_number", "issuing_country", "status"])
        for i in range(2000):
            writer.writerow([f"LS-{i}", f"L{i:08d}", "MEX", "stolen"])
    sources = [("documents-csv", documents, "LOST-STOLEN")]
    if SHARED.exists():
        sources += [(fmt, SHARED / rel, name) for fmt, rel, name in REAL_LISTS if (SHARED / rel).exists()]
    else:
        print(f"({SHARED} is absent: real lists skipped)")
    for fmt, path, name in sources:
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = load_list(session, fmt, path, name, owner="BENCH")
        loaded.append((name, report.entries, time.perf_counter() - started))
    return loaded


def live(engine: Engine, files: list[bytes]) -> dict[str, float]:
    """Ingest and screen every file; wall-clock and this process's CPU seconds (the machine is shared, so
    CPU time is the honest 'one core' figure)."""
    from paxvet.ingest.service import receive
    from paxvet.screening.lists import active_lists
    from paxvet.screening.service import screen_after_ingest

    started = time.perf_counter()
    with session_scope(engine) as session:
        entries = len(active_lists(session).entries)
    build = time.perf_counter() - started
    ingest_cpu = screen_cpu = 0.0
    travellers = 0
    server_started = server_cpu(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    for i, data in enumerate(files):
        with session_scope(engine) as session:
            c0 = time.process_time()
            result = receive(session, data, f"bench/{i}.edi")
            c1 = time.process_time()
            screen_after_ingest(session, result)
            c2 = time.process_time()
        ingest_cpu += c1 - c0
        screen_cpu += c2 - c1
        travellers += len(result.traveller_ids)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server = server_cpu(engine) - server_started
    with session_scope(engine) as session:
        hits = session.scalar(select(func.count()).select_from(Hit)) or 0
    return {
        "entries": entries,
        "build": build,
        "wall": wall,
        "cpu": cpu + server,
        "server": server,
        "ingest": ingest_cpu,
        "screen": screen_cpu,
        "travellers": travellers,
        "hits": hits,
    }


def brute_force_rate(engine: Engine, sample: int = 20) -> float:
    """Travellers/s when every traveller is scored against every entry (no candidate index)."""
    from paxvet.match import score_pair
    from paxvet.screening.travellers import load_travellers
    from paxvet.watchlists.service import screening_entries

    with session_scope(engine) as session:
        entries = [e.record for e in screening_entries(session)]
        ids = list(session.scalars(select(Traveller.id).order_by(Traveller.id).limit(sample)))
        views = load_travellers(session, ids)
    started = time.process_time()
    for view in views:
        record = view.person_record()
        for entry in entries:
            score_pair(record, entry)
    return len(views) / (time.process_time() - started)


def spread_over_days(engine: Engine, days: int) -> int:
    """Clone the stored day into `days` days of arrivals centred on now; return the traveller count."""
    with session_scope(engine) as session:
        base_ids = list(session.scalars(select(Flight.id).order_by(Flight.id)))
        top_flight = max(base_ids)
        top_traveller = session.scalar(select(func.max(Traveller.id))) or 0
        top_document = session.scalar(select(func.max(TravelDocument.id))) or 0
        for day in range(1, days):
            _clone(session, day, (top_flight, top_traveller, top_document))
        start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=days // 2)
        per_day = len(base_ids)
        rows = []
        for day in range(days):
            for i, flight_id in enumerate(base_ids):
                arrival = start + timedelta(days=day, minutes=i * 1440 // per_day)
                rows.append({"id": flight_id + day * top_flight, "scheduled_arrival_utc": arrival})
        session.execute(update(Flight), rows)  # bulk UPDATE by primary key
        _advance_sequences(session)
        stored = int(session.scalar(select(func.count()).select_from(Traveller)) or 0)
    _fresh_statistics(engine)
    return stored


def _fresh_statistics(engine: Engine) -> None:
    """PostgreSQL: the planner's statistics of the cloned week. A week of live traffic reaches the server
    over days, while autovacuum's ANALYZE keeps pace; the clone writes six days at once just before the
    retro step, which would otherwise plan with one day's statistics (a sequential scan of every name key)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def _clone(session: Any, day: int, tops: tuple[int, int, int]) -> None:
    flight_off, traveller_off, document_off = (top * day for top in tops)
    copy_columns = {
        Flight: {
            "id": Flight.id + flight_off,
            "flight_date": _days_later(session, day),
        },
        Traveller: {"id": Traveller.id + traveller_off, "flight_id": Traveller.flight_id + flight_off},
        TravelDocument: {
            "id": TravelDocument.id + document_off,
            "traveller_id": TravelDocument.traveller_id + traveller_off,
        },
    }
    for model, changed in copy_columns.items():
        table = model.__table__  # type: ignore[attr-defined]
        names = [c.name for c in table.columns]
        exprs = [changed.get(n, table.c[n]) for n in names]
        source = select(*exprs).where(table.c.id <= (tops[list(copy_columns).index(model)]))
        session.execute(insert(table).from_select(names, source))
    # the keys live screening stored for the originals, as it would have for these travellers: in the
    # key-ordered table (a week of live screening would have merged all but the journal's last rows)
    for keyed in (TravellerNameKey, TravellerNameKeyJournal):
        keys = select(keyed.key, keyed.traveller_id + traveller_off).where(keyed.traveller_id <= tops[1])
        session.execute(insert(TravellerNameKey).from_select(["key", "traveller_id"], keys))


def _days_later(session: Any, day: int) -> Any:
    """The flight's date `day` days later, in SQL (SQLite keeps dates as text, PostgreSQL as dates)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Flight.flight_date, f"+{day} days")
    return Flight.flight_date + literal(day)


def _advance_sequences(session: Any) -> None:
    """PostgreSQL: the id sequences of the cloned tables past the ids the clones were given."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("flight", "traveller", "travel_document"):
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


def retro(engine: Engine, tmp: Path, new_entries: int) -> dict[str, float]:
    from anyascii import anyascii
    from faker import Faker

    from paxvet.screening.retro import rescreen
    from paxvet.watchlists.service import load_list

    rng = random.Random(7)
    with session_scope(engine) as session:
        planted = session.execute(
            select(Traveller.surname, Traveller.given_names, Traveller.date_of_birth)
            .join(Flight, Flight.id == Traveller.flight_id)
            .where(
                Flight.scheduled_arrival_utc >= utcnow(),
                Flight.scheduled_arrival_utc <= utcnow() + timedelta(hours=48),
            )
            .order_by(Traveller.id)
            .limit(10)
        ).all()
    path = tmp / "new_wanted.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_id", "given_names", "surname", "dates_of_birth", "gender"])
        for i, (surname, given, dob) in enumerate(planted):
            writer.writerow([f"NEW-{i}", given, surname, dob.isoformat() if dob else "", ""])
        fake = Faker(["es_MX", "en_US", "ar_AA", "ru_RU", "fr_FR"])
        fake.seed_instance(17)
        for i in range(len(planted), new_entries):
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
            given, family = anyascii(fake.first_name()), anyascii(f"{fake.last_name()} {fake.last_name()}")
            writer.writerow([f"NEW-{i}", given, family, dob.isoformat(), ""])
    started = time.perf_counter()
    with session_scope(engine) as session:
        version = load_list(session, "paxvet-csv", path, "BENCH-NEW-WANTED", owner="BENCH").version_id
    load_s = time.perf_counter() - started
    server_started = server_cpu(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        report = rescreen(session, version)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server = server_cpu(engine) - server_started
    return {
        "load": load_s,
        "seconds": seconds,
        "cpu": cpu + server,
        "server": server,
        "travellers": report.travellers,
        "scored": report.scored,
        "new_hits": report.new_hits,
        "entries": report.entries,
    }


def row(label: str, cpu: str, wall: str, travellers: str, rate: str, note: str = "") -> str:
    return f"| {label:<44} | {cpu:>7} | {wall:>7} | {travellers:>10} | {rate:>18} | {note}"


LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}


def server_cpu(engine: Engine) -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 for SQLite, which runs in this
    process, and for a server elsewhere, which this machine cannot see)."""
    if engine.dialect.name != "postgresql" or engine.url.host not in LOCAL_HOSTS:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if name.startswith("postgres"):
            total += int(rest[11]) + int(rest[12])  # utime and stime, in clock ticks
    return total / tick


@contextmanager
def bench_database(url: str | None, tmp: Path) -> Iterator[Engine]:
    """A new, empty database: a SQLite file under `tmp`, or `paxvet_bench_<pid>` on the PostgreSQL
    server of `url` (dropped afterwards)."""
    if url is None:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    server = make_url(url)
    if not server.drivername.startswith("postgresql"):
        raise SystemExit(f"--database: a PostgreSQL URL, not {server.drivername}")
    name = f"paxvet_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(server.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def machine_speed() -> str:
    """How fast this core runs plain Python, so results from different machines can be set side by side:
    the best of five `sum(range(10**7))` in CPU ms (358 on session 9's machine, 132 on session 10's)."""
    best = min(_cpu_of(lambda: sum(range(10**7))) for _ in range(5))
    return f"sum(range(10**7)) in {best * 1000:.0f} CPU ms"


def _cpu_of(work: Any) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--travellers", type=int, default=250, help="per flight")
    parser.add_argument("--new-entries", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7, help="days of arrivals for retro-screening")
    parser.add_argument("--database", help="a PostgreSQL server's URL (default: SQLite in a temporary file)")
    args = parser.parse_args(argv)
    logging.getLogger("paxvet.notify").setLevel(logging.ERROR)  # the log notifier would flood the table
    with tempfile.TemporaryDirectory() as name, bench_database(args.database, Path(name)) as engine:
        tmp = Path(name)
        backend = engine.dialect.name
        migrate(engine)
        lists = load_lists(engine, tmp)
        files, origin = synthetic_day(args.flights, args.travellers, listed_people(engine))
        print(
            f"{args.flights} flights x {args.travellers} travellers from {origin}; "
            f"{backend}; Python {sys.version.split()[0]}; machine: {machine_speed()}"
        )
        print("lists: " + ", ".join(f"{n} {e:,} ({s:.1f} s)" for n, e, s in lists))
        result = live(engine, files)
        brute = brute_force_rate(engine)
        spread = spread_over_days(engine, args.days)
        back = retro(engine, tmp, args.new_entries)
    n = result["travellers"]
    print(
        f"\nscreener over {result['entries']:,.0f} person entries built in {result['build']:.1f} s "
        "(once, cached by list versions)"
    )
    print(row("step", "CPU s", "wall s", "travellers", "travellers/s (CPU)", "note"))
    print("|" + "|".join("-" * w for w in (46, 9, 9, 12, 20, 40)) + "|")
    print(
        row(
            "end to end: PAXLST bytes -> stored hits",
            f"{result['cpu']:.1f}",
            f"{result['wall']:.1f}",
            f"{n:,.0f}",
            f"{n / result['cpu']:,.0f}",
            f"goal >= 2,000; {result['hits']:,.0f} hits",
        )
    )
    print(
        row(
            "  of which ingest (receive)",
            f"{result['ingest']:.1f}",
            "",
            f"{n:,.0f}",
            f"{n / result['ingest']:,.0f}",
        )
    )
    print(
        row(
            "  of which screening", f"{result['screen']:.1f}", "", f"{n:,.0f}", f"{n / result['screen']:,.0f}"
        )
    )
    if backend == "postgresql":
        print(
            row(
                "  of which the PostgreSQL server", f"{result['server']:.1f}", "", "", "", server_note(engine)
            )
        )
    print(
        row(
            "baseline: brute-force score_pair, all entries",
            "",
            "",
            "20 sampled",
            f"{brute:,.1f}",
            "measured here",
        )
    )
    print(row("baseline: GTAS fuzzy matcher (per thread)", "", "", "", "4-6.5", "published (issue #1138)"))
    print(
        row(
            f"retro: {back['entries']:,.0f} new entries vs {args.days} days",
            f"{back['cpu']:.2f}",
            f"{back['seconds']:.2f}",
            f"{back['travellers']:,.0f}",
            f"{back['travellers'] / back['cpu']:,.0f}",
            f"goal <= 5 s; {back['new_hits']:,.0f} new hits; {back['scored']:,.0f} scored; "
            f"{spread:,} stored over {args.days} days; list load {back['load']:.1f} s"
            + (f"; the server's {back['server']:.2f} CPU s included" if backend == "postgresql" else ""),
        )
    )


def server_note(engine: Engine) -> str:
    if engine.url.host in LOCAL_HOSTS:
        return "every postgres process of this machine, included above"
    return "on another machine: not measured, not included"


if __name__ == "__main__":
    main()
