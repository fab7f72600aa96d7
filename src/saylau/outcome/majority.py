"""Two-round majority: more than a share of a base wins, otherwise repeat voting between
the leaders (the President, a senator). Also the second round, where more votes wins."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from saylau.law.rules import Citation
from saylau.model import BadInput, Contest
from saylau.outcome.common import Bounds, Reasoning, depends_on, exceeds, ranked


def first_round(
    contest: Contest,
    base: Bounds,
    base_field: str,
    share: Fraction,
    runoff_size: int,
    why: Reasoning,
    cited: tuple[Citation, ...],
) -> dict[str, Any]:
    """Elected if the leader has more than ``share`` of ``base``; else a runoff of the leaders."""
    order = ranked(contest.options)
    leader, leader_votes = order[0]
    if base.low == 0:
        why.say("nobody_voted")
        return {"status": "invalid", "winner": None, "runoff": None, "tie": None}
    majority_at_high = base.high is not None and exceeds(leader_votes, share, base.high)
    majority_at_low = exceeds(leader_votes, share, base.low)
    if not majority_at_high and majority_at_low:
        raise depends_on(base_field, "whether the leader has a majority")
    if majority_at_high:
        why.say("majority_elected", cited, candidate=leader, votes=leader_votes, base=base.low)
        return {"status": "elected", "winner": leader, "runoff": None, "tie": None}
    admitted = [name for name, votes in order if votes > 0]
    if len(admitted) < runoff_size:
        why.say("runoff_impossible", cited, base=base.low, size=runoff_size)
        return {"status": "repeat", "winner": None, "runoff": None, "tie": None}
    cut_votes = order[runoff_size - 1][1]
    sure = [name for name, votes in order if votes > cut_votes]
    level = [name for name, votes in order if votes == cut_votes]
    if len(sure) + len(level) > runoff_size:
        why.say("runoff_places_tied", cited, base=base.low, candidates=level)
        return {
            "status": "runoff",
            "winner": None,
            "runoff": None,
            "tie": {"candidates": level, "places": runoff_size - len(sure)},
        }
    pair = sure + level
    why.say("runoff", cited, base=base.low, leader=leader, votes=leader_votes, pair=pair)
    return {"status": "runoff", "winner": None, "runoff": pair, "tie": None}


def second_round(contest: Contest, why: Reasoning, cited: tuple[Citation, ...]) -> dict[str, Any]:
    """Repeat voting between two candidates: more votes than the other wins."""
    if len(contest.options) != 2:
        raise BadInput(
            "options", "repeat voting (round 2) has exactly two candidates", len(contest.options)
        )
    (first, first_votes), (second, second_votes) = ranked(contest.options)
    if first_votes == second_votes:
        why.say("second_round_equal", cited, first=first, second=second)
        return {"status": "repeat", "winner": None, "runoff": None, "tie": None}
    why.say(
        "second_round_elected",
        cited,
        first=first,
        second=second,
        first_votes=first_votes,
        second_votes=second_votes,
    )
    return {"status": "elected", "winner": first, "runoff": None, "tie": None}
