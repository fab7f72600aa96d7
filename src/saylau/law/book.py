"""The law book: every legal value of Saylau, each with its dates and its source.

The YAML files in ``data/`` are the only place where a number of the law is written.
Each file holds one institution: when it existed and its parameters; each parameter is
a list of periods ``{from, value, source}`` (optionally ``until``, ``note`` and ``open``).
A value without a source or an effective date does not load: a law nobody can check is
not a law Saylau will apply. A file may also list ``relations:``, the control relations a
protocol must keep (:mod:`saylau.law.relations`), each dated and sourced the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from saylau.law.reading import ISO_DAY, RepeatedYamlKey, iso_day, read_yaml
from saylau.law.relations import Relation, read_relations, relation_problems

#: The value types a parameter may carry, by the ``unit`` named in the YAML file.
LegalValue = int | bool | str | Fraction | dt.date | None

UNITS = {
    "count": "a whole number",
    "tenge": "an amount in tenge",
    "years": "a number of years",
    "months": "a number of months",
    "days": "a number of calendar days",
    "working_days": "a number of working days",
    "age": "an age in full years",
    "percent": "a percentage (stored as an exact fraction)",
    "fraction": "an exact fraction such as 2/3",
    "ratio": "a decimal factor such as 0.7 (stored exactly)",
    "flag": "yes or no",
    "choice": "one of the listed choices",
    "text": "a rule stated in words",
}
#: The working-day calendar's transfers (:mod:`saylau.law.calendar`), not an institution.
CALENDAR_FILE = "calendar.yaml"

_WHOLE_UNITS = {"count", "tenge", "years", "months", "days", "working_days", "age"}


class LawDataError(ValueError):
    """The law data itself is malformed: raised at load time, never at decision time."""


@dataclass(frozen=True, slots=True)
class Period:
    """One value of a parameter and the dates it applies (``until`` inclusive, None = today)."""

    start: dt.date
    until: dt.date | None
    value: LegalValue
    source: str
    note: str | None = None
    open: str | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named legal quantity of one institution, over time."""

    institution: str
    name: str
    label: str
    unit: str
    periods: tuple[Period, ...]
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.institution}.{self.name}"

    def period_at(self, day: dt.date) -> Period | None:
        for period in self.periods:
            if period.covers(day):
                return period
        return None


@dataclass(frozen=True, slots=True)
class Institution:
    """A body or procedure of the law, with the span of dates it existed."""

    name: str
    title: str
    start: dt.date
    until: dt.date | None
    existence_source: str
    parameters: Mapping[str, Parameter]
    relations: tuple[Relation, ...] = ()

    def exists_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)

    def span(self) -> str:
        end = self.until.isoformat() if self.until else "today"
        return f"{self.start.isoformat()} to {end}"


@dataclass(frozen=True, slots=True)
class LawBook:
    """All institutions; the coverage of Saylau starts with the earliest of them."""

    institutions: Mapping[str, Institution]

    @property
    def coverage_start(self) -> dt.date:
        return min(inst.start for inst in self.institutions.values())

    def parameters(self) -> Iterator[Parameter]:
        for inst in self.institutions.values():
            yield from inst.parameters.values()

    def relations(self) -> Iterator[Relation]:
        for inst in self.institutions.values():
            yield from inst.relations

    def relations_at(self, day: dt.date) -> tuple[Relation, ...]:
        """The control relations in force on ``day``, in the order the law data lists them."""
        return tuple(r for r in self.relations() if r.covers(day))

    def parameter(self, key: str) -> Parameter:
        """Find ``institution.name`` (or a bare name, if only one institution has it)."""
        if "." in key:
            inst_name, _, name = key.partition(".")
            inst = self.institutions.get(inst_name)
            if inst is not None and name in inst.parameters:
                return inst.parameters[name]
        matches = [p for p in self.parameters() if p.name == key]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(p.key for p in matches)
            raise KeyError(f"parameter {key!r} is ambiguous: say one of {names}")
        raise KeyError(f"no parameter {key!r} in the law book")


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    day = iso_day(raw) if isinstance(raw, str) else None
    if day is None:
        raise LawDataError(f"{where}: expected an {ISO_DAY}, found {raw!r}")
    return day


