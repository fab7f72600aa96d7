"""Candidates and deputies over HTTP: the commission of a contest's area registers or
refuses a candidate (the Ministry of Justice's credential is 403), bad input is
problem+json naming the field and the rule and records nothing, and the candidates and
deputies are public."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.service.context import Context
from saylau.service.credentials import issue_official
from tests.candidates_fixture import district_application, list_application, too_young
from tests.serving import prepare

ELECTION = "test-2023"
CANDIDATES = f"/api/v1/elections/{ELECTION}/candidates"
DEPUTIES = f"/api/v1/elections/{ELECTION}/deputies"


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    justice: str

    def register(self, token: str | None, contest: str, application: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"contest": contest, "application": application}
        return self.client.post(CANDIDATES, json=body, headers=headers)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    tokens = prepare(url)
    ctx = Context.open(url)
    justice = issue_official(ctx, "justice", "A. Officer", "registration department").token
    ctx.engine.dispose()
    with TestClient(create_app(url)) as client:
        yield Api(client, tokens, justice)


def is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    return problem


def test_commissions_register_and_anyone_reads_the_decisions(api: Api) -> None:
    central = api.register(api.tokens["KZ"], "mazhilis-list", list_application())
    assert central.status_code == 201, central.text
    assert central.json()["record"]["candidate"]["decision"] == "registered"
    refused = api.register(api.tokens["KZ-71"], "smd-1", too_young())
    assert refused.status_code == 201, refused.text
    assert refused.json()["ledger_index"] == central.json()["ledger_index"] + 1
    listed = api.client.get(CANDIDATES)
    assert listed.status_code == 200
    shown = {c["name"]: c for c in listed.json()}
    assert shown["Dana Amanova"]["decision"] == "registered"
    assert shown["Dana Amanova"]["nominated_by"] == {"by": "party", "name": "amanat"}
    assert shown["Yerlan Zhaksybek"]["failed"] == ["candidate_age"]
    assert shown["Yerlan Zhaksybek"]["decided_by"] == "KZ-71"


def test_the_ministry_and_other_commissions_are_forbidden(api: Api) -> None:
    is_problem(api.register(api.justice, "smd-1", district_application()), 403)
    is_problem(api.register(api.tokens["KZ-75"], "smd-1", district_application()), 403)
    is_problem(api.register(api.tokens["KZ-71"], "mazhilis-list", list_application()), 403)
    is_problem(api.register(None, "smd-1", district_application()), 401)
    is_problem(api.register("not-a-token", "smd-1", district_application()), 401)
    assert api.client.get(CANDIDATES).json() == []


@pytest.mark.parametrize(
    ("contest", "application", "field", "rule"),
    [
        ("smd-9", district_application(), "contest", "not a contest"),
        ("smd-1", list_application(), "application.office", "mazhilis_district"),
        (
            "smd-1",
            district_application(election_day="2023-03-20"),
            "application.election_day",
            "2023-03-19",
        ),
        ("smd-1", district_application(birth_date="1980-02-30"), "application.birth_date", ""),
        ("smd-1", district_application(citizen="yes"), "application.citizen", ""),
        ("smd-1", district_application(office="king"), "application.office", ""),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    api: Api, contest: str, application: Any, field: str, rule: str
) -> None:
    problem = is_problem(api.register(api.tokens["KZ-71"], contest, application), 422)
    assert problem["field"] == field, problem
    assert rule in problem["detail"]
    assert api.client.get(CANDIDATES).json() == []


def test_deputies_are_public_and_empty_before_any_decision(api: Api) -> None:
    answer = api.client.get(DEPUTIES)
    assert answer.status_code == 200
    assert answer.json() == {"election": ELECTION, "lists": [], "districts": []}
    is_problem(api.client.get("/api/v1/elections/nowhere/deputies"), 404)
    is_problem(api.client.get("/api/v1/elections/nowhere/candidates"), 404)
