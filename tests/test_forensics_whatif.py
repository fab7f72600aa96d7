"""What-if: the Mazhilis of 2021 and 2023 re-decided under each other's law, rule-set overlays,
and the seat Monte-Carlo.

The seats under another law are cross-checked with votelib 0.4.0 (an independent implementation
of the largest remainder in exact fractions), fed with the threshold applied here in exact
integers to the base the law data names (votelib's own relative threshold drops a list exactly
at the boundary)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from votelib.evaluate.proportional import HighestAverages, LargestRemainder

from saylau.forensics import seats_montecarlo as mc
from saylau.forensics.whatif import RuleSetError, parse_rule_set, rules_on, to_document, what_if
from saylau.law import rules_at
from saylau.model import BadInput, Contest, Kind, parse_contest
from saylau.outcome import decide
from saylau.outcome.records import ListOutcome
from tests.conftest import SHARED_DATA, load_case

DAY_2021 = dt.date(2021, 1, 10)
DAY_2023 = dt.date(2023, 3, 19)


def official(name: str) -> tuple[Contest, dict[str, Any]]:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} (the official figures beside the repository) is absent")
    case = load_case(path)
    published = case.pop("official")
    case.pop("source")
    return parse_contest(case), published


def votelib_seats(contest: Contest, day: dt.date, against_all_counted: bool) -> dict[str, int]:
    """The list seats under the law of ``day``, computed apart from Saylau's engine."""
    law = rules_at(day).mazhilis
    assert law is not None and law.threshold_base == "valid_votes"
    assert law.allocation_method == "largest_remainder_hare"
    base = contest.option_votes + (contest.against_all or 0) * against_all_counted
    share = law.list_threshold
    passed = {
        name: votes
        for name, votes in contest.options.items()
        if votes * share.denominator >= share.numerator * base
    }
    seats = LargestRemainder("hare").evaluate(passed, law.list_seats)
    return {name: int(seats.get(name, 0)) for name in contest.options}


def test_2021_under_the_2023_law_gives_the_seats_an_independent_count_gives() -> None:
    contest, published = official("mazhilis-2021.json")
    result = what_if(contest, rules_on(DAY_2023))
    assert {s.option: s.actual for s in result.seats} == published["seats"] | {
        name: 0 for name in contest.options if name not in published["seats"]
    }
    expected = votelib_seats(contest, DAY_2023, against_all_counted=True)
    assert {s.option: s.what_if for s in result.seats} == expected
    assert sum(expected.values()) == rules_at(DAY_2023).mazhilis.list_seats  # type: ignore[union-attr]
    assert expected["Auyl"] > 0  # 5.3 % passes 5 %, not 7 %: the lower threshold shows
    assert {c.parameter for c in result.changes} >= {
        "mazhilis.list_threshold",
        "mazhilis.list_seats",
        "elections.against_all_on_ballot",
    }
    assert result.against_all_left_out == 0


def test_2023_under_the_2021_law_leaves_against_all_out_and_matches_an_independent_count() -> None:
    contest, published = official("mazhilis-2023.json")
    result = what_if(contest, rules_on(DAY_2021))
    assert {s.option: s.actual for s in result.seats} == published["seats"]
    expected = votelib_seats(contest, DAY_2021, against_all_counted=False)
    assert {s.option: s.what_if for s in result.seats} == expected
    assert result.against_all_left_out == contest.against_all
    assert expected["OSDP"] == 0  # 5.2 % of the votes misses 7 %
    for change in result.seats:
        assert change.difference == change.what_if - change.actual


def list_contest(day: dt.date, votes: list[int], against_all: int) -> Contest:
    on_ballot = rules_at(day).elections.against_all_on_ballot
    options = {f"List {index}": count for index, count in enumerate(votes)}
    cast = sum(votes) + (against_all if on_ballot else 0)
    return parse_contest(
        {
            "kind": "mazhilis-list",
            "date": day.isoformat(),
            "registered": cast * 2 + 10,
            "participated": cast + 10,
            "invalid": 10,
            "against_all": against_all if on_ballot else None,
            "options": options,
        }
    )


contests = st.builds(
    list_contest,
    st.sampled_from([dt.date(2016, 3, 20), DAY_2021, DAY_2023]),
    st.lists(st.integers(0, 2_000_000), min_size=2, max_size=8).filter(lambda v: sum(v) > 0),
    st.integers(0, 300_000),
)


