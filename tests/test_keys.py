"""The ledger's signing key stays out of the database: key files, rotation, the first entry."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Engine, inspect, select, text

from saylau import keyfile, ledger
from saylau.service import ledgering, signers
from saylau.service.certification import certify
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.service.submission import approve, submit
from saylau.store import make_engine
from saylau.store.engine import MIGRATIONS
from saylau.store.tables import LedgerEntryRow, LedgerKeyRow, TreeHeadRow
from tests.databases import database, principals
from tests.elections_fixture import PARTIES, protocol, small_election

BACKENDS = ["sqlite", "postgresql"]
ELECTION = "test-2023"
P1 = "KZ-71-D01-P0001"
PRECINCTS = [f"KZ-{r}-D0{d}-P000{p}" for r in (71, 75) for d in (1, 2) for p in (1, 2, 3)]
SAYLAU = [sys.executable, "-m", "saylau"]


def votes(n: int) -> dict[str, int]:
    return dict(zip(PARTIES, (300 + n, 100, 80), strict=True))


def night(ctx: Context) -> None:
    """Import, every precinct's protocols, a correction approved, a certification."""
    import_election(ctx, small_election())
    who = principals(ctx, ELECTION)
    for n, code in enumerate(PRECINCTS):
        submit(ctx, who[code], protocol(code, "mazhilis-list", votes(n)))
    fixed = protocol(P1, "mazhilis-list", dict(zip(PARTIES, (290, 110, 80), strict=True)))
    pending = submit(ctx, who[P1], fixed, reason="arithmetic error found at the recount")
    approve(ctx, who["KZ-71-D01"], pending.protocol_id)
    certify(ctx, who["KZ"], "mazhilis-list")


