"""Digit tests and flags on the real Russian protocols (skipped where the data are absent).

Mebane's 2BL tables for Russia 2011/2012 ("Using Vote Counts' Digits to Diagnose Strategies
and Frauds: Russia", APSA 2013) were not at hand in a form that could be quoted cell by cell,
so no published 2BL figure is asserted here; the checks are those that follow from the data
and one qualitative published finding:

* the second digits counted by the vectorised code are those of the counts written out as
  text, for every option of 2012 (a second, independent reading of the same data);
* Klimek, Yegorov, Hanel & Thurner (PNAS 109(41), 2012, Fig. 2) show for the Duma 2011 and the
  presidency 2012 a cluster of polling stations with turnout and the winner's share both near
  100 %, absent from the clean elections they compare with: the near-unanimous flag must find
  it (at least 1 % of stations), and it must hold almost only stations whose winner is the
  national winner.
"""

from __future__ import annotations

import numpy as np
import pytest

from saylau.forensics.digits import digit_report
from saylau.forensics.flags import near_unanimous
from saylau.forensics.russia import ELECTIONS
from tests.forensics_data import russia


def test_second_digits_are_those_of_the_counts_written_out() -> None:
    precincts = russia(2012)
    report = digit_report(precincts.votes, precincts.options, precincts.issued)
    for column, test in enumerate(report.second_digit[: len(precincts.options)]):
        counts = [str(n) for n in precincts.votes[:, column].tolist() if n >= 10]
        observed = [0] * 10
        for text in counts:
            observed[int(text[1])] += 1
        assert test.observed == tuple(observed), test.series
        expected = np.array(test.expected) * len(counts)
        chi_square = float(((np.array(observed) - expected) ** 2 / expected).sum())
        assert test.chi_square == pytest.approx(chi_square)


@pytest.mark.parametrize("year", [2011, 2012])
def test_the_near_unanimous_corner_klimek_et_al_show_is_found(year: int) -> None:
    precincts = russia(year)
    flags = near_unanimous(precincts)
    assert flags.count >= 0.01 * len(precincts), flags.count
    winner = precincts.option(ELECTIONS[year].leader)
    local_leader = np.argmax(precincts.votes[flags.precincts], axis=1)
    assert np.mean(local_leader == winner) >= 0.99
    assert np.all(flags.scores >= 0.95)