@settings(max_examples=60, deadline=None)
@given(contests)
def test_under_its_own_dates_law_the_what_if_is_the_outcome(contest: Contest) -> None:
    try:
        actual = decide(contest)
    except BadInput:
        return  # undecidable counts (e.g. nobody passes and nobody to share): nothing to compare
    result = what_if(contest, rules_on(contest.date))
    assert result.what_if == actual
    assert all(change.difference == 0 for change in result.seats)
    assert result.changes == ()
    own = rules_at(contest.date).mazhilis
    assert own is not None
    same = "\n".join(
        [
            "title: the law restated",
            "parameters:",
            f"  mazhilis.list_threshold: {float(own.list_threshold * 100)}",
        ]
    )
    restated = what_if(contest, parse_rule_set(same, "same.yaml", contest.date))
    assert isinstance(restated.what_if, ListOutcome) and isinstance(actual, ListOutcome)
    assert restated.what_if.seats == actual.seats


def test_a_rule_set_patches_a_clone_and_names_its_source() -> None:
    contest, _ = official("mazhilis-2023.json")
    text = (
        "title: D'Hondt at 3 %\nparameters:\n"
        "  mazhilis.allocation_method: dhondt\n  mazhilis.list_threshold: 3\n"
    )
    rule_set = parse_rule_set(text, "reform.yaml", contest.date)
    result = what_if(contest, rule_set)
    assert rule_set.rules.mazhilis is not None
    assert rule_set.rules.mazhilis.list_threshold == Fraction(3, 100)
    assert "D'Hondt at 3 %" in rule_set.rules.mazhilis.cite("allocation_method").source
    law = rules_at(contest.date).mazhilis
    assert law is not None and law.allocation_method == "largest_remainder_hare"  # untouched
    assert law.list_threshold == Fraction(5, 100)
    assert sum(s.what_if for s in result.seats) == law.list_seats
    assert [c.parameter for c in result.changes] == [
        "mazhilis.list_threshold",
        "mazhilis.allocation_method",
    ]


def test_a_seat_split_keeps_the_chamber_adding_up() -> None:
    contest, _ = official("mazhilis-2023.json")
    split = "parameters:\n  mazhilis.list_seats: 49\n  mazhilis.single_member_seats: 49\n"
    result = what_if(contest, parse_rule_set(split, "split.yaml", contest.date))
    assert sum(s.what_if for s in result.seats) == 49
    assert result.what_if_rules.rules.mazhilis.total_seats == 98  # type: ignore[union-attr]
    wrong = split + "  mazhilis.total_seats: 100\n"
    with pytest.raises(RuleSetError) as refused:
        parse_rule_set(wrong, "split.yaml", contest.date)
    assert refused.value.field == "parameters.mazhilis.total_seats"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("parameters:\n  mazhilis.list_treshold: 5\n", "parameters.mazhilis.list_treshold"),
        (
            "parameters:\n  mazhilis.allocation_method: borda\n",
            "parameters.mazhilis.allocation_method",
        ),
        ("parameters:\n  mazhilis.list_threshold: high\n", "parameters.mazhilis.list_threshold"),
        ("parameters:\n  mazhilis.list_threshold: 120\n", "parameters.mazhilis.list_threshold"),
        ("parameters:\n  mazhilis.list_seats: -3\n", "parameters.mazhilis.list_seats"),
        (
            "parameters:\n  elections.against_all_on_ballot: maybe\n",
            "parameters.elections.against_all_on_ballot",
        ),
        ("parameters:\n  parliament.seats: 5\n", "parameters.parliament.seats"),
        ("treshold: 5\n", "treshold"),
        ("parameters: {}\n", "parameters"),
        ("rules_on: 19.03.2023\nparameters:\n  mazhilis.list_seats: 50\n", "rules_on"),
    ],
)
def test_a_bad_rule_set_is_refused_with_its_field(text: str, field: str) -> None:
    with pytest.raises(RuleSetError) as refused:
        parse_rule_set(text, "bad.yaml", DAY_2023)
    assert refused.value.field == field


def test_with_no_uncertainty_the_monte_carlo_is_the_outcome_as_a_point_mass() -> None:
    for name in ("mazhilis-2021.json", "mazhilis-2023.json"):
        contest, _ = official(name)
        outcome = decide(contest)
        assert isinstance(outcome, ListOutcome)
        result = mc.simulate(mc.from_contest(contest), draws=500, seed=1)
        assert result.undecided_draws == 0
        for party in result.parties:
            seats = outcome.seats[party.option]
            assert party.probability[seats] == 1.0
            assert party.low == party.high == seats
            assert party.passes_threshold == float(party.option in outcome.passed_threshold)


