"""Bulk INSERT of plain rows at the driver's executemany, for the manifest upsert's hundreds of rows.

SQLAlchemy's Core executemany spends more CPU per row building and processing parameters (about 20 µs for
a traveller) than SQLite spends storing it. Here the statement is compiled once per dialect, table and
column set; each row goes through the same per-column bind processors SQLAlchemy would apply (so the stored
values are identical: JSON text, SQLite date strings, UTC datetimes), with a column's processed NULL
computed once; the rows go to the driver in one `exec_driver_sql` executemany. Two shortcuts give the same
text for less CPU: a dialect that stores a date as its ISO text gets `date.isoformat` (C) instead of its
format string, and a JSON column's empty list or dict is serialized once per batch (a document without
findings stores "[]").

On PostgreSQL the rows of narrow tables go as one array per column in a single statement, `INSERT ...
SELECT unnest(...)`, instead of one set of parameters per row: psycopg's executemany spends about 13 µs of
client CPU per row whatever its width (31 of 205 CPU s in the pipeline for the name-key journal alone),
while an array costs per value (about 0.4 µs an integer, 1.8 a string, 3 a timestamp, 8 a JSON value):
two columns cost about 2 µs a row, but a traveller's 24 more than executemany (ARRAY_MAX_COLUMNS).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Date, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from paxvet.db import UTCDateTime


@dataclass(frozen=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]  # parameter order: the row keys, as compiled
    processors: tuple[Callable[[Any], Any] | None, ...]
    nulls: tuple[Any, ...]  # each column's processed None (a JSON column stores the text "null")
    positional: bool
    memo: frozenset[int]  # positions of date and UTC datetime columns: processed values memoized
    empties: frozenset[int]  # positions of JSON columns: an empty list or dict processed once a batch
    arrays: bool = False  # PostgreSQL: one statement takes each column's values as one array


_prepared: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, tuple[str, ...], Any], _Prepared | None]] = (
    weakref.WeakKeyDictionary()
)


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], statement: Any = None
) -> None:
    """INSERT `rows` (dicts with the same keys) into `table`, as `session.execute(insert(table), rows)`
    would, without SQLAlchemy's per-row parameter handling. `statement`: an INSERT of `table` to run
    instead (an upsert built once by the caller; on PostgreSQL it sees up to ARRAY_ROWS rows at once, so
    no two rows may share its conflict target)."""
    if not rows:
        return
    connection = session.connection()
    prepared = _prepare(connection.dialect, table, tuple(rows[0]), statement)
    if prepared is None:  # a column default the rows do not carry: let SQLAlchemy fill it in
        session.execute(insert(table) if statement is None else statement, list(rows))
        return
    if prepared.arrays:
        _send_arrays(connection, prepared, rows, lambda batch: _columns(prepared, batch))
        return
    connection.exec_driver_sql(prepared.sql, _parameters(prepared, rows))


ARRAY_ROWS = 10_000  # rows per statement when they go as arrays (a manifest's keys: about 2,500)
# Wider rows go by executemany: in the pipeline, client CPU by executemany -> by arrays, the name-key journal
# (2 columns) 31.3 -> 3.5 s, the screening mark (3) 3.5 -> 1.6, documents (9) 4.8 -> 2.3, travellers (24)
# 6.2 -> 8.4 (worse: strings, times and JSON values cost more each as array elements than a row does).
ARRAY_MAX_COLUMNS = 9


def _parameters(prepared: _Prepared, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """The driver's parameters, a column at a time: each processed column is one comprehension over its
    values instead of a branch per value and column."""
    names = prepared.names
    if not rows:
        return []
    columns = _columns(prepared, rows)
    if prepared.positional:
        return list(zip(*columns, strict=True))
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _columns(prepared: _Prepared, rows: Sequence[dict[str, Any]]) -> list[Sequence[Any]]:
    """The rows' values a column at a time (in `prepared.names` order), processed."""
    names = prepared.names
    if len(names) > 1:
        columns: list[Sequence[Any]] = list(zip(*map(itemgetter(*names), rows), strict=True))
    else:
        columns = [[row[names[0]] for row in rows]]
    _process_columns(prepared, columns)
    return columns


def _tuple_columns(prepared: _Prepared, rows: Sequence[tuple[Any, ...]]) -> list[Sequence[Any]]:
    """Rows given as tuples in `prepared.names` order, a column at a time, processed."""
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    _process_columns(prepared, columns)
    return columns


def _send_arrays(
    connection: Any,
    prepared: _Prepared,
    rows: Sequence[Any],
    to_columns: Callable[[Sequence[Any]], list[Sequence[Any]]],
) -> None:
    """ARRAY_ROWS rows a statement, each column's values as one list (PostgreSQL)."""
    for start in range(0, len(rows), ARRAY_ROWS):
        columns = to_columns(rows[start : start + ARRAY_ROWS])
        parameters = {name: list(values) for name, values in zip(prepared.names, columns, strict=True)}
        connection.exec_driver_sql(prepared.sql, parameters)


def _process_columns(prepared: _Prepared, columns: list[Sequence[Any]]) -> None:
    """Each column's values through its bind processor, in place (columns in `prepared.names` order)."""
    for index, process in enumerate(prepared.processors):
        if process is not None:
            columns[index] = _processed(prepared, index, process, columns[index])


_CONTAINERS = (list, dict)  # empty ones serialize alike: "[]", "{}"


def _is_empty(value: Any) -> bool:
    return not value and type(value) in _CONTAINERS


