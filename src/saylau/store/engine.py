"""Opening the database: SQLite by default (a file, no server), PostgreSQL in production.

SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that concurrent writers queue
for the write lock instead of failing half-way; PostgreSQL orders writers by row locks.
Migrations are Alembic's, applied on open.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///saylau.db"
POOL_SIZE = "SAYLAU_DB_POOL_SIZE"  # connections each worker keeps to PostgreSQL
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(explicit: str | None = None) -> str:
    """``explicit``, else ``DATABASE_URL``, else a SQLite file in the working directory."""
    url = explicit or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let BEGIN below decide the locking
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` with the settings each backend needs for safe concurrent writes."""
    resolved = database_url(url)
    if make_url(resolved).get_backend_name() == "sqlite":
        engine = create_engine(resolved, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A fixed pool, no overflow: an overflow connection is closed when it is returned, and
    # under a surge of single submissions that meant a new PostgreSQL backend (a fork and a
    # login) for most requests. Threads past the pool wait for a connection instead.
    size = int(os.environ.get(POOL_SIZE, "30"))
    return create_engine(resolved, pool_size=size, max_overflow=0, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
