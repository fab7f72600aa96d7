"""The law is applied where it is cited: change, one at a time, each parameter an outcome cites
and the decision must change for some contest that cites it. A parameter an explanation
names but the decision never reads would pass every mutation unchanged.

The contests are those that reach every sentence of the engine (tests/test_explanation.py).
A decision is the outcome without its words (explanation, steps, citations); a refusal of
the contest under the changed law counts as a change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from fractions import Fraction

from saylau.law.rules import Rules, rules_at
from saylau.model import BadInput
from saylau.outcome.records import Outcome, Reasons
from tests.test_explanation import BASE, CASES, outcome

WORDLESS = Reasons(dt.date.min, "", (), ())


def decision(result: Outcome) -> Outcome:
    return dataclasses.replace(result, reasons=WORDLESS)


def variants(value: object) -> list[object]:
    """Other values a parameter of this type could take, far enough to matter."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, Fraction):
        return [
            v
            for v in (
                Fraction(0),
                Fraction(1, 100),
                value / 2,
                value * 2,
                Fraction(99, 100),
                Fraction(1),
            )
            if 0 <= v <= 1 and v != value
        ]
    if isinstance(value, int):
        return [v for v in (0, 1, value + 1, value * 2, value * 10) if v != value]
    return []


def with_value(rules: Rules, institution: str, name: str, value: object) -> Rules:
    record = dataclasses.replace(getattr(rules, institution), **{name: value})
    return dataclasses.replace(rules, **{institution: record})


def test_every_cited_parameter_moves_some_decision() -> None:
    moved: dict[str, bool] = defaultdict(bool)
    untried: set[str] = set()
    for _label, fields, rules in CASES:
        law = rules or rules_at(dt.date.fromisoformat((BASE | fields)["date"]))
        result = outcome(fields, rules)
        for cited in result.reasons.cited:
            parameter = cited.parameter
            institution, name = parameter.split(".", 1)
            options = variants(getattr(getattr(law, institution), name))
            if not options:
                untried.add(parameter)
                continue
            for value in options:
                try:
                    changed = outcome(fields, with_value(law, institution, name, value))
                except (BadInput, ZeroDivisionError, ValueError):
                    moved[parameter] = True
                    break
                if decision(changed) != decision(result):
                    moved[parameter] = True
                    break
            else:
                moved.setdefault(parameter, False)
    unread = sorted(parameter for parameter, did in moved.items() if not did)
    assert unread == [], f"cited, yet no change of them changes a decision: {unread}"
    assert moved, "no parameter was tried"
