"""Matcher speed: travellers/s on one core, p50/p99 latency per traveller, index build time and memory,
against all real lists loaded together and against synthetic lists of 100k and 1M names; side by side
with a rapidfuzz brute-force baseline (process.cdist of each traveller over every name, one worker).

    .venv/bin/python bench/matcher_speed.py [--travellers N] [--sizes 100000,1000000]

Travellers are the first N rows of the yente global and US negatives plus the UN treated positives
(mixing misses and hits as a border population would). Run on a shared 2-core machine: numbers are noisy.
The travellers are shuffled (seeded). The Screener keeps token relations from one traveller to the next,
so a long-lived one gets faster: the "2nd half" column is the CPU rate over the second half of the
travellers alone; `load` is the 1-minute load average at the end of the row.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).parent))
from matcher_lists import NAMEMATCH, load_all, read_people, table
from paxvet.match import Name, PartialDate, PersonRecord, Screener


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def travellers(n: int) -> list[PersonRecord]:
    fixtures = NAMEMATCH / "yente_screening_fixtures"
    third = max(1, n // 3)
    return (
        read_people(fixtures / "negatives_global.csv", third)
        + read_people(fixtures / "negatives_us.csv", third)
        + read_people(fixtures / "positives_un_treated.csv", n - 2 * third)
    )


def synthetic(records: list[PersonRecord], size: int, seed: int = 7) -> list[PersonRecord]:
    """`size` made-up people whose given names and surnames are drawn from the real lists' names."""
    rng = random.Random(seed)
    given, family = [], []
    for r in records:
        for n in r.names:
            words = n.full.replace(",", " ").split()
            if len(words) >= 2:
                given.append(words[-1])
                family.append(words[0])
    out = []
    for i in range(size):
        full = f"{rng.choice(family)} {rng.choice(family) if rng.random() < 0.3 else ''}, {rng.choice(given)}"
        dob = (
            (PartialDate(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)),)
            if rng.random() < 0.7
            else ()
        )
        out.append(PersonRecord(names=(Name(full),), dates_of_birth=dob, key=str(i)))
    return out


def un_truth() -> tuple[list[PersonRecord], list[PersonRecord], list[int]]:
    """UN person entries, the treated UN positives, and for each positive the index of its right entry
    (the best brute-force match of the untreated row, as in matcher_quality.py)."""
    from matcher_lists import WATCHLISTS, load_list
    from paxvet.match import score_pair

    un = load_list("un-sc", "un-xml", WATCHLISTS / "un_consolidated_2026-02" / "UN_consolidated.xml")
    fixtures = NAMEMATCH / "yente_screening_fixtures"
    untreated = read_people(fixtures / "positives_un_untreated.csv")
    treated = read_people(fixtures / "positives_un_treated.csv")
    assert un is not None
    truth = [max(range(len(un.records)), key=lambda j: score_pair(t, un.records[j]).score) for t in untreated]
    return un.records, treated, truth


def planted_recall(
    screener: Screener, offset: int, planted: tuple[list[PersonRecord], list[PersonRecord], list[int]]
) -> str:
    """Candidate recall of the treated UN positives; the UN list sits in the screener from `offset`."""
    _, treated, truth = planted
    found = sum(offset + truth[i] in set(screener.candidates(p)) for i, p in enumerate(treated))
    return f"{found / len(treated):.3f}"


def measure(
    label: str, entries: list[PersonRecord], people: list[PersonRecord]
) -> tuple[list[object], Screener]:
    before = rss_mb()
    start = time.perf_counter()
    screener = Screener(entries)
    build = time.perf_counter() - start
    memory = rss_mb() - before
    for p in people[:50]:
        screener.screen(p)  # warm caches
    latencies = []
    half = len(people) // 2
    start, cpu_start = time.perf_counter(), time.process_time()
    cpu_half = cpu_start
    for n, p in enumerate(people):
        if n == half:
            cpu_half = time.process_time()
        t0 = time.perf_counter()
        screener.screen(p)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    cpu_second_half = time.process_time() - cpu_half
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1e3
    p99 = latencies[int(len(latencies) * 0.99)] * 1e3
    cands = sum(len(screener.candidates(p)) for p in people[:500]) / min(500, len(people))
    names = sum(len(e.names) for e in entries)
    return [
        label,
        f"{len(entries):,} / {names:,}",
        f"{build:.1f} s",
        f"{memory:,.0f} MB",
        f"{cands:.1f}",
        f"{len(people) / cpu:,.0f}",
        f"{(len(people) - half) / cpu_second_half:,.0f}",
        f"{len(people) / total:,.0f}",
        f"{p50:.2f}",
        f"{p99:.2f}",
        f"{os.getloadavg()[0]:.1f}",
    ], screener


def brute_force(entries: list[PersonRecord], people: list[PersonRecord], n: int) -> list[object]:
    names = [x.full for e in entries for x in e.names]
    queries = [p.names[-1].full for p in people[:n]]
    start, cpu_start = time.perf_counter(), time.process_time()
    process.cdist(
        queries, names, scorer=fuzz.token_sort_ratio, processor=str.lower, score_cutoff=85, workers=1
    )
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return [
        f"rapidfuzz cdist brute force ({n} travellers)",
        f"- / {len(names):,}",
        "-",
        "-",
        f"{len(names):,}",
        f"{n / cpu:,.0f}",
        "-",
        f"{n / total:,.0f}",
        f"{1e3 * total / n:.2f} (mean)",
        "-",
        f"{os.getloadavg()[0]:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travellers", type=int, default=3000)
    parser.add_argument("--sizes", default="100000,1000000", help="synthetic list sizes (names)")
    args = parser.parse_args()
    people = travellers(args.travellers)
    random.Random(3).shuffle(people)  # the three sources mixed, so both halves of the run are alike
    start = time.perf_counter()
    lists = load_all()
    real = [r for lst in lists for r in lst.records]
    print(
        f"parsed {len(lists)} real lists ({len(real):,} person entries)",
        f"in {time.perf_counter() - start:.1f} s",
    )
    planted = un_truth()
    # Every list below has the UN list's entries planted at its end, to measure candidate recall at scale.
    row, screener = measure("all real lists", [*real, *planted[0]], people)
    rows = [row, brute_force(real, people, 300)]
    recalls = {"all real lists (UN entries twice)": planted_recall(screener, len(real), planted)}
    for size in (int(s) for s in args.sizes.split(",") if s):
        entries = synthetic(real, size)
        row, screener = measure(f"synthetic {size:,} + UN", [*entries, *planted[0]], people)
        rows.append(row)
        recalls[f"synthetic {size:,} + UN"] = planted_recall(screener, size, planted)
        del screener
        rows.append(brute_force(entries, people, max(5, 30_000_000 // size // 100)))
        del entries
    table(
        f"Screening speed, one core ({len(people):,} travellers)",
        [
            "list",
            "entries / names",
            "index build",
            "index memory",
            "candidates / traveller",
            "travellers/s (CPU time)",
            "2nd half (CPU time)",
            "travellers/s (wall)",
            "p50 ms",
            "p99 ms",
            "load",
        ],
        rows,
    )
    table(
        "Candidate recall at scale: UN list planted among the entries, treated UN positives screened",
        ["list", "candidate recall"],
        [[k, v] for k, v in recalls.items()],
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"\npeak memory of the whole run (lists, synthetic records, indexes): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
