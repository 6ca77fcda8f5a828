"""The Screener of an earlier commit against the working tree's, in one process on one candidate index:
cold (every matcher cache cleared, fresh Screener state) and warm (the same travellers again), run in
both orders, best of the two; the hits must be identical. Only `match/bounds.py` and `match/screener.py`
are taken from the base commit, so the ratio is that of the Screener's own work.

    .venv/bin/python bench/matcher_speed_ab.py --base 07b52b3 [--travellers 1200]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from matcher_lists import load_all
from matcher_speed import travellers, un_truth
from paxvet.match import PersonRecord, Screener

ROOT = Path(__file__).parent.parent
Hits = list[list[tuple[int, float]]]


def base_module(commit: str, name: str, source: str, folder: Path) -> ModuleType:
    """Load `source` as of `commit` under the module name `name` (its bounds import is redirected)."""
    text = subprocess.run(
        ["git", "show", f"{commit}:src/paxvet/match/{source}"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    path = folder / f"{name}.py"
    path.write_text(text.replace("from paxvet.match.bounds import", "from base_bounds import"))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith(("paxvet.match", "base_")):
            for value in vars(module).values():
                if hasattr(value, "cache_clear"):
                    value.cache_clear()


def fresh(screener: Any, size: int) -> None:
    """Drop what a Screener learnt while screening (its index stays); by attribute, not through
    `__dict__`, which a Screener compiled with mypyc does not have."""
    screener._facts = [None] * size
    screener._name_shapes = {}
    if hasattr(screener, "_memo"):
        screener._memo = type(screener._memo)()


def run(screener: Screener, people: list[PersonRecord], threshold: float) -> tuple[float, Hits]:
    start = time.process_time()
    hits = [[(r.entry_index, r.score) for r in screener.screen(p, threshold, limit=50)] for p in people]
    return time.process_time() - start, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="commit whose bounds.py and screener.py to compare")
    parser.add_argument("--travellers", type=int, default=1200)
    args = parser.parse_args()
    people = travellers(args.travellers)
    random.Random(3).shuffle(people)
    entries = [r for lst in load_all() for r in lst.records] + un_truth()[0]
    new = Screener(entries)
    with tempfile.TemporaryDirectory() as folder:
        sys.path.insert(0, folder)
        base_bounds = base_module(args.base, "base_bounds", "bounds.py", Path(folder))
        old_class = base_module(args.base, "base_screener", "screener.py", Path(folder)).Screener
    old = old_class.__new__(old_class)
    old.__dict__.update(entries=entries, index=new.index, _thresholds=None, _names=new._names)
    if hasattr(base_bounds, "Memo"):  # a base since the relation memo keeps one (fresh() renews it)
        old._memo = base_bounds.Memo()
    print(f"{len(people):,} travellers, {len(entries):,} entries, base {args.base} vs working tree")
    print("| threshold | cold base | cold new | ratio | warm base | warm new | ratio | hits | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for threshold in (0.8, 0.7):
        times: dict[str, list[tuple[float, float]]] = {"base": [], "new": []}
        hits: dict[str, Hits] = {}
        for order in (("base", "new"), ("new", "base")):
            for label in order:
                screener = old if label == "base" else new
                clear_caches()
                fresh(screener, len(entries))
                cold, hits[label] = run(screener, people, threshold)
                warm, again = run(screener, people, threshold)
                assert again == hits[label]
                times[label].append((cold, warm))
        assert hits["base"] == hits["new"], "the two Screeners disagree"
        (cold_b, warm_b), (cold_n, warm_n) = (
            (min(c for c, _ in times[k]), min(w for _, w in times[k])) for k in ("base", "new")
        )
        n = len(people)
        print(
            f"| {threshold} | {n / cold_b:,.0f}/s | {n / cold_n:,.0f}/s | {cold_b / cold_n:.2f} "
            f"| {n / warm_b:,.0f}/s | {n / warm_n:,.0f}/s | {warm_b / warm_n:.2f} "
            f"| {sum(map(len, hits['new'])):,} identical | {os.getloadavg()[0]:.1f} |"
        )


if __name__ == "__main__":
    main()
