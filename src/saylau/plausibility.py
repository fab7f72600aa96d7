"""Plausible protocols: bounded by the precinct's list, and agreeing with each other.

The control relations of :mod:`saylau.protocol` only check a protocol's own arithmetic, so a
protocol that adds up can still claim a billion voters at a precinct of two thousand. These
relations tie it to the election definition (the list the precinct was given) and to the
law (how many voters may join the list on the day), and tie the protocols of one precinct to
each other (the contests of one day share one list). They are pure: the service checks them
before it stores a protocol, the verifier checks them on the published record.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from saylau.election import Election
from saylau.law.rules import ElectionRules, rules_at
from saylau.protocol import Broken, Protocol

ON_LIST_AS_DEFINED = "voters_on_list = the precinct's list"
ADDED_WITHIN_LAW = "voters_added <= the additions the law permits"
SAME_LIST = "the contests of one precinct share one list"

RELATIONS: tuple[str, ...] = (ON_LIST_AS_DEFINED, ADDED_WITHIN_LAW, SAME_LIST)
"""Every plausibility relation, by name (after the control relations of ``protocol``)."""


def additions_allowed(registered: int, share: Fraction) -> int:
    """The most voters a precinct with ``registered`` on its list may add on the day."""
    return math.ceil(registered * share)


def list_breaks(protocol: Protocol, election: Election) -> list[Broken]:
    """How ``protocol`` exceeds its precinct's list in the definition and the law; [] if not."""
    registered = election.unit(protocol.precinct).registered or 0
    elections = rules_at(election.date).elections
    broken: list[Broken] = []
    if protocol.voters_on_list != registered:
        broken.append(
            Broken(
                ON_LIST_AS_DEFINED,
                f"the voters on the list must be the {registered:,} voters of precinct "
                f"{protocol.precinct}'s list in the election definition; voters who join the "
                "list on the day are counted as voters added (CL art. 24, the list compiled "
                "by the akim and given to the precinct commission)",
                f"on the list {protocol.voters_on_list:,}; the precinct's list {registered:,}",
            )
        )
    allowed = additions_allowed(registered, elections.day_additions_share)
    if protocol.voters_added > allowed:
        broken.append(
            Broken(
                ADDED_WITHIN_LAW,
                f"the voters added on the day ({elections.day_additions}) may be at most "
                f"{_share_words(elections)} of the precinct's list of {registered:,}, that is "
                f"{allowed:,} ({elections.cite('day_additions_share')})",
                f"added {protocol.voters_added:,} > {allowed:,}",
            )
        )
    return broken


def _share_words(elections: ElectionRules) -> str:
    percent = elections.day_additions_share * 100
    return f"{percent.numerator / percent.denominator:g} %"


def list_disagreements(
    protocol: Protocol, others: Mapping[str, Sequence[Protocol]], date: dt.date
) -> list[Broken]:
    """Where ``protocol`` disagrees with the other contests of its precinct; [] if nowhere.

    ``others`` maps each other contest of the precinct to the protocols it may stand on (its
    current one, and where a correction may still settle it, its pending ones): the protocol
    must share its list with at least one of them. Contests with no protocol are skipped.
    """
    elections = rules_at(date).elections
    if not elections.one_list_per_precinct:
        return []
    broken: list[Broken] = []
    for contest, candidates in sorted(others.items()):
        if contest == protocol.contest or not candidates:
            continue
        if any(_same_list(protocol, other) for other in candidates):
            continue
        other = candidates[0]
        broken.append(
            Broken(
                SAME_LIST,
                f"every contest voted at precinct {protocol.precinct} on "
                f"{date.isoformat()} counts the same voters' list, so each protocol gives the "
                "same voters on the list and voters added "
                f"({elections.cite('one_list_per_precinct')})",
                f"{protocol.contest}: on the list {protocol.voters_on_list:,} + added "
                f"{protocol.voters_added:,}; {contest}: on the list {other.voters_on_list:,} "
                f"+ added {other.voters_added:,}",
            )
        )
    return broken


def _same_list(one: Protocol, other: Protocol) -> bool:
    return (one.voters_on_list, one.voters_added) == (other.voters_on_list, other.voters_added)


def precinct_disagreements(
    protocols: Iterable[Protocol], date: dt.date
) -> list[tuple[str, Broken]]:
    """Every disagreement among the protocols that count, by precinct: each pair of
    contests that do not share their list, named once."""
    by_precinct: dict[str, dict[str, Protocol]] = {}
    for protocol in protocols:
        by_precinct.setdefault(protocol.precinct, {})[protocol.contest] = protocol
    found: list[tuple[str, Broken]] = []
    for precinct in sorted(by_precinct):
        contests = by_precinct[precinct]
        ordered = [contests[contest] for contest in sorted(contests)]
        for index, protocol in enumerate(ordered):
            later = {p.contest: [p] for p in ordered[index + 1 :]}
            found += [(precinct, b) for b in list_disagreements(protocol, later, date)]
    return found


__all__ = [
    "ADDED_WITHIN_LAW",
    "ON_LIST_AS_DEFINED",
    "RELATIONS",
    "SAME_LIST",
    "additions_allowed",
    "list_breaks",
    "list_disagreements",
    "precinct_disagreements",
]
