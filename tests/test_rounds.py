"""The two rounds of repeat voting as one pair: the second round's definition names the first
(``follows``), the import checks it, and the service tells each round the other."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saylau.api import create_app
from saylau.election import election_from_mapping, election_to_mapping
from saylau.model import BadInput
from saylau.service.context import Context
from saylau.service.elections import import_election, rounds
from tests.elections_fixture import names, small_election_mapping


def first_round() -> dict[str, Any]:
    mapping = small_election_mapping()
    mapping["id"] = "president-2022-round-1"
    mapping["date"] = "2022-11-20"
    mapping["contests"] = [
        {
            "id": "president",
            "kind": "presidential",
            "names": names("President"),
            "options": [
                {"id": f"c{i}", "names": names(f"Candidate {i}"), "party": None} for i in range(3)
            ],
            "seats": 1,
            "area": ["KZ"],
        }
    ]
    return mapping


def second_round(date: str = "2022-12-04", **extra: Any) -> dict[str, Any]:
    mapping = copy.deepcopy(first_round())
    mapping["id"] = "president-2022-round-2"
    mapping["date"] = date
    contest = mapping["contests"][0]
    contest["id"] = "president-round-2"
    contest["options"] = contest["options"][:2]
    contest["round"] = 2
    return mapping | {"follows": "president-2022-round-1"} | extra


def test_the_second_round_names_the_first_and_keeps_it_in_its_hash() -> None:
    election = election_from_mapping(second_round())
    assert election.follows == "president-2022-round-1"
    written = election_to_mapping(election)
    assert written["follows"] == "president-2022-round-1"
    assert election_from_mapping(written) == election
    # a definition without it is written without it, so its hash has not moved
    first = election_from_mapping(first_round())
    assert first.follows is None and "follows" not in election_to_mapping(first)
    other = election_from_mapping(second_round() | {"follows": "another-first-round"})
    assert other.definition_hash() != election.definition_hash()


@pytest.mark.parametrize(
    ("mapping", "rule"),
    [
        (second_round(follows=7), "must be the id of the first round's election"),
        (second_round(follows="  "), "must be the id of the first round's election"),
        (second_round(follows="president-2022-round-2"), "cannot follow itself"),
        (first_round() | {"follows": "president-2022-round-0"}, "only an election with repeat"),
    ],
)
def test_a_bad_follows_is_refused_on_its_field(mapping: dict[str, Any], rule: str) -> None:
    with pytest.raises(BadInput) as refused:
        election_from_mapping(mapping)
    assert refused.value.field == "follows"
    assert rule in str(refused.value)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return Context.open(f"sqlite:///{tmp_path / 'rounds-site.db'}")


def test_import_refuses_a_second_round_before_its_first(ctx: Context) -> None:
    second = election_from_mapping(second_round())
    with pytest.raises(BadInput) as refused:
        import_election(ctx, second)
    assert refused.value.field == "follows" and "already imported" in str(refused.value)
    import_election(ctx, election_from_mapping(first_round()))
    early = election_from_mapping(second_round(date="2022-11-20"))
    with pytest.raises(BadInput) as refused:
        import_election(ctx, early)
    assert refused.value.field == "follows" and "held before" in str(refused.value)
    # nothing of the refused definitions was stored
    assert rounds(ctx, "president-2022-round-1").second is None


def test_each_round_knows_the_other(ctx: Context) -> None:
    import_election(ctx, election_from_mapping(first_round()))
    alone = rounds(ctx, "president-2022-round-1")
    assert (alone.first, alone.second) == (None, None)
    import_election(ctx, election_from_mapping(second_round()))
    first = rounds(ctx, "president-2022-round-1")
    second = rounds(ctx, "president-2022-round-2")
    assert (first.first, first.second) == (None, "president-2022-round-2")
    assert (second.first, second.second) == ("president-2022-round-1", None)


def test_the_first_round_s_page_links_the_second_once_it_is_imported(ctx: Context) -> None:
    """Pages are snapshots: importing the second round must still reach the first round's
    page, though the first round's ledger did not move."""
    import_election(ctx, election_from_mapping(first_round()))
    path = "/en/president-2022-round-1/president/"
    with TestClient(create_app(ctx=ctx)) as client:
        assert 'class="rounds"' not in client.get(path).text
        import_election(ctx, election_from_mapping(second_round()))
        deadline = time.monotonic() + 10
        body = client.get(path).text
        while 'class="rounds"' not in body and time.monotonic() < deadline:
            time.sleep(0.2)
            body = client.get(path).text
        assert 'href="/en/president-2022-round-2/president-round-2/"' in body
        assert "Second round (repeat voting)" in body
        second = client.get("/en/president-2022-round-2/president-round-2/").text
        assert 'href="/en/president-2022-round-1/president/"' in second
