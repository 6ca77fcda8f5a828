"""Database engine, sessions, the declarative base and migrations (Alembic)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, Table, bindparam, create_engine, event, insert, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, QueryableAttribute, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from paxvet.errors import DatabaseUnavailable, PaxvetError
from paxvet.settings import get_settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_returning_id(connection: Connection, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row with Core (no ORM unit of work) and return its new primary key."""
    inserted = connection.execute(insert(table), values).inserted_primary_key
    if inserted is None:  # every backend paxvet runs on reports it
        raise PaxvetError(f"the database did not report the new {table.name} row's id")
    return int(inserted[0])


class ByIds:
    """A SELECT of the rows whose `column` is one of some ids, built once in two forms: `IN (...)` (one
    expanding parameter), and `BETWEEN lo AND hi` for ids that make one unbroken run, which a manifest's
    new travellers do. Both give the same rows; the range spares rendering hundreds of placeholders and
    their names on every call. Read through the connection: plain rows, no ORM result processing."""

    def __init__(self, stmt: Select[*tuple[Any, ...]], column: QueryableAttribute[Any]) -> None:
        self.listed = stmt.where(column.in_(bindparam("ids", expanding=True)))
        self.ranged = stmt.where(column.between(bindparam("lo"), bindparam("hi")))

    def rows(self, connection: Connection, ids: Sequence[int]) -> list[Any]:
        if not ids:
            return []
        return list(connection.execute(*self._form(ids)).all())

    def objects(self, session: Session, ids: Sequence[int]) -> list[Any]:
        """The same, for a SELECT of one mapped class: its objects, through the session."""
        if not ids:
            return []
        return list(session.scalars(*self._form(ids)))

    def _form(self, ids: Sequence[int]) -> tuple[Select[*tuple[Any, ...]], dict[str, Any]]:
        low, high = min(ids), max(ids)
        if high - low + 1 == len(ids) and len(set(ids)) == len(ids):
            return self.ranged, {"lo": low, "hi": high}
        return self.listed, {"ids": list(ids)}


def import_all_models() -> None:
    """Import every `paxvet.<domain>.models` module so the metadata knows every table."""
    import paxvet

    for info in pkgutil.iter_modules(paxvet.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"paxvet.{info.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"paxvet.{info.name}.models":
                    raise


# Connections kept open per process: as many as a web worker's requests use at once (20 clients over two
# workers, plus the audit writer). SQLAlchemy's default of 5 closed every connection returned above that and
# opened a new one for the next request: a quarter of the web requests under load on PostgreSQL (a server
# process forked each time), the SQLite pragmas run again on SQLite.
POOL_SIZE = 20
POOL_OVERFLOW = 10


def make_engine(url: str | None = None) -> Engine:
    url = url or get_settings().effective_database_url
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        if ":memory:" in url or url.rstrip("/") == "sqlite:":
            pool = {}  # one shared in-memory database: SQLAlchemy's own pool for it
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot reach the database {engine.url!r}: {exc.orig}") from exc


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command

    check_connection(engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_factories: dict[str, sessionmaker[Session]] = {}


def session_factory(engine: Engine) -> sessionmaker[Session]:
    key = str(id(engine))
    if key not in _factories:
        _factories[key] = sessionmaker(bind=engine, expire_on_commit=False)
    return _factories[key]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
