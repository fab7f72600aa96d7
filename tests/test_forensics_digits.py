"""Digit tests: the tail, the laws, the digits, and their false-alarm rate where the law holds.

The level is 5 %: over many samples from a law that holds, a test may reject in about 5 % of
them; the assertions allow the binomial spread of that share (four standard deviations).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.forensics.digits import (
    LAST_DIGIT_SPREAD,
    SECOND_DIGIT_BENFORD,
    SECOND_DIGIT_BENFORD_MEAN,
    TESTED_AT_LEAST,
    TURNOUT_SERIES,
    chi_square_tail,
    digit_report,
    last_digit_test,
    second_digit_test,
    second_digits,
    spread_enough,
    zero_five_test,
)
from saylau.model import BadInput
from saylau.synth.nights import presidential_2022
from saylau.synth.stuffing import precinct_table

LEVEL = 0.05
PROPERTY = settings(deadline=None, max_examples=100)


def within_level(rejected: int, trials: int, level: float = LEVEL) -> bool:
    """At most the level's share plus four binomial standard deviations."""
    return rejected <= trials * level + 4 * math.sqrt(trials * level * (1 - level))


def test_chi_square_tail_gives_the_printed_critical_values() -> None:
    # Critical values as printed in any chi-square table (e.g. NIST/SEMATECH e-Handbook,
    # section 1.3.6.7.4): 9 df at 5 % and 1 %, 1 and 2 df at 5 %.
    assert chi_square_tail(16.919, 9) == pytest.approx(0.05, abs=1e-5)
    assert chi_square_tail(21.666, 9) == pytest.approx(0.01, abs=1e-5)
    assert chi_square_tail(3.841, 1) == pytest.approx(0.05, abs=1e-4)
    assert chi_square_tail(5.991, 2) == pytest.approx(0.05, abs=1e-4)
    assert chi_square_tail(0.0, 9) == 1.0
    with pytest.raises(BadInput, match="degrees_of_freedom"):
        chi_square_tail(1.0, 0)


@PROPERTY
@given(st.floats(0.01, 200.0), st.integers(1, 12))
def test_chi_square_tail_falls_and_adding_two_df_adds_a_poisson_term(x: float, k: int) -> None:
    # Q(x; k + 2) = Q(x; k) + e^{−x/2} (x/2)^{k/2} / Γ(k/2 + 1): the recurrence of the
    # regularised upper gamma function, independent of the closed forms used.
    step = math.exp(-x / 2 + (k / 2) * math.log(x / 2) - math.lgamma(k / 2 + 1))
    assert chi_square_tail(x, k + 2) == pytest.approx(chi_square_tail(x, k) + step, abs=1e-12)
    assert chi_square_tail(x * 1.1, k) <= chi_square_tail(x, k) + 1e-12


def test_second_digit_law_is_hills_with_mebanes_mean() -> None:
    assert SECOND_DIGIT_BENFORD.sum() == pytest.approx(1.0)
    assert np.all(np.diff(SECOND_DIGIT_BENFORD) < 0)
    # Mebane (2006, Table 1) prints q_0 = .120 and q_9 = .085 and the mean 4.187.
    assert round(float(SECOND_DIGIT_BENFORD[0]), 3) == 0.120
    assert round(float(SECOND_DIGIT_BENFORD[9]), 3) == 0.085
    assert round(SECOND_DIGIT_BENFORD_MEAN, 3) == 4.187


@PROPERTY
@given(st.lists(st.integers(0, 10**15), max_size=50))
def test_second_digit_is_the_second_character(counts: list[int]) -> None:
    expected = [int(str(n)[1]) for n in counts if n >= 10]
    assert second_digits(np.array(counts, dtype=np.int64)).tolist() == expected


def test_counts_that_are_not_whole_are_refused_naming_the_field() -> None:
    with pytest.raises(BadInput, match="'counts'"):
        second_digit_test(np.array([10.5, 20.0]))
    with pytest.raises(BadInput, match="'votes'"):
        digit_report(np.zeros((3, 2), dtype=np.int64), ["a", "b", "c"])
    with pytest.raises(BadInput, match="'turnout'"):
        digit_report(np.zeros((3, 2), dtype=np.int64), ["a", "b"], np.zeros(2, dtype=np.int64))


