"""The service's own application with one route more, for bench/intake_bench.py: a submission
validated exactly as the real route validates it (strict JSON, the same body model, the
bearer token read) and echoed back, nothing looked up or stored. Served with the same
workers and middleware, it is the ceiling the submission route is measured against.
"""

from __future__ import annotations

from typing import Any

from saylau.api.asgi import app
from saylau.api.params import API, ElectionId, Token
from saylau.api.schemas import SubmissionIn


@app.post(API + "/protocols/echo", status_code=201)
async def echo(election_id: ElectionId, body: SubmissionIn, token: Token) -> dict[str, Any]:
    """The submission as validated, with the election and the length of the token."""
    return {"election": election_id, "token_length": len(token), **body.model_dump()}
