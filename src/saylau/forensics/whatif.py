"""What-if: a contest re-decided under another date's law, or under a rule set of one's own.

A rule set is a reform in OpenFisca's sense: a small overlay naming parameters of the law book
(``mazhilis.list_threshold``, ``mazhilis.allocation_method``, ``mazhilis.list_seats``,
``elections.against_all_on_ballot`` …) and their values. It is applied to a *clone* of the
law book's parameter tree, whose patched parameters carry the overlay as their source, and
the rules are built from the clone exactly as from the book: the same units, the same choices,
the same refusals. The book itself is never touched, so every other decision stays the law's.

Readings chosen where the counts of one law meet another law's ballot:

- a list tier's seats are the seats of the rule set (the contest file's ``seats`` is the
  count of its own date and is dropped for the national chambers; a maslikhat keeps its own);
- votes "against all" cast on a date that had the option, decided under rules without it,
  are left out of the votes (counted for no list, since nobody knows whom those voters would
  have chosen; they still took part); the number left out is stated in the result;
- a contest from a date without "against all", decided under rules with it, had none cast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from saylau.law.book import (
    UNITS,
    Institution,
    LawBook,
    LawDataError,
    LegalValue,
    Parameter,
    Period,
    _convert,
    law_book,
)
from saylau.law.reading import RepeatedYamlKey, read_yaml
from saylau.law.rules import NotInForce, Rules, build_rules, rules_at
from saylau.model import BadInput, Contest, Kind, iso_date
from saylau.outcome import decide
from saylau.outcome.records import (
    AnyOutcome,
    ListOutcome,
    MajorityOutcome,
    PluralityOutcome,
    Status,
    to_json,
)
from saylau.outcome.sentences import fraction_text

#: The keys a rule-set file may have.
RULE_SET_KEYS = ("title", "rules_on", "parameters")

#: The institutions whose rules decide a contest of each kind (the chamber, and the ballot).
DECIDING: dict[Kind, tuple[str, ...]] = {
    Kind.MAZHILIS_LIST: ("mazhilis", "elections"),
    Kind.KURULTAI_LIST: ("kurultai", "elections"),
    Kind.MASLIKHAT_LIST: ("maslikhat", "elections"),
    Kind.PRESIDENTIAL: ("presidency", "elections"),
    Kind.SINGLE_MEMBER: ("elections",),
    Kind.AKIM: ("akim", "elections"),
    Kind.SENATE: ("senate",),
    Kind.REFERENDUM: ("referendum", "constitution"),
}

#: A chamber's seats must add up: total = list + single-member + assembly seats.
SEAT_PARTS = ("list_seats", "single_member_seats", "assembly_seats")


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules to decide by: the law of a date, possibly patched by an overlay."""

    label: str
    rules: Rules
    patched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One parameter that decides the contest and differs between the two rule sets."""

    parameter: str
    actual: LegalValue
    what_if: LegalValue
    source: str


@dataclass(frozen=True, slots=True)
class SeatChange:
    """Seats (or the single seat of a candidate's contest) of one option under both rules."""

    option: str
    actual: int
    what_if: int

    @property
    def difference(self) -> int:
        return self.what_if - self.actual


@dataclass(frozen=True, slots=True)
class WhatIf:
    """A contest decided under its own date's law and under another rule set."""

    kind: Kind
    date: dt.date
    actual_rules: RuleSet
    what_if_rules: RuleSet
    actual: AnyOutcome
    what_if: AnyOutcome
    seats: tuple[SeatChange, ...]
    changes: tuple[RuleChange, ...]
    against_all_left_out: int


def _value_text(value: LegalValue) -> Any:
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_document(result: WhatIf) -> dict[str, Any]:
    """The what-if as the JSON ``saylau whatif`` prints: stable keys, in a stable order."""
    return {
        "kind": result.kind.value,
        "date": result.date.isoformat(),
        "actual_rules": {
            "label": result.actual_rules.label,
            "date": result.actual_rules.rules.date.isoformat(),
        },
        "what_if_rules": {
            "label": result.what_if_rules.label,
            "date": result.what_if_rules.rules.date.isoformat(),
            "patched": list(result.what_if_rules.patched),
        },
        "changes": [
            {
                "parameter": c.parameter,
                "actual": _value_text(c.actual),
                "what_if": _value_text(c.what_if),
                "source": c.source,
            }
            for c in result.changes
        ],
        "against_all_left_out": result.against_all_left_out,
        "seats": [
            {
                "option": s.option,
                "actual": s.actual,
                "what_if": s.what_if,
                "difference": s.difference,
            }
            for s in result.seats
        ],
        "actual": to_json(result.actual),
        "what_if": to_json(result.what_if),
    }


class RuleSetError(BadInput):
    """A rule-set file that cannot be applied: names the field and the rule."""


def rules_on(day: dt.date) -> RuleSet:
    """The law in force on ``day``, as a rule set."""
    try:
        return RuleSet(f"law of {day.isoformat()}", rules_at(day))
    except NotInForce as exc:
        raise BadInput("rules_on", str(exc)) from None


def _patched_parameter(
    param: Parameter, inst: Institution, value: LegalValue, source: str
) -> Parameter:
    """A clone of ``param`` holding ``value`` for the institution's whole life."""
    period = Period(start=inst.start, until=inst.until, value=value, source=source)
    return dataclasses.replace(param, periods=(period,))


def _seat_sum(
    values: Mapping[str, LegalValue], given: Mapping[str, LegalValue], inst: str
) -> dict[str, LegalValue]:
    """Keep a chamber's seats adding up; a total not given follows its parts."""
    if not any(f"{inst}.{name}" in given for name in (*SEAT_PARTS, "total_seats")):
        return {}
    parts = [values[name] for name in SEAT_PARTS]
    if not all(isinstance(p, int) for p in parts):
        return {}
    total = sum(p for p in parts if isinstance(p, int))
    key = f"{inst}.total_seats"
    if key not in given:
        return {"total_seats": total}
    if given[key] != total:
        raise RuleSetError(
            f"parameters.{key}",
            f"a chamber's seats add up: total_seats = {' + '.join(SEAT_PARTS)} "
            f"= {total} under this rule set",
            given[key],
        )
    return {}


def parse_rule_set(text: str, origin: str, default_day: dt.date) -> RuleSet:
    """Read a rule-set overlay (YAML) and apply it to a clone of the law book.

    ``rules_on`` names the date whose law is patched (default ``default_day``, the contest's);
    ``parameters`` maps ``institution.parameter`` to a value written as in the law data."""
    try:
        raw = read_yaml(text)
    except RepeatedYamlKey as exc:
        raise RuleSetError(exc.key, f"appears twice in one mapping (line {exc.line})") from None
    except Exception as exc:  # the YAML parser's own error, worded by it
        raise RuleSetError("(document)", f"{origin} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleSetError(
            "(document)", "a rule set is a mapping with title, rules_on and parameters"
        )
    unknown = sorted(str(key) for key in raw if key not in RULE_SET_KEYS)
    if unknown:
        raise RuleSetError(
            unknown[0], f"is not a key of a rule set (known: {', '.join(RULE_SET_KEYS)})"
        )
    title = raw.get("title", origin)
    if not isinstance(title, str) or not title.strip():
        raise RuleSetError("title", "must be a non-empty text", title)
    try:
        day = iso_date(raw["rules_on"], "rules_on") if "rules_on" in raw else default_day
    except BadInput as exc:
        raise RuleSetError(exc.field, exc.rule, exc.found) from None
    given = raw.get("parameters")
    if not isinstance(given, dict) or not given:
        raise RuleSetError(
            "parameters", "must be a non-empty mapping of institution.parameter to a value"
        )
    book = law_book()
    converted: dict[str, LegalValue] = {}
    for key, value in given.items():
        field = f"parameters.{key}"
        inst_name, _, name = str(key).partition(".")
        inst = book.institutions.get(inst_name)
        if inst is None or not name:
            raise RuleSetError(
                field,
                "must be written institution.parameter, the institution one of "
                + ", ".join(sorted(book.institutions)),
            )
        param = inst.parameters.get(name)
        if param is None:
            raise RuleSetError(
                field,
                f"is not a parameter of {inst_name} (known: {', '.join(sorted(inst.parameters))})",
            )
        try:
            converted[str(key)] = _convert(value, param.unit, param.choices, field)
        except (LawDataError, ValueError, ZeroDivisionError) as exc:
            raise RuleSetError(
                field, f"must be {UNITS.get(param.unit, param.unit)}: {exc}", value
            ) from None
        share = converted[str(key)]
        if param.unit in ("percent", "fraction") and isinstance(share, Fraction) and share > 1:
            raise RuleSetError(field, "a share cannot exceed the whole (100 %)", value)
    source = f"what-if rule set {title.strip()!r}, not the law"
    institutions: dict[str, Institution] = dict(book.institutions)
    for inst_name in sorted({key.partition(".")[0] for key in converted}):
        inst = book.institutions[inst_name]
        if not inst.exists_on(day):
            raise RuleSetError(
                f"parameters.{inst_name}",
                f"{inst.title} did not exist on {day.isoformat()} ({inst.existence_source})",
            )
        params = dict(inst.parameters)
        values: dict[str, LegalValue] = {}
        for name, param in params.items():
            period = param.period_at(day)
            values[name] = None if period is None else period.value
        own = {
            key.partition(".")[2]: v
            for key, v in converted.items()
            if key.startswith(inst_name + ".")
        }
        values |= own
        if all(name in params for name in (*SEAT_PARTS, "total_seats")):
            own |= _seat_sum(values, converted, inst_name)
        for name, value in own.items():
            params[name] = _patched_parameter(params[name], inst, value, source)
        institutions[inst_name] = dataclasses.replace(inst, parameters=params)
    try:
        rules = build_rules(LawBook(institutions), day)
    except (LawDataError, NotInForce) as exc:
        raise RuleSetError("parameters", str(exc)) from None
    return RuleSet(title.strip(), rules, tuple(sorted(converted)))


def _seats_of(outcome: AnyOutcome) -> dict[str, int]:
    """Seats per option: a list's seats, or the one seat a candidate's contest elected."""
    if isinstance(outcome, ListOutcome):
        return dict(outcome.seats)
    if isinstance(outcome, PluralityOutcome | MajorityOutcome):
        return {
            name: int(outcome.status is Status.ELECTED and name == outcome.winner)
            for name in outcome.percent
        }
    return {}


def _changes(kind: Kind, actual: Rules, what_if: Rules) -> tuple[RuleChange, ...]:
    """The parameters of the institutions deciding ``kind`` that differ between the two."""
    found: list[RuleChange] = []
    for inst_name in DECIDING[kind]:
        mine = getattr(actual, inst_name)
        theirs = getattr(what_if, inst_name)
        if mine is None or theirs is None:
            continue
        for field in dataclasses.fields(mine):
            if field.name == "citations":
                continue
            before, after = getattr(mine, field.name), getattr(theirs, field.name)
            if before != after:
                found.append(
                    RuleChange(
                        parameter=f"{inst_name}.{field.name}",
                        actual=before,
                        what_if=after,
                        source=theirs.cite(field.name).source,
                    )
                )
    return tuple(found)


def recast(contest: Contest, rules: Rules) -> tuple[Contest, int]:
    """The contest's counts as a ballot under ``rules`` would carry them, and the votes
    against all left out (see the module's readings)."""
    seats = contest.seats if contest.kind is Kind.MASLIKHAT_LIST else None
    against_all = contest.against_all
    left_out = 0
    if not rules.elections.against_all_on_ballot and against_all:
        left_out = against_all
        against_all = 0
    elif rules.elections.against_all_on_ballot and against_all is None:
        actual = rules_at(contest.date).elections.against_all_on_ballot
        against_all = None if actual else 0
    return (
        dataclasses.replace(
            contest,
            seats=seats,
            against_all=against_all,
            regions=None if left_out else contest.regions,
        ),
        left_out,
    )


def what_if(contest: Contest, rule_set: RuleSet) -> WhatIf:
    """Decide ``contest`` under its own date's law and under ``rule_set``; BadInput names the
    field when either cannot decide it."""
    try:
        actual_rules = rules_on(contest.date)
    except BadInput as exc:
        raise BadInput("date", exc.rule, contest.date.isoformat()) from None
    actual = decide(contest, actual_rules.rules)
    recast_contest, left_out = recast(contest, rule_set.rules)
    other = decide(recast_contest, rule_set.rules)
    before, after = _seats_of(actual), _seats_of(other)
    seats = tuple(
        SeatChange(name, before.get(name, 0), after.get(name, 0)) for name in contest.options
    )
    return WhatIf(
        kind=contest.kind,
        date=contest.date,
        actual_rules=actual_rules,
        what_if_rules=rule_set,
        actual=actual,
        what_if=other,
        seats=seats,
        changes=_changes(contest.kind, actual_rules.rules, rule_set.rules),
        against_all_left_out=left_out,
    )
