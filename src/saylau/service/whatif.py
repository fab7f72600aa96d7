"""A night's party-list contest as the what-if and the seat Monte-Carlo read it: the republic's
totals so far, and one row per precinct (reported with its protocol, pending with its list)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from saylau.forensics.seats_montecarlo import (
    LIST_KINDS,
    CountInProgress,
    SeatDistribution,
    simulate,
)
from saylau.forensics.whatif import WhatIf, rules_on, what_if
from saylau.model import Contest
from saylau.service.context import Context
from saylau.service.errors import NotFound
from saylau.service.results import _contest, contest_input, decision_totals
from saylau.service.submission import protocol_from_payload
from saylau.store.tables import CurrentRow, ProtocolRow


def night_contest(ctx: Context, election_id: str, contest_id: str) -> Contest:
    """The contest's totals so far, as ``saylau decide`` reads a contest file."""
    return night_count(ctx, election_id, contest_id).contest


def night_count(ctx: Context, election_id: str, contest_id: str) -> CountInProgress:
    """The contest's totals and precinct rows; a precinct's region is the unit under the
    republic that holds it."""
    with ctx.sessions() as session:
        catalog = ctx.catalog(session, election_id)
        election = catalog.election
        contest = _contest(election, contest_id)
        row, units = decision_totals(session, election, contest, catalog.republic)
        if row is None or row.precincts_reported == 0:
            raise NotFound(f"contest {contest_id!r} has no accepted protocol yet")
        payloads = dict(
            session.execute(
                select(ProtocolRow.precinct, ProtocolRow.payload)
                .join(CurrentRow, CurrentRow.protocol_id == ProtocolRow.id)
                .where(CurrentRow.election_id == election.id, CurrentRow.contest == contest_id)
            ).all()
        )
    decided = contest_input(election, contest, json.loads(row.counts), units)
    precincts = [
        unit
        for unit in election.precincts()
        if contest_id in {c.id for c in election.contests_for(unit.code)}
    ]
    options = list(decided.options)
    size = len(precincts)
    region = np.empty(size, dtype=object)
    voters = np.zeros(size, dtype=np.int64)
    reported = np.zeros(size, dtype=np.bool_)
    fields = np.zeros((3, size), dtype=np.int64)
    votes = np.zeros((size, len(options)), dtype=np.int64)
    for index, unit in enumerate(precincts):
        path = election.path(unit.code)
        region[index] = path[1] if len(path) > 2 else path[0]
        voters[index] = unit.registered or 0
        payload = payloads.get(unit.code)
        if payload is None:
            continue
        protocol = protocol_from_payload(payload)
        reported[index] = True
        voters[index] = protocol.voters_on_list + protocol.voters_added
        fields[:, index] = (protocol.ballots_found, protocol.invalid, protocol.against_all)
        votes[index] = [protocol.votes.get(option, 0) for option in options]
    return CountInProgress(
        contest=decided,
        region=region.astype(np.str_),
        voters=voters,
        reported=reported,
        participated=fields[0],
        invalid=fields[1],
        against_all=fields[2],
        votes=votes,
    )


@dataclass(frozen=True, slots=True)
class NightWhatIf:
    """A night's contest under another date's law, and, for a party-list contest, the seat
    Monte-Carlo under both (None for a contest of candidates)."""

    what_if: WhatIf
    actual_seats: SeatDistribution | None
    what_if_seats: SeatDistribution | None


def night_what_if(
    ctx: Context, election_id: str, contest_id: str, day: dt.date, draws: int, seed: int
) -> NightWhatIf:
    """The contest's totals so far re-decided under the law of ``day``, and ``draws`` seeded
    draws of its seats under both laws; BadInput when either law cannot decide them."""
    count = night_count(ctx, election_id, contest_id)
    rule_set = rules_on(day)
    result = what_if(count.contest, rule_set)
    if count.contest.kind not in LIST_KINDS:
        return NightWhatIf(result, None, None)
    return NightWhatIf(
        what_if=result,
        actual_seats=simulate(count, draws, seed, 0.0, result.actual_rules.rules),
        what_if_seats=simulate(count, draws, seed, 0.0, rule_set.rules),
    )
