"""The ledger over HTTP: signed heads, proofs and the leaves themselves, for anyone.

A verifier that trusts nothing but the commission's key rebuilds the tree from the leaves
and checks inclusion and consistency against a head it kept (RFC 9162).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from saylau.api.params import API, CodeQuery, ElectionId, ServiceContext
from saylau.api.schemas import ProofOut, TreeHeadOut
from saylau.api.strictbody import StrictRoute
from saylau.service import ledgering, proofs

router = APIRouter(route_class=StrictRoute)

TreeSize = Annotated[int, Query(ge=1, le=2**40)]


@router.get(API + "/ledger/head", response_model=TreeHeadOut, tags=["ledger"])
def ledger_head(election_id: ElectionId, context: ServiceContext) -> dict[str, Any]:
    """The newest signed tree head: a C2SP checkpoint (``checkpoint``) and its fields."""
    with context.sessions() as session:
        return ledgering.head_document(session, election_id)


@router.get(
    API + "/ledger/checkpoint",
    tags=["ledger"],
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
def ledger_checkpoint(election_id: ElectionId, context: ServiceContext) -> PlainTextResponse:
    """The newest signed checkpoint as note text, for C2SP tooling and witnesses."""
    with context.sessions() as session:
        note = ledgering.head_document(session, election_id)["checkpoint"]
    return PlainTextResponse(note)


@router.get(API + "/ledger/inclusion", response_model=ProofOut, tags=["ledger"])
def inclusion(
    election_id: ElectionId,
    context: ServiceContext,
    size: TreeSize,
    index: Annotated[int | None, Query(ge=0, le=2**40)] = None,
    precinct: CodeQuery = None,
    contest: CodeQuery = None,
) -> dict[str, Any]:
    """Inclusion proof of an entry (by index, or the current protocol of a precinct)."""
    return proofs.inclusion(context, election_id, size, index, precinct, contest)


@router.get(API + "/ledger/consistency", response_model=ProofOut, tags=["ledger"])
def consistency(
    election_id: ElectionId, context: ServiceContext, first: TreeSize, second: TreeSize
) -> dict[str, Any]:
    """Consistency proof between two tree sizes (RFC 9162 §2.1.4)."""
    return proofs.consistency(context, election_id, first, second)


@router.get(API + "/ledger/entries", tags=["ledger"])
def ledger_entries(
    election_id: ElectionId,
    context: ServiceContext,
    start: Annotated[int, Query(ge=0, le=2**40)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """The published leaves, in order: anyone can rebuild the tree and the totals."""
    return proofs.entries(context, election_id, start, limit)
