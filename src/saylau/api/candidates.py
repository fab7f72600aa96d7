"""Candidates and deputies over HTTP: the commission of a contest's area registers (or
refuses) a candidate, the decision ledgered either way; anyone reads the candidates with
their decisions and the named deputies of each list and district.

A Ministry of Justice credential is refused (403): it registers parties, not candidates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from saylau.api.decisions import problems
from saylau.api.params import API, ElectionId, PublicSnapshots, ServiceContext, bearer
from saylau.api.schemas import (
    CandidateDecisionOut,
    CandidateIn,
    CandidateOut,
    DeputiesOut,
    PartyListsOut,
)
from saylau.api.strictbody import StrictRoute
from saylau.service import candidates
from saylau.service.auth import Principal, authenticate_commission
from saylau.service.context import Context

router = APIRouter(route_class=StrictRoute)


def commission_of(
    request: Request,
    election_id: ElectionId,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The commission member behind the bearer token, for this election."""
    context: Context = request.app.state.context
    token = credentials.credentials if credentials else None
    with context.sessions() as session:
        return authenticate_commission(session, election_id, token)


Commission = Annotated[Principal, Depends(commission_of)]


@router.post(
    API + "/candidates",
    response_model=CandidateDecisionOut,
    status_code=201,
    tags=["candidates"],
    responses=problems(
        {
            401: "No credential, or not one of this election",
            403: "Not the commission of the contest's area (or not a commission at all)",
            404: "No such election",
            422: "A field breaks a rule of the application's form",
        }
    ),
)
def register_candidate(
    election_id: ElectionId,
    body: CandidateIn,
    commission: Commission,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """Decide a candidate's application under the law of election day and ledger the
    decision: registered, or refused with every rule it failed, its found and required
    values and its citation. The central commission registers the candidates of a contest
    of the whole republic, a regional or district commission those of a contest in its unit."""
    raw = body.application.model_dump(exclude_none=True)
    recorded = candidates.register(context, commission, body.contest, raw)
    snapshots.saw(election_id, recorded.tree_size)
    return {
        "kind": recorded.kind,
        "ledger_index": recorded.ledger_index,
        "tree_size": recorded.tree_size,
        "record": recorded.record,
    }


@router.get(
    API + "/candidates",
    response_model=list[CandidateOut],
    tags=["candidates"],
    responses=problems({404: "No such election"}),
)
def list_candidates(election_id: ElectionId, context: ServiceContext) -> list[dict[str, Any]]:
    """Every candidate of the election as the newest decision on them stands, with every
    rule checked and its ledger index."""
    return candidates.candidates(context, election_id)


@router.get(
    API + "/deputies",
    response_model=DeputiesOut,
    tags=["candidates"],
    responses=problems({404: "No such election"}),
)
def list_deputies(election_id: ElectionId, context: ServiceContext) -> dict[str, Any]:
    """The named deputies of each party list whose mandates are given (vacancies filled
    since included) and the certified winner of each single-member district."""
    return candidates.deputies(context, election_id)


@router.get(
    API + "/lists",
    response_model=PartyListsOut,
    tags=["candidates"],
    responses=problems({404: "No such election"}),
)
def list_party_lists(election_id: ElectionId, context: ServiceContext) -> dict[str, Any]:
    """The party lists as the central commission registered them, each name in list order
    with whether it counts toward the list quota on election day."""
    return candidates.party_lists(context, election_id)