def _processed(
    prepared: _Prepared, index: int, process: Callable[[Any], Any], values: Sequence[Any]
) -> list[Any]:
    """One column's values through its bind processor; None becomes the column's processed NULL."""
    null = prepared.nulls[index]
    if index in prepared.memo:  # dates and times repeat within a manifest (one timestamp per message)
        done = {value: null if value is None else process(value) for value in set(values)}
        return [done[value] for value in values]
    if index in prepared.empties:  # a JSON column: an empty list or dict is serialized once
        empty = {kind: process(kind()) for kind in _CONTAINERS}
        return [
            null if value is None else empty[type(value)] if _is_empty(value) else process(value)
            for value in values
        ]
    return [null if value is None else process(value) for value in values]


def _prepare(
    dialect: Dialect, table: Table, keys: tuple[str, ...], statement: Any = None
) -> _Prepared | None:
    per_dialect = _prepared.setdefault(dialect, {})
    key = (table.name, keys, statement)  # a statement is built once by its caller: keyed by identity
    if key not in per_dialect:
        per_dialect[key] = _compile(dialect, table, keys, statement)
    return per_dialect[key]


def _compile(dialect: Dialect, table: Table, keys: tuple[str, ...], statement: Any) -> _Prepared | None:
    statement = insert(table) if statement is None else statement
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else tuple(keys)
    if set(names) != set(keys) or set(compiled.binds) != set(keys):
        return None  # a column default the rows do not carry (checked on the VALUES form, which fills it)
    arrays = dialect.name == "postgresql" and not compiled.positional and len(names) <= ARRAY_MAX_COLUMNS
    if arrays:
        compiled = _from_arrays(statement, table, names).compile(dialect=dialect)
    processors = tuple(_processor(table, name, dialect) for name in names)
    nulls = tuple(None if process is None else process(None) for process in processors)
    processors = tuple(_faster(table, name, process) for name, process in zip(names, processors, strict=True))
    if arrays:  # an array holds one type: psycopg refuses a list of floats and ints mixed
        processors = tuple(
            _as_float(table, name, process) for name, process in zip(names, processors, strict=True)
        )
    memo = frozenset(i for i, name in enumerate(names) if _is_date(table, name))
    empties = frozenset(i for i, name in enumerate(names) if isinstance(table.c[name].type, JSON))
    return _Prepared(
        compiled.string, names, processors, nulls, bool(compiled.positional), memo, empties, arrays
    )


def _from_arrays(statement: Any, table: Table, names: tuple[str, ...]) -> Any:
    """The same INSERT (an upsert's ON CONFLICT kept) reading its rows from one array per column:
    `INSERT INTO t (a, b) SELECT unnest(%(a)s::INTEGER[]), unnest(%(b)s::VARCHAR[])` (PostgreSQL unnests
    the arrays side by side)."""
    arrays = [func.unnest(bindparam(name, type_=ARRAY(table.c[name].type))) for name in names]
    return statement.from_select(list(names), select(*arrays))


def _as_float(table: Table, name: str, process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """A float column's values as floats (then through its processor, if any)."""
    try:
        is_float = table.c[name].type.python_type is float
    except NotImplementedError:
        return process
    if not is_float:
        return process
    if process is None:
        return float
    then = process
    return lambda value: then(float(value))


def _processor(table: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    type_ = table.c[name].type
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _faster(table: Table, name: str, process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """The same processor for values other than None, or a cheaper one writing the same text."""
    if process is not None and type(table.c[name].type) is Date and _stores_iso_dates(process):
        return date.isoformat  # checked just before: no format string and dict per date
    return process


_PROBE_DATES = (date(1, 1, 1), date(999, 12, 31), date(1970, 1, 2), date(2026, 12, 5), date(9999, 12, 31))


def _stores_iso_dates(process: Callable[[Any], Any]) -> bool:
    """Does this date processor write a date as `date.isoformat` does (SQLite's default storage format)?"""
    try:
        return all(process(day) == day.isoformat() for day in _PROBE_DATES)
    except (TypeError, ValueError):
        return False


def _is_date(table: Table, name: str) -> bool:
    """Dates, and UTC datetimes: equal values are stored alike (an aware datetime in a plain DateTime
    column is not: SQLite keeps its wall-clock fields, so two equal instants may differ)."""
    type_ = table.c[name].type
    if isinstance(type_, UTCDateTime):
        return True
    try:
        return type_.python_type is date
    except NotImplementedError:
        return False


def insert_tuples(
    session: Session,
    table: Table,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    statement: Any = None,
) -> None:
    """INSERT rows given as tuples in `columns`' order (or run `statement`, as `insert_rows`): processed a
    column at a time and sent as tuples when the dialect takes positional parameters in that order (SQLite:
    a name key's (traveller, key) pairs, a screening mark), as arrays on PostgreSQL, else as dicts through
    `insert_rows`."""
    if not rows:
        return
    connection = session.connection()
    prepared = _prepare(connection.dialect, table, columns, statement)
    if prepared is not None and prepared.arrays and prepared.names == columns:
        _send_arrays(connection, prepared, rows, lambda batch: _tuple_columns(prepared, batch))
        return
    if prepared is None or not prepared.positional or prepared.names != columns:
        insert_rows(session, table, [dict(zip(columns, row, strict=True)) for row in rows], statement)
        return
    if any(process is not None for process in prepared.processors):
        rows = list(zip(*_tuple_columns(prepared, rows), strict=True))
    connection.exec_driver_sql(prepared.sql, rows)
