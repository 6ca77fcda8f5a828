"""Watchlist loading: parse, first load, unchanged reload, screening_entries (cold and warm), per real list
and for a synthetic list scaled to N names; side by side with a per-row ORM baseline in the same run.

    .venv/bin/python bench/watchlists.py [--scale 100000] [--postgres URL]

The baseline loads the same entries the way a first implementation would: one SELECT per entry to find
the stored one, then `session.add`, all in one transaction. Real lists come from ../shared/data (skipped
when absent); the synthetic list is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from paxvet.db import make_engine, migrate, session_scope
from paxvet.watchlists import service
from paxvet.watchlists.importers import parse_source
from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion

WATCHLISTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "watchlists"
REAL = [
    ("ofac-sdn", "ofac-csv", WATCHLISTS / "us_ofac_sdn_2024-05"),
    ("ofac-cons", "ofac-cons-csv", WATCHLISTS / "us_ofac_nonsdn_consolidated"),
    ("un", "un-xml", WATCHLISTS / "un_consolidated_2026-02" / "UN_consolidated.xml"),
    ("uk", "uk-csv", WATCHLISTS / "uk_sanctions_list_2026-05_derived"),
    ("csl", "csl-csv", WATCHLISTS / "us_csl_2023-11" / "csl.csv"),
]
GIVEN = ["Ana", "Luis", "Maria", "Jose", "Ahmed", "Olga", "Wei", "John", "Fatima", "Ivan", "Carlos", "Sofia"]
FAMILY = ["Garcia", "Lopez", "Haddad", "Ivanov", "Zhang", "Smith", "Khan", "Rossi", "Silva", "Nunez"]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process: the bench machine is shared, so wall time also measures neighbours
    (the 'load wall s' column is wall time, which includes the database server's work)."""
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def synthetic(folder: Path, count: int) -> Path:
    rng = random.Random(7)
    path = folder / f"synthetic_{count}.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("source_id,given_names,surname,aliases,dates_of_birth,nationalities,gender,documents\n")
        for i in range(count):
            given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)}{i}"
            dob = f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.write(
                f"S{i},{given},{family},{given[0]} {family},{dob}|{rng.randint(1940, 2000)},MX|US,"
                f"{rng.choice('MF')},P:X{i:08d}:MEX\n"
            )
    return path


def bulk_row(engine: Engine, name: str, fmt: str, path: Path) -> list[str]:
    parse_s, parsed = timed(lambda: parse_source(fmt, path))
    wall = time.perf_counter()
    with session_scope(engine) as session:
        load_s, _report = timed(lambda: service.load_list(session, fmt, path, name))
    load_wall = time.perf_counter() - wall
    with session_scope(engine) as session:
        reload_s, _ = timed(lambda: service.load_list(session, fmt, path, name))
    with session_scope(engine) as session:
        cold_s, _entries = timed(lambda: service.screening_entries(session, [name]))
        warm_s, _ = timed(lambda: service.screening_entries(session, [name]))
    count = len(parsed.entries)  # type: ignore[attr-defined]
    return [
        name,
        str(count),
        f"{parse_s:.2f}",
        f"{load_s:.2f}",
        f"{load_wall:.2f}",
        f"{reload_s:.2f}",
        f"{cold_s:.2f}",
        f"{warm_s * 1000:.1f} ms",
        f"{count / load_s:,.0f}",
    ]


def baseline_row(engine: Engine, name: str, fmt: str, path: Path) -> list[str]:
    parsed = parse_source(fmt, path)

    def per_row() -> None:
        with session_scope(engine) as session:
            watchlist = Watchlist(
                name=f"baseline-{name}", owner_agency="bench", category="sanctions", source_format=fmt
            )
            session.add(watchlist)
            session.flush()
            version = WatchlistVersion(watchlist_id=watchlist.id, number=1)
            session.add(version)
            session.flush()
            for entry in parsed.entries:
                stored = session.scalar(
                    select(WatchlistEntry).filter_by(watchlist_id=watchlist.id, source_id=entry.source_id)
                )
                if stored is None:
                    session.add(
                        WatchlistEntry(
                            watchlist_id=watchlist.id,
                            source_id=entry.source_id,
                            primary_name=entry.primary_name[:400],
                            record=entry.to_json(),
                            content_hash=entry.content_hash(),
                            added_in_version_id=version.id,
                            changed_in_version_id=version.id,
                        )
                    )

    wall = time.perf_counter()
    seconds, _ = timed(per_row)
    load_wall = time.perf_counter() - wall
    count = len(parsed.entries)
    return [
        f"baseline {name}",
        str(count),
        "",
        f"{seconds:.2f}",
        f"{load_wall:.2f}",
        "",
        "",
        "",
        f"{count / seconds:,.0f}",
    ]


def print_table(rows: list[list[str]]) -> None:
    header = [
        "list",
        "entries",
        "parse s",
        "load s",
        "load wall s",
        "reload s",
        "entries cold s",
        "warm",
        "entries/s load",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="names in the synthetic list")
    parser.add_argument("--postgres", default="", help="also run against this PostgreSQL URL (empty schema)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"sqlite:///{tmp}/bench.sqlite3"] + ([args.postgres] if args.postgres else [])
        big = synthetic(Path(tmp), args.scale)
        for url in urls:
            engine = make_engine(url)
            migrate(engine)
            print(f"\n{engine.dialect.name} (CPU s of this process, except 'load wall s')")
            rows = [bulk_row(engine, n, f, p) for n, f, p in REAL if p.exists()]
            rows.append(bulk_row(engine, f"synthetic-{args.scale}", "paxvet-csv", big))
            if REAL[0][2].exists():
                rows.append(baseline_row(engine, REAL[0][0], REAL[0][1], REAL[0][2]))
            print_table(rows)
            engine.dispose()


if __name__ == "__main__":
    main()
