"""An assembly's life, step by step, each a pure function of the assembly and the event
(Law No. 333-VI art. 11, 13).

notified → agreed | refused (with a reason) | went ahead as notified (no answer by the
deadline) ; requested → approved | refused ; any of these but refused → withdrawn, until the
assembly's day.

Readings where the sources are silent, kept here so a reader can dispute them:

* a notification's answer is due by the end of its deadline day; from the next day on the
  law lets the assembly go ahead as notified, so a later answer is refused and the tick
  records that it went ahead;
* the law sets no consequence for an approval request left unanswered: silence is no
  approval, the request stays requested and a late answer is still taken, marked ``late``;
* art. 14 lists the grounds of a refusal; they are not in Saylau's sources, so a refusal
  carries the akimat's reason as text, required and published;
* art. 11(1)(3) and 13(1)(4) also let the akimat propose another place or time; Saylau does
  not model that answer yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from saylau.assemblies.kinds import Procedure
from saylau.assemblies.refusal import Refusal, Refused


class State(StrEnum):
    NOTIFIED = "notified"
    AGREED = "agreed"
    WENT_AHEAD = "went_ahead"
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


#: States whose assembly is still expected to be held (the calendar's overlaps look at these).
ACTIVE = frozenset(
    {State.NOTIFIED, State.AGREED, State.WENT_AHEAD, State.REQUESTED, State.APPROVED}
)


@dataclass(frozen=True, slots=True)
class Agree:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Approve:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Refuse:
    on: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class GoAhead:
    """The deadline passed without an answer: recorded on ``on``, a day after it."""

    on: dt.date


@dataclass(frozen=True, slots=True)
class Withdraw:
    on: dt.date


Event = Agree | Approve | Refuse | GoAhead | Withdraw

#: The states each step may start from, and where it leads.
STEPS: dict[type[Event], tuple[frozenset[State], State]] = {
    Agree: (frozenset({State.NOTIFIED}), State.AGREED),
    Approve: (frozenset({State.REQUESTED}), State.APPROVED),
    Refuse: (frozenset({State.NOTIFIED, State.REQUESTED}), State.REFUSED),
    GoAhead: (frozenset({State.NOTIFIED}), State.WENT_AHEAD),
    Withdraw: (ACTIVE, State.WITHDRAWN),
}


def step_name(event: Event) -> str:
    return type(event).__name__.lower()


@dataclass(frozen=True, slots=True)
class Transition:
    """One step taken: into ``state`` on ``on``; ``late`` when past the answer deadline."""

    state: State
    on: dt.date
    late: bool = False


@dataclass(frozen=True)
class Assembly:
    """An accepted notice as its steps left it."""

    id: str
    procedure: Procedure
    day: dt.date
    answer_due: dt.date
    history: tuple[Transition, ...]
    reason: str | None = None

    @property
    def state(self) -> State:
        return self.history[-1].state

    @property
    def last_step_on(self) -> dt.date:
        return self.history[-1].on


def filed(
    id: str, procedure: Procedure, day: dt.date, answer_due: dt.date, on: dt.date
) -> Assembly:
    """A notice just accepted: notified, or requested for a march or a demonstration."""
    first = State.NOTIFIED if procedure is Procedure.NOTIFICATION else State.REQUESTED
    return Assembly(id, procedure, day, answer_due, (Transition(first, on),))


def answer_overdue(state: State, answer_due: dt.date, today: dt.date) -> bool:
    """Whether an approval request still waits for the akimat after its deadline (a
    notification does not wait: past its deadline it goes ahead)."""
    return state is State.REQUESTED and today > answer_due


def _refuse(field: str, rule: str, **values: object) -> Refused:
    return Refused((Refusal(field, rule, values),))


def advance(assembly: Assembly, event: Event) -> Assembly:
    """The assembly after ``event``, or :class:`Refused` naming the field and the rule."""
    starts, end = STEPS[type(event)]
    if assembly.state not in starts:
        raise _refuse(
            "state", "assembly_step_not_allowed", state=assembly.state.value, step=step_name(event)
        )
    if event.on < assembly.last_step_on:
        raise _refuse(
            "on", "assembly_step_before_last", found=event.on, required=assembly.last_step_on
        )
    late = False
    reason = assembly.reason
    match event:
        case Agree(on=on) | Refuse(on=on) if assembly.procedure is Procedure.NOTIFICATION:
            if on > assembly.answer_due:
                raise _refuse(
                    "on", "assembly_answer_after_deadline", found=on, required=assembly.answer_due
                )
        case Approve(on=on) | Refuse(on=on):
            late = on > assembly.answer_due
        case GoAhead(on=on):
            if on <= assembly.answer_due:
                raise _refuse(
                    "on", "assembly_deadline_open", found=on, required=assembly.answer_due
                )
        case Withdraw(on=on):
            if on > assembly.day:
                raise _refuse(
                    "on", "assembly_withdraw_after_start", found=on, required=assembly.day
                )
    if isinstance(event, Refuse):
        if not event.reason.strip():
            raise _refuse("reason", "assembly_text_empty", found="reason")
        reason = event.reason.strip()
    history = (*assembly.history, Transition(end, event.on, late))
    return replace(assembly, history=history, reason=reason)