def synthetic_count(contest: Contest, reported_share: float, seed: int) -> mc.CountInProgress:
    """Precincts whose reported part adds up to shares like the contest's."""
    rng = np.random.default_rng(seed)
    size = 2000
    shares = np.array([contest.against_all or 0, *contest.options.values()], dtype=float)
    voters = rng.integers(300, 3000, size)
    took_part = rng.binomial(voters, 0.55)
    invalid = rng.binomial(took_part, 0.02)
    split = rng.multinomial(took_part - invalid, shares / shares.sum())
    return mc.CountInProgress(
        contest=contest,
        region=np.array([f"R{i % 17}" for i in range(size)]),
        voters=voters,
        reported=rng.random(size) < reported_share,
        participated=took_part,
        invalid=invalid,
        against_all=split[:, 0],
        votes=split[:, 1:],
    )


def totals_of(count: mc.CountInProgress) -> Contest:
    import dataclasses

    done = count.reported
    return dataclasses.replace(
        count.contest,
        registered=int(count.voters.sum()),
        participated=int(count.participated[done].sum()),
        invalid=int(count.invalid[done].sum()),
        against_all=int(count.against_all[done].sum()),
        options=dict(
            zip(count.contest.options, count.votes[done].sum(axis=0).tolist(), strict=True)
        ),
    )


def test_everything_reported_and_no_error_is_a_point_mass_on_the_deterministic_seats() -> None:
    contest, _ = official("mazhilis-2023.json")
    count = synthetic_count(contest, 1.0, seed=5)
    outcome = decide(totals_of(count))
    assert isinstance(outcome, ListOutcome)
    result = mc.simulate(count, draws=300, seed=2)
    assert result.precincts_pending == 0
    assert {p.option: (p.low, p.high) for p in result.parties} == {
        name: (seats, seats) for name, seats in outcome.seats.items()
    }


def test_pending_precincts_and_errors_spread_the_seats_reproducibly() -> None:
    contest, _ = official("mazhilis-2023.json")
    count = synthetic_count(contest, 0.3, seed=6)
    first = mc.simulate(count, draws=200, seed=9, error=0.02)
    again = mc.simulate(count, draws=200, seed=9, error=0.02)
    other = mc.simulate(count, draws=200, seed=10, error=0.02)
    assert first == again
    assert first != other
    assert first.precincts_pending == int((~count.reported).sum()) > 0
    for party in first.parties:
        assert abs(sum(party.probability) - 1) < 1e-9
        assert party.low <= party.mean <= party.high
    seats = contest_seats = rules_at(DAY_2023).mazhilis.list_seats  # type: ignore[union-attr]
    means = sum(p.mean for p in first.parties)
    assert means == pytest.approx(contest_seats, abs=1e-9) and seats == 69


