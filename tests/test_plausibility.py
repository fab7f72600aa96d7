"""Plausible protocols: bounded by the precinct's list, the contests of a precinct agreeing.

A protocol whose own lines add up may still claim a billion voters at a precinct of 1,100;
these tests hold the service (SQLite and PostgreSQL) and the pure relations to the list in
the election definition, the additions the law permits, and the list the contests share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from saylau.law.rules import rules_at
from saylau.plausibility import (
    ADDED_WITHIN_LAW,
    ON_LIST_AS_DEFINED,
    SAME_LIST,
    additions_allowed,
    list_breaks,
    list_disagreements,
    precinct_disagreements,
)
from saylau.protocol import protocol_from_mapping
from saylau.service.auth import Principal
from saylau.service.context import Context
from saylau.service.errors import Problem, Unprocessable
from saylau.service.results import unit_results
from saylau.service.submission import Receipt, approve, check, submit, submit_batch
from saylau.store.tables import CurrentRow, LedgerEntryRow, ProtocolRow
from tests.databases import imported, principals
from tests.elections_fixture import protocol, registered, small_election

P1 = "KZ-71-D01-P0001"  # 1,100 on its list; votes in mazhilis-list and smd-1
P2 = "KZ-71-D01-P0002"  # 1,200
ELECTION = small_election()
DAY = ELECTION.date
SHARE = rules_at(DAY).elections.day_additions_share
BILLION = 10**9


def list_votes(a: int, b: int, c: int) -> dict[str, int]:
    return {"amanat": a, "auyl": b, "respublica": c}


def billion(precinct: str = P1) -> dict[str, Any]:
    """The protocol that took 67 of 69 seats: it adds up, but at a precinct of 1,100."""
    return protocol(precinct, "mazhilis-list", list_votes(BILLION - 200, 100, 100), voters=BILLION)


# --- the pure relations --------------------------------------------------------------------


def test_the_law_holds_the_additions_and_marks_their_bound_open() -> None:
    elections = rules_at(DAY).elections
    assert "absentee certificate" in elections.day_additions
    assert elections.cite("day_additions").source
    citation = elections.cite("day_additions_share")
    assert citation.open and citation.source
    assert 0 < SHARE < 1
    assert elections.one_list_per_precinct is True


def test_additions_allowed_rounds_up_and_scales_with_the_list() -> None:
    assert additions_allowed(0, SHARE) == 0
    assert additions_allowed(1, Fraction(1, 10)) == 1
    assert additions_allowed(1100, Fraction(1, 10)) == 110
    assert additions_allowed(1101, Fraction(1, 10)) == 111


def test_a_billion_voters_breaks_the_list_of_the_definition() -> None:
    inflated = protocol_from_mapping(billion(), ELECTION)
    broken = list_breaks(inflated, ELECTION)
    assert [b.relation for b in broken] == [ON_LIST_AS_DEFINED]
    assert "1,100" in broken[0].rule and "1,000,000,000" in broken[0].found


def test_the_precinct_s_own_list_passes_and_so_do_additions_up_to_the_bound() -> None:
    allowed = additions_allowed(registered(P1), SHARE)
    exact = protocol_from_mapping(protocol(P1, "smd-1", {"c1a": 500, "c1b": 200}), ELECTION)
    assert list_breaks(exact, ELECTION) == []
    full = dataclasses.replace(exact, voters_added=allowed)
    assert list_breaks(full, ELECTION) == []
    over = dataclasses.replace(exact, voters_added=allowed + 1)
    (broken,) = list_breaks(over, ELECTION)
    assert broken.relation == ADDED_WITHIN_LAW
    assert "open point" in broken.rule and "absentee" in broken.rule
    assert broken.found == (
        f"voters_added {allowed + 1:,} > 10 % of precinct_list {registered(P1):,} rounded up "
        f"({allowed:,})"
    )
    assert broken.field == "voters_added"


def test_a_list_smaller_than_the_definition_s_is_refused_too() -> None:
    """Fewer voters on the list would raise the turnout a referendum's validity depends on."""
    shrunk = protocol_from_mapping(protocol(P1, "smd-1", {"c1a": 5, "c1b": 2}, voters=10), ELECTION)
    assert [b.relation for b in list_breaks(shrunk, ELECTION)] == [ON_LIST_AS_DEFINED]


def test_contests_of_one_precinct_must_share_their_list() -> None:
    mapping = protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=5)
    listed = protocol_from_mapping(mapping, ELECTION)
    district = protocol_from_mapping(
        protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=5), ELECTION
    )
    assert list_disagreements(listed, {"smd-1": [district]}, DAY) == []
    other = dataclasses.replace(district, voters_added=6)
    (broken,) = list_disagreements(listed, {"smd-1": [other]}, DAY)
    assert broken.relation == SAME_LIST and "one_list_per_precinct" in broken.rule
    assert "smd-1: voters_on_list 1,100, voters_added 6" in broken.found
    # one candidate agreeing is enough (a correction that will settle it)
    assert list_disagreements(listed, {"smd-1": [other, district]}, DAY) == []
    assert list_disagreements(listed, {"smd-1": []}, DAY) == []
    found = precinct_disagreements([listed, other], DAY)
    assert [(precinct, b.relation) for precinct, b in found] == [(P1, SAME_LIST)]
    assert precinct_disagreements([listed, district], DAY) == []


