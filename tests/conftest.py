"""Test fixtures: real databases (SQLite always, PostgreSQL when reachable), migrated by Alembic."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from paxvet.db import Base, import_all_models, make_engine, migrate, session_factory
from paxvet.match import BUILD

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POSTGRES_URL = os.environ.get("PAXVET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_report_header() -> str:
    """Which matcher the tests run: compiled with mypyc or pure Python (see paxvet/match/_build.py)."""
    return f"paxvet.match: {BUILD}"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def _worker_schema() -> str:
    # One schema per test process: parallel runs on one server never see each other's tables.
    return f"paxvet_test_{os.getpid()}"


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """A schema of its own per xdist worker on the local PostgreSQL, migrated once."""
    schema = _worker_schema()
    try:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # unreachable server: skip, unless CI requires it
        if os.environ.get("PAXVET_TEST_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    import_all_models()
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    if names:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "paxvet.sqlite3"
        shutil.copy(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    pg: Engine = request.getfixturevalue("postgres_engine")
    _truncate_all(pg)
    yield pg


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
        s.rollback()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a throw-away data directory with its own SQLite database."""
    from paxvet import console
    from paxvet.settings import get_settings

    monkeypatch.setenv("PAXVET_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PAXVET_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    monkeypatch.setattr(console, "_engine", None)
    yield tmp_path
    get_settings.cache_clear()
