"""Elected senators: a joint session of the unit's maslikhat deputies, two-round majority."""

from __future__ import annotations

from saylau.law.rules import Rules, SenateRules
from saylau.model import BadInput, Contest
from saylau.outcome.common import Reasoning, exceeds, participated, percent
from saylau.outcome.majority import Round, first_round, second_round
from saylau.outcome.records import SenateOutcome, Status


def decide(contest: Contest, rules: Rules) -> SenateOutcome:
    law = rules.require(SenateRules)
    why = Reasoning(rules.date)
    if contest.registered is None or contest.participated is None:
        raise BadInput(
            "registered" if contest.registered is None else "participated",
            "a Senate sitting's validity needs the electors and those who took part",
        )
    if not exceeds(contest.participated, law.quorum_share, contest.registered):
        why.say(
            "quorum_not_met",
            why.cite(law, "quorum_share"),
            participated=contest.participated,
            registered=contest.registered,
            share=law.quorum_share,
        )
        decided = Round(Status.INVALID, weighed=False)
    elif contest.round == 2:
        decided = second_round(contest, why, why.cite(law, "runoff_candidates"))
    else:
        why.say(
            "quorum_met",
            why.cite(law, "quorum_share"),
            participated=contest.participated,
            registered=contest.registered,
        )
        decided = first_round(
            contest,
            participated(contest),
            "participated",
            law.majority_share,
            law.runoff_candidates,
            why,
            why.cite(law, "majority_share", "runoff_candidates"),
        )
    base = contest.participated
    shares = {name: percent(votes, base) for name, votes in contest.options.items()}
    return decided.outcome(SenateOutcome, contest, why, shares)
