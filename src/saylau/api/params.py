"""What the routes of every area read from a request: bounded ids, the caller, and the
application's shared parts.

Values that reach a database query are bounded here, so that none fails there as a server
error. The shared parts (the service context, the snapshots of public reads, the intake
writer) are the application's, kept on ``app.state`` by ``create_app`` and handed to a
handler by ``Depends``: a router holds no state of its own, so any number of applications
and worker processes can mount the same routers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from saylau.service.auth import Principal, authenticate
from saylau.service.context import Context
from saylau.service.errors import Unauthenticated
from saylau.service.intake import Intake
from saylau.service.snapshots import Snapshots

API = "/api/v1/elections/{election_id}"

bearer = HTTPBearer(auto_error=False, description="A commission's token")

# No stored code is longer than 64 or holds NUL (PostgreSQL text cannot even take NUL as a
# parameter), and no protocol id exceeds what every database's integer column holds.
CODE = r"^[^\x00]+$"
ElectionId = Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)]
CodeQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=CODE)]
ProtocolId = Annotated[int, Path(ge=1, le=2**53)]  # ids stay exact in JavaScript


# The shared parts are coroutines: handing one over costs no hop to the thread pool.


async def context_of(request: Request) -> Context:
    """The service context of the application (its database and signer)."""
    context: Context = request.app.state.context
    return context


async def snapshots_of(request: Request) -> Snapshots:
    """This worker's snapshots of public reads, told of each ledger size a write reached."""
    snapshots: Snapshots = request.app.state.snapshots
    return snapshots


async def intake_of(request: Request) -> Intake:
    """This worker's writer that groups single submissions into one transaction."""
    intake: Intake = request.app.state.intake
    return intake


ServiceContext = Annotated[Context, Depends(context_of)]
PublicSnapshots = Annotated[Snapshots, Depends(snapshots_of)]
Writer = Annotated[Intake, Depends(intake_of)]


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
