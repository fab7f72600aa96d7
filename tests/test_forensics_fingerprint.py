"""The fingerprint (Klimek et al., PNAS 2012) and the comet's head the authors read off it."""

from __future__ import annotations

import numpy as np
import pytest

from saylau.forensics.fingerprint import Weighting, fingerprint
from saylau.forensics.russia import ELECTIONS
from tests.forensics_data import russia
from tests.forensics_synthetic import clean, stuffed

# dkobak/elections commit 8003707, analysis/duma2021/duma2021.ipynb cell 16, ``comet_kern``:
# the turnout and leader's result (%) at the comet's densest point, which the authors call a
# rough estimate of the honest result (figures/official-minus-comet-kern.png). Read by eye from
# a jittered scatter, so held to 3 percentage points, three bins of the 1-point grid.
COMET_HEAD = {2011: (51, 31), 2012: (60, 55), 2018: (62, 73), 2021: (35, 29)}


@pytest.mark.parametrize("year", sorted(COMET_HEAD))
def test_the_comet_head_is_where_the_authors_read_it(year: int) -> None:
    precincts = russia(year)
    result = fingerprint(precincts, precincts.option(ELECTIONS[year].leader))
    turnout, share = COMET_HEAD[year]
    assert result.peak[0] * 100 == pytest.approx(turnout, abs=3)
    assert result.peak[1] * 100 == pytest.approx(share, abs=3)
    assert result.counts.sum() == result.stations
    assert result.stations >= len(precincts) - 20


def test_stuffing_moves_stations_to_the_upper_right() -> None:
    honest = clean(20_000, 3)
    corner = slice(90, 100)
    before = fingerprint(honest, jitter=False).counts[corner, corner].sum()
    after = (
        fingerprint(stuffed(honest, 0.0, 4, extreme=0.05), jitter=False)
        .counts[corner, corner]
        .sum()
    )
    assert before == 0
    assert after > 0.03 * 20_000


def test_voter_weights_count_voters() -> None:
    honest = clean(2_000, 5)
    result = fingerprint(honest, weighting=Weighting.VOTERS, jitter=False)
    assert result.counts.sum() == pytest.approx(float(np.sum(honest.voters)))
