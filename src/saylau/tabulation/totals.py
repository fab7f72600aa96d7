"""Running totals as plain data: a protocol's counts, their differences and sums.

A unit's totals are the sum of the current protocols of the precincts below it; an
accepted protocol adds its counts along its path, an approved correction adds the
difference between the new and the replaced version. Both are O(depth).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from saylau.protocol import COUNT_FIELDS, Protocol

#: The protocol fields summed up the tree: every count line of the form.
FIELDS = COUNT_FIELDS

Counts = dict[str, Any]  # FIELDS → int, "votes" → {option: int}


def empty_counts(options: Iterable[str]) -> Counts:
    counts: Counts = dict.fromkeys(FIELDS, 0)
    counts["votes"] = dict.fromkeys(options, 0)
    return counts


def counts_of(protocol: Protocol) -> Counts:
    counts: Counts = {name: getattr(protocol, name) for name in FIELDS}
    counts["votes"] = dict(protocol.votes)
    return counts


def difference(new: Protocol, old: Protocol | None) -> Counts:
    """What replacing ``old`` by ``new`` adds to every total above the precinct."""
    delta = counts_of(new)
    if old is not None:
        for name in FIELDS:
            delta[name] -= getattr(old, name)
        for option, votes in old.votes.items():
            delta["votes"][option] = delta["votes"].get(option, 0) - votes
    return delta


def add(total: Counts, delta: Mapping[str, Any]) -> Counts:
    """``total`` + ``delta`` as a new mapping (inputs unchanged)."""
    result: Counts = {name: total[name] + delta[name] for name in FIELDS}
    votes = dict(total["votes"])
    for option, change in delta["votes"].items():
        votes[option] = votes.get(option, 0) + change
    result["votes"] = votes
    return result
