"""Who takes the seats a party list won, and who takes a mandate that falls vacant
(electoral-rules §3, §4, §10).

Seats go to the list's candidates in order, keeping the mandate quota where the law of the
day has it (Mazhilis from 2022-02-07; the Kurultai by the open reading in
``kurultai.yaml``): when the next name in order would leave too few seats to reach the
quota, the highest-placed quota-group candidate not yet seated takes the seat instead. A
vacated mandate goes to the next candidate on the list not yet seated; the quota does not
govern refilling (the open reading of ``mandate_quota_share``). Leaving the party vacates a
mandate only where the law says so (the Kurultai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from saylau.law.rules import Citation, KurultaiRules, MazhilisRules, Rules
from saylau.model import BadInput
from saylau.register.lists import PartyList, in_quota_group, quota_required
from saylau.register.messages import english


class Chamber(StrEnum):
    """A body whose list seats become named mandates here."""

    MAZHILIS = "mazhilis"
    KURULTAI = "kurultai"


class MandateMessage(StrEnum):
    """The sentence a mandate or a vacancy is told in; the value is its message key."""

    IN_ORDER = "mandate_in_order"
    VIA_QUOTA = "mandate_via_quota"
    DEATH = "mandate_vacated_death"
    RESIGNATION = "mandate_vacated_resignation"
    LEFT_PARTY = "mandate_vacated_left_party"


class VacancyReason(StrEnum):
    """Why a mandate falls vacant; the value ends its message key."""

    DEATH = "death"
    RESIGNATION = "resignation"
    LEFT_PARTY = "left_party"


@dataclass(frozen=True, slots=True)
class Mandate:
    """A seat held by a named deputy: the IIN, the name, the party and the list position;
    ``quota_member`` when the deputy counts for the mandate quota, ``via_quota`` when moved
    up to keep it."""

    deputy: str
    name: str
    party: str
    position: int
    quota_member: bool = False
    via_quota: bool = False

    @property
    def key(self) -> MandateMessage:
        return MandateMessage.VIA_QUOTA if self.via_quota else MandateMessage.IN_ORDER

    @property
    def values(self) -> dict[str, object]:
        return {"deputy": self.name, "position": self.position}

    def __str__(self) -> str:
        return english(self.key, self.values)


@dataclass(frozen=True)
class PartyMandates:
    """The mandates of one party: ``required`` of its ``seats`` must go to the quota groups
    (0 when the law has no mandate quota)."""

    party: str
    seats: int
    required: int
    mandates: tuple[Mandate, ...]
    citations: tuple[Citation, ...]

    @property
    def quota_held(self) -> int:
        return sum(1 for mandate in self.mandates if mandate.quota_member)


@dataclass(frozen=True, slots=True)
class Vacancy:
    """A mandate vacated on ``on`` for ``reason``."""

    deputy: str
    party: str
    reason: VacancyReason
    on: dt.date

    @property
    def key(self) -> MandateMessage:
        return MandateMessage(f"mandate_vacated_{self.reason.value}")


@dataclass(frozen=True)
class Succession:
    """A vacancy filled: who left, who took the seat, and the law applied."""

    vacancy: Vacancy
    vacated: Mandate
    successor: Mandate
    mandates: PartyMandates
    citations: tuple[Citation, ...]


def _chamber_rules(chamber: Chamber, rules: Rules) -> MazhilisRules | KurultaiRules:
    found = rules.mazhilis if chamber is Chamber.MAZHILIS else rules.kurultai
    if found is None:
        raise BadInput("chamber", f"no {chamber} on {rules.date.isoformat()}", chamber.value)
    return found


def _quota_flags(party_list: PartyList, election_day: dt.date, rules: Rules) -> dict[str, bool]:
    return {c.iin: in_quota_group(c, election_day, rules.parties) for c in party_list.candidates}


def assign_mandates(
    seats: Mapping[str, int],
    lists: Mapping[str, PartyList],
    election_day: dt.date,
    rules: Rules,
    chamber: Chamber = Chamber.MAZHILIS,
) -> tuple[PartyMandates, ...]:
    """The named deputies of every party that won seats (``seats`` as in
    :class:`~saylau.outcome.records.ListOutcome`), under the law of election day."""
    if rules.date != election_day:
        raise BadInput(
            "election_day",
            f"mandates are given under the law of election day, not of {rules.date.isoformat()}",
            election_day.isoformat(),
        )
    body = _chamber_rules(chamber, rules)
    share = body.mandate_quota_share
    cited = (
        body.cite("mandate_quota_share"),
        rules.parties.cite("list_order"),
        rules.parties.cite("list_quota_groups"),
    )
    result: list[PartyMandates] = []
    for party, won in seats.items():
        if won < 0:
            raise BadInput("seats", "a party wins zero or more seats", won)
        if won == 0:
            continue
        if party not in lists:
            raise BadInput("lists", f"{party} won {won} seats but has no list", party)
        party_list = lists[party]
        result.append(_fill(party_list, won, share, election_day, rules, cited))
    return tuple(result)


def _fill(
    party_list: PartyList,
    seats: int,
    share: Fraction | None,
    election_day: dt.date,
    rules: Rules,
    cited: tuple[Citation, ...],
) -> PartyMandates:
    order = list(party_list.in_order())
    if len(order) < seats:
        raise BadInput(
            "lists",
            f"the list of {party_list.party} has {len(order)} candidates for {seats} seats",
            party_list.party,
        )
    flags = _quota_flags(party_list, election_day, rules)
    required = 0 if share is None else quota_required(share, seats)
    if sum(flags.values()) < required:
        raise BadInput(
            "lists",
            f"the list of {party_list.party} has too few quota-group candidates for "
            f"{required} of {seats} mandates",
            party_list.party,
        )
    mandates: list[Mandate] = []
    held = 0
    for seat in range(seats):
        left_after = seats - seat - 1
        chosen, via_quota = order[0], False
        if not flags[chosen.iin] and required - held > left_after:
            chosen = next(c for c in order if flags[c.iin])
            via_quota = True
        order.remove(chosen)
        held += flags[chosen.iin]
        mandates.append(
            Mandate(
                chosen.iin,
                chosen.name,
                party_list.party,
                chosen.position,
                flags[chosen.iin],
                via_quota,
            )
        )
    mandates.sort(key=lambda m: m.position)
    return PartyMandates(party_list.party, seats, required, tuple(mandates), cited)


def fill_vacancy(
    current: PartyMandates,
    vacancy: Vacancy,
    party_list: PartyList,
    unavailable: Sequence[str],
    rules: Rules,
    chamber: Chamber = Chamber.MAZHILIS,
    election_day: dt.date | None = None,
) -> Succession:
    """The next candidate on the list not yet seated (nor in ``unavailable``: dead,
    withdrawn, or gone from the party) takes the vacated mandate, under ``rules`` (the law
    on the day of the vacancy); quota membership is judged on ``election_day`` when given."""
    if rules.date != vacancy.on:
        raise BadInput(
            "on",
            f"a vacancy is filled under the law of its day, not of {rules.date.isoformat()}",
            vacancy.on.isoformat(),
        )
    body = _chamber_rules(chamber, rules)
    cited = [body.cite("mandate_quota_share"), rules.parties.cite("list_order")]
    if vacancy.reason is VacancyReason.LEFT_PARTY:
        if not isinstance(body, KurultaiRules):
            raise BadInput(
                "reason",
                f"leaving the party does not vacate a {chamber} mandate",
                vacancy.reason.value,
            )
        cited.append(body.cite("party_mandate"))
    if vacancy.party != current.party or party_list.party != current.party:
        raise BadInput("party", f"the vacancy must be of {current.party}", vacancy.party)
    vacated = next((m for m in current.mandates if m.deputy == vacancy.deputy), None)
    if vacated is None:
        raise BadInput("deputy", f"{vacancy.deputy} holds no mandate of {current.party}")
    seated = {m.deputy for m in current.mandates}
    skip = seated | set(unavailable)
    candidate = next((c for c in party_list.in_order() if c.iin not in skip), None)
    if candidate is None:
        raise BadInput("lists", f"the list of {current.party} has no candidate left")
    judged_on = vacancy.on if election_day is None else election_day
    successor = Mandate(
        candidate.iin,
        candidate.name,
        current.party,
        candidate.position,
        in_quota_group(candidate, judged_on, rules.parties),
    )
    kept = [m for m in current.mandates if m.deputy != vacancy.deputy] + [successor]
    kept.sort(key=lambda m: m.position)
    mandates = replace(current, mandates=tuple(kept))
    return Succession(vacancy, vacated, successor, mandates, tuple(cited))
