"""The rules in force on one date, as frozen typed records.

``rules_at(date)`` reads the law book once per date and returns a :class:`Rules` whose
attributes are the institutions that existed that day (``None`` for those that did not).
Each institution's record carries its typed values and, for explanations, the citation
(source, dates, open mark) of each of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any, ClassVar, TypeVar

from saylau.law.book import Institution, LawBook, LawDataError, Parameter, law_book


class NotInForce(LookupError):
    """Raised when a date lies outside the law, or an institution did not exist on it.

    ``field`` names the input field at fault: ``date`` before the law's coverage, ``kind``
    for an institution that did not exist on the date.
    """

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a value comes from: the reader of an outcome can check every rule applied."""

    key: str
    label: str
    since: dt.date
    until: dt.date | None
    source: str
    open: str | None

    def __str__(self) -> str:
        text = f"{self.key} (in force since {self.since.isoformat()}; {self.source})"
        if self.open:
            text += f" [open point: {self.open}]"
        return text


@dataclass(frozen=True)
class InstitutionRules:
    """Base of every institution's rules: typed values plus their citations."""

    institution: ClassVar[str]
    citations: dict[str, Citation] = field(repr=False, compare=False, kw_only=True)

    def cite(self, name: str) -> Citation:
        return self.citations[name]


@dataclass(frozen=True)
class ConstitutionRules(InstitutionRules):
    institution: ClassVar[str] = "constitution"
    basic_law: str
    parliament: str
    vice_president: bool
    peoples_council_members: int | None
    assembly_of_people: bool
    territorial_units: int


@dataclass(frozen=True)
class ElectionRules(InstitutionRules):
    institution: ClassVar[str] = "elections"
    voting_age: int
    voter_exclusions: str
    against_all_on_ballot: bool
    single_member_rule: str
    against_all_can_win: bool
    single_member_tie: str
    took_part: str
    day_additions: str
    day_additions_share: Fraction
    one_list_per_precinct: bool


@dataclass(frozen=True)
class PresidencyRules(InstitutionRules):
    institution: ClassVar[str] = "presidency"
    term_years: int
    term_limit: int
    re_election_allowed: bool
    majority_share: Fraction
    majority_base: str
    runoff_candidates: int
    turnout_threshold: Fraction | None
    against_all_majority_voids: bool
    min_age: int
    residence_years: int
    public_service_years: int
    qualifications: str
    citizen_by_birth: bool
    state_language_required: bool
    higher_education_required: bool
    nomination: str
    deposit_tenge: int
    deposit_return_share: Fraction
    signature_share: Fraction
    signature_units_share: Fraction
    signature_one_candidate: bool
    early_election_months: int | None
    succession: str


@dataclass(frozen=True)
class ListChamberRules(InstitutionRules):
    """What every body elected by party lists shares: threshold, base, method, tie-break."""

    list_threshold: Fraction
    threshold_base: str
    allocation_method: str
    remainder_tie_break: str
    second_party_rule: bool
    second_party_factor: Fraction | None
    second_party_min_seats: int | None


@dataclass(frozen=True)
class MazhilisRules(ListChamberRules):
    institution: ClassVar[str] = "mazhilis"
    total_seats: int
    list_seats: int
    single_member_seats: int
    assembly_seats: int
    candidate_min_age: int
    candidate_residence_years: int
    term_years: int
    mandate_quota_share: Fraction | None


@dataclass(frozen=True)
class KurultaiRules(ListChamberRules):
    institution: ClassVar[str] = "kurultai"
    first_election: str
    total_seats: int
    list_seats: int
    single_member_seats: int
    term_years: int
    candidate_min_age: int
    candidate_residence_years: int
    party_mandate: str
    mandate_quota_share: Fraction | None


@dataclass(frozen=True)
class MaslikhatRules(ListChamberRules):
    institution: ClassVar[str] = "maslikhat"
    regional_list_share: Fraction
    district_list_share: Fraction
    candidate_min_age: int


@dataclass(frozen=True)
class SenateRules(InstitutionRules):
    institution: ClassVar[str] = "senate"
    elected_per_unit: int
    renewal_years: int
    electors: str
    majority_share: Fraction
    quorum_share: Fraction
    runoff_candidates: int
    candidate_min_age: int
    candidate_work_years: int
    candidate_qualifications: str
    candidate_higher_education: bool
    candidate_residence_years: int
    signature_share: Fraction
    signature_one_candidate: bool
    appointed_seats: int
    appointed_on_assembly_recommendation: int


@dataclass(frozen=True)
class AkimRules(InstitutionRules):
    institution: ClassVar[str] = "akim"
    rural_elected: bool
    rural_candidate_min_age: int | None
    self_nomination_signature_share: Fraction | None
    district_elected: bool
    district_candidate_min_age: int | None
    district_term_years: int | None
    regional_elected: bool
    regional_appointment: str
    winning_rule: str


@dataclass(frozen=True)
class ReferendumRules(InstitutionRules):
    institution: ClassVar[str] = "referendum"
    validity_share: Fraction
    adoption_share: Fraction
    constitution_units_share: Fraction


