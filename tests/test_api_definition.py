"""The election's definition over the API: the same territory, contests, options and hash
as the definition imported, the parties named from the registry, each option's column the
one the downloads use, and the whole answer documented in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau.api import create_app
from saylau.election import Election
from saylau.publication.table import option_columns
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.synth import generate

ELECTION: Election = generate(seed=7, precincts=300).election


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("definition")
    ctx = Context.open(f"sqlite:///{folder / 'saylau.db'}")
    import_election(ctx, ELECTION)
    with TestClient(create_app(ctx=ctx)) as test_client:
        yield test_client
    ctx.engine.dispose()


def flatten(node: dict[str, Any], parent: str | None = None) -> Iterator[tuple[Any, ...]]:
    yield node["code"], node["level"], parent, node["names"], node["registered"]
    for child in node["children"]:
        yield from flatten(child, node["code"])


def test_the_definition_is_the_imported_one(client: TestClient) -> None:
    answer = client.get(f"/api/v1/elections/{ELECTION.id}/definition")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["id"], found["date"]) == (ELECTION.id, ELECTION.date.isoformat())
    assert found["names"] == dict(ELECTION.names) and set(found["names"]) == {"kk", "ru", "en"}
    assert found["definition_hash"] == ELECTION.definition_hash()
    units = sorted(flatten(found["territory"]), key=lambda u: u[0])
    assert units == sorted(
        ((u.code, u.level, u.parent, dict(u.names), u.registered) for u in ELECTION.units),
        key=lambda u: u[0],
    )
    entries = client.get(f"/api/v1/elections/{ELECTION.id}/ledger/entries").json()
    assert ELECTION.definition_hash() in str(entries)  # the ledger's first entry holds it
    assert [c["id"] for c in found["contests"]] == [c.id for c in ELECTION.contests]
    for contest, shown in zip(ELECTION.contests, found["contests"], strict=True):
        columns = option_columns(contest)
        assert (shown["kind"], shown["seats"]) == (contest.kind.value, contest.seats)
        assert shown["area"] == list(contest.area)
        for option, listed in zip(contest.options, shown["options"], strict=True):
            assert (listed["id"], listed["names"]) == (option.id, dict(option.names))
            assert listed["column"] == columns[option.id]
            assert (listed["party"] or {}).get("id") == option.party


def test_the_parties_are_named_in_three_languages(client: TestClient) -> None:
    found = client.get(f"/api/v1/elections/{ELECTION.id}/definition").json()
    parties = {
        option["party"]["id"]: option["party"]["names"]
        for contest in found["contests"]
        for option in contest["options"]
        if option["party"]
    }
    assert parties["ak-zhol"] == {
        "kk": "«Ақ жол» Қазақстан демократиялық партиясы",
        "ru": "Демократическая партия Казахстана «Ак жол»",
        "en": "Ak Zhol Democratic Party of Kazakhstan",
    }
    assert all(names and set(names) == {"kk", "ru", "en"} for names in parties.values())


def test_an_unknown_election_is_a_problem(client: TestClient) -> None:
    answer = client.get("/api/v1/elections/nowhere/definition")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_definition_is_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/elections/{election_id}/definition"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/DefinitionOut"}
    schemas = document["components"]["schemas"]
    assert {"territory", "contests", "names", "definition_hash"} <= set(
        schemas["DefinitionOut"]["properties"]
    )
    assert "party" in schemas["DefinitionOptionOut"]["properties"]
    assert "children" in schemas["TerritoryNodeOut"]["properties"]
