"""Every figure a page, the live JSON, the API or a file shows of a unit's totals: turnout,
shares and the leader, computed once, here, as the commission prints them.

Shares are given on the base the outcome engine uses for the contest's kind (votes for the
options and "against all" for elections; voters who took part for a referendum and the
Senate's electors), rounded half-up to two places like every percentage of the engine
(``saylau.outcome.common.percent``); turnout is voters who took part (ballots found) of the
voters on the lists with those added on the day. A leader is a tuple, so a tie is a value
and not the accident of a dictionary's order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from saylau.law.rules import rules_at
from saylau.outcome.common import percent

#: Kinds whose shares are taken of the voters who took part rather than of the votes.
SHARES_OF_PARTICIPANTS = frozenset({"referendum", "senate"})


def voters(counts: Mapping[str, Any]) -> int:
    """Voters on the lists, with those added on the day."""
    return int(counts.get("voters_on_list", 0)) + int(counts.get("voters_added", 0))


def turnout(counts: Mapping[str, Any]) -> float | None:
    """Voters who took part, in percent of the voters on the lists (None before any)."""
    return percent(int(counts.get("ballots_found", 0)), voters(counts))


def share_base(kind: str, counts: Mapping[str, Any]) -> int:
    """What a share of ``kind`` is taken of."""
    if kind in SHARES_OF_PARTICIPANTS:
        return int(counts.get("ballots_found", 0))
    votes: Mapping[str, int] = counts.get("votes", {})
    return sum(votes.values()) + int(counts.get("against_all", 0))


def shares(kind: str, counts: Mapping[str, Any]) -> dict[str, float | None]:
    """Each option's share in percent, on the base the law sets for ``kind``."""
    base = share_base(kind, counts)
    votes: Mapping[str, int] = counts.get("votes", {})
    return {option: percent(v, base) for option, v in votes.items()}


def against_all_on_ballot(kind: str, date: dt.date) -> bool:
    """Whether "against all" was a line of this contest's ballot: on election ballots as the
    law of the date has it (``elections.against_all_on_ballot``), never on a referendum's."""
    return kind != "referendum" and rules_at(date).elections.against_all_on_ballot


def validity_share(date: dt.date) -> Fraction:
    """The share of the voters on the lists (with those added on the day) that must take part,
    strictly more, for a referendum of ``date`` to be valid: the law of the date's
    ``referendum.validity_share``, the figure the outcome engine applies."""
    return Fraction(rules_at(date).referendum.validity_share)


def against_all_share(kind: str, counts: Mapping[str, Any]) -> float | None:
    """ "Against all" in percent on the same base as the options' shares."""
    return percent(int(counts.get("against_all", 0)), share_base(kind, counts))


def leaders(votes: Mapping[str, int]) -> tuple[str, ...]:
    """The options with the most votes (several when tied; none before any vote)."""
    most = max(votes.values(), default=0)
    if most <= 0:
        return ()
    return tuple(option for option, v in votes.items() if v == most)


def margin(kind: str, counts: Mapping[str, Any]) -> float | None:
    """The leader's lead over the next option, in percentage points of the share base
    (the whole share when only one option has votes; 0 for a tie; None before any vote)."""
    votes: Mapping[str, int] = counts.get("votes", {})
    ranked = sorted(votes.values(), reverse=True)
    if not ranked or ranked[0] <= 0:
        return None
    runner_up = ranked[1] if len(ranked) > 1 else 0
    return percent(ranked[0] - runner_up, share_base(kind, counts))
