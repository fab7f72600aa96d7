"""The previous election of the same body, beside tonight's shares: each party's share then
and now and the change in percentage points.

The official national results of past elections are packaged with the product
(``saylau/data/territory/results-mazhilis-past.csv``, each row with its source), never read
from outside it at run time. A past party is matched to tonight's option by the party's id
in the registry, so a party that was renamed since (Nur Otan, now Amanat; the Communist
People's Party, now the People's Party of Kazakhstan) is compared with itself. Shares then
and now are computed by :mod:`saylau.tabulation.figures` on the same base, as the
commission prints them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from saylau import territory
from saylau.tabulation import figures

#: Each kind of contest with past results packaged, and the file that holds them.
PAST_RESULTS = {"mazhilis-list": "results-mazhilis-past.csv"}

#: The past result's lines, as the counts of a totals row name them.
LINES = {
    "registered": "voters_on_list",
    "participated": "ballots_found",
    "invalid": "invalid",
    "against_all": "against_all",
}


@dataclass(frozen=True, slots=True)
class PastResult:
    """One past election's official national result, as counts a totals row would hold."""

    kind: str
    date: dt.date
    counts: Mapping[str, Any]  # voters_on_list, ballots_found, invalid, against_all, votes
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One option's share tonight, its party's share at the previous election, and the
    change in percentage points (None where either is unknown: the party did not run)."""

    option: str
    now: float | None
    then: float | None
    points: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Tonight's shares and turnout beside those of the previous election of the body."""

    previous: PastResult
    changes: tuple[Change, ...]
    turnout_now: float | None
    turnout_then: float | None
    turnout_points: float | None


@cache
def past_results(kind: str) -> tuple[PastResult, ...]:
    """Every packaged past result of ``kind``, oldest first (none for other kinds)."""
    file = PAST_RESULTS.get(kind)
    if file is None:
        return ()
    lines: dict[str, dict[str, Any]] = defaultdict(lambda: {"votes": {}, "voters_added": 0})
    sources: dict[str, list[str]] = defaultdict(list)
    for row in territory.rows(file):
        counts = lines[row["date"]]
        if row["line"] == "votes":
            # a party with no id in the registry counts in the base but matches no option
            party = row["party"] or f"unregistered:{row['name_in_result']}"
            counts["votes"][party] = int(row["value"])
        else:
            counts[LINES[row["line"]]] = int(row["value"])
        if row["source"] not in sources[row["date"]]:
            sources[row["date"]].append(row["source"])
    return tuple(
        PastResult(kind, dt.date.fromisoformat(day), counts, tuple(sources[day]))
        for day, counts in sorted(lines.items())
    )


def previous(kind: str, before: dt.date) -> PastResult | None:
    """The latest packaged election of ``kind`` held before ``before``."""
    earlier = [p for p in past_results(kind) if p.date < before]
    return earlier[-1] if earlier else None


def _points(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else round(now - then, 2)


def compare(
    kind: str,
    date: dt.date,
    counts: Mapping[str, Any],
    parties: Sequence[tuple[str, str | None]],
) -> Comparison | None:
    """Tonight's ``counts`` beside the previous election of ``kind`` before ``date``;
    ``parties`` pairs each option's id with its party's id. None without a previous one."""
    past = previous(kind, date)
    if past is None:
        return None
    now = figures.shares(kind, counts)
    then = figures.shares(kind, past.counts)
    changes = []
    for option, party in parties:
        share_then = then.get(party) if party else None
        changes.append(
            Change(option, now.get(option), share_then, _points(now.get(option), share_then))
        )
    turnout_now, turnout_then = figures.turnout(counts), figures.turnout(past.counts)
    return Comparison(
        past, tuple(changes), turnout_now, turnout_then, _points(turnout_now, turnout_then)
    )
