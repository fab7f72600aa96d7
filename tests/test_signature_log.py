"""A petition's own log of commitments in the database, on SQLite and PostgreSQL: each
append answers the proof that its leaf is the last of the new signed head (the previous
frontier, O(log n)), an older leaf is proved in a later head, and appends from many threads
at once make one tree with every leaf once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from saylau import ledger
from saylau.service import petitions, signaturelog
from saylau.service.context import Context
from tests.databases import database
from tests.petitions_fixture import DRAFTED, citizen

ORIGIN = "saylau.kz/petitions/test"


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with database(request.param, tmp_path) as url:
        context = Context.open(url)
        try:
            yield context
        finally:
            context.engine.dispose()


def petition(ctx: Context) -> str:
    return petitions.create(ctx, citizen(ctx, 1), "T", "x", "government", None, DRAFTED)


def leaf(n: int) -> bytes:
    return b"\x01" + hashlib.sha256(n.to_bytes(4, "big")).digest()


def key(ctx: Context) -> ledger.NoteKey:
    return ledger.NoteKey(ORIGIN, ledger.VerifyingKey.from_bytes(ctx.signer.public_key()))


def test_each_append_proves_its_leaf_in_the_signed_head(ctx: Context) -> None:
    petition_id = petition(ctx)
    memory = ledger.MerkleLog()
    for n in range(37):
        with ctx.transaction() as session:
            appended = signaturelog.append(session, petition_id, ORIGIN, leaf(n))
        memory.append(leaf(n))
        head = ledger.verify_checkpoint(appended.checkpoint, [key(ctx)])
        assert (appended.index, appended.size, head.size) == (n, n + 1, n + 1)
        assert head.root == memory.root()
        ledger.verify_inclusion(n, head.size, ledger.leaf_hash(leaf(n)), appended.proof, head.root)
    with ctx.sessions() as session:
        newest = signaturelog.head(session, petition_id)
        proof = signaturelog.inclusion(session, petition_id, 5, newest.size)
        assert signaturelog.leaves(session, petition_id, 0, 3) == [leaf(0), leaf(1), leaf(2)]
    ledger.verify_inclusion(5, newest.size, ledger.leaf_hash(leaf(5)), proof, newest.root)
    with pytest.raises(ledger.ProofError):
        ledger.verify_inclusion(5, newest.size, ledger.leaf_hash(leaf(6)), proof, newest.root)


def test_appends_at_once_make_one_tree(ctx: Context) -> None:
    petition_id = petition(ctx)

    def append(n: int) -> int:
        with ctx.transaction() as session:
            return signaturelog.append(session, petition_id, ORIGIN, leaf(n)).index

    with ThreadPoolExecutor(max_workers=8) as pool:
        indices = list(pool.map(append, range(120)))
    assert sorted(indices) == list(range(120))
    with ctx.sessions() as session:
        newest = signaturelog.head(session, petition_id)
        stored = signaturelog.leaves(session, petition_id, 0, newest.size)
    assert sorted(stored) == sorted(leaf(n) for n in range(120))
    assert ledger.root_hash(ledger.leaf_hash(x) for x in stored) == newest.root
    assert ledger.verify_checkpoint(newest.checkpoint, [key(ctx)]).size == 120


def test_groups_of_leaves_share_one_signed_head_and_each_proof_holds(ctx: Context) -> None:
    """Leaves appended together get one head; every leaf's proof is in that head's tree,
    whatever the sizes before and of the group (frontier roots and new leaves only)."""
    petition_id = petition(ctx)
    memory = ledger.MerkleLog()
    heads: list[str] = []
    n = 0
    for group in (1, 3, 1, 7, 16, 2, 5, 33, 1, 9):
        with ctx.transaction() as session:
            appended = signaturelog.append_many(
                session, petition_id, ORIGIN, [leaf(n + i) for i in range(group)]
            )
        for i in range(group):
            memory.append(leaf(n + i))
        n += group
        assert {a.checkpoint for a in appended} == {appended[0].checkpoint}
        head = ledger.verify_checkpoint(appended[0].checkpoint, [key(ctx)])
        assert head.size == n and head.root == memory.root()
        for a in appended:
            assert a.proof == tuple(memory.inclusion_proof(a.index, n))
            ledger.verify_inclusion(a.index, n, ledger.leaf_hash(leaf(a.index)), a.proof, head.root)
        heads.append(appended[0].checkpoint)
    with ctx.sessions() as session:
        assert signaturelog.head_covering(session, petition_id, 0) == (1, heads[0])
        assert signaturelog.head_covering(session, petition_id, 3) == (4, heads[1])
        assert signaturelog.head_covering(session, petition_id, 4) == (5, heads[2])
        assert signaturelog.head_covering(session, petition_id, n - 1) == (n, heads[-1])
