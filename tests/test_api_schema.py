"""Schemathesis against a real server: generated requests for every operation of the
published OpenAPI schema, anonymous and with a precinct's token, on SQLite and PostgreSQL.

No answer may be a server error, and every answer must match the schema where it declares
one. The anonymous run lets the election id vary (weird ids must be refused, not crash);
the authenticated run pins it to the real election, so generated bodies reach the service.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from saylau.pki import folder as pki_folder
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


# no server error; status, content type and body as the document declares them
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


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
    # the server trusts a test authority, as production trusts the national root: without
    # anchors every signature would be refused with 503, which is no answer to fuzz
    pki_folder.create(folder / "pki", dt.datetime.now(dt.UTC))
    trust = {"SAYLAU_PKI_ANCHORS": "anchors", "SAYLAU_PKI_CRLS": "crl"}
    saved = {name: os.environ.get(name) for name in trust}
    os.environ.update({name: str(folder / "pki" / sub) for name, sub in trust.items()})
    with database(request.param, folder) as url:
        tokens = prepare(url)
        try:
            server = start_server(url, folder)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
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
            checks=CHECKS,
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


def test_the_document_declares_the_real_answers(tmp_path: Path) -> None:
    """Errors are problem+json under one Problem schema; every write may answer 401 and 403,
    every operation that takes input 422, every public operation 429 and 503; submission
    answers 200, 201 or 202."""
    from saylau.api.app import create_app

    document = create_app(f"sqlite:///{tmp_path / 'saylau.db'}").openapi()
    assert "Problem" in document["components"]["schemas"]
    operations = {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) >= CORE
    for label, operation in operations.items():
        responses = operation["responses"]
        expected = {"429", "503"} if label != "GET /health" else set()
        if operation.get("security"):
            expected |= {"401", "403"}
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if "requestBody" in operation and operation.get("security"):
            expected |= {"409", "413"}
        assert set(responses) >= expected, (label, sorted(responses))
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                content = response["content"]
                assert set(content) == {"application/problem+json"}, (label, status)
                schema = content["application/problem+json"]["schema"]
                assert schema.get("$ref") == "#/components/schemas/Problem" or (
                    set(schema["required"]) >= {"type", "title", "status", "detail"}
                ), (label, status)
        for status in ("429", "503"):
            if status in responses:
                assert "Retry-After" in responses[status]["headers"], label
    submit = operations[f"POST {API}/protocols"]["responses"]
    assert {"200", "201", "202"} <= set(submit)
    ids = {op["operationId"]: label for label, op in operations.items()}
    approve = f"POST {API}/corrections/{{protocol_id}}/approve"
    linked = {
        (status, ids[link["operationId"]])
        for status, response in submit.items()
        for link in response.get("links", {}).values()
    }
    assert ("202", approve) in linked and ("201", f"GET {API}/ledger/inclusion") in linked
    approved = operations[approve]["responses"]["200"]["links"]
    assert {ids[link["operationId"]] for link in approved.values()} >= {
        f"GET {API}/ledger/inclusion"
    }


SUBMIT = f"POST {API}/protocols"
APPROVE = f"POST {API}/corrections/{{protocol_id}}/approve"
INCLUSION = f"GET {API}/ledger/inclusion"
PRECINCTS = (P1, "KZ-71-D01-P0002", "KZ-71-D02-P0001", "KZ-71-D02-P0002")


def test_stateful_phase_follows_the_links(target: Target) -> None:
    """Schemathesis' stateful phase chains operations through the document's links: a
    submission's receipt to the approval of its correction and to its inclusion proof, a
    signed head to proofs and entries. Every answer on the way must match the document."""
    # the registry of parties, the assemblies and the petitions have no link into an
    # election: left to the first test, their chains would take the machine's steps away
    # from the election's chains
    schema = (
        schemathesis.openapi.from_url(target.server.base + "/openapi.json", timeout=30)
        .exclude(tag="parties")
        .exclude(tag="assemblies")
        .exclude(tag="petitions")
    )
    # the region submits; the central commission, above it, approves its corrections
    submitter = {"Authorization": f"Bearer {target.tokens['KZ-71']}"}
    approver = {"Authorization": f"Bearer {target.tokens['KZ']}"}
    calls: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []

    class Stateful(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case[Any]) -> None:
            """Pin the election, and make a submission one the election can accept (a
            random body is refused before any receipt exists to follow)."""
            if "election_id" in case.path_parameters:
                case.path_parameters["election_id"] = ELECTION
            if case.path_parameters.get("contest_id") is not None:
                case.path_parameters["contest_id"] = "mazhilis-list"
            if case.operation.label == SUBMIT and isinstance(case.body, dict):
                seed = len(repr(case.body))
                votes = list_votes(500 + seed % 7, 90 + seed % 3, 40)
                body: dict[str, Any] = {
                    "protocol": protocol(PRECINCTS[seed % len(PRECINCTS)], "mazhilis-list", votes)
                }
                if seed % 2:
                    body["reason"] = "recount"
                case.body = body

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            headers = approver if case.operation.label == APPROVE else submitter
            return {"headers": headers, "timeout": 30}

        def after_call(self, response: Any, case: schemathesis.Case[Any]) -> None:
            calls[(case.operation.label, response.status_code)] += 1

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case[Any],
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
            except Exception as exc:
                failures.append(f"{case.operation.label} {response.status_code}: {exc}")
                raise

    settings = hypothesis.settings(
        max_examples=40,
        stateful_step_count=6,
        # the server's state moves on between runs, so a failing run is reported as found
        # rather than replayed and shrunk (a replay would meet another state)
        phases=[hypothesis.Phase.generate],
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    for _run in range(5):
        # as schemathesis' own runner does: a run that meets another server state than the
        # one it replays ends there (Flaky), and runs again; only a failed check counts
        with contextlib.suppress(hypothesis.errors.Flaky):
            Stateful.run(settings=settings)
        assert not failures, failures
        if calls[(APPROVE, 200)] and calls[(INCLUSION, 200)]:
            break
    # a pending correction's id reached its approval, and a receipt its inclusion proof
    assert calls[(SUBMIT, 202)] and calls[(APPROVE, 200)], calls
    assert calls[(INCLUSION, 200)], calls
