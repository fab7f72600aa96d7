"""Whether a political party may be registered on its application date, under the law of
that date (electoral-rules §7).

The decision is ``Registered`` or ``Refused`` with every failed rule, each with what was
found, what the law required and the citation, so an applicant can mend all of them at
once and anyone can check the refusal against the law data. Dates out of order or rules of
another day are bad input (:class:`~saylau.model.BadInput`), not a refusal.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from saylau.law.rules import Citation, Rules
from saylau.model import BadInput
from saylau.register.messages import english
from saylau.register.roll import RollCheck, check_roll
from saylau.register.voters import VoterRegister


class PartyRule(StrEnum):
    """A rule of party registration; the value is its parameter in ``parties.yaml`` and
    its message key."""

    INITIATIVE_GROUP = "initiative_group_minimum"
    FOUNDING_CONGRESS = "founding_congress_months"
    MEMBERSHIP = "membership_minimum"
    MEMBERSHIP_PER_UNIT = "membership_per_unit_minimum"


@dataclass(frozen=True, slots=True)
class PartyApplication:
    """An application to register a party: its initiative group (by IIN), the day the
    group notified the Ministry of Justice, the day of the founding congress and the day of
    the application. The membership roll is given beside it."""

    party: str
    applied_on: dt.date
    group_notified_on: dt.date
    congress_on: dt.date
    initiative_group: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FailedRule:
    """A rule the application fails: found against required, with the law's citation;
    ``unit`` names the region for the per-unit minimum."""

    rule: PartyRule
    found: int | dt.date
    required: int | dt.date
    citation: Citation
    unit: str | None = None

    @property
    def values(self) -> dict[str, object]:
        values: dict[str, object] = {"found": self.found, "required": self.required}
        if self.unit is not None:
            values["unit"] = self.unit
        return values

    def __str__(self) -> str:
        return f"{english(self.rule.value, self.values)} [{self.citation}]"


@dataclass(frozen=True)
class Registered:
    """The party may be registered; its branches are due by ``branches_due``, counted from
    the application date as the day of registration (the register of parties, which will
    hold the real day, is not built yet)."""

    party: str
    applied_on: dt.date
    initiative_group: RollCheck
    members: RollCheck
    branches_due: dt.date
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Refused:
    """The party may not be registered: every rule it fails (never empty)."""

    party: str
    applied_on: dt.date
    initiative_group: RollCheck
    members: RollCheck
    failures: tuple[FailedRule, ...]
    citations: tuple[Citation, ...]


Decision = Registered | Refused


def add_months(day: dt.date, months: int) -> dt.date:
    """The day ``months`` later: the same day of the month, or the month's last day when it
    has no such day (a period of months ends on the corresponding day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_dates(application: PartyApplication, rules: Rules) -> None:
    if rules.date != application.applied_on:
        raise BadInput(
            "applied_on",
            f"the application is decided under the law of its own date, not of "
            f"{rules.date.isoformat()}",
            application.applied_on.isoformat(),
        )
    if application.congress_on < application.group_notified_on:
        raise BadInput(
            "congress_on",
            "the founding congress cannot precede the initiative group's notification "
            f"({application.group_notified_on.isoformat()})",
            application.congress_on.isoformat(),
        )
    if application.applied_on < application.congress_on:
        raise BadInput(
            "applied_on",
            f"a party applies after its founding congress ({application.congress_on.isoformat()})",
            application.applied_on.isoformat(),
        )


def _check_units(register: VoterRegister, rules: Rules) -> Citation:
    """The register must cover the units the law counts on the date, or a missing unit
    would escape the per-unit minimum."""
    citation = rules.constitution.cite("territorial_units")
    expected = rules.constitution.territorial_units
    if len(register.units) != expected:
        raise BadInput(
            "units",
            f"the register must cover the {expected} regions and cities of republican "
            f"significance of {rules.date.isoformat()} ({citation})",
            len(register.units),
        )
    return citation


def decide_registration(
    application: PartyApplication,
    roll: Sequence[str],
    register: VoterRegister,
    rules: Rules,
) -> Decision:
    """Registered, or Refused with every failed rule, under ``rules`` (the law on the
    application date); BadInput for dates out of order or a register of the wrong shape."""
    _check_dates(application, rules)
    parties = rules.parties
    on = application.applied_on
    cited: list[Citation] = [_check_units(register, rules)]
    group = check_roll(
        application.initiative_group, "initiative_group", register, rules, application.party, on
    )
    members = check_roll(roll, "members", register, rules, application.party, on)
    cited += [
        parties.cite("member_min_age"),
        rules.elections.cite("voter_exclusions"),
        parties.cite("one_party_only"),
    ]
    failures: list[FailedRule] = []

    def check(rule: PartyRule, found: int, required: int, unit: str | None = None) -> None:
        citation = parties.cite(rule.value)
        if citation not in cited:
            cited.append(citation)
        if found < required:
            failures.append(FailedRule(rule, found, required, citation, unit))

    check(PartyRule.INITIATIVE_GROUP, group.count, parties.initiative_group_minimum)
    congress = parties.cite(PartyRule.FOUNDING_CONGRESS.value)
    cited.append(congress)
    deadline = add_months(application.group_notified_on, parties.founding_congress_months)
    if application.congress_on > deadline:
        failures.append(
            FailedRule(PartyRule.FOUNDING_CONGRESS, application.congress_on, deadline, congress)
        )
    check(PartyRule.MEMBERSHIP, members.count, parties.membership_minimum)
    if parties.membership_per_unit_minimum is not None:
        for unit, count in members.per_unit.items():
            check(PartyRule.MEMBERSHIP_PER_UNIT, count, parties.membership_per_unit_minimum, unit)
    if failures:
        return Refused(
            party=application.party,
            applied_on=on,
            initiative_group=group,
            members=members,
            failures=tuple(failures),
            citations=tuple(cited),
        )
    cited.append(parties.cite("branches_months"))
    return Registered(
        party=application.party,
        applied_on=on,
        initiative_group=group,
        members=members,
        branches_due=add_months(on, parties.branches_months),
        citations=tuple(cited),
    )
