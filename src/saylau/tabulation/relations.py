"""The protocol's control relations, evaluated: the one place a protocol's numbers are checked.

The relations are law data (``relations:`` in ``law/data/elections.yaml``, each dated and
sourced); :func:`relations_at` compiles those in force on a date once, and every reader of a
protocol asks it: the API's intake and check, the service's approval of a correction, the
plausibility of a night's protocols and ``saylau verify`` on the published files. A broken
relation is a value, :class:`Broken`, naming the relation's id, its source, the protocol line
at fault and the numbers found, so the commission learns exactly what does not add up.

Three scopes: a protocol's own lines (``protocol``); the protocol against its precinct's list
in the election definition (``definition``, the count ``list``); and the protocols of one
precinct together (``precinct``, a ``same(...)`` check).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from saylau.law.book import law_book
from saylau.law.relations import Relation, Term
from saylau.law.rules import Citation, InstitutionRules, rules_at
from saylau.protocol import COUNT_FIELDS, Protocol

OPTION_VOTES = "votes"
"""The count of a check that sums the votes for every option of the protocol."""
LIST = "precinct_list"
"""The count of a check that is the precinct's list in the election definition."""

_HOLDS: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_BROKEN_AS = {"=": "≠", "<=": ">", ">=": "<", "<": "≥", ">": "≤"}

Getter = Callable[[Protocol, int], int]


@dataclass(frozen=True, slots=True)
class Broken:
    """A control relation a protocol breaks: its id and check as the law data writes them,
    the rule in words with its source, the protocol line at fault and the numbers found."""

    relation: str
    check: str
    rule: str
    field: str
    source: str
    found: str

    def as_json(self) -> dict[str, str]:
        return {
            "relation": self.relation,
            "check": self.check,
            "field": self.field,
            "rule": self.rule,
            "source": self.source,
            "found": self.found,
        }