def public_of(seed: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def stored_values(engine: Engine) -> list[tuple[str, Any]]:
    """Every value of every column of every table, named ``table.column``."""
    found: list[tuple[str, Any]] = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            result = connection.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                found.extend((f"{table}.{c}", v) for c, v in zip(columns, row, strict=True))
    return found


def candidate_byte_strings(value: Any) -> list[bytes]:
    """The bytes a value holds, and any hex or base64 it may hide them in."""
    if isinstance(value, bytes | bytearray | memoryview):
        return [bytes(value)]
    if not isinstance(value, str):
        return []
    out = [value.encode()]
    for run in re.findall(r"[0-9a-fA-F]{64,}", value):
        out.append(bytes.fromhex(run[: len(run) // 2 * 2]))
    for run in re.findall(r"[A-Za-z0-9+/]{43,}={0,2}", value):
        with contextlib.suppress(binascii.Error, ValueError):
            out.append(base64.b64decode(run + "=" * (-len(run) % 4)))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_private_key_is_readable_from_the_database(backend: str, tmp_path: Path) -> None:
    """After import and a night of submissions, no column holds the key or any Ed25519 seed
    whose public key signs the log: a database reader cannot re-sign history."""
    key_path = tmp_path / "keys" / "ledger.key"
    seed = keyfile.generate(key_path).to_bytes()
    with database(backend, tmp_path) as url:
        ctx = Context.open(url, signer=key_path)
        night(ctx)
        with ctx.sessions() as session:
            logged = {bytes(k) for k in session.scalars(select(LedgerKeyRow.public_key))}
        assert logged == {public_of(seed)}
        values = stored_values(ctx.engine)
        ctx.engine.dispose()
    assert len(values) > 100
    forms = (seed, seed.hex().encode(), base64.b64encode(seed))
    for where, value in values:
        for data in candidate_byte_strings(value):
            assert not any(form in data for form in forms), f"the signing key is in {where}"
            for start in range(max(0, len(data) - 31)):
                window = data[start : start + 32]
                assert public_of(window) not in logged, f"a seed of the log's key is in {where}"


def test_key_file_is_private_and_refused_when_others_may_read_it(tmp_path: Path) -> None:
    path = tmp_path / "ledger.key"
    key = keyfile.generate(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert keyfile.load(path).to_bytes() == key.to_bytes()
    name, parsed = ledger.parse_private_key(path.read_text())
    assert name == keyfile.KEY_NAME and parsed.to_bytes() == key.to_bytes()
    with pytest.raises(keyfile.KeyFileError, match="already exists"):
        keyfile.generate(path)
    for mode in (0o640, 0o604, 0o660, 0o644):
        path.chmod(mode)
        with pytest.raises(keyfile.KeyFileError, match="readable only by the service"):
            keyfile.load(path)
    path.chmod(0o600)
    path.write_text("PRIVATE+KEY+x+00000000+AAAA\n")
    with pytest.raises(keyfile.KeyFileError, match="not a signing key"):
        keyfile.load(path)
    with pytest.raises(keyfile.KeyFileError, match="no signing key"):
        keyfile.load(tmp_path / "absent.key")


def test_a_configured_key_file_must_exist_and_the_default_is_made_beside_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(keyfile.ENV, str(tmp_path / "absent.key"))
    ctx = Context.open(f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(keyfile.KeyFileError, match="no signing key"):
        import_election(ctx, small_election())
    ctx.engine.dispose()
    assert not (tmp_path / "absent.key").exists()

    monkeypatch.delenv(keyfile.ENV)
    (tmp_path / "data").mkdir()
    ctx = Context.open(f"sqlite:///{tmp_path / 'data' / 'b.db'}")
    import_election(ctx, small_election())
    made = tmp_path / "data" / keyfile.DEFAULT_NAME
    assert made.stat().st_mode & 0o777 == 0o600
    with ctx.sessions() as session:
        _, public = ledgering.latest_head(session, ELECTION)
    assert public == keyfile.load(made).public_key()
    ctx.engine.dispose()


def first_entry(ctx: Context) -> dict[str, Any]:
    with ctx.sessions() as session:
        row = session.get(LedgerEntryRow, (ELECTION, 0))
        assert row is not None and row.kind == "definition"
        found: dict[str, Any] = json.loads(row.leaf)
        return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_workers_share_one_key_and_a_wrong_key_signs_nothing(backend: str, tmp_path: Path) -> None:
    """Two workers over one database read the same key file and sign alike; a worker given
    another key refuses to append rather than publish a head no one can verify."""
    key_path = tmp_path / "ledger.key"
    keyfile.generate(key_path)
    other = tmp_path / "other.key"
    keyfile.generate(other)
    with database(backend, tmp_path) as url:
        one, two = Context.open(url, signer=key_path), Context.open(url, signer=key_path)
        import_election(one, small_election())
        assert first_entry(one) == {
            "type": "definition",
            "election": ELECTION,
            "definition_hash": small_election().definition_hash(),
            "origin": f"saylau.kz/{ELECTION}",
        }
        who = principals(one, ELECTION)
        for n, code in enumerate(PRECINCTS[:4]):
            submit(one if n % 2 else two, who[code], protocol(code, "mazhilis-list", votes(n)))
        wrong = Context.open(url, signer=other)
        code = PRECINCTS[5]
        with pytest.raises(ledgering.SigningUnavailable, match="not the current key"):
            submit(wrong, who[code], protocol(code, "mazhilis-list", votes(5)))
        trusted = ledger.NoteKey(f"saylau.kz/{ELECTION}", keyfile.load(key_path).verifying_key)
        with one.sessions() as session:
            notes = list(session.scalars(select(TreeHeadRow.note).order_by(TreeHeadRow.size)))
            size = ledgering.latest_head(session, ELECTION)[0].head.size
        assert size == 5 and len(notes) == 5  # nothing of the refused submission was kept
        for note in notes:
            assert note is not None
            ledger.verify_checkpoint(note, [trusted])
        for ctx in (one, two, wrong):
            ctx.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_rotation_signs_new_heads_with_the_new_key_and_old_heads_still_verify(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_path = tmp_path / "ledger.key"
    keyfile.generate(key_path)
    origin = f"saylau.kz/{ELECTION}"
    with database(backend, tmp_path) as url:
        ctx = Context.open(url, signer=key_path)
        worker = Context.open(url, signer=key_path)  # read the old key before the rotation
        import_election(ctx, small_election())
        who = principals(ctx, ELECTION)
        for n, code in enumerate(PRECINCTS[:3]):
            submit(worker, who[code], protocol(code, "mazhilis-list", votes(n)))
        old = ledger.NoteKey(origin, keyfile.load(key_path).verifying_key)
        retired, rotated = signers.rotate(ctx, key_path)
        new = ledger.NoteKey(origin, keyfile.load(key_path).verifying_key)
        assert new != old and rotated == [(ELECTION, 5, new.vkey())]
        assert keyfile.load(retired).verifying_key == old.public
        assert key_path.stat().st_mode & 0o777 == 0o600
        for n, code in enumerate(PRECINCTS[3:6], start=3):
            submit(worker, who[code], protocol(code, "mazhilis-list", votes(n)))
        # a handover: the retired key co-signs, so holders of the old key can follow on
        monkeypatch.setenv(keyfile.COSIGNING_ENV, str(retired))
        handover = Context.open(url, signer=key_path)
        code = PRECINCTS[6]
        done = submit(handover, who[code], protocol(code, "mazhilis-list", votes(6)))
        assert done.tree_size == 8
        handover.engine.dispose()
        with ctx.sessions() as session:
            heads = session.execute(
                select(TreeHeadRow.size, TreeHeadRow.note).order_by(TreeHeadRow.size)
            ).all()
            assert [(size, key) for size, key in ledgering.keys(session, ELECTION)] == [
                (0, old),
                (5, new),
            ]
            assert ledgering.latest_head(session, ELECTION)[1] == new.public.to_bytes()
        assert [size for size, _ in heads] == list(range(1, 9))
        for size, note in heads:
            assert note is not None
            if size == 8:
                assert ledger.verify_checkpoint(note, [old]) == ledger.verify_checkpoint(
                    note, [new]
                )
                continue
            signer, stranger = (old, new) if size < 5 else (new, old)
            assert ledger.verify_checkpoint(note, [signer]).size == size
            with pytest.raises(ledger.SignatureError):
                ledger.verify_checkpoint(note, [stranger])
        ctx.engine.dispose()
        worker.engine.dispose()


def test_migration_retires_a_key_that_was_in_the_database(tmp_path: Path) -> None:
    """A database from before: its private key is dropped, not moved; its public key still
    verifies the old heads; the configured key file signs from the next head on."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    legacy = ledger.SigningKey.generate()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO elections (id, date, definition, definition_hash, imported_at) "
                "VALUES ('old', '2023-03-19', '{}', 'x', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO ledger_state (election_id, size, frontier, next_protocol_id, "
                "signing_key, public_key) VALUES ('old', 0, :f, 1, :s, :p)"
            ),
            {"f": b"", "s": legacy.to_bytes(), "p": legacy.public_key()},
        )
    engine.dispose()
    key_path = tmp_path / "ledger.key"
    keyfile.generate(key_path)
    ctx = Context.open(url, signer=key_path)
    columns = {c["name"] for c in inspect(ctx.engine).get_columns("ledger_state")}
    assert "signing_key" not in columns and "origin" in columns
    for where, value in stored_values(ctx.engine):
        for data in candidate_byte_strings(value):
            assert legacy.to_bytes() not in data, f"the retired key is still in {where}"
    with ctx.transaction() as session:
        state = ledgering.lock(session, "old")
        assert state.public_key is None and state.origin == "saylau.kz/old"
        appended = ledgering.append(session, state, [("note", {"election": "old"})])
    with ctx.sessions() as session:
        assert ledgering.keys(session, "old") == [
            (0, ledger.NoteKey("saylau.kz/old", legacy.verifying_key)),
            (1, ledger.NoteKey("saylau.kz/old", keyfile.load(key_path).verifying_key)),
        ]
    new = ledger.NoteKey("saylau.kz/old", keyfile.load(key_path).verifying_key)
    assert ledger.verify_checkpoint(appended.head.note, [new]).size == 1
    ctx.engine.dispose()


def test_ledger_key_commands(tmp_path: Path) -> None:
    env = {**os.environ, keyfile.ENV: str(tmp_path / "cli.key")}
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    definition = tmp_path / "election.json"
    from tests.elections_fixture import small_election_mapping

    definition.write_text(json.dumps(small_election_mapping()))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*SAYLAU, *args], capture_output=True, text=True, env=env, check=False
        )

    refused = run("election", "import", str(definition), "--db", url)
    assert refused.returncode == 2 and "saylau ledger key generate" in refused.stderr
    made = run("ledger", "key", "generate", "--db", url)
    assert made.returncode == 0, made.stderr
    assert run("ledger", "key", "generate", "--db", url).returncode == 2
    assert run("election", "import", str(definition), "--db", url).returncode == 0
    shown = run("ledger", "key", "show", "--db", url)
    assert shown.returncode == 0 and f"from size 0: saylau.kz/{ELECTION}+" in shown.stdout
    rotated = run("ledger", "key", "rotate", "--db", url)
    assert rotated.returncode == 0, rotated.stderr
    assert f"{ELECTION}: signed from size 2 by saylau.kz/{ELECTION}+" in rotated.stdout
    shown = run("ledger", "key", "show", "--db", url)
    assert "from size 2:" in shown.stdout


def test_a_rotation_the_database_refuses_at_commit_keeps_the_old_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key file changes only with the database: a commit that fails puts the old key back,
    so the service can still sign with the key its logs name."""
    key_path = tmp_path / "ledger.key"
    keyfile.generate(key_path)
    before = key_path.read_bytes()
    ctx = Context.open(f"sqlite:///{tmp_path / 'saylau.db'}", signer=key_path)
    import_election(ctx, small_election())
    opened = ctx.transaction

    @contextlib.contextmanager
    def refused_at_commit() -> Any:
        with opened() as session:
            yield session
            raise RuntimeError("the database refused the commit")

    monkeypatch.setattr(ctx, "transaction", refused_at_commit)
    with pytest.raises(RuntimeError, match="refused the commit"):
        signers.rotate(ctx, key_path)
    assert key_path.read_bytes() == before
    monkeypatch.undo()
    who = principals(ctx, ELECTION)
    code = PRECINCTS[0]
    assert submit(ctx, who[code], protocol(code, "mazhilis-list", votes(0))).status == "accepted"
    ctx.engine.dispose()
