"""`paxvet serve --workers 2`: the real server in two processes on loopback, on SQLite. What one process
knows the other must know at once: sessions and logout, CSRF tokens, the lock-out counter and the sign-in
rate limit; and the audit chain written by both (views by group commit in each) stays whole and gap-free."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from fixtures.web.seed_web import PASSWORD, Seeded, seed
from fixtures.web.web_client import csrf_of
from paxvet.accounts.auth import issue_api_token
from paxvet.accounts.service import find_user
from paxvet.audit.models import AuditEvent
from paxvet.db import make_engine, migrate, session_scope

RATE = 12  # sign-in attempts per address a minute, for both processes together


@dataclass
class Served:
    base: str
    env: dict[str, str]
    seeded: Seeded
    token: str
    url: str
    pid: int


def _worker_cpu_ticks(pid: int) -> list[int]:
    """User + system CPU ticks of each child process of `paxvet serve` (its workers and helpers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = []
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks.append(int(fields[11]) + int(fields[12]))
    return ticks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("workers")
    url = f"sqlite:///{data / 'paxvet.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    seeded = seed(engine, data)
    with session_scope(engine) as s:
        ana = find_user(s, "ana")
        assert ana is not None
        token = issue_api_token(s, ana, "workers test")
    engine.dispose()
    env = dict(
        os.environ,
        PAXVET_DATABASE_URL=url,
        PAXVET_DATA_DIR=str(data),
        PAXVET_LOGIN_MAX_FAILURES="3",
        PAXVET_LOGIN_RATE_PER_MINUTE=str(RATE),
    )
    port = _free_port()
    paxvet = str(Path(sys.executable).with_name("paxvet"))
    proc = subprocess.Popen(
        [paxvet, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield Served(base, env, seeded, token, url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "paxvet serve --workers 2 exited"
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
                if not children.exists() or len(children.read_text().split()) >= 2:
                    return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start two workers")


def _fresh(base: str, bearer: str = "", cookies: dict[str, str] | None = None) -> httpx.Client:
    """A client whose every request opens a new connection, so requests land on either process."""
    headers = {"Connection": "close", "Accept-Language": "en"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx.Client(base_url=base, headers=headers, cookies=cookies, follow_redirects=False, timeout=30)


def _count(url: str, action: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            return int(s.scalar(select(func.count()).where(AuditEvent.action == action)) or 0)
    finally:
        engine.dispose()


def test_views_in_both_processes_keep_the_audit_chain_whole(served: Served) -> None:
    views_before = _count(served.url, "traveller:record:viewed")
    queues_before = _count(served.url, "vetting:queue:viewed")
    paths = [f"/api/v1/travellers/{served.seeded.traveller_id}", "/queue"] * 20
    cpu_before = _worker_cpu_ticks(served.pid)

    def get(path: str) -> int:
        with _fresh(served.base, bearer=served.token) as client:
            return client.get(path).status_code

    rounds = 0
    with ThreadPoolExecutor(max_workers=10) as pool:
        while rounds < 6:  # which process accepts a connection is the kernel's choice: go on until both did
            rounds += 1
            assert list(pool.map(get, paths)) == [200] * len(paths)
            busy = [end - start for start, end in zip(cpu_before, _worker_cpu_ticks(served.pid), strict=True)]
            if len([ticks for ticks in busy if ticks > 0]) >= 2:  # children include one serving nothing
                break
    assert len([ticks for ticks in busy if ticks > 0]) >= 2, f"CPU ticks per child: {busy}"
    assert _count(served.url, "traveller:record:viewed") - views_before == 20 * rounds  # one event per view
    assert _count(served.url, "vetting:queue:viewed") - queues_before == 20 * rounds
    verify = subprocess.run(
        [str(Path(sys.executable).with_name("paxvet")), "audit", "verify", "--json"],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert '"ok": true' in verify.stdout


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)}
    )


def test_sessions_csrf_lockout_and_rate_limit_are_shared_by_the_processes(served: Served) -> None:
    """Requests go over new connections, which either process may accept (the rate limit's file is also
    tested with two limiters in tests/web/test_web_auth.py)."""
    with _fresh(served.base) as browser:
        assert _sign_in(browser, "ana", PASSWORD).status_code == 303
        pages = [browser.get("/flights") for _ in range(6)]  # six connections: both processes
        assert [p.status_code for p in pages] == [200] * 6
        csrf = csrf_of(pages[0].text)
        stolen = {"paxvet_session": str(browser.cookies.get("paxvet_session"))}
        refused = browser.post("/logout", data={"csrf_token": "not the token"})
        assert refused.status_code == 403
        assert browser.post("/logout", data={"csrf_token": csrf}).status_code == 303
        # the cookie is gone from the jar; a stolen copy of it must be refused by every process at once
        stolen = {
            "paxvet_session": pages[0].request.headers["cookie"].split("paxvet_session=")[1].split(";")[0]
        }
    with _fresh(served.base, cookies=stolen) as thief:
        assert [thief.get("/flights").status_code for _ in range(6)] == [303] * 6

    attempts = 1  # the sign-in above
    with _fresh(served.base) as guesser:
        for _ in range(3):  # PAXVET_LOGIN_MAX_FAILURES=3, counted across both processes
            assert _sign_in(guesser, "luis", "not the password").status_code == 401
        assert _sign_in(guesser, "luis", PASSWORD).status_code == 401  # locked
        attempts += 4
        while attempts < RATE:
            assert _sign_in(guesser, "nobody", "not the password").status_code == 401
            attempts += 1
        assert _sign_in(guesser, "nobody", "not the password").status_code == 429
