"""The registry of parties as a history: what happened to each party and when, and the
status that history gives it on a day.

Status is never stored: it is read from the events, so a correction is a new event and
the registry as it stood on any earlier day can be read back. The seed is the real parties
of ``data/territory/party-registry.csv`` and ``party-events.csv`` (sources on every row).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

from saylau.model import BadInput, iso_date


class EventKind(StrEnum):
    """What can happen to a party in the registry (the value is how it is stored)."""

    REGISTERED = "registered"
    REREGISTERED = "re-registered"
    REFUSED = "refused"
    RENAMED = "renamed"
    MERGED = "merged"
    DISSOLVED = "dissolved"


class Status(StrEnum):
    """Where a party stands: registered, refused (never registered), merged into another
    party, or dissolved."""

    REGISTERED = "registered"
    REFUSED = "refused"
    MERGED = "merged"
    DISSOLVED = "dissolved"


STATUS_OF_EVENT = {
    EventKind.REGISTERED: Status.REGISTERED,
    EventKind.REREGISTERED: Status.REGISTERED,
    EventKind.MERGED: Status.MERGED,
    EventKind.DISSOLVED: Status.DISSOLVED,
}


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a party's history; ``on`` is None where no source gives the day."""

    kind: EventKind
    on: dt.date | None
    into: str | None = None


def status_of(events: Iterable[Event]) -> Status:
    """The status the events (in order) leave: the last one that changes the standing; a
    party only ever refused is refused. A refusal after a registration (a new application
    of a registered party) leaves it registered."""
    status = Status.REFUSED
    for event in events:
        status = STATUS_OF_EVENT.get(event.kind, status)
    return status


def registered_on(events: Iterable[Event]) -> dt.date | None:
    """The day of the latest registration or re-registration (None if unknown or never)."""
    day = None
    for event in events:
        if event.kind in (EventKind.REGISTERED, EventKind.REREGISTERED):
            day = event.on
    return day


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("saylau").joinpath("data", "territory", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def seed_parties() -> list[dict[str, Any]]:
    """The parties of the registry's seed, as rows of the ``parties`` table."""
    rows = _rows("party-registry.csv")
    for number, row in enumerate(rows, start=2):
        for column in ("id", "name_kk", "name_ru", "name_en", "sources"):
            if not row.get(column):
                raise BadInput(f"party-registry.csv row {number}.{column}", "is required")
    return rows


def seed_events() -> list[dict[str, Any]]:
    """The seed's events as rows of the ``party_events`` table, numbered per party."""
    known = {row["id"] for row in seed_parties()}
    numbers: dict[str, int] = {}
    events: list[dict[str, Any]] = []
    recorded = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    for number, row in enumerate(_rows("party-events.csv"), start=2):
        where = f"party-events.csv row {number}"
        party = row["party"]
        if party not in known:
            raise BadInput(f"{where}.party", "must be a party of party-registry.csv", party)
        kinds = [k.value for k in EventKind]
        if row["event"] not in kinds:
            raise BadInput(f"{where}.event", f"must be one of {kinds}", row["event"])
        into = row["into"] or None
        if into is not None and into not in known:
            raise BadInput(f"{where}.into", "must be a party of party-registry.csv", into)
        numbers[party] = numbers.get(party, 0) + 1
        events.append(
            {
                "party_id": party,
                "number": numbers[party],
                "kind": row["event"],
                "on": iso_date(row["on"], f"{where}.on") if row["on"] else None,
                "into": into,
                "former_kk": row["former_kk"] or None,
                "former_ru": row["former_ru"] or None,
                "former_en": row["former_en"] or None,
                "decision": None,
                "sources": row["sources"],
                "recorded_by": None,
                "recorded_at": recorded,
            }
        )
    return events
