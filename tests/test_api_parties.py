"""The registry of parties over HTTP: only the Ministry of Justice's credential files an
application (a commission's is 403), bad input is problem+json naming the field and the
rule and records nothing, and the registry and each party's history are public."""

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
from tests.serving import prepare
from tests.test_register_parties import population, roll_of
from tests.test_register_registry import EVEN, NAMES, add_citizens

PARTIES = "/api/v1/parties"


@dataclass
class Api:
    client: TestClient
    justice: str
    commission: str
    roll: list[str]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.justice}"}

    def file(self, token: str | None, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post(PARTIES + "/applications", json=body, headers=headers)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path / 'saylau.db'}"
    tokens = prepare(url)
    ctx = Context.open(url)
    people = population(EVEN)
    add_citizens(ctx, people)
    justice = issue_official(ctx, "justice", "A. Officer", "registration department").token
    ctx.engine.dispose()
    with TestClient(create_app(url)) as client:
        yield Api(client, justice, tokens["KZ-71"], roll_of(people))


def body(roll: list[str], **change: Any) -> dict[str, Any]:
    return {
        "party": "synaq",
        "names": NAMES,
        "applied_on": "2023-05-02",
        "group_notified_on": "2023-01-10",
        "congress_on": "2023-04-10",
        "initiative_group": roll[:700],
        "members": roll,
    } | change


def is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    return problem


def test_the_ministry_registers_and_anyone_reads_the_history(api: Api) -> None:
    answer = api.file(api.justice, body(api.roll))
    assert answer.status_code == 201, answer.text
    assert (answer.json()["kind"], answer.json()["status"]) == ("registered", "registered")
    listed = {p["id"]: p for p in api.client.get(PARTIES).json()}
    assert listed["synaq"]["registered_on"] == "2023-05-02"
    assert listed["baytaq"]["names"]["kk"] == "Қазақстанның «Байтақ» жасылдар партиясы (ҚБ)"
    shown = api.client.get(PARTIES + "/synaq").json()
    assert shown["history"][0]["decision"]["members"]["counted"] == 5000
    assert shown["names"] == NAMES


def test_a_refusal_names_every_failed_rule_and_is_kept(api: Api) -> None:
    answer = api.file(api.justice, body(api.roll[:4999]))
    assert answer.status_code == 201, answer.text
    failures = answer.json()["decision"]["failures"]
    assert [(f["rule"], f["found"], f["required"]) for f in failures] == [
        ("membership_minimum", 4999, 5000)
    ]
    assert failures[0]["citation"]["source"]
    assert api.client.get(PARTIES + "/synaq").json()["status"] == "refused"


def test_only_the_ministry_of_justice_files(api: Api) -> None:
    is_problem(api.file(None, body(api.roll)), 401)
    is_problem(api.file("not-a-token", body(api.roll)), 401)
    problem = is_problem(api.file(api.commission, body(api.roll)), 403)
    assert "justice" in problem["detail"]
    assert is_problem(api.client.get(PARTIES + "/synaq"), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applied_on": "2023-03-01"}, "applied_on"),  # before the congress
        ({"applied_on": "02.05.2023"}, "applied_on"),
        ({"members": [870101300123]}, "members"),  # an IIN as a number
        ({"names": None}, "names"),
        ({"party": "Synaq Party"}, "party"),
        ({"applied_on": "1990-01-01"}, "applied_on"),  # before the law's coverage
    ],
)
def test_bad_input_names_the_field_and_records_nothing(
    api: Api, change: dict[str, Any], field: str
) -> None:
    problem = is_problem(api.file(api.justice, body(api.roll, **change)), 422)
    assert problem["field"].startswith(field), problem
    assert field in problem["detail"]
    is_problem(api.client.get(PARTIES + "/synaq"), 404)


def test_the_ministry_records_a_merger_and_a_commission_may_not(api: Api) -> None:
    event = {"kind": "merged", "on": "2026-09-01", "into": "amanat", "sources": ["order 1"]}
    path = PARTIES + "/osdp/events"
    refused = api.client.post(
        path, json=event, headers={"Authorization": f"Bearer {api.commission}"}
    )
    is_problem(refused, 403)
    is_problem(api.client.post(path, json=event | {"on": "1.9.2026"}, headers=api.auth), 422)
    answer = api.client.post(path, json=event, headers=api.auth)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"party": "osdp", "event": 2, "kind": "merged", "status": "merged"}
    assert api.client.get(PARTIES + "/osdp").json()["history"][-1]["into"] == "amanat"
    problem = is_problem(api.client.post(path, json=event, headers=api.auth), 409)
    assert "merged" in problem["detail"]
