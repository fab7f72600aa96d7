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

from sqlalchemy import Connection, insert, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.store.bulk import insert_rows
from saylau.store.tables import LedgerEntryRow, TreeNodeRow

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


def fetch(session: Session, election_id: str, wanted: Iterable[Node]) -> dict[Node, bytes]:
    """The stored roots of ``wanted`` nodes, leaves included, in one query."""
    wanted = set(wanted)
    leaves = sorted(index for level, index in wanted if level == 0)
    inner = sorted(node for node in wanted if node[0] > 0)
    queries = []
    if leaves:
        queries.append(
            select(literal(0).label("level"), LedgerEntryRow.index, LedgerEntryRow.leaf_hash).where(
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
    if not queries:
        return {}
    query = queries[0] if len(queries) == 1 else union_all(*queries)
    found = {
        (int(level), int(index)): bytes(digest) for level, index, digest in session.execute(query)
    }
    for node in wanted - found.keys():
        found[node] = _rebuild(session, election_id, node)
    return found


def _rebuild(session: Session, election_id: str, node: Node) -> bytes:
    level, index = node
    start, end = index << level, (index + 1) << level
    log.warning("tree node %s of %s is not stored; hashing its leaves", node, election_id)
    leaves = list(
        session.scalars(
            select(LedgerEntryRow.leaf_hash)
            .where(
                LedgerEntryRow.election_id == election_id,
                LedgerEntryRow.index >= start,
                LedgerEntryRow.index < end,
            )
            .order_by(LedgerEntryRow.index)
        )
    )
    if len(leaves) != end - start:
        raise LookupError(f"the log of {election_id!r} has no leaves [{start}, {end})")
    return ledger.root_hash(bytes(leaf) for leaf in leaves)


def _tree(
    session: Session, election_id: str, ranges: Iterable[tuple[int, int]], leaves: Iterable[int]
) -> StoredTree:
    wanted = {node for lo, hi in ranges for node in parts(lo, hi)}
    wanted.update((0, index) for index in leaves)
    return StoredTree(fetch(session, election_id, wanted))


def inclusion(
    session: Session, election_id: str, index: int, size: int
) -> tuple[bytes, list[bytes]]:
    """The leaf hash of entry ``index`` and PATH(index, D[size]), from one query."""
    ranges = ledger.inclusion_proof_ranges(index, size)
    tree = _tree(session, election_id, ranges, [index])
    return tree.nodes[(0, index)], ledger.inclusion_proof(index, size, tree)


def consistency(session: Session, election_id: str, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]), from one query."""
    ranges = ledger.consistency_proof_ranges(first, second)
    return ledger.consistency_proof(first, second, _tree(session, election_id, ranges, []))


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
