"""Web benchmark: requests/s and latency (p50, p99) of the vetting-queue page and the traveller API under
20 concurrent clients on loopback, with 10,000 open hits, on SQLite and (when reachable) PostgreSQL.

    .venv/bin/python bench/web.py [--hits 10000] [--clients 20] [--seconds 20]

The server is the real `paxvet serve` in its own process (`--workers`, default 1).
Clients authenticate with a bearer token. The baseline row is `GET /api/v1/me`: the same authentication
and middleware with no query, to separate the server's fixed cost from the pages' own work. Goal: p99 of the
queue page and the traveller API <= 200 ms. Every traveller API call and queue view writes an audit event,
as in production, so the numbers include those writes.

The machine is shared: each row gives the server's CPU seconds (all its processes, from /proc) and CPU
milliseconds per request, and the 1-minute load average at the end of the row, beside the wall-clock
latencies that the load inflates.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, text

from paxvet.db import import_all_models, make_engine, migrate, session_scope, utcnow

PG_URL = os.environ.get("PAXVET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
GOAL_P99_MS = 200.0


def seed(url: str, hits: int) -> list[int]:
    """An agency, an officer with a token, one list of 200 entries, flights of 250 travellers, one open
    hit per traveller. Returns traveller ids (for the traveller API). Bulk inserts: setup, not measured."""
    from paxvet.accounts.auth import issue_api_token
    from paxvet.accounts.service import create_user
    from paxvet.flights.models import Flight, Traveller
    from paxvet.screening.models import Hit
    from paxvet.watchlists.models import Watchlist, WatchlistEntry, WatchlistVersion

    engine = make_engine(url)
    migrate(engine)
    now = utcnow().replace(microsecond=0)
    with session_scope(engine) as s:
        officer = create_user(
            s, username="bench", password="loopback load test 1", role="officer", agency="MX-INM"
        )
        token = issue_api_token(s, officer, "bench")
        wl = Watchlist(
            name="bench-list", owner_agency="MX-INM", category="wanted", source_format="paxvet-csv"
        )
        s.add(wl)
        s.flush()
        version = WatchlistVersion(watchlist_id=wl.id, number=1, entry_count=200, added=200)
        s.add(version)
        s.flush()
        s.execute(
            insert(WatchlistEntry),
            [
                {
                    "watchlist_id": wl.id,
                    "source_id": f"E{i}",
                    "primary_name": f"PERSON {i}",
                    "record": {},
                    "content_hash": f"{i:064d}",
                    "added_in_version_id": version.id,
                    "changed_in_version_id": version.id,
                }
                for i in range(200)
            ],
        )
        entry_ids = [r[0] for r in s.execute(text("SELECT id FROM watchlist_entry ORDER BY id"))]
        flights = (hits + 249) // 250
        arrivals = [now + timedelta(minutes=20 * f) for f in range(flights)]
        s.execute(
            insert(Flight),
            [
                {
                    "carrier": "XY",
                    "number": str(100 + f),
                    "airport": ("MEX", "CUN", "GDL")[f % 3],
                    "flight_date": date.today(),
                    "origin": "MAD",
                    "scheduled_arrival_utc": arrivals[f],
                    "direction": "inbound",
                    "status": "open",
                }
                for f in range(flights)
            ],
        )
        flight_ids = [r[0] for r in s.execute(text("SELECT id FROM flight ORDER BY id"))]
        s.execute(
            insert(Traveller),
            [
                {
                    "flight_id": flight_ids[i // 250],
                    "identity_key": f"k{i}",
                    "surname": f"SURNAME{i}",
                    "given_names": "ANA MARIA",
                    "nationality": "MEX",
                    "role": "passenger",
                    "source": "api",
                    "in_transit": False,
                }
                for i in range(hits)
            ],
        )
        traveller_ids = [r[0] for r in s.execute(text("SELECT id FROM traveller ORDER BY id"))]

        def queue_time(i: int) -> dict[str, Any]:
            """The copy of the (inbound) flight's arrival that screening stores on each hit; absent from
            the schema before it (an earlier commit's `src/` on PYTHONPATH, for A/B runs)."""
            return {"queue_at": arrivals[i // 250]} if "queue_at" in Hit.__table__.c else {}

        explanation = {
            "score": 0.93,
            "name": {"score": 0.95, "traveller_name": "ANA MARIA", "entry_name": "ANA", "tokens": []},
            "date_of_birth": {"outcome": "unknown", "effect": 0.0, "traveller": "", "entry": ""},
        }
        s.execute(
            insert(Hit),
            [
                {
                    "traveller_id": t,
                    "flight_id": flight_ids[i // 250],
                    "kind": "watchlist",
                    "subject_key": f"entry:{entry_ids[i % 200]}",
                    "entry_id": entry_ids[i % 200],
                    "watchlist_id": wl.id,
                    "list_version_id": version.id,
                    "score": 0.9,
                    "summary": "bench",
                    "explanation": explanation,
                    "category": "wanted",
                    "severity": ("low", "medium", "high", "critical")[i % 4],
                    "status": "open",
                    "created_at": now,
                    "updated_at": now,
                }
                | queue_time(i)
                for i, t in enumerate(traveller_ids)
            ],
        )
    if engine.dialect.name == "postgresql":
        # what autovacuum does within a minute of this bulk load: without statistics the planner takes
        # the new tables for empty, and the rows would run on whichever plan it chose before or after
        with engine.connect() as conn:
            conn.execute(
                text("ANALYZE flight, traveller, hit, watchlist, watchlist_entry, app_user, api_token")
            )
            conn.commit()
    engine.dispose()
    Path(os.environ["PAXVET_BENCH_TOKEN_FILE"]).write_text(token)
    return traveller_ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, PAXVET_DATABASE_URL=url, PAXVET_DATA_DIR=str(data_dir))
    paxvet = Path(sys.executable).with_name("paxvet")
    proc = subprocess.Popen(
        [str(paxvet), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=1)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its worker processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    total = 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


class PlainClient:
    """One keep-alive HTTP/1.1 connection with the standard library's http.client: a tenth of httpx's CPU
    per request, so the 20 client threads take less of the 2 cores the server needs (`--client httpx`
    for the client of the earlier runs)."""

    def __init__(self, base: str, token: str, timeout: float) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get_status(self, path: str) -> int:
        try:
            self.connection.request("GET", path, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reconnects on the next request
            raise
        return response.status

    def close(self) -> None:
        self.connection.close()


class HttpxClient:
    def __init__(self, base: str, token: str, timeout: float) -> None:
        self.client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    def get_status(self, path: str) -> int:
        return self.client.get(path).status_code

    def close(self) -> None:
        self.client.close()


CLIENTS: dict[str, type[PlainClient | HttpxClient]] = {"http.client": PlainClient, "httpx": HttpxClient}


def load(
    base: str,
    token: str,
    paths: list[str],
    clients: int,
    seconds: float,
    server_pid: int = 0,
    client_kind: str = "http.client",
) -> dict[str, float]:
    """`clients` threads, each with its own connection, cycling through `paths` for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        client = CLIENTS[client_kind](base, token, 30)
        i = offset
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                ok = client.get_status(paths[i % len(paths)]) == 200
            except (OSError, http.client.HTTPException, httpx.TransportError):  # an error; its wait counts
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            bad += not ok
            i += clients
        client.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    cpu_before = server_cpu_seconds(server_pid) if server_pid else 0.0
    client_cpu_before = time.process_time()  # this process: the client threads (the server is another)
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    cpu = server_cpu_seconds(server_pid) - cpu_before if server_pid else 0.0
    client_cpu = time.process_time() - client_cpu_before
    latencies.sort()
    return {
        "cpu_s": cpu,
        "cpu_ms_per_request": cpu * 1000 / max(1, len(latencies)),
        "client_cpu_s": client_cpu,
        "load": os.getloadavg()[0],
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1] if len(latencies) >= 100 else max(latencies),
        "errors": errors,
    }


def backend_url(name: str, folder: Path) -> str | None:
    if name == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS paxvet_bench_web CASCADE"))
            conn.execute(text("CREATE SCHEMA paxvet_bench_web"))
        admin.dispose()
    except Exception as exc:
        print(f"PostgreSQL unreachable at {PG_URL}: {exc.__class__.__name__}; skipped", file=sys.stderr)
        return None
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3Dpaxvet_bench_web"


def run_backend(
    name: str, hits: int, clients: int, seconds: float, workers: int, client_kind: str
) -> list[tuple[str, str, dict[str, float]]]:
    folder = Path(tempfile.mkdtemp(prefix=f"paxvet-bench-web-{name}-"))
    url = backend_url(name, folder)
    if url is None:
        return []
    os.environ["PAXVET_BENCH_TOKEN_FILE"] = str(folder / "token")
    travellers = seed(url, hits)
    token = (folder / "token").read_text()
    proc, base = start_server(url, folder, workers)
    try:
        load(
            base, token, ["/api/v1/me"], clients, 2, client_kind=client_kind
        )  # warm up: connections, thread pool
        for path in ["/queue", "/queue?airport=MEX", f"/api/v1/travellers/{travellers[0]}"]:  # templates
            httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        step = max(1, len(travellers) // 500)
        queue = ["/queue", "/queue?airport=MEX", "/queue?airport=CUN"]
        api = [f"/api/v1/travellers/{t}" for t in travellers[::step]]
        pid = proc.pid
        rows = [
            (label, name, load(base, token, paths, clients, seconds, pid, client_kind))
            for label, paths in (
                ("GET /api/v1/me (baseline)", ["/api/v1/me"]),
                ("GET /queue (page, 50 rows)", queue),
                ("GET /api/v1/travellers/{id}", api),
            )
        ]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # graceful shutdown waits for idle keep-alive connections
            proc.kill()
            proc.wait()
    CHAIN_CHECKS.append(f"{name}: {verify_audit_chain(url, folder)}")
    return rows


CHAIN_CHECKS: list[str] = []


def verify_audit_chain(url: str, data_dir: Path) -> str:
    """`paxvet audit verify` over the events the run wrote (one per queue view and traveller API call)."""
    env = dict(os.environ, PAXVET_DATABASE_URL=url, PAXVET_DATA_DIR=str(data_dir))
    paxvet = Path(sys.executable).with_name("paxvet")
    done = subprocess.run(
        [str(paxvet), "audit", "verify", "--json"], env=env, capture_output=True, text=True, check=False
    )
    return f"exit {done.returncode} {done.stdout.strip() or done.stderr.strip()[-200:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hits", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="http.client", help="the load generator's HTTP client"
    )
    args = parser.parse_args()
    import_all_models()
    rows = []
    for name in args.backends.split(","):
        rows += run_backend(name.strip(), args.hits, args.clients, args.seconds, args.workers, args.client)
    print(
        f"\nweb: {args.hits:,} open hits, {args.clients} concurrent clients, {args.seconds:.0f} s per row, "
        f"{args.workers} uvicorn worker(s), {args.client} clients, {os.cpu_count()} CPUs; "
        f"goal p99 <= {GOAL_P99_MS:.0f} ms\n"
    )
    print(
        f"| {'endpoint':<30} | {'backend':<8} | {'requests':>8} | {'req/s':>7} | {'p50 ms':>7} "
        f"| {'p99 ms':>7} | {'errors':>6} | {'server CPU s':>12} | {'CPU ms/req':>10} | {'client CPU s':>12} "
        f"| {'load':>5} "
        f"| {'goal':<5} |"
    )
    print(
        f"|{'-' * 32}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 14}|{'-' * 12}"
        f"|{'-' * 14}|{'-' * 7}|{'-' * 7}|"
    )
    for label, backend, r in rows:
        verdict = "-" if "baseline" in label else ("met" if r["p99"] <= GOAL_P99_MS else "MISS")
        print(
            f"| {label:<30} | {backend:<8} | {r['requests']:>8,.0f} | {r['rps']:>7.1f} | {r['p50']:>7.1f} "
            f"| {r['p99']:>7.1f} | {r['errors']:>6.0f} | {r['cpu_s']:>12.1f} "
            f"| {r['cpu_ms_per_request']:>10.1f} | {r['client_cpu_s']:>12.1f} | {r['load']:>5.1f} "
            f"| {verdict:<5} |"
        )
    print("\naudit chain after the run (paxvet audit verify --json):")
    for line in CHAIN_CHECKS:
        print(f"  {line}")


if __name__ == "__main__":
    main()
