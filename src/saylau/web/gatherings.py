"""Peaceful assemblies as the site shows them: the form, the state and the answer in the
reader's language, the place and the city by their names in it, and a refusal of a step
told with its numbers. Only formats what ``service/assemblies`` answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from babel.dates import format_time

from saylau.assemblies.lifecycle import State
from saylau.assemblies.messages import KINDS, PROCEDURES, STATES
from saylau.assemblies.places import place_book
from saylau.service.assemblies import AssemblyView
from saylau.territory import rows
from saylau.web.i18n import day, name, translations

REGION_NAMES = {"kk": "name_kk", "ru": "name_ru_official", "en": "name_en_wikipedia"}


@cache
def city_names() -> dict[str, dict[str, str]]:
    """Each region's (and republican city's) names, by ISO 3166-2 code."""
    return {
        row["iso_3166_2"]: {lang: row[column] for lang, column in REGION_NAMES.items()}
        for row in rows("regions.csv")
    }


def cities() -> tuple[str, ...]:
    """The cities whose maslikhat's places Saylau holds (the calendar's city filter)."""
    return place_book().cities()


@dataclass(frozen=True, slots=True)
class StepLine:
    state: str
    words: str
    on: dt.date
    late: bool
    reason: str | None
    recorded_at: str


@dataclass(frozen=True, slots=True)
class AssemblyLine:
    """One assembly as a row of the calendar or its own page, already in the language."""

    id: str
    kind: str
    procedure: str
    state: str
    state_words: str
    city: str
    place: str
    day: str
    iso_day: str
    hours: str
    starts: str
    participants: int
    purpose: str
    organiser: str
    filed_on: dt.date
    answer_due: dt.date
    reason: str | None
    over_capacity: bool
    answer_overdue: bool
    overlaps_with: tuple[str, ...]
    history: tuple[StepLine, ...]
    citations: tuple[str, ...]


def _clock(moment: dt.datetime, language: str) -> str:
    return format_time(moment, "short", locale=language)


def line(view: AssemblyView, language: str) -> AssemblyLine:
    """``view`` in ``language``: every word through the catalogues, names from the data."""
    words = translations(language).gettext
    return AssemblyLine(
        id=view.id,
        kind=words(KINDS[view.kind]),
        procedure=words(PROCEDURES[view.procedure]),
        state=view.state,
        state_words=words(STATES[view.state]),
        city=name(city_names().get(view.city, {"en": view.city}), language),
        place=name(view.place_names, language),
        day=day(view.starts.date(), language),
        iso_day=view.starts.date().isoformat(),
        hours=f"{_clock(view.starts, language)}–{_clock(view.ends, language)}",
        starts=view.starts.isoformat(timespec="minutes"),
        participants=view.participants,
        purpose=view.purpose,
        organiser=view.organiser,
        filed_on=view.filed_on,
        answer_due=view.answer_due,
        reason=view.reason,
        over_capacity=view.over_capacity,
        answer_overdue=view.answer_overdue,
        overlaps_with=view.overlaps_with,
        history=tuple(
            StepLine(
                s.state,
                words(STATES[s.state]),
                s.on,
                s.late,
                s.reason,
                s.recorded_at.isoformat(timespec="seconds"),
            )
            for s in view.history
        ),
        citations=view.citations,
    )


def state_choices(language: str) -> list[tuple[str, str]]:
    words = translations(language).gettext
    return [(state.value, words(STATES[state.value])) for state in State]
