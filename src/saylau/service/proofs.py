"""Ledger proofs and the night's progress, as the site and the API show them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau import ledger, moments
from saylau.service import ledgering, treenodes
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.store.tables import CurrentRow, LedgerEntryRow, LedgerStateRow, ProtocolRow


def inclusion_of_current(
    ctx: Context, election_id: str, precinct: str, contest: str
) -> dict[str, Any]:
    """The current protocol's leaf, its inclusion proof and the signed head it is checked
    against (verified here too, so a page never shows a proof that does not hold)."""
    with ctx.sessions() as session:
        index = current_index(session, election_id, precinct, contest)
        signed, public = ledgering.latest_head(session, election_id)
        size = signed.head.size
        leaf, proof = treenodes.inclusion(session, election_id, index, size)
    ledger.verify_inclusion(index, size, leaf, proof, signed.head.root)
    return {
        "index": index,
        "size": size,
        "leaf_hash": leaf.hex(),
        "proof": [p.hex() for p in proof],
        "root": signed.head.root.hex(),
        "timestamp": signed.head.timestamp,
        "signature": signed.signature.hex(),
        "public_key": ledger.NoteKey(signed.origin, ledger.VerifyingKey.from_bytes(public)).vkey(),
        "checkpoint": signed.note,
    }


def progress(
    ctx: Context, election_id: str, contest: str, buckets: int = 24
) -> list[dict[str, Any]]:
    """Precincts reported over time: first versions accepted, counted in equal time slices."""
    with ctx.sessions() as session:
        return progress_in(session, election_id, contest, buckets)


def progress_in(
    session: Session, election_id: str, contest: str, buckets: int = 24
) -> list[dict[str, Any]]:
    """:func:`progress` read in ``session`` (a caller reading more in the same state)."""
    times = sorted(
        session.scalars(
            select(ProtocolRow.submitted_at).where(
                ProtocolRow.election_id == election_id,
                ProtocolRow.contest == contest,
                ProtocolRow.version == 1,
                ProtocolRow.state == "accepted",
            )
        )
    )
    if not times:
        return []
    first, last = times[0], times[-1]
    span = (last - first) / buckets if last > first else None
    series: list[dict[str, Any]] = []
    position = 0
    for step in range(1, buckets + 1):
        # the last slice ends at the last protocol: a slice of the span rounded to whole
        # microseconds, times the slices, may fall short of it and leave it uncounted
        edge = last if span is None or step == buckets else first + span * step
        while position < len(times) and times[position] <= edge:
            position += 1
        series.append({"at": moments.iso(edge), "reported": position})
        if span is None:
            break
    return series


def ledger_size(session: Session, election_id: str) -> int:
    state = session.get(LedgerStateRow, election_id)
    if state is None:
        raise NotFound(f"no election {election_id!r}")
    return int(state.size)


def current_index(session: Session, election_id: str, precinct: str, contest: str) -> int:
    """The ledger index of the protocol that counts now for a precinct and contest."""
    index = session.scalar(
        select(ProtocolRow.ledger_index)
        .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
        .where(
            CurrentRow.election_id == election_id,
            CurrentRow.precinct == precinct,
            CurrentRow.contest == contest,
        )
    )
    if index is None:
        raise NotFound(f"precinct {precinct} has no accepted protocol for {contest}")
    return int(index)


def inclusion(
    ctx: Context,
    election_id: str,
    size: int,
    index: int | None = None,
    precinct: str | None = None,
    contest: str | None = None,
) -> dict[str, Any]:
    """Inclusion proof of an entry in the tree of ``size`` leaves, by index or by precinct."""
    if index is None:
        if precinct is None or contest is None:
            raise NotFound("give 'index', or 'precinct' and 'contest'")
        with ctx.sessions() as session:
            index = current_index(session, election_id, precinct, contest)
    with treenodes.reading(ctx.engine) as connection:
        leaf, proof = treenodes.inclusion(connection, election_id, index, size)
    return {
        "index": index,
        "size": size,
        "leaf_hash": leaf.hex(),
        "proof": [p.hex() for p in proof],
    }


def consistency(ctx: Context, election_id: str, first: int, second: int) -> dict[str, Any]:
    """Consistency proof between two tree sizes (RFC 9162 §2.1.4)."""
    with treenodes.reading(ctx.engine) as connection:
        proof = treenodes.consistency(connection, election_id, first, second)
    return {"first": first, "second": second, "size": second, "proof": [p.hex() for p in proof]}


def entries(ctx: Context, election_id: str, start: int, limit: int) -> dict[str, Any]:
    """Published leaves in order, from ``start``: anyone can rebuild the tree and the totals."""
    with ctx.sessions() as session:
        ledger_size(session, election_id)
        rows = session.scalars(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.election_id == election_id, LedgerEntryRow.index >= start)
            .order_by(LedgerEntryRow.index)
            .limit(limit)
        ).all()
    return {
        "start": start,
        "entries": [{"index": r.index, "kind": r.kind, "leaf": r.leaf.decode()} for r in rows],
    }