# --- the service, on SQLite and PostgreSQL ---------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    with imported(request.param, tmp_path, small_election()) as context:
        yield context


@pytest.fixture
def who(ctx: Context) -> dict[str, Principal]:
    return principals(ctx, "test-2023")


def stored(ctx: Context) -> tuple[int, int]:
    with ctx.sessions() as session:
        rows = session.scalar(select(func.count()).select_from(ProtocolRow))
        leaves = session.scalar(select(func.count()).select_from(LedgerEntryRow))
    return int(rows or 0), int(leaves or 0)


def relations(error: pytest.ExceptionInfo[Unprocessable]) -> list[str]:
    return [b["relation"] for b in error.value.extra["broken"]]


def test_the_billion_voter_protocol_is_refused_and_changes_nothing(
    ctx: Context, who: dict[str, Principal]
) -> None:
    before = stored(ctx)
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who[P1], billion())
    assert relations(err) == [ON_LIST_AS_DEFINED]
    (broken,) = err.value.extra["broken"]
    assert broken["rule"] and "1,000,000,000" in broken["found"]
    assert stored(ctx) == before
    national = unit_results(ctx, "test-2023", "mazhilis-list", "KZ")
    assert national["precincts_reported"] == 0


def test_additions_beyond_the_law_are_refused(ctx: Context, who: dict[str, Principal]) -> None:
    allowed = additions_allowed(registered(P2), SHARE)
    document = protocol(P2, "smd-1", {"c1a": 600, "c1b": 500}, voters_added=allowed + 1)
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who[P2], document)
    assert relations(err) == [ADDED_WITHIN_LAW]
    document["voters_added"] = allowed
    assert submit(ctx, who[P2], document).status == "accepted"


def test_a_contest_disagreeing_with_the_accepted_one_is_refused(
    ctx: Context, who: dict[str, Principal]
) -> None:
    first = protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=5)
    assert submit(ctx, who[P1], first).status == "accepted"
    before = stored(ctx)
    other = protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=4)
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who[P1], other)
    assert relations(err) == [SAME_LIST]
    assert (
        "mazhilis-list: voters_on_list 1,100, voters_added 5"
        in err.value.extra["broken"][0]["found"]
    )
    assert stored(ctx) == before
    other["voters_added"] = 5
    assert submit(ctx, who[P1], other).status == "accepted"


def test_the_check_endpoint_tells_a_list_that_disagrees_with_another_contest(
    ctx: Context, who: dict[str, Principal]
) -> None:
    first = protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=5)
    assert submit(ctx, who[P1], first).status == "accepted"
    before = stored(ctx)
    other = protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=4)
    with pytest.raises(Unprocessable) as err:
        check(ctx, who[P1], other)
    assert relations(err) == [SAME_LIST]
    other["voters_added"] = 5
    assert check(ctx, who[P1], other)["status"] == "acceptable"
    assert stored(ctx) == before


def test_contests_in_one_batch_are_checked_against_each_other(
    ctx: Context, who: dict[str, Principal]
) -> None:
    region = who["KZ-71"]
    disagreeing = [
        (protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=2), None),
        (protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=3), None),
        (protocol(P2, "smd-1", {"c1a": 300, "c1b": 100}), None),
    ]
    answers = submit_batch(ctx, region, disagreeing)
    assert [a.status for a in answers] == [422, 422, "accepted"]
    for answer in answers[:2]:
        assert isinstance(answer, Problem)
        assert [b["relation"] for b in answer.extra["broken"]] == [SAME_LIST]
    agreeing = [
        (protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=3), None),
        (protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=3), None),
    ]
    assert [a.status for a in submit_batch(ctx, region, agreeing)] == ["accepted"] * 2


def test_a_repeat_of_a_refused_first_is_refused_too(
    ctx: Context, who: dict[str, Principal]
) -> None:
    """A commission that sends the same protocol twice (a retry, or two clicks) gets the same
    refusal twice: the repeat is not stored as the first of its contest."""
    first = protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=5)
    assert submit(ctx, who[P1], first).status == "accepted"
    before = stored(ctx)
    other = protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=4)
    answers = submit_batch(ctx, who[P1], [(other, None), (dict(other), None)])
    assert [a.status for a in answers] == [422, 422]
    assert all(
        isinstance(a, Problem) and [b["relation"] for b in a.extra["broken"]] == [SAME_LIST]
        for a in answers
    )
    assert stored(ctx) == before


