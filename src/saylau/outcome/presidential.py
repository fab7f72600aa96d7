"""The President: more than half of the votes of those who took part, else a runoff."""

from __future__ import annotations

from saylau.law.rules import Rules
from saylau.model import BadInput, Contest
from saylau.outcome.common import (
    Reasoning,
    check_against_all,
    exceeds,
    participated_less_invalid,
    percent,
)
from saylau.outcome.majority import Round, first_round, second_round
from saylau.outcome.records import PresidentialOutcome, Status


def decide(contest: Contest, rules: Rules) -> PresidentialOutcome:
    law = rules.presidency
    why = Reasoning(rules.date)
    check_against_all(contest, rules)
    if law.turnout_threshold is not None:
        if contest.participated is None or contest.registered is None:
            raise BadInput("participated", "the turnout threshold in force needs both counts")
        if not exceeds(contest.participated, law.turnout_threshold, contest.registered):
            why.say(
                "turnout_not_above",
                why.cite(law, "turnout_threshold"),
                share=law.turnout_threshold,
            )
            return _result(contest, why, Round(Status.INVALID, weighed=False))
    else:
        why.say("no_turnout_threshold", why.cite(law, "turnout_threshold"))
    if contest.round == 2:
        result = second_round(contest, why, why.cite(law, "runoff_candidates"))
        return _result(contest, why, result)
    base = participated_less_invalid(contest)
    why.say("majority_base", why.cite(law, "majority_base", "against_all_majority_voids"))
    against = contest.against_all or 0
    if law.against_all_majority_voids and exceeds(against, law.majority_share, base.low):
        why.say(
            "against_all_majority_repeat",
            why.cite(law, "against_all_majority_voids", "majority_share"),
            base=base.low,
            votes=against,
        )
        return _result(contest, why, Round(Status.REPEAT, weighed=False))
    result = first_round(
        contest,
        base,
        "invalid" if contest.participated is not None else "participated",
        law.majority_share,
        law.runoff_candidates,
        why,
        why.cite(law, "majority_share", "runoff_candidates"),
    )
    return _result(contest, why, result)


def _result(contest: Contest, why: Reasoning, decided: Round) -> PresidentialOutcome:
    valid = contest.option_votes + (contest.against_all or 0)
    shares = {name: percent(votes, valid) for name, votes in contest.options.items()}
    return decided.outcome(PresidentialOutcome, contest, why, shares)