def test_too_few_counts_are_not_tested() -> None:
    few = np.arange(10, 10 + TESTED_AT_LEAST - 1, dtype=np.int64)
    result = second_digit_test(few)
    assert result.counted == TESTED_AT_LEAST - 1
    assert math.isnan(result.p_value) and not result.rejects(0.99)
    narrow = np.arange(100, 100 + LAST_DIGIT_SPREAD, dtype=np.int64)  # IQR half the spread
    assert not spread_enough(narrow)
    assert math.isnan(last_digit_test(narrow).p_value)
    assert math.isnan(zero_five_test(narrow).p_value)


def test_benford_counts_are_rejected_at_the_level_and_uniform_ones_are_not() -> None:
    # floor(10^U) with U uniform is Benford's law on whole numbers exactly, so its second
    # digits follow 2BL exactly: the test must reject about 5 % of samples.
    rng = np.random.default_rng(2006)
    trials = 400
    rejected = sum(
        second_digit_test(np.floor(10 ** rng.uniform(1, 6, 2_000)).astype(np.int64)).rejects(LEVEL)
        for _ in range(trials)
    )
    assert within_level(rejected, trials)
    assert rejected > 0  # a test that never rejects is not testing
    uniform = rng.integers(10, 100_000, 20_000)  # uniform counts: second digits near uniform
    assert second_digit_test(uniform).rejects(1e-6)


def test_uniform_last_digits_are_rejected_at_the_level_and_rounded_ones_are_not() -> None:
    rng = np.random.default_rng(2012)
    trials = 400
    last, zero_five = 0, 0
    for _ in range(trials):
        counts = rng.integers(10, 5_000, 2_000)
        last += last_digit_test(counts).rejects(LEVEL)
        zero_five += zero_five_test(counts).rejects(LEVEL)
    assert within_level(last, trials) and within_level(zero_five, trials)
    rounded = rng.integers(10, 5_000, 2_000)
    rounded[:200] -= rounded[:200] % 5  # one in ten counts rounded to a 0 or a 5
    assert zero_five_test(rounded).rejects(1e-6)
    assert last_digit_test(rounded).rejects(1e-6)


def test_clean_generated_nights_pass_the_last_digit_tests_at_the_level() -> None:
    # Twenty seeds of the 2022 presidential night, each option and turnout: the series wide
    # enough to test (the leader and turnout) reject no more than the level allows.
    trials, last, zero_five = 0, 0, 0
    for seed in range(20):
        synthetic = presidential_2022(seed, 10_000)
        table, _ = precinct_table(synthetic, synthetic.protocols.contest_ids[0])
        report = digit_report(table.votes, table.options, table.issued)
        for digits, round_ones in zip(report.last_digit, report.zero_five, strict=True):
            if math.isnan(digits.p_value):
                continue
            trials += 1
            last += digits.rejects(LEVEL)
            zero_five += round_ones.rejects(LEVEL)
    assert trials >= 40
    assert within_level(last, trials) and within_level(zero_five, trials)


def test_a_report_holds_every_option_and_turnout() -> None:
    synthetic = presidential_2022(7, 2_000)
    table, _ = precinct_table(synthetic, synthetic.protocols.contest_ids[0])
    report = digit_report(table.votes, table.options, table.issued)
    assert report.series() == (*table.options, TURNOUT_SERIES)
    leader = report.second_digit[table.leader]
    assert leader.counted == int((table.votes[:, table.leader] >= 10).sum())
    assert sum(leader.observed) == leader.counted


def test_the_one_pass_report_agrees_with_each_series_tested_alone() -> None:
    synthetic = presidential_2022(8, 3_000)
    table, _ = precinct_table(synthetic, synthetic.protocols.contest_ids[0])
    report = digit_report(table.votes, table.options, table.issued)
    columns = [*(table.votes[:, k] for k in range(len(table.options))), table.issued]
    for k, counts in enumerate(columns):
        name = report.second_digit[k].series
        assert report.second_digit[k] == second_digit_test(counts, name)
        assert report.last_digit[k].observed == last_digit_test(counts, name).observed
        assert report.zero_five[k].zero_or_five == zero_five_test(counts, name).zero_or_five
