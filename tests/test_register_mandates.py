"""List seats become named mandates in list order, keeping the mandate quota of the day;
a vacated mandate passes down the list."""

from __future__ import annotations

import datetime as dt

import pytest

from saylau.law.rules import rules_at
from saylau.model import BadInput
from saylau.register.lists import ListCandidate, PartyList
from saylau.register.mandates import (
    Chamber,
    Vacancy,
    VacancyReason,
    assign_mandates,
    fill_vacancy,
)
from saylau.synth.lists import ELECTION_DAY, constructed_lists

DAY = dt.date(2023, 3, 19)
KURULTAI_DAY = dt.date(2026, 8, 16)


def a_list(size: int, quota: set[int], party: str = "amanat") -> PartyList:
    """A list of ``size`` whose women stand at the ``quota`` positions; the rest are men of 50."""
    return PartyList(
        party,
        DAY - dt.timedelta(days=40),
        tuple(
            ListCandidate(f"{party}-{p:03d}", f"Candidate {p}", p, dt.date(1973, 1, 1), p in quota)
            for p in range(1, size + 1)
        ),
    )


def positions(party_list: PartyList, seats: int, day: dt.date = DAY) -> list[tuple[int, bool]]:
    (result,) = assign_mandates(
        {party_list.party: seats}, {party_list.party: party_list}, day, rules_at(day)
    )
    return [(m.position, m.via_quota) for m in result.mandates]


def test_exactly_thirty_percent_in_order_moves_nobody() -> None:
    assert positions(a_list(12, {3, 6, 9}), 10) == [(p, False) for p in range(1, 11)]


def test_one_short_moves_the_next_quota_candidate_up() -> None:
    seated = positions(a_list(12, {3, 6, 11}), 10)
    assert seated == [(p, False) for p in range(1, 10)] + [(11, True)]


def test_a_list_in_order_keeps_seats_in_order_before_the_mandate_quota() -> None:
    day = dt.date(2021, 1, 10)
    assert positions(a_list(12, {10, 11, 12}), 5, day) == [(p, False) for p in range(1, 6)]
    assert positions(a_list(12, {10, 11, 12}), 5) == [
        (1, False),
        (2, False),
        (3, False),
        (10, True),
        (11, True),
    ]


def test_constructed_2023_mandates_hold_the_quota_for_every_party() -> None:
    lists = constructed_lists()
    seats = {
        "amanat": 40,
        "auyl": 8,
        "respublica": 6,
        "ak-zhol": 6,
        "peoples-party": 5,
        "osdp": 4,
        "baytaq": 0,
    }
    result = {
        r.party: r for r in assign_mandates(seats, lists, ELECTION_DAY, rules_at(ELECTION_DAY))
    }
    assert set(result) == set(seats) - {"baytaq"}
    for party, won in result.items():
        assert len(won.mandates) == seats[party]
        assert won.quota_held >= won.required
        assert won.quota_held * 10 >= won.seats * 3
    moved = [m.position for m in result["respublica"].mandates if m.via_quota]
    assert moved == [11, 12]  # the highest-placed of positions 11 to 15
    assert not any(m.via_quota for party in ("amanat", "auyl") for m in result[party].mandates)


def test_kurultai_reads_the_open_mandate_quota() -> None:
    rules = rules_at(KURULTAI_DAY)
    party_list = a_list(10, {8, 9, 10})
    (result,) = assign_mandates(
        {"amanat": 4}, {"amanat": party_list}, KURULTAI_DAY, rules, Chamber.KURULTAI
    )
    assert result.required == 2
    assert [m.position for m in result.mandates] == [1, 2, 8, 9]
    assert result.citations[0].open is not None


def test_too_short_a_list_is_bad_input() -> None:
    with pytest.raises(BadInput, match="lists"):
        positions(a_list(3, {1}), 4)


def test_a_vacated_mandate_goes_to_the_next_on_the_list_without_the_quota() -> None:
    party_list = a_list(12, {3, 6, 11})
    rules = rules_at(DAY)
    (seated,) = assign_mandates({"amanat": 10}, {"amanat": party_list}, DAY, rules)
    on = dt.date(2024, 5, 1)
    vacancy = Vacancy("amanat-011", "amanat", VacancyReason.DEATH, on)
    succession = fill_vacancy(seated, vacancy, party_list, (), rules_at(on), election_day=DAY)
    assert succession.successor.position == 10
    assert str(succession.vacated) == (
        "Candidate 11, at position 11, is moved up to keep the mandate quota of women, young "
        "people and persons with disabilities."
    )
    assert str(succession.successor) == "Candidate 10 takes the mandate at position 10 of the list."
    assert vacancy.key == "mandate_vacated_death"
    assert succession.mandates.quota_held == 2  # the open reading: refilling is not governed
    assert "refilling" in (succession.citations[0].open or "")
    withdrawn = fill_vacancy(seated, vacancy, party_list, ("amanat-010",), rules_at(on))
    assert withdrawn.successor.position == 12


def test_leaving_the_party_vacates_a_kurultai_mandate_only() -> None:
    party_list = a_list(10, {1, 4, 7})
    (mazhilis,) = assign_mandates({"amanat": 3}, {"amanat": party_list}, DAY, rules_at(DAY))
    on = dt.date(2024, 1, 1)
    left = Vacancy("amanat-001", "amanat", VacancyReason.LEFT_PARTY, on)
    with pytest.raises(BadInput, match="reason"):
        fill_vacancy(mazhilis, left, party_list, (), rules_at(on))
    (kurultai,) = assign_mandates(
        {"amanat": 3},
        {"amanat": party_list},
        KURULTAI_DAY,
        rules_at(KURULTAI_DAY),
        Chamber.KURULTAI,
    )
    on = dt.date(2027, 1, 1)
    left = Vacancy("amanat-001", "amanat", VacancyReason.LEFT_PARTY, on)
    succession = fill_vacancy(
        kurultai, left, party_list, ("amanat-001",), rules_at(on), Chamber.KURULTAI
    )
    assert succession.successor.position == 4
    assert succession.citations[-1].key == "kurultai.party_mandate"


def test_a_vacancy_of_someone_without_a_mandate_is_bad_input() -> None:
    party_list = a_list(10, {1, 4, 7})
    (seated,) = assign_mandates({"amanat": 3}, {"amanat": party_list}, DAY, rules_at(DAY))
    on = dt.date(2024, 1, 1)
    with pytest.raises(BadInput, match="deputy"):
        fill_vacancy(
            seated,
            Vacancy("amanat-009", "amanat", VacancyReason.RESIGNATION, on),
            party_list,
            (),
            rules_at(on),
        )
