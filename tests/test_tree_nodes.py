"""Proofs from the stored perfect-subtree nodes equal the in-memory log's, on real databases.

The pure part (which nodes an append completes, how a range splits into perfect subtrees)
is checked against :class:`ledger.MerkleLog` for arbitrary sizes; the stored part by
appending random batches through ``ledgering.append`` on SQLite and PostgreSQL and asking
for every inclusion and consistency proof of every tree size.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service import ledgering, proofs, treenodes
from saylau.service.context import SIGNER, Context
from saylau.store import make_engine, migrate
from saylau.store.engine import MIGRATIONS
from saylau.store.tables import ElectionRow, TreeNodeRow
from tests.databases import database

# Each example appends through real transactions and asks for hundreds of proofs: a few
# examples per run, each covering every proof of its log.
FIXTURE_OK = settings(
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


def leaf(n: int) -> bytes:
    return ledger.leaf_hash(n.to_bytes(8, "big"))


@given(
    before=st.integers(0, 300),
    added=st.integers(0, 70),
)
def test_an_append_completes_exactly_the_perfect_subtrees_it_closes(
    before: int, added: int
) -> None:
    leaves = [leaf(n) for n in range(before + added)]
    log = ledger.MerkleLog(leaves[:before])
    nodes = treenodes.completed(before, log.frontier().hashes, leaves[before:])
    expected = {
        (level, index)
        for level in range(1, (before + added).bit_length())
        for index in range(before >> level, (before + added) >> level)
    }
    assert {(level, index) for level, index, _ in nodes} == expected
    assert len(nodes) == len(expected)
    full = ledger.MerkleLog(leaves)
    for level, index, digest in nodes:
        assert digest == full.subtree_root(index << level, (index + 1) << level)


@given(st.integers(0, 2**40), st.integers(0, 2**40))
def test_a_range_splits_into_aligned_perfect_subtrees(a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    parts = treenodes.parts(start, end)
    position = start
    for level, index in parts:
        assert index << level == position  # contiguous and aligned
        position += 1 << level
    assert position == end
    assert len(parts) <= 2 * max(end.bit_length(), 1)
    if ledger.is_valid_subtree(start, end):
        assert len(parts) <= max((end - start).bit_length(), 1)


@given(st.integers(1, 600), st.data())
def test_stored_tree_proofs_equal_the_memory_log(size: int, data: st.DataObject) -> None:
    leaves = [leaf(n) for n in range(size)]
    log = ledger.MerkleLog(leaves)
    nodes = {(0, i): h for i, h in enumerate(leaves)} | {
        (level, index): h for level, index, h in treenodes.completed(0, (), leaves)
    }
    tree = treenodes.StoredTree(nodes)
    index = data.draw(st.integers(0, size - 1))
    first = data.draw(st.integers(0, size))
    assert ledger.inclusion_proof(index, size, tree) == log.inclusion_proof(index, size)
    assert ledger.consistency_proof(first, size, tree) == log.consistency_proof(first, size)


# --------------------------------------------------------------------------------------------
# Stored in a real database


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


def new_log(ctx: Context) -> str:
    """A fresh election row and its empty log: the ledger needs nothing else."""
    election_id = f"log-{uuid.uuid4().hex[:10]}"
    with ctx.transaction() as session:
        session.add(
            ElectionRow(
                id=election_id, date=dt.date(2026, 3, 19), definition="{}", definition_hash="0"
            )
        )
        session.flush()
        ledgering.create(session, election_id)
    return election_id


def grow(ctx: Context, election_id: str, batches: list[int], start: int = 0) -> int:
    """Append the batches, each in its own transaction, as submissions do; the new size."""
    n = start
    for count in batches:
        with ctx.transaction() as session:
            state = ledgering.lock(session, election_id)
            entries: list[tuple[str, dict[str, Any]]] = [
                ("protocol", {"n": n + i}) for i in range(count)
            ]
            ledgering.append(session, state, entries)
        n += count
    return n


def memory_log(size: int) -> ledger.MerkleLog:
    return ledger.MerkleLog(ledger.leaf_hash(ledgering.canonical({"n": n})) for n in range(size))


@FIXTURE_OK
@given(batches=st.lists(st.integers(0, 9), min_size=1, max_size=4))
def test_every_proof_from_stored_nodes_equals_the_memory_log(
    ctx: Context, batches: list[int]
) -> None:
    election_id = new_log(ctx)
    size = grow(ctx, election_id, batches)
    log = memory_log(size)
    with ctx.sessions() as session:
        for n in range(1, size + 1):
            for index in range(n):
                found_leaf, path = treenodes.inclusion(session, election_id, index, n)
                assert found_leaf == log.leaf_hash(index)
                assert path == log.inclusion_proof(index, n), (index, n)
            for first in range(n + 1):
                assert treenodes.consistency(session, election_id, first, n) == (
                    log.consistency_proof(first, n)
                ), (first, n)


@FIXTURE_OK
@given(
    batches=st.lists(st.integers(1, 120), min_size=1, max_size=5),
    data=st.data(),
)
def test_proofs_of_larger_logs_through_the_service(
    ctx: Context, batches: list[int], data: st.DataObject
) -> None:
    election_id = new_log(ctx)
    size = grow(ctx, election_id, batches)
    log = memory_log(size)
    for _ in range(10):
        n = data.draw(st.integers(1, size))
        index = data.draw(st.integers(0, n - 1))
        first = data.draw(st.integers(1, n))
        answer = proofs.inclusion(ctx, election_id, n, index)
        assert answer["leaf_hash"] == log.leaf_hash(index).hex()
        assert answer["proof"] == [h.hex() for h in log.inclusion_proof(index, n)]
        ledger.verify_inclusion(
            index, n, log.leaf_hash(index), log.inclusion_proof(index, n), log.root(n)
        )
        consistent = proofs.consistency(ctx, election_id, first, n)
        assert consistent["proof"] == [h.hex() for h in log.consistency_proof(first, n)]


def test_the_stored_nodes_are_every_complete_subtree_and_nothing_else(ctx: Context) -> None:
    election_id = new_log(ctx)
    size = grow(ctx, election_id, [1, 2, 0, 5, 13, 1, 31, 7])
    log = memory_log(size)
    with ctx.sessions() as session:
        stored = {
            (level, index): bytes(digest)
            for level, index, digest in session.execute(
                select(TreeNodeRow.level, TreeNodeRow.index, TreeNodeRow.hash).where(
                    TreeNodeRow.election_id == election_id
                )
            )
        }
    expected = {
        (level, index): log.subtree_root(index << level, (index + 1) << level)
        for level in range(1, size.bit_length())
        for index in range(size >> level)
    }
    assert stored == expected


def test_a_proof_is_one_query_of_a_few_rows(ctx: Context) -> None:
    """On main an inclusion proof read every leaf of the tree; now one query of O(log n)."""
    election_id = new_log(ctx)
    size = grow(ctx, election_id, [500, 523])
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        with ctx.sessions() as session:
            leaf_hash, path = treenodes.inclusion(session, election_id, 3, size)
            proof = treenodes.consistency(session, election_id, 700, size)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "(SELECT"))]
    assert len(selects) == 2, statements
    log = memory_log(size)
    assert path == log.inclusion_proof(3, size) and leaf_hash == log.leaf_hash(3)
    assert proof == log.consistency_proof(700, size)
    assert len(path) <= size.bit_length() and len(proof) <= 2 * size.bit_length()


def test_backfill_restores_the_nodes_of_a_log_written_without_them(ctx: Context) -> None:
    election_id = new_log(ctx)
    size = grow(ctx, election_id, [37, 64, 2])
    with ctx.transaction() as session:
        session.execute(delete(TreeNodeRow).where(TreeNodeRow.election_id == election_id))
    log = memory_log(size)
    # Missing nodes are rebuilt from the leaves: slower, still right.
    with ctx.sessions() as session:
        assert treenodes.inclusion(session, election_id, 5, size)[1] == log.inclusion_proof(5)
    with ctx.engine.begin() as connection:
        written = treenodes.backfill(connection, election_id, chunk=10)
    assert written == sum(size >> level for level in range(1, size.bit_length()))
    with ctx.sessions() as session:
        count = session.scalar(select(func.count()).where(TreeNodeRow.election_id == election_id))
        assert count == written
        for index in range(size):
            assert treenodes.inclusion(session, election_id, index, size)[1] == (
                log.inclusion_proof(index, size)
            )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_stores_the_nodes_of_existing_logs(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        engine = make_engine(url)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")
        size = 45
        records = [ledgering.canonical({"n": n}) for n in range(size)]
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO elections (id, date, definition, definition_hash, imported_at)"
                    " VALUES ('old', '2026-03-19', '{}', '0', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    'INSERT INTO ledger_entries (election_id, "index", kind, leaf, leaf_hash,'
                    " created_at) VALUES ('old', :n, 'protocol', :leaf, :hash, CURRENT_TIMESTAMP)"
                ),
                [
                    {"n": n, "leaf": record, "hash": ledger.leaf_hash(record)}
                    for n, record in enumerate(records)
                ],
            )
        migrate(engine)
        log = memory_log(size)
        signer = {SIGNER: ledger.SigningKey.generate()}
        with Session(engine, info=signer) as session, session.begin():
            ledgering.create(session, "old")  # the log's state row, as this revision has it
            session.flush()
            state = ledgering.lock(session, "old")
            state.size = size
            state.frontier = b"".join(log.frontier().hashes)
        with Session(engine) as session:
            stored = session.scalar(select(func.count()).where(TreeNodeRow.election_id == "old"))
            assert stored == sum(size >> level for level in range(1, size.bit_length()))
            for index in range(size):
                assert treenodes.inclusion(session, "old", index, size)[1] == (
                    log.inclusion_proof(index, size)
                )
        engine.dispose()