@dataclass(frozen=True)
class PartyRules(InstitutionRules):
    institution: ClassVar[str] = "parties"
    membership_minimum: int
    membership_per_unit_minimum: int | None
    initiative_group_minimum: int
    founding_congress_months: int
    branches_months: int
    member_min_age: int
    one_party_only: bool
    list_quota_share: Fraction | None
    list_quota_groups: str
    youth_age_limit: int | None
    youth_age_judged_on: str
    one_list_only: bool
    list_and_district_allowed: bool
    list_order: str


@dataclass(frozen=True)
class PetitionRules(InstitutionRules):
    institution: ClassVar[str] = "petitions"
    government_threshold: int
    regional_maslikhat_share: Fraction
    regional_akimat_share: Fraction
    district_population_floor: int
    district_maslikhat_threshold: int
    district_akimat_threshold: int
    publication_supporters: int
    publication_window_working_days: int
    moderation_working_days: int
    collection_months: int
    signer_min_age: int
    review_working_days_central: int
    review_working_days_local: int
    excluded_subject_count: int
    excluded_subjects_named: str


@dataclass(frozen=True)
class AssemblyRules(InstitutionRules):
    institution: ClassVar[str] = "assemblies"
    notification_forms: str
    notification_answer_working_days: int
    approval_forms: str
    approval_working_days: int
    notification_lead_working_days: int
    approval_lead_working_days: int
    places: str


#: Every institution's record type, by the institution's name in the law book.
RECORDS: dict[str, type[InstitutionRules]] = {
    cls.institution: cls
    for cls in (
        ConstitutionRules,
        ElectionRules,
        PresidencyRules,
        MazhilisRules,
        KurultaiRules,
        MaslikhatRules,
        SenateRules,
        AkimRules,
        ReferendumRules,
        PartyRules,
        PetitionRules,
        AssemblyRules,
    )
}

R = TypeVar("R", bound=InstitutionRules)


@dataclass(frozen=True)
class Rules:
    """The law in force on ``date``: one record per institution that existed that day."""

    date: dt.date
    constitution: ConstitutionRules
    elections: ElectionRules
    presidency: PresidencyRules
    referendum: ReferendumRules
    parties: PartyRules
    maslikhat: MaslikhatRules
    akim: AkimRules
    mazhilis: MazhilisRules | None
    senate: SenateRules | None
    kurultai: KurultaiRules | None
    petitions: PetitionRules | None
    assemblies: AssemblyRules | None

    def require(self, kind: type[R]) -> R:
        """The record of an institution, or NotInForce naming when it existed."""
        record = getattr(self, kind.institution)
        if record is None:
            book = law_book()
            inst = book.institutions[kind.institution]
            raise NotInForce(
                f"{inst.title} did not exist on {self.date.isoformat()}: "
                f"it existed {existence(inst, book)} ({inst.existence_source})",
                field="kind",
            )
        assert isinstance(record, kind)
        return record


def existence(inst: Institution, book: LawBook) -> str:
    """When an institution existed, in words ("from 2026-07-01", "until 2026-06-30")."""
    start = "" if inst.start == book.coverage_start else f"from {inst.start.isoformat()}"
    end = f"until {inst.until.isoformat()}" if inst.until else ""
    if start and end:
        return f"{start} to {end.removeprefix('until ')}"
    return start or end or "throughout the law Saylau holds"


def _accepts(annotation: Any, value: object) -> bool:
    """Whether ``value`` fits a field annotation of the simple kinds used above."""
    if isinstance(annotation, types.UnionType):
        return any(_accepts(arg, value) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(annotation, type) and isinstance(value, annotation)


def _record(cls: type[R], params: dict[str, Parameter], day: dt.date) -> R:
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls) if f.name != "citations"]
    missing = sorted(set(fields) - set(params))
    extra = sorted(set(params) - set(fields))
    if missing or extra:
        raise LawDataError(
            f"{cls.institution}: law data and rules disagree (missing {missing}, unknown {extra})"
        )
    values: dict[str, object] = {}
    citations: dict[str, Citation] = {}
    for name in fields:
        param = params[name]
        period = param.period_at(day)
        if period is None:
            raise LawDataError(f"{param.key}: no value in force on {day.isoformat()}")
        if not _accepts(hints[name], period.value):
            raise LawDataError(f"{param.key}: {period.value!r} does not fit {hints[name]}")
        values[name] = period.value
        citations[name] = Citation(
            key=param.key,
            label=param.label,
            since=period.start,
            until=period.until,
            source=period.source,
            open=period.open,
        )
    return cls(**values, citations=citations)


def build_rules(book: LawBook, day: dt.date) -> Rules:
    """The rules of ``book`` in force on ``day``; NotInForce before the law's coverage."""
    if day < book.coverage_start:
        raise NotInForce(
            f"date {day.isoformat()} is before the law Saylau holds "
            f"(coverage starts {book.coverage_start.isoformat()})",
            field="date",
        )
    records: dict[str, InstitutionRules | None] = {}
    for name, cls in RECORDS.items():
        inst = book.institutions[name]
        records[name] = _record(cls, dict(inst.parameters), day) if inst.exists_on(day) else None
    for name in ("constitution", "elections", "presidency", "referendum", "parties"):
        if records[name] is None:
            raise LawDataError(f"{name}: no rules on {day.isoformat()}")
    return Rules(date=day, **records)  # type: ignore[arg-type]


@cache
def rules_at(day: dt.date) -> Rules:
    """The rules of Saylau's law book in force on ``day`` (cached per date)."""
    return build_rules(law_book(), day)
