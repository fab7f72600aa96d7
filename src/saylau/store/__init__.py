"""Storage: SQLAlchemy tables, Alembic migrations, SQLite by default and PostgreSQL."""

from saylau.store.engine import database_url, make_engine, migrate

__all__ = ["database_url", "make_engine", "migrate"]
