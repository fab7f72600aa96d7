"""A refused notification or step: which field, which rule, what was found and expected, and
the law it was read from. A value the shell shows in any language and a test compares."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from saylau.assemblies.messages import english
from saylau.law.rules import Citation


@dataclass(frozen=True)
class Refusal:
    """Why: ``rule`` is the message key of :mod:`saylau.assemblies.messages`, ``values``
    fill its template, ``citation`` is the law (or the maslikhat's decision) it applies."""

    field: str
    rule: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)
    citation: Citation | str | None = None

    def __str__(self) -> str:
        text = f"{self.field}: {english(self.rule, self.values)}"
        if self.citation is not None:
            text += f" [{self.citation}]"
        return text


class Refused(ValueError):
    """A notification or a step the law does not allow; every reason is listed, nothing
    changed. ``field`` is the first reason's field."""

    def __init__(self, refusals: tuple[Refusal, ...]) -> None:
        assert refusals, "a refusal has at least one reason"
        super().__init__("; ".join(str(r) for r in refusals))
        self.refusals = refusals
        self.field = refusals[0].field
