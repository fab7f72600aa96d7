"""The forms of peaceful assembly and the two procedures the law gives them."""

from __future__ import annotations

from enum import StrEnum

from saylau.law.rules import AssemblyRules


class Kind(StrEnum):
    PICKET = "picket"
    MEETING = "meeting"
    RALLY = "rally"
    MARCH = "march"
    DEMONSTRATION = "demonstration"


class Procedure(StrEnum):
    """A notification the akimat answers (silence lets the assembly go ahead), or a request
    the akimat must approve."""

    NOTIFICATION = "notification"
    APPROVAL = "approval"


def forms(text: str) -> tuple[str, ...]:
    """The forms a law value names, separated by semicolons."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def procedure_of(kind: str, law: AssemblyRules) -> Procedure | None:
    """Which procedure ``kind`` follows under ``law``, or None if the law names no such form."""
    if kind in forms(law.notification_forms):
        return Procedure.NOTIFICATION
    if kind in forms(law.approval_forms):
        return Procedure.APPROVAL
    return None
