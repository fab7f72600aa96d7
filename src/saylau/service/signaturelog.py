"""Each petition's own Merkle log of salted commitments in the database (RFC 9162, the
same tree as the ledger): a leaf per signature and per withdrawal, appended in the
transaction that records it, under the log row's lock, each append signing a new head.

The proof that the newest leaf is in the new head is the previous tree's frontier read from
the right (the roots of the perfect subtrees to its left), so a signer's receipt costs
O(log n), however large the petition. The leaf bytes are the caller's (the commitment
format is :mod:`saylau.petitions.receipts`); nothing here sees an IIN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saylau import ledger
from saylau.service.context import SIGNER
from saylau.service.errors import NotFound
from saylau.service.ledgering import HASH, SigningUnavailable
from saylau.store.tables import SignatureHeadRow, SignatureLeafRow, SignatureLogRow


def _signer(session: Session) -> ledger.Signer:
    signer = session.info.get(SIGNER)
    if not isinstance(signer, ledger.Signer):
        raise SigningUnavailable("no signer is configured for the petitions' signature logs")
    return signer


def _locked(session: Session, petition_id: str, origin: str) -> SignatureLogRow:
    """The petition's log row under its write lock, created empty on first use (a second
    creator at the same moment waits for the first and takes its row)."""
    state = session.get(SignatureLogRow, petition_id, with_for_update=True)
    if state is not None:
        return state
    try:
        with session.begin_nested():
            session.add(
                SignatureLogRow(
                    petition_id=petition_id,
                    size=0,
                    frontier=b"",
                    origin=origin,
                    public_key=_signer(session).public_key(),
                )
            )
    except IntegrityError:
        pass
    state = session.get(SignatureLogRow, petition_id, with_for_update=True, populate_existing=True)
    assert state is not None
    return state


def lock(session: Session, petition_id: str, origin: str) -> None:
    """Take the petition's log lock now (held to the commit), for a caller that must read
    under it what the log's appends decide."""
    _locked(session, petition_id, origin)


@dataclass(frozen=True, slots=True)
class Appended:
    """The new leaf's index, the tree it is the last leaf of, its inclusion proof in that
    tree and the tree's signed checkpoint."""

    index: int
    size: int
    proof: tuple[bytes, ...]
    checkpoint: str


class _Grown:
    """The nodes of a tree of ``old`` leaves known only by its frontier, grown by new leaf
    hashes: every node a proof of a new leaf needs is a frontier root or is computed from
    the new leaves (a node wholly left of ``old`` on such a path is a frontier root)."""

    def __init__(self, frontier: ledger.Frontier, new: Sequence[bytes]) -> None:
        self.old = frontier.size
        self.new = new
        self.known: dict[tuple[int, int], bytes] = {}
        start = 0
        for bit, root in zip(
            (b for b in reversed(range(self.old.bit_length())) if self.old >> b & 1),
            frontier.hashes,
            strict=True,
        ):
            self.known[(start, start + (1 << bit))] = root
            start += 1 << bit

    def subtree_root(self, start: int, end: int) -> bytes:
        found = self.known.get((start, end))
        if found is not None:
            return found
        if end - start == 1 and start >= self.old:
            return self.new[start - self.old]
        if end <= self.old:
            raise ValueError(f"[{start}, {end}) is no frontier subtree of {self.old} leaves")
        split = start + (1 << ((end - start - 1).bit_length() - 1))
        root = ledger.node_hash(self.subtree_root(start, split), self.subtree_root(split, end))
        self.known[(start, end)] = root
        return root


def append(session: Session, petition_id: str, origin: str, leaf: bytes) -> Appended:
    """Append ``leaf`` to the petition's log (named ``origin``) and sign the new head."""
    return append_many(session, petition_id, origin, [leaf])[0]


