"""Where the web benchmark's tail comes from: the server of `bench/web.py` with an instrumented app in each
worker, under the same load, then the slowest 1 % of requests against the median, phase by phase.

    .venv/bin/python bench/web_tail.py [--backend sqlite|postgres] [--seconds 10] [--rows me,queue,api]

Each worker records per request its phases (identify, the queue's lines, the traveller read, the rows,
rendering, the audit append and the claim of the chain head), and per process the garbage collector's
pauses, the audit batches and every new database connection, with the worker that served each
connection. A diagnosis, not a benchmark: the instrumentation costs CPU of its own (bench/README.md, Web).
"""

from __future__ import annotations

import argparse
import collections
import contextvars
import gc
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT_ENV = "PAXVET_TAIL_OUT"
_current: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("tail_request")
_lock = threading.Lock()
_files: dict[int, Any] = {}


def _log(record: dict[str, Any]) -> None:
    with _lock:
        pid = os.getpid()
        if pid not in _files:
            _files[pid] = open(f"{os.environ[OUT_ENV]}.{pid}.jsonl", "a", buffering=1)  # noqa: SIM115
        _files[pid].write(json.dumps(record) + "\n")


def _timed(module: Any, name: str, label: str) -> None:
    """Replace `module.name` by a wrapper adding (label, start, end) to the current request's phases."""
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request = _current.get(None)
        started = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            if request is not None:
                request["phases"].append((label, started, time.monotonic()))

    setattr(module, name, wrapper)


def _watch_collector() -> None:
    started: dict[str, float] = {}

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started["wall"], started["cpu"] = time.monotonic(), time.thread_time()
            return
        _log(
            {
                "gc": info["generation"],
                "t0": started["wall"],
                "wall": time.monotonic() - started["wall"],
                "cpu": time.thread_time() - started["cpu"],
            }
        )

    gc.callbacks.append(callback)


def _watch_audit_batches() -> None:
    from paxvet.audit import service

    write = service._GroupCommit._write

    def timed_write(self: Any, batch: list[Any]) -> None:
        started = time.monotonic()
        try:
            write(self, batch)
        finally:
            _log({"batch": len(batch), "t0": started, "wall": time.monotonic() - started})

    service._GroupCommit._write = timed_write  # type: ignore[method-assign]
    _timed(service._GroupCommit, "append", "audit")
    _timed(service, "_claim_head", "claim")


