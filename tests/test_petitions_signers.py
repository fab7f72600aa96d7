"""A petition's signer is an adult on the day of signing, under the law of that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law import rules_at
from saylau.law.rules import PetitionRules
from saylau.petitions.refusal import TransitionRefused
from saylau.petitions.signers import check_signer_age, signing_day

SIGNED_ON = dt.date(2025, 6, 2)


def law(on: dt.date = SIGNED_ON) -> PetitionRules:
    return rules_at(on).require(PetitionRules)


def test_the_eighteenth_birthday_on_the_signing_day_may_sign() -> None:
    assert law().signer_min_age == 18
    check_signer_age(dt.date(2007, 6, 2), SIGNED_ON, law())


def test_one_day_short_of_eighteen_may_not_sign() -> None:
    with pytest.raises(TransitionRefused) as caught:
        check_signer_age(dt.date(2007, 6, 3), SIGNED_ON, law())
    refusal = caught.value.refusal
    assert refusal.field == "signer.birth_date"
    assert refusal.rule == "petition_signer_under_age"
    assert refusal.values == {"found": 17, "required": 18, "signed_on": SIGNED_ON}
    assert refusal.citation is not None and refusal.citation.key.endswith("signer_min_age")
    assert "17 years old" in str(caught.value)


def test_a_leap_day_birthday_comes_of_age_on_the_first_of_march() -> None:
    born = dt.date(2008, 2, 29)
    with pytest.raises(TransitionRefused):
        check_signer_age(born, dt.date(2026, 2, 28), law(dt.date(2026, 2, 28)))
    check_signer_age(born, dt.date(2026, 3, 1), law(dt.date(2026, 3, 1)))


def test_the_age_is_read_from_the_law_not_written_in_the_code() -> None:
    younger_law = replace(law(), signer_min_age=16)
    check_signer_age(dt.date(2009, 6, 2), SIGNED_ON, younger_law)
    with pytest.raises(TransitionRefused):
        check_signer_age(dt.date(2009, 6, 2), SIGNED_ON, law())


@given(
    born=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2025, 6, 1)),
    signed=st.dates(min_value=dt.date(2024, 4, 1), max_value=dt.date(2030, 12, 31)),
)
def test_a_signer_may_sign_exactly_from_the_eighteenth_birthday(
    born: dt.date, signed: dt.date
) -> None:
    rules = law(SIGNED_ON)
    try:
        coming_of_age = born.replace(year=born.year + 18)
    except ValueError:  # 29 February
        coming_of_age = dt.date(born.year + 18, 3, 1)
    allowed = signed >= coming_of_age
    try:
        check_signer_age(born, signed, rules)
    except TransitionRefused:
        assert not allowed
    else:
        assert allowed


def test_the_signing_day_is_kazakhstan_s_day() -> None:
    late_evening_utc = dt.datetime(2025, 6, 1, 19, 30, tzinfo=dt.UTC)
    assert signing_day(late_evening_utc) == dt.date(2025, 6, 2)
    assert signing_day(dt.datetime(2025, 6, 1, 18, 59, tzinfo=dt.UTC)) == dt.date(2025, 6, 1)
    with pytest.raises(ValueError):
        signing_day(dt.datetime(2025, 6, 1, 12, 0))
