"""Migrations on a database that holds data: what existed before a revision survives it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from saylau.service.auth import authenticate, authenticate_official, hash_token
from saylau.service.context import Context
from saylau.store import make_engine
from saylau.store.engine import MIGRATIONS
from tests.databases import database

ELECTION = "e-2023"


def upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _seed_at_0002(engine: Engine) -> None:
    """Credentials issued twice to the same commission, a protocol accepted and corrected,
    a pending correction of the version that no longer counts and one of the current."""
    now = dt.datetime(2023, 3, 19, 20, 0, tzinfo=dt.UTC)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO elections (id, date, definition, definition_hash, imported_at) "
                "VALUES (:id, :date, '{}', 'h', :now)"
            ),
            {"id": ELECTION, "date": dt.date(2023, 3, 19), "now": now},
        )
        for number, (role, unit) in enumerate(
            [("territorial", "D1"), ("territorial", "D1"), ("precinct", "P1"), ("observer", None)],
            start=1,
        ):
            db.execute(
                text(
                    "INSERT INTO credentials (id, election_id, role, unit_code, token_hash, "
                    "created_at) VALUES (:id, :e, :role, :unit, :hash, :now)"
                ),
                {
                    "id": number,
                    "e": ELECTION,
                    "role": role,
                    "unit": unit,
                    "hash": hash_token(f"token-{number}"),
                    "now": now,
                },
            )
        rows = [  # id, version, state, supersedes, ledger index
            (1, 1, "accepted", None, 0),
            (2, 2, "accepted", 1, 1),
            (3, 3, "pending", 1, None),  # replaces version 1, which no longer counts
            (4, 4, "pending", 2, None),  # replaces version 2, which counts
        ]
        for id_, version, state, supersedes, index in rows:
            db.execute(
                text(
                    "INSERT INTO protocols (id, election_id, precinct, contest, version, state, "
                    "content_hash, payload, supersedes, reason, submitted_by, submitted_at, "
                    "decided_by, decided_at, ledger_index) VALUES (:id, :e, 'P1', 'c', :v, "
                    ":state, 'h', '{}', :sup, NULL, 3, :now, NULL, NULL, :index)"
                ),
                {
                    "id": id_,
                    "e": ELECTION,
                    "v": version,
                    "state": state,
                    "sup": supersedes,
                    "now": now,
                    "index": index,
                },
            )
        db.execute(
            text(
                "INSERT INTO current_protocols (election_id, precinct, contest, protocol_id) "
                "VALUES (:e, 'P1', 'c', 2)"
            ),
            {"e": ELECTION},
        )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_credential_owners_keep_earlier_credentials_working(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0002")
            _seed_at_0002(engine)
            upgrade(engine, "0003")
            with engine.connect() as db:
                owners = db.execute(
                    text(
                        "SELECT id, owner_name, owner_position, expires_at, revoked_at "
                        "FROM credentials ORDER BY id"
                    )
                ).all()
                states = {
                    id_: state for id_, state in db.execute(text("SELECT id, state FROM protocols"))
                }
                decided = db.execute(
                    text("SELECT decided_at FROM protocols WHERE id = 3")
                ).scalar_one()
        finally:
            engine.dispose()
        assert len({name for _id, name, *_rest in owners}) == 4, owners
        assert all("credential" in name and position for _id, name, position, *_r in owners)
        assert all(revoked is None for *_rest, revoked in owners)
        assert states == {1: "accepted", 2: "accepted", 3: "superseded", 4: "pending"}
        assert decided is not None
        ctx = Context.open(url, upgrade=False)
        try:
            with ctx.sessions() as session:
                principal = authenticate(session, ELECTION, "token-2")
            assert (principal.unit_code, principal.credential_id) == ("D1", 2)
        finally:
            ctx.engine.dispose()
        # and back: the earlier schema, every row kept
        engine = make_engine(url)
        try:
            downgrade(engine, "0002")
            with engine.connect() as db:
                columns = db.execute(text("SELECT * FROM credentials")).keys()
                count = db.execute(text("SELECT count(*) FROM credentials")).scalar_one()
                state = db.execute(text("SELECT state FROM protocols WHERE id = 3")).scalar_one()
        finally:
            engine.dispose()
        assert "owner_name" not in columns and count == 4 and state == "pending"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_assemblies_revision_keeps_the_bodies_credentials(backend: str, tmp_path: Path) -> None:
    """0008 adds the assemblies' tables and an akimat's city to the bodies' credentials: a
    Ministry credential issued before works after it, and the revision goes down and up."""
    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0007")
            now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
            with engine.begin() as db:
                db.execute(
                    text(
                        "INSERT INTO body_credentials (role, token_hash, owner_name, "
                        "owner_position, created_at, expires_at) VALUES ('justice', :h, "
                        "'A. Officer', 'registration', :now, :until)"
                    ),
                    {"h": hash_token("ministry"), "now": now, "until": now.replace(year=2099)},
                )
            upgrade(engine, "head")
            ctx = Context.open(url, upgrade=False)
            with ctx.sessions() as session:
                official = authenticate_official(session, "justice", "ministry")
            ctx.engine.dispose()
            assert official.unit_code is None
            downgrade(engine, "0007")
            with engine.connect() as db:
                names = {r[0] for r in db.execute(text("SELECT owner_name FROM body_credentials"))}
            assert names == {"A. Officer"}
            upgrade(engine, "head")
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_petitions_keep_the_ministry_s_credentials_and_go_back(
    backend: str, tmp_path: Path
) -> None:
    """0009 adds the petitions' tables and a subject to body credentials: a Ministry's
    credential issued before keeps working (with no subject), a signature twice for one
    citizen is refused by the database itself, and going back to 0008 (the assemblies'
    revision, which comes before it) keeps the credential."""
    from sqlalchemy.exc import IntegrityError

    from saylau.service.auth import authenticate_official

    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0007")
            with engine.begin() as db:
                db.execute(
                    text(
                        "INSERT INTO body_credentials (role, token_hash, owner_name, "
                        "owner_position, created_at, expires_at) VALUES ('justice', :hash, "
                        "'A. Officer', 'registration', :now, :later)"
                    ),
                    {"hash": hash_token("ministry"), "now": now, "later": now.replace(year=2099)},
                )
            upgrade(engine, "0009")
            with engine.begin() as db:
                db.execute(
                    text(
                        "INSERT INTO petitions (id, title, text, addressee, author_iin, "
                        "drafted_on, state, created_at) VALUES ('p1', 't', 'x', 'government', "
                        "'900517300016', :day, 'draft', :now)"
                    ),
                    {"day": now.date(), "now": now},
                )
            signature = text(
                "INSERT INTO petition_signatures (petition_id, iin, name, certificate_serial, "
                "signed_on, signed_at) VALUES ('p1', '900517300016', 'x', '', :day, :now)"
            )
            with engine.begin() as db:
                db.execute(signature, {"day": now.date(), "now": now})
            with pytest.raises(IntegrityError), engine.begin() as db:
                db.execute(signature, {"day": now.date(), "now": now})
        finally:
            engine.dispose()
        ctx = Context.open(url, upgrade=False)
        try:
            with ctx.sessions() as session:
                official = authenticate_official(session, "justice", "ministry")
            assert (official.name, official.subject) == ("A. Officer", None)
        finally:
            ctx.engine.dispose()
        engine = make_engine(url)
        try:
            downgrade(engine, "0008")
            with engine.connect() as db:
                kept = db.execute(text("SELECT owner_name FROM body_credentials")).scalars().all()
                tables = set(
                    db.execute(
                        text(
                            "SELECT name FROM sqlite_master WHERE type = 'table'"
                            if backend == "sqlite"
                            else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()
        assert kept == ["A. Officer"]
        assert not any(name.startswith("petition") for name in tables)
