"""Whether the party lists of an election may be registered, under the law of election
day (electoral-rules §3, §4): positions in order, the 30 % list quota by the groups and
ages of the day, and a candidate standing twice.

A list's decision carries every failed rule with what was found, what the law required and
the citation. Ages for the youth group are judged on the day ``youth_age_judged_on`` names
(election day, an open reading in ``parties.yaml``). Rules of another day are bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from saylau.law.rules import Citation, PartyRules, Rules
from saylau.model import BadInput
from saylau.register.messages import english


class ListRule(StrEnum):
    """A rule a party list is checked against; the value is its message key."""

    ORDER = "list_order"
    QUOTA = "list_quota"
    ONE_LIST = "list_one_list_only"
    LIST_AND_DISTRICT = "list_and_district"


@dataclass(frozen=True, slots=True)
class ListCandidate:
    """One name on a list: the IIN identifies the person, ``position`` is the place on the
    list (1 is the top); the quota groups are read from sex, birth date and disability."""

    iin: str
    name: str
    position: int
    birth_date: dt.date
    woman: bool
    disability: bool = False


@dataclass(frozen=True, slots=True)
class PartyList:
    """A party's list as submitted, in any order; positions say the order."""

    party: str
    submitted_on: dt.date
    candidates: tuple[ListCandidate, ...]

    def in_order(self) -> tuple[ListCandidate, ...]:
        return tuple(sorted(self.candidates, key=lambda c: c.position))


@dataclass(frozen=True, slots=True)
class FailedListRule:
    """A rule the list fails: found against required, with the citation; ``candidate``
    names the person where the rule is about one."""

    rule: ListRule
    found: int | str
    required: int | str
    citation: Citation
    candidate: str | None = None

    @property
    def values(self) -> dict[str, object]:
        values: dict[str, object] = {"found": self.found, "required": self.required}
        if self.candidate is not None:
            values["candidate"] = self.candidate
        return values

    def __str__(self) -> str:
        return f"{english(self.rule.value, self.values)} [{self.citation}]"


@dataclass(frozen=True)
class ListCheck:
    """The decision on one list: the quota group members found, and every failed rule
    (empty when the list may be registered)."""

    party: str
    size: int
    quota_members: tuple[str, ...]
    failures: tuple[FailedListRule, ...]
    citations: tuple[Citation, ...]

    @property
    def accepted(self) -> bool:
        return not self.failures


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on ``day``: a person is a year older on the birthday itself (a birthday
    of 29 February falls on 1 March in other years)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def in_quota_group(candidate: ListCandidate, judged_on: dt.date, parties: PartyRules) -> bool:
    """Whether the candidate counts for the quota under the groups of the day: women and
    youth from May 2020, persons with disabilities from 2022-02-07."""
    if parties.list_quota_share is None:
        return False
    groups = parties.list_quota_groups
    if candidate.woman and "women" in groups:
        return True
    limit = parties.youth_age_limit
    if limit is not None and "youth" in groups and age_on(candidate.birth_date, judged_on) < limit:
        return True
    return candidate.disability and "disabilities" in groups


def quota_required(share: Fraction, size: int) -> int:
    """The fewest quota-group members that are at least ``share`` of ``size``."""
    return -((-share.numerator * size) // share.denominator)


def quota_judged_on(parties: PartyRules, election_day: dt.date) -> dt.date:
    if parties.youth_age_judged_on != "election day":
        raise BadInput(
            "youth_age_judged_on", "only election day is read", parties.youth_age_judged_on
        )
    return election_day


def check_lists(
    lists: Sequence[PartyList],
    election_day: dt.date,
    rules: Rules,
    district_candidates: Collection[str] = (),
) -> tuple[ListCheck, ...]:
    """The decision on every list of one election under ``rules`` (the law of election
    day); ``district_candidates`` are the IINs standing in single-member districts."""
    if rules.date != election_day:
        raise BadInput(
            "election_day",
            f"lists are checked under the law of election day, not of {rules.date.isoformat()}",
            election_day.isoformat(),
        )
    parties = rules.parties
    judged_on = quota_judged_on(parties, election_day)
    seen: dict[str, str] = {}
    for party_list in lists:
        for candidate in party_list.candidates:
            seen.setdefault(candidate.iin, party_list.party)
    districts = set(district_candidates)
    return tuple(
        _check_list(party_list, judged_on, parties, seen, districts) for party_list in lists
    )


def _check_list(
    party_list: PartyList,
    judged_on: dt.date,
    parties: PartyRules,
    first_list: dict[str, str],
    districts: set[str],
) -> ListCheck:
    failures: list[FailedListRule] = []
    order = parties.cite("list_order")
    cited: list[Citation] = [order]
    positions = sorted(c.position for c in party_list.candidates)
    expected = list(range(1, len(positions) + 1))
    if positions != expected:
        wrong = next((str(p) for p, e in zip(positions, expected, strict=True) if p != e), "none")
        failures.append(FailedListRule(ListRule.ORDER, wrong, f"1..{len(positions)}", order))
    members = tuple(c.iin for c in party_list.in_order() if in_quota_group(c, judged_on, parties))
    share = parties.list_quota_share
    if share is not None:
        quota = parties.cite("list_quota_share")
        cited += [quota, parties.cite("list_quota_groups"), parties.cite("youth_age_limit")]
        required = quota_required(share, len(party_list.candidates))
        if len(members) < required:
            failures.append(FailedListRule(ListRule.QUOTA, len(members), required, quota))
    one_list = parties.cite("one_list_only")
    cited.append(one_list)
    if parties.one_list_only:
        here: set[str] = set()
        for c in party_list.candidates:
            other = first_list[c.iin]
            if other != party_list.party or c.iin in here:
                failures.append(
                    FailedListRule(ListRule.ONE_LIST, other, party_list.party, one_list, c.name)
                )
            here.add(c.iin)
    both = parties.cite("list_and_district_allowed")
    cited.append(both)
    if not parties.list_and_district_allowed:
        for c in party_list.candidates:
            if c.iin in districts:
                failures.append(
                    FailedListRule(
                        ListRule.LIST_AND_DISTRICT, "district", "list only", both, c.name
                    )
                )
    return ListCheck(
        party=party_list.party,
        size=len(party_list.candidates),
        quota_members=members,
        failures=tuple(failures),
        citations=tuple(cited),
    )
