"""Single-member districts and directly elected akims: the most votes wins.

"Against all" is not a candidate: it never wins a seat, and a first place for it forces a
new election only where the law of the date says so (``elections.against_all_can_win``;
false in the law as found). A tie for first place follows the law's
tie rule (read as a repeat election where the law is silent).
"""

from __future__ import annotations

from saylau.law.rules import AkimRules, MazhilisRules, Rules
from saylau.model import BadInput, Contest, Kind
from saylau.outcome.common import Reasoning, check_against_all, percent, ranked
from saylau.outcome.records import PluralityOutcome, Status, Tie


def decide(contest: Contest, rules: Rules) -> PluralityOutcome:
    why = Reasoning(rules.date)
    if contest.kind is Kind.AKIM:
        _check_akim(contest, rules, why)
    else:
        _check_district(contest, rules, why)
    check_against_all(contest, rules)
    law = rules.elections
    order = ranked(contest.options)
    leader, leader_votes = order[0]
    level = [name for name, votes in order if votes == leader_votes]
    status: Status
    winner: str | None = None
    tie: Tie | None = None
    if leader_votes == 0:
        why.say("no_candidate_votes")
        status = Status.REPEAT
    elif len(level) > 1:
        why.say(
            f"first_place_tied_{law.single_member_tie}",
            why.cite(law, "single_member_tie"),
            candidates=level,
            votes=leader_votes,
        )
        status, tie = Status(law.single_member_tie), Tie(frozenset(level), 1)
    else:
        why.say(
            "plurality_elected",
            why.cite(law, "single_member_rule"),
            candidate=leader,
            votes=leader_votes,
        )
        status, winner = Status.ELECTED, leader
    against = contest.against_all or 0
    if against > leader_votes and law.against_all_can_win:
        why.say("against_all_first_repeat", why.cite(law, "against_all_can_win"), votes=against)
        status, winner, tie = Status.REPEAT, None, None
    elif against >= leader_votes and against > 0:
        why.say("against_all_not_a_candidate", why.cite(law, "against_all_can_win"), votes=against)
    valid = contest.option_votes + against
    return PluralityOutcome(
        contest.kind,
        why.reasons(),
        status=status,
        winner=winner,
        tie=tie,
        percent={name: percent(votes, valid) for name, votes in contest.options.items()},
        against_all_percent=percent(against, valid),
    )


def _check_district(contest: Contest, rules: Rules, why: Reasoning) -> None:
    """A single-member district must have existed for the body on the contest's date."""
    body = contest.body or ("mazhilis" if rules.mazhilis is not None else "maslikhat")
    if body == "mazhilis":
        mazhilis = rules.require(MazhilisRules)
        if mazhilis.single_member_seats == 0:
            raise BadInput(
                "date",
                f"the Mazhilis had no single-member districts on {contest.date.isoformat()} "
                f"({mazhilis.cite('single_member_seats')})",
            )
        why.say(
            "mazhilis_districts",
            why.cite(mazhilis, "single_member_seats"),
            seats=mazhilis.single_member_seats,
        )
        return
    refused = maslikhat_district_refusal(rules, contest.level)
    if refused is not None:
        raise BadInput("date", refused)
    why.say("maslikhat_districts", why.cite(rules.maslikhat, maslikhat_share(contest.level)))


def akim_refusal(rules: Rules, level: str) -> str | None:
    """Why akims of ``level`` could not be elected directly under ``rules``, or None; the
    engine and the election definition refuse by this one rule."""
    akim = rules.require(AkimRules)
    flag = f"{level}_elected"
    if getattr(akim, flag):
        return None
    return (
        f"{level} akims were not elected directly on {rules.date.isoformat()} ({akim.cite(flag)})"
    )


def maslikhat_share(level: str | None) -> str:
    """The list share that governs a maslikhat of ``level``: a region's or republican
    city's (the default), or a district's or city of regional significance's."""
    return "district_list_share" if level == "district" else "regional_list_share"


def maslikhat_district_refusal(rules: Rules, level: str | None) -> str | None:
    """Why a maslikhat of ``level`` could have no single-member districts under ``rules``
    (every seat by party lists), or None."""
    share = maslikhat_share(level)
    if getattr(rules.maslikhat, share) != 1:
        return None
    return (
        f"{level or 'regional'} maslikhats were elected by party lists only on "
        f"{rules.date.isoformat()} ({rules.maslikhat.cite(share)})"
    )


def _check_akim(contest: Contest, rules: Rules, why: Reasoning) -> None:
    """The akim's level must have been directly elected on the contest's date."""
    level = contest.level or "rural"
    refused = akim_refusal(rules, level)
    if refused is not None:
        raise BadInput("level", refused, level)
    akim = rules.require(AkimRules)
    flag = f"{level}_elected"
    why.say(f"{level}_akims_elected", why.cite(akim, flag))
    why.say("most_votes_wins", why.cite(akim, "winning_rule"))
