"""Plain records of the domain, and the checks that turn raw input into them.

A contest's counts arrive as JSON from commissions and researchers. Nothing is trusted:
a count must be a non-negative integer (``true``, ``1.5`` and ``"7"`` are not counts), the
votes cannot exceed those who took part, and a rule of the law that the input breaks is
named with its source. ``null`` means the source did not give the number: the outcome code
decides without it where the result does not depend on it.

Names are read as a person reads them: Unicode NFC, without surrounding spaces, and two
names of one contest that differ only in letter case are one name given twice. Per-unit
counts must add up to the national ones, and a date is written YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from saylau.law.reading import ISO_DAY, iso_day


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


def input_rule(error: Mapping[str, Any]) -> str:
    """One validation error of a pydantic model, worded as Saylau words a rule.

    The API's request bodies and the file readers validate with the same models; this is the
    one wording of their refusals, so a protocol is refused alike wherever it is read."""
    kind = error.get("type")
    limits: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this form (extra fields are not permitted)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return 'must be a JSON integer (not true, 1.5 or "7")'
    if kind == "greater_than_equal":
        return f"must be a whole number greater than or equal to {limits.get('ge')}"
    if kind == "less_than_equal":
        return f"must be less than or equal to {limits.get('le'):,}"
    if kind in ("dict_type", "model_type"):
        return "must be an object"
    return str(error.get("msg", "is invalid"))


def iso_date(value: object, field: str) -> dt.date:
    """The day ``value`` gives as YYYY-MM-DD (or as the date YAML read from that form).

    ``03.04.2023`` is 3 April in Kazakhstan and 4 March to a reader of month-first dates;
    ``20230319`` is a number to most readers. One form leaves nothing to guess."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    day = iso_day(value) if isinstance(value, str) else None
    if day is None:
        raise BadInput(field, f"must be an {ISO_DAY} such as 2023-03-19", value)
    return day


CODE_LENGTH = 64
"""The most characters of a unit code, contest id or option id: a protocol names its precinct,
contest and options in no more (:class:`saylau.protocol.ProtocolForm`), so a definition is held
to it too, or it would import and then never be counted."""


def plain_name(text: str) -> str:
    """A name as it is stored and compared: Unicode NFC, without surrounding spaces.

    ``"Amanat "`` and ``"Amanat"``, or an ``Ә`` composed and decomposed, look alike to
    every reader; left apart they would be two options that split one option's votes."""
    return unicodedata.normalize("NFC", text).strip()


def name_key(text: str) -> str:
    """What names are told apart by: not letter case, which no reader of a ballot weighs.

    Kazakh in Latin letters writes ``ı``, whose capital is ``I``; Unicode's case folding
    keeps ``ı`` apart from the ``i`` that ``I`` folds to, so the dotted and dotless i are
    folded together here."""
    folded = unicodedata.normalize("NFC", plain_name(text).casefold())
    return folded.replace("i\u0307", "i").replace("ı", "i")


def refuse_same_names(named: Iterable[tuple[str, str]], what: str) -> None:
    """Refuse two of the ``(field, name)`` pairs whose names are one name to a reader.

    Raises BadInput on the later of the two, naming both."""
    first: dict[str, tuple[str, str]] = {}
    for field, name in named:
        key = name_key(name)
        if key in first:
            other_field, other = first[key]
            at = f" ({other_field})" if other_field != field else ""
            raise BadInput(
                field,
                f"{what} must be unique, told apart by more than letter case, surrounding "
                f"spaces or Unicode form: {name!r} duplicates {other!r}{at}",
            )
        first[key] = (field, name)


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
    for name in options:
        if not isinstance(name, str) or not plain_name(name):
            raise BadInput(where, "option names must be non-empty strings", name)
    refuse_same_names(((where, name) for name in options), "option names")
    result: dict[str, int] = {}
    for name in options:
        count = _count(options, name, f"{where}.", nullable=False)
        assert count is not None
        result[plain_name(name)] = count
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


