"""Matcher accuracy, side by side with nomenklatura logic-v2 and a rapidfuzz token_sort_ratio baseline.

    .venv/bin/python bench/matcher_quality.py [--negatives N] [--logic-v2-sample N] [--misses]

Prints Markdown tables: Person pairs of cases.csv (P/R/F1, and per labelled category), yente UN positives
untreated and treated against the UN list (candidate recall and alert recall), alerts per 1,000 of the
global and US negatives against all real lists loaded together, and the cross-script pairs. With
--misses it also lists paxvet's false negatives and false positives on cases.csv and the cross-script pairs,
each with its explanation, to find which naming phenomenon is missing.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).parent))
from matcher_lists import NAMEMATCH, load_all, load_list, read_people, table
from paxvet.match import DEFAULT_THRESHOLD, Name, PersonRecord, Screener, score_pair
from paxvet.match.records import PartialDate

RAPIDFUZZ_THRESHOLD = 0.85
LOGIC_V2_THRESHOLD = 0.7


class LogicV2:
    """nomenklatura's logic-v2 run offline (bench extra); `available` is False when it cannot be imported."""

    def __init__(self) -> None:
        try:
            from followthemoney import model
            from followthemoney.helpers import combine_names
            from nomenklatura.matching import ScoringConfig, get_algorithm
        except ImportError as error:
            print(f"  (nomenklatura not available: {error}; logic-v2 columns left empty)")
            self.available = False
            return
        self.available = True
        self._model, self._combine = model, combine_names
        self._algorithm = get_algorithm("logic-v2")
        self._config = ScoringConfig.defaults()
        self.entity(PersonRecord(names=(Name("warm up"),)))  # rigour loads its tables on first use

    def entity(self, record: PersonRecord) -> Any:
        from followthemoney.types import registry

        e = self._model.make_entity("Person")
        e.id = uuid4().hex  # logic-v2 caches name analysis per id
        for n in record.names:
            if n.given or n.family:
                e.add("firstName", n.given or "")
                e.add("lastName", n.family or "")
            e.add("weakAlias" if n.kind == "weak" else "name", n.full)
        for d in record.dates_of_birth:
            e.add("birthDate", d.iso() if isinstance(d, PartialDate) else str(d.start_year))
        for c in record.nationalities:
            e.add("nationality", c)
        if record.gender:
            e.add("gender", "male" if record.gender == "M" else "female")
        if not e.get_type_values(registry.name, matchable=True):
            self._combine(e)
        return e

    def score(self, a: PersonRecord, b: PersonRecord) -> float:
        return float(self._algorithm.compare(self.entity(a), self.entity(b), self._config).score)


def prf(scores: list[float], labels: list[bool], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < threshold and y)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_f1(scores: list[float], labels: list[bool]) -> tuple[float, float]:
    return max((prf(scores, labels, t / 100)[2], t / 100) for t in range(30, 100))


