"""Every error as ``application/problem+json`` (RFC 9457), naming the field and the rule."""

from __future__ import annotations

import json
import os
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from saylau.api.strictbody import RepeatedKey
from saylau.model import BadInput, input_rule
from saylau.service.errors import Problem, ServiceError, problem_of

PROBLEM = "application/problem+json"
RETRY_AFTER = "SAYLAU_RETRY_AFTER"


def retry_after_seconds() -> int:
    """How long a client should wait before asking again when the service cannot answer."""
    return int(os.environ.get(RETRY_AFTER, "5"))


def problem_response(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail} | extra
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def problem_body(status: int, title: str, detail: str, **extra: Any) -> bytes:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail} | extra
    return json.dumps(body).encode()


async def send_problem(
    send: Send, status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> None:
    """A problem+json answer straight from ASGI middleware, before any route has run."""
    body = problem_body(status, title, detail)
    raw = [
        (b"content-type", PROBLEM.encode()),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


TOO_MANY_REQUESTS = "Too many requests"
UNAVAILABLE = "Service unavailable"


async def send_too_many(send: Send, retry_after: int, detail: str) -> None:
    """429: this client asked for expensive reads faster than the limit; try after a while."""
    await send_problem(send, 429, TOO_MANY_REQUESTS, detail, {"Retry-After": str(retry_after)})


async def send_unavailable(send: Send, retry_after: int, detail: str) -> None:
    """503: the database cannot be reached; nothing was changed, ask again after a while."""
    await send_problem(send, 503, UNAVAILABLE, detail, {"Retry-After": str(retry_after)})


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body",)]
    return ".".join(parts) or "(body)"


def _error(error: Any) -> dict[str, str]:
    """One error of a request as field and rule; a body that is no JSON says why."""
    location = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        why = (error.get("ctx") or {}).get("error", "")
        at = location[-1] if location else "?"
        return {"field": "(body)", "rule": f"is not valid JSON: {why} (at byte {at})"}
    return {"field": _field(location), "rule": input_rule(error)}


def problem_answer(problem: Problem) -> JSONResponse:
    """The answer to a refusal of bad input or of the service (with Retry-After for a 503)."""
    response = problem_response(problem.status, problem.title, problem.detail, **problem.extra)
    if problem.status == 503:  # the database or the signer is away: nothing was stored
        response.headers["Retry-After"] = str(retry_after_seconds())
    if "retry_after" in problem.extra:  # a limit says when it lets the client in again
        response.headers["Retry-After"] = str(problem.extra["retry_after"])
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_error(e) for e in exc.errors()]
        first = errors[0] if errors else {"field": "(body)", "rule": "invalid"}
        return problem_response(
            422,
            "Bad input",
            f"field '{first['field']}': {first['rule']}",
            field=first["field"],
            errors=errors,
        )

    async def refused(_request: Request, exc: Exception) -> JSONResponse:
        """Bad input and the service's own refusals: the problem the error stands for."""
        return problem_answer(problem_of(exc))

    app.add_exception_handler(BadInput, refused)
    app.add_exception_handler(ServiceError, refused)

    @app.exception_handler(RepeatedKey)
    async def repeated_key(_request: Request, exc: RepeatedKey) -> JSONResponse:
        rule = "the key appears twice in one object"
        errors = [{"field": exc.field, "rule": rule}]
        return problem_response(
            422, "Bad input", f"field '{exc.field}': {rule}", field=exc.field, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail)
        )
