"""A petition's life, step by step, each a pure function of the petition, the event and the
law of the event's day (electoral-rules §8).

draft → moderation (at most the law's working days; refused only for a subject the law
excludes) → gathering its first supporters (the law's number within the law's working days,
else it lapses) → collecting signatures for the law's months → past its threshold, or expired
→ under consideration (the law's working days for a central or a local body, counted from the
day the threshold was reached) → public discussion → answered.

Readings where the sources are silent, kept here so a reader can dispute them:

* the first supporters' window opens on the day moderation approves, and the collection
  period on the day the petition becomes public;
* an approval, a consideration or a discussion after its deadline still happens (a body's
  delay must not cost the citizens their petition) and is marked ``late``; a refusal after the
  moderation period is not possible;
* the threshold is fixed when the petition is submitted, on the law and population of that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from saylau.law.calendar import WorkingCalendar, working_calendar
from saylau.law.rules import PetitionRules, Rules
from saylau.model import BadInput
from saylau.petitions.refusal import Refusal, TransitionRefused
from saylau.petitions.thresholds import Addressee, Threshold, Unit, threshold
from saylau.register.parties import add_months


class State(StrEnum):
    DRAFT = "draft"
    MODERATION = "moderation"
    REFUSED = "refused"
    GATHERING_SUPPORT = "gathering_support"
    LAPSED = "lapsed"
    COLLECTING = "collecting"
    REACHED = "reached"
    EXPIRED = "expired"
    UNDER_CONSIDERATION = "under_consideration"
    PUBLIC_DISCUSSION = "public_discussion"
    ANSWERED = "answered"


#: States in which anyone may read a petition by its address: from moderation's approval on
#: (its author gathers the first supporters by sharing the address).
VISIBLE = frozenset(State) - {State.DRAFT, State.MODERATION}
#: States in which the public list and search show a petition: once it became public.
LISTED = VISIBLE - {State.REFUSED, State.GATHERING_SUPPORT, State.LAPSED}

#: States no step leaves.
FINAL = frozenset({State.REFUSED, State.LAPSED, State.EXPIRED, State.ANSWERED})


@dataclass(frozen=True, slots=True)
class Submit:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Approve:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Refuse:
    on: dt.date
    subject: str


@dataclass(frozen=True, slots=True)
class Support:
    """The first supporters counted on ``on``."""

    on: dt.date
    supporters: int


@dataclass(frozen=True, slots=True)
class Lapse:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Tally:
    """The signatures counted on ``on``."""

    on: dt.date
    signatures: int


@dataclass(frozen=True, slots=True)
class Expire:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Consider:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Discuss:
    on: dt.date


@dataclass(frozen=True, slots=True)
class Answer:
    on: dt.date
    text: str


Event = Submit | Approve | Refuse | Support | Lapse | Tally | Expire | Consider | Discuss | Answer

#: The state each step starts from, and where it leads.
STEPS: dict[type[Event], tuple[State, State]] = {
    Submit: (State.DRAFT, State.MODERATION),
    Approve: (State.MODERATION, State.GATHERING_SUPPORT),
    Refuse: (State.MODERATION, State.REFUSED),
    Support: (State.GATHERING_SUPPORT, State.COLLECTING),
    Lapse: (State.GATHERING_SUPPORT, State.LAPSED),
    Tally: (State.COLLECTING, State.REACHED),
    Expire: (State.COLLECTING, State.EXPIRED),
    Consider: (State.REACHED, State.UNDER_CONSIDERATION),
    Discuss: (State.UNDER_CONSIDERATION, State.PUBLIC_DISCUSSION),
    Answer: (State.PUBLIC_DISCUSSION, State.ANSWERED),
}


def step_name(event: Event) -> str:
    """The step's name, as :data:`saylau.petitions.messages.STEPS` translates it."""
    return type(event).__name__.lower()


@dataclass(frozen=True, slots=True)
class Transition:
    """One step taken: into ``state`` on ``on``; ``late`` when past the deadline it had."""

    state: State
    on: dt.date
    late: bool = False


@dataclass(frozen=True)
class Petition:
    """A petition as its steps left it; every deadline is a date fixed by the step that
    opened it, so a page shows it without recounting."""

    id: str
    title: str
    text: str
    addressee: Addressee
    unit: Unit | None
    history: tuple[Transition, ...]
    threshold: Threshold | None = None
    moderation_due: dt.date | None = None
    support_due: dt.date | None = None
    collection_ends: dt.date | None = None
    review_due: dt.date | None = None
    supporters: int = 0
    signatures: int = 0
    refused_for: str | None = None
    answer: str | None = None

    @property
    def state(self) -> State:
        return self.history[-1].state

    @property
    def last_step_on(self) -> dt.date:
        return self.history[-1].on


def draft(
    id: str, title: str, text: str, addressee: Addressee, unit: Unit | None, on: dt.date
) -> Petition:
    """A new petition, not yet submitted; a body other than the Government needs its unit."""
    for name, value in (("id", id), ("title", title), ("text", text)):
        if not value.strip():
            raise BadInput(name, "must not be empty")
    if addressee is not Addressee.GOVERNMENT and unit is None:
        raise BadInput("unit", f"a petition to a {addressee} names its unit", None)
    return Petition(id, title, text, addressee, unit, (Transition(State.DRAFT, on),))


