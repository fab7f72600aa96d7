"""The previous election beside tonight's: the packaged past results give the shares the
commission published, and the change in points is tonight's share less the party's then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from saylau import territory
from saylau.tabulation import figures, previous
from tests.conftest import load_case

PARTY_IDS = {row["name_in_2023_result"]: row["id"] for row in territory.rows("parties.csv")}


def test_packaged_results_give_the_published_shares(need_shared_data: Path) -> None:
    """Each packaged election's shares and turnout round to what the commission announced
    (the official figures in shared/data, read by the test only)."""
    packaged = previous.past_results("mazhilis-list")
    assert [p.date.year for p in packaged] == [2016, 2021, 2023]
    for past in packaged:
        case = load_case(need_shared_data / f"mazhilis-{past.date.year}.json")
        assert past.date.isoformat() == case["date"]
        shares = figures.shares("mazhilis-list", past.counts)
        by_party = {
            party: case["official"]["percent"][name]
            for name, party in _names(past.date.year).items()
            if party
        }
        for party, published in by_party.items():
            assert shares[party] is not None
            assert abs(shares[party] - published) <= 0.01, (past.date, party)
        turnout = figures.turnout(past.counts)
        assert turnout is not None
        # 2023's participated is the preliminary ballots figure (54.19 % against 54.21 %)
        assert abs(turnout - case["official"]["turnout_percent"]) <= 0.03, past.date
        assert all(
            s.startswith(f"shared/data/mazhilis-{past.date.year}.json") for s in past.sources
        )


def _names(year: int) -> dict[str, str]:
    rows = territory.rows("results-mazhilis-past.csv")
    return {r["name_in_result"]: r["party"] for r in rows if r["date"].startswith(str(year))}


def test_the_previous_election_is_the_latest_before_the_day() -> None:
    def year(day: str) -> int | None:
        found = previous.previous("mazhilis-list", dt.date.fromisoformat(day))
        return found.date.year if found else None

    assert year("2023-03-19") == 2021
    assert year("2023-03-20") == 2023
    assert year("2021-01-10") == 2016
    assert year("2016-03-20") is None
    assert previous.previous("presidential", dt.date(2030, 1, 1)) is None


def test_renamed_parties_are_compared_with_themselves() -> None:
    """Nur Otan (2021) is Amanat; a party that did not run then has no change."""
    past = previous.previous("mazhilis-list", dt.date(2023, 3, 19))
    assert past is not None
    counts = {"votes": {"o1": 600, "o2": 300, "o3": 100}, "against_all": 0}
    parties = [("o1", "amanat"), ("o2", "respublica"), ("o3", None)]
    found = previous.compare("mazhilis-list", dt.date(2023, 3, 19), counts, parties)
    assert found is not None and found.previous.date == dt.date(2021, 1, 10)
    amanat, respublica, nobody = found.changes
    assert amanat.then == 71.09 and amanat.now == 60.0 and amanat.points == -11.09
    assert respublica.then is None and respublica.points is None
    assert nobody.then is None and nobody.points is None
    assert found.turnout_now is None and found.turnout_points is None


@given(st.lists(st.integers(0, 10**6), min_size=7, max_size=7), st.integers(0, 10**5))
def test_change_is_now_less_then(votes: list[int], against: int) -> None:
    ids = sorted(set(PARTY_IDS.values()))
    counts = {"votes": dict(zip(ids, votes, strict=True)), "against_all": against}
    found = previous.compare("mazhilis-list", dt.date(2026, 1, 1), counts, [(i, i) for i in ids])
    assert found is not None and found.previous.date.year == 2023
    then = figures.shares("mazhilis-list", found.previous.counts)
    now = figures.shares("mazhilis-list", counts)
    for change in found.changes:
        assert change.then == then[change.option]
        if now[change.option] is None:
            assert change.points is None
        else:
            assert change.points == round((now[change.option] or 0) - (then[change.option] or 0), 2)
