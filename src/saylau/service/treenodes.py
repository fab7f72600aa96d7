"""The log's complete subtrees, stored as they are appended, so that proofs cost O(log n).

Every leaf appended completes at most log2(n) perfect subtrees (a binary carry); their roots
are written in the append's own transaction to ``tree_nodes``. A proof of the RFC 9162 tree
needs the roots of O(log n) ranges; each range is a valid subtree, and a valid subtree is
the concatenation of at most log2(n) perfect ones (only the right edge of the tree is not
perfect). So one query fetches every stored root a proof needs, and the few right-edge
roots are folded from them here.

A node that is missing (a log written before nodes were stored and not yet backfilled) is
computed from its leaves: slower, never wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    bindparam,
    insert,
    literal,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service.errors import NotFound
from saylau.store.bulk import insert_rows
from saylau.store.tables import LedgerEntryRow, LedgerStateRow, TreeNodeRow

log = logging.getLogger(__name__)

Node = tuple[int, int]  # (level, index): the perfect subtree [index << level, (index + 1) << level)


def completed(
    size: int, frontier: Sequence[bytes], leaves: Iterable[bytes]
) -> list[tuple[int, int, bytes]]:
    """The perfect subtrees (level >= 1) that appending ``leaves`` to a tree of ``size``
    leaves, whose frontier is ``frontier`` (largest subtree first), completes."""
    stack = list(frontier)
    nodes: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        carry, position, level = leaf, size, 0
        while position & 1:
            carry = ledger.node_hash(stack.pop(), carry)
            level += 1
            position >>= 1
            nodes.append((level, position, carry))
        stack.append(carry)
        size += 1
    return nodes


def store(
    session: Session,
    election_id: str,
    size: int,
    frontier: Sequence[bytes],
    leaves: Sequence[bytes],
) -> None:
    """Write the nodes that ``leaves``, appended at ``size``, complete (caller's transaction)."""
    rows = [
        {"election_id": election_id, "level": level, "index": index, "hash": digest}
        for level, index, digest in completed(size, frontier, leaves)
    ]
    insert_rows(session, TreeNodeRow, rows)


def parts(start: int, end: int) -> list[Node]:
    """The aligned perfect subtrees that make up ``[start, end)``, left to right: largest
    first, each as large as its start's alignment allows (at most 2·log2(n) of them, and at
    most log2(n) for a valid subtree)."""
    found: list[Node] = []
    position = start
    while position < end:
        level = (end - position).bit_length() - 1
        if position:
            level = min(level, (position & -position).bit_length() - 1)
        found.append((level, position >> level))
        position += 1 << level
    return found


class StoredTree:
    """Subtree roots of one tree from the nodes fetched for it: a :class:`ledger.SubtreeSource`."""

    def __init__(self, nodes: dict[Node, bytes]) -> None:
        self.nodes = nodes

    def subtree_root(self, start: int, end: int) -> bytes:
        if start == end:
            return ledger.EMPTY_ROOT
        hashes = [self.nodes[node] for node in parts(start, end)]
        root = hashes[-1]
        for digest in reversed(hashes[:-1]):
            root = ledger.node_hash(digest, root)
        return root


def reading(engine: Engine) -> Connection:
    """A connection for one proof. On PostgreSQL in autocommit: the proof is one statement,
    so it needs no transaction, and each round trip saved is a good share of its cost."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def fetch(
    connection: Connection | Session, election_id: str, wanted: Iterable[Node]
) -> tuple[int | None, dict[Node, bytes]]:
    """The log's size (None: no such election) and the stored roots of the ``wanted``
    nodes that exist, leaves included: one statement, so they come from one state."""
    wanted = set(wanted)
    leaves = sorted(index for level, index in wanted if level == 0)
    inner = sorted(node for node in wanted if node[0] > 0)
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if bind.dialect.name == "postgresql":
        rows = connection.execute(
            _ARRAYS,
            {
                "election": election_id,
                "leaves": leaves,
                "levels": [level for level, _ in inner],
                "indices": [index for _, index in inner],
            },
        )
        return _collect(rows)
    queries = [
        select(literal(-1).label("level"), LedgerStateRow.size, LedgerStateRow.frontier).where(
            LedgerStateRow.election_id == election_id
        )
    ]
    if leaves:
        queries.append(
            select(literal(0), LedgerEntryRow.index, LedgerEntryRow.leaf_hash).where(
                LedgerEntryRow.election_id == election_id, LedgerEntryRow.index.in_(leaves)
            )
        )
    if inner:
        queries.append(
            select(TreeNodeRow.level, TreeNodeRow.index, TreeNodeRow.hash).where(
                TreeNodeRow.election_id == election_id,
                tuple_(TreeNodeRow.level, TreeNodeRow.index).in_(inner),
            )
        )
    return _collect(connection.execute(union_all(*queries)))


def _collect(rows: Iterable[Any]) -> tuple[int | None, dict[Node, bytes]]:
    size: int | None = None
    found: dict[Node, bytes] = {}
    for level, index, digest in rows:
        if level < 0:
            size = int(index)
        else:
            found[(int(level), int(index))] = bytes(digest)
    return size, found


# On PostgreSQL the node look-up takes arrays, so that every proof runs the same statement
# (prepared once per connection) whatever the number of nodes it needs.
_ARRAYS = text(
    """
    SELECT -1 AS level, size AS index, frontier AS hash
      FROM ledger_state WHERE election_id = :election
    UNION ALL
    SELECT 0, e.index, e.leaf_hash
      FROM ledger_entries e
     WHERE e.election_id = :election AND e.index = ANY(:leaves)
    UNION ALL
    SELECT n.level, n.index, n.hash
      FROM tree_nodes n
      JOIN unnest(:levels, :indices) AS w(level, index)
        ON n.level = w.level AND n.index = w.index
     WHERE n.election_id = :election
    """
).bindparams(
    bindparam("leaves", type_=ARRAY(BigInteger)),
    bindparam("levels", type_=ARRAY(Integer)),
    bindparam("indices", type_=ARRAY(BigInteger)),
)


def leaf_hashes(
    connection: Connection | Session, election_id: str, start: int, end: int
) -> list[bytes]:
    """The stored leaf hashes of entries [start, end), in order."""
    return list(
        connection.execute(
            select(LedgerEntryRow.leaf_hash)
            .where(
                LedgerEntryRow.election_id == election_id,
                LedgerEntryRow.index >= start,
                LedgerEntryRow.index < end,
            )
            .order_by(LedgerEntryRow.index)
        ).scalars()
    )


def _rebuild(connection: Connection | Session, election_id: str, node: Node) -> bytes:
    level, index = node
    start, end = index << level, (index + 1) << level
    log.warning("tree node %s of %s is not stored; hashing its leaves", node, election_id)
    leaves = leaf_hashes(connection, election_id, start, end)
    if len(leaves) != end - start:
        raise LookupError(f"the log of {election_id!r} has no leaves [{start}, {end})")
    return ledger.root_hash(bytes(leaf) for leaf in leaves)


def _tree(
    connection: Connection | Session,
    election_id: str,
    ranges: Iterable[tuple[int, int]],
    leaves: Iterable[int],
    size: int,
) -> StoredTree:
    """The nodes a proof in the tree of ``size`` leaves needs, once ``size`` is known to be
    a size the log has reached."""
    wanted = {node for lo, hi in ranges for node in parts(lo, hi)}
    wanted.update((0, index) for index in leaves)
    logged, found = fetch(connection, election_id, wanted)
    if logged is None:
        raise NotFound(f"no election {election_id!r}")
    if size > logged:
        raise NotFound(f"no tree of {size} entries (the log has {logged})")
    for node in wanted - found.keys():
        found[node] = _rebuild(connection, election_id, node)
    return StoredTree(found)


def inclusion(
    connection: Connection | Session, election_id: str, index: int, size: int
) -> tuple[bytes, list[bytes]]:
    """The leaf hash of entry ``index`` and PATH(index, D[size]), from one query."""
    if not 0 <= index < size:
        raise NotFound(f"no entry {index} in a tree of {size}")
    ranges = ledger.inclusion_proof_ranges(index, size)
    tree = _tree(connection, election_id, ranges, [index], size)
    return tree.nodes[(0, index)], ledger.inclusion_proof(index, size, tree)


def consistency(
    connection: Connection | Session, election_id: str, first: int, second: int
) -> list[bytes]:
    """PROOF(first, D[second]), from one query."""
    if not 0 <= first <= second:
        raise NotFound(f"need 0 ≤ first ≤ second, got {first} and {second}")
    ranges = ledger.consistency_proof_ranges(first, second)
    tree = _tree(connection, election_id, ranges, [], second)
    return ledger.consistency_proof(first, second, tree)


def backfill(connection: Connection, election_id: str, chunk: int = 50_000) -> int:
    """Store every node of an existing log (its leaves read in order, a chunk at a time);
    returns how many were written. For logs appended before nodes were stored."""
    size = 0
    frontier: list[bytes] = []
    written = 0
    while True:
        leaves = [
            bytes(h)
            for h in connection.execute(
                select(LedgerEntryRow.leaf_hash)
                .where(LedgerEntryRow.election_id == election_id, LedgerEntryRow.index >= size)
                .order_by(LedgerEntryRow.index)
                .limit(chunk)
            ).scalars()
        ]
        if not leaves:
            return written
        rows = [
            {"election_id": election_id, "level": level, "index": index, "hash": digest}
            for level, index, digest in completed(size, frontier, leaves)
        ]
        if rows:
            connection.execute(insert(TreeNodeRow), rows)
        written += len(rows)
        grown = ledger.Frontier(size, frontier)
        for leaf in leaves:
            grown.append(leaf)
        size, frontier = grown.size, list(grown.hashes)
