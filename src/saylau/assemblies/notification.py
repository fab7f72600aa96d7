"""A notification (or an approval request) and the checks the law puts on it when it is
filed: the form, the place on the assembly's day, the lead time, the participants.

Readings where the sources are silent, kept here so a reader can dispute them:

* the day of filing is the day the akimat registers the notice (art. 12(1) says so of an
  approval request); the answer period runs from the next day on the working-day calendar
  (``law/data/calendar.yaml``);
* the lead time counts the working days strictly between the day of filing and the day of the
  assembly (``assemblies.notification_lead_working_days``, whose note says why working days),
  so the akimat's answer is always due before the assembly;
* a place is checked on the assembly's day, the law on the day of filing;
* more participants than the place's capacity is flagged for the akimat, not refused: the
  law lets the akimat answer it (propose another place or time), the notice is still valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from saylau.assemblies.kinds import Kind, Procedure, forms, procedure_of
from saylau.assemblies.places import Place, PlaceBook
from saylau.assemblies.refusal import Refusal, Refused
from saylau.law.calendar import WorkingCalendar
from saylau.law.rules import AssemblyRules, Citation


@dataclass(frozen=True, slots=True)
class Notification:
    """What an organiser files: the form, the city (its ISO 3166-2 code) and the place the
    maslikhat set, the local start and end, the expected participants and the purpose."""

    organiser: str
    kind: str
    city: str
    place: str
    starts: dt.datetime
    ends: dt.datetime
    participants: int
    purpose: str
    filed_on: dt.date

    @property
    def day(self) -> dt.date:
        return self.starts.date()


@dataclass(frozen=True, slots=True)
class Accepted:
    """A notice the law accepts: its procedure, the day the akimat must answer by, the
    latest day it could have been filed, the place, and flags for the akimat."""

    kind: Kind
    procedure: Procedure
    answer_due: dt.date
    latest_filing: dt.date
    place: Place
    over_capacity: bool
    citations: tuple[Citation, ...]


def latest_filing(day: dt.date, lead: int, calendar: WorkingCalendar) -> dt.date:
    """The last day a notice for an assembly on ``day`` may be filed so that ``lead``
    working days lie strictly between the filing and the assembly."""
    found = 0
    probe = day
    while found < lead:
        probe -= dt.timedelta(days=1)
        found += calendar.is_working_day(probe)
    return probe - dt.timedelta(days=1)


def lead_days(filed_on: dt.date, day: dt.date, calendar: WorkingCalendar) -> int:
    """Working days strictly between the filing and the assembly's day."""
    if day <= filed_on:
        return 0
    return calendar.working_days_between(filed_on, day - dt.timedelta(days=1))


def check(
    notice: Notification, law: AssemblyRules, places: PlaceBook, calendar: WorkingCalendar
) -> Accepted:
    """The notice accepted under ``law`` (the law of its filing day), or :class:`Refused`
    with every reason, each naming its field, its rule and its citation."""
    refusals: list[Refusal] = []
    for field in ("organiser", "purpose"):
        if not str(getattr(notice, field)).strip():
            refusals.append(Refusal(field, "assembly_text_empty", {"found": field}))
    procedure = procedure_of(notice.kind, law)
    if procedure is None:
        named = "; ".join((*forms(law.notification_forms), *forms(law.approval_forms)))
        refusals.append(
            Refusal(
                "kind",
                "assembly_kind",
                {"found": notice.kind, "required": named},
                law.cite("notification_forms"),
            )
        )
    if notice.ends <= notice.starts:
        refusals.append(
            Refusal("ends", "assembly_times", {"found": notice.starts.isoformat(" ", "minutes")})
        )
    if notice.participants < 1:
        refusals.append(
            Refusal("participants", "assembly_participants", {"found": notice.participants})
        )
    place = places.find(notice.city, notice.place, notice.day)
    if place is None:
        values = {"found": notice.place, "city": notice.city, "on": notice.day}
        rule = (
            "assembly_place_unknown" if places.on(notice.city, notice.day) else "assembly_no_places"
        )
        refusals.append(Refusal("place", rule, values, law.cite("places")))
    elif procedure is not None and Kind(notice.kind) not in place.kinds:
        refusals.append(
            Refusal(
                "place",
                "assembly_place_kind",
                {
                    "found": notice.place,
                    "required": "; ".join(sorted(k.value for k in place.kinds)),
                    "kind": notice.kind,
                },
                place.citation,
            )
        )
    answer_due = latest = notice.filed_on
    if procedure is not None:
        lead_name = (
            "notification_lead_working_days"
            if procedure is Procedure.NOTIFICATION
            else "approval_lead_working_days"
        )
        lead: int = getattr(law, lead_name)
        latest = latest_filing(notice.day, lead, calendar)
        if notice.day < notice.filed_on:
            refusals.append(
                Refusal(
                    "filed_on",
                    "assembly_filed_after_start",
                    {"found": notice.filed_on, "required": notice.day},
                )
            )
        elif notice.filed_on > latest:
            refusals.append(
                Refusal(
                    "starts",
                    "assembly_lead_time",
                    {
                        "found": lead_days(notice.filed_on, notice.day, calendar),
                        "required": lead,
                        "latest": latest,
                    },
                    law.cite(lead_name),
                )
            )
        answer_name = (
            "notification_answer_working_days"
            if procedure is Procedure.NOTIFICATION
            else "approval_working_days"
        )
        answer_due = calendar.add_working_days(notice.filed_on, getattr(law, answer_name))
    if refusals:
        raise Refused(tuple(refusals))
    assert procedure is not None and place is not None
    answer_name = (
        "notification_answer_working_days"
        if procedure is Procedure.NOTIFICATION
        else "approval_working_days"
    )
    return Accepted(
        kind=Kind(notice.kind),
        procedure=procedure,
        answer_due=answer_due,
        latest_filing=latest,
        place=place,
        over_capacity=place.capacity is not None and notice.participants > place.capacity,
        citations=(law.cite(answer_name), law.cite(lead_name)),
    )
