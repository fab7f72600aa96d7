"""Kazakhstan's working days: the deadlines of petitions and assemblies run on them.

Public holidays and the rule that a holiday on a weekend moves to the next working day come
from the maintained ``holidays`` package; the Government's yearly transfers of days off are
dated, sourced data in ``data/calendar.yaml``. A date in a year that file does not hold is
refused rather than guessed: a deadline is only as good as the calendar it runs on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import holidays

from saylau.law.book import CALENDAR_FILE, LawDataError
from saylau.law.reading import read_yaml

SATURDAY = 5
#: How the ``holidays`` package names a day off moved by decree (in its English names).
PACKAGE_TRANSFER = "Day off (substituted from"


class OutsideCalendar(LookupError):
    """A date in a year whose transfers of days off Saylau does not hold.

    ``field`` is ``date``: the input at fault."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.field = "date"


@dataclass(frozen=True, slots=True)
class Transfer:
    """One decree's move: ``day_off`` is rested, ``working_day`` is worked."""

    day_off: dt.date
    working_day: dt.date
    source: str


@dataclass(frozen=True, slots=True)
class CalendarYear:
    """The transfers of one year, with the decree they come from (or why none are known)."""

    year: int
    transfers: tuple[Transfer, ...]
    source: str
    open: str | None


@dataclass(frozen=True, slots=True)
class DeadlineReading:
    """Which day counts as day 1 of a period: a reading of the law, stated with its source."""

    text: str
    source: str
    open: str | None


@dataclass(frozen=True)
class WorkingCalendar:
    """Kazakhstan's working days over the years the transfers data holds."""

    years: Mapping[int, CalendarYear]
    reading: DeadlineReading
    days_off: frozenset[dt.date] = field(init=False, repr=False)
    worked: frozenset[dt.date] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        public = holidays.country_holidays("KZ", years=sorted(self.years), language="en_US")
        # The package carries some decrees' transfers too; the data here decides them, so
        # its own are taken out (a test checks the two agree where both have a year).
        days_off = {day for day, name in public.items() if not name.startswith(PACKAGE_TRANSFER)}
        worked: set[dt.date] = set()
        for year in self.years.values():
            days_off.update(t.day_off for t in year.transfers)
            worked.update(t.working_day for t in year.transfers)
        object.__setattr__(self, "days_off", frozenset(days_off))
        object.__setattr__(self, "worked", frozenset(worked))

    @property
    def first(self) -> dt.date:
        return dt.date(min(self.years), 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(max(self.years), 12, 31)

    def _covered(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise OutsideCalendar(
                f"date {day.isoformat()} is outside the working-day calendar Saylau holds "
                f"({self.first.isoformat()} to {self.last.isoformat()}): the Government's "
                "transfers of days off for that year are not in law/data/calendar.yaml"
            )

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is worked: a transferred working day always is; otherwise a weekday
        that is no public holiday (moved or not) and no transferred day off."""
        self._covered(day)
        if day in self.worked:
            return True
        return day.weekday() < SATURDAY and day not in self.days_off

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The last day of a period of ``count`` working days an event on ``start`` opens.

        Day 1 is the first working day after ``start`` (:attr:`reading`); ``count`` 0 is
        ``start`` itself."""
        if count < 0:
            raise ValueError(f"count: a period has zero or more working days, found {count}")
        day = start
        self._covered(day)
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not
        later): the days of a period already run, so ``add_working_days`` inverts it."""
        self._covered(start)
        self._covered(end)
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise LawDataError(f"{where}: expected a non-empty text")
    return raw.strip()


def _day(raw: Any, where: str) -> dt.date:
    if not isinstance(raw, dt.date):
        raise LawDataError(f"{where}: expected a date YYYY-MM-DD, found {raw!r}")
    return raw


def load_calendar(text: str) -> WorkingCalendar:
    """Read the transfers file, refusing a year without a source or a transfer outside its
    year. A working day is usually a Saturday, but may be a moved holiday (2020-05-11, the
    Monday Victory Day moved to, was worked and 8 May rested instead)."""
    raw = read_yaml(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("years"), list):
        raise LawDataError(f"{CALENDAR_FILE}: expected 'years', a list of years")
    reading_raw = raw.get("deadline_reading")
    if not isinstance(reading_raw, dict):
        raise LawDataError(f"{CALENDAR_FILE}: 'deadline_reading' must say which day is day 1")
    reading = DeadlineReading(
        text=_text(reading_raw.get("text"), "deadline_reading.text"),
        source=_text(reading_raw.get("source"), "deadline_reading.source"),
        open=reading_raw.get("open"),
    )
    years: dict[int, CalendarYear] = {}
    for index, entry in enumerate(raw["years"]):
        where = f"{CALENDAR_FILE}: years[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("year"), int):
            raise LawDataError(f"{where}: expected a mapping with 'year'")
        year = entry["year"]
        if year in years:
            raise LawDataError(f"{where}: year {year} is given twice")
        source = _text(entry.get("source"), f"{where}.source")
        transfers: list[Transfer] = []
        for number, move in enumerate(entry.get("transfers") or ()):
            at = f"{where}.transfers[{number}]"
            if not isinstance(move, dict):
                raise LawDataError(f"{at}: expected day_off and working_day")
            off = _day(move.get("day_off"), f"{at}.day_off")
            worked = _day(move.get("working_day"), f"{at}.working_day")
            if off.year != year:
                raise LawDataError(f"{at}: day off {off.isoformat()} is not in {year}")
            if worked == off:
                raise LawDataError(f"{at}: a day cannot be moved onto itself")
            transfers.append(Transfer(day_off=off, working_day=worked, source=source))
        if not transfers and not entry.get("open"):
            raise LawDataError(f"{where}: a year without transfers must say why ('open')")
        years[year] = CalendarYear(year, tuple(transfers), source, entry.get("open"))
    if not years:
        raise LawDataError(f"{CALENDAR_FILE}: no years")
    missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
    if missing:
        raise LawDataError(f"{CALENDAR_FILE}: years {missing} are missing between the others")
    return WorkingCalendar(years, reading)


@cache
def working_calendar() -> WorkingCalendar:
    """Saylau's working-day calendar (read once per process)."""
    text = resources.files("saylau.law").joinpath("data", CALENDAR_FILE).read_text("utf-8")
    return load_calendar(text)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day in Kazakhstan."""
    return working_calendar().is_working_day(day)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (day 1 is the first one after it)."""
    return working_calendar().add_working_days(start, count)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return working_calendar().working_days_between(start, end)
