"""Assemblies at one place whose times overlap: flagged on the calendar for the akimat and
the organisers (the law leaves the choice to the akimat; Saylau only shows the clash)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True, slots=True)
class Slot:
    """One assembly's time at one place of one city."""

    id: str
    city: str
    place: str
    starts: dt.datetime
    ends: dt.datetime


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two assemblies at ``place`` of ``city`` whose times share ``since`` to ``until``."""

    first: str
    second: str
    city: str
    place: str
    since: dt.datetime
    until: dt.datetime


def overlaps(slots: Iterable[Slot]) -> tuple[Overlap, ...]:
    """Every pair of slots at one place whose times overlap (touching ends do not), in order
    of place and start; a sweep over each place's slots sorted by start."""
    found: list[Overlap] = []
    ordered = sorted(slots, key=lambda s: (s.city, s.place, s.starts, s.ends, s.id))
    for _, group in groupby(ordered, key=lambda s: (s.city, s.place)):
        running: list[Slot] = []
        for slot in group:
            running = [r for r in running if r.ends > slot.starts]
            for earlier in running:
                found.append(
                    Overlap(
                        earlier.id,
                        slot.id,
                        slot.city,
                        slot.place,
                        slot.starts,
                        min(earlier.ends, slot.ends),
                    )
                )
            running.append(slot)
    return tuple(found)
