"""Abuse resistance of signing over HTTP: past the limit per citizen or per address a
signature is answered 429 problem+json with Retry-After and counts nothing, and the
moderators (only they) read the bulk patterns of the signatures recorded."""

from __future__ import annotations

import pytest

from tests.petitions_fixture import iin_of
from tests.test_api_petitions import PETITIONS, Api, api, approved, problem

__all__ = ["api"]  # the fixture, shared with the petitions' API tests


def signatures(api: Api, petition_id: str) -> int:
    found: int = api.client.get(f"{PETITIONS}/{petition_id}").json()["signatures"]
    return found


def test_a_citizen_past_their_limit_is_told_when_to_come_back(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAYLAU_SIGN_LIMIT_IDENTITY", "2/minute")
    petition_id = approved(api)
    assert api.sign(petition_id, 3).status_code == 201
    assert api.sign(petition_id, 3).status_code == 200  # again: the first receipt
    refused = api.sign(petition_id, 3)
    body = problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert body["retry_after"] == int(refused.headers["Retry-After"])
    assert iin_of(3) not in refused.text  # the answer never repeats the IIN
    assert api.sign(petition_id, 4).status_code == 201  # another citizen is not held back
    assert signatures(api, petition_id) == 2


def test_an_address_past_its_limit_signs_nothing_more(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAYLAU_SIGN_LIMIT_ADDRESS", "3/minute")
    petition_id = approved(api)
    assert [api.sign(petition_id, s).status_code for s in (3, 4, 5)] == [201, 201, 201]
    refused = api.sign(petition_id, 6)
    problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert signatures(api, petition_id) == 3


def test_moderators_see_sequential_iins_and_no_one_else_does(api: Api) -> None:
    petition_id = approved(api)
    for serial in range(10, 15):
        assert api.sign(petition_id, serial).status_code == 201
    assert api.sign(petition_id, 30).status_code == 201  # apart from the run
    found = api.client.get(
        f"{PETITIONS}/flags", params={"petition": petition_id}, headers=api.as_("moderator")
    )
    assert found.status_code == 200, found.text
    assert [(f["pattern"], f["key"], f["signatures"]) for f in found.json()] == [
        ("sequential_iins", f"{iin_of(10)}..{iin_of(14)}", 5)
    ]
    problem(api.client.get(f"{PETITIONS}/flags", headers=api.as_("citizen 1")), 403)
    problem(api.client.get(f"{PETITIONS}/flags"), 401)
