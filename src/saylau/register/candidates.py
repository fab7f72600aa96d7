"""Whether a candidate may be registered for an office, under the law of election day
(electoral-rules §2–§5, §10).

Every rule the office has on that day is checked and listed, passed or failed, each with
what was found, what the law required and the citation, so a refusal can be checked
against the law data and a registration shows what it rested on. An office that is not
filled by election on the day is bad input (:class:`~saylau.model.BadInput`), not a refusal.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from saylau.law.book import law_book
from saylau.law.rules import Citation, Rules
from saylau.model import BadInput
from saylau.register.messages import english


class Office(StrEnum):
    """An elected office a candidate applies for."""

    PRESIDENT = "president"
    MAZHILIS_LIST = "mazhilis_list"
    MAZHILIS_DISTRICT = "mazhilis_district"
    KURULTAI_LIST = "kurultai_list"
    SENATE = "senate"
    MASLIKHAT_LIST = "maslikhat_list"
    MASLIKHAT_DISTRICT = "maslikhat_district"
    AKIM_RURAL = "akim_rural"
    AKIM_DISTRICT = "akim_district"


class Nominator(StrEnum):
    """Who put the candidate forward."""

    PARTY = "party"
    ASSOCIATION = "association"
    SELF = "self"


class CandidateRule(StrEnum):
    """A rule of candidate registration; the value is its message key."""

    AGE = "candidate_age"
    CITIZEN = "candidate_citizen"
    CITIZEN_BY_BIRTH = "candidate_citizen_by_birth"
    RESIDENCE = "candidate_residence"
    STATE_LANGUAGE = "candidate_state_language"
    HIGHER_EDUCATION = "candidate_higher_education"
    PUBLIC_SERVICE = "candidate_public_service"
    WORK = "candidate_work"
    TERM_LIMIT = "candidate_term_limit"
    NOMINATOR = "candidate_nominator"
    REPUBLICAN = "candidate_nominator_republican"
    SUPREME_BODY = "candidate_supreme_body"
    SIGNATURES = "candidate_signatures"
    SIGNATURE_UNITS = "candidate_signature_units"
    DEPOSIT = "candidate_deposit"


DEPOSIT_REFUND = "candidate_deposit_refund"
"""The message key of the deposit's refund after the vote."""


@dataclass(frozen=True, slots=True)
class Signatures:
    """A candidate's standing on the signature sheets, as ``register/signatures.py``
    checks them: the valid signatures, the base they are a share of (voters, or the
    unit's electors for the Senate) and, for the spread rule, the units represented."""

    valid: int
    base: int
    units_met: int | None = None


@dataclass(frozen=True, slots=True)
class Nomination:
    """Who nominated: a party or another public association (republican or not, by the
    votes of its supreme body) or the candidate themself."""

    by: Nominator
    name: str | None = None
    republican: bool = False
    supreme_body_members: int | None = None
    supreme_body_votes_for: int | None = None


