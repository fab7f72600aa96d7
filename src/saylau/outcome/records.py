"""Outcomes as typed, frozen records, one per contest kind, and the one place that writes
them as the JSON ``saylau decide`` prints, the API serves and the ledger keeps.

Every outcome carries its reasons: the steps of the explanation as data, their English
sentences, and the parameters of the law it applied. A tie is a value (:class:`Tie`), an
unordered set of options and the places they are tied for, so nothing downstream can settle
it by the order the options happened to be listed in. The JSON writes a tie's options in
the order the input gave them, as it always has, so published files do not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from saylau.model import Kind
from saylau.outcome.sentences import fraction_text, show_share


class Status(StrEnum):
    """What a contest decided by candidates' votes came to."""

    ELECTED = "elected"
    RUNOFF = "runoff"  # repeat voting between the leaders
    REPEAT = "repeat"  # a new election
    INVALID = "invalid"  # turnout or quorum not met, or nobody voted
    LOT = "lot"  # a tie for first place settled by lot


@dataclass(frozen=True, slots=True)
class Tie:
    """``seats`` places the law's arithmetic cannot give among the equal ``options``."""

    options: frozenset[str]
    seats: int


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an explanation: a sentence of ``SENTENCES``, its values as the JSON
    carries them, and the parameters of the law it applied."""

    message: str
    values: Mapping[str, Any]
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cited:
    """A parameter of the law an outcome applied, with where it comes from."""

    parameter: str
    since: dt.date
    until: dt.date | None
    source: str
    open: str | None


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why an outcome is what it is: the law's date, the English explanation, its steps and
    the parameters cited, in the order applied."""

    date: dt.date
    text: str
    steps: tuple[Step, ...]
    cited: tuple[Cited, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What every outcome shares."""

    kind: Kind
    reasons: Reasons


@dataclass(frozen=True, slots=True)
class ListOutcome(Outcome):
    """Party lists: seats per list (every list named, 0 allowed) and seats left tied."""

    seats: Mapping[str, int]
    passed_threshold: tuple[str, ...]
    admitted_by_second_party_rule: str | None
    threshold: Fraction
    threshold_base: str
    threshold_base_votes: int
    quota: Fraction | None
    percent: Mapping[str, float | None]
    against_all_percent: float | None
    tie: Tie | None


@dataclass(frozen=True, slots=True)
class PluralityOutcome(Outcome):
    """Single-member districts and akims: the most votes wins; a tie for first place is
    settled as the law of the date says (status ``lot`` or ``repeat``)."""

    status: Status
    winner: str | None
    tie: Tie | None
    percent: Mapping[str, float | None]
    against_all_percent: float | None


@dataclass(frozen=True, slots=True)
class MajorityOutcome(Outcome):
    """Two-round majority: elected, or repeat voting between a pair, or places in the pair
    tied. ``weighed`` is false when the contest was decided before the candidates' votes
    were weighed (turnout, quorum, a majority against all): such an outcome names no tie."""

    status: Status
    winner: str | None
    runoff: tuple[str, ...] | None
    tie: Tie | None
    weighed: bool
    percent: Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class PresidentialOutcome(MajorityOutcome):
    """The President."""


@dataclass(frozen=True, slots=True)
class SenateOutcome(MajorityOutcome):
    """An elected senator."""


@dataclass(frozen=True, slots=True)
class Units:
    """A constitutional question's count of units: how many there are, how many need a yes
    majority, those that have one, and how many are not known yet."""

    total: int
    needed: int
    with_yes_majority: tuple[str, ...]
    unknown: int


@dataclass(frozen=True, slots=True)
class ReferendumOutcome(Outcome):
    """A referendum question: valid, adopted (None: not decidable from these numbers)."""

    question_type: str
    valid: bool | None
    adopted: bool | None
    units: Units | None
    percent_of_participants: Mapping[str, float | None] | None


AnyOutcome = ListOutcome | PluralityOutcome | MajorityOutcome | ReferendumOutcome


def _in_order(tie: Tie, order: Mapping[str, object]) -> list[str]:
    """A tie's options in the order the input listed them."""
    return [name for name in order if name in tie.options]


def _reasons(reasons: Reasons) -> dict[str, Any]:
    return {
        "rules_date": reasons.date.isoformat(),
        "explanation": reasons.text,
        "steps": [
            {"message": s.message, "values": dict(s.values), "rules": list(s.rules)}
            for s in reasons.steps
        ],
        "rules_applied": [
            {
                "parameter": c.parameter,
                "since": c.since.isoformat(),
                "until": c.until.isoformat() if c.until else None,
                "source": c.source,
                "open": c.open,
            }
            for c in reasons.cited
        ],
    }


def _maybe(items: tuple[str, ...] | None) -> list[str] | None:
    return None if items is None else list(items)


def to_json(outcome: Outcome) -> dict[str, Any]:
    """The outcome as the JSON ``saylau decide`` prints (docs/formats.md): the same keys, in
    the same order, as every published file and ledger entry."""
    head: dict[str, Any] = {"kind": outcome.kind.value}
    match outcome:
        case ListOutcome():
            tie = outcome.tie
            body: dict[str, Any] = {
                "seats": dict(outcome.seats),
                "passed_threshold": list(outcome.passed_threshold),
                "admitted_by_second_party_rule": outcome.admitted_by_second_party_rule,
                "threshold": show_share(outcome.threshold),
                "threshold_share": fraction_text(outcome.threshold),
                "threshold_base": outcome.threshold_base,
                "threshold_base_votes": outcome.threshold_base_votes,
                "quota": None if outcome.quota is None else fraction_text(outcome.quota),
                "percent": dict(outcome.percent),
                "against_all_percent": outcome.against_all_percent,
                "tie": None
                if tie is None
                else {"parties": _in_order(tie, outcome.seats), "seats": tie.seats},
            }
        case PluralityOutcome():
            body = {
                "status": outcome.status.value,
                "winner": outcome.winner,
                "tie": None if outcome.tie is None else _in_order(outcome.tie, outcome.percent),
                "runoff": None,
                "percent": dict(outcome.percent),
                "against_all_percent": outcome.against_all_percent,
            }
        case MajorityOutcome():
            body = {
                "status": outcome.status.value,
                "winner": outcome.winner,
                "runoff": _maybe(outcome.runoff),
            }
            if outcome.weighed:
                tie = outcome.tie
                body["tie"] = (
                    None
                    if tie is None
                    else {"candidates": _in_order(tie, outcome.percent), "places": tie.seats}
                )
            body["percent"] = dict(outcome.percent)
        case ReferendumOutcome():
            units = outcome.units
            percent = outcome.percent_of_participants
            body = {
                "question_type": outcome.question_type,
                "valid": outcome.valid,
                "adopted": outcome.adopted,
                "units": None
                if units is None
                else {
                    "total": units.total,
                    "needed": units.needed,
                    "with_yes_majority": list(units.with_yes_majority),
                    "unknown": units.unknown,
                },
                "percent_of_participants": None if percent is None else dict(percent),
            }
        case _:
            raise TypeError(f"not an outcome record: {type(outcome).__name__}")
    return head | body | _reasons(outcome.reasons)


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _read_reasons(document: Mapping[str, Any]) -> Reasons:
    return Reasons(
        date=dt.date.fromisoformat(document["rules_date"]),
        text=document["explanation"],
        steps=tuple(
            Step(s["message"], dict(s["values"]), tuple(s["rules"])) for s in document["steps"]
        ),
        cited=tuple(
            Cited(
                r["parameter"],
                dt.date.fromisoformat(r["since"]),
                _date(r["until"]),
                r["source"],
                r["open"],
            )
            for r in document["rules_applied"]
        ),
    )


def _maybe_tuple(items: list[str] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(items)


_MAJORITY: dict[Kind, type[MajorityOutcome]] = {
    Kind.PRESIDENTIAL: PresidentialOutcome,
    Kind.SENATE: SenateOutcome,
}


def from_json(document: Mapping[str, Any]) -> AnyOutcome:
    """An outcome read back from its JSON (a ledger entry, a published file); the inverse of
    :func:`to_json`. A document that is not an outcome raises KeyError or ValueError."""
    kind = Kind(document["kind"])
    reasons = _read_reasons(document)
    if kind in (Kind.MAZHILIS_LIST, Kind.KURULTAI_LIST, Kind.MASLIKHAT_LIST):
        tie = document["tie"]
        quota = document["quota"]
        return ListOutcome(
            kind,
            reasons,
            seats=dict(document["seats"]),
            passed_threshold=tuple(document["passed_threshold"]),
            admitted_by_second_party_rule=document["admitted_by_second_party_rule"],
            threshold=Fraction(document["threshold_share"]),
            threshold_base=document["threshold_base"],
            threshold_base_votes=document["threshold_base_votes"],
            quota=None if quota is None else Fraction(quota),
            percent=dict(document["percent"]),
            against_all_percent=document["against_all_percent"],
            tie=None if tie is None else Tie(frozenset(tie["parties"]), tie["seats"]),
        )
    if kind in (Kind.SINGLE_MEMBER, Kind.AKIM):
        level = document["tie"]
        return PluralityOutcome(
            kind,
            reasons,
            status=Status(document["status"]),
            winner=document["winner"],
            tie=None if level is None else Tie(frozenset(level), 1),
            percent=dict(document["percent"]),
            against_all_percent=document["against_all_percent"],
        )
    if kind in _MAJORITY:
        places = document.get("tie")
        return _MAJORITY[kind](
            kind,
            reasons,
            status=Status(document["status"]),
            winner=document["winner"],
            runoff=_maybe_tuple(document["runoff"]),
            tie=None if places is None else Tie(frozenset(places["candidates"]), places["places"]),
            weighed="tie" in document,
            percent=dict(document["percent"]),
        )
    units = document["units"]
    percent = document["percent_of_participants"]
    return ReferendumOutcome(
        kind,
        reasons,
        question_type=document["question_type"],
        valid=document["valid"],
        adopted=document["adopted"],
        units=None
        if units is None
        else Units(
            units["total"], units["needed"], tuple(units["with_yes_majority"]), units["unknown"]
        ),
        percent_of_participants=None if percent is None else dict(percent),
    )


__all__ = [
    "AnyOutcome",
    "Cited",
    "ListOutcome",
    "MajorityOutcome",
    "Outcome",
    "PluralityOutcome",
    "PresidentialOutcome",
    "Reasons",
    "ReferendumOutcome",
    "SenateOutcome",
    "Status",
    "Step",
    "Tie",
    "Units",
    "from_json",
    "to_json",
]
