"""Integer percentages (Kobak, Shpilkin & Pshenichnikov, AOAS 10(1) 2016) against the authors'
published figures, and on synthetic nights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.forensics.integers import (
    Weight,
    hit_probability,
    integer_percent,
    integer_percentages,
)
from saylau.forensics.russia import ELECTIONS
from tests.forensics_data import russia
from tests.forensics_synthetic import clean, rounded

# The authors' Monte-Carlo over all Russian federal elections, dkobak/elections commit 8003707,
# analysis/duma2021/montecarlo.pickle (written by cell 9 of duma2021.ipynb, 1,000 replicates,
# seed 42; cell 10 prints the first column; figures/integer-anomalies-all.png plots all three):
# excess of stations (observed minus simulated mean) whose turnout or leader's share, the
# share alone, or the turnout alone is an integer percentage; and the simulated SD of the first.
# The same figures for 2011, 2012 and 2018 are in significance2018/montecarlo.pickle, plotted in
# the authors' Significance (2018) follow-up, elections2018.ipynb cell 12.
PUBLISHED = {
    2011: (1003.477, 767.136, 449.325, 113.074),
    2012: (1159.585, 734.556, 634.567, 116.350),
    2018: (1708.839, 859.010, 1296.186, 116.537),
    2021: (1309.768, 824.159, 783.370, 118.505),
}
# The same pickle, weighted (columns 1–3 of its second axis; elections2018.ipynb cell 14 plots
# them as "Excess of registered voters / given ballots / leader's ballots at IPS"): excess and
# simulated SD of voters, ballots issued and the leader's votes at stations whose turnout or
# leader's share is an integer percentage.
PUBLISHED_WEIGHTED = {
    2011: ((1591129.0, 169316.0), (1257914.0, 100278.0), (945253.0, 53215.0)),
    2012: ((1743796.0, 170959.0), (1380443.0, 110219.0), (1125384.0, 70576.0)),
    2018: ((2459344.0, 168372.0), (2050934.0, 112132.0), (1753819.0, 86235.0)),
    2021: ((2025651.0, 229489.0), (1464837.0, 178077.0), (1078983.0, 86077.0)),
}
# The published excess carries the error of a 1,000-replicate mean, SD/sqrt(1000) ≈ 3.7
# stations; ours is the exact mean. Four of those standard errors:
TOLERANCE = 15.0


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_published_excess_is_reproduced(year: int) -> None:
    precincts = russia(year)
    result = integer_percentages(precincts, precincts.option(ELECTIONS[year].leader))
    either, share, turnout, spread = PUBLISHED[year]
    assert result.either.excess == pytest.approx(either, abs=TOLERANCE)
    assert result.share.excess == pytest.approx(share, abs=TOLERANCE)
    assert result.turnout.excess == pytest.approx(turnout, abs=TOLERANCE)
    # The SD of 1,000 draws is known to about 1/sqrt(2000) ≈ 2.2 %; 10 % is 4.5 of those.
    assert result.either.null_sd == pytest.approx(spread, rel=0.10)
    assert result.either.simulated_sd == pytest.approx(spread, rel=0.10)
    # Our own replicates agree with the exact null mean within four of their standard errors.
    assert abs(result.either.simulated_mean - result.either.expected) < 4 * spread / math.sqrt(
        result.replicates
    )
    # No replicate reaches the observed count: the smallest p-value 1,000 replicates allow.
    assert result.p_value == pytest.approx(1 / 1001)
    assert len(result.flagged[0]) == int(
        integer_percent(precincts.issued, precincts.voters)[
            np.isin(np.arange(len(precincts)), result.flagged[0].indices)
        ].sum()
    )


@pytest.mark.parametrize("year", sorted(PUBLISHED_WEIGHTED))
def test_the_published_weighted_excess_is_reproduced(year: int) -> None:
    """Held, like the counts, to four standard errors of the authors' 1,000-replicate mean."""
    precincts = russia(year)
    result = integer_percentages(precincts, precincts.option(ELECTIONS[year].leader), replicates=10)
    assert [count.weight for count in result.weighted] == list(Weight)
    for count, (excess, spread) in zip(result.weighted, PUBLISHED_WEIGHTED[year], strict=True):
        assert count.excess == pytest.approx(excess, abs=4 * spread / math.sqrt(1000))
        assert count.null_sd == pytest.approx(spread, rel=0.10)
        assert count.z > 5


@given(
    st.integers(min_value=1, max_value=400),
    st.floats(min_value=0.0, max_value=1.0),
)
@settings(max_examples=60, deadline=None)
def test_the_hit_probability_is_the_binomial_sum(trials: int, fraction: float) -> None:
    successes = round(trials * fraction)
    p = successes / trials
    ks = np.arange(trials + 1)
    pmf = np.array(
        [math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(trials + 1)]
    )
    expected = float(pmf[integer_percent(ks, np.full(trials + 1, trials))].sum())
    found = hit_probability(np.array([successes]), np.array([trials]))[0]
    # Counts beyond six standard deviations are left out: they weigh less than 1e-8.
    assert found == pytest.approx(expected, abs=1e-8)


def test_clean_nights_are_not_flagged_at_the_stated_level() -> None:
    """Over 20 clean nights, the 5 % test rejects about 5 % of them (at most 4 of 20 here:
    P(Binomial(20, 0.05) > 4) ≈ 0.3 %)."""
    rejected = 0
    for seed in range(20):
        result = integer_percentages(clean(20_000, seed), replicates=200, seed=seed)
        rejected += result.p_value < 0.05
        assert abs(result.either.z) < 4.5
    assert rejected <= 4


def test_whole_percentage_turnouts_are_found() -> None:
    night, chosen = rounded(clean(20_000, 7), 0.03, seed=8)
    result = integer_percentages(night, replicates=200, seed=1)
    assert result.p_value == pytest.approx(1 / 201)
    assert result.turnout.z > 10
    flagged = np.zeros(len(night), dtype=np.bool_)
    flagged[result.flagged[0].indices] = True
    # Every rounded station whose written turnout lands in a 0.1-point integer bin (a station of
    # fewer than 1,000 voters often cannot) is flagged, and they are most of the rounded ones.
    landed = chosen & integer_percent(night.issued, night.voters)
    assert flagged[landed].all()
    assert landed.sum() > 0.5 * chosen.sum()
