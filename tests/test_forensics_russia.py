"""The Russian protocols are read as their curators say they add up.

The totals are those of dkobak/elections ``data/README.md`` (stations and voters on the list,
agreeing with the commission's site) and, for 2021, of the authors' notebook
``analysis/duma2021/duma2021.ipynb`` (cell 4: turnout 51.72 %, United Russia 49.82 %).
"""

from __future__ import annotations

import pytest

from saylau.forensics.precincts import PrecinctTableError
from saylau.forensics.russia import ELECTIONS, load_russia
from tests.forensics_data import folder, russia

PUBLISHED = {
    # year: (stations, voters on the list)
    2011: (95_225, 109_229_337),
    2012: (95_415, 109_860_331),
    2018: (97_699, 109_008_428),
    2021: (96_325, 109_204_662),
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_stations_and_voters_agree_with_the_published_sums(year: int) -> None:
    precincts = russia(year)
    stations, voters = PUBLISHED[year]
    assert len(precincts) == stations
    assert int(precincts.voters.sum()) == voters
    assert len(set(precincts.ids.tolist())) == stations
    assert precincts.options[precincts.leader] == ELECTIONS[year].leader


def test_2021_turnout_and_leader_as_the_authors_print_them() -> None:
    precincts = russia(2021)
    leader = precincts.option(ELECTIONS[2021].leader)
    turnout = precincts.issued.sum() / precincts.voters.sum() * 100
    result = precincts.votes[:, leader].sum() / precincts.ballots.sum() * 100
    assert round(float(turnout), 2) == 51.72
    assert round(float(result), 2) == 49.82


def test_an_unknown_year_names_the_known_ones() -> None:
    with pytest.raises(PrecinctTableError, match=r"year: .*known: \[2011, 2012, 2018, 2021\]"):
        load_russia(2016, folder())
