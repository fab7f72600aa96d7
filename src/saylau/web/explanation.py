"""How the law decides an outcome, told in the reader's language.

The engine gives its reasoning as steps (a message key, typed values and the parameters of
the law each applied; see :mod:`saylau.outcome.sentences`). Each step is translated here
from the site's catalogues, with the options' names in place of their ids and numbers,
shares and dates written as the language writes them. The sources of the law are quoted as
the law data records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saylau.election import ContestDef
from saylau.outcome.records import Outcome
from saylau.outcome.sentences import SENTENCES, Value
from saylau.web.i18n import N_, day, exact, listing, name, number, percent, share, translations

#: The seat-allocation methods of the law data, as a sentence names them.
METHODS = {
    "largest_remainder_hare": N_("the largest remainder method with the Hare quota"),
    "largest_remainder_droop": N_("the largest remainder method with the Droop quota"),
    "dhondt": N_("the D'Hondt method"),
    "sainte_lague": N_("the Sainte-Laguë method"),
}


@dataclass(frozen=True, slots=True)
class Citation:
    """A parameter of the law a step applied: since when, and the source as recorded."""

    since: str
    source: str
    open: str | None


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    citations: tuple[Citation, ...]


def steps(outcome: Outcome, contest: ContestDef, language: str) -> list[Step]:
    """The outcome's steps in ``language``, each with the citations it applied."""
    gettext = translations(language).gettext
    labels = {option.id: name(dict(option.names), language) for option in contest.options}

    def option(option_id: str) -> str:
        return labels.get(option_id, option_id)

    def shown(kind: Value, value: Any) -> str:
        match kind:
            case Value.NUMBER:
                return number(value, language)
            case Value.OPTION:
                return option(value)
            case Value.OPTIONS | Value.BOTH:
                return listing([option(item) for item in value], language)
            case Value.SHARE:
                return share(value, language)
            case Value.PERCENT:
                return percent(value, language)
            case Value.FRACTION:
                return exact(value, language)
            case Value.METHOD:
                return gettext(METHODS[value])
        raise AssertionError(f"no way to show a {kind} value")

    cited = {
        rule.parameter: Citation(day(rule.since, language), rule.source, rule.open)
        for rule in outcome.reasons.cited
    }
    told = []
    for step in outcome.reasons.steps:
        sentence = SENTENCES[step.message]
        values = {key: shown(kind, step.values[key]) for key, kind in sentence.values.items()}
        told.append(
            Step(
                gettext(sentence.text) % values,
                tuple(cited[rule] for rule in step.rules if rule in cited),
            )
        )
    return told


__all__ = ["METHODS", "Citation", "Step", "steps"]
