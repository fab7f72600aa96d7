"""The HTTP API: each handler a few lines over ``saylau.service``.

Writes need a commission's bearer token; reads are public. Handlers are synchronous and
run in the worker's thread pool, except single submissions, which await the worker's writer
that groups them; no state that another worker needs lives in memory.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from saylau import __version__
from saylau.api import docs, openapi, problems, throttle
from saylau.api.cache import ResponseCache
from saylau.api.headers import SecurityHeaders
from saylau.api.limits import BodyLimit
from saylau.api.outage import DatabaseOutage
from saylau.api.schemas import (
    BatchIn,
    BatchOut,
    CheckOut,
    ProofOut,
    ReceiptOut,
    SubmissionIn,
    TreeHeadOut,
)
from saylau.api.strictbody import StrictRoute
from saylau.service import ledgering, proofs, results, submission
from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.errors import Problem, Unauthenticated
from saylau.service.intake import Intake, raise_problem
from saylau.service.snapshots import Snapshots, stamp
from saylau.service.submission import Receipt

BODY_LIMIT = 2 * 1024 * 1024
API = "/api/v1/elections/{election_id}"

bearer = HTTPBearer(auto_error=False, description="A commission's token")

# Values that reach a database query are bounded here, so that none fails there as a server
# error: no stored code is longer than 64 or holds NUL (PostgreSQL text cannot even take NUL
# as a parameter), and no protocol id exceeds what every database's integer column holds.
CODE = r"^[^\x00]+$"
ElectionId = Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)]
CodeQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=CODE)]
ProtocolId = Annotated[int, Path(ge=1, le=2**53)]  # ids stay exact in JavaScript


def caller_of(
    request: Request,
    election_id: ElectionId,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The commission behind the bearer token, for this election."""
    context: Context = request.app.state.context
    token = credentials.credentials if credentials else None
    with context.sessions() as session:
        return authenticate(session, election_id, token)


Caller = Annotated[Principal, Depends(caller_of)]


async def token_of(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The bearer token, to be checked with the submission it comes with (no look-up here;
    a coroutine, so that reading a header costs no hop to the thread pool)."""
    if not credentials or not credentials.credentials:
        raise Unauthenticated("send 'Authorization: Bearer <token>' with your commission's token")
    return credentials.credentials


Token = Annotated[str, Depends(token_of)]


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

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

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

    def page(document: dict[str, Any], size: int) -> bytes:
        return json.dumps(stamp(document, size), ensure_ascii=False).encode()

    @app.get(API + "/results/{contest_id}", tags=["results"], response_model=dict[str, Any])
    async def unit_results(
        election_id: ElectionId,
        contest_id: str,
        unit: Annotated[str | None, Query(max_length=64)] = None,
        min_tree_size: Annotated[int | None, Query(ge=0, le=2**40)] = None,
    ) -> Response:
        """Totals of a contest at a unit (default: the republic) with counting progress.

        Served from a snapshot at most a moment old; ``min_tree_size`` (a receipt's
        ``tree_size``) asks for numbers that include that submission."""

        def build(size: int) -> bytes:
            code = unit or _republic(election_id)
            return page(results.unit_results(context, election_id, contest_id, code), size)

        key = ("results", election_id, contest_id, unit)
        body = await snapshots.read(election_id, key, build, min_tree_size)
        return Response(body, media_type="application/json")

    @app.get(API + "/outcome/{contest_id}", tags=["results"], response_model=dict[str, Any])
    async def contest_outcome(
        election_id: ElectionId,
        contest_id: str,
        min_tree_size: Annotated[int | None, Query(ge=0, le=2**40)] = None,
    ) -> Response:
        """The outcome decided from the totals so far, under the law of the election's date."""

        def build(size: int) -> bytes:
            return page(results.outcome(context, election_id, contest_id), size)

        key = ("outcome", election_id, contest_id)
        body = await snapshots.read(election_id, key, build, min_tree_size)
        return Response(body, media_type="application/json")

    @app.get(API + "/ledger/head", response_model=TreeHeadOut, tags=["ledger"])
    def ledger_head(election_id: ElectionId) -> dict[str, Any]:
        """The newest signed tree head: a C2SP checkpoint (``checkpoint``) and its fields."""
        with context.sessions() as session:
            return ledgering.head_document(session, election_id)

    @app.get(
        API + "/ledger/checkpoint",
        tags=["ledger"],
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {}}}},
    )
    def ledger_checkpoint(election_id: ElectionId) -> PlainTextResponse:
        """The newest signed checkpoint as note text, for C2SP tooling and witnesses."""
        with context.sessions() as session:
            note = ledgering.head_document(session, election_id)["checkpoint"]
        return PlainTextResponse(note)

    @app.get(API + "/ledger/inclusion", response_model=ProofOut, tags=["ledger"])
    def inclusion(
        election_id: ElectionId,
        size: Annotated[int, Query(ge=1, le=2**40)],
        index: Annotated[int | None, Query(ge=0, le=2**40)] = None,
        precinct: CodeQuery = None,
        contest: CodeQuery = None,
    ) -> dict[str, Any]:
        """Inclusion proof of an entry (by index, or the current protocol of a precinct)."""
        return proofs.inclusion(context, election_id, size, index, precinct, contest)

    @app.get(API + "/ledger/consistency", response_model=ProofOut, tags=["ledger"])
    def consistency(
        election_id: ElectionId,
        first: Annotated[int, Query(ge=1, le=2**40)],
        second: Annotated[int, Query(ge=1, le=2**40)],
    ) -> dict[str, Any]:
        """Consistency proof between two tree sizes (RFC 9162 §2.1.4)."""
        return proofs.consistency(context, election_id, first, second)

    @app.get(API + "/ledger/entries", tags=["ledger"])
    def ledger_entries(
        election_id: ElectionId,
        start: Annotated[int, Query(ge=0, le=2**40)] = 0,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> dict[str, Any]:
        """The published leaves, in order: anyone can rebuild the tree and the totals."""
        return proofs.entries(context, election_id, start, limit)

    from saylau.web import site

    site.install(app, context, snapshots)

    def _republic(election_id: str) -> str:
        with context.sessions() as session:
            return context.catalog(session, election_id).republic

    from saylau.api import decisions, downloads  # build on this module: imported once loaded

    decisions.register(app)
    downloads.register(app)
    app.add_middleware(ResponseCache, snapshots=snapshots)
    throttle.install(app)
    app.add_middleware(DatabaseOutage)  # a lost database anywhere is a 503
    openapi.install(app)
    app.add_middleware(SecurityHeaders)  # outermost: cached, refused and 503 answers get them too
    return app
