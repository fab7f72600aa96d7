"""What every outcome shares: the citations it applied, shares, and bounds for unknowns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from saylau.law.rules import Citation, InstitutionRules, Rules
from saylau.model import BadInput, Contest, Counts
from saylau.outcome.records import Cited, Reasons, Step
from saylau.outcome.sentences import english, step_values


def percent(votes: int, base: int) -> float | None:
    """A share in percent, rounded half-up to two places as the commission prints it."""
    if base == 0:
        return None
    exact = Decimal(votes * 100) / Decimal(base)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass
class Reasoning:
    """The steps of an explanation, as data and as English sentences, and the citations
    behind them, in the order applied."""

    date: dt.date
    sentences: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def cite(self, rules: InstitutionRules, *names: str) -> tuple[Citation, ...]:
        """The citations of ``names``, for the step that applies them (a citation joins the
        outcome's rules only when a step says it, so none is cited that no step applied)."""
        return tuple(rules.cite(name) for name in names)

    def say(self, message: str, cited: Sequence[Citation] = (), /, **values: Any) -> None:
        """One step: a sentence of :data:`~saylau.outcome.sentences.SENTENCES` with its
        values, and the parameters it applied."""
        for citation in cited:
            if citation not in self.citations:
                self.citations.append(citation)
        text = english(message, values)
        if cited:
            text += " [" + " | ".join(_reference(c) for c in cited) + "]"
        self.sentences.append(text)
        rules = tuple(c.key for c in cited)
        self.steps.append(Step(message, step_values(message, values), rules))

    def reasons(self) -> Reasons:
        """The steps said so far, as the outcome keeps them."""
        return Reasons(
            date=self.date,
            text=" ".join(self.sentences),
            steps=tuple(self.steps),
            cited=tuple(Cited(c.key, c.since, c.until, c.source, c.open) for c in self.citations),
        )


def _reference(citation: Citation) -> str:
    ref = f"{citation.key}, since {citation.since.isoformat()}: {citation.source}"
    if citation.open:
        ref += f"; open point: {citation.open}"
    return ref


@dataclass(frozen=True, slots=True)
class Bounds:
    """The least and greatest value an unknown count can take given what is known."""

    low: int
    high: int | None  # None: no upper bound can be derived

    @property
    def exact(self) -> bool:
        return self.high == self.low


def valid_votes(counts: Counts, against_all_on_ballot: bool) -> Bounds:
    """Votes for the options plus against all; bounded when against all is unknown."""
    known = counts.option_votes
    if counts.against_all is not None or not against_all_on_ballot:
        total = known + (counts.against_all or 0)
        return Bounds(total, total)
    if counts.participated is None:
        return Bounds(known, None)
    return Bounds(known, counts.participated - (counts.invalid or 0))


def participated_less_invalid(counts: Counts) -> Bounds:
    """Those who took part less the invalid ballots; bounded when either is unknown."""
    floor = counts.option_votes + (counts.against_all or 0)
    if counts.participated is not None and counts.invalid is not None:
        exact = counts.participated - counts.invalid
        return Bounds(exact, exact)
    if counts.participated is not None:
        return Bounds(floor, counts.participated)
    return Bounds(floor, counts.registered)


def participated(counts: Counts) -> Bounds:
    """Those who took part; bounded by the ballots counted and the register when unknown."""
    if counts.participated is not None:
        return Bounds(counts.participated, counts.participated)
    return Bounds(counts.known_ballots, counts.registered)


def depends_on(field_name: str, what: str) -> BadInput:
    """The outcome hinges on a count the input left null."""
    return BadInput(
        field_name,
        f"is null (not given), but {what} depends on it: give the number from the protocol",
    )


def exceeds(votes: int, share: Fraction, base: int) -> bool:
    """``votes`` is strictly more than ``share`` of ``base`` (exact)."""
    return votes * share.denominator > share.numerator * base


def ranked(options: dict[str, int]) -> list[tuple[str, int]]:
    """Options by votes, most first; equal votes keep input order (ties are checked apart)."""
    return sorted(options.items(), key=lambda item: -item[1])


def check_against_all(contest: Contest, rules: Rules) -> None:
    """Votes 'against all' are bad input on a date when the option was not on the ballot."""
    if not contest.against_all or rules.elections.against_all_on_ballot:
        return
    citation = rules.elections.cite("against_all_on_ballot")
    later = (
        f"; it is on the ballot from {(citation.until + dt.timedelta(days=1)).isoformat()}"
        if citation.until
        else ""
    )
    raise BadInput(
        "against_all",
        f"'against all' was not on the ballot on {contest.date.isoformat()}{later} "
        f"({citation.key}: {citation.source})",
        contest.against_all,
    )
