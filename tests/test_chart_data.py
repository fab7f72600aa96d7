"""The charts' and the map's data: the leader's lead as the tabulation computes it, the
map's shade for it, the chamber's dots and the bars' lengths."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from saylau.tabulation import figures
from saylau.web import charts

votes = st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 10_000), min_size=1)


@given(votes, st.integers(0, 5_000))
def test_the_lead_is_the_first_two_shares_apart(counted: dict[str, int], against: int) -> None:
    counts = {"votes": counted, "against_all": against}
    lead = figures.margin("mazhilis-list", counts)
    ranked = [*sorted(counted.values(), reverse=True), 0]
    if ranked[0] == 0:
        assert lead is None
        return
    base = sum(counted.values()) + against
    exact = Fraction(100 * (ranked[0] - ranked[1]), base)
    assert lead is not None and abs(Fraction(str(lead)) - exact) <= Fraction(1, 200)
    assert (lead == 0) == (ranked[0] == ranked[1])
    band = charts.margin_band(lead)
    assert band is not None and 0 <= band < len(charts.MARGIN_OPACITY)
    assert (band == 0) == (lead < charts.MARGIN_STEPS[0])


def test_a_lead_of_a_referendum_is_taken_of_those_who_took_part() -> None:
    counts = {"votes": {"yes": 600, "no": 300}, "ballots_found": 1_000}
    assert figures.margin("referendum", counts) == 30.0


@given(st.lists(st.integers(1, 40), min_size=1, max_size=8))
def test_the_chamber_draws_every_seat_once_in_party_order(seats: list[int]) -> None:
    parties = [(f"p{i}", n, charts.colour(i)) for i, n in enumerate(seats)]
    drawn = charts.chamber(parties, "Seats", "kk")
    assert len(drawn.seats) == sum(seats)
    expected = [fill for _label, n, fill in parties for _ in range(n)]
    assert [s.colour for s in drawn.seats] == expected
    for seat in drawn.seats:
        assert drawn.radius <= seat.x <= drawn.width - drawn.radius + 0.2
        assert 0 <= seat.y <= drawn.height
    assert [h.seats for h in drawn.holders] == seats
    centres = {(s.x, s.y) for s in drawn.seats}
    assert len(centres) == len(drawn.seats)  # no two dots on one place


def test_bars_are_scaled_to_the_longest_or_the_threshold() -> None:
    chart = charts.bar_chart(["a", "b"], [40.0, 2.0], ["#000", "#111"], "T", "ru", 5.0, "порог")
    assert [b.length for b in chart.bars] == [100.0, 5.0]
    assert chart.threshold_at == 12.5
    assert chart.threshold_label == "порог: 5,00\u00a0%"
    assert [b.shown for b in chart.bars] == ["40,00\u00a0%", "2,00\u00a0%"]
    low = charts.bar_chart(["a"], [3.0], ["#000"], "T", "en", 7.0, "threshold")
    assert low.bars[0].length == round(100 * 3 / 7, 2) and low.threshold_at == 100.0
