"""Protocols in over HTTP: single submissions, checks, batches and the approval of
corrections, each a few lines over :mod:`saylau.service.submission` and the intake writer.

Each accepted write hands its ledger size to this worker's snapshots, so that a client's
next read with the receipt's ``min_tree_size`` includes what it wrote.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from saylau.api.params import (
    API,
    Caller,
    ElectionId,
    ProtocolId,
    PublicSnapshots,
    ServiceContext,
    Token,
    Writer,
)
from saylau.api.schemas import BatchIn, BatchOut, CheckOut, ReceiptOut, SubmissionIn
from saylau.api.strictbody import StrictRoute
from saylau.service import submission
from saylau.service.errors import Problem
from saylau.service.intake import raise_problem
from saylau.service.submission import Receipt

router = APIRouter(route_class=StrictRoute)


@router.post(
    API + "/protocols",
    response_model=ReceiptOut,
    tags=["protocols"],
    responses={403: {}, 409: {}, 422: {}},
)
async def submit_protocol(
    election_id: ElectionId,
    body: SubmissionIn,
    token: Token,
    response: Response,
    intake: Writer,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """Submit a precinct protocol; a changed protocol for an accepted precinct needs a
    reason and becomes a pending correction.

    Protocols arriving together from many commissions are stored in one transaction
    (see ``saylau.service.intake``); each is answered on its own after the commit."""
    # the form as validated here: the writer reads it as it is, without a second validation
    receipt = await intake.submit(election_id, token, body.protocol, body.reason)
    if isinstance(receipt, Problem):
        raise_problem(receipt)
    assert isinstance(receipt, Receipt)
    if receipt.tree_size is not None:
        snapshots.saw(election_id, receipt.tree_size)
    response.status_code = {"accepted": 201, "correction-pending": 202}.get(receipt.status, 200)
    return receipt.as_json()


@router.post(
    API + "/protocols/check",
    response_model=CheckOut,
    tags=["protocols"],
    responses={403: {}, 422: {}},
)
def check_protocol(
    election_id: ElectionId, body: SubmissionIn, token: Token, context: ServiceContext
) -> dict[str, Any]:
    """Check a protocol against the election's definition and control relations without
    storing it: the answer a submission would get for its content (``acceptable``, or the
    same problem, naming each broken relation), with its content hash."""
    return submission.check_with_token(
        context, election_id, token, body.protocol.model_dump(), body.reason
    )


@router.post(API + "/protocols/batch", response_model=BatchOut, tags=["protocols"])
def submit_batch(
    election_id: ElectionId,
    body: BatchIn,
    caller: Caller,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """Submit many protocols in one transaction; each item answered on its own."""
    answers = submission.submit_batch(
        context, caller, [(s.protocol.model_dump(), s.reason) for s in body.submissions]
    )
    items: list[dict[str, Any]] = []
    for answer in answers:
        if isinstance(answer, Problem):
            items.append({"status": answer.status, "problem": answer.as_json()})
        else:
            items.append({"status": answer.status, "receipt": answer.as_json()})
            if answer.tree_size is not None:
                snapshots.saw(election_id, answer.tree_size)
    accepted = sum(1 for a in answers if not isinstance(a, Problem) and a.status == "accepted")
    return {"accepted": accepted, "items": items}


@router.post(
    API + "/corrections/{protocol_id}/approve", response_model=ReceiptOut, tags=["protocols"]
)
def approve_correction(
    election_id: ElectionId,
    protocol_id: ProtocolId,
    caller: Caller,
    context: ServiceContext,
    snapshots: PublicSnapshots,
) -> dict[str, Any]:
    """A territorial commission above the precinct approves a pending correction."""
    receipt = submission.approve(context, caller, protocol_id)
    if receipt.tree_size is not None:
        snapshots.saw(election_id, receipt.tree_size)
    return receipt.as_json()
