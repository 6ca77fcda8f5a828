"""Ingest benchmark: a synthetic day of PAXLST (default 1,000 flights x 250 travellers) through
  * pydifact's tokenizer alone (the baseline),
  * our tokenizer alone, and our full EDIFACT parse (tokenizer + envelope structure),
  * full ingest on SQLite (raw store, parse, map, bulk insert; one transaction per message).

    .venv/bin/python bench/ingest.py [--flights N] [--travellers N] [--growth N]

Synthetic PAXLST comes from `paxvet.synth` when it provides a PAXLST generator; otherwise from the
built-in generator below (realistic segment mix: UNA/UNB/UNG envelope, passenger with passport, visa for
one in five, bags, RFF AVF/ABO, addresses, release characters).
Each phase runs in its own forked process, so "peak memory" is that process's peak RSS. Rates are given
per wall second and per CPU second (time.process_time of the phase's process): on a shared machine the
CPU figure is the one that says what one core does.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

SURNAMES = ["GARCIA", "LOPEZ", "MARTINEZ", "O?'BRIEN", "SMITH?+JONES"]
SURNAMES += ["NGUYEN", "KOWALSKA", "MUELLER", "ROSSI", "TANAKA"]
GIVEN = ["ANA", "LUIS", "MARIA", "JOSE", "SEAN", "ANNA", "VAN", "EWA", "JUERGEN", "MARCO", "YUKI"]
NATS = ["MEX", "USA", "ESP", "GBR", "IRL", "VNM", "POL", "DEU", "ITA", "JPN"]
ROUTES = [("MAD", "MEX"), ("LHR", "CUN"), ("JFK", "GDL"), ("IAH", "MTY"), ("LAX", "TIJ"), ("BOG", "MEX")]


def builtin_day(flights: int, travellers: int) -> list[bytes]:
    """One interchange per flight (one PAXLST message), deterministic."""
    out: list[bytes] = []
    for f in range(flights):
        dep, arr = ROUTES[f % len(ROUTES)]
        number = 100 + f
        segs = [
            f"UNB+UNOA:4+XYAIRWAYS:ZZ+MXAPI:ZZ+250701:0900+XY{f:06d}++APIS",
            "UNG+PAXLST+XYAIRWAYS+MXAPI+250701:0900+1+UN+D:05B",
            f"UNH+M{f}+PAXLST:D:05B:UN:IATA+XY{number}/250701/0930+01:F",
            "BGM+745",
            f"RFF+TN:XY{number}250701",
            "NAD+MS+++XY OPS CONTROL",
            "COM+44 20 7946 0000:TE",
            f"TDT+20+XY{number}+++XY",
            f"LOC+125+{dep}",
            "DTM+189:2507010930:201",
            f"LOC+87+{arr}",
            "DTM+232:2507011530:201",
        ]
        body_start = len(segs) - 2
        for t in range(travellers):
            nat = NATS[(f + t) % len(NATS)]
            segs += [
                f"NAD+FL+++{SURNAMES[t % 10]}{t:04d}:{GIVEN[(t // 10) % 11]}:{GIVEN[(t + f) % 11]}"
                f"+{t} CALLE REFORMA+MEXICO++0{t % 9}000+{nat}",
                f"ATT+2++{'MF'[t % 2]}",
                f"DTM+329:{60 + t % 40:02d}{1 + t % 12:02d}{1 + t % 28:02d}",
                "MEA+CT++:1",
                f"LOC+178+{dep}",
                f"LOC+179+{arr}",
                f"NAT+2+{nat}",
                f"RFF+AVF:Q{f:04d}{t // 3:03d}",
                f"RFF+ABO:XY{number}{t:04d}",
                f"DOC+P:110:111+P{f:04d}{t:05d}",
                f"DTM+36:{27 + t % 8}{1 + t % 12:02d}15",
                f"LOC+91+{nat}",
            ]
            if t % 5 == 0:
                segs += [f"DOC+V:110:111+V{f:04d}{t:05d}", "DTM+36:271231", "LOC+91+MEX"]
        segs.append(f"CNT+42:{travellers}")
        segs.append(f"UNT+{len(segs) - body_start + 1}+M{f}")
        segs += ["UNE+1+1", f"UNZ+1+XY{f:06d}"]
        out.append(("UNA:+.? '\n" + "'\n".join(segs) + "'\n").encode())
    return out


def synthetic_day(flights: int, travellers: int) -> tuple[list[bytes], str]:
    try:
        from paxvet.synth import paxlst_day  # type: ignore[attr-defined]
    except ImportError:
        return builtin_day(flights, travellers), "built-in generator (paxvet.synth has no PAXLST day yet)"
    files = paxlst_day(flights=flights, travellers=travellers)
    return [f if isinstance(f, bytes) else str(f).encode() for f in files], "paxvet.synth.paxlst_day"


# ---------------------------------------------------------------------------------------------------------
# phases (each returns (messages, travellers, wall seconds, CPU seconds))


def phase_pydifact(files: list[bytes]) -> tuple[int, int, float, float]:
    from pydifact.control import Characters
    from pydifact.tokenizer import Tokenizer

    warnings.simplefilter("ignore")
    texts = [f.decode() for f in files]
    start, cpu = time.perf_counter(), time.process_time()
    tokens = 0
    for text in texts:
        # pydifact's Parser reads the UNA itself; the tokenizer alone needs it stripped and given.
        chars = Characters.from_str(text[3:9]) if text.startswith("UNA") else Characters()
        tokens += sum(1 for _ in Tokenizer().get_tokens(text[9:].lstrip("\n"), chars))
    return len(files), 0, time.perf_counter() - start, time.process_time() - cpu


def phase_tokenizer(files: list[bytes]) -> tuple[int, int, float, float]:
    from paxvet.ingest.edifact import read_una, tokenize

    texts = [f.decode() for f in files]
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        seps, pos, _ = read_una(text, 0)
        tokenize(text[pos:], seps, pos)
    return len(files), 0, time.perf_counter() - start, time.process_time() - cpu


def phase_parse(files: list[bytes]) -> tuple[int, int, float, float]:
    from paxvet.ingest.edifact import parse_edifact

    start, cpu = time.perf_counter(), time.process_time()
    messages = sum(len(parse_edifact(f).messages) for f in files)
    return messages, 0, time.perf_counter() - start, time.process_time() - cpu


GROWTH_EVERY = 0  # --growth N: print CPU per N files, split into parse / map / store, as the database grows


def phase_ingest(files: list[bytes]) -> tuple[int, int, float, float]:
    from paxvet.db import make_engine, migrate, session_scope
    from paxvet.ingest.service import receive

    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/bench.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        split = _time_steps() if GROWTH_EVERY else None
        start, cpu = time.perf_counter(), time.process_time()
        messages = travellers = block_travellers = 0
        block_cpu = cpu
        for i, data in enumerate(files):
            with session_scope(engine) as session:
                result = receive(session, data, f"bench/{i}.edi")
            messages += len(result.messages)
            travellers += len(result.traveller_ids)
            block_travellers += len(result.traveller_ids)
            if split is not None and (i + 1) % GROWTH_EVERY == 0:
                now = time.process_time()
                _growth_row(i + 1, path, now - block_cpu, block_travellers, split)
                block_cpu, block_travellers = now, 0
        elapsed, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        engine.dispose()
    return messages, travellers, elapsed, cpu_seconds


def _time_steps() -> dict[str, float]:
    """CPU seconds of the parse, map and store steps, summed by wrapping them (bench only)."""
    import paxvet.ingest.paxlst_handler as handler
    import paxvet.ingest.service as service

    spent = {"parse": 0.0, "map": 0.0, "store": 0.0}

    def timed(step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[step] += time.process_time() - began

        return wrapper

    service.parse_edifact = timed("parse", service.parse_edifact)  # type: ignore[assignment]
    handler.read_paxlst = timed("map", handler.read_paxlst)  # type: ignore[assignment]
    handler.apply_manifest = timed("store", handler.apply_manifest)  # type: ignore[assignment]
    return spent


def _growth_row(files: int, path: str, cpu: float, travellers: int, spent: dict[str, float]) -> None:
    if files == GROWTH_EVERY:
        print("| files | database MB | CPU s | travellers/CPU s | parse CPU s | map CPU s | store CPU s |")
        print("|---|---|---|---|---|---|---|")
    size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / 1e6
    print(
        f"| {files - GROWTH_EVERY + 1:,}-{files:,} | {size:,.0f} | {cpu:.2f} | {travellers / cpu:,.0f} "
        f"| {spent['parse']:.2f} | {spent['map']:.2f} | {spent['store']:.2f} |",
        flush=True,
    )
    for step in spent:
        spent[step] = 0.0


Phase = Callable[[list[bytes]], tuple[int, int, float, float]]


def _child(phase: Phase, files: list[bytes], queue: Any) -> None:
    messages, travellers, seconds, cpu = phase(files)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((messages, travellers, seconds, cpu, peak_kib))


def run(phase: Phase, files: list[bytes]) -> tuple[Any, ...]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(phase, files, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return tuple(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--travellers", type=int, default=250, help="per flight")
    parser.add_argument(
        "--growth",
        type=int,
        default=0,
        metavar="N",
        help="during full ingest, print CPU seconds per N files split into parse, map and store, with the "
        "database size (does the store step slow down as the database grows?)",
    )
    args = parser.parse_args(argv)
    global GROWTH_EVERY
    GROWTH_EVERY = args.growth
    files, origin = synthetic_day(args.flights, args.travellers)
    total_bytes = sum(len(f) for f in files)
    people = args.flights * args.travellers
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at start (other jobs slow all rows)")
    print(
        f"synthetic day: {args.flights} flights x {args.travellers} travellers = {people:,} travellers, "
        f"{len(files):,} files, {total_bytes / 1e6:.1f} MB ({origin}); Python {sys.version.split()[0]}"
    )
    rows = [
        ("pydifact tokenizer alone (baseline)", phase_pydifact),
        ("paxvet tokenizer alone", phase_tokenizer),
        ("paxvet parse (tokenizer + envelopes)", phase_parse),
        ("paxvet full ingest, SQLite", phase_ingest),
    ]
    header = (
        f"| {'step':<38} | {'wall s':>7} | {'CPU s':>7} | {'messages/s':>10} | {'travellers/s':>12} "
        f"| {'travellers/CPU s':>16} | {'vs pydifact (CPU)':>17} | {'MB/s':>6} | {'peak RSS MB':>11} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    baseline = 0.0  # pydifact's travellers per CPU second in this run: the ratio column's denominator
    for label, phase in rows:
        messages, travellers, seconds, cpu, peak_kib = run(phase, files)
        messages, travellers = messages or len(files), travellers or people
        baseline = baseline or travellers / cpu
        print(
            f"| {label:<38} | {seconds:>7.2f} | {cpu:>7.2f} | {messages / seconds:>10,.0f} "
            f"| {travellers / seconds:>12,.0f} | {travellers / cpu:>16,.0f} "
            f"| {travellers / cpu / baseline:>16.2f}x "
            f"| {total_bytes / 1e6 / seconds:>6.1f} | {peak_kib / 1024:>11.0f} |"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
