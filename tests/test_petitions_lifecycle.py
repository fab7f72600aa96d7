"""A petition's steps under the law of each day: every deadline and threshold on both sides."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law import NotInForce, rules_at
from saylau.law.rules import PetitionRules
from saylau.model import BadInput
from saylau.petitions.lifecycle import (
    FINAL,
    STEPS,
    Answer,
    Approve,
    Consider,
    Discuss,
    Event,
    Expire,
    Lapse,
    Petition,
    Refuse,
    State,
    Submit,
    Support,
    Tally,
    advance,
    draft,
    excluded_subjects,
    step_name,
    working_days_left,
)
from saylau.petitions.messages import MESSAGES, STATES, SUBJECTS
from saylau.petitions.messages import STEPS as STEP_NAMES
from saylau.petitions.refusal import TransitionRefused
from saylau.petitions.thresholds import Addressee, Unit, region_unit, threshold

D = dt.date
LAW = rules_at(D(2025, 1, 1)).require(PetitionRules)


def unit(population: int, code: str = "KZ-TEST") -> Unit:
    return Unit(code, population, D(2024, 7, 1), "a test figure")


def step(petition: Petition, event: Event) -> Petition:
    return advance(petition, event, rules_at(event.on))


def refused(petition: Petition, event: Event) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as caught:
        step(petition, event)
    return caught.value


def submitted(addressee: Addressee = Addressee.GOVERNMENT, where: Unit | None = None) -> Petition:
    new = draft("p-1", "Bike lanes", "Build bike lanes.", addressee, where, D(2025, 3, 3))
    return step(new, Submit(D(2025, 3, 10)))


def collecting(addressee: Addressee = Addressee.GOVERNMENT, where: Unit | None = None) -> Petition:
    approved = step(submitted(addressee, where), Approve(D(2025, 4, 1)))
    return step(approved, Support(D(2025, 4, 15), 50))


def test_moderation_deadline_crosses_nauryz() -> None:
    # 20 working days from Monday 10 March 2025: Nauryz (21 March, and 22-23 moved to 24-25)
    # takes three weekdays, so moderation ends on 10 April, not 7 April.
    petition = submitted()
    assert petition.state is State.MODERATION
    assert petition.moderation_due == D(2025, 4, 10)
    on_time = step(petition, Refuse(D(2025, 4, 10), "state secrets"))
    assert on_time.state is State.REFUSED
    assert on_time.refused_for == "state secrets"
    late = refused(petition, Refuse(D(2025, 4, 11), "state secrets"))
    assert late.field == "on"
    assert late.refusal.citation is not None
    assert late.refusal.citation.key == "petitions.moderation_working_days"


def test_a_refusal_names_a_subject_the_law_excludes() -> None:
    error = refused(submitted(), Refuse(D(2025, 3, 20), "the petition is badly written"))
    assert error.field == "subject"
    assert error.refusal.citation is not None
    assert error.refusal.citation.key == "petitions.excluded_subjects_named"
    assert "badly written" in str(error)
    for subject in excluded_subjects(LAW):
        assert step(submitted(), Refuse(D(2025, 3, 20), subject)).state is State.REFUSED


def test_a_late_approval_still_counts_and_is_marked_late() -> None:
    on_time = step(submitted(), Approve(D(2025, 4, 10)))
    assert not on_time.history[-1].late
    late = step(submitted(), Approve(D(2025, 4, 11)))
    assert late.state is State.GATHERING_SUPPORT
    assert late.history[-1].late


def test_first_supporters_window_on_both_sides() -> None:
    approved = step(submitted(), Approve(D(2025, 4, 1)))
    assert approved.support_due == D(2025, 4, 15)  # ten working days after 1 April
    published = step(approved, Support(D(2025, 4, 15), 50))
    assert published.state is State.COLLECTING
    assert published.collection_ends == D(2025, 10, 15)  # six months, an open point
    short = refused(approved, Support(D(2025, 4, 15), 49))
    assert (short.field, short.refusal.values["required"]) == ("supporters", 50)
    assert refused(approved, Support(D(2025, 4, 16), 50)).field == "on"
    assert refused(approved, Lapse(D(2025, 4, 15))).field == "on"
    assert step(approved, Lapse(D(2025, 4, 16))).state is State.LAPSED


def test_collection_period_on_both_sides() -> None:
    petition = collecting()
    assert step(petition, Tally(D(2025, 10, 15), 50_000)).state is State.REACHED
    assert refused(petition, Tally(D(2025, 10, 16), 50_000)).field == "on"
    assert refused(petition, Expire(D(2025, 10, 15))).field == "on"
    assert step(petition, Expire(D(2025, 10, 16))).state is State.EXPIRED


def test_the_government_needs_fifty_thousand() -> None:
    petition = collecting()
    assert step(petition, Tally(D(2025, 6, 2), 50_000)).signatures == 50_000
    short = refused(petition, Tally(D(2025, 6, 2), 49_999))
    assert short.field == "signatures"
    assert short.refusal.citation is not None
    assert short.refusal.citation.key == "petitions.government_threshold"


def test_a_regional_maslikhat_needs_two_percent_exactly() -> None:
    petition = collecting(Addressee.REGIONAL_MASLIKHAT, unit(1_000_000))
    assert petition.threshold is not None and petition.threshold.required == 20_000
    assert step(petition, Tally(D(2025, 6, 2), 20_000)).state is State.REACHED
    assert refused(petition, Tally(D(2025, 6, 2), 19_999)).field == "signatures"


def test_a_share_is_met_only_by_whole_citizens() -> None:
    # Almaty, 2,258,253 people on 1 July 2024: 2 % is 45,165.06, so 45,166 signatures.
    almaty = region_unit("KZ-75", D(2025, 12, 31))
    assert (almaty.population, almaty.population_date) == (2_258_253, D(2024, 7, 1))
    maslikhat = threshold(Addressee.REGIONAL_MASLIKHAT, almaty, LAW)
    akimat = threshold(Addressee.REGIONAL_AKIMAT, almaty, LAW)
    assert (maslikhat.required, akimat.required) == (45_166, 22_583)
    assert akimat.citation.key == "petitions.regional_akimat_share"
    petition = collecting(Addressee.REGIONAL_MASLIKHAT, almaty)
    assert step(petition, Tally(D(2025, 6, 2), 45_166)).state is State.REACHED
    assert refused(petition, Tally(D(2025, 6, 2), 45_165)).field == "signatures"


def test_district_thresholds_apply_above_the_population_floor() -> None:
    assert threshold(Addressee.DISTRICT_MASLIKHAT, unit(50_001), LAW).required == 5_000
    assert threshold(Addressee.DISTRICT_AKIMAT, unit(50_001), LAW).required == 2_500
    with pytest.raises(TransitionRefused) as caught:
        threshold(Addressee.DISTRICT_AKIMAT, unit(50_000), LAW)
    assert caught.value.field == "unit.population"
    assert caught.value.refusal.values["required"] == 50_000
    assert "50,000" in str(caught.value)


@given(st.integers(min_value=1, max_value=30_000_000))
def test_a_share_threshold_is_the_least_whole_number_reaching_it(population: int) -> None:
    for addressee, share in (
        (Addressee.REGIONAL_MASLIKHAT, LAW.regional_maslikhat_share),
        (Addressee.REGIONAL_AKIMAT, LAW.regional_akimat_share),
    ):
        required = threshold(addressee, unit(population), LAW).required
        assert required >= population * share > required - 1


def test_review_periods_central_and_local_across_republic_day() -> None:
    # Reached on 15 October 2025; Republic Day (Saturday 25 October) moves to Monday 27.
    central = step(collecting(), Tally(D(2025, 10, 15), 50_000))
    assert central.review_due == D(2025, 12, 11)
    local = step(
        collecting(Addressee.REGIONAL_AKIMAT, unit(100_000)), Tally(D(2025, 10, 15), 1_000)
    )
    assert local.review_due == D(2025, 11, 13)
    assert working_days_left(local, D(2025, 10, 24)) == 13
    on_time = step(local, Consider(D(2025, 11, 13)))
    assert not on_time.history[-1].late
    discussed = step(on_time, Discuss(D(2025, 11, 14)))
    assert discussed.history[-1].late
    assert refused(discussed, Answer(D(2025, 11, 20), "  ")).field == "text"
    answered = step(discussed, Answer(D(2025, 11, 20), "Lanes will be built in 2026."))
    assert answered.state is State.ANSWERED
    assert [t.state for t in answered.history] == [
        State.DRAFT,
        State.MODERATION,
        State.GATHERING_SUPPORT,
        State.COLLECTING,
        State.REACHED,
        State.UNDER_CONSIDERATION,
        State.PUBLIC_DISCUSSION,
        State.ANSWERED,
    ]


def test_a_step_from_the_wrong_state_changes_nothing() -> None:
    petition = submitted()
    error = refused(petition, Tally(D(2025, 3, 20), 50_000))
    assert error.field == "state"
    assert error.refusal.values == {"state": "moderation", "step": "tally"}
    assert petition.state is State.MODERATION
    drafted = replace(petition, history=petition.history[:1])
    assert refused(drafted, Approve(D(2025, 3, 20))).field == "state"


def test_steps_are_in_date_order_under_the_law_of_their_day() -> None:
    assert refused(submitted(), Approve(D(2025, 3, 9))).field == "on"
    with pytest.raises(BadInput) as caught:
        advance(submitted(), Approve(D(2025, 3, 20)), rules_at(D(2025, 3, 19)))
    assert caught.value.field == "rules"
    early = draft("p-0", "t", "x", Addressee.GOVERNMENT, None, D(2024, 3, 1))
    with pytest.raises(NotInForce):
        step(early, Submit(D(2024, 3, 20)))


def test_a_draft_names_its_unit_and_text() -> None:
    with pytest.raises(BadInput) as caught:
        draft("p-2", "t", "x", Addressee.REGIONAL_AKIMAT, None, D(2025, 3, 3))
    assert caught.value.field == "unit"
    with pytest.raises(BadInput) as caught:
        draft("p-2", "t", " ", Addressee.GOVERNMENT, None, D(2025, 3, 3))
    assert caught.value.field == "text"


def test_a_changed_law_changes_the_threshold() -> None:
    rules = rules_at(D(2025, 3, 10))
    law = rules.require(PetitionRules)
    halved = replace(law, regional_maslikhat_share=Fraction(1, 100), citations=law.citations)
    petition = draft("p-3", "t", "x", Addressee.REGIONAL_MASLIKHAT, unit(1_000_000), rules.date)
    moved = advance(petition, Submit(rules.date), replace(rules, petitions=halved))
    assert moved.threshold is not None and moved.threshold.required == 10_000


def test_every_state_step_subject_and_rule_has_a_message() -> None:
    assert {s.value for s in State} == set(STATES)
    assert {cls.__name__.lower() for cls in STEPS} == set(STEP_NAMES)
    assert set(excluded_subjects(LAW)) == set(SUBJECTS)
    assert FINAL.isdisjoint(start for start, _ in STEPS.values())
    rules = {
        "petition_step_not_allowed",
        "petition_step_before_last",
        "petition_refusal_subject",
        "petition_moderation_over",
        "petition_support_window_over",
        "petition_publication_supporters",
        "petition_support_window_open",
        "petition_collection_over",
        "petition_threshold",
        "petition_collection_open",
        "petition_answer_empty",
        "petition_no_district_threshold",
        # who signs and when (petitions.signing)
        "petition_not_signing",
        "petition_signing_closed",
        "petition_withdrawal_closed",
        "petition_signer_age",
        "petition_signature_withdrawn",
        "petition_no_signature",
    }
    assert rules == set(MESSAGES)
    assert step_name(Support(D(2025, 1, 1), 1)) == "support"


def test_a_changed_moderation_period_moves_the_deadline() -> None:
    rules = rules_at(D(2025, 3, 10))
    law = rules.require(PetitionRules)
    shorter = replace(law, moderation_working_days=19, citations=law.citations)
    petition = draft("p-4", "t", "x", Addressee.GOVERNMENT, None, D(2025, 3, 3))
    moved = advance(petition, Submit(rules.date), replace(rules, petitions=shorter))
    assert moved.moderation_due == D(2025, 4, 9)
    assert submitted().moderation_due == D(2025, 4, 10)


def test_a_region_s_population_is_the_latest_figure_of_the_day() -> None:
    # Almaty has a figure of 1 January 2026; Akmola only the one of 1 July 2024.
    almaty = region_unit("KZ-75", D(2026, 1, 1))
    assert (almaty.population, almaty.population_date) == (2_347_924, D(2026, 1, 1))
    assert threshold(Addressee.REGIONAL_MASLIKHAT, almaty, LAW).required == 46_959
    akmola = region_unit("KZ-11", D(2026, 6, 1))
    assert (akmola.population, akmola.population_date) == (789_015, D(2024, 7, 1))
    with pytest.raises(LookupError, match="on or before"):
        region_unit("KZ-75", D(2024, 6, 30))  # before the first figure
    with pytest.raises(KeyError):
        region_unit("KZ-99", D(2025, 1, 1))