def test_the_monte_carlo_refuses_a_contest_that_is_not_a_list() -> None:
    contest = parse_contest(
        {
            "kind": "single-member",
            "date": "2023-03-19",
            "registered": 100,
            "participated": 50,
            "invalid": 0,
            "against_all": 0,
            "options": {"A": 30, "B": 20},
        }
    )
    with pytest.raises(BadInput) as refused:
        mc.simulate(mc.from_contest(contest), draws=10, seed=1)
    assert refused.value.field == "kind"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saylau", "whatif", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_prints_a_stable_document_and_refuses_bad_input(tmp_path: Path) -> None:
    contest, _ = official("mazhilis-2021.json")
    case = load_case(SHARED_DATA / "mazhilis-2021.json")
    case.pop("official")
    case.pop("source")
    file = tmp_path / "contest.json"
    file.write_text(json.dumps(case), encoding="utf-8")
    done = run_cli(str(file), "--rules-on", "2023-03-19", "--monte-carlo", "50", "--seed", "3")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document) == [
        "kind",
        "date",
        "actual_rules",
        "what_if_rules",
        "changes",
        "against_all_left_out",
        "seats",
        "actual",
        "what_if",
        "monte_carlo",
    ]
    assert document == to_document(what_if(contest, rules_on(DAY_2023))) | {
        "monte_carlo": document["monte_carlo"]
    }
    party = document["monte_carlo"]["what_if"]["parties"][0]
    assert list(party) == ["option", "distribution", "interval_5_95", "mean", "passes_threshold"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters:\n  mazhilis.allocation_method: borda\n", encoding="utf-8")
    for args in (
        (str(file), "--rules", str(bad)),
        (str(file), "--rules-on", "10.01.2021"),
        (str(file), "--rules-on", "1990-01-01"),
        (str(file), "--monte-carlo", "-1"),
        (str(tmp_path / "missing.json"),),
    ):
        refused = run_cli(*args)
        assert refused.returncode == 2, args
        assert refused.stdout == ""
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "allocation_method" in run_cli(str(file), "--rules", str(bad)).stderr


def test_a_candidates_contest_is_re_decided_or_refused_with_the_law_it_lacks() -> None:
    contest = parse_contest(
        {
            "kind": "single-member",
            "date": "2023-03-19",
            "body": "mazhilis",
            "registered": 100,
            "participated": 60,
            "invalid": 0,
            "against_all": 31,
            "options": {"A": 20, "B": 9},
        }
    )
    without = "parameters:\n  elections.against_all_on_ballot: false\n"
    result = what_if(contest, parse_rule_set(without, "no-against-all.yaml", DAY_2023))
    assert result.kind is Kind.SINGLE_MEMBER
    assert result.against_all_left_out == 31
    assert {s.option: (s.actual, s.what_if) for s in result.seats} == {"A": (1, 1), "B": (0, 0)}
    assert [c.parameter for c in result.changes] == ["elections.against_all_on_ballot"]
    with pytest.raises(BadInput) as refused:
        what_if(contest, rules_on(DAY_2021))  # no single-member Mazhilis districts in 2021
    assert refused.value.field == "date"


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([dt.date(2016, 3, 20), DAY_2021, DAY_2023]),
    st.integers(2, 8),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["largest_remainder_hare", "dhondt", "sainte_lague"]),
)
def test_every_draw_is_decided_as_the_exact_engine_decides_it(
    day: dt.date, lists: int, seed: int, method: str
) -> None:
    """The batch allocation of the Monte-Carlo against the exact engine, one draw at a time,
    on totals near the threshold and on small counts where remainders tie."""
    rng = np.random.default_rng(seed)
    contest = list_contest(day, [1] * lists, 0)
    names = list(contest.options)
    contest = dataclasses.replace(contest, registration_order=tuple(rng.permutation(names)))
    overlay = f"parameters:\n  mazhilis.allocation_method: {method}\n"
    law = parse_rule_set(overlay, "method.yaml", day).rules
    scale = int(rng.choice([30, 100_000]))
    votes = rng.multinomial(scale * lists, rng.dirichlet(np.ones(lists)), size=60)
    against = rng.integers(0, scale, size=(60, 1)) * law.elections.against_all_on_ballot
    invalid = rng.integers(0, scale, size=(60, 1))
    totals = np.hstack([invalid, against, votes])
    participated = totals.sum(axis=1)
    drawn = mc.seats_of_draws(contest, law, totals, participated)
    checked = 0
    for row in range(totals.shape[0]):
        exact = dataclasses.replace(
            contest,
            invalid=int(totals[row, 0]),
            against_all=int(totals[row, 1]) if law.elections.against_all_on_ballot else None,
            participated=int(participated[row]),
            registered=int(participated[row]) * 2,
            options=dict(zip(names, totals[row, 2:].tolist(), strict=True)),
        )
        try:
            outcome = decide(exact, law)
        except BadInput:
            continue
        assert isinstance(outcome, ListOutcome)
        if outcome.tie is not None:
            continue
        assert dict(zip(names, drawn.won[row].tolist(), strict=True)) == dict(outcome.seats)
        assert drawn.passes[row].tolist() == [n in outcome.passed_threshold for n in names]
        checked += 1
    assert checked > 0 or drawn.undecided == totals.shape[0]


VOTELIB = {
    "largest_remainder_hare": lambda: LargestRemainder("hare"),
    "largest_remainder_droop": lambda: LargestRemainder("droop"),
    "dhondt": lambda: HighestAverages("d_hondt"),
    "sainte_lague": lambda: HighestAverages("sainte_lague"),
}


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(sorted(VOTELIB)),
    st.integers(0, 12),
    st.integers(20, 98),
    st.booleans(),
)
def test_a_rule_set_gives_the_seats_votelib_gives(
    method: str, threshold: int, list_seats: int, against_all: bool
) -> None:
    """The 2023 Mazhilis under a random method, threshold, list tier and ballot, against
    votelib fed with the lists that pass (threshold applied here in exact integers)."""
    contest, _ = official("mazhilis-2023.json")
    overlay = "\n".join(
        [
            "parameters:",
            f"  mazhilis.allocation_method: {method}",
            f"  mazhilis.list_threshold: {threshold}",
            f"  mazhilis.list_seats: {list_seats}",
            f"  mazhilis.single_member_seats: {98 - list_seats}",
            f"  elections.against_all_on_ballot: {str(against_all).lower()}",
        ]
    )
    result = what_if(contest, parse_rule_set(overlay, "random.yaml", DAY_2023))
    base = contest.option_votes + (contest.against_all or 0) * against_all
    passed = {
        name: votes for name, votes in contest.options.items() if votes * 100 >= threshold * base
    }
    assume(len(passed) >= 2)  # one list alone: the second-party rule, which votelib lacks
    expected = VOTELIB[method]().evaluate(passed, list_seats)
    assert {s.option: s.what_if for s in result.seats} == {
        name: int(expected.get(name, 0)) for name in contest.options
    }
    assert result.against_all_left_out == (0 if against_all else contest.against_all)
