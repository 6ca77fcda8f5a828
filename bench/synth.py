"""Synthetic-data benchmark.

1. Generation speed of a synthetic PAXLST day (`paxvet.synth.synth_day`, default 1,000 flights x 250
   passengers plus crew), side by side with a baseline that calls Faker for every field of every traveller
   (measured on a smaller count and scaled, because it is slow).
2. Matcher recall on planted persons, by name variation: a synthetic wanted list is planted into a day,
   every planted traveller is screened against the list with `paxvet.match.Screener`, and we count whether
   the right entry comes back (at the default threshold, among the top 5).

    .venv/bin/python bench/synth.py [--flights N] [--travellers N] [--wanted N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

DAY = date(2026, 12, 1)


def speed(flights: int, travellers: int) -> list[tuple[str, int, float]]:
    from paxvet.synth import synth_day
    from paxvet.synth.people import NATIONALITIES, name_pool

    started = time.perf_counter()
    for code in NATIONALITIES:
        name_pool(code)
    pools = time.perf_counter() - started
    started = time.perf_counter()
    day = synth_day(day=DAY, flights=flights, travellers_per_flight=travellers, seed=1)
    seconds = time.perf_counter() - started
    rows = [
        ("paxvet.synth (name pools, once)", 0, pools),
        ("paxvet.synth.synth_day", day.traveller_count, seconds),
    ]
    sample = min(5000, day.traveller_count)
    rows.append(("baseline: Faker per field", sample, faker_per_field(sample)))
    return rows


def faker_per_field(count: int) -> float:
    """The obvious way: a Faker call for each name, date and number of each traveller."""
    from faker import Faker

    fakers = [Faker(loc) for loc in ("es_MX", "en_US", "es_CO", "es_ES", "fr_FR", "de_DE", "pt_BR")]
    for i, fake in enumerate(fakers):
        fake.seed_instance(i)
    rng = random.Random(1)
    started = time.perf_counter()
    for _ in range(count):
        fake = fakers[rng.randrange(len(fakers))]
        "{} {}:{} {}:{}:{}".format(
            fake.last_name(), fake.last_name(), fake.first_name(), fake.first_name(),
            fake.date_of_birth(minimum_age=0, maximum_age=90), fake.bothify("?########"),
        )  # fmt: skip
        fake.date_between(start_date="+30d", end_date="+10y")
    return time.perf_counter() - started


def recall(flights: int, wanted: int) -> tuple[Counter[str], Counter[str]]:
    from paxvet.match import DEFAULT_THRESHOLD, Screener
    from paxvet.match.records import Document, Name, PartialDate, PersonRecord
    from paxvet.synth import synth_day, synth_wanted_list, write_wanted_csv
    from paxvet.watchlists.importers import paxvet_csv
    from paxvet.watchlists.records import to_person_record

    with tempfile.TemporaryDirectory() as tmp:
        path = write_wanted_csv(synth_wanted_list(wanted, seed=3), Path(tmp) / "wanted.csv")
        parsed = paxvet_csv.parse(path)
        entries = [to_person_record(e, str(i)) for i, e in enumerate(parsed.entries)]
        day = synth_day(day=DAY, flights=flights, travellers_per_flight=100, seed=5, crew=False, plant=path)
    index_of = {e.key: i for i, e in enumerate(entries)}
    ids = [getattr(e, "source_id", None) for e in parsed.entries]
    screener = Screener(entries)
    total: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for truth in day.truth:
        born = date.fromisoformat(truth["date_of_birth"])
        traveller = PersonRecord(
            names=(Name(full=f"{truth['given_names']} {truth['surname']}", given=truth["given_names"],
                        family=truth["surname"]),),
            dates_of_birth=(PartialDate(born.year, born.month, born.day),),
            gender=truth["gender"],
            nationalities=(truth["nationality"],),
            documents=(Document(truth["document_number"], truth["document_country"], "P"),),
        )  # fmt: skip
        hits = screener.screen(traveller, DEFAULT_THRESHOLD, 5)
        right = str(ids.index(truth["source_id"])) if truth["source_id"] in ids else None
        ok = right is not None and any(h.entry_index == index_of[right] for h in hits)
        kinds = [v.split(":")[0] for v in truth["variations"]] or ["exact"]
        for kind in {"all", *kinds}:
            total[kind] += 1
            found[kind] += ok
    return total, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--travellers", type=int, default=250, help="passengers per flight")
    parser.add_argument(
        "--wanted", type=int, default=2000, help="wanted persons planted for the recall table"
    )
    args = parser.parse_args()
    print(f"synthetic day: {args.flights} flights x {args.travellers} passengers (+ crew)\n")
    print(f"{'generator':<34} {'travellers':>11} {'seconds':>8} {'travellers/s':>13}")
    for name, count, seconds in speed(args.flights, args.travellers):
        rate = f"{count / seconds:,.0f}" if count else "-"
        print(f"{name:<34} {count:>11,} {seconds:>8.2f} {rate:>13}")
    print(
        f"\nmatcher recall on {args.wanted} planted wanted persons (default threshold, top 5), by variation"
    )
    total, found = recall(max(20, args.wanted // 50), args.wanted)
    print(f"{'variation':<18} {'planted':>8} {'found':>6} {'recall':>7}")
    for kind in sorted(total, key=lambda k: (k != "all", -total[k])):
        print(f"{kind:<18} {total[kind]:>8} {found[kind]:>6} {found[kind] / total[kind]:>7.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
