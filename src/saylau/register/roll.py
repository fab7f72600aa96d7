"""A list of people (a party's members, its initiative group) checked against the voter
register on one day: who counts, in which unit, and why each of the others does not.

A person is counted once, on the first entry that names them, and only if the IIN is valid,
the register knows them, they are of age and not excluded that day, and (where the law
allows one party only) no registered party already counts them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from saylau.law.rules import Citation, Rules
from saylau.register.iin import InvalidIin, decode
from saylau.register.messages import english
from saylau.register.voters import ExclusionKind, VoterRegister


class MemberRule(StrEnum):
    """Why an entry of a roll is not counted; the value is its message key."""

    INVALID_IIN = "member_invalid_iin"
    NOT_ON_REGISTER = "member_not_on_register"
    UNDER_AGE = "member_under_age"
    EXCLUDED = "member_excluded"
    REPEATED = "member_repeated"
    OTHER_PARTY = "member_of_other_party"


@dataclass(frozen=True, slots=True)
class Rejected:
    """One entry of a roll that is not counted, and the rule that says so."""

    field: str  # e.g. "members[12]"
    iin: str
    rule: MemberRule
    citation: Citation | None = None  # the law's rule, where the law data holds it
    invalid: InvalidIin | None = None  # INVALID_IIN: the IIN rule broken
    age: int | None = None  # UNDER_AGE: found
    min_age: int | None = None  # UNDER_AGE: required
    exclusion: ExclusionKind | None = None  # EXCLUDED
    first: str | None = None  # REPEATED: the entry that counts
    party: str | None = None  # OTHER_PARTY

    @property
    def values(self) -> dict[str, object]:
        values: dict[str, object] = {"iin": self.iin}
        match self.rule:
            case MemberRule.UNDER_AGE:
                values |= {"found": self.age, "required": self.min_age}
            case MemberRule.EXCLUDED:
                assert self.exclusion is not None
                values["exclusion"] = english(self.exclusion.message, {})
            case MemberRule.REPEATED:
                values["first"] = self.first
            case MemberRule.OTHER_PARTY:
                values["party"] = self.party
            case _:
                pass
        return values

    def __str__(self) -> str:
        text = f"field '{self.field}': {english(self.rule.value, self.values)}"
        if self.invalid is not None:
            text += f" {self.invalid}"
        return text


@dataclass(frozen=True)
class RollCheck:
    """What a roll counts: the people counted (in roll order), how many in each unit of the
    register (every unit, zero included), and the entries not counted."""

    counted: tuple[str, ...]
    per_unit: Mapping[str, int]
    rejected: tuple[Rejected, ...]

    @property
    def count(self) -> int:
        return len(self.counted)


def check_roll(
    entries: Sequence[str],
    name: str,
    register: VoterRegister,
    rules: Rules,
    party: str,
    on: dt.date,
) -> RollCheck:
    """Check the roll ``name`` (the input field, e.g. ``members``) of ``party`` on ``on``."""
    min_age = rules.parties.member_min_age
    age_rule = rules.parties.cite("member_min_age")
    exclusion_rule = rules.elections.cite("voter_exclusions")
    one_party = rules.parties.one_party_only
    one_party_rule = rules.parties.cite("one_party_only")
    seen: dict[str, str] = {}
    counted: list[str] = []
    units: Counter[str] = Counter()
    rejected: list[Rejected] = []
    for index, iin in enumerate(entries):
        field = f"{name}[{index}]"
        voter = register.voters.get(iin)
        if voter is None:  # the register holds valid IINs only: decode the others
            decoded = decode(iin)
            if isinstance(decoded, InvalidIin):
                rejected.append(Rejected(field, iin, MemberRule.INVALID_IIN, invalid=decoded))
                continue
        if iin in seen:
            rejected.append(Rejected(field, iin, MemberRule.REPEATED, first=seen[iin]))
            continue
        seen[iin] = field
        if voter is None:
            rejected.append(Rejected(field, iin, MemberRule.NOT_ON_REGISTER))
            continue
        age = voter.age_on(on)
        if age < min_age:
            rejected.append(
                Rejected(field, iin, MemberRule.UNDER_AGE, age_rule, age=age, min_age=min_age)
            )
            continue
        exclusion = voter.excluded_on(on)
        if exclusion is not None:
            rejected.append(
                Rejected(field, iin, MemberRule.EXCLUDED, exclusion_rule, exclusion=exclusion.kind)
            )
            continue
        other = register.memberships.get(iin)
        if one_party and other is not None and other != party:
            rejected.append(
                Rejected(field, iin, MemberRule.OTHER_PARTY, one_party_rule, party=other)
            )
            continue
        counted.append(iin)
        units[voter.unit] += 1
    return RollCheck(
        counted=tuple(counted),
        per_unit={unit: units[unit] for unit in register.units},
        rejected=tuple(rejected),
    )
