"""The central commission's decisions on a contest over HTTP: certify, and reopen.

Each handler is a few lines over :mod:`saylau.service.certification`; the decision's ledger
size is handed to the snapshots, so this worker's results say ``certified`` at once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from saylau.api.params import API, CODE, Caller, ElectionId, PublicSnapshots, ServiceContext
from saylau.api.strictbody import StrictRoute
from saylau.service import certification

router = APIRouter(route_class=StrictRoute)

ContestId = Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)]

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def problems(described: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json answers a route gives, by status."""
    return {
        status: {
            "description": text,
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
        for status, text in described.items()
    }


class ReopenIn(BaseModel):
    """Why a certified contest is reopened: the reason is ledgered with the decision."""

    model_config = ConfigDict(extra="forbid")
    # stored as text: NUL is refused here, as PostgreSQL would refuse it as a server error
    reason: Annotated[StrictStr, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]+$")]


class DecisionOut(BaseModel):
    kind: str = Field(description="certification or reopening")
    election: str
    contest: str
    number: int = Field(description="the decision's number among this contest's decisions")
    ledger_index: int = Field(description="the decision's entry in the ledger")
    tree_size: int = Field(description="the ledger's size with the decision in it")
    record: dict[str, Any] = Field(description="the ledger record, as its leaf holds it")


@router.post(
    API + "/contests/{contest_id}/certify",
    response_model=DecisionOut,
    status_code=201,
    tags=["decisions"],
    responses=problems(
        {
            401: "No credential, or not one of this election",
            403: "Not the central commission's credential",
            404: "No such election or contest",
            409: "Precincts are missing, or the contest is already certified",
            422: "The outcome cannot be decided from the totals",
        }
    ),
)
def certify_contest(
    election_id: ElectionId,
    contest_id: ContestId,
    caller: Caller,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """The central commission certifies a contest once every precinct of it has reported.

    The ledger entry names the totals, the outcome decided from them and the tree size
    they stand on; until a reopening, no correction of the contest is approved."""
    decision = certification.certify(context, caller, contest_id)
    snapshots.saw(election_id, decision.tree_size)
    return decision.as_json()


@router.post(
    API + "/contests/{contest_id}/reopen",
    response_model=DecisionOut,
    status_code=201,
    tags=["decisions"],
    responses=problems(
        {
            401: "No credential, or not one of this election",
            403: "Not the central commission's credential",
            404: "No such election or contest",
            409: "The contest is not certified",
            422: "The reason is missing or empty",
        }
    ),
)
def reopen_contest(
    election_id: ElectionId,
    contest_id: ContestId,
    body: ReopenIn,
    caller: Caller,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """The central commission reopens a certified contest, saying why (ledgered), so that
    corrections can be approved again and the contest certified anew."""
    decision = certification.reopen(context, caller, contest_id, body.reason)
    snapshots.saw(election_id, decision.tree_size)
    return decision.as_json()
