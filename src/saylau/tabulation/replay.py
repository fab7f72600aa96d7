"""Totals rebuilt from the ledger's records alone, for anyone to compare with the published.

A certification record is set beside the republic's totals replayed up to it, so a reader
can tell whether the certified numbers are the sum of the protocols logged before them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.election import Election
from saylau.protocol import Protocol
from saylau.tabulation.totals import Counts, add, difference, empty_counts

UnitKey = tuple[str, str]  # (contest, unit code)


@dataclass(frozen=True)
class Certified:
    """A certification record and what the log before it adds up to (None: unknown contest)."""

    position: int  # the record's place in the log
    contest: str
    record: Mapping[str, Any]
    replayed: Counts | None
    replayed_reported: int


@dataclass
class Replay:
    """The state the records lead to: current protocol per precinct, totals per unit."""

    current: dict[tuple[str, str], tuple[int, Protocol]] = field(default_factory=dict)
    totals: dict[UnitKey, Counts] = field(default_factory=dict)
    reported: dict[UnitKey, int] = field(default_factory=dict)
    certified: list[Certified] = field(default_factory=list)


def protocol_of(record: Mapping[str, Any]) -> Protocol:
    raw = record["protocol"]
    return Protocol(**{**raw, "votes": dict(raw["votes"])})


def replay(election: Election, records: Iterable[Mapping[str, Any]]) -> Replay:
    """Apply protocol and correction records in ledger order, as the service did."""
    state = Replay()
    republic = next(unit.code for unit in election.units if unit.level == "republic")
    for position, record in enumerate(records):
        if record.get("type") == "certification":
            state.certified.append(_certified(election, state, republic, position, record))
            continue
        if record.get("type") not in ("protocol", "correction"):
            continue
        protocol = protocol_of(record)
        pair = (protocol.precinct, protocol.contest)
        previous = state.current.get(pair)
        state.current[pair] = (int(record["version"]), protocol)
        delta = difference(protocol, previous[1] if previous else None)
        options = election.contest(protocol.contest).option_ids
        for code in election.path(protocol.precinct)[:-1]:
            key = (protocol.contest, code)
            state.totals[key] = add(state.totals.get(key) or empty_counts(options), delta)
            if previous is None:
                state.reported[key] = state.reported.get(key, 0) + 1
    return state


def _certified(
    election: Election, state: Replay, republic: str, position: int, record: Mapping[str, Any]
) -> Certified:
    contest = str(record.get("contest"))
    if not election.has_contest(contest):
        return Certified(position, contest, record, None, 0)
    key = (contest, republic)
    replayed = state.totals.get(key) or empty_counts(election.contest(contest).option_ids)
    return Certified(position, contest, record, replayed, state.reported.get(key, 0))
