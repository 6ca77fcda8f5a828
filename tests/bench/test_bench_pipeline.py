"""bench/pipeline.py runs end to end at a tiny size, on SQLite and on a PostgreSQL server (a database of
its own, dropped at the end, with the server's CPU counted in)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from conftest import POSTGRES_URL

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def pipeline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.syspath_prepend(str(BENCH))
    import pipeline as module

    monkeypatch.setattr(module, "SHARED", tmp_path / "absent")  # a small lost/stolen list only: fast
    yield module
    sys.modules.pop("pipeline", None)


def _table(out: str) -> dict[str, list[str]]:
    rows = [[c.strip() for c in line.split("|")[1:]] for line in out.splitlines() if line.startswith("| ")]
    return {r[0]: r[1:] for r in rows}


def test_pipeline_bench_on_sqlite(pipeline: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pipeline.main(["--flights", "3", "--travellers", "20", "--new-entries", "15", "--days", "2"])
    out = capsys.readouterr().out
    rows = _table(out)
    end_to_end = rows["end to end: PAXLST bytes -> stored hits"]
    assert int(end_to_end[2]) >= 3 * 20  # every passenger of the day stored (and the crews)
    retro = rows["retro: 15 new entries vs 2 days"][-1]
    new_hits = int(retro.split("; ")[1].split()[0])
    assert new_hits >= 1  # the new entries copied from travellers already stored are found
    assert "of which the PostgreSQL server" not in out
    assert "sqlite; Python" in out and "machine: sum(range(10**7)) in" in out


@pytest.mark.postgres
def test_pipeline_bench_on_postgresql(pipeline: Any, capsys: pytest.CaptureFixture[str]) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # unreachable server: skip, unless CI requires it (as conftest does)
        if os.environ.get("PAXVET_TEST_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    pipeline.main(
        [
            "--flights",
            "3",
            "--travellers",
            "20",
            "--new-entries",
            "15",
            "--days",
            "2",
            "--database",
            POSTGRES_URL,
        ]
    )
    rows = _table(capsys.readouterr().out)
    server = rows["of which the PostgreSQL server"]
    assert float(server[0]) >= 0.0 and server[-1] == "every postgres process of this machine, included above"
    assert "the server's" in rows["retro: 15 new entries vs 2 days"][-1]
    own = f"paxvet_bench_{os.getpid()}"
    with admin.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": own}).scalar()
    admin.dispose()
    assert left == 0  # the bench's own database is dropped


@pytest.mark.postgres
def test_server_cpu_counts_the_local_servers_work(pipeline: Any) -> None:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            before = pipeline.server_cpu(engine)
            conn.execute(text("SELECT count(*) FROM generate_series(1, 3000000)")).scalar()
            after = pipeline.server_cpu(engine)
    except Exception as exc:
        if os.environ.get("PAXVET_TEST_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    finally:
        engine.dispose()
    assert after - before > 0.0  # the backend's CPU for three million rows, read from /proc
    assert pipeline.server_cpu(create_engine("sqlite://")) == 0.0  # SQLite runs in this process
