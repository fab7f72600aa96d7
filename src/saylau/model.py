"""Plain records of the domain, and the checks that turn raw input into them.

A contest's counts arrive as JSON from commissions and researchers. Nothing is trusted:
a count must be a non-negative integer (``true``, ``1.5`` and ``"7"`` are not counts), the
votes cannot exceed those who took part, and a rule of the law that the input breaks is
named with its source. ``null`` means the source did not give the number: the outcome code
decides without it where the result does not depend on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The contest kinds Saylau decides."""

    PRESIDENTIAL = "presidential"
    MAZHILIS_LIST = "mazhilis-list"
    KURULTAI_LIST = "kurultai-list"
    MASLIKHAT_LIST = "maslikhat-list"
    SINGLE_MEMBER = "single-member"
    AKIM = "akim"
    SENATE = "senate"
    REFERENDUM = "referendum"


class BadInput(ValueError):
    """Input that breaks a rule: names the field, the rule and what was found."""

    def __init__(self, field: str, rule: str, found: object = None) -> None:
        self.field = field
        self.rule = rule
        self.found = found
        text = f"field '{field}': {rule}"
        if found is not None:
            text += f" (found {found!r})"
        super().__init__(text)


@dataclass(frozen=True, slots=True)
class Counts:
    """The numbers of one protocol or one territorial unit (``None`` = not given)."""

    registered: int | None
    participated: int | None
    invalid: int | None
    against_all: int | None
    options: dict[str, int]

    @property
    def option_votes(self) -> int:
        return sum(self.options.values())

    @property
    def known_ballots(self) -> int:
        """Ballots accounted for: votes for options, against all and invalid ones."""
        return self.option_votes + (self.against_all or 0) + (self.invalid or 0)


@dataclass(frozen=True, slots=True)
class Contest(Counts):
    """One contest to decide: its kind, its date and its counts."""

    kind: Kind
    date: dt.date
    seats: int | None = None
    regions: dict[str, Counts] | None = None
    question_type: str | None = None
    level: str | None = None
    body: str | None = None
    round: int = 1
    registration_order: tuple[str, ...] | None = None


def _count(raw: Mapping[str, Any], name: str, prefix: str, nullable: bool) -> int | None:
    where = prefix + name
    if name not in raw:
        if nullable:
            raise BadInput(where, "is required (write null if the source does not give it)")
        raise BadInput(where, "is required")
    value = raw[name]
    if value is None:
        if nullable:
            return None
        raise BadInput(where, "must be a non-negative integer, not null")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(where, "must be a non-negative integer", value)
    if value < 0:
        raise BadInput(where, "must be a non-negative integer", value)
    return value


def _options(raw: Mapping[str, Any], prefix: str) -> dict[str, int]:
    where = prefix + "options"
    options = raw.get("options")
    if not isinstance(options, dict) or not options:
        raise BadInput(where, "must be a non-empty object of option name → votes", options)
    result: dict[str, int] = {}
    for name in options:
        if not isinstance(name, str) or not name.strip():
            raise BadInput(where, "option names must be non-empty strings", name)
        count = _count(options, name, f"{where}.", nullable=False)
        assert count is not None
        result[name] = count
    return result


def check_counts(counts: Counts, prefix: str = "") -> None:
    """The control relations every set of counts must satisfy.

    Votes may fall short of participation: some forms have ballots that are neither
    invalid nor a vote (a referendum ballot with both boxes marked).
    """
    if (
        counts.registered is not None
        and counts.participated is not None
        and counts.participated > counts.registered
    ):
        raise BadInput(
            prefix + "participated",
            f"those who took part ({counts.participated}) cannot exceed the registered "
            f"voters ({counts.registered})",
        )
    if counts.participated is not None and counts.known_ballots > counts.participated:
        raise BadInput(
            prefix + "participated",
            f"votes for the options + against all + invalid ({counts.known_ballots}) exceed "
            f"those who took part ({counts.participated}): every ballot in the box is one of them",
        )


def _counts(raw: Mapping[str, Any], prefix: str) -> Counts:
    return Counts(
        registered=_count(raw, "registered", prefix, nullable=True),
        participated=_count(raw, "participated", prefix, nullable=True),
        invalid=_count(raw, "invalid", prefix, nullable=True),
        against_all=_count(raw, "against_all", prefix, nullable=True),
        options=_options(raw, prefix),
    )


def _optional_text(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise BadInput(name, f"must be one of {', '.join(allowed)}", value)
    return str(value)


def parse_contest(raw: Any) -> Contest:
    """Check a contest given as parsed JSON and return it as a record, or raise BadInput."""
    if not isinstance(raw, dict):
        raise BadInput("(document)", "must be a JSON object describing one contest")
    kind_raw = raw.get("kind")
    try:
        kind = Kind(str(kind_raw))
    except ValueError:
        known = ", ".join(k.value for k in Kind)
        raise BadInput("kind", f"must be one of {known}", kind_raw) from None
    date_raw = raw.get("date")
    try:
        date = dt.date.fromisoformat(date_raw) if isinstance(date_raw, str) else None
    except ValueError:
        date = None
    if date is None:
        raise BadInput("date", "must be an ISO date such as 2023-03-19", date_raw)
    counts = _counts(raw, "")
    check_counts(counts)
    seats = raw.get("seats")
    if seats is not None and (isinstance(seats, bool) or not isinstance(seats, int) or seats < 1):
        raise BadInput("seats", "must be a positive integer", seats)
    regions: dict[str, Counts] | None = None
    if raw.get("regions") is not None:
        if not isinstance(raw["regions"], dict):
            raise BadInput("regions", "must be an object of region name → counts")
        regions = {}
        for name, region_raw in raw["regions"].items():
            prefix = f"regions.{name}."
            if not isinstance(region_raw, dict):
                raise BadInput(prefix.rstrip("."), "must be an object with the count fields")
            region = _counts(region_raw, prefix)
            check_counts(region, prefix)
            regions[name] = region
    round_raw = raw.get("round", 1)
    if round_raw not in (1, 2) or isinstance(round_raw, bool):
        raise BadInput("round", "must be 1 (first round) or 2 (repeat voting)", round_raw)
    order_raw = raw.get("registration_order")
    order: tuple[str, ...] | None = None
    if order_raw is not None:
        if not isinstance(order_raw, list) or not all(isinstance(n, str) for n in order_raw):
            raise BadInput("registration_order", "must be a list of option names", order_raw)
        order = tuple(order_raw)
    return Contest(
        registered=counts.registered,
        participated=counts.participated,
        invalid=counts.invalid,
        against_all=counts.against_all,
        options=counts.options,
        kind=kind,
        date=date,
        seats=seats,
        regions=regions,
        question_type=_optional_text(raw, "question_type", ("constitution", "ordinary")),
        level=_optional_text(raw, "level", ("rural", "district", "regional")),
        body=_optional_text(raw, "body", ("mazhilis", "maslikhat")),
        round=round_raw,
        registration_order=order,
    )
