"""The petitions' Merkle log in the database: every transition of every petition is a leaf,
appended inside the transaction that records the transition, under the log row's lock.

The log is the same RFC 9162 tree as the elections' ledger (:mod:`saylau.ledger`), named
``saylau.kz/petitions`` in its checkpoints and signed by the service's signer; the database
holds only the public key. Leaves never name a citizen: a transition's record carries the
petition, the step, the day and the counts, never an IIN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service.context import SIGNER
from saylau.service.errors import NotFound
from saylau.service.ledgering import HASH, SigningUnavailable, canonical, origin_for
from saylau.store.tables import PetitionLogEntryRow, PetitionLogHeadRow, PetitionLogRow

LOG = "petitions"


def _signer(session: Session) -> ledger.Signer:
    signer = session.info.get(SIGNER)
    if not isinstance(signer, ledger.Signer):
        raise SigningUnavailable("no signer is configured for the petitions' log")
    return signer


def lock(session: Session) -> PetitionLogRow:
    """The log's row under its write lock, created empty on first use."""
    state = session.get(PetitionLogRow, LOG, with_for_update=True)
    if state is None:
        state = PetitionLogRow(
            name=LOG,
            size=0,
            frontier=b"",
            origin=origin_for(LOG),
            public_key=_signer(session).public_key(),
        )
        session.add(state)
        session.flush()
    return state


@dataclass(frozen=True, slots=True)
class Appended:
    index: int
    head: ledger.SignedTreeHead


def append(session: Session, record: dict[str, Any]) -> Appended:
    """Append ``record`` as the log's next leaf and sign the new head, in the caller's
    transaction (rolled back with it)."""
    state = lock(session)
    signer = _signer(session)
    if signer.public_key() != bytes(state.public_key):
        raise SigningUnavailable(f"the configured signing key is not the key of log {state.origin}")
    frontier_bytes = bytes(state.frontier)
    hashes = [frontier_bytes[i : i + HASH] for i in range(0, len(frontier_bytes), HASH)]
    frontier = ledger.Frontier(int(state.size), hashes)
    leaf = canonical(record)
    digest = ledger.leaf_hash(leaf)
    index = frontier.append(digest)
    session.add(PetitionLogEntryRow(log=LOG, index=index, leaf=leaf, leaf_hash=digest))
    state.size = frontier.size
    state.frontier = b"".join(frontier.hashes)
    head = ledger.TreeHead.now(frontier.size, frontier.root())
    signed = ledger.sign_tree_head(head, state.origin, [signer])
    session.add(
        PetitionLogHeadRow(
            log=LOG,
            size=head.size,
            root=head.root,
            timestamp=head.timestamp,
            note=signed.note,
        )
    )
    return Appended(index, signed)


@dataclass(frozen=True, slots=True)
class Head:
    """The log's newest signed head: its C2SP checkpoint and the log's verifier key (shown
    for convenience: a verifier must get the key it trusts elsewhere)."""

    origin: str
    size: int
    root: bytes
    checkpoint: str
    key: str


@dataclass(frozen=True, slots=True)
class Inclusion:
    """A leaf of the log (its canonical bytes) with its inclusion proof in ``head``,
    checked here before it is handed out."""

    index: int
    leaf: bytes
    proof: tuple[bytes, ...]
    head: Head


def head(session: Session) -> Head:
    """The newest signed head of the petitions' log."""
    state = session.get(PetitionLogRow, LOG)
    row = session.scalars(
        select(PetitionLogHeadRow)
        .where(PetitionLogHeadRow.log == LOG)
        .order_by(PetitionLogHeadRow.size.desc())
        .limit(1)
    ).one_or_none()
    if state is None or row is None:
        raise NotFound("the petitions' log is empty")
    key = ledger.NoteKey(state.origin, ledger.VerifyingKey.from_bytes(bytes(state.public_key)))
    return Head(state.origin, int(row.size), bytes(row.root), row.note, key.vkey())


def inclusion(session: Session, index: int) -> Inclusion:
    """The proof that leaf ``index`` is in the log's newest head (the leaf hashes read once)."""
    newest = head(session)
    if not 0 <= index < newest.size:
        raise NotFound(f"no leaf {index} in the petitions' log of {newest.size}")
    rows = session.execute(
        select(PetitionLogEntryRow.leaf_hash, PetitionLogEntryRow.leaf)
        .where(PetitionLogEntryRow.log == LOG, PetitionLogEntryRow.index < newest.size)
        .order_by(PetitionLogEntryRow.index)
    ).all()
    hashes = [bytes(r.leaf_hash) for r in rows]
    proof = ledger.inclusion_proof(index, newest.size, hashes)
    ledger.verify_inclusion(index, newest.size, hashes[index], proof, newest.root)
    return Inclusion(index, bytes(rows[index].leaf), tuple(proof), newest)


def size(session: Session) -> int:
    state = session.get(PetitionLogRow, LOG)
    return 0 if state is None else int(state.size)
