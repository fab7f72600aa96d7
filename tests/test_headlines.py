"""The landing page's headlines: each election of the day, its main contest's leaders,
shares, turnout and progress, equal to what the contest's own results say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.election import election_from_mapping
from saylau.service import headlines
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.service.results import unit_results
from saylau.service.submission import submit
from saylau.tabulation import figures
from tests.databases import imported, principals
from tests.elections_fixture import PARTIES, protocol, small_election, small_election_mapping

PRECINCTS = ("KZ-71-D01-P0001", "KZ-71-D02-P0002", "KZ-75-D01-P0003")


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


def test_before_any_protocol_nobody_leads(ctx: Context) -> None:
    (only,) = headlines.night(ctx, "test-2023")
    assert only.contest.id == "mazhilis-list"
    assert only.leaders == () and only.options == ()
    assert only.turnout is None
    assert (only.precincts_reported, only.precincts_expected) == (0, 12)
    assert only.status == "unofficial-partial"


def test_headline_equals_the_contest_results(ctx: Context) -> None:
    who = principals(ctx, "test-2023")
    for precinct, votes in zip(
        PRECINCTS, ((500, 300, 20), (100, 400, 30), (50, 60, 70)), strict=True
    ):
        submit(
            ctx,
            who[precinct],
            protocol(precinct, "mazhilis-list", dict(zip(PARTIES, votes, strict=True))),
        )
    (found,) = headlines.night(ctx, "test-2023")
    answer = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    counts = answer["counts"]
    assert found.precincts_reported == answer["precincts_reported"] == 3
    assert found.turnout == figures.turnout(counts)
    assert [o.id for o in found.leaders] == ["auyl"]  # 760 against amanat's 650
    assert [s.option.id for s in found.options] == ["auyl", "amanat", "respublica"]
    shares = figures.shares("mazhilis-list", counts)
    assert all(s.percent == shares[s.option.id] for s in found.options)
    assert all(s.votes == counts["votes"][s.option.id] for s in found.options)


def test_a_tie_names_both_leaders(ctx: Context) -> None:
    who = principals(ctx, "test-2023")
    precinct = PRECINCTS[0]
    submit(
        ctx,
        who[precinct],
        protocol(precinct, "mazhilis-list", dict(zip(PARTIES, (40, 40, 1), strict=True))),
    )
    (found,) = headlines.night(ctx, "test-2023")
    assert {o.id for o in found.leaders} == {"amanat", "auyl"}


def test_every_election_of_the_day_is_headlined(ctx: Context) -> None:
    """A second election held the same day follows the first; one of another day does not."""
    same_day = small_election_mapping() | {"id": "test-2023-b"}
    other_day = small_election_mapping() | {"id": "test-2024", "date": "2024-03-17"}
    import_election(ctx, election_from_mapping(same_day))
    import_election(ctx, election_from_mapping(other_day))
    assert [h.election.id for h in headlines.night(ctx, "test-2023")] == [
        "test-2023",
        "test-2023-b",
    ]
    assert [h.election.id for h in headlines.night(ctx, "test-2023-b")] == [
        "test-2023-b",
        "test-2023",
    ]
    assert [h.election.id for h in headlines.night(ctx, "test-2024")] == ["test-2024"]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(0, 300), min_size=3, max_size=3))
def test_leaders_have_the_most_votes(
    tmp_path_factory: pytest.TempPathFactory, votes: list[int]
) -> None:
    with imported("sqlite", tmp_path_factory.mktemp("night"), small_election()) as context:
        who = principals(context, "test-2023")
        precinct = PRECINCTS[0]
        submit(
            context,
            who[precinct],
            protocol(precinct, "mazhilis-list", dict(zip(PARTIES, votes, strict=True))),
        )
        (found,) = headlines.night(context, "test-2023")
    most = max(votes)
    expected = {p for p, v in zip(PARTIES, votes, strict=True) if v == most and most > 0}
    assert {o.id for o in found.leaders} == expected
    assert [s.votes for s in found.options] == sorted((v for v in votes if v > 0), reverse=True)
