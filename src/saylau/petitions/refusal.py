"""A refused step of a petition: which field, which rule, what was found and expected, and
the law it was read from. A value the shell can show in any language and a test can compare."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from saylau.law.rules import Citation
from saylau.petitions.messages import english


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused: ``rule`` is the message key, ``values`` fill its template."""

    field: str
    rule: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)
    citation: Citation | None = None

    def __str__(self) -> str:
        text = f"{self.field}: {english(self.rule, self.values)}"
        if self.citation is not None:
            text += f" [{self.citation}]"
        return text


class TransitionRefused(ValueError):
    """A petition's step that the law or the lifecycle does not allow; nothing changed."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal
        self.field = refusal.field
