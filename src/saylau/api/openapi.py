"""The OpenAPI document as the API really answers: every status an operation can give,
errors as ``application/problem+json`` with one Problem schema, and links between operations.

FastAPI documents only the success of each route and a JSON 422 the API never sends. The
document is completed here, in one pass over the generated one, rather than route by route,
so that routes added later get the same answers: a bearer-token route may answer 401 and
403, a route with parameters 404 and 422, a route with a body 413, every public route 429
(rate limits) and 503 (the database lost for a moment). Links say which answer feeds which
request (a receipt's id to the approval of a correction, its ledger index and tree size to
the inclusion proof), for clients and for stateful testing alike.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from saylau.api.problems import PROBLEM

API = "/api/v1/elections/{election_id}"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error as RFC 9457 describes it; bad input names the field and the rule.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "field": {"type": "string", "description": "the field that breaks a rule"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "rule": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}

WHY = {
    401: "No valid bearer token.",
    403: "The token's commission has no right to this precinct or contest.",
    404: "No such election, contest, unit, protocol or ledger entry.",
    409: "The request conflicts with what is stored (e.g. a correction already decided).",
    413: "The request body is too large.",
    422: "Bad input: the problem names the field and the rule.",
    429: "Too many requests from this client: try again after Retry-After seconds.",
    503: "The database is unavailable for a moment: try again after Retry-After seconds.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}

#: (path, method) → success statuses beside the one FastAPI documents
SUCCESSES: dict[tuple[str, str], tuple[int, ...]] = {
    (API + "/protocols", "post"): (200, 201, 202),
}

#: (path, method, status) → name → (target path, target method, parameters)
LINKS: dict[tuple[str, str, int], dict[str, tuple[str, str, dict[str, Any]]]] = {}


def _receipt_links(pending: bool) -> dict[str, tuple[str, str, dict[str, Any]]]:
    election = "$request.path.election_id"
    links: dict[str, tuple[str, str, dict[str, Any]]] = {
        "ResultsOfThePrecinct": (
            API + "/results/{contest_id}",
            "get",
            {
                "election_id": election,
                "contest_id": "$response.body#/contest",
                "unit": "$response.body#/precinct",
            },
        )
    }
    if pending:
        links["ApproveTheCorrection"] = (
            API + "/corrections/{protocol_id}/approve",
            "post",
            {"election_id": election, "protocol_id": "$response.body#/protocol_id"},
        )
    else:
        links["InclusionOfTheProtocol"] = (
            API + "/ledger/inclusion",
            "get",
            {
                "election_id": election,
                "size": "$response.body#/tree_size",
                "index": "$response.body#/ledger_index",
            },
        )
    return links


LINKS[(API + "/protocols", "post", 201)] = _receipt_links(pending=False)
LINKS[(API + "/protocols", "post", 200)] = _receipt_links(pending=False)
LINKS[(API + "/protocols", "post", 202)] = _receipt_links(pending=True)
LINKS[(API + "/corrections/{protocol_id}/approve", "post", 200)] = _receipt_links(pending=False)
LINKS[(API + "/ledger/head", "get", 200)] = {
    "ConsistencyWithTheFirstEntry": (
        API + "/ledger/consistency",
        "get",
        {
            "election_id": "$request.path.election_id",
            "first": 1,
            "second": "$response.body#/size",
        },
    ),
    "InclusionOfTheFirstEntry": (
        API + "/ledger/inclusion",
        "get",
        {"election_id": "$request.path.election_id", "size": "$response.body#/size", "index": 0},
    ),
    "EntriesOfTheLedger": (
        API + "/ledger/entries",
        "get",
        {"election_id": "$request.path.election_id", "start": 0},
    ),
}


def _problems(statuses: list[int]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status in statuses:
        answer: dict[str, Any] = {
            "description": WHY[status],
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status in (429, 503):
            answer["headers"] = RETRY_AFTER
        answers[str(status)] = answer
    return answers


def _statuses(path: str, operation: dict[str, Any]) -> list[int]:
    statuses = []
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if (operation.get("security") and "requestBody" in operation) or path.endswith("/approve"):
        statuses.append(409)
    if "requestBody" in operation:
        statuses.append(413)
    if operation.get("parameters") or "requestBody" in operation:
        statuses.append(422)
    if path != "/health":
        statuses += [429, 503]
    return statuses


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the real answers and the links to a document FastAPI generated."""
    ids = {
        (path, method): operation["operationId"]
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for status in SUCCESSES.get((path, method), ()):
                known: dict[str, Any] = next(
                    (r for s, r in responses.items() if s.startswith("2")), {}
                )
                responses.setdefault(str(status), dict(known))
            if (path, method) in SUCCESSES:
                responses["200"]["description"] = "Already stored: the same protocol again."
                responses["201"]["description"] = "Accepted and entered in the ledger."
                responses["202"]["description"] = "A correction, pending its approval."
            statuses = _statuses(path, operation)
            statuses += [  # a route may declare more refusals; they are problems too
                int(code)
                for code in responses
                if code[:1] in "45" and int(code) in WHY and int(code) not in statuses
            ]
            for status_code, answer in _problems(statuses).items():
                declared = responses.get(status_code, {}).get("content", {})
                if PROBLEM not in declared:  # a route's own problem description stays
                    responses[status_code] = answer
            for status_code, response in responses.items():
                targets = LINKS.get((path, method, int(status_code)), {})
                links = {
                    name: {"operationId": ids[(target, verb)], "parameters": parameters}
                    for name, (target, verb, parameters) in targets.items()
                    if (target, verb) in ids
                }
                if links:
                    response["links"] = links
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=app.openapi_version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    setattr(app, "openapi", openapi)  # noqa: B010 -- the documented way to replace it
