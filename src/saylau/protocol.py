"""The precinct protocol: one per precinct and contest, and the control relations it must keep.

A protocol is read strictly (a count is a JSON integer ≥ 0, every option of the contest is
present and named once, whatever the letter case or surrounding spaces, the precinct votes
in the contest) and then checked against the arithmetic every commission's protocol must
satisfy. A protocol that breaks relations is not rejected here:
:func:`broken_relations` lists every relation it breaks, so the service can quarantine it
and tell the commission exactly what does not add up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from saylau.election import Election, canonical_json
from saylau.law.rules import rules_at
from saylau.model import BadInput, plain_name, refuse_same_names

COUNT_FIELDS: tuple[str, ...] = (
    "voters_on_list",
    "voters_added",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_found",
    "invalid",
    "against_all",
    "neither",
)
"""The protocol's count lines, in the order of the form."""

_OPTIONAL_ZERO = ("neither",)
_FIELDS = ("precinct", "contest", *COUNT_FIELDS, "votes")

SOURCE = "CL on Elections, precinct protocol control relations"

RECEIVED = "received = issued + cancelled"
FOUND_WITHIN_ISSUED = "found <= issued"
FOUND_ACCOUNTED = "found = invalid + votes + against_all + neither"
ISSUED_WITHIN_LIST = "issued <= voters_on_list + voters_added"
AGAINST_ALL_ON_BALLOT = "against_all = 0 unless on the ballot"

RELATIONS: tuple[str, ...] = (
    RECEIVED,
    FOUND_WITHIN_ISSUED,
    FOUND_ACCOUNTED,
    ISSUED_WITHIN_LIST,
    AGAINST_ALL_ON_BALLOT,
)
"""Every control relation :func:`broken_relations` checks, by name."""


