"""Bulk INSERT of plain rows at the driver's executemany, for the manifest upsert's hundreds of rows.

SQLAlchemy's Core executemany spends more CPU per row building and processing parameters (about 20 µs for
a traveller) than SQLite spends storing it. Here the statement is compiled once per dialect, table and
column set; each row goes through the same per-column bind processors SQLAlchemy would apply (so the stored
values are identical: JSON text, SQLite date strings, UTC datetimes), with a column's processed NULL
computed once; the rows go to the driver in one `exec_driver_sql` executemany.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
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


_prepared: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, tuple[str, ...]], _Prepared | None]] = (
    weakref.WeakKeyDictionary()
)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts with the same keys) into `table`, as `session.execute(insert(table), rows)`
    would, without SQLAlchemy's per-row parameter handling."""
    if not rows:
        return
    connection = session.connection()
    prepared = _prepare(connection.dialect, table, tuple(rows[0]))
    if prepared is None:  # a column default the rows do not carry: let SQLAlchemy fill it in
        session.execute(insert(table), list(rows))
        return
    connection.exec_driver_sql(prepared.sql, _parameters(prepared, rows))


def _parameters(prepared: _Prepared, rows: Sequence[dict[str, Any]]) -> list[Any]:
    values_of = itemgetter(*prepared.names)
    work: list[tuple[int, Callable[[Any], Any], Any, dict[Any, Any] | None]] = [
        (index, process, null, {} if index in prepared.memo else None)
        for index, (process, null) in enumerate(zip(prepared.processors, prepared.nulls, strict=True))
        if process is not None
    ]
    out: list[Any] = []
    for row in rows:
        values = list(values_of(row)) if len(prepared.names) > 1 else [row[prepared.names[0]]]
        for index, process, null, seen in work:
            value = values[index]
            if value is None:
                values[index] = null
            elif seen is None:
                values[index] = process(value)
            else:  # dates and times repeat within a manifest (one timestamp per message)
                done = seen.get(value)
                if done is None:
                    done = seen[value] = process(value)
                values[index] = done
        out.append(tuple(values) if prepared.positional else dict(zip(prepared.names, values, strict=True)))
    return out


def _prepare(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Prepared | None:
    per_dialect = _prepared.setdefault(dialect, {})
    key = (table.name, keys)
    if key not in per_dialect:
        per_dialect[key] = _compile(dialect, table, keys)
    return per_dialect[key]


def _compile(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Prepared | None:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else tuple(keys)
    if set(names) != set(keys) or set(compiled.binds) != set(keys):
        return None
    processors = tuple(_processor(table, name, dialect) for name in names)
    nulls = tuple(None if process is None else process(None) for process in processors)
    memo = frozenset(i for i, name in enumerate(names) if _is_date(table, name))
    return _Prepared(compiled.string, names, processors, nulls, bool(compiled.positional), memo)


def _processor(table: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    type_ = table.c[name].type
    return type_.dialect_impl(dialect).bind_processor(dialect)


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
