"""Two-round majority: more than a share of a base wins, otherwise repeat voting between
the leaders (the President, a senator). Also the second round, where more votes wins."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from saylau.law.rules import Citation
from saylau.model import BadInput, Contest
from saylau.outcome.common import Bounds, Reasoning, depends_on, exceeds, ranked
from saylau.outcome.records import MajorityOutcome, Status, Tie

M = TypeVar("M", bound=MajorityOutcome)


@dataclass(frozen=True, slots=True)
class Round:
    """What a round came to, before the outcome adds its shares and reasons; ``weighed``
    is false when it was decided before the candidates' votes were weighed."""

    status: Status
    winner: str | None = None
    runoff: tuple[str, ...] | None = None
    tie: Tie | None = None
    weighed: bool = True

    def outcome(
        self,
        record: type[M],
        contest: Contest,
        why: Reasoning,
        shares: dict[str, float | None],
    ) -> M:
        return record(
            contest.kind,
            why.reasons(),
            status=self.status,
            winner=self.winner,
            runoff=self.runoff,
            tie=self.tie,
            weighed=self.weighed,
            percent=shares,
        )


def first_round(
    contest: Contest,
    base: Bounds,
    base_field: str,
    share: Fraction,
    runoff_size: int,
    why: Reasoning,
    cited: tuple[Citation, ...],
) -> Round:
    """Elected if the leader has more than ``share`` of ``base``; else a runoff of the leaders."""
    order = ranked(contest.options)
    leader, leader_votes = order[0]
    if base.low == 0:
        why.say("nobody_voted")
        return Round(Status.INVALID)
    majority_at_high = base.high is not None and exceeds(leader_votes, share, base.high)
    majority_at_low = exceeds(leader_votes, share, base.low)
    if not majority_at_high and majority_at_low:
        raise depends_on(base_field, "whether the leader has a majority")
    if majority_at_high:
        why.say("majority_elected", cited, candidate=leader, votes=leader_votes, base=base.low)
        return Round(Status.ELECTED, winner=leader)
    admitted = [name for name, votes in order if votes > 0]
    if len(admitted) < runoff_size:
        why.say("runoff_impossible", cited, base=base.low, size=runoff_size)
        return Round(Status.REPEAT)
    cut_votes = order[runoff_size - 1][1]
    sure = [name for name, votes in order if votes > cut_votes]
    level = [name for name, votes in order if votes == cut_votes]
    if len(sure) + len(level) > runoff_size:
        why.say("runoff_places_tied", cited, base=base.low, candidates=level)
        return Round(Status.RUNOFF, tie=Tie(frozenset(level), runoff_size - len(sure)))
    pair = sure + level
    why.say("runoff", cited, base=base.low, leader=leader, votes=leader_votes, pair=pair)
    return Round(Status.RUNOFF, runoff=tuple(pair))


def second_round(contest: Contest, why: Reasoning, cited: tuple[Citation, ...]) -> Round:
    """Repeat voting between two candidates: more votes than the other wins."""
    if len(contest.options) != 2:
        raise BadInput(
            "options", "repeat voting (round 2) has exactly two candidates", len(contest.options)
        )
    (first, first_votes), (second, second_votes) = ranked(contest.options)
    if first_votes == second_votes:
        why.say("second_round_equal", cited, first=first, second=second)
        return Round(Status.REPEAT)
    why.say(
        "second_round_elected",
        cited,
        first=first,
        second=second,
        first_votes=first_votes,
        second_votes=second_votes,
    )
    return Round(Status.ELECTED, winner=first)
