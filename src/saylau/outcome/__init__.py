"""Outcomes: each contest kind decided by a pure function of its counts and the law of its date."""

from __future__ import annotations

from collections.abc import Callable

from saylau.apportion import ApportionmentError
from saylau.law.rules import NotInForce, Rules, rules_at
from saylau.model import BadInput, Contest, Kind, check_units
from saylau.outcome import party_list, plurality, presidential, referendum, senate
from saylau.outcome.records import AnyOutcome, to_json

Decider = Callable[[Contest, Rules], AnyOutcome]

DECIDERS: dict[Kind, Decider] = {
    Kind.PRESIDENTIAL: presidential.decide,
    Kind.MAZHILIS_LIST: party_list.decide,
    Kind.KURULTAI_LIST: party_list.decide,
    Kind.MASLIKHAT_LIST: party_list.decide,
    Kind.SINGLE_MEMBER: plurality.decide,
    Kind.AKIM: plurality.decide,
    Kind.SENATE: senate.decide,
    Kind.REFERENDUM: referendum.decide,
}

NATIONAL: frozenset[Kind] = frozenset(
    {Kind.PRESIDENTIAL, Kind.MAZHILIS_LIST, Kind.KURULTAI_LIST, Kind.REFERENDUM}
)
"""Kinds voted on across the country: their ``regions`` are the country's units."""


def decide(contest: Contest, rules: Rules | None = None) -> AnyOutcome:
    """The outcome of ``contest`` under the rules of its date (or the ``rules`` given).

    Per-unit counts of a national contest that name every unit of the country on that date
    must add up to the national counts."""
    try:
        law = rules if rules is not None else rules_at(contest.date)
        units = law.constitution.territorial_units if contest.kind in NATIONAL else None
        check_units(contest, units)
        return DECIDERS[contest.kind](contest, law)
    except NotInForce as exc:
        raise BadInput(exc.field, str(exc)) from None
    except ApportionmentError as exc:  # e.g. lists "pass" a threshold of 0 votes: none to share
        raise BadInput("options", str(exc)) from None


__all__ = ["DECIDERS", "NATIONAL", "AnyOutcome", "decide", "to_json"]
