"""The places each city's maslikhat set for peaceful assemblies, dated, each with the
maslikhat's decision as its source (``data/territory/assembly-places.csv``).

Law No. 333-VI art. 8(2) has the maslikhat of each city and district set specialised places
and routes; an assembly is held only there. A place or route without its decision, its source
or the day it applies from does not load: a notification checked against a place nobody can
trace would be refused or accepted on hearsay.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from saylau.assemblies.kinds import Kind
from saylau.law.reading import iso_day
from saylau.territory import DATA, rows

PLACES_FILE = "assembly-places.csv"
COLUMNS = (
    "city",
    "place",
    "kinds",
    "name_kk",
    "name_ru",
    "name_en",
    "capacity",
    "from",
    "until",
    "decision",
    "source",
    "open",
)
PLACE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class PlacesDataError(ValueError):
    """The places file is malformed: names the line, the column and the rule."""


@dataclass(frozen=True, slots=True)
class Place:
    """A place (or a route) set by a city's maslikhat, from ``start`` to ``until``
    (inclusive; None while in force), for the forms of assembly in ``kinds``."""

    city: str
    id: str
    kinds: frozenset[Kind]
    names: Mapping[str, str]
    capacity: int | None
    start: dt.date
    until: dt.date | None
    decision: str
    source: str
    open: str | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)

    @property
    def citation(self) -> str:
        return f"{self.decision} ({self.source})"


@dataclass(frozen=True)
class PlaceBook:
    """Every place of every city, over time."""

    places: tuple[Place, ...]

    def cities(self) -> tuple[str, ...]:
        return tuple(sorted({p.city for p in self.places}))

    def on(self, city: str, day: dt.date) -> tuple[Place, ...]:
        """The places of ``city`` in force on ``day``."""
        return tuple(p for p in self.places if p.city == city and p.covers(day))

    def find(self, city: str, place: str, day: dt.date) -> Place | None:
        return next((p for p in self.on(city, day) if p.id == place), None)

    def named(self, city: str, place: str) -> Place | None:
        """The latest period of a place, whatever the day (for showing its name)."""
        found = [p for p in self.places if p.city == city and p.id == place]
        return max(found, key=lambda p: p.start) if found else None


def _day(raw: str, where: str) -> dt.date:
    day = iso_day(raw)
    if day is None:
        raise PlacesDataError(f"{where}: expected a date YYYY-MM-DD, found {raw!r}")
    return day


def load_places(text: str, cities: frozenset[str]) -> PlaceBook:
    """Read the places file, refusing a row without its decision, source or date, a kind the
    law does not name, a city not in ``cities`` or two periods of one place that overlap."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise PlacesDataError(f"{PLACES_FILE}: the columns must be {', '.join(COLUMNS)}")
    places: list[Place] = []
    for line, row in enumerate(reader, start=2):
        where = f"{PLACES_FILE} line {line}"

        def text_of(column: str, where: str = where, row: dict[str, str] = row) -> str:
            value = (row.get(column) or "").strip()
            if not value:
                raise PlacesDataError(f"{where}, column {column}: must not be empty")
            return value

        city = text_of("city")
        if city not in cities:
            raise PlacesDataError(f"{where}, column city: {city!r} is no region of regions.csv")
        place = text_of("place")
        if not PLACE_ID.match(place):
            raise PlacesDataError(
                f"{where}, column place: {place!r} is not lower-case Latin letters, digits, '-'"
            )
        kinds: set[Kind] = set()
        for part in text_of("kinds").split(";"):
            try:
                kinds.add(Kind(part.strip()))
            except ValueError:
                known = ", ".join(k.value for k in Kind)
                raise PlacesDataError(
                    f"{where}, column kinds: {part.strip()!r} is not one of {known}"
                ) from None
        names = {lang: text_of(f"name_{lang}") for lang in ("kk", "ru", "en")}
        capacity_raw = (row.get("capacity") or "").strip()
        capacity = None
        if capacity_raw:
            if not capacity_raw.isdigit() or int(capacity_raw) < 1:
                raise PlacesDataError(
                    f"{where}, column capacity: a positive whole number, found {capacity_raw!r}"
                )
            capacity = int(capacity_raw)
        start = _day(text_of("from"), f"{where}, column from")
        until_raw = (row.get("until") or "").strip()
        until = _day(until_raw, f"{where}, column until") if until_raw else None
        if until is not None and until < start:
            raise PlacesDataError(f"{where}, column until: {until} is before from {start}")
        places.append(
            Place(
                city=city,
                id=place,
                kinds=frozenset(kinds),
                names=names,
                capacity=capacity,
                start=start,
                until=until,
                decision=text_of("decision"),
                source=text_of("source"),
                open=(row.get("open") or "").strip() or None,
            )
        )
    for index, first in enumerate(places):
        for second in places[index + 1 :]:
            if (first.city, first.id) != (second.city, second.id):
                continue
            first_end = first.until or dt.date.max
            second_end = second.until or dt.date.max
            if first.start <= second_end and second.start <= first_end:
                raise PlacesDataError(
                    f"{PLACES_FILE}: place {first.city}/{first.id} has two periods that overlap "
                    f"({first.start} and {second.start})"
                )
    if not places:
        raise PlacesDataError(f"{PLACES_FILE}: no places")
    return PlaceBook(tuple(places))


@cache
def place_book() -> PlaceBook:
    """The places shipped with Saylau (read once per process)."""
    cities = frozenset(row["iso_3166_2"] for row in rows("regions.csv"))
    return load_places(DATA.joinpath(PLACES_FILE).read_text("utf-8"), cities)
