"""The HTTP API: each handler a few lines over ``saylau.service``.

Writes need a commission's bearer token; reads are public. Handlers are synchronous and
run in the worker's thread pool, except single submissions, which await the worker's writer
that groups them; no state that another worker needs lives in memory.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

from saylau import __version__
from saylau.api import (
    decisions,
    docs,
    downloads,
    health,
    ledger,
    openapi,
    problems,
    results,
    throttle,
)
from saylau.api.cache import ResponseCache
from saylau.api.headers import SecurityHeaders
from saylau.api.limits import BodyLimit
from saylau.api.outage import DatabaseOutage
from saylau.api.params import API, Caller, ElectionId, ProtocolId, Token
from saylau.api.schemas import BatchIn, BatchOut, CheckOut, ReceiptOut, SubmissionIn
from saylau.api.strictbody import StrictRoute
from saylau.service import submission
from saylau.service.context import Context
from saylau.service.errors import Problem
from saylau.service.intake import Intake, raise_problem
from saylau.service.snapshots import Snapshots
from saylau.service.submission import Receipt

BODY_LIMIT = 2 * 1024 * 1024


def create_app(url: str | None = None, ctx: Context | None = None) -> FastAPI:
    """The application over the database at ``url`` (or ``DATABASE_URL``, or SQLite)."""
    context = ctx or Context.open(url)
    app = FastAPI(
        title="Saylau tabulation API",
        version=__version__,
        description="Precinct protocols in, verified results out: submission, corrections, "
        "results at every level of the territory, outcomes under the law of the "
        "election's date, and the ledger's signed heads and proofs.",
        docs_url=None,  # served from the package by saylau.api.docs
        redoc_url=None,
    )
    app.router.route_class = StrictRoute  # before any route: every JSON body read strictly
    app.state.context = context
    intake = Intake(context)
    app.state.intake = intake
    problems.install(app)
    app.add_middleware(BodyLimit, limit=BODY_LIMIT)
    docs.install(app)

    app.include_router(health.router)

    @app.post(
        API + "/protocols",
        response_model=ReceiptOut,
        tags=["protocols"],
        responses={403: {}, 409: {}, 422: {}},
    )
    async def submit_protocol(
        election_id: ElectionId, body: SubmissionIn, token: Token, response: Response
    ) -> dict[str, Any]:
        """Submit a precinct protocol; a changed protocol for an accepted precinct needs a
        reason and becomes a pending correction.

        Protocols arriving together from many commissions are stored in one transaction
        (see ``saylau.service.intake``); each is answered on its own after the commit."""
        raw = body.protocol.model_dump()
        receipt = await intake.submit(election_id, token, raw, body.reason)
        if isinstance(receipt, Problem):
            raise_problem(receipt)
        assert isinstance(receipt, Receipt)
        if receipt.tree_size is not None:
            snapshots.saw(election_id, receipt.tree_size)
        response.status_code = {"accepted": 201, "correction-pending": 202}.get(receipt.status, 200)
        return receipt.as_json()

    @app.post(
        API + "/protocols/check",
        response_model=CheckOut,
        tags=["protocols"],
        responses={403: {}, 422: {}},
    )
    def check_protocol(election_id: ElectionId, body: SubmissionIn, token: Token) -> dict[str, Any]:
        """Check a protocol against the election's definition and control relations without
        storing it: the answer a submission would get for its content (``acceptable``, or the
        same problem, naming each broken relation), with its content hash."""
        return submission.check_with_token(
            context, election_id, token, body.protocol.model_dump(), body.reason
        )

    @app.post(API + "/protocols/batch", response_model=BatchOut, tags=["protocols"])
    def submit_batch(election_id: ElectionId, body: BatchIn, caller: Caller) -> dict[str, Any]:
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

    @app.post(
        API + "/corrections/{protocol_id}/approve", response_model=ReceiptOut, tags=["protocols"]
    )
    def approve_correction(
        election_id: ElectionId, protocol_id: ProtocolId, caller: Caller
    ) -> dict[str, Any]:
        """A territorial commission above the precinct approves a pending correction."""
        receipt = submission.approve(context, caller, protocol_id)
        if receipt.tree_size is not None:
            snapshots.saw(election_id, receipt.tree_size)
        return receipt.as_json()

    snapshots = Snapshots(context)
    app.state.snapshots = snapshots
    app.include_router(results.router)
    app.include_router(ledger.router)

    from saylau.web import site

    site.install(app, context, snapshots)
    app.include_router(decisions.router)
    app.include_router(downloads.router)
    app.add_middleware(ResponseCache, snapshots=snapshots)
    throttle.install(app)
    app.add_middleware(DatabaseOutage)  # a lost database anywhere is a 503
    openapi.install(app)
    app.add_middleware(SecurityHeaders)  # outermost: cached, refused and 503 answers get them too
    return app
