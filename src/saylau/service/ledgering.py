"""The election's Merkle log in the database: appends inside the caller's transaction.

The ledger-state row is locked first in every writing transaction, so appends are ordered
across processes and the frontier stored beside the size is always the one of that size.
Each append signs a new tree head, a C2SP checkpoint naming the log by its origin, through
the service's :class:`saylau.ledger.Signer` (a key file by default). The database holds only
public keys, each with the first tree size it signs, so it can show heads but never sign one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service import treenodes
from saylau.service.context import COSIGNERS, SIGNER
from saylau.service.errors import NotFound, ServiceError
from saylau.store.bulk import holding, insert_rows, write_back
from saylau.store.tables import LedgerEntryRow, LedgerKeyRow, LedgerStateRow, TreeHeadRow

HASH = 32


def canonical(record: dict[str, Any]) -> bytes:
    """The one byte encoding of a record: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


#: Each election numbers its protocols in its own block of ids, so several elections share
#: one protocols table without a global counter that every writer would have to lock.
ID_BLOCK = 2**32
IMPORT_LOCK = 0x5A7A  # PostgreSQL advisory lock: one election import hands out blocks at once


ORIGIN_PREFIX_ENV = "SAYLAU_LOG_ORIGIN_PREFIX"
ORIGIN_PREFIX = "saylau.kz/"


class SigningUnavailable(ServiceError):
    """The configured key is not the log's key: appending would publish an unverifiable head."""

    status = 503
    title = "The ledger cannot sign"


def origin_for(election_id: str) -> str:
    """The log's name in its checkpoints: ``saylau.kz/<election id>`` unless configured."""
    return os.environ.get(ORIGIN_PREFIX_ENV, ORIGIN_PREFIX) + election_id


def create(session: Session, election_id: str) -> LedgerStateRow:
    """The election's empty log, its first public key and its block of protocol ids."""
    if session.connection().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
    highest = session.scalar(select(func.max(LedgerStateRow.next_protocol_id))) or 0
    block = highest // ID_BLOCK + 1
    origin = origin_for(election_id)
    public = _signer(session).public_key()
    state = LedgerStateRow(
        election_id=election_id,
        size=0,
        frontier=b"",
        next_protocol_id=block * ID_BLOCK + 1,
        public_key=public,
        origin=origin,
    )
    session.add(state)
    session.flush()
    _register_key(session, state, public, 0)
    return state


#: Types already found to be signers: ``isinstance`` against a runtime-checkable protocol
#: walks the protocol's members on every call, a cost paid at every append otherwise.
_SIGNER_TYPES: set[type] = set()


def _signer(session: Session) -> ledger.Signer:
    signer = session.info.get(SIGNER)
    if type(signer) in _SIGNER_TYPES:
        return cast(ledger.Signer, signer)
    if not isinstance(signer, ledger.Signer):
        raise SigningUnavailable("no signer is configured for the ledger")
    _SIGNER_TYPES.add(type(signer))
    return signer


def _register_key(session: Session, state: LedgerStateRow, public: bytes, from_size: int) -> None:
    state.public_key = public
    session.add(
        LedgerKeyRow(
            election_id=state.election_id,
            from_size=from_size,
            key_id=ledger.key_id(state.origin, public).hex(),
            name=state.origin,
            public_key=public,
        )
    )


def rotate(
    session: Session, state: LedgerStateRow, public: bytes, from_size: int | None = None
) -> int:
    """Make ``public`` the key of the log's heads from ``from_size`` (default: the next one)
    on, under the lock held on ``state``; return that size. Heads before keep verifying with
    the old key."""
    if state.public_key is not None and bytes(state.public_key) == public:
        return -1
    from_size = int(state.size) + 1 if from_size is None else from_size
    session.execute(
        delete(LedgerKeyRow).where(
            LedgerKeyRow.election_id == state.election_id, LedgerKeyRow.from_size == from_size
        )
    )
    _register_key(session, state, public, from_size)
    return from_size


