"""Real databases for storage tests: a SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from saylau.election import Election
from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.elections import import_election, issue_credentials

ADMIN_URL = os.environ.get("SAYLAU_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new empty PostgreSQL database for one test, dropped afterwards."""
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}; CI must start it")
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}")
    name = f"saylau_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'saylau.db'}"
    else:
        with fresh_postgres() as url:
            yield url


@contextmanager
def imported(backend: str, folder: Path, election: Election) -> Iterator[Context]:
    """A service context over a fresh database of ``backend`` with ``election`` imported."""
    with database(backend, folder) as url:
        context = Context.open(url)
        import_election(context, election)
        try:
            yield context
        finally:
            context.engine.dispose()


def principals(ctx: Context, election_id: str) -> dict[str, Principal]:
    """Issue credentials and authenticate them: each commission by unit code, and observers."""
    found: dict[str, Principal] = {}
    with ctx.sessions() as session:
        for issued in issue_credentials(ctx, election_id):
            found[issued.unit_code or issued.role] = authenticate(
                session, election_id, issued.token
            )
    return found
