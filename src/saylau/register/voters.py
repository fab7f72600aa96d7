"""The voter register as the registering side reads it: who the citizens are, where they
live, and who was excluded from political rights on which dates.

A roll of members or a signature sheet is only as good as the register it is checked
against, so the register refuses what it cannot vouch for: an invalid IIN, a person listed
twice, a unit it does not cover. Records are keyed by IIN in plain mappings so that a later
columnar engine can take the same shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from saylau.model import BadInput, plain_name
from saylau.register.iin import parse_iin


class ExclusionKind(StrEnum):
    """Why a citizen of age may not take part (Constitution art. 33; electoral-rules §11).
    The value is the exclusion's name in the data; its message key is ``exclusion_<value>``."""

    INCAPABLE = "incapable"  # declared legally incapable by a court
    CONFINED = "confined"  # held in a place of confinement by a court sentence

    @property
    def message(self) -> str:
        return f"exclusion_{self.value}"


@dataclass(frozen=True, slots=True)
class Exclusion:
    """One exclusion and the days it applies (``until`` inclusive; None while it lasts)."""

    kind: ExclusionKind
    since: dt.date
    until: dt.date | None = None

    def applies_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class Voter:
    """A citizen on the register: the birth date is the one the IIN carries."""

    iin: str
    birth_date: dt.date
    unit: str
    exclusions: tuple[Exclusion, ...] = ()

    def excluded_on(self, day: dt.date) -> Exclusion | None:
        return next((e for e in self.exclusions if e.applies_on(day)), None)

    def age_on(self, day: dt.date) -> int:
        """Full years on ``day``; one born on 29 February comes of age on 1 March."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class VoterRegister:
    """Citizens by IIN, the units (regions and cities of republican significance) the
    register covers, and the registered parties' members (IIN → party)."""

    units: tuple[str, ...]
    voters: Mapping[str, Voter]
    memberships: Mapping[str, str]

    @classmethod
    def build(
        cls,
        units: Iterable[str],
        voters: Iterable[tuple[str, str, tuple[Exclusion, ...]]],
        memberships: Mapping[str, Iterable[str]] | None = None,
    ) -> VoterRegister:
        """A register from (IIN, unit, exclusions) rows and each party's members; BadInput
        names the first row that breaks a rule."""
        unit_list = tuple(plain_name(u) for u in units)
        if len(set(unit_list)) != len(unit_list) or not all(unit_list):
            raise BadInput("units", "each unit is named once and not empty", list(unit_list))
        known_units = set(unit_list)
        by_iin: dict[str, Voter] = {}
        for index, (iin, unit, exclusions) in enumerate(voters):
            field = f"voters[{index}]"
            person = parse_iin(iin, f"{field}.iin")
            if person.iin in by_iin:
                raise BadInput(f"{field}.iin", "a citizen is on the register once", iin)
            unit_name = plain_name(unit)
            if unit_name not in known_units:
                raise BadInput(f"{field}.unit", "must be one of the register's units", unit)
            for e_index, exclusion in enumerate(exclusions):
                if exclusion.until is not None and exclusion.until < exclusion.since:
                    raise BadInput(
                        f"{field}.exclusions[{e_index}].until",
                        "an exclusion cannot end before it starts",
                        exclusion.until.isoformat(),
                    )
            by_iin[person.iin] = Voter(person.iin, person.birth_date, unit_name, exclusions)
        members: dict[str, str] = {}
        for party, iins in (memberships or {}).items():
            name = plain_name(party)
            for index, iin in enumerate(iins):
                field = f"memberships.{party}[{index}]"
                parse_iin(iin, field)
                other = members.get(iin)
                if other is not None and other != name:
                    raise BadInput(field, f"already a member of {other}", iin)
                members[iin] = name
        return cls(units=unit_list, voters=by_iin, memberships=members)