def _current_signer(session: Session, state: LedgerStateRow) -> ledger.Signer:
    """The signer, checked against the log's current key; a log whose old key was retired
    at the upgrade takes the configured key from its next head on."""
    signer = _signer(session)
    if state.public_key is None:
        rotate(session, state, signer.public_key(), int(state.size))  # the head being signed
        return signer
    if signer.public_key() != bytes(state.public_key):
        reload = getattr(signer, "reload", None)
        if callable(reload):
            reload()  # the key file may have been rotated since this worker read it
        if signer.public_key() != bytes(state.public_key):
            current = ledger.NoteKey(
                state.origin, ledger.VerifyingKey.from_bytes(bytes(state.public_key))
            )
            raise SigningUnavailable(
                f"the configured signing key is not the current key of log {state.origin} "
                f"({current.vkey()}); configure that key or rotate to this one"
            )
    return signer


_LOCK = (
    select(LedgerStateRow)
    .where(LedgerStateRow.election_id == bindparam("election"))
    .with_for_update()
)


def lock(session: Session, election_id: str) -> LedgerStateRow:
    """Take the election's write lock (row lock on PostgreSQL; SQLite's is already held)."""
    state = session.scalars(_LOCK, {"election": election_id}).one_or_none()
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
    cosigners: list[ledger.Signer] = list(session.info.get(COSIGNERS, ()))
    signed = ledger.sign_tree_head(
        head, state.origin, [_current_signer(session, state), *cosigners]
    )
    if rows:
        stored = {
            "election_id": state.election_id,
            "size": head.size,
            "root": head.root,
            "timestamp": head.timestamp,
            "signature": signed.signature,
            "note": signed.note,
        }
        if holding(session):  # with the caller's other writes, in one statement
            insert_rows(session, TreeHeadRow, [stored])
        else:
            session.add(TreeHeadRow(**stored))
    write_back(session, state)
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
    if row is None or row.note is None:
        # An empty log, or a head signed before checkpoints: sign its checkpoint now.
        size = 0 if row is None else int(row.size)
        head = ledger.TreeHead.now(size, ledger.EMPTY_ROOT if row is None else bytes(row.root))
        signer = _signer(session)
        return ledger.sign_tree_head(head, state.origin, [signer]), signer.public_key()
    head = ledger.TreeHead(size=row.size, root=bytes(row.root), timestamp=row.timestamp)
    signed = ledger.SignedTreeHead(head=head, origin=state.origin, note=row.note)
    return signed, key_at(session, election_id, head.size).public.to_bytes()


def keys(session: Session, election_id: str) -> list[tuple[int, ledger.NoteKey]]:
    """The log's public keys with the first tree size each signs, oldest first."""
    rows = session.scalars(
        select(LedgerKeyRow)
        .where(LedgerKeyRow.election_id == election_id)
        .order_by(LedgerKeyRow.from_size)
    )
    return [
        (
            int(r.from_size),
            ledger.NoteKey(r.name, ledger.VerifyingKey.from_bytes(bytes(r.public_key))),
        )
        for r in rows
    ]


def key_at(session: Session, election_id: str, size: int) -> ledger.NoteKey:
    """The key that signs the head of ``size`` leaves."""
    row = session.scalars(
        select(LedgerKeyRow)
        .where(LedgerKeyRow.election_id == election_id, LedgerKeyRow.from_size <= size)
        .order_by(LedgerKeyRow.from_size.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound(f"log of {election_id!r} has no key for size {size}")
    return ledger.NoteKey(row.name, ledger.VerifyingKey.from_bytes(bytes(row.public_key)))


def leaf_reader(session: Session, election_id: str) -> ledger.LeafReader:
    def read(start: int, end: int) -> Sequence[bytes]:
        return treenodes.leaf_hashes(session, election_id, start, end)

    return read


def head_document(session: Session, election_id: str) -> dict[str, Any]:
    """The newest head as the API and the published files give it: the signed checkpoint
    (C2SP note text) and its fields, and the log's key as a note verifier key (``key``).

    The key is shown for convenience only: a verifier must get the key it trusts elsewhere.
    """
    signed, public = latest_head(session, election_id)
    key = ledger.NoteKey(signed.origin, ledger.VerifyingKey.from_bytes(public))
    return {
        "origin": signed.origin,
        "size": signed.head.size,
        "root": signed.head.root.hex(),
        "timestamp": signed.head.timestamp,
        "signature": signed.signature.hex(),
        "public_key": public.hex(),
        "key": key.vkey(),
        "checkpoint": signed.note,
    }