def excluded_subjects(law: PetitionRules) -> tuple[str, ...]:
    """The subjects moderation may refuse a petition for, as the law data names them."""
    return tuple(s.strip() for s in law.excluded_subjects_named.split(";") if s.strip())


def _refuse(
    field: str, rule: str, found: object, required: object, law: PetitionRules, cited: str
) -> TransitionRefused:
    return TransitionRefused(
        Refusal(field, rule, {"found": found, "required": required}, law.cite(cited))
    )


def _due(day: dt.date | None) -> dt.date:
    assert day is not None, "a step's deadline is set by the step that opened it"
    return day


def advance(
    petition: Petition,
    event: Event,
    rules: Rules,
    calendar: WorkingCalendar | None = None,
) -> Petition:
    """The petition after ``event`` under ``rules`` (the law of the event's day), or
    :class:`TransitionRefused` naming the field, the rule and its citation."""
    if rules.date != event.on:
        raise BadInput("rules", "must be the law in force on the event's day", rules.date)
    law = rules.require(PetitionRules)
    cal = calendar or working_calendar()
    start, end = STEPS[type(event)]
    if petition.state is not start:
        raise TransitionRefused(
            Refusal(
                "state",
                "petition_step_not_allowed",
                {"state": petition.state.value, "step": step_name(event)},
            )
        )
    if event.on < petition.last_step_on:
        raise TransitionRefused(
            Refusal(
                "on",
                "petition_step_before_last",
                {"found": event.on, "required": petition.last_step_on},
            )
        )
    late = False
    changes: dict[str, object] = {}
    match event:
        case Submit(on=on):
            changes["threshold"] = threshold(petition.addressee, petition.unit, law)
            changes["moderation_due"] = cal.add_working_days(on, law.moderation_working_days)
        case Approve(on=on):
            late = on > _due(petition.moderation_due)
            changes["support_due"] = cal.add_working_days(on, law.publication_window_working_days)
        case Refuse(on=on, subject=subject):
            if subject not in excluded_subjects(law):
                raise _refuse(
                    "subject",
                    "petition_refusal_subject",
                    subject,
                    "; ".join(excluded_subjects(law)),
                    law,
                    "excluded_subjects_named",
                )
            due = _due(petition.moderation_due)
            if on > due:
                raise _refuse(
                    "on", "petition_moderation_over", on, due, law, "moderation_working_days"
                )
            changes["refused_for"] = subject
        case Support(on=on, supporters=supporters):
            due = _due(petition.support_due)
            if on > due:
                raise _refuse(
                    "on",
                    "petition_support_window_over",
                    on,
                    due,
                    law,
                    "publication_window_working_days",
                )
            if supporters < law.publication_supporters:
                raise _refuse(
                    "supporters",
                    "petition_publication_supporters",
                    supporters,
                    law.publication_supporters,
                    law,
                    "publication_supporters",
                )
            changes["supporters"] = supporters
            changes["collection_ends"] = add_months(on, law.collection_months)
        case Lapse(on=on):
            due = _due(petition.support_due)
            if on <= due:
                raise _refuse(
                    "on",
                    "petition_support_window_open",
                    on,
                    due,
                    law,
                    "publication_window_working_days",
                )
        case Tally(on=on, signatures=signatures):
            ends = _due(petition.collection_ends)
            if on > ends:
                raise _refuse("on", "petition_collection_over", on, ends, law, "collection_months")
            needed = petition.threshold
            assert needed is not None, "the threshold is fixed on submission"
            if signatures < needed.required:
                raise TransitionRefused(
                    Refusal(
                        "signatures",
                        "petition_threshold",
                        {"found": signatures, "required": needed.required},
                        needed.citation,
                    )
                )
            review = (
                law.review_working_days_central
                if petition.addressee.central
                else law.review_working_days_local
            )
            changes["signatures"] = signatures
            changes["review_due"] = cal.add_working_days(on, review)
        case Expire(on=on):
            ends = _due(petition.collection_ends)
            if on <= ends:
                raise _refuse("on", "petition_collection_open", on, ends, law, "collection_months")
        case Consider(on=on) | Discuss(on=on):
            late = on > _due(petition.review_due)
        case Answer(on=on, text=text):
            if not text.strip():
                raise TransitionRefused(Refusal("text", "petition_answer_empty"))
            changes["answer"] = text
    history = (*petition.history, Transition(end, event.on, late))
    return replace(petition, history=history, **changes)  # type: ignore[arg-type]


def working_days_left(
    petition: Petition, today: dt.date, calendar: WorkingCalendar | None = None
) -> int | None:
    """Working days left to the deadline of the petition's present state (0 once past it),
    or None where the state has no deadline counted in working days."""
    due = {
        State.MODERATION: petition.moderation_due,
        State.GATHERING_SUPPORT: petition.support_due,
        State.REACHED: petition.review_due,
        State.UNDER_CONSIDERATION: petition.review_due,
    }.get(petition.state)
    if due is None:
        return None
    return (calendar or working_calendar()).working_days_between(today, due)
