"""Alembic environment: runs on the connection handed over by ``saylau.store.engine``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from saylau.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section) or {},
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.begin() as own:
            context.configure(connection=own, target_metadata=target_metadata)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata)
    context.run_migrations()


run()