def rf(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(a, b, processor=str.lower) / 100


def person(full: str) -> PersonRecord:
    return PersonRecord(names=(Name(full),))


def print_misses(title: str, pairs: list[tuple[str, str, bool, str]]) -> None:
    """paxvet's wrong decisions: (name1, name2, is_match, category), scored again for the explanation."""
    wrong = []
    for a, b, label, category in pairs:
        result = score_pair(person(a), person(b))
        if (result.score >= DEFAULT_THRESHOLD) != label:
            wrong.append((label, category, a, b, result.explanation.summary))
    print(f"\n### {title}: {len(wrong)} wrong at {DEFAULT_THRESHOLD}\n")
    for label, category, a, b, summary in sorted(wrong, key=lambda w: (w[0], w[1], w[2])):
        kind = "false negative" if label else "false positive"
        print(f"* {kind} [{category or '-'}] {a} | {b}\n  {summary}")


def bench_cases(v2: LogicV2, misses: bool = False) -> None:
    rows = [
        r
        for r in csv.DictReader((NAMEMATCH / "nomenklatura_name_bench/cases.csv").open())
        if r["schema"] == "Person"
    ]
    labels = [r["is_match"] == "true" for r in rows]
    systems: dict[str, tuple[list[float], float]] = {}
    start = time.perf_counter()
    systems["paxvet"] = (
        [score_pair(person(r["name1"]), person(r["name2"])).score for r in rows],
        DEFAULT_THRESHOLD,
    )
    pax_time = time.perf_counter() - start
    if v2.available:
        systems["nomenklatura logic-v2"] = (
            [v2.score(person(r["name1"]), person(r["name2"])) for r in rows],
            LOGIC_V2_THRESHOLD,
        )
    systems["rapidfuzz token_sort_ratio"] = ([rf(r["name1"], r["name2"]) for r in rows], RAPIDFUZZ_THRESHOLD)
    out = []
    for name, (scores, threshold) in systems.items():
        p, r, f = prf(scores, labels, threshold)
        bf, bt = best_f1(scores, labels)
        out.append([name, threshold, p, r, f, f"{bf:.3f} @ {bt:.2f}"])
    table(
        f"cases.csv Person pairs ({len(rows)}: {sum(labels)} match / {len(rows) - sum(labels)} non-match)",
        ["system", "threshold", "precision", "recall", "F1", "best F1 @ threshold"],
        out,
    )
    print(f"\npaxvet scored {len(rows)} pairs in {pax_time:.2f} s ({1e3 * pax_time / len(rows):.2f} ms/pair)")
    by_cat: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r["category"] and r["category"] != "LLM-proposed deviation":
            by_cat[r["category"]].append(i)
    cat_rows = []
    for cat, idx in sorted(by_cat.items()):
        if len(idx) < 2:
            continue
        cells: list[object] = [cat, len(idx), sum(labels[i] for i in idx)]
        for scores, threshold in systems.values():
            cells.append(sum((scores[i] >= threshold) == labels[i] for i in idx))
        cat_rows.append(cells)
    table(
        "cases.csv Person pairs per labelled category (pairs decided correctly)",
        ["category", "pairs", "matches", *systems.keys()],
        cat_rows,
    )
    if misses:
        pairs = [(r["name1"], r["name2"], y, r["category"]) for r, y in zip(rows, labels, strict=True)]
        print_misses("cases.csv Person pairs paxvet decides wrongly", pairs)


def bench_un(v2: LogicV2) -> None:
    un = load_list(
        "un-sc", "un-xml", NAMEMATCH.parent / "watchlists/un_consolidated_2026-02/UN_consolidated.xml"
    )
    if un is None:
        return
    screener = Screener(un.records)
    untreated = read_people(NAMEMATCH / "yente_screening_fixtures/positives_un_untreated.csv")
    treated = read_people(NAMEMATCH / "yente_screening_fixtures/positives_un_treated.csv")
    # The right entry for row i: the untreated row's best brute-force match (rows carry no list id).
    truth = []
    for t in untreated:
        best = max(range(len(un.records)), key=lambda j: score_pair(t, un.records[j]).score)
        truth.append(best)
    un_names = [n.full for r in un.records for n in r.names]
    owner = [j for j, r in enumerate(un.records) for _ in r.names]
    out = []
    for label, people in (("untreated", untreated), ("treated", treated)):
        cand = sum(truth[i] in screener.candidates(p) for i, p in enumerate(people))
        alerts = [screener.screen(p, limit=1) for p in people]
        right = sum(bool(a) and a[0].entry_index == truth[i] for i, a in enumerate(alerts))
        any_alert = sum(bool(a) for a in alerts)
        v2_cell: object = "-"
        if v2.available:
            v2_cell = sum(
                v2.score(p, un.records[truth[i]]) >= LOGIC_V2_THRESHOLD for i, p in enumerate(people)
            ) / len(people)
        queries = [" ".join(n.full for n in p.names[:1]) for p in people]
        best = process.cdist(queries, un_names, scorer=fuzz.token_sort_ratio, processor=str.lower, workers=1)
        rf_right = sum(
            best[i].max() / 100 >= RAPIDFUZZ_THRESHOLD and owner[int(best[i].argmax())] == truth[i]
            for i in range(len(people))
        )
        n = len(people)
        out.append([label, n, cand / n, any_alert / n, right / n, v2_cell, rf_right / n])
    table(
        f"yente UN positives against the UN list ({len(un.records)} person entries)",
        [
            "rows",
            "n",
            "paxvet candidate recall",
            "paxvet alert recall",
            "paxvet right entry on top",
            "logic-v2 pair recall (right entry given)",
            "rapidfuzz brute force right entry",
        ],
        out,
    )


def bench_negatives(v2: LogicV2, sample: int, v2_sample: int) -> None:
    lists = load_all()
    records = [r for lst in lists for r in lst.records]
    screener = Screener(records)
    names = [n.full for r in records for n in r.names]
    out = []
    for label in ("global", "us"):
        people = read_people(NAMEMATCH / f"yente_screening_fixtures/negatives_{label}.csv", limit=sample)
        start = time.perf_counter()
        alerts = sum(bool(screener.screen(p, limit=1)) for p in people)
        seconds = time.perf_counter() - start
        v2_cell: object = "-"
        if v2.available:
            hits = 0
            for p in people[:v2_sample]:
                cands = screener.candidates(p)[:20]
                hits += any(v2.score(p, records[j]) >= LOGIC_V2_THRESHOLD for j in cands)
            v2_cell = f"{1000 * hits / v2_sample:.1f} (first {v2_sample}, on paxvet's candidates)"
        rf_n = min(len(people), 1000)
        queries = [p.names[-1].full for p in people[:rf_n]]
        best = process.cdist(
            queries,
            names,
            scorer=fuzz.token_sort_ratio,
            processor=str.lower,
            score_cutoff=RAPIDFUZZ_THRESHOLD * 100,
            workers=1,
        )
        rf_alerts = sum(bool(row.max() > 0) for row in best)
        out.append(
            [
                label,
                len(people),
                f"{1000 * alerts / len(people):.1f}",
                f"{seconds:.1f} s",
                v2_cell,
                f"{1000 * rf_alerts / rf_n:.1f} (first {rf_n})",
            ]
        )
    table(
        f"Negatives against all real lists together ({len(records)} person entries, {len(names)} names)",
        [
            "negatives",
            "screened",
            "paxvet alerts / 1,000",
            "paxvet time",
            "logic-v2 alerts / 1,000",
            "rapidfuzz alerts / 1,000",
        ],
        out,
    )


def bench_cross_script(v2: LogicV2, misses: bool = False) -> None:
    rows = []
    for line in (NAMEMATCH / "watchman_cross_script/cross_script_pairs.csv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            q, expected, *_ = next(csv.reader([line]))
            rows.append((q, expected))
    systems: dict[str, Callable[[str, str], float]] = {
        "paxvet": lambda a, b: score_pair(person(a), person(b)).score
    }
    thresholds = {
        "paxvet": DEFAULT_THRESHOLD,
        "logic-v2": LOGIC_V2_THRESHOLD,
        "rapidfuzz": RAPIDFUZZ_THRESHOLD,
    }
    if v2.available:
        systems["logic-v2"] = lambda a, b: v2.score(person(a), person(b))
    systems["rapidfuzz"] = rf
    out = []
    for q, expected in rows:
        out.append([q, expected, *(f"{fn(q, expected):.2f}" for fn in systems.values())])
    passed = ["passed", f"{len(rows)} pairs"] + [
        f"{sum(float(r[2 + i]) >= thresholds[k] for r in out)}/{len(rows)}" for i, k in enumerate(systems)
    ]
    table(
        "Cross-script pairs (watchman_cross_script)", ["query", "expected", *systems.keys()], [*out, passed]
    )
    if misses:
        print_misses("Cross-script pairs paxvet misses", [(q, e, True, "") for q, e in rows])


def hispanic_slice(
    records: list[PersonRecord], size: int, seed: int = 11
) -> list[tuple[str, PersonRecord, int, bool]]:
    """A labelled slice nobody publishes: list entries with two surnames, as carriers really send them
    (paternal only, maternal only, hyphenated, Portuguese order, glued particles, fields swapped), plus
    near misses (same given names with other surnames; another person sharing one surname)."""
    from paxvet.match.names import MATERNAL, PATERNAL, prepare_name

    rng = random.Random(seed)
    found = []
    for j, r in enumerate(records):
        for n in r.names[:1]:
            p = prepare_name(n)
            pat = [t.raw for t, role in zip(p.tokens, p.roles, strict=True) if role == PATERNAL]
            mat = [t.raw for t, role in zip(p.tokens, p.roles, strict=True) if role == MATERNAL]
            giv = [t.raw for t, role in zip(p.tokens, p.roles, strict=True) if role == "given name"]
            if pat and mat and giv:
                found.append((j, " ".join(giv), pat, mat))
    rng.shuffle(found)
    out: list[tuple[str, PersonRecord, int, bool]] = []
    for k, (j, giv, pat, mat) in enumerate(found[:size]):
        p_, m_ = " ".join(pat), " ".join(mat)
        sig = [w for w in pat if w.lower() not in ("de", "del", "la", "las", "los", "y")]
        variants = {
            "both surnames": f"{giv} {p_} {m_}",
            "paternal only": f"{giv} {p_}",
            "maternal only": f"{giv} {m_}",
            "hyphenated": f"{giv} {p_}-{m_}",
            "Portuguese order": f"{giv} {m_} {p_}",
        }
        if len(pat) > len(sig):
            variants["particles glued"] = f"{giv} {''.join(pat)} {m_}"
        for label, full in variants.items():
            out.append((label, PersonRecord(names=(Name(full),)), j, True))
        swapped = PersonRecord(names=(Name(f"{p_} {m_} {giv}", given=f"{p_} {m_}", family=giv),))
        out.append(("given/surname fields swapped", swapped, j, True))
        other = found[(k + 1) % len(found)]
        out.append(
            (
                "near miss: same given names",
                PersonRecord(names=(Name(f"{giv} {' '.join(other[2])}"),)),
                j,
                False,
            )
        )
        out.append(
            ("near miss: one shared surname", PersonRecord(names=(Name(f"{other[1]} {p_}"),)), j, False)
        )
    return out


def bench_hispanic(v2: LogicV2, size: int) -> None:
    lists = load_all()
    records = [r for lst in lists for r in lst.records]
    cases = hispanic_slice(records, size)
    screener = Screener(records)
    by_label: dict[str, list[list[float]]] = defaultdict(list)
    for label, traveller, j, _ in cases:
        found = {r.entry_index: r.score for r in screener.screen(traveller, threshold=0.0, limit=50)}
        pax = found.get(j, 0.0)
        v2s = v2.score(traveller, records[j]) if v2.available else float("nan")
        rfs = rf(traveller.names[0].full, records[j].names[0].full)
        by_label[label].append([pax, v2s, rfs])
    out = []
    for label, scores in by_label.items():
        positive = not label.startswith("near miss")
        cells: list[object] = [label, "match" if positive else "non-match", len(scores)]
        for k, threshold in enumerate((DEFAULT_THRESHOLD, LOGIC_V2_THRESHOLD, RAPIDFUZZ_THRESHOLD)):
            hits = sum(s[k] >= threshold for s in scores) / len(scores)
            cells.append(f"{hits:.2f}" if v2.available or k != 1 else "-")
        out.append(cells)
    table(
        f"Hispanic double-surname slice generated from list entries with two surnames ({size} entries; "
        "share alerted: recall for matches, false-alert rate for near misses; paxvet through its index)",
        ["variant", "label", "pairs", "paxvet", "logic-v2", "rapidfuzz"],
        out,
    )


def bench_recall(sizes: list[int]) -> None:
    """Candidate recall at scale: the UN list planted at the end of all real lists and of synthetic
    lists of namesakes (matcher_speed.py's), the treated UN positives screened through the index alone;
    candidates per traveller and the index's CPU time per traveller over matcher_speed's travellers."""
    from matcher_speed import synthetic, travellers, un_truth
    from paxvet.match.index import CandidateIndex
    from paxvet.match.score import prepared_names

    un, treated, truth = un_truth()
    alerting = {i for i, p in enumerate(treated) if score_pair(p, un[truth[i]]).score >= DEFAULT_THRESHOLD}
    real = [r for lst in load_all() for r in lst.records]
    people = travellers(600)
    header = [
        "list",
        "entries",
        "index build (CPU)",
        "candidates / traveller",
        "index CPU ms / traveller",
        "candidate recall",
        "recall of alerting pairs",
        "missed (first 5)",
    ]
    print(
        f"\n### Candidate recall at scale ({len(treated)} treated UN positives, {len(alerting)} of them "
        f"alerting on their entry; {len(people)} travellers for the candidate counts)\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|", flush=True)
    for size in [0, *sizes]:
        entries = synthetic(real, size) if size else real
        start = time.process_time()
        index = CandidateIndex([*entries, *un])
        build = time.process_time() - start
        start = time.process_time()
        count = sum(len(index.candidates(p, prepared_names(p))) for p in people)
        per = (time.process_time() - start) / len(people)
        missed = [
            i
            for i, p in enumerate(treated)
            if len(entries) + truth[i] not in index.candidates(p, prepared_names(p))
        ]
        label = f"synthetic {size:,} + UN" if size else "all real lists + UN (UN entries twice)"
        row = [
            label,
            f"{len(entries) + len(un):,}",
            f"{build:.0f} s",
            f"{count / len(people):.1f}",
            f"{1e3 * per:.2f}",
            f"{1 - len(missed) / len(treated):.4f}",
            f"{1 - len(alerting.intersection(missed)) / len(alerting):.4f}",
            "; ".join(f"{treated[i].names[0].full} / {un[truth[i]].names[0].full}" for i in missed[:5]),
        ]
        print("| " + " | ".join(row) + " |", flush=True)  # row by row: the 1M row takes long
        del index, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--negatives", type=int, default=10_000, help="rows of each 50k negatives file (sample)"
    )
    parser.add_argument("--logic-v2-sample", type=int, default=300, help="negatives scored by logic-v2")
    parser.add_argument("--hispanic", type=int, default=200, help="entries in the generated Hispanic slice")
    parser.add_argument(
        "--only",
        default="cases,cross,hispanic,un,negatives",
        help="sections to run (also: recall, candidate recall at scale, not run by default)",
    )
    parser.add_argument(
        "--recall-sizes",
        default="100000",
        help="synthetic list sizes for --only recall (e.g. 100000,1000000)",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="also list paxvet's wrong decisions on cases.csv and the cross-script pairs, explained",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    v2 = LogicV2()
    if "cases" in only:
        bench_cases(v2, args.misses)
    if "cross" in only:
        bench_cross_script(v2, args.misses)
    if "hispanic" in only:
        bench_hispanic(v2, args.hispanic)
    if "un" in only:
        bench_un(v2)
    if "negatives" in only:
        bench_negatives(v2, args.negatives, args.logic_v2_sample)
    if "recall" in only:
        bench_recall([int(x) for x in args.recall_sizes.split(",") if x])


if __name__ == "__main__":
    main()
