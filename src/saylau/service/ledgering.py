"""The election's Merkle log in the database: appends inside the caller's transaction.

The ledger-state row is locked first in every writing transaction, so appends are ordered
across processes and the frontier stored beside the size is always the one of that size.
Each append signs a new tree head with the election's Ed25519 key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service import treenodes
from saylau.service.errors import NotFound
from saylau.store.bulk import insert_rows
from saylau.store.tables import LedgerEntryRow, LedgerStateRow, TreeHeadRow

HASH = 32


def canonical(record: dict[str, Any]) -> bytes:
    """The one byte encoding of a record: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


#: Each election numbers its protocols in its own block of ids, so several elections share
#: one protocols table without a global counter that every writer would have to lock.
ID_BLOCK = 2**32
IMPORT_LOCK = 0x5A7A  # PostgreSQL advisory lock: one election import hands out blocks at once


def create(session: Session, election_id: str) -> None:
    """The election's empty log, its signing key and its block of protocol ids."""
    if session.connection().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
    highest = session.scalar(select(func.max(LedgerStateRow.next_protocol_id))) or 0
    block = highest // ID_BLOCK + 1
    key = ledger.SigningKey.generate()
    session.add(
        LedgerStateRow(
            election_id=election_id,
            size=0,
            frontier=b"",
            next_protocol_id=block * ID_BLOCK + 1,
            signing_key=key.to_bytes(),
            public_key=key.verifying_key.to_bytes(),
        )
    )


def lock(session: Session, election_id: str) -> LedgerStateRow:
    """Take the election's write lock (row lock on PostgreSQL; SQLite's is already held)."""
    state = session.scalars(
        select(LedgerStateRow).where(LedgerStateRow.election_id == election_id).with_for_update()
    ).one_or_none()
    if state is None:
        raise NotFound(f"no election {election_id!r}")
    return state


@dataclass(frozen=True, slots=True)
class Appended:
    first_index: int
    head: ledger.SignedTreeHead


def append(
    session: Session, state: LedgerStateRow, entries: Sequence[tuple[str, dict[str, Any]]]
) -> Appended:
    """Append ``(kind, record)`` entries under the lock held on ``state``; sign the new head."""
    hashes = [state.frontier[i : i + HASH] for i in range(0, len(state.frontier), HASH)]
    frontier = ledger.Frontier(state.size, hashes)
    first = state.size
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for kind, record in entries:
        leaf = canonical(record)
        leaf_hash = ledger.leaf_hash(leaf)
        index = frontier.append(leaf_hash)
        rows.append(
            {
                "election_id": state.election_id,
                "index": index,
                "kind": kind,
                "leaf": leaf,
                "leaf_hash": leaf_hash,
                "created_at": now,
            }
        )
    insert_rows(session, LedgerEntryRow, rows)
    treenodes.store(session, state.election_id, first, hashes, [r["leaf_hash"] for r in rows])
    state.size = frontier.size
    state.frontier = b"".join(frontier.hashes)
    head = ledger.TreeHead.now(frontier.size, frontier.root())
    signed = ledger.sign_tree_head(head, ledger.SigningKey.from_bytes(state.signing_key))
    if rows:
        session.add(
            TreeHeadRow(
                election_id=state.election_id,
                size=head.size,
                root=head.root,
                timestamp=head.timestamp,
                signature=signed.signature,
            )
        )
    return Appended(first, signed)


def latest_head(session: Session, election_id: str) -> tuple[ledger.SignedTreeHead, bytes]:
    """The newest signed tree head and the public key that verifies it."""
    state = session.get(LedgerStateRow, election_id)
    if state is None:
        raise NotFound(f"no election {election_id!r}")
    row = session.scalars(
        select(TreeHeadRow)
        .where(TreeHeadRow.election_id == election_id)
        .order_by(TreeHeadRow.size.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        key = ledger.SigningKey.from_bytes(state.signing_key)
        empty = ledger.TreeHead.now(0, ledger.root_hash([]))
        return ledger.sign_tree_head(empty, key), state.public_key
    head = ledger.TreeHead(size=row.size, root=row.root, timestamp=row.timestamp)
    return ledger.SignedTreeHead(head=head, signature=row.signature), state.public_key


def leaf_reader(session: Session, election_id: str) -> ledger.LeafReader:
    def read(start: int, end: int) -> Sequence[bytes]:
        return list(
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

    return read