def test_rival_firsts_in_one_batch_never_store_two_lists(
    ctx: Context, who: dict[str, Principal]
) -> None:
    """Each contest sent twice, once per list: whatever the order, the firsts that count agree."""
    region = who["KZ-71"]
    items = [
        (protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=5), None),
        (protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=50), None),
        (protocol(P1, "smd-1", {"c1a": 300, "c1b": 100}, voters_added=5), None),
        (protocol(P1, "mazhilis-list", list_votes(300, 100, 50), voters_added=50), None),
    ]
    answers = submit_batch(ctx, region, items)
    assert [a.status for a in answers] == [422, 422, 409, 409]
    with ctx.sessions() as session:
        counted = session.scalars(
            select(ProtocolRow.payload)
            .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
            .where(ProtocolRow.precinct == P1)
        ).all()
    assert counted == []


def test_corrections_are_held_to_the_same_bounds(ctx: Context, who: dict[str, Principal]) -> None:
    votes = list_votes(300, 100, 50)
    submit(ctx, who[P1], protocol(P1, "mazhilis-list", votes))
    submit(ctx, who[P1], protocol(P1, "smd-1", {"c1a": 300, "c1b": 150}))
    before = stored(ctx)
    reason = "recount"
    with pytest.raises(Unprocessable) as err:
        submit(ctx, who[P1], billion(), reason=reason)
    assert relations(err) == [ON_LIST_AS_DEFINED]
    with pytest.raises(Unprocessable) as err:
        submit(
            ctx, who[P1], protocol(P1, "smd-1", {"c1a": 300, "c1b": 150}, voters_added=1), reason
        )
    assert relations(err) == [SAME_LIST]
    assert stored(ctx) == before


def test_a_list_corrected_in_every_contest_settles_one_approval_at_a_time(
    ctx: Context, who: dict[str, Principal]
) -> None:
    """Both contests' corrections wait for each other; the approvals then leave them agreeing."""
    submit(ctx, who[P1], protocol(P1, "mazhilis-list", list_votes(300, 100, 50)))
    submit(ctx, who[P1], protocol(P1, "smd-1", {"c1a": 300, "c1b": 150}))
    reason = "two voters with absentee certificates were left out"
    fixed_list = protocol(P1, "mazhilis-list", list_votes(301, 101, 50), voters_added=2)
    fixed_smd = protocol(P1, "smd-1", {"c1a": 301, "c1b": 151}, voters_added=2)
    answers = submit_batch(ctx, who[P1], [(fixed_list, reason), (fixed_smd, reason)])
    assert all(isinstance(a, Receipt) for a in answers), answers
    receipts = [a for a in answers if isinstance(a, Receipt)]
    assert [r.status for r in receipts] == ["correction-pending"] * 2
    district = who["KZ-71-D01"]
    assert approve(ctx, district, receipts[0].protocol_id).status == "correction-approved"
    assert approve(ctx, district, receipts[1].protocol_id).status == "correction-approved"
    list_total = unit_results(ctx, "test-2023", "mazhilis-list", P1)["counts"]
    smd_total = unit_results(ctx, "test-2023", "smd-1", P1)["counts"]
    for counts in (list_total, smd_total):
        assert (counts["voters_on_list"], counts["voters_added"]) == (registered(P1), 2)


def test_an_approval_may_not_leave_the_contests_disagreeing(
    ctx: Context, who: dict[str, Principal]
) -> None:
    """Of two rival smd-1 corrections, only the one sharing the approved list can follow."""
    submit(ctx, who[P1], protocol(P1, "mazhilis-list", list_votes(300, 100, 50)))
    submit(ctx, who[P1], protocol(P1, "smd-1", {"c1a": 300, "c1b": 150}))
    reason = "recount"
    fixed_list = protocol(P1, "mazhilis-list", list_votes(301, 100, 50), voters_added=1)
    fixed_smd = protocol(P1, "smd-1", {"c1a": 301, "c1b": 150}, voters_added=1)
    answers = submit_batch(ctx, who[P1], [(fixed_list, reason), (fixed_smd, reason)])
    pending = [a for a in answers if isinstance(a, Receipt)]
    assert len(pending) == 2
    rival = submit(ctx, who[P1], protocol(P1, "smd-1", {"c1a": 302, "c1b": 150}), reason)
    assert rival.status == "correction-pending"  # agrees with the list as it stands
    district = who["KZ-71-D01"]
    approve(ctx, district, pending[0].protocol_id)  # the list is now 1,100 + 1
    before = stored(ctx)
    with pytest.raises(Unprocessable) as err:
        approve(ctx, district, rival.protocol_id)
    assert relations(err) == [SAME_LIST]
    assert stored(ctx) == before
    assert unit_results(ctx, "test-2023", "smd-1", P1)["counts"]["votes"]["c1a"] == 300
    assert approve(ctx, district, pending[1].protocol_id).status == "correction-approved"
