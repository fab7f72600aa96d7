"""Outcomes of every contest kind on constructed cases, each rule exercised at its edge."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.model import BadInput, parse_contest
from saylau.outcome import decide, to_json
from saylau.outcome.records import Tie


def contest(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "registered": 1000,
        "participated": 800,
        "invalid": 0,
        "against_all": 0,
    }
    return base | fields


def run(**fields: Any) -> Any:
    return decide(parse_contest(contest(**fields)))


# --- President -------------------------------------------------------------------------


def test_president_needs_more_than_half_not_half() -> None:
    exactly_half = run(
        kind="presidential", date="2019-06-09", options={"A": 400, "B": 300, "C": 100}
    )
    assert exactly_half.status == "runoff" and exactly_half.runoff == ("A", "B")
    above = run(kind="presidential", date="2019-06-09", options={"A": 401, "B": 299, "C": 100})
    assert above.status == "elected" and above.winner == "A"


def test_invalid_ballots_leave_the_base_against_all_stays() -> None:
    # 790 valid of 800: A's 396 is more than half of 790 only if invalid ballots leave the base
    out = run(
        kind="presidential",
        date="2022-11-20",
        invalid=10,
        against_all=100,
        options={"A": 396, "B": 294},
    )
    assert out.status == "elected"
    # against all stays in the base: 350 of 800 is not a majority, though 350 > 700/2
    out = run(
        kind="presidential",
        date="2022-11-20",
        against_all=100,
        options={"A": 350, "B": 340, "C": 10},
    )
    assert out.status == "runoff" and out.runoff == ("A", "B")


def test_against_all_majority_is_no_rerun_but_a_runoff() -> None:
    out = run(
        kind="presidential",
        date="2022-11-20",
        against_all=500,
        options={"A": 200, "B": 100},
    )
    assert out.status == "runoff" and out.runoff == ("A", "B")


def test_tie_for_the_runoff_is_reported() -> None:
    out = run(kind="presidential", date="2019-06-09", options={"A": 300, "B": 250, "C": 250})
    assert out.runoff is None and out.tie == Tie(frozenset({"B", "C"}), 1)


def test_second_round_more_votes_wins() -> None:
    out = run(kind="presidential", date="2019-06-09", round=2, options={"A": 390, "B": 410})
    assert (out.status, out.winner) == ("elected", "B")


def test_unknown_invalid_is_fine_when_it_cannot_matter() -> None:
    out = run(kind="presidential", date="2019-06-09", invalid=None, options={"A": 700, "B": 90})
    assert out.status == "elected"


def test_unknown_invalid_is_named_when_it_decides() -> None:
    with pytest.raises(BadInput) as err:
        run(kind="presidential", date="2019-06-09", invalid=None, options={"A": 390, "B": 350})
    assert err.value.field == "invalid"


def test_against_all_before_2021_is_bad_input() -> None:
    with pytest.raises(BadInput) as err:
        run(kind="presidential", date="2019-06-09", against_all=5, options={"A": 700})
    assert err.value.field == "against_all" and "2021-05-24" in str(err.value)


# --- Party lists -----------------------------------------------------------------------


def test_threshold_is_inclusive_at_the_boundary() -> None:
    # 5 % of 1000 valid votes is exactly 50
    out = run(
        kind="mazhilis-list",
        date="2023-03-19",
        participated=1000,
        options={"A": 700, "B": 250, "C": 50},
    )
    assert "C" in out.passed_threshold
    out = run(
        kind="mazhilis-list",
        date="2023-03-19",
        participated=1000,
        options={"A": 701, "B": 250, "C": 49},
    )
    assert "C" not in out.passed_threshold and out.seats["C"] == 0


def test_against_all_counts_in_the_threshold_base() -> None:
    # C has 52 of 1000 valid votes incl. against all (5.2 %) but 52/960 of party votes too:
    # with 100 against all the base grows to 1000 and C at 49 falls below 5 %
    out = run(
        kind="mazhilis-list",
        date="2023-03-19",
        participated=1000,
        against_all=100,
        options={"A": 600, "B": 251, "C": 49},
    )
    assert out.threshold_base_votes == 1000 and "C" not in out.passed_threshold


def test_mazhilis_seats_come_from_the_law() -> None:
    out = run(kind="mazhilis-list", date="2016-03-20", options={"A": 500, "B": 300})
    assert sum(out.seats.values()) == 98
    with pytest.raises(BadInput) as err:
        run(kind="mazhilis-list", date="2016-03-20", seats=107, options={"A": 500, "B": 300})
    assert err.value.field == "seats" and "98" in str(err.value)


def test_2007_rules_give_one_party_every_list_seat() -> None:
    out = run(kind="mazhilis-list", date="2007-08-18", options={"Nur Otan": 700, "B": 50, "C": 40})
    assert out.seats == {"Nur Otan": 98, "B": 0, "C": 0}
    assert out.admitted_by_second_party_rule is None


def test_second_party_rule_admits_the_runner_up() -> None:
    out = run(kind="mazhilis-list", date="2012-01-15", options={"A": 760, "B": 40, "C": 0})
    assert out.admitted_by_second_party_rule == "B"
    assert out.seats["B"] >= 2 and sum(out.seats.values()) == 98
    assert "second_party_factor" in " ".join(c.parameter for c in out.reasons.cited)


def test_equal_remainders_go_to_the_party_registered_earlier() -> None:
    fields: dict[str, Any] = {
        "kind": "maslikhat-list",
        "date": "2021-01-10",
        "seats": 2,
        "participated": 400,
        "options": {"A": 200, "B": 100, "C": 100},
    }
    # quotas: A 1, B 0.5, C 0.5: A gets one seat, the other goes to B or C on equal remainders
    tied = run(**fields)
    assert tied.tie is not None and tied.tie.options == {"B", "C"}
    settled = run(**fields, registration_order=["C", "A", "B"])
    assert settled.tie is None and settled.seats["C"] == 1 and settled.seats["B"] == 0


def test_kurultai_allocates_145_seats_under_5_percent() -> None:
    votes = {"A": 4_100_000, "B": 900_000, "C": 700_000, "D": 400_000, "E": 290_000, "F": 50_000}
    out = run(
        kind="kurultai-list",
        date="2026-08-23",
        registered=12_400_000,
        participated=6_600_000,
        invalid=60_000,
        against_all=100_000,
        options=votes,
    )
    assert sum(out.seats.values()) == 145
    valid = sum(votes.values()) + 100_000
    for name, count in votes.items():
        assert (out.seats[name] > 0) == (count * 20 >= valid), name
    assert out.threshold == Fraction(1, 20) and to_json(out)["threshold"] == "5 %"


@pytest.mark.parametrize(
    ("kind", "date", "named"),
    [
        ("kurultai-list", "2023-03-19", "from 2026-07-01"),
        ("mazhilis-list", "2026-08-23", "until 2026-06-30"),
        ("senate", "2027-06-01", "until 2026-06-30"),
    ],
)
def test_institution_that_did_not_exist_is_bad_input(kind: str, date: str, named: str) -> None:
    with pytest.raises(BadInput) as err:
        run(kind=kind, date=date, seats=145, options={"A": 500, "B": 300})
    assert err.value.field == "kind" and named in str(err.value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=9).filter(lambda v: sum(v) > 0))
def test_list_seats_always_sum_to_the_tier(votes: list[int]) -> None:
    options = {f"P{i}": v for i, v in enumerate(votes)}
    out = run(
        kind="mazhilis-list",
        date="2023-03-19",
        registered=10**6,
        participated=sum(votes),
        options=options,
    )
    given_seats = sum(out.seats.values()) + (out.tie.seats if out.tie else 0)
    assert given_seats == 69 or not out.passed_threshold
    seated = set(out.passed_threshold) | {out.admitted_by_second_party_rule}
    assert all(out.seats[p] == 0 for p in options if p not in seated)


# --- Single-member districts and akims -------------------------------------------------


def test_single_member_plurality_against_all_never_wins() -> None:
    out = run(
        kind="single-member",
        date="2023-03-19",
        against_all=400,
        options={"A": 200, "B": 150},
    )
    assert (out.status, out.winner) == ("elected", "A")


def test_single_member_tie_reads_as_repeat_with_open_mark() -> None:
    out = run(kind="single-member", date="2023-03-19", options={"A": 200, "B": 200})
    assert out.status == "repeat" and out.tie == Tie(frozenset({"A", "B"}), 1)
    assert "open point" in out.reasons.text


def test_single_member_mazhilis_districts_did_not_exist_in_2016() -> None:
    with pytest.raises(BadInput) as err:
        run(kind="single-member", date="2016-03-20", options={"A": 200})
    assert err.value.field == "date"


def test_akim_levels_follow_the_dates() -> None:
    assert run(kind="akim", date="2021-07-25", options={"A": 300, "B": 200}).winner == "A"
    with pytest.raises(BadInput) as err:
        run(kind="akim", date="2021-07-25", level="district", options={"A": 300})
    assert err.value.field == "level"
    assert (
        run(kind="akim", date="2023-11-05", level="district", options={"A": 1, "B": 2}).winner
        == "B"
    )
    with pytest.raises(BadInput):
        run(kind="akim", date="2023-11-05", level="regional", options={"A": 300})
    with pytest.raises(BadInput):
        run(kind="akim", date="2019-06-09", options={"A": 300})


# --- Senate ----------------------------------------------------------------------------


def test_senate_quorum_majority_and_runoff() -> None:
    base = {"kind": "senate", "date": "2023-01-14", "registered": 200, "invalid": 0}
    out = run(**base, participated=100, options={"A": 90, "B": 10})
    assert out.status == "invalid"
    out = run(**base, participated=180, options={"A": 91, "B": 80, "C": 9})
    assert (out.status, out.winner) == ("elected", "A")
    out = run(**base, participated=180, options={"A": 90, "B": 80, "C": 10})
    assert out.status == "runoff" and out.runoff == ("A", "B")


# --- Referendums -----------------------------------------------------------------------


def region(participated: int, yes: int) -> dict[str, Any]:
    return {
        "registered": participated * 2 - 1,
        "participated": participated,
        "invalid": 0,
        "against_all": 0,
        "options": {"yes": yes, "no": participated - yes},
    }


def test_ordinary_question_national_majority() -> None:
    fields = {"kind": "referendum", "date": "2024-10-06", "question_type": "ordinary"}
    assert run(**fields, options={"yes": 401, "no": 399}).adopted is True
    assert run(**fields, options={"yes": 400, "no": 400}).adopted is False
    invalid = run(**fields, participated=500, options={"yes": 450, "no": 50})
    assert (invalid.valid, invalid.adopted) == (False, False)


def test_constitutional_question_counts_regions() -> None:
    # 20 units on 2026-03-15: two-thirds needs 14; the nation is the sum of its units
    regions = {f"R{i}": region(100, 60 if i < 14 else 40) for i in range(20)}
    fields = {"kind": "referendum", "date": "2026-03-15", "question_type": "constitution"}
    out = run(
        **fields,
        options={"yes": 1080, "no": 920},
        participated=2000,
        registered=3980,
        regions=regions,
    )
    assert out.adopted is True and out.units.needed == 14
    regions["R13"] = region(100, 50)
    out = run(
        **fields,
        options={"yes": 1070, "no": 930},
        participated=2000,
        registered=3980,
        regions=regions,
    )
    assert out.adopted is False


def test_constitutional_question_partial_regions_stays_undecided() -> None:
    regions = {f"R{i}": region(100, 60) for i in range(10)}
    out = run(
        kind="referendum",
        date="2026-03-15",
        question_type="constitution",
        options={"yes": 900, "no": 600},
        participated=1600,
        registered=3000,
        regions=regions,
    )
    assert out.adopted is None and out.units.unknown == 10


def test_referendum_question_type_is_required() -> None:
    with pytest.raises(BadInput) as err:
        run(kind="referendum", date="2024-10-06", options={"yes": 401, "no": 399})
    assert err.value.field == "question_type"
