"""The protocol's control relations as law data: each named, dated and sourced.

A relation is written in the institution's YAML file under ``relations:`` as a check over
the lines of the protocol (``ballots_found <= ballots_issued``), the words an error states
it in, the scope it needs (the protocol alone, the election definition, or the precinct's
other protocols) and, like every value of the law, the date it applies from and its source.
A relation without them does not load. This module reads and parses them; evaluating them
is :mod:`saylau.tabulation.relations`' work.

The checks are a small language, read here once so a malformed one fails at load time::

    check := side op side | "same(" name ("," name)* ")"
    op    := "=" | "<=" | ">=" | "<" | ">"
    side  := term ("+" term)*
    term  := name | whole number | "ceil(" name "*" parameter ")"

``ceil(list * elections.day_additions_share)`` rounds the share of a count up; ``same(a, b)``
holds when every protocol of the precinct gives the same ``a`` and ``b``. ``when`` names a
flag parameter (or ``not`` one) under which the relation applies on a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

SCOPES = {
    "protocol": "the protocol's own lines",
    "definition": "the protocol and its precinct in the election definition",
    "precinct": "the protocols of one precinct together",
}
OPERATORS = ("<=", ">=", "=", "<", ">")
_KEYS = {"id", "check", "rule", "scope", "when", "from", "until", "source", "open", "note"}
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_PARAMETER = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")
_SHARE = re.compile(r"ceil\(\s*([a-z_][a-z0-9_]*)\s*\*\s*([a-z_][a-z0-9_.]*)\s*\)")
_SAME = re.compile(r"same\(([^()]*)\)")


class RelationSyntaxError(ValueError):
    """A relation's check that is not written in the language above."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a side: a named count, a whole number, or a share of a count rounded up
    (``share`` is the ``institution.parameter`` giving the share)."""

    name: str | None = None
    constant: int = 0
    share: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """A parsed check: ``left op right``, or, with ``same``, names the protocols of one
    precinct must agree on."""

    left: tuple[Term, ...] = ()
    op: str = "="
    right: tuple[Term, ...] = ()
    same: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every count the check reads, left to right."""
        terms = (*self.left, *self.right)
        return self.same or tuple(t.name for t in terms if t.name is not None)

    def parameters(self) -> tuple[str, ...]:
        return tuple(t.share for t in (*self.left, *self.right) if t.share is not None)


@dataclass(frozen=True, slots=True)
class Relation:
    """A control relation in force from ``start`` to ``until`` (inclusive; None = today)."""

    institution: str
    id: str
    text: str  # the check as the law data writes it
    check: Check
    rule: str  # in words, as an error states it; may hold {placeholders}
    scope: str
    when: str | None  # a flag parameter, "institution.name"
    when_not: bool  # the relation applies where that flag is false
    start: dt.date
    until: dt.date | None
    source: str
    open: str | None = None

    @property
    def field(self) -> str:
        """The protocol line a refusal names: the first count the check reads."""
        return self.check.names()[0]

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


def _term(text: str) -> Term:
    text = text.strip()
    if text.isdigit():
        return Term(constant=int(text))
    share = _SHARE.fullmatch(text)
    if share is not None:
        if not _PARAMETER.fullmatch(share.group(2)):
            raise RelationSyntaxError(f"{share.group(2)!r} is not an institution.parameter")
        return Term(name=share.group(1), share=share.group(2))
    if _NAME.fullmatch(text):
        return Term(name=text)
    raise RelationSyntaxError(f"{text!r} is not a count, a whole number or ceil(count * share)")


def parse_check(text: str) -> Check:
    """The check ``text`` as a :class:`Check`, or RelationSyntaxError saying what is wrong."""
    text = text.strip()
    same = _SAME.fullmatch(text)
    if same is not None:
        names = tuple(name.strip() for name in same.group(1).split(","))
        if not all(_NAME.fullmatch(name) for name in names):
            raise RelationSyntaxError(f"same(...) takes count names, found {same.group(1)!r}")
        return Check(same=names)
    for op in OPERATORS:
        left, found, right = text.partition(f" {op} ")
        if found:
            return Check(
                left=tuple(_term(t) for t in left.split("+")),
                op=op,
                right=tuple(_term(t) for t in right.split("+")),
            )
    raise RelationSyntaxError(
        f"{text!r} compares no two sides (with {', '.join(OPERATORS)} between spaces)"
    )


def _text(raw: Any, where: str, field: str, error: type[ValueError]) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise error(f"{where}: '{field}' must be a non-empty string")
    return raw.strip()


def read_relations(
    institution: str,
    raw: Any,
    date_of: Any,
    error: type[ValueError],
) -> tuple[Relation, ...]:
    """The ``relations:`` list of one institution's file; ``error`` is the law's load error
    and ``date_of(value, where)`` its reader of dates."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise error(f"{institution}.relations: expected a list of relations")
    relations: list[Relation] = []
    for index, entry in enumerate(raw):
        at = f"{institution}.relations[{index}]"
        if not isinstance(entry, dict):
            raise error(f"{at}: expected a mapping")
        unknown = set(entry) - _KEYS
        if unknown:
            raise error(f"{at}: unknown keys {sorted(unknown)}")
        relation_id = _text(entry.get("id"), at, "id", error)
        at = f"{institution}.relations.{relation_id}"
        if "from" not in entry:
            raise error(f"{at}: every relation needs its effective date 'from'")
        scope = entry.get("scope", "protocol")
        if scope not in SCOPES:
            raise error(f"{at}: scope {scope!r} is not one of {', '.join(SCOPES)}")
        text = _text(entry.get("check"), at, "check", error)
        try:
            check = parse_check(text)
        except RelationSyntaxError as exc:
            raise error(f"{at}: check: {exc}") from None
        if bool(check.same) != (scope == "precinct"):
            raise error(f"{at}: a same(...) check, and only it, has the scope precinct")
        when_raw = entry.get("when")
        when: str | None = None
        when_not = False
        if when_raw is not None:
            when = _text(when_raw, at, "when", error)
            when_not = when.startswith("not ")
            when = when.removeprefix("not ").strip()
            if not _PARAMETER.fullmatch(when):
                raise error(f"{at}: when: {when!r} is not a flag parameter institution.name")
        relations.append(
            Relation(
                institution=institution,
                id=relation_id,
                text=text,
                check=check,
                rule=_text(entry.get("rule"), at, "rule", error),
                scope=scope,
                when=when,
                when_not=when_not,
                start=date_of(entry["from"], at),
                until=date_of(entry["until"], at) if entry.get("until") else None,
                source=_text(entry.get("source"), at, "source", error),
                open=entry.get("open"),
            )
        )
    return tuple(relations)


def relation_problems(relations: tuple[Relation, ...]) -> list[str]:
    """Two relations of one id in force on one day: the law would say two things at once."""
    problems: list[str] = []
    for index, one in enumerate(relations):
        for other in relations[index + 1 :]:
            if one.id != other.id:
                continue
            ends = [d for d in (one.until, other.until) if d is not None]
            if max(one.start, other.start) <= (min(ends) if ends else dt.date.max):
                problems.append(f"relation {one.id}: periods overlap at {other.start}")
        if one.until is not None and one.until < one.start:
            problems.append(f"relation {one.id}: period from {one.start} ends before it starts")
    return problems


__all__ = [
    "OPERATORS",
    "SCOPES",
    "Check",
    "Relation",
    "RelationSyntaxError",
    "Term",
    "parse_check",
    "read_relations",
    "relation_problems",
]
