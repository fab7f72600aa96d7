"""Party lists: the Mazhilis and Kurultai nationwide lists and the maslikhat lists.

Threshold on the base the law names (inclusive), then the allocation method of the date
over the lists that passed; if only one passed and the second-party rule is in force, the
next list is admitted with its quotient scaled by the law's factor.
"""

from __future__ import annotations

from fractions import Fraction

from saylau.apportion import Allocation, allocate, passing
from saylau.apportion import Tie as SeatTie
from saylau.law.rules import (
    KurultaiRules,
    ListChamberRules,
    MaslikhatRules,
    MazhilisRules,
    Rules,
)
from saylau.model import BadInput, Contest, Kind
from saylau.outcome.common import (
    Bounds,
    Reasoning,
    check_against_all,
    depends_on,
    participated,
    percent,
    valid_votes,
)
from saylau.outcome.records import ListOutcome, Tie

_CHAMBER: dict[Kind, type[ListChamberRules]] = {
    Kind.MAZHILIS_LIST: MazhilisRules,
    Kind.KURULTAI_LIST: KurultaiRules,
    Kind.MASLIKHAT_LIST: MaslikhatRules,
}


def _seats(contest: Contest, chamber: ListChamberRules, why: Reasoning) -> int:
    """The list seats: the law's number for a national chamber, the input's for a maslikhat."""
    if isinstance(chamber, MazhilisRules | KurultaiRules):
        law_seats = chamber.list_seats
        if contest.seats is not None and contest.seats != law_seats:
            raise BadInput(
                "seats",
                f"the {chamber.institution} list tier had {law_seats} seats on "
                f"{contest.date.isoformat()} ({chamber.cite('list_seats').source})",
                contest.seats,
            )
        why.say("list_seats", why.cite(chamber, "list_seats"), seats=law_seats)
        return law_seats
    if contest.seats is None:
        raise BadInput("seats", "is required for a maslikhat list: the maslikhat's list seats")
    why.say("list_seats_given", seats=contest.seats)
    return contest.seats


def _base(contest: Contest, chamber: ListChamberRules, on_ballot: bool) -> tuple[Bounds, str]:
    if chamber.threshold_base == "participated":
        return participated(contest), "participated"
    return valid_votes(contest, on_ballot), "against_all"


def decide(contest: Contest, rules: Rules) -> ListOutcome:
    chamber = rules.require(_CHAMBER[contest.kind])
    why = Reasoning(rules.date)
    seats = _seats(contest, chamber, why)
    on_ballot = rules.elections.against_all_on_ballot
    check_against_all(contest, rules)
    base, unknown = _base(contest, chamber, on_ballot)
    threshold = chamber.list_threshold
    low_pass = passing(contest.options, base.low, threshold)
    high_pass = low_pass if base.high is None else passing(contest.options, base.high, threshold)
    if base.high is None or low_pass != high_pass:
        raise depends_on(unknown, "which lists pass the threshold")
    passed = low_pass
    cited = why.cite(chamber, "list_threshold", "threshold_base")
    sentence = f"threshold_{chamber.threshold_base}"
    if passed:
        why.say(sentence, cited, share=threshold, base=base.low, passed=passed)
    else:
        why.say(f"{sentence}_none", cited, share=threshold, base=base.low)
    priority = list(contest.registration_order) if contest.registration_order else None
    admitted_second: str | None = None
    if not passed:
        allocation = Allocation(dict.fromkeys(contest.options, 0))
        why.say("no_list_passed")
    elif len(passed) == 1 and chamber.second_party_rule:
        allocation, admitted_second = _second_party(
            contest, chamber, passed[0], seats, priority, why
        )
    else:
        votes = {name: contest.options[name] for name in passed}
        allocation = allocate(chamber.allocation_method, votes, seats, priority)
        why.say(
            "allocation",
            why.cite(chamber, "allocation_method"),
            method=chamber.allocation_method,
        )
    seats_by_option = dict.fromkeys(contest.options, 0) | allocation.seats
    tie = allocation.tie
    if allocation.tie_broken_by_priority:
        why.say(
            "remainder_tie_broken",
            why.cite(chamber, "remainder_tie_break"),
            parties=allocation.tie_broken_by_priority,
        )
    if tie is not None:
        why.say(
            "remainder_tie",
            why.cite(chamber, "remainder_tie_break"),
            seats=tie.seats,
            parties=tie.parties,
        )
    shares_base = valid_votes(contest, on_ballot).low
    return ListOutcome(
        contest.kind,
        why.reasons(),
        seats=seats_by_option,
        passed_threshold=tuple(passed),
        admitted_by_second_party_rule=admitted_second,
        threshold=threshold,
        threshold_base=chamber.threshold_base,
        threshold_base_votes=base.low,
        quota=allocation.quota,
        percent={name: percent(v, shares_base) for name, v in contest.options.items()},
        against_all_percent=(
            percent(contest.against_all, shares_base) if contest.against_all is not None else None
        ),
        tie=None if tie is None else Tie(frozenset(tie.parties), tie.seats),
    )


def _second_party(
    contest: Contest,
    chamber: ListChamberRules,
    first: str,
    seats: int,
    priority: list[str] | None,
    why: Reasoning,
) -> tuple[Allocation, str | None]:
    """Only one list passed: admit the next-largest one on the law's terms."""
    others = sorted(
        ((name, votes) for name, votes in contest.options.items() if name != first),
        key=lambda item: -item[1],
    )
    if not others or others[0][1] == 0:
        why.say("second_party_alone", party=first)
        return Allocation({first: seats}), None
    second, second_votes = others[0]
    factor = chamber.second_party_factor
    min_seats = chamber.second_party_min_seats
    assert factor is not None and min_seats is not None, "law data: second-party rule incomplete"
    quota = Fraction(contest.options[first] + second_votes, seats)
    second_seats = min(seats, max(min_seats, int(factor * second_votes / quota)))
    why.say(
        "second_party",
        why.cite(chamber, "second_party_rule", "second_party_factor", "second_party_min_seats"),
        party=first,
        quota=quota,
        factor=factor,
        min_seats=min_seats,
    )
    level = tuple(name for name, votes in others if votes == second_votes)
    if len(level) > 1:
        order = {name: index for index, name in enumerate(priority or ())}
        if not all(name in order for name in level):
            tie = SeatTie(level, second_seats)
            return Allocation({first: seats - second_seats}, tie=tie, quota=quota), None
        second = min(level, key=order.__getitem__)
        why.say("second_party_tie", parties=level, party=second)
    return Allocation({first: seats - second_seats, second: second_seats}, quota=quota), second
