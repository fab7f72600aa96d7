"""Plausible protocols: bounded by the precinct's list, and agreeing with each other.

A protocol's own arithmetic can add up and still claim a billion voters at a precinct of
two thousand. The relations of scope ``definition`` tie it to the election definition (the
list the precinct was given) and to the law (how many voters may join the list on the day);
those of scope ``precinct`` tie the protocols of one precinct to each other (the contests of
one day share one list). The relations are law data, evaluated by
:mod:`saylau.tabulation.relations`; these are the readings the service and the verifier ask.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from saylau.election import Election
from saylau.protocol import Protocol
from saylau.tabulation.relations import Broken, relations_at

ON_LIST_AS_DEFINED = "on_list_as_defined"
ADDED_WITHIN_LAW = "added_within_law"
SAME_LIST = "same_list"


def additions_allowed(registered: int, share: Fraction) -> int:
    """The most voters a precinct with ``registered`` on its list may add on the day, as
    ``ceil(list * elections.day_additions_share)`` reads it."""
    return math.ceil(registered * share)


def list_breaks(protocol: Protocol, election: Election) -> list[Broken]:
    """How ``protocol`` exceeds its precinct's list in the definition and the law; [] if not."""
    registered = election.unit(protocol.precinct).registered or 0
    return relations_at(election.date).list_breaks(protocol, registered)


def list_disagreements(
    protocol: Protocol, others: Mapping[str, Sequence[Protocol]], date: dt.date
) -> list[Broken]:
    """Where ``protocol`` disagrees with the other contests of its precinct; [] if nowhere.

    ``others`` maps each other contest of the precinct to the protocols it may stand on (its
    current one, and where a correction may still settle it, its pending ones): the protocol
    must share its list with at least one of them. Contests with no protocol are skipped.
    """
    return relations_at(date).disagreements(protocol, others)


def precinct_disagreements(
    protocols: Iterable[Protocol], date: dt.date
) -> list[tuple[str, Broken]]:
    """Every disagreement among the protocols that count, by precinct: each pair of
    contests that do not share their list, named once."""
    by_precinct: dict[str, dict[str, Protocol]] = {}
    for protocol in protocols:
        by_precinct.setdefault(protocol.precinct, {})[protocol.contest] = protocol
    relations = relations_at(date)
    found: list[tuple[str, Broken]] = []
    for precinct in sorted(by_precinct):
        contests = by_precinct[precinct]
        ordered = [contests[contest] for contest in sorted(contests)]
        for index, protocol in enumerate(ordered):
            later = {p.contest: [p] for p in ordered[index + 1 :]}
            found += [(precinct, b) for b in relations.disagreements(protocol, later)]
    return found


__all__ = [
    "ADDED_WITHIN_LAW",
    "ON_LIST_AS_DEFINED",
    "SAME_LIST",
    "additions_allowed",
    "list_breaks",
    "list_disagreements",
    "precinct_disagreements",
]
