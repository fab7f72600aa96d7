"""Finding a precinct or a place: by the precinct's number (as voters know it from their
invitation: "№ 123") or by any part of a region's, district's or precinct's name in
Kazakh, Russian or English, case and the letter ё aside.

Units are read from the election's definition as the database stores it (the catalogue the
service keeps of it), so a search costs no scan of the protocols. Each place found comes
with its path (region, district), since numbers repeat from one district to the next, and
with the contest whose results its page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saylau.election import ContestDef, Election, Unit
from saylau.service.context import Context
from saylau.service.headlines import main_contest

#: At most this many places are listed; the answer says how many more there were.
LIMIT = 50
#: A query longer than this is refused by the route; shorter than this finds nothing.
SHORTEST = 2
NUMBER = re.compile(r"^\s*(?:№|no\.?|n)?\s*(\d{1,6})\s*$", re.IGNORECASE)
MARKED = re.compile(r"(?:№|No\.?)\s*(\d+)")
DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Place:
    """A unit that matches: itself, the units above it (the republic left out), and the
    contest its results page shows (None if no contest is held there)."""

    unit: Unit
    path: tuple[Unit, ...]
    contest: ContestDef | None


@dataclass(frozen=True, slots=True)
class Found:
    """What a search found: the places (at most :data:`LIMIT`) and how many matched."""

    query: str
    places: tuple[Place, ...]
    matched: int
    by_number: bool


def fold(text: str) -> str:
    """Text as the search compares it: case folded, ё as е."""
    return text.casefold().replace("ё", "е")


def precinct_number(unit: Unit) -> int | None:
    """A precinct's number, as its names give it ('№ 123 сайлау учаскесі' → 123)."""
    for pattern in (MARKED, DIGITS):
        for text in unit.names.values():
            found = pattern.search(text)
            if found:
                return int(found[1] if pattern is MARKED else found[0])
    return None


def _contest_at(election: Election, code: str) -> ContestDef | None:
    """The contest a unit's page shows: the election's main contest where it is held there,
    else the first contest whose area holds the unit."""
    path = set(election.path(code))
    held = [c for c in election.contests if path & set(c.area)]
    main = main_contest(election)
    return main if main in held else (held[0] if held else None)


def search(ctx: Context, election_id: str, query: str) -> Found:
    """The places of the election that match ``query``: a precinct number finds the
    precincts of that number; other text finds the units whose name in any language (or
    whose code) holds it. Larger units first, then in the territory's order."""
    wanted = query.strip()
    with ctx.sessions() as session:
        election = ctx.catalog(session, election_id).election
    number = NUMBER.match(wanted)
    if number is not None:
        value = int(number[1])
        units = [u for u in election.precincts() if precinct_number(u) == value]
    elif len(wanted) < SHORTEST:
        units = []
    else:
        needle = fold(wanted)
        units = [
            u
            for u in election.units
            if u.level != "republic"
            and (needle in fold(u.code) or any(needle in fold(n) for n in u.names.values()))
        ]
    depth = {u.code: len(election.path(u.code)) for u in units}
    order = {u.code: i for i, u in enumerate(election.units)}
    units.sort(key=lambda u: (depth[u.code], order[u.code]))
    places = tuple(
        Place(
            u,
            tuple(election.unit(code) for code in election.path(u.code)[1:-1]),
            _contest_at(election, u.code),
        )
        for u in units[:LIMIT]
    )
    return Found(wanted, places, len(units), number is not None)