_FIELDS = ("registered", "participated", "invalid", "against_all")


def check_units(contest: Contest, units_in_country: int | None = None) -> None:
    """Per-unit counts (``regions``) must not contradict the national ones.

    A unit names only options of the national counts; for every field and option, what the
    units give cannot add up to more than the national figure (some units may be missing);
    and where the units are all the country has (``units_in_country``, from the law) and each
    gives the number, they add up to exactly the national figure.
    """
    if not contest.regions:
        return
    for name, region in contest.regions.items():
        for option in region.options:
            if option not in contest.options:
                raise BadInput(
                    f"regions.{name}.options.{option}",
                    "is not an option of the national counts (options)",
                )
    units = list(contest.regions.values())
    complete = len(units) == units_in_country
    figures: list[tuple[str, int | None, list[int | None]]] = [
        (field, getattr(contest, field), [getattr(unit, field) for unit in units])
        for field in _FIELDS
    ]
    figures += [
        (f"options.{option}", national, [unit.options.get(option) for unit in units])
        for option, national in contest.options.items()
    ]
    for field, national, parts in figures:
        if national is None:
            continue
        known = [part for part in parts if part is not None]
        found = sum(known)
        if found > national:
            raise BadInput(
                f"regions.*.{field}",
                f"the units' {field} add up to {found:,}, more than the national figure "
                f"{national:,}",
            )
        if complete and len(known) == len(parts) and found != national:
            raise BadInput(
                f"regions.*.{field}",
                f"the {len(units)} units, all the country had on {contest.date.isoformat()} "
                f"(constitution.territorial_units), must add up to the national {field}: "
                f"they add up to {found:,}, the national figure is {national:,}",
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
    date = iso_date(raw.get("date"), "date")
    counts = _counts(raw, "")
    check_counts(counts)
    seats = raw.get("seats")
    if seats is not None and (isinstance(seats, bool) or not isinstance(seats, int) or seats < 1):
        raise BadInput("seats", "must be a positive integer", seats)
    regions: dict[str, Counts] | None = None
    if raw.get("regions") is not None:
        if not isinstance(raw["regions"], dict):
            raise BadInput("regions", "must be an object of region name → counts")
        for name in raw["regions"]:
            if not plain_name(name):
                raise BadInput("regions", "region names must be non-empty strings", name)
        refuse_same_names((("regions", name) for name in raw["regions"]), "region names")
        regions = {}
        for name, region_raw in raw["regions"].items():
            prefix = f"regions.{name}."
            if not isinstance(region_raw, dict):
                raise BadInput(prefix.rstrip("."), "must be an object with the count fields")
            region = _counts(region_raw, prefix)
            check_counts(region, prefix)
            regions[plain_name(name)] = region
    round_raw = raw.get("round", 1)
    if round_raw not in (1, 2) or isinstance(round_raw, bool):
        raise BadInput("round", "must be 1 (first round) or 2 (repeat voting)", round_raw)
    order_raw = raw.get("registration_order")
    order: tuple[str, ...] | None = None
    if order_raw is not None:
        if not isinstance(order_raw, list) or not all(isinstance(n, str) for n in order_raw):
            raise BadInput("registration_order", "must be a list of option names", order_raw)
        named = [(f"registration_order[{i}]", name) for i, name in enumerate(order_raw)]
        refuse_same_names(named, "the names of registration_order")
        order = tuple(plain_name(name) for name in order_raw)
        spelt = {name_key(option): option for option in counts.options}
        for (field, name), plain in zip(named, order, strict=True):
            option = spelt.get(name_key(plain), plain)
            if option != plain:
                raise BadInput(
                    field,
                    f"differs from the option {option!r} only in letter case: a name of "
                    "registration_order is written as the option is",
                    name,
                )
    contest = Contest(
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
    check_units(contest)
    return contest
