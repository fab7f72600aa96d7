"""How many signatures a petition needs: by its addressee and the population of its unit,
under the law of the day (electoral-rules §8).

The Government needs a fixed number; a regional (or republican-city) maslikhat or akimat a
share of the unit's population, rounded up (a share is met only by whole citizens); a district
with more people than the law's floor a fixed number. The population is an input with its date
and source, read from the packaged territory data for a region.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from saylau import territory
from saylau.law.rules import Citation, PetitionRules
from saylau.petitions.refusal import Refusal, TransitionRefused


class Addressee(StrEnum):
    """The body a petition is addressed to."""

    GOVERNMENT = "government"
    REGIONAL_MASLIKHAT = "regional_maslikhat"
    REGIONAL_AKIMAT = "regional_akimat"
    DISTRICT_MASLIKHAT = "district_maslikhat"
    DISTRICT_AKIMAT = "district_akimat"

    @property
    def central(self) -> bool:
        """A central body has the longer review period; every other body is local."""
        return self is Addressee.GOVERNMENT


def body_key(addressee: Addressee, unit_code: str | None) -> str:
    """The name of the body a petition is addressed to, as its credential's subject holds it:
    ``government``, or the kind of body and its unit (``regional_akimat:KZ-75``)."""
    if addressee is Addressee.GOVERNMENT:
        return addressee.value
    return f"{addressee.value}:{unit_code}"


def parse_body_key(key: str) -> tuple[Addressee, str | None]:
    """The addressee and unit a body's name stands for; ValueError for a name of no body."""
    kind, _, unit = key.partition(":")
    addressee = Addressee(kind)
    if (addressee is Addressee.GOVERNMENT) != (unit == ""):
        raise ValueError(f"{key!r}: the Government is named alone, every other body with its unit")
    return addressee, unit or None


@dataclass(frozen=True, slots=True)
class Unit:
    """A region, republican city or district with the population its threshold is read on."""

    code: str
    population: int
    population_date: dt.date
    population_source: str


@dataclass(frozen=True, slots=True)
class Threshold:
    """Signatures a petition needs, and the law (and population) it was read from."""

    required: int
    citation: Citation
    unit: Unit | None


#: The population figures of ``regions.csv``: (reference date, figure column, source column).
POPULATION_FIGURES = (
    (dt.date(2024, 7, 1), "population_2024_07_01", "population_2024_source"),
    (dt.date(2026, 1, 1), "population_2026_01_01", "population_2026_source"),
)


def region_unit(iso_3166_2: str, on: dt.date) -> Unit:
    """A region or republican city with the latest population figure the packaged territory
    data dates on or before ``on`` (a figure applies from its reference date; a region
    without a newer figure keeps its older one)."""
    for row in territory.rows("regions.csv"):
        if row["iso_3166_2"] != iso_3166_2:
            continue
        known = [
            (day, int(row[figure]), row[source])
            for day, figure, source in POPULATION_FIGURES
            if day <= on and row[figure]
        ]
        if not known:
            raise LookupError(f"on: no population of {iso_3166_2} is dated on or before {on}")
        day, population, source = max(known)
        return Unit(iso_3166_2, population, day, source)
    raise KeyError(f"no region {iso_3166_2!r} in the territory data (ISO 3166-2, e.g. KZ-75)")


def threshold(addressee: Addressee, unit: Unit | None, law: PetitionRules) -> Threshold:
    """The signatures a petition to ``addressee`` in ``unit`` needs under ``law``."""
    if addressee is Addressee.GOVERNMENT:
        return Threshold(law.government_threshold, law.cite("government_threshold"), None)
    if unit is None:
        raise ValueError(f"addressee: a petition to a {addressee} needs its unit")
    shares = {
        Addressee.REGIONAL_MASLIKHAT: "regional_maslikhat_share",
        Addressee.REGIONAL_AKIMAT: "regional_akimat_share",
    }
    if addressee in shares:
        name = shares[addressee]
        share = getattr(law, name)
        return Threshold(math.ceil(unit.population * share), law.cite(name), unit)
    if unit.population <= law.district_population_floor:
        raise TransitionRefused(
            Refusal(
                field="unit.population",
                rule="petition_no_district_threshold",
                values={
                    "unit": unit.code,
                    "found": unit.population,
                    "required": law.district_population_floor,
                },
                citation=law.cite("district_population_floor"),
            )
        )
    name = (
        "district_maslikhat_threshold"
        if addressee is Addressee.DISTRICT_MASLIKHAT
        else "district_akimat_threshold"
    )
    return Threshold(getattr(law, name), law.cite(name), unit)
