"""Precinct flags: quiet on clean generated nights, loud where ballots were stuffed.

Clean runs: twenty seeds of the 2022 presidential night (10,000 precincts each). A flag whose
null gives the number a clean count flags (``expected``) may flag no more than a Poisson of
that mean allows (mean plus four standard deviations, plus one); the flags without such a
null are held to the stated level of one precinct in 10,000.

Stuffed runs: the same night with 3 % of precincts stuffed as Klimek et al. (PNAS 2012) model
it (a third of them by extreme fraud); the floors on recall and precision are stated per flag.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.forensics.flags import (
    LANGUAGES,
    REASON_TEXT,
    Flags,
    ProtocolVersions,
    Reason,
    factorize,
    group_median,
    identical_protocols,
    invalid_outliers,
    late_jumps,
    moved_votes,
    near_unanimous,
    precinct_flags,
    round_numbers,
    turnout_and_share,
)
from saylau.forensics.precincts import Labels, Precincts
from saylau.model import BadInput
from saylau.synth.nights import presidential_2022
from saylau.synth.stuffing import StuffedElection, StuffingModel, precinct_table, stuff

CLEAN_SEEDS = range(20)
STUFFED_SEEDS = range(10)
PRECINCTS = 10_000
STATED_RATE = 1e-4  # flags without a computed null: at most one precinct in 10,000
PROPERTY = settings(deadline=None, max_examples=60)


@cache
def clean(seed: int) -> tuple[Precincts, Labels]:
    synthetic = presidential_2022(seed, PRECINCTS)
    return precinct_table(synthetic, synthetic.protocols.contest_ids[0])


@cache
def stuffed(seed: int) -> tuple[StuffedElection, Precincts, Labels]:
    truth = stuff(presidential_2022(seed, PRECINCTS), seed, StuffingModel(share=0.03, extreme=0.3))
    table, district = precinct_table(truth.synthetic, truth.synthetic.protocols.contest_ids[0])
    return truth, table, district


def poisson_bound(expected: float) -> float:
    return expected + 4 * math.sqrt(expected) + 1


def reporting_times(seed: int, count: int) -> np.typing.NDArray[np.float64]:
    """Hours after midnight of polling day, to the minute, from 20:00 to 06:00."""
    rng = np.random.default_rng([seed, 2300])
    times: np.typing.NDArray[np.float64] = np.round(rng.uniform(20, 30, count) * 60) / 60
    return times


def test_clean_nights_are_flagged_no_more_than_the_null_allows() -> None:
    flagged: dict[Reason, int] = {}
    expected: dict[Reason, float] = {}
    tested: dict[Reason, int] = {}
    for seed in CLEAN_SEEDS:
        table, district = clean(seed)
        found = [*precinct_flags(table, district)]
        found.append(late_jumps(table, reporting_times(seed, len(table)), after=24.0))
        for flags in found:
            flagged[flags.reason] = flagged.get(flags.reason, 0) + flags.count
            expected[flags.reason] = expected.get(flags.reason, 0.0) + flags.expected
            tested[flags.reason] = tested.get(flags.reason, 0) + flags.tested
    assert set(flagged) == {
        Reason.NEAR_UNANIMOUS,
        Reason.TURNOUT_AND_SHARE,
        Reason.INVALID_OUTLIER,
        Reason.IDENTICAL,
        Reason.ROUND_NUMBERS,
        Reason.LATE_JUMP,
    }
    for reason, count in flagged.items():
        if math.isnan(expected[reason]):
            assert count <= poisson_bound(STATED_RATE * tested[reason]), (reason, count)
        else:
            assert count <= poisson_bound(expected[reason]), (reason, count, expected[reason])


def precision_recall(flags: Flags, truth: np.typing.NDArray[np.bool_]) -> tuple[float, float]:
    hits = int(truth[flags.precincts].sum())
    return hits / max(flags.count, 1), hits / max(int(truth.sum()), 1)


def test_stuffed_precincts_are_flagged() -> None:
    union_hits, union_flagged, stuffed_total = 0, 0, 0
    for seed in STUFFED_SEEDS:
        truth, table, district = stuffed(seed)
        corner = near_unanimous(table)
        precision, recall = precision_recall(corner, truth.extreme)
        assert recall >= 0.95 and precision >= 0.95, ("extreme fraud", seed, precision, recall)
        joint = turnout_and_share(table)
        precision, recall = precision_recall(joint, truth.stuffed)
        assert recall >= 0.35 and precision >= 0.9, ("stuffing", seed, precision, recall)
        everything = np.unique(
            np.concatenate([flags.precincts for flags in precinct_flags(table, district)])
        )
        union_hits += int(truth.stuffed[everything].sum())
        union_flagged += len(everything)
        stuffed_total += int(truth.stuffed.sum())
    assert stuffed_total == len(STUFFED_SEEDS) * round(0.03 * PRECINCTS)
    assert union_hits / stuffed_total >= 0.4
    assert union_hits / union_flagged >= 0.9


def test_late_stuffed_batches_are_flagged_and_early_ones_are_not() -> None:
    truth, table, _ = stuffed(3)
    times = reporting_times(3, len(table))
    rng = np.random.default_rng(4)
    times[truth.stuffed] = np.round(rng.uniform(25, 28, int(truth.stuffed.sum())) * 60) / 60
    late = late_jumps(table, times, after=24.0)
    precision, recall = precision_recall(late, truth.stuffed)
    assert precision >= 0.8 and recall >= 0.05, (precision, recall)
    assert late.p_value < 1e-6
    # The same stuffed precincts, but the checks look only after 06:00: nothing is that late.
    assert late_jumps(table, times, after=30.0).count == 0
    with pytest.raises(BadInput, match="reported_at"):
        late_jumps(table, times[:-1], after=24.0)


def test_identical_protocols_are_those_of_one_district() -> None:
    table, district = clean(0)
    votes = table.votes.copy()
    issued, invalid = table.issued.copy(), table.invalid.copy()
    same = np.nonzero(district == district[0])[0]
    other = np.nonzero(district != district[0])[0][0]
    for target in (same[1], other):  # copy precinct 0's counts into its neighbour and afar
        votes[target], issued[target], invalid[target] = votes[0], issued[0], invalid[0]
    copied = Precincts(
        table.ids, table.region, table.voters, issued, table.valid, invalid, votes, table.options
    )
    # valid is the sum of the votes on a real protocol; it is not a line the check compares.
    flags = identical_protocols(copied, district)
    assert sorted(flags.precincts.tolist()) == sorted([0, int(same[1])])
    assert flags.scores.tolist() == [2.0, 2.0]
    assert identical_protocols(table, district).count == 0


def test_round_protocols_are_flagged_with_the_chance_of_being_round() -> None:
    table, _ = clean(1)
    votes, issued, invalid = table.votes.copy(), table.issued.copy(), table.invalid.copy()
    wide = np.nonzero((np.column_stack([issued, invalid, votes]) >= 60).sum(axis=1) >= 3)[0]
    chosen = wide[::100]
    votes[chosen] -= votes[chosen] % 10
    issued[chosen] -= issued[chosen] % 10
    invalid[chosen] -= invalid[chosen] % 10
    rounded = Precincts(
        table.ids, table.region, table.voters, issued, table.valid, invalid, votes, table.options
    )
    flags = round_numbers(rounded)
    assert set(chosen.tolist()) <= set(flags.precincts.tolist())
    assert flags.p_value < 1e-6
    # Each line ends in 0 a little more often than one time in ten (small counts, and the
    # rounded protocols themselves), so the expected number is of the order of Σ 10⁻ᵐ and not
    # below it.
    lines = np.column_stack([issued, invalid, votes])
    tested = (lines >= 50).sum(axis=1)
    uniform = float((10.0 ** -tested[tested >= 3]).sum())
    assert uniform <= flags.expected <= 3 * uniform


def test_an_invalid_ballot_outlier_is_flagged_within_its_region() -> None:
    table, _ = clean(2)
    invalid = table.invalid.copy()
    big = int(np.argmax(table.ballots))
    invalid[big] = table.ballots[big] // 3
    spoiled = Precincts(
        table.ids, table.region, table.voters, table.issued, table.valid, invalid, table.votes,
        table.options,
    )  # fmt: skip
    flags = invalid_outliers(spoiled)
    assert flags.precincts[0] == big  # the strangest first
    assert flags.scores[0] > 3.5


@PROPERTY
@given(
    st.lists(st.lists(st.integers(0, 500), min_size=3, max_size=3), min_size=1, max_size=30),
    st.integers(0, 2),
    st.integers(0, 2),
    st.integers(1, 50),
)
def test_a_correction_moving_votes_is_flagged_and_a_recount_is_not(
    first: list[list[int]], loser: int, gainer: int, amount: int
) -> None:
    votes = np.array(first, dtype=np.int64)
    count = len(votes)
    ballots = votes.sum(axis=1) + 5
    moved = votes.copy()
    can = (moved[:, loser] >= amount) & (loser != gainer)
    moved[can, loser] -= amount
    moved[can, gainer] += amount
    recount = votes.copy()
    recount[:, 0] += 1  # a recount that found one more vote changes the total
    versions = ProtocolVersions(
        precinct=np.tile(np.arange(count), 3),
        version=np.repeat(np.array([1, 2, 3]), count),
        votes=np.vstack([votes, moved, recount]),
        ballots=np.concatenate([ballots, ballots, ballots + 1]),
    )
    flags = moved_votes(versions, count)
    assert flags.tested == count
    assert sorted(flags.precincts.tolist()) == np.nonzero(can)[0].tolist()
    assert np.all(flags.scores == amount)


@PROPERTY
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.integers(1, 4))
def test_group_median_is_each_groups_median(values: list[float], groups: int) -> None:
    array = np.array(values)
    codes = np.arange(len(values), dtype=np.int64) % groups
    result = group_median(array, codes)
    for group in range(min(groups, len(values))):
        assert np.all(result[codes == group] == np.median(array[codes == group]))


def test_every_reason_is_worded_in_the_three_languages() -> None:
    assert set(REASON_TEXT) == set(Reason)
    for reason, texts in REASON_TEXT.items():
        assert set(texts) == set(LANGUAGES), reason
        for language in ("kk", "ru"):
            assert not any("a" <= c.lower() <= "z" for c in texts[language]), (reason, language)
        assert texts["kk"] != texts["ru"] != texts["en"]
    table, district = clean(0)
    flags = precinct_flags(table, district)[0]
    assert flags.text("kk") == REASON_TEXT[flags.reason]["kk"]
    with pytest.raises(BadInput, match="language"):
        flags.text("de")
    with pytest.raises(BadInput, match="turnout_at_least"):
        near_unanimous(table, turnout_at_least=95)


@PROPERTY
@given(st.lists(st.text(max_size=6), min_size=1, max_size=60))
def test_factorize_gives_equal_codes_exactly_to_equal_labels(names: list[str]) -> None:
    labels = np.array(names, dtype=np.str_)
    codes = factorize(labels)
    for i in range(len(names)):
        assert np.array_equal(codes == codes[i], labels == labels[i])


def test_flags_list_their_precincts_as_every_forensic_method_does() -> None:
    truth, table, _ = stuffed(0)
    corner = near_unanimous(table)
    listed = corner.flagged(table)
    assert listed.reason == Reason.NEAR_UNANIMOUS.value == "near_unanimous"
    assert len(listed) == corner.count
    assert listed.ids.tolist() == list(corner.ids(table))
    assert set(listed.indices.tolist()) <= set(np.nonzero(truth.stuffed)[0].tolist())
