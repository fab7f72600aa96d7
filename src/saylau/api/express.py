"""Single protocols answered without the framework's layers: the route every precinct
commission calls on election night, once per protocol.

A well-formed submission (``POST /api/v1/elections/{id}/protocols`` with a JSON body, a
bearer token and a declared length within the body limit) is read, decoded strictly and
validated with the route's own body model here, handed to the worker's intake writer and
answered with the route's own receipt model, after the commit. That is what the FastAPI route
does, without its dozen layers of middleware, routing and dependency solving, which cost more
processor time than the validation itself.

Anything else (another route, a missing token, a body that is not JSON, has a key twice, fails
validation or exceeds the limit) goes on to the application with the body replayed as it
arrived, so that every refusal keeps the application's exact answer. The security headers and
the 503 of a lost database wrap this lane as they wrap the application.
"""

from __future__ import annotations

import re

from fastapi.security.utils import get_authorization_scheme_param
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saylau import strictjson
from saylau.api.problems import problem_answer
from saylau.api.schemas import ReceiptOut, SubmissionIn
from saylau.service.errors import Problem, problem_of
from saylau.service.intake import Intake, problem_error
from saylau.service.snapshots import Snapshots

#: the single submission route, as ``saylau.api.intake`` declares it (``API + "/protocols"``)
PATH = re.compile(r"^/api/v1/elections/([^/]+)/protocols$")
#: the election id's bounds, as ``saylau.api.params.ElectionId`` declares them
_ELECTION_ID = re.compile(r"^[^\x00]{1,64}$")
_JSON = b"application/json"
_STATUS = {"accepted": 201, "correction-pending": 202}


class ExpressSubmissions:
    """ASGI middleware: the single submission route's well-formed requests, answered here."""

    def __init__(self, app: ASGIApp, intake: Intake, snapshots: Snapshots, body_limit: int) -> None:
        self.app = app
        self.intake = intake
        self.snapshots = snapshots
        self.body_limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        match = PATH.match(scope["path"])
        token = match and self._token(scope)
        if not token or match is None or not _ELECTION_ID.match(match[1]):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.body_limit or not message.get("more_body", False):
                break
        body = self._submission(received, size)
        if body is None:
            await self.app(scope, _replay(received, receive), send)
            return
        election_id = match[1]
        answer = await self.intake.submit(election_id, token, body.protocol, body.reason)
        if isinstance(answer, Problem):
            # the exception the route raises, answered by the handler that answers it there
            await problem_answer(problem_of(problem_error(answer)))(scope, receive, send)
            return
        if answer.tree_size is not None:
            self.snapshots.saw(election_id, answer.tree_size)
        content = ReceiptOut.model_validate(answer.as_json()).model_dump_json().encode()
        headers = [
            (b"content-length", str(len(content)).encode()),
            (b"content-type", _JSON),
        ]
        status = _STATUS.get(answer.status, 200)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    def _token(self, scope: Scope) -> str | None:
        """The bearer token if the request declares a JSON body within the limit, else None
        (read as ``HTTPBearer`` reads it: the first Authorization header)."""
        authorization = kind = length = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value
            elif name == b"content-type" and kind is None:
                kind = value
            elif name == b"content-length" and length is None:
                length = value
        if authorization is None or kind is None or length is None:
            return None
        if kind.split(b";", 1)[0].strip().lower() != _JSON:
            return None
        if not length.isdigit() or int(length) > self.body_limit:
            return None
        scheme, credentials = get_authorization_scheme_param(authorization.decode("latin-1"))
        if scheme.lower() != "bearer" or not credentials:
            return None
        return credentials

    def _submission(self, received: list[Message], size: int) -> SubmissionIn | None:
        """The body as the route validates it, or None if the route should answer it."""
        last = received[-1]
        if last["type"] != "http.request" or last.get("more_body", False) or size == 0:
            return None
        raw = b"".join(m.get("body", b"") for m in received)
        try:
            return SubmissionIn.model_validate(strictjson.loads(raw))
        except Exception:  # every refusal, worded by the application
            return None


def _replay(received: list[Message], receive: Receive) -> Receive:
    """The messages already read, then the rest of the request's."""
    pending = list(received)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