@dataclass(frozen=True, slots=True)
class Protocol:
    """The counts one precinct commission reports for one contest.

    ``neither`` counts ballots that are neither invalid nor a vote (a referendum ballot with
    both boxes marked); it is 0 on most forms. ``votes`` maps option id to votes.
    """

    precinct: str
    contest: str
    voters_on_list: int
    voters_added: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_found: int
    invalid: int
    against_all: int
    neither: int
    votes: dict[str, int]

    @property
    def option_votes(self) -> int:
        return sum(self.votes.values())

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: a resubmitted identical protocol hashes alike."""
        return hashlib.sha256(canonical_json(protocol_to_mapping(self))).hexdigest()


@dataclass(frozen=True, slots=True)
class Broken:
    """A control relation the protocol breaks: which, the rule in words, and the numbers."""

    relation: str
    rule: str
    found: str


def _count(raw: dict[str, Any], name: str, where: str) -> int:
    if name not in raw:
        raise BadInput(where, "is required")
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(where, "must be a non-negative integer", value)
    return value


def protocol_from_mapping(raw: Any, election: Election) -> Protocol:
    """Check a protocol given as parsed JSON against the election and return it, or BadInput."""
    if not isinstance(raw, dict):
        raise BadInput("(document)", "must be a JSON object holding one precinct protocol")
    for key in raw:
        if key not in _FIELDS:
            raise BadInput(str(key), f"is not a field of a protocol (known: {', '.join(_FIELDS)})")
    precinct = raw.get("precinct")
    if not isinstance(precinct, str) or not election.has_unit(precinct):
        raise BadInput("precinct", "must be the code of a unit of the election", precinct)
    level = election.unit(precinct).level
    if level != "precinct":
        raise BadInput("precinct", f"must be a precinct, not a {level}", precinct)
    contest_id = raw.get("contest")
    if not isinstance(contest_id, str) or not election.has_contest(contest_id):
        raise BadInput("contest", "must be the id of a contest of the election", contest_id)
    contest = election.contest(contest_id)
    if all(other.id != contest.id for other in election.contests_for(precinct)):
        raise BadInput(
            "contest",
            f"precinct {precinct} does not vote in this contest (outside its area)",
            contest_id,
        )
    counts = {
        name: (0 if name in _OPTIONAL_ZERO and name not in raw else _count(raw, name, name))
        for name in COUNT_FIELDS
    }
    votes_raw = raw.get("votes")
    if not isinstance(votes_raw, dict):
        raise BadInput("votes", "must be an object of option id → votes", votes_raw)
    refuse_same_names(((f"votes.{option}", option) for option in votes_raw), "option ids")
    given = {plain_name(option): option for option in votes_raw}
    options = contest.option_ids
    for option, written in given.items():
        if option not in options:
            raise BadInput(
                f"votes.{written}",
                f"is not an option of contest {contest_id} (options: {', '.join(options)})",
            )
    votes = {
        option: _count(votes_raw, given.get(option, option), f"votes.{option}")
        for option in options
    }
    return Protocol(precinct=precinct, contest=contest.id, votes=votes, **counts)


def protocol_to_mapping(protocol: Protocol) -> dict[str, Any]:
    """The protocol as plain JSON values, in the shape ``protocol_from_mapping`` reads."""
    mapping: dict[str, Any] = {"precinct": protocol.precinct, "contest": protocol.contest}
    for name in COUNT_FIELDS:
        mapping[name] = getattr(protocol, name)
    mapping["votes"] = dict(protocol.votes)
    return mapping


def broken_relations(protocol: Protocol, date: dt.date | None = None) -> list[Broken]:
    """Every control relation ``protocol`` breaks, in the order of the form; [] if none.

    With the election ``date``, a vote "against all" is also checked against the law of
    that day: where the option was not on the ballot, the line must be 0.
    """
    p = protocol
    broken: list[Broken] = []
    cite = f" ({SOURCE})"
    if p.ballots_received != p.ballots_issued + p.ballots_cancelled:
        broken.append(
            Broken(
                RECEIVED,
                "the ballots the commission received must equal the ballots issued to voters "
                "plus the ballots cancelled (unused or spoiled)" + cite,
                f"received {p.ballots_received:,}; issued {p.ballots_issued:,} + cancelled "
                f"{p.ballots_cancelled:,} = {p.ballots_issued + p.ballots_cancelled:,}",
            )
        )
    if p.ballots_found > p.ballots_issued:
        broken.append(
            Broken(
                FOUND_WITHIN_ISSUED,
                "the ballots found in the boxes cannot exceed the ballots issued to voters" + cite,
                f"found {p.ballots_found:,} > issued {p.ballots_issued:,}",
            )
        )
    accounted = p.invalid + p.option_votes + p.against_all + p.neither
    if p.ballots_found != accounted:
        broken.append(
            Broken(
                FOUND_ACCOUNTED,
                "every ballot found in the boxes is invalid, a vote for an option, a vote "
                "against all, or neither invalid nor a vote: found must equal their sum" + cite,
                f"found {p.ballots_found:,}; invalid {p.invalid:,} + votes {p.option_votes:,} "
                f"+ against all {p.against_all:,} + neither {p.neither:,} = {accounted:,}",
            )
        )
    voters = p.voters_on_list + p.voters_added
    if p.ballots_issued > voters:
        broken.append(
            Broken(
                ISSUED_WITHIN_LIST,
                "the ballots issued cannot exceed the voters on the list plus the voters "
                "added on the day" + cite,
                f"issued {p.ballots_issued:,} > on the list {p.voters_on_list:,} + added "
                f"{p.voters_added:,} = {voters:,}",
            )
        )
    if date is not None and p.against_all > 0:
        elections = rules_at(date).elections
        if not elections.against_all_on_ballot:
            citation = elections.cite("against_all_on_ballot")
            broken.append(
                Broken(
                    AGAINST_ALL_ON_BALLOT,
                    f"'against all' was not on the ballot on {date.isoformat()}, so no vote "
                    f"can be counted against all ({citation.source}){cite}",
                    f"against all {p.against_all:,}",
                )
            )
    return broken


__all__ = [
    "COUNT_FIELDS",
    "RELATIONS",
    "Broken",
    "Protocol",
    "broken_relations",
    "protocol_from_mapping",
    "protocol_to_mapping",
]