def _percent(share: Fraction) -> str:
    percent = share * 100
    return f"{percent.numerator / percent.denominator:g} %"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One relation on one date: its sides as functions of (protocol, precinct's list)."""

    relation: Relation
    left: Getter
    right: Getter
    holds: Callable[[int, int], bool]
    shares: Mapping[str, Fraction]  # parameter key → its value on the date
    cited: str  # the relation's source and the parameters it read
    day: str  # the date the relation was compiled for, as its words may name it

    def broken(self, protocol: Protocol, registered: int) -> Broken:
        """The refusal of a protocol found to break the relation."""
        return self.refusal(protocol, registered, self._found(protocol, registered))

    def refusal(self, protocol: Protocol, registered: int, found: str) -> Broken:
        relation = self.relation
        words: dict[str, Any] = {name: getattr(protocol, name) for name in COUNT_FIELDS}
        words |= {
            OPTION_VOTES: protocol.option_votes,
            LIST: registered,
            "precinct": protocol.precinct,
            "contest": protocol.contest,
            "date": self.day,
        }
        words |= {key.partition(".")[2]: _percent(share) for key, share in self.shares.items()}
        return Broken(
            relation=relation.id,
            check=relation.text,
            rule=f"{relation.rule.format_map(words)} ({self.cited})",
            field=relation.field,
            source=relation.source,
            found=found,
        )

    def _side(self, terms: tuple[Term, ...], protocol: Protocol, registered: int) -> str:
        parts = [self._term(term, protocol, registered) for term in terms]
        text = " + ".join(text for text, _value in parts)
        if len(parts) > 1:
            text += f" = {sum(value for _text, value in parts):,}"
        return text

    def _term(self, term: Term, protocol: Protocol, registered: int) -> tuple[str, int]:
        if term.name is None:
            return f"{term.constant:,}", term.constant
        value = _count(term.name)(protocol, registered)
        if term.share is None:
            return f"{term.name} {value:,}", value
        share = self.shares[term.share]
        rounded = math.ceil(value * share)
        return f"{_percent(share)} of {term.name} {value:,} rounded up ({rounded:,})", rounded

    def _found(self, protocol: Protocol, registered: int) -> str:
        check = self.relation.check
        left = self._side(check.left, protocol, registered)
        right = self._side(check.right, protocol, registered)
        return f"{left} {_BROKEN_AS[check.op]} {right}"


def _attribute(name: str) -> str:
    """The attribute of :class:`Protocol` a count of a check reads."""
    if name == OPTION_VOTES:
        return "option_votes"
    if name not in COUNT_FIELDS:
        raise ValueError(
            f"a relation reads {name!r}, which is no line of a protocol (lines: "
            f"{', '.join((*COUNT_FIELDS, OPTION_VOTES, LIST))})"
        )
    return name


def _count(name: str) -> Getter:
    if name == LIST:
        return lambda _protocol, registered: registered
    read = operator.attrgetter(_attribute(name))
    return lambda protocol, _registered: read(protocol)


def _share_of(count: Getter, share: Fraction) -> Getter:
    """``ceil(count * share)``: a share of voters is a whole number of them, rounded up
    (in whole numbers: no Fraction is built per protocol)."""
    numerator, denominator = share.numerator, share.denominator
    return lambda protocol, registered: -(-count(protocol, registered) * numerator // denominator)


def _side(terms: tuple[Term, ...], shares: Mapping[str, Fraction]) -> Getter:
    """The sum of ``terms`` as one function, built once per relation and date: a side of
    the protocol's own lines reads them with one ``attrgetter``, the intake's hot path."""
    constant = sum(term.constant for term in terms if term.name is None)
    named = [term for term in terms if term.name is not None]
    if not named:
        return lambda _protocol, _registered: constant
    plain = [t.name for t in named if t.share is None and t.name != LIST]
    if len(plain) == len(named) and not constant:
        attributes = [_attribute(name) for name in plain if name]
        if len(attributes) == 1:
            one: Callable[[Protocol], int] = operator.attrgetter(attributes[0])
            return lambda protocol, _registered: one(protocol)
        many: Callable[[Protocol], tuple[int, ...]] = operator.attrgetter(*attributes)
        return lambda protocol, _registered: sum(many(protocol))
    getters: list[Getter] = []
    for term in named:
        assert term.name is not None
        count = _count(term.name)
        getters.append(count if term.share is None else _share_of(count, shares[term.share]))
    if len(getters) == 1 and not constant:
        return getters[0]
    return lambda p, r: constant + sum(get(p, r) for get in getters)


def _record(rules: Any, key: str) -> tuple[InstitutionRules, str]:
    institution, _, name = key.partition(".")
    record = getattr(rules, institution)
    if not isinstance(record, InstitutionRules):
        raise TypeError(f"relation parameter {key!r} names no institution of the law")
    return record, name


def _cited(relation: Relation, citations: Iterable[Citation]) -> str:
    return "; ".join([f"{relation.id}: {relation.source}", *(str(c) for c in citations)])


@dataclass(frozen=True, slots=True)
class Relations:
    """The control relations in force on ``day``, compiled, by scope."""

    day: dt.date
    protocol: tuple[_Compiled, ...]
    definition: tuple[_Compiled, ...]
    precinct: tuple[_Compiled, ...]

    def ids(self) -> tuple[str, ...]:
        """The id of every relation in force, in the order of the law data."""
        return tuple(c.relation.id for c in (*self.protocol, *self.definition, *self.precinct))

    def protocol_breaks(self, protocol: Protocol) -> list[Broken]:
        """Every relation of the protocol's own lines it breaks, in the order of the law."""
        return [
            c.broken(protocol, 0)
            for c in self.protocol
            if not c.holds(c.left(protocol, 0), c.right(protocol, 0))
        ]

    def list_breaks(self, protocol: Protocol, registered: int) -> list[Broken]:
        """Every relation between the protocol and its precinct's list of ``registered``."""
        return [
            c.broken(protocol, registered)
            for c in self.definition
            if not c.holds(c.left(protocol, registered), c.right(protocol, registered))
        ]

    def disagreements(
        self, protocol: Protocol, others: Mapping[str, Sequence[Protocol]]
    ) -> list[Broken]:
        """Where ``protocol`` disagrees with the other contests of its precinct: ``others``
        maps each to the protocols it may stand on, at least one of which must agree."""
        broken: list[Broken] = []
        for compiled in self.precinct:
            names = compiled.relation.check.same
            read = operator.attrgetter(*names)
            own = read(protocol)
            for contest, candidates in sorted(others.items()):
                if contest == protocol.contest or not candidates:
                    continue
                if any(read(other) == own for other in candidates):
                    continue
                found = "; ".join(
                    f"{p.contest}: " + ", ".join(f"{n} {getattr(p, n):,}" for n in names)
                    for p in (protocol, candidates[0])
                )
                broken.append(compiled.refusal(protocol, 0, found))
        return broken


def _words_known(relation: Relation, shares: Mapping[str, Fraction]) -> None:
    """A rule's words name only what a refusal knows: refused once, here, not mid-intake."""
    known = {*COUNT_FIELDS, OPTION_VOTES, LIST, "precinct", "contest", "date"}
    known |= {key.partition(".")[2] for key in shares}
    try:
        relation.rule.format_map(dict.fromkeys(known, 0))
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(
            f"relation {relation.id}: its rule names {exc} (it may name {', '.join(sorted(known))})"
        ) from None


def _compile(relation: Relation, day: dt.date) -> _Compiled | None:
    rules = rules_at(day)
    citations: list[Citation] = []
    if relation.when is not None:
        record, name = _record(rules, relation.when)
        if bool(getattr(record, name)) == relation.when_not:
            return None
        citations.append(record.cite(name))
    shares: dict[str, Fraction] = {}
    for key in relation.check.parameters():
        record, name = _record(rules, key)
        value = getattr(record, name)
        if not isinstance(value, Fraction):
            raise TypeError(f"relation parameter {key!r} is not a share")
        shares[key] = value
        citations.append(record.cite(name))
    for name in relation.check.names():
        _count(name)  # a name no protocol has is refused here, not while checking
    _words_known(relation, shares)
    return _Compiled(
        relation=relation,
        left=_side(relation.check.left, shares),
        right=_side(relation.check.right, shares),
        holds=_HOLDS[relation.check.op],
        shares=shares,
        cited=_cited(relation, citations),
        day=day.isoformat(),
    )


@cache
def relations_at(day: dt.date) -> Relations:
    """The relations of the law book in force on ``day``, compiled once (cached per date);
    NotInForce for a day outside the law, where no relation would hold a protocol to anything."""
    rules_at(day)  # fails closed: an empty set of relations would pass any protocol
    compiled = [_compile(r, day) for r in law_book().relations_at(day)]
    kept = [c for c in compiled if c is not None]
    return Relations(
        day=day,
        protocol=tuple(c for c in kept if c.relation.scope == "protocol"),
        definition=tuple(c for c in kept if c.relation.scope == "definition"),
        precinct=tuple(c for c in kept if c.relation.scope == "precinct"),
    )


def protocol_breaks(protocol: Protocol, day: dt.date) -> list[Broken]:
    """Every relation of its own lines ``protocol`` breaks under the law of ``day``; []."""
    return relations_at(day).protocol_breaks(protocol)


def refusal_detail(broken: Sequence[Broken]) -> str:
    """One sentence naming every broken relation by its id and check, for a 422's detail."""
    named = "; ".join(f"{b.relation} ({b.check}, field {b.field})" for b in broken)
    return f"the protocol breaks {len(broken)} control relation(s): {named}"


__all__ = [
    "LIST",
    "OPTION_VOTES",
    "Broken",
    "Relations",
    "protocol_breaks",
    "refusal_detail",
    "relations_at",
]
