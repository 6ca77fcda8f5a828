"""paxvet.db.ByIds: the range form and the list form read the same rows, whatever the ids look like."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, insert, select
from sqlalchemy.engine import Connection

from paxvet.db import ByIds, make_engine, migrate, session_scope, utcnow
from paxvet.screening.models import ScreeningRun

METADATA = MetaData()
PEOPLE = Table("people", METADATA, Column("id", Integer, primary_key=True), Column("name", String(20)))
READ = ByIds(select(PEOPLE.c.id, PEOPLE.c.name).order_by(PEOPLE.c.id), PEOPLE.c.id)


@pytest.fixture(scope="module")
def connection() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    METADATA.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(PEOPLE), [{"id": i, "name": f"p{i}"} for i in range(1, 31) if i != 20])
        yield conn


@pytest.mark.parametrize(
    "ids",
    [
        [3, 4, 5, 6],  # one run: read as a range
        [6, 5, 4, 3],  # the same run, unsorted
        [3, 5, 7],  # gaps
        [3, 4, 6, 7],  # as many ids as a run from 3 to 6 would have, but not that run
        [4, 4, 5, 6],  # a repeated id
        [19, 20, 21],  # a run with an id no row has
        [7],
        [],
    ],
)
def test_rows_are_those_of_the_ids(connection: Connection, ids: list[int]) -> None:
    expected = sorted(i for i in set(ids) if i != 20)
    assert [(r.id, r.name) for r in READ.rows(connection, ids)] == [(i, f"p{i}") for i in expected]


def test_a_run_is_read_with_a_range_and_anything_else_with_a_list(connection: Connection) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        READ.rows(connection, [10, 11, 12])
        READ.rows(connection, [10, 12])
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert "BETWEEN" in statements[0] and " IN " not in statements[0]
    assert " IN " in statements[1]


def test_objects_are_read_through_the_session_in_both_forms(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/db.sqlite3")
    migrate(engine)
    with session_scope(engine) as session:
        session.add_all([ScreeningRun(id=i, kind="live", started_at=utcnow()) for i in range(1, 7)])
    read = ByIds(select(ScreeningRun).order_by(ScreeningRun.id), ScreeningRun.id)
    with session_scope(engine) as session:
        assert [r.id for r in read.objects(session, [2, 3, 4])] == [2, 3, 4]
        assert [r.id for r in read.objects(session, [5, 2])] == [2, 5]
        assert read.objects(session, []) == []
        assert all(isinstance(r, ScreeningRun) for r in read.objects(session, [1, 6]))
