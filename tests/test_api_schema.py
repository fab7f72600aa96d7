"""Schemathesis against a real server: generated requests for every operation of the
published OpenAPI schema, anonymous and with a precinct's token, on SQLite and PostgreSQL.

No answer may be a server error, and every answer must match the schema where it declares
one. The anonymous run lets the election id vary (weird ids must be refused, not crash);
the authenticated run pins it to the real election, so generated bodies reach the service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.databases import database
from tests.elections_fixture import protocol
from tests.serving import (
    ELECTION,
    Server,
    Tokens,
    check_invariants,
    list_votes,
    prepare,
    start_server,
)

P1 = "KZ-71-D01-P0001"
# per operation and generation mode; the anonymous run mostly meets 401/404, so it needs fewer
MAX_EXAMPLES = {"anonymous": 20, "precinct": 30}
API = "/api/v1/elections/{election_id}"
CORE = {
    "GET /health",
    f"POST {API}/protocols",
    f"POST {API}/protocols/batch",
    f"POST {API}/corrections/{{protocol_id}}/approve",
    f"GET {API}/results/{{contest_id}}",
    f"GET {API}/outcome/{{contest_id}}",
    f"GET {API}/ledger/head",
    f"GET {API}/ledger/inclusion",
    f"GET {API}/ledger/consistency",
    f"GET {API}/ledger/entries",
}


@dataclass
class Target:
    server: Server
    tokens: Tokens
    url: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """A server whose ledger has entries and a pending correction, so proofs and approvals
    have something real to work on."""
    folder = tmp_path_factory.mktemp(f"schema-{request.param}")
    with database(request.param, folder) as url:
        tokens = prepare(url)
        server = start_server(url, folder)
        try:
            region = server.client(tokens["KZ-71"])
            for i, code in enumerate((P1, "KZ-71-D01-P0002", "KZ-71-D02-P0001")):
                sent = {"protocol": protocol(code, "mazhilis-list", list_votes(500 + i, 90, 40))}
                assert region.post("/protocols", json=sent).status_code == 201
            changed = {
                "protocol": protocol(P1, "mazhilis-list", list_votes(501, 90, 40)),
                "reason": "recount",
            }
            assert region.post("/protocols", json=changed).status_code == 202
            yield Target(server, tokens, url)
        finally:
            server.stop()
        log = server.log_text()
        assert "Traceback" not in log, log
        check_invariants(url)


def _fuzz(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    mode: schemathesis.GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, str],
    seen: Counter[tuple[str, int]],
    examples: int,
) -> None:
    """Run one operation on generated cases; raise what the checks found (shrunk)."""

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(
        case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    )
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance],
            timeout=30,
        )
        seen[(operation.label, response.status_code)] += 1

    run()


@pytest.mark.parametrize("auth", ["anonymous", "precinct"])
def test_no_server_error_and_answers_match_the_schema(target: Target, auth: str) -> None:
    schema = schemathesis.openapi.from_url(target.server.base + "/openapi.json", timeout=30)
    headers = {"Authorization": f"Bearer {target.tokens[P1]}"} if auth == "precinct" else {}
    failures: dict[str, str] = {}
    seen: Counter[tuple[str, int]] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    for operation in operations:
        pinned = {
            name: value
            for name, value in (("election_id", ELECTION), ("contest_id", "mazhilis-list"))
            if auth == "precinct" and "{" + name + "}" in operation.path
        }
        modes = [schemathesis.GenerationMode.POSITIVE]
        if list(operation.iter_parameters()) or list(operation.body):
            modes.append(schemathesis.GenerationMode.NEGATIVE)  # nothing to break otherwise
        for mode in modes:
            try:
                _fuzz(operation, mode, headers, pinned, seen, MAX_EXAMPLES[auth])
            except hypothesis.errors.Unsatisfiable:
                # no invalid value of these parameters can be sent (e.g. a bare path id)
                assert mode == schemathesis.GenerationMode.NEGATIVE
            except Exception as exc:  # every operation runs; all failures are reported
                failures[f"{mode.value} {operation.label}"] = str(exc)
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
    labels = {operation.label for operation in operations}
    assert labels >= CORE, CORE - labels
    assert {label for label, _status in seen} == labels, "every operation was exercised"
    if auth == "precinct":  # the generated requests got past the checks to real answers
        answered = {label.rsplit("/", 1)[-1] for (label, status), _ in seen.items() if status < 300}
        assert answered >= {"head", "entries", "batch", "{contest_id}"}, seen