def _convert(raw: Any, unit: str, choices: tuple[str, ...], where: str) -> LegalValue:
    """Turn a YAML value into its exact legal type, refusing anything ambiguous."""
    if raw is None:
        return None
    if unit in _WHOLE_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise LawDataError(f"{where}: {unit} must be a non-negative integer, found {raw!r}")
        return raw
    if unit == "percent":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise LawDataError(f"{where}: percent must be a number, found {raw!r}")
        return Fraction(str(raw)) / 100
    if unit in ("fraction", "ratio"):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise LawDataError(f"{where}: {unit} must be a number or a/b, found {raw!r}")
        return Fraction(str(raw))
    if unit == "flag":
        if not isinstance(raw, bool):
            raise LawDataError(f"{where}: flag must be true or false, found {raw!r}")
        return raw
    if unit == "choice":
        if raw not in choices:
            raise LawDataError(f"{where}: {raw!r} is not one of {list(choices)}")
        return str(raw)
    if unit == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise LawDataError(f"{where}: text must be a non-empty string")
        return raw
    raise LawDataError(f"{where}: unknown unit {unit!r} (known: {', '.join(UNITS)})")


def _text(raw: Any, where: str, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise LawDataError(f"{where}: '{field}' must be a non-empty string")
    return raw.strip()


def _parameter(inst: str, name: str, raw: Any, inst_until: dt.date | None) -> Parameter:
    where = f"{inst}.{name}"
    if not isinstance(raw, dict):
        raise LawDataError(f"{where}: expected a mapping with label, unit and values")
    unit = _text(raw.get("unit"), where, "unit")
    choices = tuple(raw.get("choices") or ())
    entries = raw.get("values")
    if not isinstance(entries, list) or not entries:
        raise LawDataError(f"{where}: 'values' must be a non-empty list of periods")
    periods: list[Period] = []
    for index, entry in enumerate(entries):
        at = f"{where}.values[{index}]"
        if not isinstance(entry, dict):
            raise LawDataError(f"{at}: expected a mapping")
        unknown = set(entry) - {"from", "until", "value", "source", "note", "open"}
        if unknown:
            raise LawDataError(f"{at}: unknown keys {sorted(unknown)}")
        if "from" not in entry:
            raise LawDataError(f"{at}: every value needs its effective date 'from'")
        if "value" not in entry:
            raise LawDataError(f"{at}: 'value' is missing (write null for 'no such rule')")
        start = _date(entry["from"], at)
        next_start = _date(entries[index + 1]["from"], at) if index + 1 < len(entries) else None
        if "until" in entry:
            until: dt.date | None = _date(entry["until"], at)
        elif next_start is not None:
            until = next_start - dt.timedelta(days=1)
        else:
            until = inst_until
        periods.append(
            Period(
                start=start,
                until=until,
                value=_convert(entry["value"], unit, choices, at),
                source=_text(entry.get("source"), at, "source"),
                note=entry.get("note"),
                open=entry.get("open"),
            )
        )
    return Parameter(
        institution=inst,
        name=name,
        label=_text(raw.get("label"), where, "label"),
        unit=unit,
        periods=tuple(periods),
        choices=choices,
    )


def _institution(raw: Any, origin: str) -> Institution:
    if not isinstance(raw, dict):
        raise LawDataError(f"{origin}: expected a mapping")
    name = _text(raw.get("institution"), origin, "institution")
    existed = raw.get("existed")
    if not isinstance(existed, dict) or "from" not in existed:
        raise LawDataError(f"{origin}: 'existed' must give 'from' (and 'until' if it ended)")
    start = _date(existed["from"], f"{name}.existed")
    until = _date(existed["until"], f"{name}.existed") if existed.get("until") else None
    params_raw = raw.get("parameters")
    if not isinstance(params_raw, dict) or not params_raw:
        raise LawDataError(f"{origin}: 'parameters' must be a non-empty mapping")
    return Institution(
        name=name,
        title=_text(raw.get("title"), origin, "title"),
        start=start,
        until=until,
        existence_source=_text(existed.get("source"), f"{name}.existed", "source"),
        parameters={
            pname: _parameter(name, pname, praw, until) for pname, praw in params_raw.items()
        },
        relations=read_relations(name, raw.get("relations"), _date, LawDataError),
    )


def check_periods(book: LawBook) -> list[str]:
    """Every inconsistency in the dating of the law: empty when the book is sound."""
    problems: list[str] = []
    for inst in book.institutions.values():
        for param in inst.parameters.values():
            previous: Period | None = None
            for period in param.periods:
                if period.until is not None and period.until < period.start:
                    problems.append(
                        f"{param.key}: period from {period.start} ends before it starts"
                    )
                if period.start < inst.start:
                    problems.append(f"{param.key}: value from {period.start} predates {inst.name}")
                if inst.until is not None and (period.until is None or period.until > inst.until):
                    problems.append(f"{param.key}: value runs past the end of {inst.name}")
                if previous is not None:
                    if period.start <= previous.start:
                        problems.append(f"{param.key}: periods out of order at {period.start}")
                    elif previous.until is None or previous.until >= period.start:
                        problems.append(f"{param.key}: periods overlap at {period.start}")
                previous = period
            if param.periods and param.periods[0].start != inst.start:
                problems.append(
                    f"{param.key}: first value starts {param.periods[0].start}, "
                    f"but {inst.name} exists from {inst.start}"
                )
    for inst in book.institutions.values():
        problems += relation_problems(inst.relations)
    for relation in book.relations():
        problems += _relation_parameters(book, relation)
        inst = book.institutions[relation.institution]
        if relation.start < inst.start:
            problems.append(f"relation {relation.id}: from {relation.start} predates {inst.name}")
    return problems


def _relation_parameters(book: LawBook, relation: Relation) -> list[str]:
    """A relation reads only parameters the book has: flags for ``when``, shares for
    ``ceil``."""
    wanted: list[tuple[str, tuple[str, ...]]] = [
        (key, ("percent", "fraction")) for key in relation.check.parameters()
    ]
    if relation.when is not None:
        wanted.append((relation.when, ("flag",)))
    problems: list[str] = []
    for key, units in wanted:
        inst, _, name = key.partition(".")
        param = book.institutions[inst].parameters.get(name) if inst in book.institutions else None
        if param is None:
            problems.append(f"relation {relation.id}: no parameter {key} in the law book")
        elif param.unit not in units:
            problems.append(f"relation {relation.id}: {key} is a {param.unit}, not a {units[0]}")
    return problems


def load_book(files: Mapping[str, str]) -> LawBook:
    """Build a law book from YAML texts (file name → text) and refuse an unsound one."""
    institutions: dict[str, Institution] = {}
    for origin, text in sorted(files.items()):
        try:
            raw = read_yaml(text)
        except RepeatedYamlKey as exc:
            raise LawDataError(
                f"{origin}: the key {exc.key!r} appears twice in one mapping (line {exc.line})"
            ) from None
        inst = _institution(raw, origin)
        if inst.name in institutions:
            raise LawDataError(f"{origin}: institution {inst.name!r} is defined twice")
        institutions[inst.name] = inst
    book = LawBook(institutions)
    problems = check_periods(book)
    if problems:
        raise LawDataError("; ".join(problems))
    return book


@cache
def law_book() -> LawBook:
    """The law book shipped with Saylau (read once per process)."""
    folder = resources.files("saylau.law") / "data"
    files = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and entry.name != CALENDAR_FILE
    }
    return load_book(files)
