"""The whole matcher of an earlier commit against the working tree's, as installed (compiled with mypyc
unless it was installed pure), each in its own processes, alternating, on the same travellers and lists.

    .venv/bin/python bench/matcher_ab.py --base 2094547 [--travellers 3000] [--rounds 2]

The base commit is built into a wheel (`pip wheel`, which compiles its matcher the way an install does)
and unpacked into a temporary folder that goes first on the child's PYTHONPATH; the working tree's side
imports the editable install. Each child builds a Screener over every real list under ../shared/data,
screens the first half of the travellers (cold) and then the second half with what the first taught it
(its relation memo and caches: a long-lived Screener's case), and reports the CPU seconds of both halves
and a digest of every hit (entry, score to the last bit): the two sides must agree.
Travellers are those of `bench/matcher_speed.py` (yente negatives and treated UN positives). Rows
alternate base / working tree so that a change in the machine's load hits both; compare ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 0.8


def child(count: int) -> None:
    """Screen the travellers twice (cold, warm) and print one JSON line."""
    sys.path.insert(0, str(Path(__file__).parent))
    import paxvet.match
    from matcher_lists import load_all
    from matcher_speed import travellers
    from paxvet.match import Screener

    entries = [r for lst in load_all() for r in lst.records]
    people = travellers(count)
    random.Random(3).shuffle(people)
    half = len(people) // 2
    screener = Screener(entries)
    passes = []
    digest = hashlib.sha256()
    for group in (people[:half], people[half:]):
        started = time.process_time()
        hits = [[(r.entry_index, r.score) for r in screener.screen(p, THRESHOLD, limit=50)] for p in group]
        passes.append(time.process_time() - started)
        digest.update(repr(hits).encode())
    print(
        json.dumps(
            {
                "build": paxvet.match.BUILD,
                "module": str(Path(paxvet.match.__file__).parent),
                "cold": passes[0],
                "warm": passes[1],
                "travellers": len(people) - half,
                "digest": digest.hexdigest()[:16],
                "load": os.getloadavg()[0],
            }
        )
    )


def build_base(commit: str, folder: Path) -> Path:
    """The base commit's wheel, unpacked: a folder to put first on PYTHONPATH."""
    source, wheels, unpacked = folder / "source", folder / "wheels", folder / "base"
    subprocess.run(["git", "worktree", "add", "--detach", str(source), commit], cwd=ROOT, check=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
            check=True,
        )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(source)], cwd=ROOT, check=True)
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return unpacked


def run_side(path: Path | None, count: int) -> dict[str, object]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--travellers", str(count)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", help="the commit to compare the working tree with")
    parser.add_argument("--travellers", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.travellers)
        return
    if not args.base:
        parser.error("--base COMMIT is required")
    sys.path.insert(0, str(Path(__file__).parent))
    from matcher_lists import NAMEMATCH, WATCHLISTS

    if not (NAMEMATCH.exists() and WATCHLISTS.exists()):
        print(f"skipped: {NAMEMATCH.parent} is absent (the travellers and lists come from there)")
        return
    with tempfile.TemporaryDirectory(prefix="paxvet-ab-") as tmp:
        base = build_base(args.base, Path(tmp))
        print(
            f"base {args.base} against the working tree, {args.travellers:,} travellers, "
            f"threshold {THRESHOLD}"
        )
        print(
            "| round | side | build | 1st half CPU s | 2nd half CPU s | 2nd half travellers/s | digest "
            "| load |"
        )
        print("|---|---|---|---|---|---|---|---|")
        totals: dict[str, list[float]] = {"base": [], "tree": []}
        digests = set()
        for round_ in range(1, args.rounds + 1):
            for side, path in (("base", base), ("tree", None)):
                r = run_side(path, args.travellers)
                warm = float(str(r["warm"]))
                totals[side].append(warm)
                digests.add(r["digest"])
                print(
                    f"| {round_} | {side} | {r['build']} | {float(str(r['cold'])):.2f} | {warm:.2f} "
                    f"| {int(str(r['travellers'])) / warm:,.0f} | {r['digest']} | {r['load']:.1f} |"
                )
        ratio = min(totals["base"]) / min(totals["tree"])
        agree = "identical hits" if len(digests) == 1 else "THE HITS DIFFER"
        print(f"\nsecond half, best of {args.rounds}: working tree {ratio:.2f}x the base; {agree}")
        if len(digests) != 1:
            sys.exit(1)


if __name__ == "__main__":
    main()
