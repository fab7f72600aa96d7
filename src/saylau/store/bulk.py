"""Inserting many rows at once inside the caller's transaction.

PostgreSQL gets ``COPY``, the fastest way in; other databases an ``executemany``. Rows must
carry every column they set (Python-side defaults do not apply to COPY).

Inside :func:`together`, PostgreSQL's writes are instead held and sent at the end of the
block as one statement (each write a data-modifying ``WITH`` part reading its rows from a JSON
parameter of its own): a transaction that holds the ledger lock then spends one round trip on its
writes instead of a dozen (two for each COPY), and on a busy machine each round trip costs
the lock's holder a wake-up while every other writer waits for that lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Executable,
    String,
    Table,
    bindparam,
    func,
    insert,
    inspect,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session
from sqlalchemy.orm.attributes import set_committed_value

_HELD = "saylau.bulk.held"  # session.info key: the writes held by ``together``
ROWS = "{rows}"  # in a held statement: where its rows are read from, as a JSON array


@contextlib.contextmanager
def together(session: Session) -> Iterator[None]:
    """Hold the block's writes made through this module (PostgreSQL) and send them as one
    statement when the block ends without an error; elsewhere each runs when it is made."""
    if session.connection().dialect.name != "postgresql" or _HELD in session.info:
        yield
        return
    held: list[tuple[str, list[dict[str, Any]]]] = []
    session.info[_HELD] = held
    try:
        yield
    finally:
        session.info.pop(_HELD, None)
    if not held:
        return
    parts = [
        f"w{number} AS ({sql.replace(ROWS, f'CAST(%(w{number})s AS json)')})"
        for number, (sql, _rows) in enumerate(held)
    ]
    documents = {
        f"w{number}": json.dumps(rows, default=_json, separators=(",", ":"))
        for number, (_sql, rows) in enumerate(held)
    }
    session.connection().exec_driver_sql("WITH " + ", ".join(parts) + " SELECT 1", documents)


def _json(value: Any) -> str:
    """Bytes and moments as PostgreSQL reads them back from JSON text."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot hold a {type(value).__name__} for the database")


def holding(session: Session) -> bool:
    """Whether writes are being held by :func:`together`."""
    return _HELD in session.info


def hold(session: Session, sql: str, rows: list[dict[str, Any]]) -> bool:
    """Hold a write inside :func:`together`: ``sql`` reads ``rows`` where it says
    :data:`ROWS`; False outside the block (the caller then writes as it would)."""
    held: list[tuple[str, list[dict[str, Any]]]] | None = session.info.get(_HELD)
    if held is None:
        return False
    held.append((sql, rows))
    return True


def write_back(session: Session, row: DeclarativeBase) -> None:
    """Inside :func:`together`, hold the changed columns of a loaded row as an UPDATE and
    count them as saved (the flush at the commit has nothing left of it to send); elsewhere
    nothing: the flush saves it."""
    if _HELD not in session.info:
        return
    state = inspect(row)
    if not state.persistent:
        return
    changed = {
        attribute.key: getattr(row, attribute.key)
        for attribute in state.mapper.column_attrs
        if state.attrs[attribute.key].history.has_changes()
    }
    if not changed:
        return
    table = cast(Table, type(row).__table__)
    key = [column.name for column in state.mapper.primary_key]
    values = dict(zip(key, state.identity or (), strict=True)) | changed
    hold(
        session,
        f'UPDATE "{table.name}" AS t SET '
        + ", ".join(f'"{name}" = v."{name}"' for name in changed)
        + f' FROM json_populate_recordset(NULL::"{table.name}", {ROWS}) AS v WHERE '
        + " AND ".join(f't."{name}" = v."{name}"' for name in key),
        [values],
    )
    for name, value in changed.items():
        set_committed_value(row, name, value)


def insert_rows(
    session: Session, model: type[DeclarativeBase], rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(model), list(rows))
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    table = model.__tablename__
    if hold(
        session,
        f'INSERT INTO "{table}" ({names}) SELECT {names} '
        f'FROM json_populate_recordset(NULL::"{table}", {ROWS})',
        list(rows),
    ):
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in columns])


def one_of(
    session: Session, column: InstrumentedAttribute[str], values: Sequence[str]
) -> ColumnElement[bool]:
    """``column IN values`` as one array parameter on PostgreSQL (short SQL for big lists)."""
    if session.connection().dialect.name == "postgresql":
        parameter = bindparam(None, list(values), type_=ARRAY(String))
        return column == func.any(parameter)
    return column.in_(list(values))


class ListQuery:
    """A query over a list of values, built once for each dialect: ``build`` receives the
    condition ``column is one of the list named name`` and returns the statement. Built once,
    SQLAlchemy does not rebuild it nor recompute its cache key on every call, and it runs on
    the session's connection without the ORM's loading of objects: rows come back as rows.
    On PostgreSQL the list is one array parameter, so the statement's text never changes and
    the server keeps it prepared (or ``postgresql`` is the statement to run there)."""

    def __init__(
        self,
        build: Callable[[Callable[[Any, str], ColumnElement[bool]]], Executable],
        postgresql: Executable | None = None,
    ) -> None:
        self.postgresql = (
            build(lambda column, name: column == func.any(bindparam(name, type_=ARRAY(String))))
            if postgresql is None
            else postgresql
        )
        self.other = build(lambda column, name: column.in_(bindparam(name, expanding=True)))

    def run(self, session: Session, parameters: Mapping[str, Any]) -> CursorResult[Any]:
        if session.new or session.dirty or session.deleted:
            session.flush()  # what the session holds is read back, as its own queries would
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        return connection.execute(self.postgresql if postgres else self.other, dict(parameters))
