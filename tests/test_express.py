"""The express lane of single protocols answers exactly as the route does.

Each request is sent twice over: as ``application/json``, which the lane takes, and as
``application/vnd.saylau+json``, which the lane leaves to the route (the route reads both as
JSON). Accepted protocols get the same receipt, every refusal gets the same problem, body and
status, and only well-formed submissions are answered by the lane at all.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.types import ASGIApp

from saylau.api.app import create_app
from saylau.api.express import ExpressSubmissions
from saylau.service.context import Context
from saylau.service.elections import issue_credentials
from tests.databases import imported
from tests.elections_fixture import protocol, small_election

ELECTION = small_election()
LANE = "application/json"
ROUTE = "application/vnd.saylau+json"
URL = f"/api/v1/elections/{ELECTION.id}/protocols"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    with imported("sqlite", tmp_path_factory.mktemp("express"), ELECTION) as context:
        yield context


@pytest.fixture(scope="module")
def tokens(ctx: Context) -> dict[str, str]:
    return {c.unit_code or c.role: c.token for c in issue_credentials(ctx, ELECTION.id)}


class Lane:
    """An application over ``ctx`` and a count of the requests its lane answered itself."""

    def __init__(self, ctx: Context) -> None:
        self.app = create_app(ctx=ctx)
        self.answered = 0

    def send(self, body: bytes, kind: str, token: str | None) -> httpx.Response:
        headers = {"content-type": kind}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"

        async def run() -> httpx.Response:
            stack = self.app.build_middleware_stack()
            lane = _lane(stack)
            passed = lane.app
            forwarded = 0

            async def counted(scope: Any, receive: Any, send: Any) -> None:
                nonlocal forwarded
                forwarded += 1
                await passed(scope, receive, send)

            lane.app = counted
            self.app.middleware_stack = stack
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                response = await client.post(URL, content=body, headers=headers)
            self.answered += 1 - forwarded
            return response

        return asyncio.run(run())


def _lane(app: ASGIApp) -> ExpressSubmissions:
    current: Any = app
    while not isinstance(current, ExpressSubmissions):
        current = current.app
    return current


def _pair(n: int) -> tuple[str, str]:
    unit = ELECTION.precincts()[n]
    return unit.code, ELECTION.contests_for(unit.code)[0].id


def _submission(n: int) -> dict[str, Any]:
    precinct, contest = _pair(n)
    votes = {option: 10 + i for i, option in enumerate(ELECTION.contest(contest).option_ids)}
    return {"protocol": protocol(precinct, contest, votes)}


def test_an_accepted_protocol_gets_the_routes_receipt(ctx: Context, tokens: dict[str, str]) -> None:
    lane = Lane(ctx)
    answers = []
    for n, kind in ((0, LANE), (1, ROUTE)):
        body = json.dumps(_submission(n)).encode()
        answers.append(lane.send(body, kind, tokens[_pair(n)[0]]))
    assert lane.answered == 1
    by_lane, by_route = answers
    assert by_lane.status_code == by_route.status_code == 201
    assert by_lane.headers["content-type"] == by_route.headers["content-type"]
    assert set(by_lane.headers) == set(by_route.headers)
    assert by_lane.json().keys() == by_route.json().keys()
    assert by_lane.json()["precinct"] == _pair(0)[0]
    assert by_lane.json()["tree_size"] + 1 == by_route.json()["tree_size"]
    # the same protocol again: a duplicate either way
    again = [
        lane.send(json.dumps(_submission(0)).encode(), k, tokens[_pair(0)[0]])
        for k in (LANE, ROUTE)
    ]
    assert [a.status_code for a in again] == [200, 200]
    assert again[0].json() == again[1].json()


def test_a_refusal_by_the_writer_is_the_routes_problem(
    ctx: Context, tokens: dict[str, str]
) -> None:
    """Another precinct's credential: refused by the writer, answered 403 either way."""
    lane = Lane(ctx)
    body = json.dumps(_submission(2)).encode()
    wrong = tokens[_pair(3)[0]]
    by_lane, by_route = (lane.send(body, kind, wrong) for kind in (LANE, ROUTE))
    assert lane.answered == 1
    assert by_lane.status_code == by_route.status_code == 403
    assert by_lane.headers["content-type"] == "application/problem+json"
    assert by_lane.json() == by_route.json()


_KEYS = st.sampled_from(["protocol", "reason", "precinct", "votes", "x"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**20) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8,
)


def _mangled(n: int, how: str, junk: Any) -> bytes:
    text = json.dumps(_submission(n))
    if how == "repeated key":
        return text.replace('"protocol": {', '"protocol": {"contest": "x", ', 1).encode()
    if how == "cut":
        return text[: len(text) // 2].encode()
    if how == "not utf-8":
        return text.encode()[:-1] + b"\xff}"
    if how == "junk":
        return json.dumps(junk).encode()
    return json.dumps({**json.loads(text), "protocol": junk}).encode()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["repeated key", "cut", "not utf-8", "junk", "protocol junk"]),
    junk=_JSON,
    token=st.sampled_from([None, "", "KZ"]),
)
def test_every_malformed_request_gets_the_routes_answer(
    ctx: Context, tokens: dict[str, str], how: str, junk: Any, token: str | None
) -> None:
    lane = Lane(ctx)
    body = _mangled(4, how, junk)
    sent = tokens[_pair(4)[0]] if token == "KZ" else token
    by_lane, by_route = (lane.send(body, kind, sent) for kind in (LANE, ROUTE))
    assert lane.answered == 0
    assert by_lane.status_code == by_route.status_code
    assert by_lane.status_code in (401, 422)
    assert by_lane.json() == by_route.json()
