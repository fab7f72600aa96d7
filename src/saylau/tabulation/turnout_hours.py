"""Turnout as the commission announced it at its reporting hours on election day, beside
the turnout the protocols give once counted.

During the day the Central Election Commission announces turnout by region at set hours
(in 2023 at 18:10, 20:10 and 22:10, Astana time); readers follow these figures until the
protocols arrive. The announced figures of past nights are packaged with the product
(``saylau/data/territory/turnout-hours.csv``, each row with its source), never read from
outside it at run time; a night with none packaged shows none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from saylau import territory

FILE = "turnout-hours.csv"


@dataclass(frozen=True, slots=True)
class AnnouncedTurnout:
    """One night's announced turnout: its hours in order, each unit's figure at each hour
    (None where the source gave none), and the sources."""

    date: dt.date
    hours: tuple[str, ...]  # local time of the announcement, "18:10"
    percent: dict[str, dict[str, float | None]]  # unit code → hour → percent
    statuses: tuple[str, ...]
    sources: tuple[str, ...]

    def of(self, unit: str) -> tuple[float | None, ...]:
        """A unit's announced turnout at each hour, in order."""
        found = self.percent.get(unit, {})
        return tuple(found.get(hour) for hour in self.hours)


@cache
def announced(date: dt.date) -> AnnouncedTurnout | None:
    """The turnout announced at the reporting hours of the vote held on ``date``."""
    rows = [r for r in territory.rows(FILE) if r["date"] == date.isoformat()]
    if not rows:
        return None
    percent: dict[str, dict[str, float | None]] = defaultdict(dict)
    hours: list[str] = []
    statuses: list[str] = []
    sources: list[str] = []
    for row in rows:
        percent[row["unit"]][row["hour"]] = float(row["percent"])
        for kept, value in ((hours, row["hour"]), (statuses, row["status"])):
            if value not in kept:
                kept.append(value)
        for source in row["source"].split("; "):
            if source not in sources:
                sources.append(source)
    return AnnouncedTurnout(
        date, tuple(sorted(hours)), dict(percent), tuple(statuses), tuple(sources)
    )
