"""Who may sign a petition and when: adults on the signing day, while signing is open, on
both sides of each deadline; withdrawal only while signing is open; and the step a count
asks for, which the lifecycle alone grants."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law import rules_at
from saylau.law.rules import PetitionRules
from saylau.petitions.lifecycle import (
    Approve,
    Event,
    Petition,
    State,
    Submit,
    Support,
    Tally,
    advance,
    draft,
)
from saylau.petitions.refusal import TransitionRefused
from saylau.petitions.signing import (
    check_signature,
    check_withdrawal,
    count_step,
    signing_closes,
)
from saylau.petitions.thresholds import Addressee
from saylau.register.lists import age_on

D = dt.date
LAW = rules_at(D(2025, 1, 1)).require(PetitionRules)
ADULT = D(1990, 1, 1)


def step(petition: Petition, event: Event) -> Petition:
    return advance(petition, event, rules_at(event.on))


def gathering() -> Petition:
    new = draft("p-1", "Bike lanes", "Build bike lanes.", Addressee.GOVERNMENT, None, D(2025, 3, 3))
    return step(step(new, Submit(D(2025, 3, 10))), Approve(D(2025, 4, 1)))


def rule_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(TransitionRefused) as caught:
        call()
    return caught.value.refusal.rule


def test_signing_is_open_until_each_state_closes() -> None:
    approved = gathering()
    closes = signing_closes(approved)
    assert closes == approved.support_due == D(2025, 4, 15)
    assert closes is not None
    check_signature(approved, ADULT, closes, LAW)
    late = closes + dt.timedelta(days=1)
    assert rule_of(lambda: check_signature(approved, ADULT, late, LAW)) == "petition_signing_closed"
    assert rule_of(lambda: check_withdrawal(approved, late)) == "petition_withdrawal_closed"
    published = step(approved, Support(D(2025, 4, 15), 50))
    assert signing_closes(published) == published.collection_ends == D(2025, 10, 15)
    check_signature(published, ADULT, D(2025, 10, 15), LAW)
    check_withdrawal(published, D(2025, 10, 15))
    reached = step(published, Tally(D(2025, 6, 2), 50_000))
    assert signing_closes(reached) is None
    assert rule_of(lambda: check_signature(reached, ADULT, D(2025, 6, 3), LAW)) == (
        "petition_not_signing"
    )


def test_a_signature_before_the_last_step_is_refused() -> None:
    approved = gathering()
    before = D(2025, 3, 31)
    assert rule_of(lambda: check_signature(approved, ADULT, before, LAW)) == (
        "petition_step_before_last"
    )


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2012, 12, 31)))
def test_only_adults_sign(born: dt.date) -> None:
    on = D(2025, 4, 7)
    petition = gathering()
    if age_on(born, on) >= LAW.signer_min_age:
        check_signature(petition, born, on, LAW)
    else:
        with pytest.raises(TransitionRefused) as caught:
            check_signature(petition, born, on, LAW)
        refusal = caught.value.refusal
        assert (refusal.field, refusal.rule) == ("signer", "petition_signer_age")
        assert refusal.values["required"] == LAW.signer_min_age
        assert refusal.citation is not None
        assert refusal.citation.key == "petitions.signer_min_age"


def test_the_minimum_age_is_read_from_the_law() -> None:
    petition = gathering()
    born = D(2005, 4, 8)  # 20 on the signing day
    check_signature(petition, born, D(2025, 4, 8), LAW)
    stricter = replace(LAW, signer_min_age=21)
    with pytest.raises(TransitionRefused):
        check_signature(petition, born, D(2025, 4, 8), stricter)


def test_a_count_asks_for_its_step_and_the_lifecycle_decides() -> None:
    approved = gathering()
    event = count_step(approved, 49, D(2025, 4, 7))
    assert event == Support(D(2025, 4, 7), 49)
    with pytest.raises(TransitionRefused):
        step(approved, event)
    enough = count_step(approved, 50, D(2025, 4, 7))
    assert enough is not None
    published = step(approved, enough)
    assert published.state is State.COLLECTING
    assert count_step(published, 10, D(2025, 4, 8)) == Tally(D(2025, 4, 8), 10)
    assert count_step(step(published, Tally(D(2025, 5, 5), 50_000)), 50_000, D(2025, 5, 6)) is None
