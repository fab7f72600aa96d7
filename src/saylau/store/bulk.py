"""Inserting many rows at once inside the caller's transaction.

PostgreSQL gets ``COPY``, the fastest way in; other databases an ``executemany``. Rows must
carry every column they set (Python-side defaults do not apply to COPY).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, bindparam, func, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session


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
    driver = connection.connection.driver_connection
    assert driver is not None
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{model.__tablename__}" ({names}) FROM STDIN') as copy,
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