def append_many(
    session: Session, petition_id: str, origin: str, leaves: Sequence[bytes]
) -> list[Appended]:
    """Append ``leaves`` in order to the petition's log and sign one new head: each leaf's
    proof is in that head's tree, so signers who came together share one signature and one
    write of the log's state."""
    if not leaves:
        raise ValueError("nothing to append")
    state = _locked(session, petition_id, origin)
    signer = _signer(session)
    if signer.public_key() != bytes(state.public_key):
        raise SigningUnavailable(f"the configured signing key is not the key of log {origin}")
    stored = bytes(state.frontier)
    hashes = [stored[i : i + HASH] for i in range(0, len(stored), HASH)]
    frontier = ledger.Frontier(int(state.size), hashes)
    digests = [ledger.leaf_hash(leaf) for leaf in leaves]
    grown = _Grown(frontier, digests)
    first = frontier.size
    for digest in digests:
        frontier.append(digest)
    session.add_all(
        SignatureLeafRow(petition_id=petition_id, index=first + n, leaf=leaf, leaf_hash=digest)
        for n, (leaf, digest) in enumerate(zip(leaves, digests, strict=True))
    )
    state.size = frontier.size
    state.frontier = b"".join(frontier.hashes)
    head = ledger.TreeHead.now(frontier.size, frontier.root())
    signed = ledger.sign_tree_head(head, state.origin, [signer])
    session.add(
        SignatureHeadRow(
            petition_id=petition_id,
            size=head.size,
            root=head.root,
            timestamp=head.timestamp,
            note=signed.note,
        )
    )
    return [
        Appended(
            first + n,
            head.size,
            tuple(ledger.inclusion_proof(first + n, head.size, grown)),
            signed.note,
        )
        for n in range(len(leaves))
    ]


@dataclass(frozen=True, slots=True)
class Head:
    """A petition log's newest signed head and its verifier key (a verifier gets the key it
    trusts elsewhere)."""

    origin: str
    size: int
    root: bytes
    checkpoint: str
    key: str


def head(session: Session, petition_id: str) -> Head:
    state = session.get(SignatureLogRow, petition_id)
    row = session.scalars(
        select(SignatureHeadRow)
        .where(SignatureHeadRow.petition_id == petition_id)
        .order_by(SignatureHeadRow.size.desc())
        .limit(1)
    ).one_or_none()
    if state is None or row is None:
        raise NotFound(f"petition {petition_id!r} has no signature yet")
    key = ledger.NoteKey(state.origin, ledger.VerifyingKey.from_bytes(bytes(state.public_key)))
    return Head(state.origin, int(row.size), bytes(row.root), row.note, key.vkey())


def head_covering(session: Session, petition_id: str, index: int) -> tuple[int, str]:
    """The first signed head whose tree holds leaf ``index`` (its size and checkpoint): the
    head the leaf's append signed, alone or with the others of its group."""
    row = session.execute(
        select(SignatureHeadRow.size, SignatureHeadRow.note)
        .where(SignatureHeadRow.petition_id == petition_id, SignatureHeadRow.size > index)
        .order_by(SignatureHeadRow.size)
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound(f"petition {petition_id!r} has no signed head holding leaf {index}")
    return int(row.size), str(row.note)


def head_at(session: Session, petition_id: str, size: int) -> str:
    """The signed checkpoint of the petition's tree of ``size`` leaves."""
    note = session.scalar(
        select(SignatureHeadRow.note).where(
            SignatureHeadRow.petition_id == petition_id, SignatureHeadRow.size == size
        )
    )
    if note is None:
        raise NotFound(f"petition {petition_id!r} has no signed head of {size} leaves")
    return note


def leaves(session: Session, petition_id: str, start: int, end: int) -> Sequence[bytes]:
    """The public leaves ``[start, end)`` of the petition's log, in order."""
    return [
        bytes(leaf)
        for leaf in session.scalars(
            select(SignatureLeafRow.leaf)
            .where(
                SignatureLeafRow.petition_id == petition_id,
                SignatureLeafRow.index >= start,
                SignatureLeafRow.index < end,
            )
            .order_by(SignatureLeafRow.index)
        )
    ]


def inclusion(session: Session, petition_id: str, index: int, size: int) -> tuple[bytes, ...]:
    """The inclusion proof of leaf ``index`` in the petition's tree of ``size`` leaves (for a
    receipt brought up to a later head; reads the leaf hashes once)."""
    hashes = [
        bytes(h)
        for h in session.scalars(
            select(SignatureLeafRow.leaf_hash)
            .where(SignatureLeafRow.petition_id == petition_id, SignatureLeafRow.index < size)
            .order_by(SignatureLeafRow.index)
        )
    ]
    if not 0 <= index < size <= len(hashes):
        raise NotFound(f"no leaf {index} in a tree of {size} of petition {petition_id!r}")
    return tuple(ledger.inclusion_proof(index, size, hashes))