class _Timed:
    """ASGI wrapper: one record per HTTP request (path, connection's client port, start, first byte, end)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        record: dict[str, Any] = {"path": scope["path"], "port": scope["client"][1], "phases": []}
        record["t0"] = time.monotonic()
        token = _current.set(record)

        async def timed_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                record["first_byte"] = time.monotonic()
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            record["t1"] = time.monotonic()
            _current.reset(token)
            _log(record)


def instrumented_app() -> Any:
    """The factory each uvicorn worker calls: `paxvet serve`'s app, instrumented."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import paxvet.vetting.service as vetting
    import paxvet.web.deps as deps
    import paxvet.web.routers.api as api
    import paxvet.web.routers.vetting as vetting_routes
    from paxvet.web.app import create_served_app

    event.listen(Engine, "connect", lambda *_: _log({"connect": 1, "t0": time.monotonic()}))
    _timed(deps, "_identify", "identify")
    _timed(vetting, "queue_lines", "lines")
    _timed(api, "traveller_with_hits", "traveller")
    _timed(vetting_routes, "queue_rows", "rows")
    _timed(vetting_routes, "render", "render")
    _watch_audit_batches()
    app = create_served_app()
    _watch_collector()
    return _Timed(app)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def summarise(out: str, marks: list[tuple[str, float, float]]) -> None:
    records = []
    for name in glob.glob(out + ".*.jsonl"):
        pid = int(name.rsplit(".", 2)[-2])
        records += [json.loads(line) | {"pid": pid} for line in Path(name).read_text().splitlines()]
    for label, began, ended in marks:
        inside = [r for r in records if began <= r["t0"] <= ended]
        requests = [r for r in inside if "path" in r]
        wall = [(r["t1"] - r["t0"]) * 1000 for r in requests]
        print(
            f"\n== {label}: {len(requests)} requests, server side p50 {_percentile(wall, 0.5):.1f} ms, "
            f"p99 {_percentile(wall, 0.99):.1f} ms, max {max(wall, default=0):.1f} ms"
        )
        per_worker: dict[int, list[float]] = collections.defaultdict(list)
        ports: dict[int, set[int]] = collections.defaultdict(set)
        for r, ms in zip(requests, wall, strict=True):
            per_worker[r["pid"]].append(ms)
            ports[r["pid"]].add(r["port"])
        for pid, times in sorted(per_worker.items()):
            print(
                f"   worker {pid}: {len(ports[pid])} connections, {len(times)} requests, "
                f"p50 {_percentile(times, 0.5):.1f} ms, p99 {_percentile(times, 0.99):.1f} ms"
            )
        for generation in (0, 1, 2):
            pauses = [r for r in inside if r.get("gc") == generation]
            if pauses:
                print(
                    f"   gc generation {generation}: {len(pauses)} collections, "
                    f"{sum(p['cpu'] for p in pauses) * 1000:.0f} ms CPU, "
                    f"longest {max(p['wall'] for p in pauses) * 1000:.1f} ms wall"
                )
        batches = [r for r in inside if "batch" in r]
        if batches:
            batch_ms = [b["wall"] * 1000 for b in batches]
            size = statistics.mean(b["batch"] for b in batches)
            print(
                f"   audit batches: {len(batches)}, {size:.2f} events each, "
                f"p50 {_percentile(batch_ms, 0.5):.1f} ms, p99 {_percentile(batch_ms, 0.99):.1f} ms"
            )
        print(f"   new database connections: {sum(1 for r in inside if 'connect' in r)}")
        ranked = sorted(requests, key=lambda r: r["t1"] - r["t0"])
        tail = ranked[-max(1, len(ranked) // 100) :]
        middle = ranked[len(ranked) // 2 - len(tail) // 2 :][: len(tail)]
        for name, group in (("median 1 %", middle), ("slowest 1 %", tail)):
            sums: dict[str, list[float]] = collections.defaultdict(list)
            for r in group:
                spent: dict[str, float] = collections.defaultdict(float)
                for phase, start, end in r["phases"]:
                    spent[phase] += (end - start) * 1000
                for phase, ms in spent.items():
                    sums[phase].append(ms)
                sums["total"].append((r["t1"] - r["t0"]) * 1000)
            print(
                f"   {name}: " + ", ".join(f"{k} {statistics.mean(v):.1f}" for k, v in sums.items()) + " ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--hits", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", default="me,queue,api")
    args = parser.parse_args()

    import httpx

    import web
    from paxvet.db import import_all_models

    import_all_models()
    folder = Path(tempfile.mkdtemp(prefix=f"paxvet-web-tail-{args.backend}-"))
    url = web.backend_url(args.backend, folder)
    if url is None:
        sys.exit("PostgreSQL is not reachable")
    os.environ["PAXVET_BENCH_TOKEN_FILE"] = str(folder / "token")
    travellers = web.seed(url, args.hits)
    token = (folder / "token").read_text()
    out = str(folder / "tail")
    port = web.free_port()
    env = dict(os.environ, PAXVET_DATABASE_URL=url, PAXVET_DATA_DIR=str(folder), **{OUT_ENV: out})
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "web_tail:instrumented_app",
            "--factory",
            "--app-dir",
            str(Path(__file__).parent),
            "--workers",
            str(args.workers),
            "--port",
            str(port),
            "--no-server-header",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/login", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    paths = {
        "me": ["/api/v1/me"],
        "queue": ["/queue", "/queue?airport=MEX", "/queue?airport=CUN"],
        "api": [f"/api/v1/travellers/{t}" for t in travellers[:: max(1, len(travellers) // 500)]],
    }
    web.load(base, token, ["/api/v1/me"], args.clients, 2)  # warm up, as bench/web.py
    marks = []
    try:
        for row in args.rows.split(","):
            began = time.monotonic()
            result = web.load(base, token, paths[row], args.clients, args.seconds, server.pid)
            marks.append((row, began, time.monotonic()))
            print(
                f"{row}: {result['rps']:.0f} req/s, client p50 {result['p50']:.1f} ms, "
                f"p99 {result['p99']:.1f} ms, {result['cpu_ms_per_request']:.1f} CPU ms per request, "
                f"load {result['load']:.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    summarise(out, marks)


if __name__ == "__main__":
    main()