@dataclass(frozen=True, slots=True)
class CandidateApplication:
    """What a candidate states and shows: the facts each rule is checked on. Residence
    is the day the continuous residence (in the country, or in the unit for the Senate)
    began; ``elections_won`` the days of presidential elections the person won."""

    name: str
    office: Office
    election_day: dt.date
    birth_date: dt.date
    citizen: bool
    citizen_by_birth: bool
    resident_since: dt.date
    state_language: bool
    higher_education: bool
    nomination: Nomination
    public_service_years: int = 0
    work_years: int = 0
    elections_won: tuple[dt.date, ...] = ()
    signatures: Signatures | None = None
    deposit_tenge: int = 0


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule checked: found against required, whether it passed, and its citation."""

    rule: CandidateRule
    passed: bool
    found: int | bool | str | dt.date
    required: int | bool | str | dt.date
    citation: Citation

    @property
    def values(self) -> dict[str, object]:
        return {"found": self.found, "required": self.required}

    def __str__(self) -> str:
        mark = "passed" if self.passed else "failed"
        return f"{mark}: {english(self.rule.value, self.values)} [{self.citation}]"


@dataclass(frozen=True)
class CandidateDecision:
    """The decision on one application: every rule checked, in order; registered when
    none failed."""

    name: str
    office: Office
    election_day: dt.date
    checks: tuple[RuleCheck, ...]

    @property
    def failures(self) -> tuple[RuleCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @property
    def registered(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class DepositRefund:
    """Whether the deposit comes back after the vote: elected, or the share of the votes
    of those who took part reached the law's share."""

    returned: bool
    elected: bool
    votes: int
    took_part: int
    required_votes: int
    citation: Citation


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years on ``day``: the birthday itself completes the year (29 February's
    children complete it on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _ceil(value: Fraction) -> int:
    return math.ceil(value)


@dataclass(frozen=True, slots=True)
class _Requirements:
    """What an office requires on a day, each with its citation (None: no such rule)."""

    min_age: tuple[int, Citation]
    residence_years: tuple[int, Citation] | None = None
    by_birth: Citation | None = None
    state_language: Citation | None = None
    higher_education: Citation | None = None
    public_service: tuple[int, Citation] | None = None
    work: tuple[int, Citation] | None = None
    nominators: tuple[frozenset[Nominator], Citation] | None = None


def _requirements(office: Office, rules: Rules) -> _Requirements:
    """The rules of ``office`` on the day of ``rules``; BadInput where the office is not
    filled by election that day."""
    day = rules.date.isoformat()
    party, party_or_self = (
        frozenset({Nominator.PARTY}),
        frozenset({Nominator.PARTY, Nominator.SELF}),
    )
    match office:
        case Office.PRESIDENT:
            p = rules.presidency
            return _Requirements(
                min_age=(p.min_age, p.cite("min_age")),
                residence_years=(p.residence_years, p.cite("residence_years")),
                by_birth=p.cite("citizen_by_birth") if p.citizen_by_birth else None,
                state_language=(
                    p.cite("state_language_required") if p.state_language_required else None
                ),
                higher_education=(
                    p.cite("higher_education_required") if p.higher_education_required else None
                ),
                public_service=(p.public_service_years, p.cite("public_service_years")),
                nominators=(
                    frozenset({Nominator.PARTY, Nominator.ASSOCIATION}),
                    p.cite("nomination"),
                ),
            )
        case Office.MAZHILIS_LIST | Office.MAZHILIS_DISTRICT:
            m = rules.mazhilis
            if m is None:
                raise BadInput("office", f"the Mazhilis did not exist on {day}", office.value)
            seats = "list_seats" if office is Office.MAZHILIS_LIST else "single_member_seats"
            if getattr(m, seats) == 0:
                raise BadInput(
                    "office", f"the Mazhilis had no {seats.replace('_', ' ')} on {day}", office
                )
            allowed = party if office is Office.MAZHILIS_LIST else party_or_self
            return _Requirements(
                min_age=(m.candidate_min_age, m.cite("candidate_min_age")),
                residence_years=(m.candidate_residence_years, m.cite("candidate_residence_years")),
                nominators=(allowed, m.cite(seats)),
            )
        case Office.KURULTAI_LIST:
            k = rules.kurultai
            if k is None:
                raise BadInput("office", f"the Kurultai did not exist on {day}", office.value)
            return _Requirements(
                min_age=(k.candidate_min_age, k.cite("candidate_min_age")),
                residence_years=(k.candidate_residence_years, k.cite("candidate_residence_years")),
                nominators=(party, k.cite("list_seats")),
            )
        case Office.SENATE:
            s = rules.senate
            if s is None:
                raise BadInput("office", f"the Senate did not exist on {day}", office.value)
            return _Requirements(
                min_age=(s.candidate_min_age, s.cite("candidate_min_age")),
                residence_years=(s.candidate_residence_years, s.cite("candidate_residence_years")),
                higher_education=(
                    s.cite("candidate_higher_education") if s.candidate_higher_education else None
                ),
                work=(s.candidate_work_years, s.cite("candidate_work_years")),
            )
        case Office.MASLIKHAT_LIST | Office.MASLIKHAT_DISTRICT:
            ms = rules.maslikhat
            share = "regional_list_share"
            allowed = party if office is Office.MASLIKHAT_LIST else party_or_self
            if office is Office.MASLIKHAT_DISTRICT and ms.regional_list_share == 1:
                raise BadInput("office", f"maslikhats had no single-member districts on {day}")
            return _Requirements(
                min_age=(ms.candidate_min_age, ms.cite("candidate_min_age")),
                nominators=(allowed, ms.cite(share)),
            )
        case Office.AKIM_RURAL | Office.AKIM_DISTRICT:
            a = rules.akim
            rural = office is Office.AKIM_RURAL
            age = a.rural_candidate_min_age if rural else a.district_candidate_min_age
            age_key = "rural_candidate_min_age" if rural else "district_candidate_min_age"
            if age is None or not (a.rural_elected if rural else a.district_elected):
                raise BadInput("office", f"this akim was not elected by voters on {day}", office)
            return _Requirements(
                min_age=(age, a.cite(age_key)),
                nominators=(party_or_self, a.cite("self_nomination_signature_share")),
            )


def _signature_checks(application: CandidateApplication, rules: Rules) -> list[RuleCheck]:
    """The signature rules of the office (none where it needs no signatures)."""
    office, given = application.office, application.signatures
    share: Fraction | None = None
    units: tuple[int, Citation] | None = None
    if office is Office.PRESIDENT:
        p = rules.presidency
        share, citation = p.signature_share, p.cite("signature_share")
        units = (
            _ceil(p.signature_units_share * rules.constitution.territorial_units),
            p.cite("signature_units_share"),
        )
    elif office is Office.SENATE and rules.senate is not None:
        share, citation = rules.senate.signature_share, rules.senate.cite("signature_share")
    elif office in (Office.AKIM_RURAL, Office.AKIM_DISTRICT) and (
        application.nomination.by is Nominator.SELF
    ):
        share = rules.akim.self_nomination_signature_share
        citation = rules.akim.cite("self_nomination_signature_share")
    if share is None:
        return []
    if given is None:
        raise BadInput("signatures", f"{office.value} needs the checked signature sheets")
    checks = [
        RuleCheck(
            CandidateRule.SIGNATURES,
            given.valid >= (need := _ceil(share * given.base)),
            given.valid,
            need,
            citation,
        )
    ]
    if units is not None:
        if given.units_met is None:
            raise BadInput("signatures.units_met", "the President's spread rule needs it")
        checks.append(
            RuleCheck(
                CandidateRule.SIGNATURE_UNITS,
                given.units_met >= units[0],
                given.units_met,
                units[0],
                units[1],
            )
        )
    return checks


def _nomination_checks(
    nomination: Nomination, allowed: frozenset[Nominator], citation: Citation, president: bool
) -> list[RuleCheck]:
    wanted = ", ".join(sorted(allowed))
    checks = [
        RuleCheck(
            CandidateRule.NOMINATOR, nomination.by in allowed, nomination.by, wanted, citation
        )
    ]
    if president and nomination.by in allowed:
        checks.append(
            RuleCheck(
                CandidateRule.REPUBLICAN,
                nomination.republican,
                nomination.republican,
                True,
                citation,
            )
        )
        members, votes = nomination.supreme_body_members, nomination.supreme_body_votes_for
        if members is None or votes is None:
            raise BadInput(
                "nomination.supreme_body_votes_for",
                "a nomination by an association needs the votes of its supreme body",
            )
        need = members // 2 + 1
        checks.append(RuleCheck(CandidateRule.SUPREME_BODY, votes >= need, votes, need, citation))
    return checks


def _limit_since(rules: Rules) -> dt.date:
    """The first day of the unbroken run of the term limit in force on the day: the 2026
    Constitution restated the single-term rule of 2022, so elections won since 2022-09-17
    still count."""
    limit = rules.presidency.term_limit
    periods = law_book().institutions["presidency"].parameters["term_limit"].periods
    since = rules.presidency.cite("term_limit").since
    for period in sorted(periods, key=lambda p: p.start, reverse=True):
        joins = period.until is not None and period.until >= since - dt.timedelta(days=1)
        if period.start < since and period.value == limit and joins:
            since = period.start
    return since


def decide_candidate(application: CandidateApplication, rules: Rules) -> CandidateDecision:
    """Every rule of the office on election day, checked; ``rules`` must be that day's."""
    if rules.date != application.election_day:
        raise BadInput(
            "election_day",
            "eligibility is decided under the law of election day, not of "
            f"{rules.date.isoformat()}",
            application.election_day.isoformat(),
        )
    if application.birth_date >= application.election_day:
        raise BadInput(
            "birth_date", "must be before election day", application.birth_date.isoformat()
        )
    if application.resident_since > application.election_day:
        raise BadInput(
            "resident_since",
            "must not be after election day",
            application.resident_since.isoformat(),
        )
    day = application.election_day
    need = _requirements(application.office, rules)
    checks: list[RuleCheck] = []

    def check(
        rule: CandidateRule, found: int | bool, required: int | bool, citation: Citation
    ) -> None:
        checks.append(RuleCheck(rule, found >= required, found, required, citation))

    check(CandidateRule.AGE, age_on(application.birth_date, day), need.min_age[0], need.min_age[1])
    check(CandidateRule.CITIZEN, application.citizen, True, need.min_age[1])
    if need.by_birth is not None:
        check(CandidateRule.CITIZEN_BY_BIRTH, application.citizen_by_birth, True, need.by_birth)
    if need.residence_years is not None:
        years = age_on(application.resident_since, day)
        check(CandidateRule.RESIDENCE, years, need.residence_years[0], need.residence_years[1])
    if need.state_language is not None:
        check(CandidateRule.STATE_LANGUAGE, application.state_language, True, need.state_language)
    if need.higher_education is not None:
        check(
            CandidateRule.HIGHER_EDUCATION,
            application.higher_education,
            True,
            need.higher_education,
        )
    if need.public_service is not None:
        check(CandidateRule.PUBLIC_SERVICE, application.public_service_years, *need.public_service)
    if need.work is not None:
        check(CandidateRule.WORK, application.work_years, *need.work)
    if application.office is Office.PRESIDENT:
        p = rules.presidency
        since = _limit_since(rules)
        won = sum(1 for held in application.elections_won if since <= held < day)
        checks.append(
            RuleCheck(
                CandidateRule.TERM_LIMIT,
                won < p.term_limit,
                won,
                p.term_limit - 1,
                p.cite("term_limit"),
            )
        )
    if need.nominators is not None:
        checks += _nomination_checks(
            application.nomination, *need.nominators, application.office is Office.PRESIDENT
        )
    checks += _signature_checks(application, rules)
    if application.office is Office.PRESIDENT:
        p = rules.presidency
        check(
            CandidateRule.DEPOSIT,
            application.deposit_tenge,
            p.deposit_tenge,
            p.cite("deposit_tenge"),
        )
    return CandidateDecision(application.name, application.office, day, tuple(checks))


def deposit_refund(votes: int, took_part: int, elected: bool, rules: Rules) -> DepositRefund:
    """Whether a presidential candidate's deposit is returned after the vote: elected, or
    at least the law's share of the votes of the voters who took part."""
    if votes < 0 or took_part < votes:
        raise BadInput("votes", f"must be between 0 and the {took_part} who took part", votes)
    p = rules.presidency
    required = _ceil(p.deposit_return_share * took_part)
    return DepositRefund(
        returned=elected or votes >= required,
        elected=elected,
        votes=votes,
        took_part=took_part,
        required_votes=required,
        citation=p.cite("deposit_return_share"),
    )
