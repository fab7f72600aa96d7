"""The figures pages show agree with the outcome engine: the same shares on the same base,
rounded half-up as the commission prints them, for every kind of contest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.model import parse_contest
from saylau.outcome import decide
from saylau.outcome.records import ReferendumOutcome
from saylau.tabulation import figures

#: (kind, date, extra fields): one contest of each kind, on a date its law was in force.
KINDS: list[tuple[str, str, dict[str, Any]]] = [
    ("mazhilis-list", "2023-03-19", {}),
    ("presidential", "2022-11-20", {}),
    ("single-member", "2023-03-19", {"body": "mazhilis"}),
    ("akim", "2024-10-06", {"level": "rural"}),
    ("referendum", "2022-06-05", {"question_type": "ordinary"}),
    ("referendum", "2022-06-05", {"question_type": "constitution"}),
    ("kurultai-list", "2026-08-23", {}),
    ("maslikhat-list", "2023-03-19", {"seats": 20}),
    ("senate", "2023-01-14", {}),
]


@st.composite
def contests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    kind, date, extra = draw(st.sampled_from(KINDS))
    names = (
        ["yes", "no"] if kind == "referendum" else ["a", "b", "c", "d"][: draw(st.integers(2, 4))]
    )
    # at least one vote: the engine cannot decide a contest nobody voted in
    votes = {name: draw(st.integers(1 if name == names[0] else 0, 50_000)) for name in names}
    against_all = 0 if kind in ("referendum", "senate") else draw(st.integers(0, 5_000))
    invalid = draw(st.integers(0, 5_000))
    found = sum(votes.values()) + against_all + invalid
    on_list = found + draw(st.integers(0, 100_000))
    counts = {
        "voters_on_list": on_list,
        "voters_added": 0,
        "ballots_found": found,
        "invalid": invalid,
        "against_all": against_all,
        "votes": votes,
    }
    return kind, date, extra, counts


def engine_shares(kind: str, date: str, extra: dict[str, Any], counts: dict[str, Any]) -> Any:
    document = {
        "kind": kind,
        "date": date,
        "registered": counts["voters_on_list"],
        "participated": counts["ballots_found"],
        "invalid": counts["invalid"],
        "against_all": counts["against_all"],
        "options": counts["votes"],
        **extra,
    }
    decided = decide(parse_contest(document))
    if isinstance(decided, ReferendumOutcome):
        return decided.percent_of_participants
    return decided.percent


@settings(max_examples=300, deadline=None)
@given(contests())
def test_shares_are_the_engines(case: tuple[str, str, dict[str, Any], dict[str, Any]]) -> None:
    kind, date, extra, counts = case
    assert figures.shares(kind, counts) == engine_shares(kind, date, extra, counts)


def test_percentages_round_half_up_as_the_commission_prints_them() -> None:
    # 1 of 8 is 12.5 %, of 800 is 0.125 %: half-up gives 0.13 where round() gives 0.12
    counts = {"votes": {"a": 1, "b": 799}, "against_all": 0, "ballots_found": 800}
    assert figures.shares("presidential", counts)["a"] == 0.13
    on_list = {"voters_on_list": 1600, "voters_added": 0, "ballots_found": 2}
    assert figures.turnout(on_list) == 0.13  # 0.125 % half-up
    assert figures.turnout({"voters_on_list": 0, "ballots_found": 0}) is None


def test_a_referendum_counts_shares_of_those_who_took_part() -> None:
    counts = {"votes": {"yes": 600, "no": 300}, "against_all": 0, "ballots_found": 1000}
    assert figures.shares("referendum", counts) == {"yes": 60.0, "no": 30.0}
    assert figures.shares("mazhilis-list", counts) == {"yes": 66.67, "no": 33.33}


def test_leaders_are_a_tuple_so_a_tie_is_shown_as_one() -> None:
    assert figures.leaders({"a": 5, "b": 7, "c": 7}) == ("b", "c")
    assert figures.leaders({"a": 5, "b": 3}) == ("a",)
    assert figures.leaders({"a": 0, "b": 0}) == ()
    assert figures.leaders({}) == ()


def test_against_all_is_a_line_where_the_law_of_the_date_put_it() -> None:
    assert figures.against_all_on_ballot("presidential", dt.date(2022, 11, 20))
    assert not figures.against_all_on_ballot("presidential", dt.date(2019, 6, 9))
    assert not figures.against_all_on_ballot("referendum", dt.date(2022, 6, 5))


def test_referendum_validity_share_is_the_one_the_engine_decides_by() -> None:
    """The page's validity sentence reads this share: at exactly it the engine finds the
    referendum not valid, one voter more and it is valid."""
    day = dt.date(2022, 6, 5)
    share = figures.validity_share(day)
    registered = 1000 * share.denominator
    at_share = int(registered * share)

    def valid(participated: int) -> bool | None:
        counts = {
            "kind": "referendum",
            "date": day.isoformat(),
            "question_type": "ordinary",
            "registered": registered,
            "participated": participated,
            "invalid": 0,
            "against_all": None,
            "options": {"yes": participated, "no": 0},
        }
        decided = decide(parse_contest(counts))
        assert isinstance(decided, ReferendumOutcome)
        return decided.valid

    assert valid(at_share) is False
    assert valid(at_share + 1) is True
